"""A household leaving the settlement's books (departed or closed) reaches the apps above the
registry that keep open commitments for it, in the same transaction.

The registry may not import those apps (residence keeps the household's term). An app
registers, in its ``AppConfig.ready``, a function called with the household, its new status,
the cause and the day, just after the registry saved the change (the household row is
current: the function may lock and change it). The function may close its
own records (a term ends with the exit "deceased" when the last member dies) or refuse the
change with a ``ValidationError`` (a departure typed by hand must be recorded as an exit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mehman.registry.models import Household

# Why a household leaves: its status changed by hand (or by an app), its last member died or
# married into another household, or it was merged into another household.
STATUS = "status"
DEATH = "death"
MARRIAGE = "marriage"
MERGE = "merge"

Leaving = Callable[["Household", str, str, Any, date], None]

_HANDLERS: dict[str, Leaving] = {}


def register(name: str, handler: Leaving) -> None:
    _HANDLERS[name] = handler


def leaving(household: Household, status: str, cause: str, by: Any, day: date) -> None:
    for handler in _HANDLERS.values():
        handler(household, status, cause, by, day)

"""Admission reaches the apps above intake, in the same transaction: residence starts the
household's term the moment it is admitted (whichever app recorded the accepted offer).

Intake may not import the apps built on it; an app registers, in its ``AppConfig.ready``, a
function called with the admitted application, the acting user and the day of admission.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from mehman.intake.models import Application

Admitted = Callable[[Application, Any, date], None]

_HANDLERS: dict[str, Admitted] = {}


def register(name: str, handler: Admitted) -> None:
    _HANDLERS[name] = handler


def admitted(application: Application, by: Any, day: date) -> None:
    for handler in _HANDLERS.values():
        handler(application, by, day)

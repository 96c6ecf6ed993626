"""Offers answered elsewhere: an app above intake that offers its own homes (housing offers
units) says so here, so intake's pages and API send the answer to it.

Intake may not import the apps built on it. An app registers, in its ``AppConfig.ready``, a
function giving the page where an application's offer is answered (or None when the offer
is intake's own, a home named in words). Accepting, declining or admitting such an
application through intake directly would skip what the other app does in the same
transaction (housing moves the household into the unit), so intake refuses it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.intake.models import Application

AnsweredAt = Callable[[Application], str | None]

_HANDLERS: dict[str, AnsweredAt] = {}
# The steps that answer an offer; the app holding the offer takes them.
ANSWER_STEPS = frozenset({"accept", "decline", "admit"})


def register(name: str, answered_at: AnsweredAt) -> None:
    _HANDLERS[name] = answered_at


def answered_at(application: Application) -> str | None:
    """The page where this application's offer is answered, if another app holds it."""
    for handler in _HANDLERS.values():
        url = handler(application)
        if url:
            return url
    return None


def refuse_if_held(application: Application) -> None:
    """Refuse to answer here an offer another app holds."""
    if answered_at(application):
        raise ValidationError(
            _(
                "This offer is of a housing unit: record the household's answer on the "
                "offer's page, so that the household moves in at the same time."
            ),
            code="held_elsewhere",
        )

"""The PIN of a just-submitted application, kept in the clerk's session for a while so
the receipt can print it. The database keeps only a keyed hash of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from mehman.intake.models import Application

KEPT_FOR = timedelta(minutes=30)


def _key(application: Application) -> str:
    return f"intake_pin:{application.reference}"


def remember_pin(request: HttpRequest, application: Application, pin: str) -> None:
    request.session[_key(application)] = {"pin": pin, "at": timezone.now().isoformat()}


def recent_pin(request: HttpRequest, application: Application) -> str | None:
    """The PIN given in this session within the last half hour, if any."""
    kept = request.session.get(_key(application))
    if not isinstance(kept, dict):
        return None
    try:
        at = datetime.fromisoformat(str(kept.get("at")))
    except ValueError:
        return None
    if timezone.now() - at > KEPT_FOR:
        request.session.pop(_key(application), None)
        return None
    return str(kept.get("pin") or "") or None

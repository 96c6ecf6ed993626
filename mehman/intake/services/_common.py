"""Pieces every intake service uses."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.core import events
from mehman.core.services import save_recorded
from mehman.intake.models import Application, ApplicationEvent, ApplicationStatus

__all__ = ["check_version", "lock", "record_event", "require_status", "save_recorded"]


def record_event(application: Application, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(ApplicationEvent, aggregate=application, kind=kind, by=by, **params)


def lock(application: Application, expected_version: int | None = None) -> Application:
    """The application's row, locked for this transaction, as it is now."""
    locked = (
        Application.objects.select_for_update()
        .select_related("household", "settlement")
        .get(pk=application.pk)
    )
    check_version(locked, expected_version)
    return locked


def check_version(record: Any, version: int | None) -> None:
    if version is not None and int(version) != record.version:
        raise ValidationError(
            _("Someone else changed this application meanwhile. Reload and try again."),
            code="stale",
        )


def require_status(
    application: Application, new: str, *, only_from: Collection[str] | None = None
) -> None:
    """Refuse a transition the status machine does not allow, saying why in plain words.

    ``only_from``: the statuses this service moves from, when the machine allows ``new``
    from more (an appeal, for one, is ended only by its decision).
    """
    if application.allowed(new) and (only_from is None or application.status in only_from):
        return
    labels = dict(ApplicationStatus.choices)
    raise ValidationError(
        _("This application is “%(current)s”; it cannot become “%(new)s”."),
        code="transition",
        params={"current": labels[application.status], "new": labels.get(new, new)},
    )


def require_text(value: str, field: str, message: Any) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: ValidationError(message, code="required")})
    return text

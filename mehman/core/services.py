"""Every state change of core records: settlements and background-task progress."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mehman.core import events
from mehman.core.models import Settlement, SettlementEvent, TaskProgress, TaskStatus

EDITABLE_SETTLEMENT_FIELDS = (
    "name_fa",
    "name_en",
    "province_fa",
    "province_en",
    "capacity",
    "accommodation_type",
    "opened_on",
    "is_active",
)


@transaction.atomic
def create_settlement(
    *,
    code: str,
    name_fa: str,
    name_en: str,
    province_fa: str,
    province_en: str,
    capacity: int,
    accommodation_type: str = "P",
    opened_on: date | None = None,
    by: Any = None,
) -> Settlement:
    """A settlement is known by a unique code and has room for at least one person."""
    if Settlement.objects.filter(code=code).exists():
        raise ValidationError(_("A settlement with this code already exists."), code="duplicate")
    settlement = Settlement(
        code=code,
        name_fa=name_fa,
        name_en=name_en,
        province_fa=province_fa,
        province_en=province_en,
        capacity=capacity,
        accommodation_type=accommodation_type,
        opened_on=opened_on,
    )
    settlement.full_clean()
    settlement._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
    settlement.save()
    events.record(
        SettlementEvent,
        aggregate=settlement,
        kind=events.SETTLEMENT_CREATED,
        by=by,
        capacity=capacity,
    )
    return settlement


@transaction.atomic
def update_settlement(
    *, settlement: Settlement, by: Any, expected_version: int, reason: str = "", **changes: Any
) -> Settlement:
    """Settlement details change only from the version the editor saw."""
    unknown = set(changes) - set(EDITABLE_SETTLEMENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if locked.version != expected_version:
        raise ValidationError(
            _("Someone else changed this settlement meanwhile. Reload the page and try again."),
            code="stale",
        )
    changed = {
        name: [jsonable(getattr(locked, name)), jsonable(value)]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    if not changed:
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save()
    events.record(
        SettlementEvent,
        aggregate=locked,
        kind=events.SETTLEMENT_UPDATED,
        by=by,
        fields=sorted(changed),
        changes=changed,
        reason=reason,
    )
    return locked


def check_version(record: Any, version: int | None) -> None:
    """Refuse an edit made on a stale copy of the record (someone saved in between)."""
    if version is not None and int(version) != record.version:
        raise ValidationError(
            _("Someone else changed this record meanwhile. Reload and try again."), code="stale"
        )


def require_text(value: str, field: str, message: Any) -> str:
    """The text typed for ``field``, trimmed; refused with ``message`` when empty."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: ValidationError(message, code="required")})
    return text


CODE_MAX = 40


def require_code(value: str, message: Any, field: str = "code") -> str:
    """A short code for a record kept as data (a condition, a criterion): Latin letters,
    digits, hyphens and underscores, at most CODE_MAX characters, lower case; refused with
    ``message`` when empty."""
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError({field: ValidationError(message, code="required")})
    try:
        validate_slug(text)
    except ValidationError as exc:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Use only Latin letters, digits, hyphens and underscores in the code."),
                    code="slug",
                )
            }
        ) from exc
    if len(text) > CODE_MAX:
        raise ValidationError(
            {field: ValidationError(_("The code is at most 40 characters."), code="length")}
        )
    return text


def jsonable(value: Any) -> Any:
    """A value as a timeline event or history keeps it: dates in ISO, records by name."""
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def save_recorded(instance: Model, by: Any, reason: str = "", *, bump: bool = True) -> None:
    """Save a domain record with a history row naming the user and the reason.

    ``bump`` raises the optimistic-locking version of a record that already exists.
    """
    if bump and instance.pk is not None:
        instance.version += 1  # type: ignore[attr-defined]
    instance._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
    instance._change_reason = str(reason)  # type: ignore[attr-defined]
    instance.save()


# --- Background-task progress --------------------------------------------------------


def start_progress(*, kind: str, title: str, total: int = 0, by: Any = None) -> TaskProgress:
    """A piece of background work is announced before it is queued, so pages can follow it."""
    return TaskProgress.objects.create(
        kind=kind,
        title=title,
        total=total,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )


def advance_progress(progress: TaskProgress, *, done: int, total: int | None = None) -> None:
    """Progress only moves forward; one UPDATE, no transaction held open by the worker."""
    fields: dict[str, Any] = {
        "done": done,
        "status": TaskStatus.RUNNING,
        "updated_at": timezone.now(),
    }
    if total is not None:
        fields["total"] = total
        progress.total = total
    TaskProgress.objects.filter(pk=progress.pk).update(**fields)
    progress.done = done
    progress.status = TaskStatus.RUNNING


def finish_progress(
    progress: TaskProgress, *, result: dict[str, Any] | None = None, error: str = ""
) -> None:
    """Work ends done (with a result) or failed (with a message safe to show)."""
    progress.status = TaskStatus.FAILED if error else TaskStatus.DONE
    progress.message = error[:300]
    progress.result = result or {}
    progress.finished_at = timezone.now()
    if not error:
        progress.done = max(progress.done, progress.total)
    progress.save(
        update_fields=["status", "message", "result", "finished_at", "done", "updated_at"]
    )

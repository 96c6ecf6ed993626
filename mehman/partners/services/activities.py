"""Activities (5W): planning, changes and their status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.digits import to_ascii_digits
from mehman.core.models import Settlement
from mehman.partners import events
from mehman.partners.models import (
    ACTIVITY_TRANSITIONS,
    TARGET_KEYS,
    Activity,
    ActivityStatus,
    Organisation,
    Sector,
)
from mehman.partners.services._common import (
    check_period,
    check_version,
    record_event,
    save_recorded,
)

ACTIVITY_FIELDS = (
    "funder",
    "sector",
    "name",
    "description",
    "block",
    "starts_on",
    "ends_on",
    "works_with_residents",
    "targets",
)


def _clean_targets(targets: dict[str, Any] | None) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, value in (targets or {}).items():
        if key not in TARGET_KEYS:
            raise ValidationError(
                {"targets": ValidationError(_("Unknown target group."), code="targets")}
            )
        try:
            number = int(to_ascii_digits(str(value or 0)))
        except ValueError as exc:
            raise ValidationError(
                {"targets": ValidationError(_("Targets are whole numbers."), code="targets")}
            ) from exc
        if number < 0:
            raise ValidationError(
                {"targets": ValidationError(_("Targets cannot be negative."), code="targets")}
            )
        if number:
            cleaned[key] = number
    return cleaned


def _check(activity: Activity) -> None:
    if activity.sector not in Sector.values:
        raise ValidationError({"sector": ValidationError(_("Unknown sector."), code="sector")})
    if not activity.name.strip():
        raise ValidationError({"name": ValidationError(_("Name the activity."), code="name")})
    check_period(activity.starts_on, activity.ends_on, end_field="ends_on")
    if not activity.organisation.settlements.filter(pk=activity.settlement_id).exists():
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("The organisation does not work in this settlement."), code="settlement"
                )
            }
        )
    if activity.funder_id is not None and activity.funder_id == activity.organisation_id:
        activity.funder = None


@transaction.atomic
def plan_activity(
    *,
    organisation: Organisation,
    settlement: Settlement,
    by: Any,
    sector: str,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    funder: Organisation | None = None,
    description: str = "",
    block: str = "",
    works_with_residents: bool = True,
    targets: dict[str, Any] | None = None,
) -> Activity:
    """An activity says who does what, where, when and for how many people."""
    activity = Activity(
        organisation=organisation,
        funder=funder,
        settlement=settlement,
        sector=sector,
        name=name.strip(),
        description=description.strip(),
        block=to_ascii_digits(block).strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        works_with_residents=works_with_residents,
        targets=_clean_targets(targets),
    )
    _check(activity)
    save_recorded(activity, by)
    record_event(organisation, events.ACTIVITY_PLANNED, by, activity=activity.name)
    return activity


@transaction.atomic
def update_activity(
    *, activity: Activity, by: Any, version: int | None = None, **fields: Any
) -> Activity:
    """Change what an activity plans; a stale copy is refused."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    check_version(locked, version)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "targets" in fields:
        fields["targets"] = _clean_targets(fields["targets"])
    if "block" in fields:
        fields["block"] = to_ascii_digits(fields["block"] or "").strip()
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, fields[name])
    _check(locked)
    save_recorded(locked, by)
    record_event(
        locked.organisation,
        events.ACTIVITY_UPDATED,
        by,
        activity=locked.name,
        fields=sorted(changed),
    )
    return locked


@transaction.atomic
def change_activity_status(*, activity: Activity, status: str, by: Any) -> Activity:
    """Activities move planned → ongoing → completed, or are cancelled before completion."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if status not in ACTIVITY_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            _("An activity that is %(current)s cannot become %(new)s."),
            code="transition",
            params={
                "current": ActivityStatus(locked.status).label,
                "new": dict(ActivityStatus.choices).get(status, status),
            },
        )
    locked.status = status
    save_recorded(locked, by)
    record_event(
        locked.organisation, events.ACTIVITY_STATUS, by, activity=locked.name, status=status
    )
    return locked

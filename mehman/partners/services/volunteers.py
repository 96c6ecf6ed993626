"""Volunteers: the roster, safeguarding, assignments to activities and hours given."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners import events
from mehman.partners.models import (
    Activity,
    ActivityStatus,
    BackgroundCheck,
    Organisation,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
)
from mehman.partners.services._common import (
    check_period,
    check_version,
    record_event,
    save_recorded,
    today,
)

VOLUNTEER_FIELDS = (
    "name",
    "sex",
    "phone",
    "skills",
    "languages",
    "availability",
    "code_of_conduct_signed_on",
    "psea_trained_on",
    "background_check",
    "background_checked_on",
    "is_active",
)


def _words(values: Iterable[str]) -> list[str]:
    return [v.strip() for v in dict.fromkeys(values) if v and v.strip()]


def _check_dates(volunteer: Volunteer) -> None:
    day = today()
    for name in ("code_of_conduct_signed_on", "psea_trained_on", "background_checked_on"):
        value = getattr(volunteer, name)
        if value is not None and value > day:
            raise ValidationError(
                {name: ValidationError(_("This date is in the future."), code="future")}
            )
    if volunteer.background_check not in BackgroundCheck.values:
        raise ValidationError(
            {"background_check": ValidationError(_("Unknown status."), code="status")}
        )


@transaction.atomic
def register_volunteer(
    *,
    organisation: Organisation,
    settlement: Settlement,
    by: Any,
    name: str,
    sex: str,
    phone: str = "",
    skills: Iterable[str] = (),
    languages: Iterable[str] = (),
    availability: str = "",
    code_of_conduct_signed_on: date | None = None,
    psea_trained_on: date | None = None,
    background_check: str = BackgroundCheck.NOT_STARTED,
    background_checked_on: date | None = None,
) -> Volunteer:
    """A volunteer gives time through an organisation that works in the settlement."""
    if not organisation.settlements.filter(pk=settlement.pk).exists():
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("The organisation does not work in this settlement."), code="settlement"
                )
            }
        )
    if not name.strip():
        raise ValidationError({"name": ValidationError(_("Give the name."), code="name")})
    volunteer = Volunteer(
        organisation=organisation,
        settlement=settlement,
        name=name.strip(),
        sex=sex,
        phone=phone.strip(),
        skills=_words(skills),
        languages=_words(languages),
        availability=availability.strip(),
        code_of_conduct_signed_on=code_of_conduct_signed_on,
        psea_trained_on=psea_trained_on,
        background_check=background_check,
        background_checked_on=background_checked_on,
    )
    _check_dates(volunteer)
    volunteer.full_clean()
    save_recorded(volunteer, by)
    record_event(organisation, events.VOLUNTEER_REGISTERED, by, name=volunteer.name)
    return volunteer


@transaction.atomic
def update_volunteer(
    *, volunteer: Volunteer, by: Any, version: int | None = None, **fields: Any
) -> Volunteer:
    """Change a volunteer's details or safeguarding record; a stale copy is refused."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    check_version(locked, version)
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name in ("skills", "languages"):
        if name in fields:
            fields[name] = _words(fields[name])
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, fields[name])
    _check_dates(locked)
    locked.full_clean()
    save_recorded(locked, by)
    record_event(
        locked.organisation, events.VOLUNTEER_UPDATED, by, name=locked.name, fields=sorted(changed)
    )
    return locked


@transaction.atomic
def assign_volunteer(
    *,
    volunteer: Volunteer,
    activity: Activity,
    by: Any,
    starts_on: date | None = None,
    ends_on: date | None = None,
    role: str = "",
) -> VolunteerAssignment:
    """A volunteer works with residents only after signing the code of conduct,
    completing PSEA training and clearing a background check."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if not volunteer.is_active:
        raise ValidationError(_("This volunteer is no longer active."), code="inactive")
    if activity.settlement_id != volunteer.settlement_id:
        raise ValidationError(
            _("The volunteer and the activity are in different settlements."), code="settlement"
        )
    if activity.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
        raise ValidationError(
            _("Volunteers cannot be assigned to a completed or cancelled activity."),
            code="activity_closed",
        )
    if activity.works_with_residents:
        gaps = volunteer.safeguarding_gaps()
        if gaps:
            raise ValidationError(
                _("%(name)s cannot work with residents yet: %(gaps)s."),
                code="safeguarding",
                params={"name": volunteer.name, "gaps": "; ".join(gaps)},
            )
    if VolunteerAssignment.objects.filter(volunteer=volunteer, activity=activity).exists():
        raise ValidationError(
            _("This volunteer is already assigned to this activity."), code="duplicate"
        )
    start = starts_on or max(today(), activity.starts_on)
    check_period(start, ends_on, end_field="ends_on")
    assignment = VolunteerAssignment(
        volunteer=volunteer,
        activity=activity,
        role=role.strip(),
        starts_on=start,
        ends_on=ends_on,
    )
    save_recorded(assignment, by)
    record_event(
        volunteer.organisation,
        events.VOLUNTEER_ASSIGNED,
        by,
        name=volunteer.name,
        activity=activity.name,
    )
    return assignment


@transaction.atomic
def record_hours(
    *,
    assignment: VolunteerAssignment,
    by: Any,
    worked_on: date,
    hours: Decimal | str | float,
    note: str = "",
) -> VolunteerHours:
    """Hours are given on a past day within the assignment, at most 24 in a day."""
    try:
        amount = Decimal(str(hours))
    except InvalidOperation as exc:
        raise ValidationError(
            {"hours": ValidationError(_("Enter a number of hours."), code="hours")}
        ) from exc
    already = sum(
        (
            h.hours
            for h in VolunteerHours.objects.filter(
                assignment__volunteer=assignment.volunteer, worked_on=worked_on
            )
        ),
        Decimal(0),
    )
    if amount <= 0 or amount + already > 24:
        raise ValidationError(
            {"hours": ValidationError(_("A day has at most 24 hours."), code="hours")}
        )
    if worked_on > today():
        raise ValidationError(
            {"worked_on": ValidationError(_("This date is in the future."), code="future")}
        )
    if worked_on < assignment.starts_on or (
        assignment.ends_on is not None and worked_on > assignment.ends_on
    ):
        raise ValidationError(
            {
                "worked_on": ValidationError(
                    _("The day is outside the assignment's dates."), code="outside"
                )
            }
        )
    entry = VolunteerHours(
        assignment=assignment, worked_on=worked_on, hours=amount, note=note.strip()
    )
    save_recorded(entry, by)
    record_event(
        assignment.volunteer.organisation,
        events.HOURS_RECORDED,
        by,
        name=assignment.volunteer.name,
        hours=str(amount),
        activity=assignment.activity.name,
    )
    return entry

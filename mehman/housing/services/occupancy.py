"""Who lives where: moving in, transfers and moving out. A unit holds one household."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.housing import events as housing_events
from mehman.housing.models import (
    EndReason,
    MoveReason,
    Occupancy,
    Offer,
    OfferStatus,
    Unit,
    UnitState,
)
from mehman.housing.services._common import household_event, lock_unit, save_recorded, subject_event
from mehman.intake.models import Application
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus


def current_home(household: Household) -> Occupancy | None:
    return (
        Occupancy.objects.filter(household=household, ended_on__isnull=True)
        .select_related("unit__block")
        .first()
    )


def _check_day(day: date) -> None:
    if day > dates.today():
        raise ValidationError(
            {"day": ValidationError(_("This date is in the future."), code="future")}
        )


@transaction.atomic
def move_in(
    *,
    unit: Unit,
    household: Household,
    by: Any,
    reason: str,
    day: date | None = None,
    application: Application | None = None,
    note: str = "",
) -> Occupancy:
    """A household moves into a habitable unit nobody lives in; a household placed from the
    waitlist must fit (its members within the unit's capacity)."""
    if reason not in MoveReason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Say why the household moves in."), code="reason")}
        )
    day = day or dates.today()
    _check_day(day)
    unit = lock_unit(unit)  # every move into this unit waits here: no two households at once
    if unit.settlement_id != household.settlement_id:
        raise ValidationError(_("The unit is in another settlement."), code="settlement")
    if unit.state != UnitState.READY:
        raise ValidationError(
            _("Unit %(unit)s is not habitable (%(state)s).")
            % {"unit": unit.reference, "state": unit.get_state_display()},
            code="not_habitable",
        )
    living = Occupancy.objects.filter(unit=unit, ended_on__isnull=True).first()
    if living is not None:
        raise ValidationError(
            _("Unit %(unit)s is already lived in.") % {"unit": unit.reference}, code="occupied"
        )
    held = Offer.objects.filter(unit=unit, status=OfferStatus.OPEN, application__status="offered")
    if application is not None:
        held = held.exclude(application=application)
    if held.exists():
        raise ValidationError(
            _("Unit %(unit)s is offered to a household awaiting its answer.")
            % {"unit": unit.reference},
            code="offered",
        )
    if Occupancy.objects.filter(household=household, ended_on__isnull=True).exists():
        raise ValidationError(
            _("This household already has a home here: transfer it instead."), code="housed"
        )
    if reason != MoveReason.RECORDED and household.size > unit.capacity:
        raise ValidationError(
            _("%(size)s members do not fit in %(unit)s, which holds %(capacity)s.")
            % {"size": household.size, "unit": unit.reference, "capacity": unit.capacity},
            code="too_small",
        )
    if reason != MoveReason.ADMISSION and household.status != HouseholdStatus.RESIDENT:
        raise ValidationError(
            _("Only a resident household can be given a unit this way."), code="status"
        )
    occupancy = Occupancy(
        settlement_id=unit.settlement_id,
        unit=unit,
        household=household,
        started_on=day,
        reason=reason,
        note=note.strip(),
        application=application,
    )
    occupancy.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            save_recorded(occupancy, by, "Moved in")
    except IntegrityError as exc:  # the constraints, if a lock was ever bypassed
        raise ValidationError(
            _("This unit or household is already taken."), code="occupied"
        ) from exc
    registry_services.set_home(
        household=household,
        block=unit.block.code,
        address=unit.reference,
        by=by,
        reason=str(_("Moved into %(unit)s") % {"unit": unit.reference}),
    )
    household_event(household, housing_events.MOVED_IN, by, unit=unit.reference, reason=reason)
    subject_event(unit, housing_events.MOVED_IN, by, unit=household.reference, reason=reason)
    return occupancy


def _end(occupancy: Occupancy, by: Any, end_reason: str, day: date, note: str) -> Occupancy:
    if day < occupancy.started_on:
        raise ValidationError(
            {"day": ValidationError(_("A move-out cannot come before the move-in."), code="dates")}
        )
    occupancy.ended_on = day
    occupancy.end_reason = end_reason
    if note:
        occupancy.note = note.strip()
    save_recorded(occupancy, by, "Moved out")
    household_event(
        occupancy.household,
        housing_events.MOVED_OUT,
        by,
        unit=occupancy.unit.reference,
        end_reason=end_reason,
    )
    subject_event(
        occupancy.unit,
        housing_events.MOVED_OUT,
        by,
        unit=occupancy.household.reference,
        end_reason=end_reason,
    )
    return occupancy


def _lock_home(household: Household) -> Occupancy:
    occupancy = (
        Occupancy.objects.select_for_update()
        .select_related("unit", "household")
        .filter(household=household, ended_on__isnull=True)
        .first()
    )
    if occupancy is None:
        raise ValidationError(_("This household has no home recorded here."), code="not_housed")
    lock_unit(occupancy.unit)
    return occupancy


@transaction.atomic
def move_out(
    *, household: Household, by: Any, end_reason: str, day: date | None = None, note: str = ""
) -> Occupancy:
    """A household leaving its unit frees it for the waitlist (exits call this too)."""
    if end_reason not in EndReason.values or end_reason == EndReason.TRANSFER:
        raise ValidationError(
            {"end_reason": ValidationError(_("Say why the household leaves."), code="reason")}
        )
    day = day or dates.today()
    _check_day(day)
    occupancy = _end(_lock_home(household), by, end_reason, day, note)
    registry_services.set_home(
        household=household,
        block="",
        address="",
        by=by,
        reason=str(_("Left %(unit)s") % {"unit": occupancy.unit.reference}),
    )
    return occupancy


@transaction.atomic
def transfer(
    *, household: Household, to: Unit, by: Any, note: str, day: date | None = None
) -> Occupancy:
    """A household moves from its unit to another vacant one, with the reason recorded."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Say why the household moves."), code="required")}
        )
    day = day or dates.today()
    _check_day(day)
    old = _lock_home(household)
    if old.unit_id == to.pk:
        raise ValidationError(_("The household already lives in this unit."), code="same")
    _end(old, by, EndReason.TRANSFER, day, "")
    return move_in(
        unit=to, household=household, by=by, reason=MoveReason.TRANSFER, day=day, note=note
    )

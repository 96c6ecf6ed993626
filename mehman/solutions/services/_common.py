"""Pieces every solutions service uses."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, events
from mehman.core.models import Settlement
from mehman.core.services import check_version, require_text, save_recorded
from mehman.registry.models import Household, HouseholdEvent, Individual
from mehman.solutions.models import SolutionsCase, SolutionsSerial

__all__ = [
    "by_user",
    "check_member",
    "check_staff",
    "check_version",
    "household_event",
    "lock_case",
    "next_reference",
    "not_future",
    "refuse",
    "require_open",
    "require_text",
    "save_recorded",
]


def next_reference(settlement: Settlement) -> str:
    """The next case reference in the settlement's series: TJ-S00001."""
    serial, _created = SolutionsSerial.objects.select_for_update().get_or_create(
        settlement=settlement
    )
    serial.last += 1
    serial.save(update_fields=["last"])
    return f"{settlement.code}-S{serial.last:05d}"


def household_event(household: Household, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(HouseholdEvent, aggregate=household, kind=kind, by=by, **params)


def by_user(by: Any) -> Any:
    """The acting user as a record keeps it (a system run acts as nobody)."""
    return by if getattr(by, "is_authenticated", False) else None


def refuse(field: str, message: Any, code: str, **params: Any) -> NoReturn:
    raise ValidationError({field: ValidationError(message, code=code, params=params or None)})


def not_future(day: date, field: str) -> None:
    if day > dates.today():
        refuse(field, _("This date is in the future."), "future")


def lock_case(case: SolutionsCase) -> SolutionsCase:
    locked: SolutionsCase = (
        SolutionsCase.objects.select_for_update()
        .select_related("household", "settlement")
        .get(pk=case.pk)
    )
    return locked


def require_open(case: SolutionsCase) -> None:
    if not case.is_open:
        raise ValidationError(
            _("Case %(case)s is %(stage)s: it can no longer change."),
            code="closed",
            params={"case": case.reference, "stage": case.get_stage_display()},
        )


def check_staff(user: Any, settlement_id: int, field: str) -> None:
    """A person named on a case (its caseworker, a step's owner) works in its settlement."""
    if (
        user is None
        or not getattr(user, "is_active", False)
        or not user.sees_settlement_records
        or settlement_id not in user.settlement_ids()
    ):
        refuse(field, _("Choose a staff member working in this settlement."), "staff")


def check_member(person: Individual, household: Household, field: str) -> None:
    if person.household_id != household.pk or not person.is_active:
        refuse(field, _("Choose a member of this household."), "member")

"""Pieces every housing service uses."""

from __future__ import annotations

from typing import Any

from mehman.core import events
from mehman.core.models import Settlement
from mehman.core.services import check_version, jsonable, require_text, save_recorded
from mehman.housing.models import (
    Facility,
    FacilityEvent,
    HousingSerial,
    Unit,
    UnitEvent,
    WorkOrder,
    WorkOrderEvent,
)
from mehman.registry.models import Household, HouseholdEvent

__all__ = [
    "check_version",
    "household_event",
    "jsonable",
    "lock_unit",
    "next_serial",
    "require_text",
    "save_recorded",
    "subject_event",
    "work_event",
]


def next_serial(settlement: Settlement, kind: str) -> int:
    """The next number in a settlement's series of facilities, work orders or runs."""
    serial, _created = HousingSerial.objects.select_for_update().get_or_create(
        settlement=settlement, kind=kind
    )
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last


def lock_unit(unit: Unit) -> Unit:
    """The unit's row, locked for this transaction: every move in or offer takes it first."""
    locked: Unit = (
        Unit.objects.select_for_update().select_related("block", "settlement").get(pk=unit.pk)
    )
    return locked


def subject_event(subject: Unit | Facility, kind: events.EventKind, by: Any, **params: Any) -> None:
    if isinstance(subject, Unit):
        events.record(UnitEvent, aggregate=subject, kind=kind, by=by, **params)
    else:
        events.record(FacilityEvent, aggregate=subject, kind=kind, by=by, **params)


def work_event(order: WorkOrder, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(WorkOrderEvent, aggregate=order, kind=kind, by=by, **params)


def household_event(household: Household, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(HouseholdEvent, aggregate=household, kind=kind, by=by, **params)

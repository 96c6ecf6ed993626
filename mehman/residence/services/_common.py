"""Pieces every residence service uses."""

from __future__ import annotations

from typing import Any

from mehman.core import events
from mehman.core.models import Settlement, SettlementEvent
from mehman.core.services import check_version, require_text, save_recorded
from mehman.registry.models import Household, HouseholdEvent
from mehman.residence.models import ResidenceSerial

__all__ = [
    "check_version",
    "household_event",
    "next_reference",
    "require_text",
    "save_recorded",
    "settlement_event",
]

# The letter after the settlement code in each series: TJ-T00001, TJ-C001, TJ-D001.
SERIES = {"term": ("T", 5), "conversion": ("C", 3), "campaign": ("D", 3)}


def next_reference(settlement: Settlement, kind: str) -> str:
    """The next reference in a settlement's series of terms, conversions or campaigns."""
    serial, _created = ResidenceSerial.objects.select_for_update().get_or_create(
        settlement=settlement, kind=kind
    )
    serial.last += 1
    serial.save(update_fields=["last"])
    letter, width = SERIES[kind]
    return f"{settlement.code}-{letter}{serial.last:0{width}d}"


def household_event(household: Household, kind: events.EventKind, by: Any, **params: Any) -> None:
    events.record(HouseholdEvent, aggregate=household, kind=kind, by=by, **params)


def settlement_event(
    settlement: Settlement | int, kind: events.EventKind, by: Any, **params: Any
) -> None:
    target = (
        settlement if isinstance(settlement, Settlement) else Settlement.objects.get(pk=settlement)
    )
    events.record(SettlementEvent, aggregate=target, kind=kind, by=by, **params)

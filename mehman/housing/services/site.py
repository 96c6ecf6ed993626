"""The site plan: blocks, units and facilities, and the state of each unit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.housing import events as housing_events
from mehman.housing import standards
from mehman.housing.models import (
    Block,
    Facility,
    FacilityKind,
    Heating,
    Occupancy,
    Offer,
    OfferStatus,
    Unit,
    UnitState,
)
from mehman.housing.services._common import (
    check_version,
    jsonable,
    lock_unit,
    next_serial,
    require_text,
    save_recorded,
    subject_event,
)

UNIT_FIELDS = (
    "street",
    "x",
    "y",
    "floor_area",
    "rooms",
    "ground_floor",
    "ramp",
    "own_tap",
    "own_toilet",
    "heating",
    "electricity",
)
FACILITY_FIELDS = ("name", "block", "x", "y", "capacity", "in_service", "note")


def area(value: Any) -> Decimal:
    try:
        figure = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"floor_area": ValidationError(_("Give the floor area in m²."), code="area")}
        ) from exc
    if figure <= 0:
        raise ValidationError(
            {
                "floor_area": ValidationError(
                    _("The floor area must be more than 0 m²."), code="area"
                )
            }
        )
    return figure.quantize(Decimal("0.1"))


@transaction.atomic
def create_block(
    *, settlement: Settlement, code: str, by: Any, name: str = "", x: float = 0, y: float = 0
) -> Block:
    """A block has a code unique in its settlement."""
    code = require_text(code, "code", _("Give the block's code.")).upper()
    if Block.objects.filter(settlement=settlement, code=code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("This settlement already has that block."), code="duplicate"
                )
            }
        )
    block = Block(
        settlement=settlement,
        code=code,
        reference=f"{settlement.code}-{code}",
        name=name.strip(),
        x=x,
        y=y,
    )
    block.full_clean()
    save_recorded(block, by, "Block created")
    return block


@transaction.atomic
def add_unit(
    *,
    block: Block,
    number: int,
    x: float,
    y: float,
    floor_area: Any,
    rooms: int,
    by: Any,
    street: str = "",
    ground_floor: bool = True,
    ramp: bool = False,
    own_tap: bool = False,
    own_toilet: bool = False,
    heating: str = Heating.NONE,
    electricity: bool = True,
    state: str = UnitState.READY,
) -> Unit:
    """A unit is numbered once in its block; its capacity follows the living-space standard."""
    if Unit.objects.filter(block=block, number=number).exists():
        raise ValidationError(
            {
                "number": ValidationError(
                    _("This block already has a unit with that number."), code="duplicate"
                )
            }
        )
    floor = area(floor_area)
    unit = Unit(
        settlement_id=block.settlement_id,
        block=block,
        number=number,
        reference=f"{block.reference}-{number:03d}",
        street=street.strip(),
        x=x,
        y=y,
        floor_area=floor,
        rooms=rooms,
        ground_floor=ground_floor,
        ramp=ramp,
        own_tap=own_tap,
        own_toilet=own_toilet,
        heating=heating,
        electricity=electricity,
        state=state,
        capacity=standards.capacity_of(floor),
    )
    unit.full_clean()
    save_recorded(unit, by, "Unit added")
    subject_event(unit, housing_events.UNIT_ADDED, by, reference=unit.reference)
    return unit


@transaction.atomic
def update_unit(
    *, unit: Unit, by: Any, reason: str, expected_version: int | None = None, **changes: Any
) -> Unit:
    """A unit's details change with a reason, from the version seen; capacity follows the area."""
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    reason = require_text(reason, "reason", _("Say why the details change."))
    locked = lock_unit(unit)
    check_version(locked, expected_version)
    if "floor_area" in changes:
        changes["floor_area"] = area(changes["floor_area"])
    changed = {
        name: [jsonable(getattr(locked, name)), jsonable(value)]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    if not changed:
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.capacity = standards.capacity_of(locked.floor_area)
    locked.full_clean()
    save_recorded(locked, by, reason)
    subject_event(
        locked,
        housing_events.UNIT_CHANGED,
        by,
        fields=sorted(changed),
        changes=changed,
        reason=reason,
    )
    return locked


@transaction.atomic
def set_unit_state(*, unit: Unit, state: str, by: Any, reason: str) -> Unit:
    """Nobody may live in, or be offered, a unit that is not habitable or not built."""
    if state not in UnitState.values:
        raise ValidationError({"state": ValidationError(_("Unknown state."), code="state")})
    reason = require_text(reason, "reason", _("Say why the state changes."))
    locked = lock_unit(unit)
    if locked.state == state:
        return locked
    if (
        state in (UnitState.UNINHABITABLE, UnitState.PLANNED)
        and Occupancy.objects.filter(unit=locked, ended_on__isnull=True).exists()
    ):
        raise ValidationError(
            _("A household lives in this unit: move it out first."), code="occupied"
        )
    if (
        state != UnitState.READY
        and Offer.objects.filter(
            unit=locked, status=OfferStatus.OPEN, application__status="offered"
        ).exists()
    ):
        raise ValidationError(
            _("This unit is offered to a household awaiting its answer."), code="offered"
        )
    locked.state = state
    save_recorded(locked, by, reason)
    subject_event(locked, housing_events.UNIT_STATE, by, state=state, reason=reason)
    return locked


@transaction.atomic
def add_facility(
    *,
    settlement: Settlement,
    kind: str,
    name: str,
    x: float,
    y: float,
    capacity: int,
    by: Any,
    block: Block | None = None,
    in_service: bool = True,
    note: str = "",
) -> Facility:
    """A facility is placed on the site with what it offers (taps, toilets, pupils…)."""
    if kind not in FacilityKind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Unknown kind of facility."), code="kind")}
        )
    if block is not None and block.settlement_id != settlement.pk:
        raise ValidationError(
            {"block": ValidationError(_("The block is in another settlement."), code="block")}
        )
    serial = next_serial(settlement, "F")
    facility = Facility(
        settlement=settlement,
        block=block,
        reference=f"{settlement.code}-F{serial:04d}",
        kind=kind,
        name=require_text(name, "name", _("Name the facility.")),
        x=x,
        y=y,
        capacity=capacity,
        in_service=in_service,
        note=note.strip(),
    )
    facility.full_clean()
    save_recorded(facility, by, "Facility added")
    subject_event(facility, housing_events.FACILITY_ADDED, by, reference=facility.reference)
    return facility


@transaction.atomic
def update_facility(
    *, facility: Facility, by: Any, reason: str, expected_version: int | None = None, **changes: Any
) -> Facility:
    """A facility's details change with a reason, from the version seen."""
    unknown = set(changes) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    reason = require_text(reason, "reason", _("Say why the details change."))
    locked: Facility = Facility.objects.select_for_update().get(pk=facility.pk)
    check_version(locked, expected_version)
    block = changes.get("block")
    if block is not None and block.settlement_id != locked.settlement_id:
        raise ValidationError(
            {"block": ValidationError(_("The block is in another settlement."), code="block")}
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
    save_recorded(locked, by, reason)
    subject_event(
        locked,
        housing_events.FACILITY_CHANGED,
        by,
        fields=sorted(changed),
        changes=changed,
        reason=reason,
    )
    return locked

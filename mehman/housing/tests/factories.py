"""Housing test data, made through the services (so references, events and history exist)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mehman.core.models import Settlement
from mehman.housing import services
from mehman.housing.models import Block, Facility, FacilityKind, MoveReason, Unit
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus
from mehman.registry.tests.factories import household


def block(settlement: Settlement, code: str = "B01", *, by: Any = None, **kwargs: Any) -> Block:
    existing = Block.objects.filter(settlement=settlement, code=code).first()
    return existing or services.create_block(settlement=settlement, code=code, by=by, **kwargs)


def unit(
    settlement: Settlement,
    *,
    block_code: str = "B01",
    number: int | None = None,
    floor_area: Any = Decimal("45"),
    by: Any = None,
    **kwargs: Any,
) -> Unit:
    """A habitable unit (45 m² holds 10 persons at 4.5 m² each), numbered next in its block."""
    b = block(settlement, block_code, by=by)
    if number is None:
        number = (b.units.count() or 0) + 1
    data: dict[str, Any] = {"x": 10.0 * number, "y": 20.0, "rooms": 2}
    data.update(kwargs)
    return services.add_unit(block=b, number=number, floor_area=floor_area, by=by, **data)


def facility(
    settlement: Settlement, kind: str = FacilityKind.TAP, *, by: Any = None, **kwargs: Any
) -> Facility:
    data: dict[str, Any] = {"name": "Tap stand", "x": 0.0, "y": 0.0, "capacity": 4}
    data.update(kwargs)
    return services.add_facility(settlement=settlement, kind=kind, by=by, **data)


def resident(
    settlement: Settlement, *, home: Unit | None = None, by: Any = None, **kwargs: Any
) -> Household:
    """A resident household (four members), living in ``home`` if given."""
    target = household(settlement, by=by, **kwargs)
    registry_services.change_status(
        household=target, status=HouseholdStatus.RESIDENT, by=by, reason="test"
    )
    target.refresh_from_db()
    if home is not None:
        services.move_in(unit=home, household=target, by=by, reason=MoveReason.RECORDED)
        target.refresh_from_db()
    return target

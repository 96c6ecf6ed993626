"""Composite reads of the site: every unit with who lives there, how crowded it is and how
far it is from water and a toilet. The site map, the unit list and the standards page
read these, each from the user's scoped QuerySets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Subquery

from mehman.core.models import Settlement
from mehman.housing import standards
from mehman.housing.models import (
    WATER_POINTS,
    Facility,
    FacilityKind,
    Occupancy,
    Offer,
    OfferStatus,
    Unit,
    UnitState,
)


@dataclass(slots=True)
class UnitRow:
    """One unit as the site plan and the standards see it."""

    unit: Unit
    occupants: int | None  # members of the household living there; None when vacant
    household_id: int | None
    household_reference: str  # empty for users who may not see households
    held: bool  # offered to a household awaiting its answer
    water_m: float | None  # to the nearest working water point; 0 with its own tap
    toilet_m: float | None  # to the nearest working toilet; 0 with its own toilet

    @property
    def occupied(self) -> bool:
        return self.household_id is not None

    @property
    def vacant(self) -> bool:
        return self.unit.state == UnitState.READY and not self.occupied and not self.held

    @property
    def m2_per_person(self) -> Decimal | None:
        if not self.occupants:
            return None
        return (self.unit.floor_area / self.occupants).quantize(Decimal("0.1"))

    @property
    def crowded(self) -> bool:
        """Less covered space per person than the living-space standard."""
        space = self.m2_per_person
        return space is not None and not standards.living_space().met_by(space)


def distance(ax: float, ay: float, bx: float, by: float) -> float:
    return math.hypot(ax - bx, ay - by)


def nearest(x: float, y: float, points: Sequence[tuple[float, float]]) -> float | None:
    if not points:
        return None
    return min(distance(x, y, px, py) for px, py in points)


def working_points(
    facilities: Iterable[Facility], kinds: Iterable[str]
) -> list[tuple[float, float]]:
    wanted = set(kinds)
    return [(f.x, f.y) for f in facilities if f.in_service and f.kind in wanted]


def unit_rows(
    settlement: Settlement | int,
    user: Any,
    *,
    units: Any = None,
    facilities: Sequence[Facility] | None = None,
) -> list[UnitRow]:
    """Every unit of the settlement the user sees (or of ``units``, a scoped QuerySet), with
    its occupants, whether it is held for an offer, and its distances to water and a toilet."""
    current = Occupancy.objects.filter(unit=OuterRef("pk"), ended_on__isnull=True)
    held = Offer.objects.filter(
        unit=OuterRef("pk"), status=OfferStatus.OPEN, application__status="offered"
    )
    queryset = units if units is not None else Unit.objects.for_user(user)
    queryset = (
        queryset.filter(settlement=settlement)
        .select_related("block")
        .annotate(
            _household_id=Subquery(current.values("household_id")[:1]),
            _occupants=Subquery(current.values("household__size")[:1]),
            _reference=Subquery(current.values("household__reference")[:1]),
            _held=Exists(held),
        )
        .order_by("block__code", "number")
    )
    if facilities is None:
        facilities = list(Facility.objects.for_user(user).filter(settlement=settlement))
    water = working_points(facilities, WATER_POINTS)
    toilets = working_points(facilities, [FacilityKind.TOILET])
    sees_households = bool(getattr(user, "sees_settlement_records", False))
    rows = []
    for unit in queryset:
        household_id = unit._household_id
        rows.append(
            UnitRow(
                unit=unit,
                occupants=unit._occupants if household_id else None,
                household_id=household_id,
                household_reference=(unit._reference or "") if sees_households else "",
                held=bool(unit._held),
                water_m=0.0 if unit.own_tap else nearest(unit.x, unit.y, water),
                toilet_m=0.0 if unit.own_toilet else nearest(unit.x, unit.y, toilets),
            )
        )
    return rows


def count_units(settlement_ids: Iterable[int]) -> Mapping[int, int]:
    rows = (
        Unit.objects.filter(settlement_id__in=list(settlement_ids))
        .exclude(state=UnitState.PLANNED)
        .values_list("settlement_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def count_vacant(settlement_ids: Iterable[int]) -> Mapping[int, int]:
    rows = (
        Unit.objects.filter(settlement_id__in=list(settlement_ids))
        .vacant()
        .values_list("settlement_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def register_figures() -> None:
    from django.utils.translation import gettext_lazy as _

    from mehman.core.figures import register_figure

    register_figure("units", _("Housing units"), count_units, order=40)
    register_figure("vacant_units", _("Vacant units"), count_vacant, order=41)

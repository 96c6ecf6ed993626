"""Composite reads: who each activity and each pledge reached, by sex and age bracket.

Reach is counted from deliveries (each household once per activity, with its
members as they were on the first delivery) and attendance (each person once per
activity, unless their household was already counted through a delivery). A
pledge reaches the households its goods were delivered to and those whose work
it paid for, each once. Only counts leave these functions: callers pass records
already scoped to the user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from mehman.assistance.models import Attendance, Delivery, Expenditure
from mehman.partners.models import BRACKET_TAGS, Pledge, Sector

PEOPLE_KEYS: tuple[str, ...] = tuple(
    f"{sex}_{tag}" for sex in ("f", "m") for tag in (*BRACKET_TAGS.values(), "unknown")
)


@dataclass
class Reach:
    households: int = 0
    people: dict[str, int] = field(default_factory=dict)

    @property
    def individuals(self) -> int:
        return sum(self.people.values())

    def count(self, key: str) -> int:
        return self.people.get(key, 0)

    def add(self, counts: dict[str, int]) -> None:
        for key, number in counts.items():
            self.people[key] = self.people.get(key, 0) + int(number)

    @property
    def female(self) -> int:
        return sum(n for k, n in self.people.items() if k.startswith("f_"))

    @property
    def male(self) -> int:
        return sum(n for k, n in self.people.items() if k.startswith("m_"))


def activity_reach(activity_ids: Iterable[int]) -> dict[int, Reach]:
    """Reach of each activity, in three queries whatever the number of activities.

    Reads rows without a user scope: callers pass activities already scoped to the
    user, and only counts leave this function.
    """
    ids = list(activity_ids)
    reach: dict[int, Reach] = {pk: Reach() for pk in ids}
    if not ids:
        return reach
    counted: dict[int, set[int]] = defaultdict(set)
    rows = (
        Delivery.objects.filter(activity_id__in=ids)
        .order_by("activity_id", "household_id", "delivered_on", "id")
        .values_list("activity_id", "household_id", "reached")
    )
    for activity_id, household_id, reached in rows:
        if household_id in counted[activity_id]:
            continue
        counted[activity_id].add(household_id)
        reach[activity_id].households += 1
        reach[activity_id].add(reached or {})
    seen: dict[int, set[int]] = defaultdict(set)
    attendance = (
        Attendance.objects.filter(activity_id__in=ids)
        .order_by("activity_id", "person_id", "attended_on")
        .values_list("activity_id", "person_id", "person__household_id", "sex", "bracket")
    )
    for activity_id, person_id, household_id, sex, bracket in attendance:
        if person_id in seen[activity_id] or household_id in counted[activity_id]:
            continue
        seen[activity_id].add(person_id)
        reach[activity_id].add({f"{sex.lower()}_{bracket}": 1})
    for activity_id, households in _attending_households(ids).items():
        reach[activity_id].households += len(households - counted[activity_id])
    return reach


def _attending_households(ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for activity_id, household_id in (
        Attendance.objects.filter(activity_id__in=ids)
        .values_list("activity_id", "person__household_id")
        .distinct()
    ):
        found[activity_id].add(household_id)
    return found


# --- Reports: targets against reach, pledges down to the households -------------------------

# The UNHCR brackets in order, with their HXL attribute ("0-4" → "age0_4").
BRACKETS: tuple[tuple[str, str], ...] = tuple(BRACKET_TAGS.items())
UNKNOWN_AGE = "unknown"


def percent(reached: int, target: int | None) -> int | None:
    """Reached as a whole percentage of the target; None without a target."""
    if not target:
        return None
    return round(100 * reached / target)


@dataclass(frozen=True)
class BracketRow:
    """People of one age bracket by sex: reached, and targeted when there are targets."""

    bracket: str  # "0-4" … "60+", or "unknown"
    female: int = 0
    male: int = 0
    other: int = 0  # sex not recorded
    female_target: int | None = None
    male_target: int | None = None

    @property
    def total(self) -> int:
        return self.female + self.male + self.other

    @property
    def total_target(self) -> int | None:
        if self.female_target is None and self.male_target is None:
            return None
        return (self.female_target or 0) + (self.male_target or 0)

    @property
    def female_percent(self) -> int | None:
        return percent(self.female, self.female_target)

    @property
    def male_percent(self) -> int | None:
        return percent(self.male, self.male_target)

    @property
    def total_percent(self) -> int | None:
        return percent(self.total, self.total_target)


def bracket_rows(reach: Reach, targets: Mapping[str, Any] | None = None) -> list[BracketRow]:
    """One row per age bracket, then one for people of unknown age when there are any."""

    def target(key: str) -> int | None:  # None: no target set for these people
        if targets is None:
            return None
        return int(targets.get(key, 0) or 0) or None

    rows = [
        BracketRow(
            bracket=bracket,
            female=reach.count(f"f_{tag}"),
            male=reach.count(f"m_{tag}"),
            female_target=target(f"f_{tag}"),
            male_target=target(f"m_{tag}"),
        )
        for bracket, tag in BRACKETS
    ]
    known = {f"{sex}_{tag}" for sex in ("f", "m") for _bracket, tag in BRACKETS}
    unknown_f = reach.count(f"f_{UNKNOWN_AGE}")
    unknown_m = reach.count(f"m_{UNKNOWN_AGE}")
    other = sum(
        number
        for key, number in reach.people.items()
        if key not in known and key not in (f"f_{UNKNOWN_AGE}", f"m_{UNKNOWN_AGE}")
    )
    if unknown_f or unknown_m or other:
        rows.append(BracketRow(bracket=UNKNOWN_AGE, female=unknown_f, male=unknown_m, other=other))
    return rows


def _add_once(reach: Reach, counted: set[int], household_id: int, people: Any) -> None:
    if household_id in counted:
        return
    counted.add(household_id)
    reach.households += 1
    reach.add(people or {})


def gift_reach(pledge_ids: Iterable[int]) -> tuple[dict[int, Reach], Reach]:
    """Who each pledge reached, and all of them together, in two queries.

    A household counts once per pledge (and once in the total), with its members as
    they were on the first delivery or work paid from the pledge. Only counts leave
    this function: callers pass pledges already scoped to the user.
    """
    ids = list(pledge_ids)
    per_pledge: dict[int, Reach] = {pk: Reach() for pk in ids}
    total = Reach()
    if not ids:
        return per_pledge, total
    benefits: list[tuple[date, int, int, int, int, Any]] = [
        (day, 0, pk, pledge_id, household_id, reached)
        for pledge_id, household_id, day, pk, reached in Delivery.objects.filter(
            donation__pledge_id__in=ids
        ).values_list("donation__pledge_id", "household_id", "delivered_on", "id", "reached")
    ]
    benefits += [
        (day, 1, pk, pledge_id, household_id, reached)
        for pledge_id, household_id, day, pk, reached in Expenditure.objects.filter(
            donation__pledge_id__in=ids, household__isnull=False
        ).values_list("donation__pledge_id", "household_id", "spent_on", "id", "reached")
    ]
    benefits.sort(key=lambda row: row[:3])
    counted: dict[int, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for _day, _kind, _pk, pledge_id, household_id, reached in benefits:
        _add_once(per_pledge[pledge_id], counted[pledge_id], household_id, reached)
        _add_once(total, everyone, household_id, reached)
    return per_pledge, total


def pledge_reach(pledge_ids: Iterable[int]) -> dict[int, Reach]:
    """Who each pledge reached: each household once per pledge."""
    return gift_reach(pledge_ids)[0]


def benefited(pledge_ids: Iterable[int]) -> Q:
    """Households that received goods from the pledges or had work paid by them
    (a condition on ``Household``, to apply to a user's scoped households)."""
    ids = list(pledge_ids)
    return Q(
        pk__in=Delivery.objects.filter(donation__pledge_id__in=ids).values("household_id")
    ) | Q(
        pk__in=Expenditure.objects.filter(
            donation__pledge_id__in=ids, household__isnull=False
        ).values("household_id")
    )


def with_totals(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Pledges with what was received and used, in their unit and in rials."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=2))
    return pledges.annotate(
        received=Coalesce(Sum("donations__quantity"), zero),
        received_value=Coalesce(Sum("donations__value"), 0),
        used=Coalesce(Sum("donations__used_quantity"), zero),
        used_value=Coalesce(Sum("donations__used_value"), 0),
    )


def _name(name_fa: str | None, name_en: str | None) -> str:
    persian = (get_language() or "fa").startswith("fa")
    return (name_fa if persian else name_en) or name_en or name_fa or ""


@dataclass(frozen=True)
class DeliveredThrough:
    """What a pledge gave through one activity."""

    activity_id: int
    activity_uuid: Any
    activity: str
    organisation: str
    households: int
    deliveries: int
    quantity: Decimal
    value: int
    first: date
    last: date


def delivered_through(pledge: Pledge) -> list[DeliveredThrough]:
    """The pledge's deliveries added up per activity (counts only, no household)."""
    rows = (
        Delivery.objects.filter(donation__pledge=pledge)
        .values(
            "activity_id",
            "activity__uuid",
            "activity__name",
            "organisation__name_fa",
            "organisation__name_en",
        )
        .annotate(
            households=Count("household_id", distinct=True),
            deliveries=Count("id"),
            quantity=Sum("quantity"),
            value=Sum("value"),
            first=Min("delivered_on"),
            last=Max("delivered_on"),
        )
        .order_by("first", "activity_id")
    )
    return [
        DeliveredThrough(
            activity_id=row["activity_id"],
            activity_uuid=row["activity__uuid"],
            activity=row["activity__name"],
            organisation=_name(row["organisation__name_fa"], row["organisation__name_en"]),
            households=row["households"],
            deliveries=row["deliveries"],
            quantity=row["quantity"] or Decimal(0),
            value=row["value"] or 0,
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SpentOn:
    """What a pledge paid for in one sector, through one contractor (or none)."""

    sector: str
    contractor: str
    work_orders: int
    households: int
    quantity: Decimal
    amount: int
    first: date
    last: date

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else self.sector


def spent_on(pledge: Pledge) -> list[SpentOn]:
    """The pledge's spending on work added up per sector and contractor (counts only)."""
    rows = (
        Expenditure.objects.filter(donation__pledge=pledge)
        .values("sector", "contractor_id", "contractor__name_fa", "contractor__name_en")
        .annotate(
            work_orders=Count("id"),
            households=Count("household_id", distinct=True),
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            first=Min("spent_on"),
            last=Max("spent_on"),
        )
        .order_by("sector", "contractor_id")
    )
    return [
        SpentOn(
            sector=row["sector"],
            contractor=_name(row["contractor__name_fa"], row["contractor__name_en"]),
            work_orders=row["work_orders"],
            households=row["households"],
            quantity=row["quantity"] or Decimal(0),
            amount=row["amount"] or 0,
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]

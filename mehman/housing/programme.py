"""The renovation programme of one settlement, read in a few queries: work orders by
status and kind with their estimated and actual cost, units brought up to the condition
standard, beds added, spending by funder, overdue works, and works completed by month.

A unit is *brought to standard* by a completed work whose condition before was below
``settings.MEHMAN_CONDITION_STANDARD`` (default 70) and at or above it after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.utils.dates import MONTHS
from django.utils.translation import get_language
from django_stubs_ext import StrOrPromise

from mehman.assistance.models import Expenditure
from mehman.core import dates, digits
from mehman.core.models import Settlement
from mehman.housing.models import OPEN_WORK, WorkKind, WorkOrder, WorkStatus
from mehman.partners.models import Organisation

DEFAULT_STANDARD = 70
OVERDUE_SHOWN = 50
MONTHS_SHOWN = 12


def condition_standard() -> int:
    """The condition score (0 to 100) at which a unit counts as up to standard."""
    return int(getattr(settings, "MEHMAN_CONDITION_STANDARD", DEFAULT_STANDARD))


@dataclass(frozen=True)
class Tally:
    """Work orders of one status or one kind: how many, estimated and actual cost."""

    code: str
    label: str
    count: int
    estimate: int
    actual: int


@dataclass(frozen=True)
class FunderRow:
    """One funder's works (none: works with no funder recorded) and what donations paid."""

    organisation: Organisation | None
    works: int
    estimate: int
    actual: int
    from_donations: int


@dataclass(frozen=True)
class Month:
    """Works completed in one month of the reader's calendar."""

    label: str
    starts: date
    completed: int


@dataclass(frozen=True)
class Programme:
    settlement: Settlement
    standard: int
    by_status: list[Tally]
    by_kind: list[Tally]
    total: Tally
    open_count: int
    completed_count: int
    completed_estimate: int
    completed_actual: int
    brought_to_standard: int
    beds_added: int
    funders: list[FunderRow]
    overdue: list[WorkOrder]
    overdue_count: int
    months: list[Month]


def _tallies(
    rows: Iterable[Mapping[str, object]],
    field: str,
    choices: Iterable[tuple[str, StrOrPromise]],
) -> list[Tally]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        totals = counts[str(row[field])]
        totals[0] += _int(row["n"])
        totals[1] += _int(row["estimate"])
        totals[2] += _int(row["actual"])
    return [Tally(code, str(label), *counts[code]) for code, label in choices]


def _int(value: object) -> int:
    """A count or a sum as an int (an empty sum is 0; some databases sum to a Decimal)."""
    return int(value) if isinstance(value, int | Decimal) else 0


def _gains(orders: QuerySet[WorkOrder], standard: int) -> tuple[int, int]:
    beds = Case(
        When(
            capacity_after__gt=F("capacity_before"),
            then=F("capacity_after") - F("capacity_before"),
        ),
        default=0,
        output_field=IntegerField(),
    )
    raised = Q(unit__isnull=False, condition_before__lt=standard, condition_after__gte=standard)
    found = orders.filter(status=WorkStatus.COMPLETED).aggregate(
        units=Count("unit", distinct=True, filter=raised), beds=Sum(beds)
    )
    return _int(found["units"]), _int(found["beds"])


def _funders(orders: QuerySet[WorkOrder], settlement: Settlement) -> list[FunderRow]:
    works = (
        orders.exclude(status=WorkStatus.CANCELLED)
        .values("funder")
        .annotate(n=Count("id"), estimate=Sum("estimate"), actual=Sum("actual_cost"))
        .order_by()
    )
    paid = (
        Expenditure.objects.filter(
            donation__pledge__settlement=settlement,
            work_order__in=orders.values("reference"),
        )
        .values("donation__pledge__donor")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    figures: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in works:
        funder = row["funder"]
        key = funder if isinstance(funder, int) else None
        figures[key][0] += _int(row["n"])
        figures[key][1] += _int(row["estimate"])
        figures[key][2] += _int(row["actual"])
    for spent in paid:
        donor = spent["donation__pledge__donor"]
        figures[donor if isinstance(donor, int) else None][3] += _int(spent["amount"])
    named = Organisation.objects.in_bulk([key for key in figures if key is not None])
    rows = [
        FunderRow(named.get(key) if key is not None else None, *values)
        for key, values in figures.items()
    ]
    return sorted(rows, key=lambda r: (r.organisation is None, -r.estimate, -r.from_donations))


def _month_starts(today: date, count: int) -> list[tuple[date, str]]:
    """The first day and the name of the last ``count`` months of the reader's calendar,
    oldest first (Jalali months for Persian readers)."""
    persian = (get_language() or "fa").startswith("fa")
    starts: list[tuple[date, str]] = []
    if persian:
        jalali = dates.to_jalali(today)
        year, month = int(jalali.year), int(jalali.month)
    else:
        year, month = today.year, today.month
    for _step in range(count):
        if persian:
            first = dates.to_gregorian(year, month, 1)
            name = dates.JALALI_MONTHS_FA[month - 1]
        else:
            first = date(year, month, 1)
            name = str(MONTHS[month])
        starts.append((first, digits.localize_digits(f"{name} {year}")))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    starts.reverse()
    return starts


def _months(orders: QuerySet[WorkOrder], today: date) -> list[Month]:
    starts = _month_starts(today, MONTHS_SHOWN)
    done = list(
        orders.filter(
            status=WorkStatus.COMPLETED, completed_on__gte=starts[0][0], completed_on__lte=today
        ).values_list("completed_on", flat=True)
    )
    months: list[Month] = []
    for index, (first, label) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else None
        completed = sum(
            1 for day in done if day is not None and day >= first and (end is None or day < end)
        )
        months.append(Month(label, first, completed))
    return months


def programme(settlement: Settlement) -> Programme:
    """The settlement's renovation programme as it stands today."""
    today = dates.today()
    standard = condition_standard()
    orders = WorkOrder.objects.filter(settlement=settlement)
    rows = list(
        orders.values("status", "kind")
        .annotate(n=Count("id"), estimate=Sum("estimate"), actual=Sum("actual_cost"))
        .order_by()
    )
    by_status = _tallies(rows, "status", WorkStatus.choices)
    by_kind = _tallies(rows, "kind", WorkKind.choices)
    completed = next(t for t in by_status if t.code == WorkStatus.COMPLETED)
    total = Tally(
        "",
        "",
        sum(t.count for t in by_status),
        sum(t.estimate for t in by_status),
        sum(t.actual for t in by_status),
    )
    brought, beds = _gains(orders, standard)
    late = orders.filter(status__in=OPEN_WORK, planned_end__lt=today)
    return Programme(
        settlement=settlement,
        standard=standard,
        by_status=by_status,
        by_kind=by_kind,
        total=total,
        open_count=sum(t.count for t in by_status if t.code in OPEN_WORK),
        completed_count=completed.count,
        completed_estimate=completed.estimate,
        completed_actual=completed.actual,
        brought_to_standard=brought,
        beds_added=beds,
        funders=_funders(orders, settlement),
        overdue=list(
            late.select_related("unit", "facility", "funder", "contractor").order_by(
                "planned_end", "id"
            )[:OVERDUE_SHOWN]
        ),
        overdue_count=late.count(),
        months=_months(orders, today),
    )

"""Reads of a bulk conversion: its planned ends counted by quarter, and samples of its
schedule."""

from __future__ import annotations

from collections import Counter
from datetime import date

from mehman.core import dates
from mehman.registry.models import Household
from mehman.residence.models import ConversionRun


def planned_ends(run: ConversionRun) -> list[date]:
    return [date.fromisoformat(str(end)) for end in run.schedule.values()]


def quarter_counts(run: ConversionRun, calendar: str | None = None) -> list[tuple[str, int]]:
    """How many terms of the conversion end in each quarter of the reader's calendar (Jalali
    seasons in Persian, calendar quarters in English), every quarter from the first end to
    the last included."""
    counts = Counter(dates.quarter_of(end, calendar) for end in planned_ends(run))
    if not counts:
        return []
    first, last = min(counts), max(counts)
    out: list[tuple[str, int]] = []
    year, quarter = first
    while (year, quarter) <= last:
        out.append((dates.quarter_label(year, quarter, calendar), counts.get((year, quarter), 0)))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return out


def schedule_sample(
    run: ConversionRun, size: int = 5
) -> tuple[list[tuple[Household, date]], list[tuple[Household, date]]]:
    """The first and the last households of the schedule with their ends (two short lists,
    one query)."""
    items = [(int(pk), date.fromisoformat(str(end))) for pk, end in run.schedule.items()]
    head = items[:size]
    tail = items[max(size, len(items) - size) :]
    wanted = [pk for pk, _end in head + tail]
    found = {h.pk: h for h in Household.objects.filter(pk__in=wanted).select_related("head")}
    return (
        [(found[pk], end) for pk, end in head if pk in found],
        [(found[pk], end) for pk, end in tail if pk in found],
    )


def schedule_rows(run: ConversionRun) -> list[tuple[str, date]]:
    """The whole schedule as household references with their ends, in order (one query)."""
    items = [(int(pk), date.fromisoformat(str(end))) for pk, end in run.schedule.items()]
    references = dict(
        Household.objects.filter(pk__in=[pk for pk, _end in items]).values_list("pk", "reference")
    )
    return [(references[pk], end) for pk, end in items if pk in references]

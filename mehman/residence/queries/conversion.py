"""Reads of a bulk conversion: its planned ends counted by quarter, and samples of its
schedule."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Final

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mehman.core import dates, digits
from mehman.registry.models import Household
from mehman.residence.models import ConversionRun

# The Jalali year's quarters are its seasons, from Farvardin (spring) on.
SEASONS_FA: Final = ("بهار", "تابستان", "پاییز", "زمستان")
SEASONS_LATIN: Final = ("Bahar", "Tabestan", "Paeez", "Zemestan")


def _calendar(calendar: str | None) -> str:
    if calendar is not None:
        return calendar
    return dates.JALALI if (get_language() or "").startswith("fa") else dates.GREGORIAN


def _quarter(day: date, calendar: str) -> tuple[int, int]:
    if calendar == dates.JALALI:
        jalali = dates.to_jalali(day)
        return int(jalali.year), (int(jalali.month) - 1) // 3
    return day.year, (day.month - 1) // 3


def _label(year: int, quarter: int, calendar: str) -> str:
    if calendar == dates.JALALI:
        names = SEASONS_FA if (get_language() or "").startswith("fa") else SEASONS_LATIN
        return f"{names[quarter]} {digits.localize_digits(str(year))}"
    return _("%(year)s Q%(quarter)s") % {
        "year": digits.localize_digits(str(year)),
        "quarter": digits.localize_digits(str(quarter + 1)),
    }


def planned_ends(run: ConversionRun) -> list[date]:
    return [date.fromisoformat(str(end)) for end in run.schedule.values()]


def quarter_counts(run: ConversionRun, calendar: str | None = None) -> list[tuple[str, int]]:
    """How many terms of the conversion end in each quarter of the reader's calendar (Jalali
    seasons in Persian, calendar quarters in English), every quarter from the first end to
    the last included."""
    chosen = _calendar(calendar)
    counts = Counter(_quarter(end, chosen) for end in planned_ends(run))
    if not counts:
        return []
    first, last = min(counts), max(counts)
    out: list[tuple[str, int]] = []
    year, quarter = first
    while (year, quarter) <= last:
        out.append((_label(year, quarter, chosen), counts.get((year, quarter), 0)))
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

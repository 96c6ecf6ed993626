"""The published priority criteria and the arithmetic of scores and ranks.

A score is the sum, over the criteria, of the weight (points) times what the
household has of it: 1 or 0 for a yes/no criterion, a count for a per-person
one, full months for the waiting time. Weights are data (``WeightSet``); the
criteria are published here so every score can be explained line by line.

Arithmetic is in whole hundredths of a point, so that equal scores are equal
and ties fall to the earlier submission (then the earlier application).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mehman.core import digits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NEED_PREFIX = "need:"
# A number grouped by threes with Latin commas (after digits.to_ascii): 1,000.5
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
MAX_WEIGHT = Decimal("1000")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: StrOrPromise
    # What one point-earning unit is: "yes" (once) or a count of people or months.
    per: StrOrPromise
    # The application field holding the household's value of it.
    field: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("female_head", _("Woman head of household"), _("once"), "f_female_head"),
    Criterion("child_head", _("Child head of household (under 18)"), _("once"), "f_child_head"),
    Criterion("older_person", _("Older persons (60 or over)"), _("per person"), "f_older"),
    Criterion(
        "disability",
        _("Persons with a disability (Washington Group)"),
        _("per person"),
        "f_disability",
    ),
    Criterion("under_five", _("Children under five"), _("per child"), "f_under_five"),
    Criterion("no_income", _("No income"), _("once"), "f_no_income"),
    Criterion("eviction_risk", _("At risk of eviction or homeless"), _("once"), "f_eviction_risk"),
    Criterion("waiting_month", _("Waiting time"), _("per full month waited"), ""),
)
CRITERION_CODES = frozenset(c.code for c in CRITERIA)

# The directorate's first published weights; managers replace them with new versions.
DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "female_head": Decimal(10),
    "child_head": Decimal(15),
    "older_person": Decimal(4),
    "disability": Decimal(6),
    "under_five": Decimal(3),
    "no_income": Decimal(8),
    "eviction_risk": Decimal(12),
    "waiting_month": Decimal(1),
    "need:CR": Decimal(10),
    "need:DS": Decimal(8),
    "need:ER": Decimal(8),
    "need:FU": Decimal(4),
    "need:LP": Decimal(10),
    "need:PG": Decimal(5),
    "need:SC": Decimal(15),
    "need:SM": Decimal(12),
    "need:SP": Decimal(8),
    "need:SV": Decimal(12),
    "need:TR": Decimal(12),
    "need:WR": Decimal(12),
}


def need_code(category: str) -> str:
    return f"{NEED_PREFIX}{category}"


def is_known_code(code: str, categories: Iterable[str]) -> bool:
    if code.startswith(NEED_PREFIX):
        return code.removeprefix(NEED_PREFIX) in set(categories)
    return code in CRITERION_CODES


def parse_weight(value: object) -> Decimal:
    """Points as typed (Persian or Arabic digits accepted): 0 to 1000, two decimals at most.

    Thousands grouped by threes (``1,000``, ``۱٬۰۰۰``) are read as such; any other comma
    as a decimal comma (``12,5``).
    """
    text = digits.to_ascii(digits.strip_bidi_marks(str(value))).strip()
    text = text.replace(",", "") if _GROUPED.fullmatch(text) else text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite() or number < 0 or number > MAX_WEIGHT:
        raise ValueError("out of range")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("too precise")
    return number.quantize(Decimal("0.01"))


def to_centi(weight: Decimal | int | str) -> int:
    return int((Decimal(weight) * 100).to_integral_value())


def from_centi(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def months_between(start: date, end: date) -> int:
    """Full months from ``start`` to ``end`` (0 if ``end`` comes first).

    A month runs to the same day of the next month, or to its last day if it is shorter:
    from 31 January, a month is full on 28 (or 29) February.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and (end + _ONE_DAY).month == end.month:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Line:
    """One line of a score's breakdown."""

    code: str
    quantity: int
    weight: Decimal
    points: Decimal


@dataclass(frozen=True)
class Features:
    """What a household has of each criterion (see ``Application.f_*``)."""

    female_head: bool = False
    child_head: bool = False
    older_person: int = 0
    disability: int = 0
    under_five: int = 0
    no_income: bool = False
    eviction_risk: bool = False
    need_categories: tuple[str, ...] = ()

    def quantities(self, months: int) -> dict[str, int]:
        found = {
            "female_head": int(self.female_head),
            "child_head": int(self.child_head),
            "older_person": self.older_person,
            "disability": self.disability,
            "under_five": self.under_five,
            "no_income": int(self.no_income),
            "eviction_risk": int(self.eviction_risk),
            "waiting_month": months,
        }
        found.update({need_code(category): 1 for category in self.need_categories})
        return found


def breakdown(features: Features, weights: Mapping[str, Decimal], months: int) -> list[Line]:
    """The lines that earn points, largest first; their sum is the score."""
    lines = []
    for code, quantity in features.quantities(months).items():
        weight = Decimal(weights.get(code, 0))
        if quantity and weight:
            lines.append(Line(code, quantity, weight, from_centi(to_centi(weight) * quantity)))
    lines.sort(key=lambda line: (-line.points, line.code))
    return lines


def score(features: Features, weights: Mapping[str, Decimal], months: int) -> Decimal:
    return from_centi(sum(to_centi(line.points) for line in breakdown(features, weights, months)))


# --- Ranking many applications at once ----------------------------------------------------


def join_categories(categories: Iterable[str]) -> str:
    """How the set of need categories is stored: sorted codes between commas (",DS,ER,")."""
    chosen = sorted(set(categories))
    return f",{','.join(chosen)}," if chosen else ""


def split_categories(stored: str) -> tuple[str, ...]:
    return tuple(code for code in stored.split(",") if code)


# A row to rank: (id, female_head, child_head, older, disability, under_five, no_income,
# eviction_risk, need_categories, submitted_at)
Row = tuple[int, bool, bool, int, int, int, bool, bool, str, datetime]


def rank_rows(
    rows: Iterable[Row], weights: Mapping[str, Decimal], as_of: date
) -> list[tuple[int, int]]:
    """``(id, score in hundredths)`` in rank order: higher score first, then earlier
    submission, then the earlier application. Built for 100,000 rows a second."""
    w = {code: to_centi(value) for code, value in weights.items()}
    w_female, w_child = w.get("female_head", 0), w.get("child_head", 0)
    w_older, w_disability = w.get("older_person", 0), w.get("disability", 0)
    w_under_five, w_no_income = w.get("under_five", 0), w.get("no_income", 0)
    w_eviction, w_month = w.get("eviction_risk", 0), w.get("waiting_month", 0)
    need_points: dict[str, int] = {}
    month_points: dict[date, int] = {}
    # Waiting counts from the day of submission where the settlement is, not in UTC.
    local = timezone.get_current_timezone()
    scored = []
    for pk, female, child, older, disability, under5, no_income, eviction, needs, at in rows:
        points = need_points.get(needs)
        if points is None:
            points = sum(w.get(need_code(c), 0) for c in split_categories(needs))
            need_points[needs] = points
        day = at.astimezone(local).date() if at.tzinfo is not None else at.date()
        waited = month_points.get(day)
        if waited is None:
            waited = w_month * months_between(day, as_of)
            month_points[day] = waited
        total = (
            points
            + waited
            + (w_female if female else 0)
            + (w_child if child else 0)
            + w_older * older
            + w_disability * disability
            + w_under_five * under5
            + (w_no_income if no_income else 0)
            + (w_eviction if eviction else 0)
        )
        scored.append((-total, at, pk))
    scored.sort()
    return [(pk, -negative) for negative, _at, pk in scored]

"""The condition-survey checklists: what is looked at in a unit or a facility.

Each item is rated good, fair or poor (or not applicable); the condition score is
the weighted share of the best possible rating, 0 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    label: StrOrPromise
    weight: int


RATINGS: dict[str, int | None] = {"good": 100, "fair": 50, "poor": 0, "na": None}
RATING_LABELS: dict[str, StrOrPromise] = {
    "good": _("Good"),
    "fair": _("Needs repair"),
    "poor": _("Poor or broken"),
    "na": _("Not applicable"),
}

UNIT_ITEMS: tuple[Item, ...] = (
    Item("roof", _("Roof keeps out rain and snow"), 3),
    Item("walls", _("Walls sound, no cracks"), 3),
    Item("damp", _("Free of damp and mould"), 2),
    Item("doors_windows", _("Doors and windows close and lock"), 2),
    Item("floor", _("Floor sound and even"), 1),
    Item("insulation", _("Insulated for winter"), 2),
    Item("heating", _("Heating works safely"), 2),
    Item("electricity", _("Wiring and sockets safe"), 2),
    Item("water", _("Tap or water storage works"), 1),
    Item("toilet", _("Toilet works and has privacy"), 2),
    Item("access", _("Entrance safe for all members"), 1),
)

FACILITY_ITEMS: tuple[Item, ...] = (
    Item("structure", _("Structure sound"), 3),
    Item("function", _("Does what it is for (water flows, toilets flush)"), 3),
    Item("hygiene", _("Clean, with soap or hand-washing"), 2),
    Item("privacy", _("Lockable from inside, separate for women and men"), 2),
    Item("lighting", _("Lit at night"), 2),
    Item("access", _("Step-free and safe to reach"), 1),
    Item("drainage", _("Drains and runoff work"), 1),
)


def items_for(*, unit: bool) -> tuple[Item, ...]:
    return UNIT_ITEMS if unit else FACILITY_ITEMS


def score(ratings: dict[str, str], *, unit: bool) -> int:
    """The condition score of a filled checklist; ``ValueError`` for unknown items or ratings."""
    known = {item.code: item for item in items_for(unit=unit)}
    unknown = set(ratings) - set(known)
    if unknown:
        raise ValueError(f"unknown items {sorted(unknown)}")
    total = weighted = 0
    for code, rating in ratings.items():
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}")
        value = RATINGS[rating]
        if value is None:
            continue
        total += known[code].weight * 100
        weighted += known[code].weight * value
    if total == 0:
        raise ValueError("nothing rated")
    return round(weighted * 100 / total)

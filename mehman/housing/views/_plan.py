"""The site plan as the map page draws it: each unit coloured by occupancy, crowding or
condition, the facilities as symbols, rings around working water points and the blocks'
labels. Positions are the site's own x/y metres; SVG numbers are text, never localized.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from mehman.core import digits
from mehman.housing import compliance, standards
from mehman.housing.forms.site import MODES
from mehman.housing.models import WATER_POINTS, Block, Facility, FacilityKind, UnitState
from mehman.housing.queries import UnitRow

# Meeting the living-space standard by less than this many m² per person is "near" it.
NEAR_MARGIN = Decimal("1")
PREFIXES = {"occupancy": "occ", "crowding": "crowd", "condition": "cond"}

# --- Bands: how a unit is coloured in each mode ---------------------------------------------

OCCUPANCY: dict[str, StrOrPromise] = {
    "occupied": gettext_lazy("Occupied"),
    "vacant": gettext_lazy("Vacant"),
    "held": gettext_lazy("Held for an offer"),
    UnitState.WORKS: gettext_lazy("Under works"),
    UnitState.UNINHABITABLE: gettext_lazy("Not habitable"),
    UnitState.PLANNED: gettext_lazy("Planned"),
}
CONDITION: dict[str, StrOrPromise] = {
    "good": gettext_lazy("Good (75 to 100)"),
    "fair": gettext_lazy("Needs repair (50 to 74)"),
    "poor": gettext_lazy("Poor (below 50)"),
    "none": gettext_lazy("Not surveyed"),
}


def occupancy_band(row: UnitRow) -> str:
    if row.occupied:
        return "occupied"
    if row.held:
        return "held"
    if row.unit.state != UnitState.READY:
        return str(row.unit.state)
    return "vacant"


def crowding_band(row: UnitRow, target: Decimal) -> str:
    space = row.m2_per_person
    if space is None:
        return "none"
    if row.crowded:
        return "below"
    return "near" if space < target + NEAR_MARGIN else "above"


def condition_band(score: int | None) -> str:
    if score is None:
        return "none"
    if score < 50:
        return "poor"
    return "fair" if score < 75 else "good"


def _crowding_labels(target: Decimal) -> dict[str, str]:
    low, high = digits.localize(digits.plain(target)), digits.localize(target + NEAR_MARGIN)
    return {
        "below": _("Below %(target)s m² per person: crowded") % {"target": low},
        "near": _("%(target)s to %(near)s m² per person") % {"target": low, "near": high},
        "above": _("%(near)s m² per person or more") % {"near": high},
        "none": _("Nobody living there"),
    }


# --- The site map ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """One thing drawn on the plan; numbers in metres, as text (never localized in SVG)."""

    x: str
    y: str
    size: str = ""
    css: str = ""
    title: str = ""
    href: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Legend:
    """The colours of one mode: its bands with how many units each."""

    code: str
    label: str
    prefix: str  # of the CSS class of each band: occ-, crowd-, cond-
    bands: list[Band]


# The two big layers are drawn here, not in a template loop: with a thousand units the loop
# was most of the page's time.
UNIT_SVG = (
    '<a href="{}" class="{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" /></a>'
)
FACILITY_SVG = (
    '<a href="{}" class="{}"><title>{}</title>'
    '<use href="#fk-{}" x="{}" y="{}" width="{}" height="{}" /></a>'
)


@dataclass
class Plan:
    view_box: str
    units: list[Mark]
    facilities: list[Mark]
    rings: list[Mark]
    labels: list[Mark]
    legend: list[Legend]
    kinds: list[Band]
    ring_radius: Decimal

    @property
    def unit_layer(self) -> SafeString:
        return format_html_join(
            "\n", UNIT_SVG, ((m.href, m.css, m.title, m.x, m.y, m.size, m.size) for m in self.units)
        )

    @property
    def facility_layer(self) -> SafeString:
        return format_html_join(
            "\n",
            FACILITY_SVG,
            ((m.href, m.css, m.title, m.text, m.x, m.y, m.size, m.size) for m in self.facilities),
        )


@dataclass(frozen=True, slots=True)
class Target:
    """A standard as a page cites it: what, how much, and whose standard."""

    label: str
    comparator: str
    target: Decimal
    unit: str
    source: str


def target(key: str) -> Target:
    found = standards.living_space() if key == "living_space" else standards.standard(key)
    return Target(
        label=str(compliance.STANDARD_LABELS.get(found.key, found.indicator)),
        comparator=str(compliance.COMPARATORS.get(found.comparator, found.comparator)),
        target=digits.plain(found.target),
        unit=str(compliance.UNITS.get(found.unit, found.unit)),
        source=found.source,
    )


def _m(value: float) -> str:
    return f"{value:.1f}"


def _count_text(count: int) -> str:
    return ngettext("%(count)s occupant", "%(count)s occupants", count) % {
        "count": digits.localize(count)
    }


def _unit_marks(
    rows: Sequence[UnitRow], span: float, target: Decimal
) -> tuple[list[Mark], Counter[str]]:
    template = reverse("housing:unit", args=["REFERENCE"])
    floor = span / 400
    bands: Counter[str] = Counter()
    marks = []
    for row in rows:
        unit = row.unit
        occupancy, crowding = occupancy_band(row), crowding_band(row, target)
        condition = condition_band(unit.condition)
        bands.update((f"occupancy:{occupancy}", f"crowding:{crowding}", f"condition:{condition}"))
        parts = [unit.reference, str(OCCUPANCY[occupancy])]
        if row.occupied and unit.state != UnitState.READY:
            parts.append(unit.get_state_display())
        if row.occupants is not None:
            parts.append(_count_text(row.occupants))
        if row.m2_per_person is not None:
            area = digits.localize(digits.plain(row.m2_per_person))
            parts.append(_("%(area)s m² per person") % {"area": area})
        if row.household_reference:
            parts.append(_("household %(reference)s") % {"reference": row.household_reference})
        size = max(min(math.sqrt(float(unit.floor_area)), 12.0), 3.0, floor)
        marks.append(
            Mark(
                x=_m(unit.x - size / 2),
                y=_m(unit.y - size / 2),
                size=_m(size),
                css=f"u occ-{occupancy} crowd-{crowding} cond-{condition}",
                title=" · ".join(parts),
                href=template.replace("REFERENCE", unit.reference),
            )
        )
    return marks, bands


def _facility_marks(facilities: Sequence[Facility], span: float) -> list[Mark]:
    template = reverse("housing:facility", args=["REFERENCE"])
    size = max(8.0, span / 70)
    marks = []
    for facility in facilities:
        parts = [facility.name, facility.get_kind_display()]
        parts.append(
            _("%(count)s %(unit)s")
            % {"count": digits.localize(facility.capacity), "unit": facility.capacity_unit}
        )
        if not facility.in_service:
            parts.append(_("Out of service"))
        marks.append(
            Mark(
                x=_m(facility.x - size / 2),
                y=_m(facility.y - size / 2),
                size=_m(size),
                css=f"f fac-{facility.kind}{'' if facility.in_service else ' out'}",
                title=" · ".join(parts),
                href=template.replace("REFERENCE", facility.reference),
                text=facility.kind,
            )
        )
    return marks


def _block_labels(blocks: Iterable[Block], rows: Sequence[UnitRow], span: float) -> list[Mark]:
    """Each block's code where the block says, else just above its units."""
    spots: dict[int, list[tuple[float, float]]] = {}
    for row in rows:
        spots.setdefault(row.unit.block_id, []).append((row.unit.x, row.unit.y))
    size = max(6.0, span / 50)
    labels = []
    for block in blocks:
        points = spots.get(block.pk)
        if block.x or block.y:
            x, y = block.x, block.y
        elif points:
            x = sum(p[0] for p in points) / len(points)
            y = min(p[1] for p in points) - size
        else:
            continue
        labels.append(Mark(x=_m(x), y=_m(y), size=_m(size), text=block.code))
    return labels


def _bounds(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    if not points:
        return 0.0, 0.0, 100.0, 100.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def site_plan(
    rows: Sequence[UnitRow], facilities: Sequence[Facility], blocks: Sequence[Block], *, block: str
) -> Plan:
    """The plan of the units in ``rows``, the facilities, rings around the working water
    points and the blocks' labels; framed on the units alone when one block is shown."""
    whole = not block
    points = [(r.unit.x, r.unit.y) for r in rows]
    if whole or not points:
        points += [(f.x, f.y) for f in facilities]
    left, top, right, bottom = _bounds(points)
    span = max(right - left, bottom - top, 50.0)
    margin = max(20.0, span * 0.04)
    target = standards.living_space().target
    radius = standards.standard("water_point_distance").target
    units, bands = _unit_marks(rows, span, target)
    shown_blocks = blocks if whole else [b for b in blocks if b.code == block]
    labels = {
        "occupancy": {c: str(label) for c, label in OCCUPANCY.items()},
        "crowding": _crowding_labels(target),
        "condition": {c: str(label) for c, label in CONDITION.items()},
    }
    legend = [
        Legend(
            mode,
            str(label),
            PREFIXES[mode],
            [Band(c, text, bands[f"{mode}:{c}"]) for c, text in labels[mode].items()],
        )
        for mode, label in MODES
    ]
    kinds = Counter(f.kind for f in facilities)
    return Plan(
        view_box=" ".join(
            _m(v)
            for v in (
                left - margin,
                top - margin,
                right - left + 2 * margin,
                bottom - top + 2 * margin,
            )
        ),
        units=units,
        facilities=_facility_marks(facilities, span),
        rings=[
            Mark(x=_m(f.x), y=_m(f.y), size=_m(float(radius)))
            for f in facilities
            if f.in_service and f.kind in WATER_POINTS
        ],
        labels=_block_labels(shown_blocks, rows, span),
        legend=legend,
        kinds=[Band(code, str(label), kinds[code]) for code, label in FacilityKind.choices],
        ring_radius=radius,
    )


def site_summary(rows: Sequence[UnitRow]) -> list[Band]:
    """The figures above the map: units, occupied, vacant, held, under works, crowded."""
    return [
        Band("units", _("Units"), len(rows)),
        Band("occupied", _("Occupied"), sum(1 for r in rows if r.occupied)),
        Band("vacant", _("Vacant"), sum(1 for r in rows if r.vacant)),
        Band("held", _("Held for an offer"), sum(1 for r in rows if r.held)),
        Band("works", _("Under works"), sum(1 for r in rows if r.unit.state == UnitState.WORKS)),
        Band("crowded", _("Crowded"), sum(1 for r in rows if r.crowded)),
    ]

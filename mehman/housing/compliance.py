"""Standards compliance: the settlement and each of its blocks measured against the standards
table (``mehman.housing.standards``), each figure rated red, amber or green.

Everything is computed in Python from ``queries.unit_rows`` (one query for the units with
their occupants) and one query each for the facilities and the blocks, so the page costs the
same few queries whatever the size of the settlement. A figure that cannot be computed (no one
housed, no facility of a kind) is "not measured" or "not applicable": never a division by zero.

Rating: green meets the target; amber misses it by at most 20 % of the target (10 points for a
percentage); red misses it by more. The shares (households with enough living space, within
reach of water or a toilet) aim at every household, so their target is 100 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Final

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.core.models import Settlement
from mehman.housing import standards
from mehman.housing.models import Block, Facility, FacilityKind
from mehman.housing.queries import UnitRow, unit_rows
from mehman.housing.standards import Standard

AMBER_SHARE: Final = Decimal("0.2")  # within 20 % of the target
AMBER_POINTS: Final = Decimal("10")  # percentages: within 10 points
EVERY_HOUSEHOLD: Final = Decimal("100")
TENTH: Final = Decimal("0.1")
METRE: Final = Decimal("1")


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


STATUS_LABELS: Final[dict[Status, StrOrPromise]] = {
    Status.GREEN: _("Meets the target"),
    Status.AMBER: _("Close to the target"),
    Status.RED: _("Misses the target"),
    Status.GREY: _("Not measured"),
}
STATUS_SHORT: Final[dict[Status, StrOrPromise]] = {
    Status.GREEN: _("met"),
    Status.AMBER: _("near"),
    Status.RED: _("missed"),
    Status.GREY: _("n/a"),
}
COMPARATORS: Final[dict[str, StrOrPromise]] = {
    ">=": _("at least"),
    ">": _("more than"),
    "<=": _("at most"),
    "<": _("less than"),
}
UNITS: Final[dict[str, StrOrPromise]] = {
    "persons": _("persons"),
    "m": _("m"),
    "%": "%",
    "m2": _("m²"),
    "litres": _("litres"),
    "pupils": _("pupils"),
    "consultations": _("consultations"),
}
PHASES: Final[dict[str, StrOrPromise]] = {
    "emergency": _("emergency"),
    "post-emergency": _("post-emergency"),
    "any": _("any phase"),
}
# The indicators of the table in the project's languages (the table itself is in English).
STANDARD_LABELS: Final[dict[str, StrOrPromise]] = {
    "water_lpd": _("Potable water per person per day"),
    "water_lpd_emergency": _("Potable water per person per day (emergency)"),
    "water_point_distance": _("Distance from a home to a water point"),
    "persons_per_tap": _("Persons per tap"),
    "persons_per_handpump": _("Persons per handpump or well"),
    "persons_per_toilet": _("Persons per toilet"),
    "persons_per_shower": _("Persons per shower"),
    "households_with_toilet": _("Households with their own toilet"),
    "toilet_distance": _("Distance from a home to a toilet"),
    "living_space": _("Covered living space per person"),
    "living_space_cold": _("Covered living space per person (cold climate)"),
    "pupils_per_school_toilet": _("Pupils per school toilet"),
    "health_facility_population": _("Population per health facility"),
    "consultations_per_clinician": _("Consultations per clinician per day"),
    "measles_coverage": _("Measles vaccination coverage"),
}
NOT_MEASURED_WHY: Final[dict[str, StrOrPromise]] = {
    "water_lpd": _("Mehman records no water deliveries or meter readings."),
    "water_lpd_emergency": _("Mehman records no water deliveries or meter readings."),
    "pupils_per_school_toilet": _("Mehman records no school enrolment or school toilets."),
    "consultations_per_clinician": _("Mehman records no consultations or clinicians."),
    "measles_coverage": _("Mehman records no vaccinations."),
}

# The indicators measured here, in the order the page shows them.
PER_TAP = "persons_per_tap"
PER_HANDPUMP = "persons_per_handpump"
PER_TOILET = "persons_per_toilet"
PER_SHOWER = "persons_per_shower"
SPACE_SHARE = "living_space_share"
SPACE_MEDIAN = "living_space_median"
WATER_SHARE = "water_distance_share"
WATER_FARTHEST = "water_distance_farthest"
TOILET_SHARE = "toilet_distance_share"
TOILET_FARTHEST = "toilet_distance_farthest"
OWN_TOILET = "households_with_toilet"
PER_CLINIC = "health_facility_population"

# The columns of the table of blocks and their indicators.
BLOCK_COLUMNS: Final = (
    PER_TAP,
    PER_HANDPUMP,
    PER_TOILET,
    PER_SHOWER,
    SPACE_SHARE,
    SPACE_MEDIAN,
    WATER_SHARE,
    TOILET_SHARE,
    OWN_TOILET,
)

LABELS: Final[dict[str, StrOrPromise]] = {
    PER_TAP: _("Persons per tap"),
    PER_HANDPUMP: _("Persons per handpump"),
    PER_TOILET: _("Persons per toilet"),
    PER_SHOWER: _("Persons per shower"),
    SPACE_SHARE: _("Households with enough living space"),
    SPACE_MEDIAN: _("Median living space per person"),
    WATER_SHARE: _("Households near a water point"),
    WATER_FARTHEST: _("Farthest home from a water point"),
    TOILET_SHARE: _("Households near a toilet"),
    TOILET_FARTHEST: _("Farthest home from a toilet"),
    OWN_TOILET: _("Households with their own toilet"),
    PER_CLINIC: _("Population per clinic"),
}
# What the denominator of each ratio or share counts.
COUNTED: Final[dict[str, StrOrPromise]] = {
    PER_TAP: _("taps"),
    PER_HANDPUMP: _("handpumps"),
    PER_TOILET: _("toilets"),
    PER_SHOWER: _("showers"),
    PER_CLINIC: _("clinics"),
}

# The shares of households (what the page says they were computed from differs).
SHARES: Final = frozenset({SPACE_SHARE, WATER_SHARE, TOILET_SHARE, OWN_TOILET})

NO_ONE: Final = _("No one is housed here.")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One figure with its target (comparator, value, unit and source) and its rating.

    ``criterion`` is the standard each household is held to when the figure is a share of
    households (4.5 m² per person, 200 m to water). ``count`` and ``of`` say what the figure
    was computed from: persons and taps for a ratio, households meeting and households for a
    share."""

    key: str
    value: Decimal | None
    target: Standard
    status: Status
    criterion: Standard | None = None
    count: int | None = None
    of: int | None = None
    note: StrOrPromise = ""
    applicable: bool = True

    @property
    def label(self) -> StrOrPromise:
        return LABELS[self.key]

    @property
    def comparator(self) -> StrOrPromise:
        return COMPARATORS[self.target.comparator]

    @property
    def unit(self) -> StrOrPromise:
        return UNITS.get(self.target.unit, self.target.unit)

    @property
    def source(self) -> str:
        return self.target.source

    @property
    def counted(self) -> StrOrPromise:
        return COUNTED.get(self.key, "")

    @property
    def basis(self) -> str:
        """What the figure was computed from: "ratio" (persons and taps), "share" (households
        meeting and households), "missing" (homes with none of them), "over" (households)."""
        if not self.of:
            return ""
        if self.key in COUNTED:
            return "ratio"
        if self.key in SHARES:
            return "share"
        return "over" if self.count is None else "missing"

    @property
    def criterion_comparator(self) -> StrOrPromise:
        return COMPARATORS[self.criterion.comparator] if self.criterion else ""

    @property
    def criterion_unit(self) -> StrOrPromise:
        return UNITS.get(self.criterion.unit, self.criterion.unit) if self.criterion else ""

    @property
    def status_label(self) -> StrOrPromise:
        if self.status == Status.GREY and not self.applicable:
            return _("Not applicable")
        return STATUS_LABELS[self.status]

    @property
    def status_short(self) -> StrOrPromise:
        return STATUS_SHORT[self.status]


@dataclass(frozen=True, slots=True)
class Scope:
    """The settlement (``block`` None) or one block: who lives there and its indicators."""

    block: Block | None
    population: int
    households: int
    indicators: dict[str, Indicator]
    crowded: int
    beyond_water: int
    beyond_toilet: int

    @property
    def cells(self) -> list[Indicator]:
        return [self.indicators[key] for key in BLOCK_COLUMNS]

    @property
    def below_target(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.status in (Status.RED, Status.AMBER)]


@dataclass(frozen=True, slots=True)
class Unmeasured:
    """An indicator of the table Mehman has no data for, listed so that nothing is hidden."""

    standard: Standard
    why: StrOrPromise

    @property
    def label(self) -> StrOrPromise:
        return STANDARD_LABELS.get(self.standard.key, self.standard.indicator)

    @property
    def comparator(self) -> StrOrPromise:
        return COMPARATORS[self.standard.comparator]

    @property
    def unit(self) -> StrOrPromise:
        return UNITS.get(self.standard.unit, self.standard.unit)

    @property
    def phase(self) -> StrOrPromise:
        return PHASES.get(self.standard.phase, self.standard.phase)


@dataclass(frozen=True, slots=True)
class Report:
    """The settlement's compliance: its summary (or the focused block's), every block, the
    crowded units (most crowded first), the units beyond reach of water or a toilet (farthest
    first, those with none at all before them) and the indicators not measured."""

    settlement: Settlement
    focus: Block | None
    summary: Scope
    settlement_summary: Scope
    blocks: list[Scope]
    crowded: list[UnitRow]
    beyond_water: list[UnitRow]
    beyond_toilet: list[UnitRow]
    not_measured: list[Unmeasured]
    living_space: Standard
    water_distance: Standard
    toilet_distance: Standard

    @property
    def columns(self) -> list[tuple[str, StrOrPromise]]:
        return [(key, LABELS[key]) for key in BLOCK_COLUMNS]


# --- Rating ---------------------------------------------------------------------------------


def rate(value: Decimal | None, target: Standard) -> Status:
    """Green when the value meets the target, amber when it misses by at most 20 % of the
    target (10 points for a percentage), red beyond, grey when there is no value."""
    if value is None:
        return Status.GREY
    if target.met_by(value):
        return Status.GREEN
    margin = AMBER_POINTS if target.unit == "%" else target.target * AMBER_SHARE
    if target.higher_is_better:
        return Status.AMBER if value >= target.target - margin else Status.RED
    return Status.AMBER if value <= target.target + margin else Status.RED


def _ratio(count: int, of: int) -> Decimal:
    return (Decimal(count) / Decimal(of)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _percent(count: int, of: int) -> Decimal:
    return (Decimal(100) * count / of).quantize(TENTH, rounding=ROUND_HALF_UP)


def metres(distance: float | None) -> Decimal | None:
    """A distance to the whole metre, as shown and as rated."""
    if distance is None:
        return None
    return Decimal(str(distance)).quantize(METRE, rounding=ROUND_HALF_UP)


def _share_target(criterion: Standard) -> Standard:
    """Every household held to ``criterion``: at least 100 %, with the criterion's source."""
    return replace(criterion, comparator=">=", target=EVERY_HOUSEHOLD, unit="%")


def _measured(key: str, value: Decimal | None, target: Standard, **extra: Any) -> Indicator:
    return Indicator(key=key, value=value, target=target, status=rate(value, target), **extra)


def _grey(key: str, target: Standard, note: StrOrPromise, **extra: Any) -> Indicator:
    return Indicator(key=key, value=None, target=target, status=Status.GREY, note=note, **extra)


# --- Indicators -----------------------------------------------------------------------------


def _per_facility(
    key: str, population: int, count: int, *, none: Callable[[Standard], Indicator]
) -> Indicator:
    """Persons per tap, toilet…; ``none`` says what it means to have none of them."""
    target = standards.standard(key)
    if population == 0:
        return _grey(key, target, NO_ONE, count=0, of=count)
    if count == 0:
        return none(target)
    return _measured(key, _ratio(population, count), target, count=population, of=count)


def _missing(key: str, population: int, note: StrOrPromise) -> Callable[[Standard], Indicator]:
    """Nobody can share what does not exist: red, with the reason."""

    def build(target: Standard) -> Indicator:
        return Indicator(
            key=key, value=None, target=target, status=Status.RED, note=note, count=population, of=0
        )

    return build


def _not_applicable(key: str, note: StrOrPromise) -> Callable[[Standard], Indicator]:
    def build(target: Standard) -> Indicator:
        return _grey(key, target, note, applicable=False)

    return build


def _facility_ratios(
    housed: Sequence[UnitRow], working: Sequence[Facility], population: int, *, clinics: bool
) -> dict[str, Indicator]:
    def capacity(kind: str) -> int:
        return sum(f.capacity for f in working if f.kind == kind)

    taps = capacity(FacilityKind.TAP) + sum(1 for r in housed if r.unit.own_tap)
    handpumps = capacity(FacilityKind.HANDPUMP)
    toilets = capacity(FacilityKind.TOILET) + sum(1 for r in housed if r.unit.own_toilet)
    showers = capacity(FacilityKind.SHOWER)
    no_taps = (
        _not_applicable(PER_TAP, _("No taps here: water comes from handpumps."))
        if handpumps
        else _missing(PER_TAP, population, _("No working tap for the people living here."))
    )
    found = {
        PER_TAP: _per_facility(PER_TAP, population, taps, none=no_taps),
        # Where taps serve the people, handpumps and wells are a back-up: the standard for
        # them is about people who draw their water there, not everyone.
        PER_HANDPUMP: (
            _not_applicable(
                PER_HANDPUMP,
                _("Taps are the water source here; handpumps and wells are a back-up."),
            )(standards.standard(PER_HANDPUMP))
            if taps and handpumps
            else _per_facility(
                PER_HANDPUMP,
                population,
                handpumps,
                none=_not_applicable(
                    PER_HANDPUMP, _("No handpumps or wells here: not applicable.")
                ),
            )
        ),
        PER_TOILET: _per_facility(
            PER_TOILET,
            population,
            toilets,
            none=_missing(PER_TOILET, population, _("No working toilet for the people here.")),
        ),
        PER_SHOWER: _per_facility(
            PER_SHOWER,
            population,
            showers,
            none=_missing(PER_SHOWER, population, _("No working shower for the people here.")),
        ),
    }
    if clinics and PER_CLINIC in standards.table():
        count = sum(1 for f in working if f.kind == FacilityKind.CLINIC)
        found[PER_CLINIC] = _per_facility(
            PER_CLINIC,
            population,
            count,
            none=_missing(PER_CLINIC, population, _("No clinic in service in the settlement.")),
        )
    return found


def _median(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(TENTH, rounding=ROUND_HALF_UP)


def _living_space(housed: Sequence[UnitRow]) -> dict[str, Indicator]:
    living = standards.living_space()
    spaces = [s for s in (r.m2_per_person for r in housed) if s is not None]
    share_target = _share_target(living)
    if not spaces:
        return {
            SPACE_SHARE: _grey(SPACE_SHARE, share_target, NO_ONE, criterion=living),
            SPACE_MEDIAN: _grey(SPACE_MEDIAN, living, NO_ONE),
        }
    meeting = sum(1 for s in spaces if living.met_by(s))
    return {
        SPACE_SHARE: _measured(
            SPACE_SHARE,
            _percent(meeting, len(spaces)),
            share_target,
            criterion=living,
            count=meeting,
            of=len(spaces),
        ),
        SPACE_MEDIAN: _measured(SPACE_MEDIAN, _median(spaces), living, of=len(spaces)),
    }


def beyond(rows: Iterable[UnitRow], attribute: str, criterion: Standard) -> list[UnitRow]:
    """Occupied units farther than ``criterion`` from the nearest water point or toilet (or
    with none at all), those with none first, then the farthest."""
    found = []
    for row in rows:
        if not row.occupied:
            continue
        distance = metres(getattr(row, attribute))
        if distance is None or not criterion.met_by(distance):
            found.append(row)
    return sorted(found, key=lambda r: _farthest_first(getattr(r, attribute)))


def _farthest_first(distance: float | None) -> float:
    return float("-inf") if distance is None else -distance


def _distance(
    housed: Sequence[UnitRow],
    attribute: str,
    criterion: Standard,
    keys: tuple[str, str],
    nothing: StrOrPromise,
) -> dict[str, Indicator]:
    share_key, farthest_key = keys
    share_target = _share_target(criterion)
    if not housed:
        return {
            share_key: _grey(share_key, share_target, NO_ONE, criterion=criterion),
            farthest_key: _grey(farthest_key, criterion, NO_ONE),
        }
    far = len(beyond(housed, attribute, criterion))
    near = len(housed) - far
    distances = [metres(getattr(r, attribute)) for r in housed]
    known = [d for d in distances if d is not None]
    if len(known) < len(distances):
        farthest = Indicator(
            key=farthest_key,
            value=None,
            target=criterion,
            status=Status.RED,
            note=nothing,
            count=len(distances) - len(known),
            of=len(housed),
        )
    else:
        farthest = _measured(farthest_key, max(known), criterion, of=len(housed))
    return {
        share_key: _measured(
            share_key,
            _percent(near, len(housed)),
            share_target,
            criterion=criterion,
            count=near,
            of=len(housed),
        ),
        farthest_key: farthest,
    }


def _own_toilet(housed: Sequence[UnitRow]) -> Indicator:
    target = standards.standard(OWN_TOILET)
    if not housed:
        return _grey(OWN_TOILET, target, NO_ONE)
    own = sum(1 for r in housed if r.unit.own_toilet)
    return _measured(OWN_TOILET, _percent(own, len(housed)), target, count=own, of=len(housed))


def measure(
    rows: Sequence[UnitRow],
    facilities: Sequence[Facility],
    *,
    block: Block | None = None,
) -> Scope:
    """The indicators of a settlement or a block from its unit rows and its facilities."""
    housed = [r for r in rows if r.occupied]
    population = sum(r.occupants or 0 for r in housed)
    working = [f for f in facilities if f.in_service]
    water = standards.standard("water_point_distance")
    toilet = standards.standard("toilet_distance")
    indicators = {
        **_facility_ratios(housed, working, population, clinics=block is None),
        **_living_space(housed),
        **_distance(
            housed,
            "water_m",
            water,
            (WATER_SHARE, WATER_FARTHEST),
            _("Some homes have no working water point at all."),
        ),
        **_distance(
            housed,
            "toilet_m",
            toilet,
            (TOILET_SHARE, TOILET_FARTHEST),
            _("Some homes have no working toilet at all."),
        ),
        OWN_TOILET: _own_toilet(housed),
    }
    return Scope(
        block=block,
        population=population,
        households=len(housed),
        indicators=indicators,
        crowded=sum(1 for r in housed if r.crowded),
        beyond_water=len(beyond(housed, "water_m", water)),
        beyond_toilet=len(beyond(housed, "toilet_m", toilet)),
    )


def not_measured() -> list[Unmeasured]:
    """The indicators of the table this page cannot measure (other living-space standards are
    alternatives to the one in force, not indicators of their own)."""
    measured = {PER_TAP, PER_HANDPUMP, PER_TOILET, PER_SHOWER, OWN_TOILET, PER_CLINIC}
    measured |= {"water_point_distance", "toilet_distance"}
    default_why = _("Mehman records no data for this indicator.")
    return [
        Unmeasured(standard=s, why=NOT_MEASURED_WHY.get(key, default_why))
        for key, s in standards.table().items()
        if key not in measured and not key.startswith("living_space")
    ]


def compliance(settlement: Settlement, user: Any, *, block: Block | None = None) -> Report:
    """The settlement measured against the standards, as a whole and block by block; with
    ``block``, the summary and the lists are that block's."""
    facilities = list(Facility.objects.for_user(user).filter(settlement=settlement))
    blocks = list(Block.objects.for_user(user).filter(settlement=settlement).order_by("code"))
    rows = unit_rows(settlement, user, facilities=facilities)
    rows_of: defaultdict[int, list[UnitRow]] = defaultdict(list)
    for row in rows:
        rows_of[row.unit.block_id].append(row)
    facilities_of: defaultdict[int, list[Facility]] = defaultdict(list)
    for facility in facilities:
        if facility.block_id is not None:
            facilities_of[facility.block_id].append(facility)
    scopes = [measure(rows_of[b.pk], facilities_of[b.pk], block=b) for b in blocks]
    whole = measure(rows, facilities)
    summary = whole
    shown = rows
    if block is not None:
        summary = next((s for s in scopes if s.block == block), None) or measure(
            rows_of[block.pk], facilities_of[block.pk], block=block
        )
        shown = rows_of[block.pk]
    water = standards.standard("water_point_distance")
    toilet = standards.standard("toilet_distance")
    crowded = sorted((r for r in shown if r.crowded), key=lambda r: r.m2_per_person or TENTH)
    return Report(
        settlement=settlement,
        focus=block,
        summary=summary,
        settlement_summary=whole,
        blocks=scopes,
        crowded=crowded,
        beyond_water=beyond(shown, "water_m", water),
        beyond_toilet=beyond(shown, "toilet_m", toilet),
        not_measured=not_measured(),
        living_space=standards.living_space(),
        water_distance=water,
        toilet_distance=toilet,
    )

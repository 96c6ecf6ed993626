"""The demo site: blocks, units and facilities on the plan, and who lives where.

Torbat-e Jam guest city covers about 100 hectares of brick houses: 25 blocks in a grid of
five by five on a plan of about 1,000 by 1,000 m, each block four lanes (کوچه) of twelve
plots, so some 1,100 homes. The oldest blocks (the two top rows) have small houses of 36
to 48 m², many without their own tap or toilet and a few extended by a room; the middle
blocks are larger, some of two storeys; the newest row is the largest, and its last block
is the new phase, still partly planned. Tap stands stand in most blocks, toilet and
shower blocks where houses lack their own, with three schools, a clinic, two mosques, the
community centre, shops and the warehouse; a tap and a toilet block are out of service,
and the blocks on the eastern edge have no tap stand of their own, so the standards page
finds homes beyond reach of water or a toilet.

Every resident household of the registry lives in a unit: most in the block its
registration names, and those who have lived long in the old blocks often in a house too
small for a family that grew. Some habitable homes stay vacant, with those kept for the
intake demo's offers, so that a batch allocation has vacancies to fill.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef

from mehman.core import dates
from mehman.core.digits import to_persian
from mehman.core.models import Settlement
from mehman.demo.housing.past import SEED, dated, moment
from mehman.demo.partners import STORE
from mehman.housing import services as housing
from mehman.housing.models import (
    Block,
    Facility,
    FacilityKind,
    Heating,
    MoveReason,
    Occupancy,
    Unit,
    UnitState,
)
from mehman.registry.models import Household, HouseholdStatus

GRID = 5  # blocks per row and per column
BLOCKS = GRID * GRID
CELL = 200  # metres from one block's corner to the next: 180 m of houses, 20 m of street
SIDE = 180
MARGIN = 10
LANES = 4
PLOTS = 12  # plots per lane
OLD_BLOCKS = range(1, 11)  # the two top rows, the first houses of the settlement
NEW_BLOCKS = range(21, 26)  # the bottom row; block 25 is the new phase
NEW_PHASE = 25
SITE_RECORDED = 600  # days ago the housing office recorded the site and who lived where

# For every 1,000 resident households (at least one of each, on a smaller registry):
VACANT = 32  # habitable homes nobody lives in, besides those kept for the intake's offers
NOT_HABITABLE = 10  # not habitable, and no work under way on them
RENOVATING = 21  # renovations under way: the unit is "under works"
RENOVATED = 8  # renovations completed in the last weeks: habitable and vacant
PLANNED = 15  # planned units still not built
BUILDING = 3  # new builds under way
BUILT = 5  # new builds completed in the last weeks

# --- The site plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A facility of the demo: its block, where in the block, and the plots it stands on."""

    kind: str
    block: int
    name: str
    capacity: int
    at: tuple[float, float]  # metres from the block's north-west corner
    plots: tuple[tuple[int, int], ...] = ()  # (lane, plot) of the houses it replaces
    in_service: bool = True
    note: str = ""


def _plot_x(plot: int) -> float:
    width = SIDE / PLOTS
    return round(width / 2 + width * (plot - 1), 1)


def _lane_y(lane: int) -> float:
    return 22.5 + 45 * (lane - 1)


def _footprint(lane: int, first: int, last: int) -> dict[str, Any]:
    plots = tuple((lane, plot) for plot in range(first, last + 1))
    return {"plots": plots, "at": ((_plot_x(first) + _plot_x(last)) / 2, _lane_y(lane))}


BROKEN_TAP = "پمپ آب سوخته و لوله اصلی ترکیده است؛ تا تعمیر، از شیر بلوک‌های کناری آب می‌برند."


def _places() -> list[Place]:
    places = []
    no_tap = {5, 10, 15, 24}  # the eastern edge; block 24 draws water from its handpump
    for block in range(1, BLOCKS + 1):
        if block in no_tap:
            continue
        broken = block == 9
        places.append(
            Place(
                FacilityKind.TAP,
                block,
                to_persian(f"شیر آب عمومی بلوک {block}"),
                4 + (block * 7) % 5,
                (90, 90),
                in_service=not broken,
                note=BROKEN_TAP if broken else "",
            )
        )
    for block in (1, 2, 6, 7):  # the oldest, most crowded blocks have a second tap stand
        places.append(
            Place(
                FacilityKind.TAP,
                block,
                to_persian(f"شیر آب عمومی ۲ بلوک {block}"),
                4,
                (30, 45),
            )
        )
    places += [
        Place(FacilityKind.HANDPUMP, 24, "چاه و تلمبه دستی بلوک ۲۴", 1, (90, 90)),
        Place(
            FacilityKind.HANDPUMP,
            11,
            "چاه قدیمی بلوک ۱۱",
            1,
            (150, 135),
            note="آب چاه برای شست‌وشو؛ آب آشامیدنی از شیر عمومی.",
        ),
    ]
    for block in (1, 2, 3, 4, 6, 7, 8, 9, 11, 16):
        closed = block == 2
        places.append(
            Place(
                FacilityKind.TOILET,
                block,
                to_persian(f"سرویس بهداشتی عمومی بلوک {block}"),
                6 + (block * 3) % 5,
                (150, 45),
                in_service=not closed,
                note="چاه جذبی پر شده و سرویس بسته است." if closed else "",
            )
        )
    for block in (1, 6):
        places.append(
            Place(
                FacilityKind.TOILET,
                block,
                to_persian(f"سرویس بهداشتی عمومی ۲ بلوک {block}"),
                6,
                (30, 135),
            )
        )
    for block in (1, 3, 6, 8, 11, 13, 17, 22):
        places.append(
            Place(
                FacilityKind.SHOWER,
                block,
                to_persian(f"حمام عمومی بلوک {block}"),
                6 + (block * 5) % 5,
                (30, 90),
            )
        )
    places += [
        Place(FacilityKind.SCHOOL, 3, "دبستان پسرانه امید", 420, **_footprint(4, 7, 12)),
        Place(FacilityKind.SCHOOL, 12, "دبستان دخترانه نرگس", 380, **_footprint(4, 7, 12)),
        Place(FacilityKind.SCHOOL, 18, "دبیرستان فردا", 300, **_footprint(4, 7, 12)),
        Place(FacilityKind.CLINIC, 13, "درمانگاه مهمانشهر", 120, **_footprint(1, 1, 4)),
        Place(FacilityKind.MOSQUE, 7, "مسجد جامع مهمانشهر", 400, **_footprint(1, 9, 12)),
        Place(FacilityKind.MOSQUE, 19, "مسجد امام رضا (ع)", 200, **_footprint(2, 1, 4)),
        Place(FacilityKind.COMMUNITY, 13, "کانون فرهنگی مهمانشهر", 150, **_footprint(1, 9, 12)),
        Place(FacilityKind.WAREHOUSE, 21, STORE, 600, **_footprint(4, 1, 6)),
    ]
    shops = (
        (8, "نانوایی سنگکی", 2),
        (12, "فروشگاه تعاونی مهمانشهر", 3),
        (13, "میوه و سبزی", 1),
        (14, "قصابی", 1),
        (17, "نانوایی لواش", 2),
        (18, "خواربارفروشی", 1),
    )
    for block, name, counters in shops:
        places.append(Place(FacilityKind.SHOP, block, name, counters, **_footprint(1, 6, 6)))
    return places


def block_code(number: int) -> str:
    return f"{number:02d}"


def _corner(number: int) -> tuple[float, float]:
    row, col = divmod(number - 1, GRID)
    return MARGIN + col * CELL, MARGIN + row * CELL


def age_of(number: int) -> str:
    """How old a block is: the first houses of the settlement, the middle or the newest row."""
    if number in OLD_BLOCKS:
        return "old"
    return "new" if number in NEW_BLOCKS else "middle"


@dataclass
class Home:
    """One unit to be added: where, what it has, and what becomes of it."""

    block: int
    lane: int
    plot: int
    x: float
    y: float
    role: str = "home"  # home (a resident household), vacant, condemned, planned
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return (self.lane - 1) * PLOTS + self.plot


def scaled(per_thousand: float, scale: float, least: int = 1) -> int:
    return max(least, round(per_thousand * scale))


def _house(rng: random.Random, age: str) -> dict[str, Any]:
    """A house as it stands: older blocks smaller and with less of their own."""
    heating: tuple[tuple[str, int], ...]
    if age == "old":
        area = rng.choice((30, 36, 36, 36, 40, 40, 42, 45, 48))
        if rng.random() < 0.2:  # a room added by the family
            area += rng.choice((9, 12, 15, 18, 24))
        tap, toilet, ramp, upstairs, power = 0.35, 0.45, 0.03, 0.0, 0.95
        heating = (
            (Heating.KEROSENE, 65),
            (Heating.GAS, 25),
            (Heating.NONE, 6),
            (Heating.ELECTRIC, 4),
        )
    elif age == "middle":
        area = rng.choice((40, 42, 45, 48, 48, 54, 60))
        if rng.random() < 0.1:
            area += rng.choice((9, 12, 18))
        tap, toilet, ramp, upstairs, power = 0.6, 0.75, 0.1, 0.25, 0.98
        heating = (
            (Heating.KEROSENE, 45),
            (Heating.GAS, 48),
            (Heating.ELECTRIC, 4),
            (Heating.NONE, 3),
        )
    else:
        area = rng.choice((48, 54, 60, 66, 72, 84, 90))
        tap, toilet, ramp, upstairs, power = 0.9, 0.95, 0.2, 0.25, 1.0
        heating = ((Heating.GAS, 75), (Heating.KEROSENE, 15), (Heating.ELECTRIC, 10))
    ground = rng.random() >= upstairs
    return {
        "floor_area": Decimal(area) + rng.choice((Decimal(0), Decimal(0), Decimal("0.5"))),
        "rooms": _rooms(rng, area),
        "ground_floor": ground,
        "ramp": ground and rng.random() < ramp,
        "own_tap": rng.random() < tap,
        "own_toilet": rng.random() < toilet,
        "heating": rng.choices([h for h, _w in heating], weights=[w for _h, w in heating])[0],
        "electricity": rng.random() < power,
    }


def _rooms(rng: random.Random, area: float) -> int:
    if area < 40:
        return rng.choice((1, 2, 2))
    if area < 54:
        return 2
    if area < 70:
        return rng.choice((2, 3, 3))
    return rng.choice((3, 3, 4))


def _new_build(rng: random.Random) -> dict[str, Any]:
    """The new phase's design: 60 or 72 m², own tap and toilet, gas heating, half step-free."""
    area = rng.choice((60, 60, 72))
    return {
        "floor_area": Decimal(area),
        "rooms": 2 if area == 60 else 3,
        "ground_floor": True,
        "ramp": rng.random() < 0.5,
        "own_tap": True,
        "own_toilet": True,
        "heating": Heating.GAS,
        "electricity": True,
    }


def _plan_site(rng: random.Random, residents: int, applicants: int) -> list[Home]:
    scale = residents / 1000
    offers = math.ceil(24 * applicants / 650) + 2  # the intake demo's offers, and a margin
    vacant = scaled(VACANT, scale, least=3) + offers
    # Homes not habitable: those renovated lately, those under works and those still waiting
    # (some with a renovation approved or planned).
    condemned = sum(scaled(n, scale) for n in (NOT_HABITABLE, RENOVATING, RENOVATED))
    planned = sum(scaled(n, scale) for n in (PLANNED, BUILDING, BUILT))
    needed = residents + vacant + condemned + planned
    taken = {(p.block, lane, plot) for p in _places() for lane, plot in p.plots}
    plots: list[Home] = []
    for number in range(1, BLOCKS + 1):
        x0, y0 = _corner(number)
        for lane in range(1, LANES + 1):
            for plot in range(1, PLOTS + 1):
                if (number, lane, plot) not in taken:
                    plots.append(Home(number, lane, plot, x0 + _plot_x(plot), y0 + _lane_y(lane)))
    if needed > len(plots):
        raise ValueError(f"the demo site has {len(plots)} plots; {needed} homes do not fit")
    # The new phase's last lanes are planned first, then the rest of the newest row.
    new_phase = [h for h in plots if h.block == NEW_PHASE and h.lane >= 3]
    newest = [h for h in plots if h.block in NEW_BLOCKS and h not in new_phase]
    for home in (new_phase + rng.sample(newest, k=len(newest)))[:planned]:
        home.role = "planned"
        home.spec = _new_build(rng)
    old = [h for h in plots if h.block in OLD_BLOCKS]
    for home in rng.sample(old, k=condemned):
        home.role = "condemned"
    # Empty lots: plots with no house on them (fewer homes needed than plots).
    free = [h for h in plots if h.role == "home"]
    empty = set(map(id, rng.sample(free, k=len(plots) - needed)))
    homes = [h for h in plots if id(h) not in empty]
    for home in homes:
        if home.role != "planned":
            home.spec = _house(rng, age_of(home.block))
    ready = [h for h in homes if h.role == "home"]
    kept = rng.sample(ready, k=vacant)
    # Among the vacancies, step-free homes and a few large ones, so that every household of
    # the waitlist fits one: households with a member who cannot manage steps rank high
    # (disability weighs), so about half the homes kept for offers are step-free.
    step_free = offers // 2 + 4
    for home in kept[:step_free]:
        home.spec.update(ground_floor=True, ramp=True)
        home.spec["floor_area"] = max(home.spec["floor_area"], Decimal(48))
    for home in kept[step_free : step_free + 3]:
        home.spec["floor_area"] = max(home.spec["floor_area"], Decimal(66))
        home.spec["rooms"] = max(home.spec["rooms"], 3)
    for home in kept:
        home.role = "vacant"
    return homes


def _settle(rng: random.Random, homes: list[Home], residents: list[Household]) -> dict[int, Home]:
    """Each resident household's home: in the block its registration names while there is
    room, else in the nearest block with room; within a block, larger families in larger
    houses, except in the old blocks where many have lived long in houses too small."""
    free: dict[int, list[Home]] = defaultdict(list)
    for home in homes:
        if home.role == "home":
            free[home.block].append(home)
    wanted: dict[int, list[Household]] = defaultdict(list)
    elsewhere: list[tuple[int, Household]] = []
    for household in residents:
        number = int(household.block) if household.block.isdigit() else 0
        if 1 <= number <= BLOCKS:
            wanted[number].append(household)
        else:
            elsewhere.append((rng.randint(1, BLOCKS), household))
    placed: dict[int, list[Household]] = defaultdict(list)
    for number, households in sorted(wanted.items()):
        rng.shuffle(households)
        room = len(free[number])
        placed[number] = households[:room]
        elsewhere += [(number, h) for h in households[room:]]
    for number, household in elsewhere:
        row, col = divmod(number - 1, GRID)
        nearest = min(
            (n for n in free if len(placed[n]) < len(free[n])),
            key=lambda n: (abs((n - 1) // GRID - row) + abs((n - 1) % GRID - col), n),
        )
        placed[nearest].append(household)
    homes_of: dict[int, Home] = {}
    for number, households in placed.items():
        spread = 10.0 if number in OLD_BLOCKS else 3.0
        by_size = sorted(households, key=lambda h: h.size + rng.gauss(0, spread))
        by_area = sorted(free[number], key=lambda h: (h.spec["floor_area"], h.number))
        for household, home in zip(by_size, by_area, strict=False):
            homes_of[household.pk] = home
    return homes_of


def load_site(settlement: Settlement, *, by: Any) -> int:
    """Lay out the settlement's site once and move every resident household into a unit;
    a settlement that has blocks is left alone. Returns the number of units added."""
    if Block.objects.filter(settlement=settlement).exists():
        return 0
    lived_in = Occupancy.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    residents = list(
        Household.objects.filter(settlement=settlement, status=HouseholdStatus.RESIDENT)
        .exclude(Exists(lived_in))
        .order_by("reference")
    )
    applicants = Household.objects.filter(
        settlement=settlement, status=HouseholdStatus.APPLICANT
    ).count()
    rng = random.Random(SEED)
    today = dates.today()
    recorded = moment(rng, today - timedelta(days=SITE_RECORDED))
    homes = _plan_site(rng, len(residents), applicants)
    homes_of = _settle(rng, homes, residents)
    with dated(recorded):
        blocks = {}
        for number in range(1, BLOCKS + 1):
            x0, y0 = _corner(number)
            blocks[number] = housing.create_block(
                settlement=settlement,
                code=block_code(number),
                name=to_persian(f"بلوک {number}"),
                x=x0 + SIDE / 2,
                y=y0 - 4,
                by=by,
            )
        units: dict[int, Unit] = {}
        for home in homes:
            state = {
                "planned": UnitState.PLANNED,
                "condemned": UnitState.UNINHABITABLE,
            }.get(home.role, UnitState.READY)
            units[id(home)] = housing.add_unit(
                block=blocks[home.block],
                number=home.number,
                x=home.x,
                y=home.y,
                street=to_persian(f"کوچه {home.lane}"),
                state=state,
                by=by,
                **home.spec,
            )
        for place in _places():
            x0, y0 = _corner(place.block)
            housing.add_facility(
                settlement=settlement,
                block=blocks[place.block],
                kind=place.kind,
                name=place.name,
                x=x0 + place.at[0],
                y=y0 + place.at[1],
                capacity=place.capacity,
                in_service=place.in_service,
                note=place.note,
                by=by,
            )
        for household in residents:
            home = homes_of[household.pk]
            housing.move_in(
                unit=units[id(home)],
                household=household,
                by=by,
                reason=MoveReason.RECORDED,
                day=min(household.registered_on, today),
            )
    for model in (Block, Unit, Facility):
        model.objects.filter(settlement=settlement).update(created_at=recorded)
    return len(units)

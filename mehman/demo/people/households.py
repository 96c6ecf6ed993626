"""A synthetic population of Afghan refugee households as registered in Iran.

Deterministic (one ``random.Random(seed)`` drives everything) and streaming, so
benchmarks can draw a million people without holding them in memory. Names are
Persian script as Afghans write them in Iran, weighted Zipf-like so that a few
given names (محمد, علی, فاطمه, زهرا …) cover a large share of people, as in life.
Households follow the shape of refugee families: young couples with many
children, widow-headed households, single older people, a grandparent or a
married son's wife and children living with the head.

Registry, intake, housing, benchmarks and duplicate detection reuse it; it
needs no database. Names come from ``names``.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from mehman.core.dates import to_gregorian
from mehman.demo.people.names import (
    _FAMILY_WEIGHTED,
    _GIVEN,
    _LATIN_PICKERS,
    _YOUNG_FROM_YEAR,
    _Weighted,
)

# --- Calendar ---------------------------------------------------------------

_NOWRUZ: Final = {jy + 621: to_gregorian(jy, 1, 1).toordinal() for jy in range(1250, 1500)}
# 1 Mehr opens the second half of the Jalali year (six months of 31 days before it).
_MEHR_1: Final = {jy: to_gregorian(jy, 7, 1).toordinal() for jy in range(1250, 1500)}


def jalali_year(day: date) -> int:
    """The Jalali (Solar Hijri) year containing ``day``."""
    return day.year - 621 if day.toordinal() >= _NOWRUZ[day.year] else day.year - 622


def jalali_midyear(jy: int) -> date:
    """1 Mehr of Jalali year ``jy``: the date recorded when only that year is known."""
    return date.fromordinal(_MEHR_1[jy])


# --- People and households ----------------------------------------------------

RELATIONSHIPS: Final = (
    "head",
    "spouse",
    "son",
    "daughter",
    "father",
    "mother",
    "brother",
    "sister",
    "grandchild",
    "other_relative",
)
MARITAL_STATUSES: Final = ("single", "married", "widowed", "divorced")
MAX_HOUSEHOLD_SIZE: Final = 14
MAX_SERIAL: Final = 9_999_999  # identifiers stay unique up to here


@dataclass(slots=True)
class Person:
    given_name: str
    family_name: str  # "" when the person has none (about a third)
    father_name: str
    grandfather_name: str
    sex: str  # "F" or "M"
    birth_date: date
    birth_date_estimated: bool  # only the year was known
    relationship: str  # to the head of household, one of RELATIONSHIPS
    marital_status: str  # one of MARITAL_STATUSES
    latin_given: str = ""
    latin_family: str = ""
    phone: str = ""
    amayesh_number: str = ""
    fida_code: str = ""

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day``."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(slots=True)
class Household:
    reference: str  # settlement code + serial of at least 6 digits, e.g. "TJ-004512"
    settlement_code: str
    members: list[Person]  # the head first

    @property
    def head(self) -> Person:
        return self.members[0]


# --- Identifiers ---------------------------------------------------------------


class _Scrambler:
    """A seeded bijection of range(modulus): unique numbers that look random."""

    def __init__(self, modulus: int, rng: random.Random) -> None:
        self.m = modulus
        self.a1, self.a2 = (self._unit(rng) for _ in range(2))
        self.b1, self.b2 = rng.randrange(modulus), rng.randrange(modulus)
        low = modulus & -modulus  # xor inside the power-of-two blocks stays a bijection
        self.mask = rng.randrange(low)

    def _unit(self, rng: random.Random) -> int:
        while True:
            a = rng.randrange(self.m // 3, self.m)
            if math.gcd(a, self.m) == 1:
                return a

    def __call__(self, x: int) -> int:
        x = (self.a1 * x + self.b1) % self.m
        return (self.a2 * (x ^ self.mask) + self.b2) % self.m


# Iranian mobile prefixes (MCI 091x/099x, Irancell 090x/093x/0941, RighTel 092x, Shatel 0998).
_PHONE_PREFIXES: Final = (
    *(f"091{d}" for d in range(10)),
    *(f"099{d}" for d in range(5)),
    *(f"090{d}" for d in range(1, 6)),
    "0930",
    "0933",
    "0935",
    "0936",
    "0937",
    "0938",
    "0939",
    "0941",
    "0920",
    "0921",
    "0922",
    "0998",
)
_PERSON_SLOTS: Final = 16  # person key = serial * 16 + index in household


# --- Generation -------------------------------------------------------------------

_DAYS_PER_YEAR: Final = 365.2425
_HOUSEHOLD_TYPES: Final = (
    ("nuclear", 0.79),
    ("female_head", 0.108),
    ("couple", 0.035),
    ("single_elder", 0.042),
    ("single_young", 0.025),
)
# (low, high, weight) brackets of a married woman's age in a male-headed household.
_WIFE_AGES: Final = (
    (17, 20, 3),
    (20, 25, 11),
    (25, 30, 15),
    (30, 35, 16),
    (35, 40, 15),
    (40, 45, 13),
    (45, 50, 10),
    (50, 55, 7),
    (55, 60, 5),
    (60, 66, 3),
)
_WIDOW_AGES: Final = ((22, 30, 4), (30, 40, 10), (40, 50, 10), (50, 60, 6), (60, 72, 3))
# Probability that a daughter / son of a given age has married (and, for a
# daughter, left for her husband's household).
_DAUGHTER_MARRIED: Final = (
    (15, 0.0),
    (16, 0.05),
    (17, 0.1),
    (18, 0.2),
    (20, 0.4),
    (22, 0.55),
    (25, 0.72),
    (30, 0.85),
)
_SON_MARRIED: Final = ((18, 0.0), (19, 0.08), (21, 0.25), (24, 0.5), (27, 0.72), (30, 0.87))


def _step(table: Sequence[tuple[int, float]], age: float) -> float:
    p = 0.0
    for threshold, value in table:
        if age >= threshold:
            p = value
    return p


class _Generator:
    def __init__(self, seed: int, settlement_code: str, reference_date: date) -> None:
        self.rng = rng = random.Random(seed)
        self.random = rng.random
        self.settlement_code = settlement_code
        self.ref_ord = reference_date.toordinal()
        self.ref_year = reference_date.year + (reference_date.timetuple().tm_yday - 1) / 365.25
        self.young_cut = (self.ref_ord - date(_YOUNG_FROM_YEAR, 1, 1).toordinal()) / _DAYS_PER_YEAR
        self.amayesh = _Scrambler(9 * 10**8, rng)  # 9 digits, no leading zero
        self.fida = _Scrambler(9 * 10**11, rng)  # 12 digits, no leading zero
        self.phone = _Scrambler(len(_PHONE_PREFIXES) * 10**7, rng)
        self.type_cum = tuple(itertools.accumulate(w for _, w in _HOUSEHOLD_TYPES))
        self.type_names = tuple(t for t, _ in _HOUSEHOLD_TYPES)
        self.wife_cum = tuple(itertools.accumulate(w for _, _, w in _WIFE_AGES))
        self.widow_cum = tuple(itertools.accumulate(w for _, _, w in _WIDOW_AGES))

    # -- small draws

    def pick(self, table: _Weighted) -> str:
        cum = table.cum
        return table.names[bisect.bisect(cum, self.random() * cum[-1])]

    def given(self, sex: str, age: float, avoid: set[str] | None = None) -> str:
        table = _GIVEN[(sex, "young" if age < self.young_cut else "old")]
        name = self.pick(table)
        if avoid:
            for _ in range(6):
                if name not in avoid:
                    break
                name = self.pick(table)
            avoid.add(name)
        return name

    def old_male(self) -> str:
        return self.pick(_GIVEN[("M", "old")])

    def family(self) -> str:
        """A family name, or "" for the third of families who have none."""
        return "" if self.random() < 0.33 else self.pick(_FAMILY_WEIGHTED)

    def age_in(self, table: Sequence[tuple[int, int, int]], cum: tuple[float, ...]) -> float:
        low, high, _ = table[bisect.bisect(cum, self.random() * cum[-1])]
        return low + (high - low) * self.random()

    def birth(self, age: float) -> tuple[date, bool]:
        """Birth date for a true age; most adults know only the year."""
        ordinal = self.ref_ord - int(age * _DAYS_PER_YEAR)
        day = date.fromordinal(ordinal)
        p_estimated = 0.8 if age >= 18 else (0.3 if age >= 5 else 0.05)
        if self.random() < p_estimated:
            if self.random() < 0.5:
                estimate = date(day.year, 7, 1)
            else:
                estimate = date.fromordinal(_MEHR_1[jalali_year(day)])
            if estimate.toordinal() <= self.ref_ord:
                return estimate, True
        return day, False

    def person(
        self,
        given: str,
        family: str,
        father: str,
        grandfather: str,
        sex: str,
        age: float,
        relationship: str,
        marital: str,
        born: tuple[date, bool] | None = None,
    ) -> tuple[Person, float]:
        birth_date, estimated = born or self.birth(age)
        p = Person(
            given, family, father, grandfather, sex, birth_date, estimated, relationship, marital
        )
        return p, age

    def wife(self, age: float, family: str, relationship: str) -> tuple[Person, float]:
        """A woman married into the family: her own father's name, often her own family name."""
        return self.person(
            self.given("F", age),
            family if self.random() < 0.4 else self.family(),
            self.old_male(),
            self.old_male(),
            "F",
            age,
            relationship,
            "married",
        )

    # -- children

    def births(self, mother_age: float, start: float, stop: float, parity: int) -> list[float]:
        """Ages of the children a woman bore between her ages ``start`` and ``stop``."""
        random = self.random
        expo = self.rng.expovariate
        ages: list[float] = []
        t = start + 0.8 + expo(1 / 0.9)
        stop = min(stop, mother_age, 45.0)
        while t < stop and len(ages) < parity:
            age = mother_age - t
            ages.append(age)
            if random() < 0.013:  # twins (about 1.3 % of deliveries)
                ages.append(age)
            t += 1.3 + expo(1 / 1.4)
        return ages

    def parity(self, mother_age: float) -> int:
        born = self.ref_year - mother_age
        mean = 7.5 if born < 1980 else (6.0 if born < 1995 else 4.5)
        return max(0, round(self.rng.gauss(mean, 1.9)))

    def children(
        self,
        ages: Iterable[float],
        *,
        family: str,
        father: str,
        grandfather: str,
        avoid: set[str],
        married_son_may_stay: bool,
    ) -> tuple[list[tuple[Person, float]], tuple[Person, float] | None]:
        """The children still at home, eldest first, and a married son who stayed."""
        random = self.random
        out: list[tuple[Person, float]] = []
        stayed: tuple[Person, float] | None = None
        previous_age, previous_birth = -1.0, None
        for age in sorted(ages, reverse=True):
            born = previous_birth if age == previous_age else self.birth(age)
            previous_age, previous_birth = age, born
            if random() < 0.512:
                if age >= 18 and random() < _step(_SON_MARRIED, age):
                    if married_son_may_stay and stayed is None and random() < 0.45:
                        name = self.given("M", age, avoid)
                        stayed = self.person(
                            name, family, father, grandfather, "M", age, "son", "married", born
                        )
                        out.append(stayed)
                    continue
                if age >= 22 and random() < 0.1:  # gone to work elsewhere
                    continue
                name = self.given("M", age, avoid)
                out.append(
                    self.person(name, family, father, grandfather, "M", age, "son", "single", born)
                )
            else:
                if age >= 15 and random() < _step(_DAUGHTER_MARRIED, age):
                    continue
                name = self.given("F", age, avoid)
                out.append(
                    self.person(
                        name, family, father, grandfather, "F", age, "daughter", "single", born
                    )
                )
        return out, stayed

    # -- household types

    def nuclear(self, family: str) -> list[tuple[Person, float]]:
        random = self.random
        wife_age = self.age_in(_WIFE_AGES, self.wife_cum)
        head_age = wife_age + self.rng.triangular(0.0, 16.0, 4.0)
        head_age = max(head_age, 18.0 + random())
        head_name = self.given("M", head_age)
        head_father, head_grandfather = self.old_male(), self.old_male()
        head = self.person(
            head_name, family, head_father, head_grandfather, "M", head_age, "head", "married"
        )
        wife_family = family if random() < 0.4 else self.family()
        wife = self.person(
            self.given("F", wife_age),
            wife_family,
            self.old_male(),
            self.old_male(),
            "F",
            wife_age,
            "spouse",
            "married",
        )
        married_at = min(wife_age - 0.2, self.rng.triangular(15.5, 26.0, 18.0))
        ages = self.births(wife_age, married_at, wife_age, self.parity(wife_age))
        avoid = {head_name, head_father}
        kids, married_son = self.children(
            ages,
            family=family,
            father=head_name,
            grandfather=head_father,
            avoid=avoid,
            married_son_may_stay=True,
        )
        members = [head, wife, *kids]
        if married_son is not None:
            members.extend(self.sons_family(married_son, family, head_name))
        members.extend(self.elders_and_siblings(head, family, avoid))
        return members

    def sons_family(
        self, son: tuple[Person, float], family: str, head_name: str
    ) -> list[tuple[Person, float]]:
        """A married son's wife and children living in his father's household."""
        person, son_age = son
        wife_age = max(16.0 + self.random(), son_age - self.rng.triangular(0.0, 9.0, 3.0))
        wife = self.wife(wife_age, family, "other_relative")
        married_at = wife_age - self.rng.uniform(0.0, min(8.0, wife_age - 15.5))
        ages = self.births(wife_age, married_at, wife_age, self.parity(wife_age))
        avoid = {person.given_name, head_name}
        out = [wife]
        previous_age, previous_birth = -1.0, None
        for age in sorted(ages, reverse=True):
            born = previous_birth if age == previous_age else self.birth(age)
            previous_age, previous_birth = age, born
            sex = "M" if self.random() < 0.512 else "F"
            name = self.given(sex, age, avoid)
            out.append(
                self.person(
                    name,
                    family,
                    person.given_name,
                    head_name,
                    sex,
                    age,
                    "grandchild",
                    "single",
                    born,
                )
            )
        return out

    def elders_and_siblings(
        self, head: tuple[Person, float], family: str, avoid: set[str]
    ) -> list[tuple[Person, float]]:
        """The head's widowed mother or both parents, and young unmarried siblings."""
        random = self.random
        person, head_age = head
        p_parent = 0.16 if head_age < 45 else (0.08 if head_age < 55 else 0.0)
        out: list[tuple[Person, float]] = []
        if random() >= p_parent:
            if random() < 0.02:  # an orphaned nephew or niece
                age = 3 + 14 * random()
                sex = "M" if random() < 0.5 else "F"
                out.append(
                    self.person(
                        self.given(sex, age, avoid),
                        family,
                        self.old_male(),
                        person.father_name,
                        sex,
                        age,
                        "other_relative",
                        "single",
                    )
                )
            return out
        mother_age = head_age + self.rng.uniform(17.0, 30.0)
        if mother_age > 88:
            return out
        both = random() < 0.3
        if both:
            father_age = mother_age + self.rng.triangular(0.0, 14.0, 5.0)
            out.append(
                self.person(
                    person.father_name,
                    family,
                    person.grandfather_name,
                    self.old_male(),
                    "M",
                    father_age,
                    "father",
                    "married",
                )
            )
        out.append(
            self.person(
                self.given("F", mother_age),
                self.family(),
                self.old_male(),
                self.old_male(),
                "F",
                mother_age,
                "mother",
                "married" if both else "widowed",
            )
        )
        if head_age < 35 and random() < 0.5:
            sibling_avoid = {person.given_name, person.father_name}
            for _ in range(1 + int(3 * random())):
                age = head_age - self.rng.uniform(1.5, 15.0)
                if age < 5 or mother_age - age < 17:
                    continue
                sex = "M" if random() < 0.5 else "F"
                if sex == "F" and age >= 17 and random() < 0.6:
                    continue  # married and gone
                out.append(
                    self.person(
                        self.given(sex, age, sibling_avoid),
                        family,
                        person.father_name,
                        person.grandfather_name,
                        sex,
                        age,
                        "brother" if sex == "M" else "sister",
                        "single",
                    )
                )
        return out

    def female_head(self, family: str) -> list[tuple[Person, float]]:
        """A widow (or a divorced woman) with her children."""
        rng = self.rng
        age = self.age_in(_WIDOW_AGES, self.widow_cum)
        marital = "divorced" if self.random() < 0.15 else "widowed"
        head = self.person(
            self.given("F", age),
            family,
            self.old_male(),
            self.old_male(),
            "F",
            age,
            "head",
            marital,
        )
        married_at = min(age - 1.0, rng.triangular(15.5, 26.0, 18.0))
        husband_gone = age - min(age - married_at - 0.5, rng.expovariate(1 / 6.0))
        husband = self.given("M", age + 6)
        husband_father = self.old_male()
        ages = self.births(age, married_at, husband_gone + 0.7, self.parity(age))
        kids, _ = self.children(
            ages,
            family=family,
            father=husband,
            grandfather=husband_father,
            avoid={husband, husband_father},
            married_son_may_stay=False,
        )
        return [head, *kids]

    def couple(self, family: str) -> list[tuple[Person, float]]:
        """Newly-weds, or an older couple whose children have all left."""
        rng = self.rng
        wife_age = rng.uniform(16.5, 26.0) if self.random() < 0.5 else rng.uniform(55.0, 78.0)
        head_age = wife_age + rng.triangular(0.0, 12.0, 4.0)
        head_age = max(head_age, 18.0 + self.random())
        head = self.person(
            self.given("M", head_age),
            family,
            self.old_male(),
            self.old_male(),
            "M",
            head_age,
            "head",
            "married",
        )
        wife = self.wife(wife_age, family, "spouse")
        return [head, wife]

    def single_elder(self, family: str) -> list[tuple[Person, float]]:
        age = self.rng.uniform(58.0, 88.0)
        sex = "F" if self.random() < 0.6 else "M"
        r = self.random()
        marital = "widowed" if r < 0.78 else ("single" if r < 0.88 else "divorced")
        if sex == "M" and r >= 0.95:
            marital = "married"  # his wife lives with a son elsewhere
        return [
            self.person(
                self.given(sex, age),
                family,
                self.old_male(),
                self.old_male(),
                sex,
                age,
                "head",
                marital,
            )
        ]

    def single_young(self, family: str) -> list[tuple[Person, float]]:
        """A young man alone; some are married with the family still in Afghanistan."""
        age = self.rng.uniform(18.0, 36.0)
        marital = "married" if self.random() < 0.3 else "single"
        return [
            self.person(
                self.given("M", age),
                family,
                self.old_male(),
                self.old_male(),
                "M",
                age,
                "head",
                marital,
            )
        ]

    # -- documents and the household

    def household(self, serial: int) -> Household:
        random = self.random
        kind = self.type_names[bisect.bisect(self.type_cum, random() * self.type_cum[-1])]
        family = self.family()
        members = getattr(self, kind)(family)[:MAX_HOUSEHOLD_SIZE]

        has_latin = random() < 0.3
        has_amayesh = random() < 0.86
        has_fida = random() < 0.55
        latin_family: dict[str, str] = {}
        key = serial * _PERSON_SLOTS
        people: list[Person] = []
        for index, (p, age) in enumerate(members):
            k = key + index
            if has_latin:
                p.latin_given = self.latin(p.given_name)
                if p.family_name:
                    if p.family_name not in latin_family:
                        latin_family[p.family_name] = self.latin(p.family_name)
                    p.latin_family = latin_family[p.family_name]
            if has_amayesh:
                p_card = 0.5 if age < 1 else (0.85 if p.relationship == "other_relative" else 0.97)
                if random() < p_card:
                    p.amayesh_number = str(10**8 + self.amayesh(k))
            if has_fida and random() < 0.92:
                p.fida_code = str(10**11 + self.fida(k))
            if age >= 18 and random() < (0.8 if index == 0 else 0.5):
                n = self.phone(k)
                p.phone = f"{_PHONE_PREFIXES[n // 10**7]}{n % 10**7:07d}"
            people.append(p)
        return Household(f"{self.settlement_code}-{serial:06d}", self.settlement_code, people)

    def latin(self, name: str) -> str:
        picker = _LATIN_PICKERS.get(name)
        if picker is None:
            return ""
        spellings, cum = picker
        return spellings[bisect.bisect(cum, self.random() * cum[-1])]


def generate(
    n_households: int,
    *,
    seed: int,
    settlement_code: str = "TJ",
    start_serial: int = 1,
    reference_date: date = date(2026, 11, 1),
    progress: Callable[[int], object] | None = None,
) -> Iterator[Household]:
    """Yield ``n_households`` synthetic households, the same ones for the same seed.

    References run from ``start_serial``; identifiers (Amayesh number, FIDA
    code, phone) are unique within a seed. ``progress(k)`` is called with the
    number of households finished since its previous call (every 100
    households and at the end), so ``tqdm.update`` or ``Reporter.advance`` fit.
    """
    if n_households < 0:
        raise ValueError("n_households must not be negative")
    if start_serial < 1 or start_serial + n_households - 1 > MAX_SERIAL:
        raise ValueError(f"serials must stay within 1..{MAX_SERIAL}")
    return _generate(n_households, seed, settlement_code, start_serial, reference_date, progress)


def _generate(
    n_households: int,
    seed: int,
    settlement_code: str,
    start_serial: int,
    reference_date: date,
    progress: Callable[[int], object] | None,
) -> Iterator[Household]:
    generator = _Generator(seed, settlement_code, reference_date)
    pending = 0
    for serial in range(start_serial, start_serial + n_households):
        yield generator.household(serial)
        pending += 1
        if progress is not None and pending == 100:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)


# --- Flat rows ------------------------------------------------------------------

FIELDS: Final = [
    "household",
    "settlement",
    "person_index",
    "is_head",
    "relationship",
    "given_name",
    "family_name",
    "father_name",
    "grandfather_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "marital_status",
    "latin_given",
    "latin_family",
    "phone",
    "amayesh_number",
    "fida_code",
]


def to_rows(households: Iterable[Household]) -> Iterator[dict[str, str]]:
    """One row per person, keyed by FIELDS; index 0 is the head, booleans are "1"/"0"."""
    for household in households:
        for index, p in enumerate(household.members):
            yield {
                "household": household.reference,
                "settlement": household.settlement_code,
                "person_index": str(index),
                "is_head": "1" if index == 0 else "0",
                "relationship": p.relationship,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "father_name": p.father_name,
                "grandfather_name": p.grandfather_name,
                "sex": p.sex,
                "birth_date": p.birth_date.isoformat(),
                "birth_date_estimated": "1" if p.birth_date_estimated else "0",
                "marital_status": p.marital_status,
                "latin_given": p.latin_given,
                "latin_family": p.latin_family,
                "phone": p.phone,
                "amayesh_number": p.amayesh_number,
                "fida_code": p.fida_code,
            }

"""A synthetic Afghan refugee registry with duplicate records and the truth about them.

The duplicate-detection engine is tested and benchmarked on it. Each real
person (an *entity*) of the population of ``households`` gets one original
record; some get one to three more records, as when a person is registered
again in another settlement, by another clerk, or from a UNHCR or passport
list. ``entity_id`` is the ground truth: records of one person share it. The
other columns are the input format of ``mehman dedupe-file``.

Run it as ``python -m mehman.demo.people.duplicates N OUT.csv [--seed S] [--stats]``.

Deterministic for a seed and streaming: rows pass through a shuffle buffer of
8,192 rows, so the records of one person are rarely near each other in the
file, and ``record_id`` is drawn from a random permutation of ``range(n)``.

Shares used (a person's records are drawn independently of each other):

Duplicated people: ``duplicate_share`` (default 20 %) of people get extra
records — 1 (80 %), 2 (15 %) or 3 (5 %). Two fifths of them come from a whole
household registered again (each member then duplicated with 90 %
probability, all sharing the clerk's keyboard, the Latin-only source and the
Jalali-date habit); the rest are single people.

Original records (noise here is not a sign of a duplicate):
names from the Zipf tables, about a third without family name; a Latin
spelling on the ~30 % of households with one, plus 5 % of other people
(≈ 33 % of records); Latin names only (Persian fields empty, father's name in
Latin on 40 % of those) 1 %; Arabic ي/ك 3 %; another separator in compound
names (space / ZWNJ / none) 10 % of such names; an honorific 1.5 %; dates exact
for most children, year-only for 80 % of adults (1 July, 1 Mehr, and for 30 %
of those 1 Farvardin, with ``birth_date_estimated`` = 1); a Jalali date in the
ISO field 2 %; no date 1 %; a 12-digit FIDA/Amayesh number (≈ 51 %) or a
passport number P + 8 digits (14 % of other adults, 5 % of other children),
≈ 55 % in all, unique per person; the person's own mobile for ≈ 50 % of adults
(80 % of heads), and in 25 % of households whose head has one, the head's phone
on the children's records (≈ 20 % of children) and on half the wives' without
their own; Persian digits in a document or phone 3 %; no sex 0.3 %.

Extra records (each error drawn independently per record or per name field;
``--stats`` shows each as a share of all extra records, so the conditional
ones read lower): Latin names only 8 %; Latin names beside the Persian ones
35 % (copied from the original's Latin 50 %, else spelt afresh:
Mohammad/Mohammed/Muhammad), upper case 5 %, compound Latin joined 10 %, Latin
typo 2 %; Arabic ي/ك 15 %; another separator 30 % of compound names;
``spelling_variant`` 10 % per name; one-letter typo 3 % per name; honorific
added (سید, سیده, حاجی, ملا, کربلایی, بی‌بی; Sayed, Haji …) 5 % on the given
name, 2 % on the father's; a "محمد"/"غلام" prefix added or dropped
(محمد حسین ↔ حسین) on ≈ 5 % of men's given names and ≈ 2.5 % of fathers' names
(8 % and 4 % of the names that can take or lose one); family name dropped
10 % (when there is one), a family name added 3 % (when there is none);
father's name missing 5 %; date missing 4 %, exact → year only 10 % (people
12 and over; written 1 July 35 %, 1 Mehr 25 %, 1 Farvardin 25 %, 1 January
15 %), year only → an exact date 5 %, ±1 year on estimated dates 15 %, day and
month swapped 3 %, another day 2 %, Jalali date in the ISO field 7 %;
document missing 40 % when the original has one, added 12 % when it has none,
one wrong digit 2 %, dashes or spaces (or a lower-case letter) 6 %, Persian
digits 8 %, Arabic-Indic digits 3 %; phone missing 30 %, a different (new)
phone 15 %, a phone where the original has none 15 %, +98 8 %, 0098 5 %,
spaced 3 %, Persian digits 8 %; sex wrong 0.5 %, missing 0.5 %.

Hard negatives (not duplicates): twins (about 1.3 % of deliveries) share the
birth date, the father's and the family name; 30 % of same-sex twin pairs get
close names (حسن/حسین, ظاهر/طاهر, زهرا/زهره …); a quarter of twin pairs have no
document on any record, the rest have one each. Siblings share the father's
and the family name, most with exact dates, and in some households a phone.
4 % of men with an unmarried son at home named him after himself (محمد son of
محمد). Namesakes — same given, father's and family name and birth year — come
from the Zipf tables; ``--stats`` counts them all.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import itertools
import random
import sys
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Final

import numpy as np
from tqdm import tqdm

from mehman.core.dates import to_gregorian, to_jalali
from mehman.demo.people.households import (
    _PERSON_SLOTS,
    _PHONE_PREFIXES,
    MAX_SERIAL,
    Household,
    Person,
    _Generator,
    _Scrambler,
    generate,
    jalali_year,
)
from mehman.demo.people.names import _FAMILY_WEIGHTED, LATIN_WORDS, ZWNJ, spelling_variants

COLUMNS: Final = (
    "record_id",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "given_name_latin",
    "family_name_latin",
    "document_number",
    "phone",
    "entity_id",
)
DEFAULT_SEED: Final = 20261130
DEFAULT_DUPLICATE_SHARE: Final = 0.2
MAX_ROWS: Final = 20_000_000
REFERENCE_DATE: Final = date(2026, 11, 1)

_REF_ORD: Final = REFERENCE_DATE.toordinal()
_SHUFFLE_BUFFER: Final = 8192
_EXTRA_RECORDS: Final = ((1, 0.80), (2, 0.95), (3, 1.0))  # cumulative
_HOUSEHOLD_PART: Final = 0.4  # of duplicated people, re-registered with their household
_HOUSEHOLD_MEMBER: Final = 0.9
_CHILDREN: Final = frozenset({"son", "daughter", "grandchild"})

# Original records.
_O_LATIN_ONLY: Final = 0.01
_O_EXTRA_LATIN: Final = 0.05
_O_ARABIC: Final = 0.03
_O_SEPARATOR: Final = 0.10
_O_HONORIFIC: Final = 0.015
_O_FARVARDIN: Final = 0.3
_O_JALALI: Final = 0.02
_O_NO_DATE: Final = 0.01
_O_PASSPORT: Final = (0.05, 0.14)  # children, adults
_O_DIGITS: Final = 0.03
# The population gives 80 % of heads and 50 % of other adults a phone; dropping 30 % of
# the others' leaves half the adults with one.
_O_NO_OWN_PHONE: Final = 0.3
_O_HEAD_PHONE: Final = 0.25
_O_NO_SEX: Final = 0.003
_LATIN_FATHER: Final = 0.4  # Latin-only records carrying the father's name in Latin

# Extra records.
_D_LATIN_ONLY: Final = 0.08
_D_LATIN: Final = 0.35
_D_LATIN_COPY: Final = 0.5
_D_LATIN_UPPER: Final = 0.05
_D_LATIN_JOIN: Final = 0.10
_D_LATIN_TYPO: Final = 0.02
_D_ARABIC: Final = 0.15
_D_SEPARATOR: Final = 0.30
_D_VARIANT: Final = 0.10
_D_TYPO: Final = 0.03
_D_HONORIFIC: Final = (0.05, 0.02)  # given name, father's name
_D_PREFIX: Final = (0.08, 0.04)  # about 60 % of men's names can take or lose one
_D_NO_FAMILY: Final = 0.10
_D_ADD_FAMILY: Final = 0.03
_D_NO_FATHER: Final = 0.05
_D_NO_DATE: Final = 0.04
_D_YEAR_ONLY: Final = 0.10
_D_EXACT: Final = 0.05
_D_YEAR_SHIFT: Final = 0.15
_D_SWAP: Final = 0.03
_D_DAY: Final = 0.02
_D_JALALI: Final = 0.07
_D_NO_DOC: Final = 0.40
_D_ADD_DOC: Final = 0.12
_D_DOC_DIGIT: Final = 0.02
_D_DOC_SEPARATORS: Final = 0.06
_D_DOC_DIGITS: Final = (0.08, 0.03)  # Persian, Arabic-Indic
_D_NO_PHONE: Final = 0.30
_D_NEW_PHONE: Final = 0.15
_D_ADD_PHONE: Final = 0.15
_D_PHONE_FORMS: Final = ((0.08, "+98"), (0.13, "0098"), (0.16, "spaced"))  # cumulative
_D_PHONE_PERSIAN: Final = 0.08
_D_SEX: Final = (0.005, 0.01)  # wrong, cumulative with missing

# Twins and namesakes.
_TWINS_WITHOUT_DOCUMENTS: Final = 0.25
_TWINS_CLOSE_NAMES: Final = 0.3
_SON_NAMED_AFTER_FATHER: Final = 0.04
_CLOSE_NAMES: Final = {
    "M": (("حسن", "حسین"),) * 5
    + (("ظاهر", "طاهر"), ("محمد", "محمود"), ("جلیل", "خلیل"), ("نادر", "ناصر"), ("رحیم", "کریم")),
    "F": (
        ("زهرا", "زهره"),
        ("فریبا", "فریده"),
        ("نسرین", "نسیمه"),
        ("رحیمه", "کریمه"),
        ("حلیمه", "حکیمه"),
    ),
}

# --- Names --------------------------------------------------------------------------

_HONORIFICS: Final = {
    "M": (("سید", 0.35), ("حاجی", 0.65), ("ملا", 0.8), ("کربلایی", 1.0)),
    "F": (("سیده", 0.45), ("بی‌بی", 0.8), ("کربلایی", 1.0)),
}
_HONORIFIC_LATIN: Final = {
    "سیده": ("Sayeda", "Seyedeh"),
    "حاجی": ("Haji", "Hajji"),
    "ملا": ("Mullah", "Mulla", "Mula"),
    "کربلایی": ("Karbalaei", "Karbalai"),
}
_PREFIXES: Final = ("محمد", "غلام")
# Single names that take the prefix in life (محمد حسین, غلام رضا).
_TAKES_MOHAMMAD: Final = frozenset(
    (
        *("علی", "حسین", "حسن", "رضا", "جواد", "کاظم", "ابراهیم", "یوسف", "قاسم", "اسحاق"),
        *("یعقوب", "اکبر", "امین", "مهدی", "اسماعیل", "ایوب", "یونس", "صادق", "باقر", "جعفر"),
        *("عیسی", "موسی", "طاها", "هادی"),
    )
)
_TAKES_GHULAM: Final = frozenset(
    ("علی", "حسین", "حسن", "رضا", "حیدر", "سرور", "نبی", "سخی", "محمد", "فاروق", "جعفر", "عباس")
)
_ARABIC_KEYBOARD: Final = str.maketrans({"ی": "ي", "ک": "ك"})
_PERSIAN_DIGITS: Final = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_DIGITS: Final = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Letters a clerk confuses: same sound, or neighbours on the Persian keyboard.
_SIMILAR: Final = {
    "س": "صث",
    "ص": "سث",
    "ث": "سص",
    "ز": "ذضظ",
    "ذ": "زد",
    "ض": "زظ",
    "ظ": "زض",
    "ت": "ط",
    "ط": "ت",
    "ه": "ح",
    "ح": "هخ",
    "خ": "ح",
    "ا": "عآ",
    "آ": "ا",
    "ع": "اغ",
    "ق": "غ",
    "غ": "قع",
    "ی": "ئ",
    "و": "ؤ",
    "ک": "گ",
    "گ": "ک",
    "د": "ذ",
    "ر": "ز",
    "ن": "م",
    "م": "ن",
    "ب": "پ",
    "پ": "ب",
    "ج": "چ",
    "چ": "ج",
}
_LATIN_SIMILAR: Final = {
    "a": "e",
    "e": "ai",
    "i": "ey",
    "o": "u",
    "u": "o",
    "k": "q",
    "q": "k",
    "s": "z",
    "z": "s",
    "d": "t",
    "t": "d",
    "h": "",
    "y": "i",
    "w": "v",
    "v": "w",
}
_SPELLING_WEIGHTS: Final = (0.6, 0.25, 0.1, 0.05)


@functools.cache
def _latin_options(name: str) -> tuple[tuple[str, ...], tuple[float, ...]] | None:
    """Latin spellings of a canonical name (honorifics included), word by word."""
    combos: list[tuple[str, float]] = [("", 1.0)]
    for word in name.split(" "):
        spellings = LATIN_WORDS.get(word) or _HONORIFIC_LATIN.get(word)
        if not spellings:
            return None
        weights = _SPELLING_WEIGHTS[: len(spellings)]
        total = sum(weights)
        combos = [
            (f"{text} {s}" if text else s, p * w / total)
            for text, p in combos
            for s, w in zip(spellings, weights, strict=False)
        ]
    return tuple(t for t, _ in combos), tuple(itertools.accumulate(p for _, p in combos))


@functools.cache
def _variants(name: str) -> tuple[str, ...]:
    return tuple(spelling_variants(name))


@functools.cache
def _nowruz(jalali_year: int) -> int:
    return to_gregorian(jalali_year, 1, 1).toordinal()


def _toggle_prefix(name: str, use_ghulam: bool) -> str | None:
    """محمد حسین → حسین and حسین → محمد حسین (or غلام حسین); None when it would be odd."""
    first, _, rest = name.partition(" ")
    if first in _PREFIXES and rest:
        return rest
    if name in _TAKES_GHULAM and (use_ghulam or name not in _TAKES_MOHAMMAD):
        return f"غلام {name}"
    if name in _TAKES_MOHAMMAD:
        return f"محمد {name}"
    return None


def _jalali_iso(day: date) -> str:
    j = to_jalali(day)
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"


# --- Statistics -------------------------------------------------------------------


@dataclass
class RegistryStats:
    """What a generated registry holds: entities, records, true pairs and hard negatives.

    Filled while rows stream out; complete once the generator is exhausted.
    Namesake pairs are counted only when ``count_namesakes`` is set (it keeps
    one counter entry per distinct name key, ~100 MB at a million rows).
    """

    count_namesakes: bool = False
    rows: int = 0
    entities: int = 0
    extra_records: Counter[int] = field(default_factory=Counter)  # extras → people
    true_pairs: int = 0
    twin_pairs: int = 0
    twin_pairs_without_documents: int = 0
    twin_pairs_with_close_names: int = 0
    sibling_pairs: int = 0
    sibling_pairs_with_exact_dates: int = 0
    sons_named_after_father: int = 0
    namesake_pairs: int = 0
    originals: Counter[str] = field(default_factory=Counter)  # feature → original records
    errors: Counter[str] = field(default_factory=Counter)  # error → extra records
    _namesakes: Counter[tuple[str, str, str, int]] = field(default_factory=Counter, repr=False)

    @property
    def duplicate_rows(self) -> int:
        return self.rows - self.entities

    @property
    def duplicated_entities(self) -> int:
        return sum(n for extras, n in self.extra_records.items() if extras)

    def report(self) -> str:
        """A plain-text summary, one figure a line."""

        def share(part: int, whole: int) -> str:
            return f"{100 * part / whole:5.1f} %" if whole else "    – "

        rows, entities, extras = self.rows, self.entities, self.duplicate_rows
        in_pairs = sum((k + 1) * n for k, n in self.extra_records.items() if k)
        lines = [
            f"rows                                   {rows:>10}",
            f"entities (real people)                 {entities:>10}",
            f"people with more than one record       {self.duplicated_entities:>10}"
            f"  {share(self.duplicated_entities, entities)} of people",
            *(
                f"  with {k} extra record{'s' if k > 1 else ' '}                  "
                f"{self.extra_records[k]:>10}"
                for k in sorted(self.extra_records)
                if k
            ),
            f"extra records (duplicates of a row)    {extras:>10}  {share(extras, rows)} of rows",
            f"rows of people with several records    {in_pairs:>10}  {share(in_pairs, rows)}",
            f"true pairs                             {self.true_pairs:>10}",
            f"twin pairs (hard negatives)            {self.twin_pairs:>10}",
            f"  without document numbers             {self.twin_pairs_without_documents:>10}",
            f"  with close names (حسن/حسین …)        {self.twin_pairs_with_close_names:>10}",
            f"sibling pairs (same father and family) {self.sibling_pairs:>10}",
            f"  both with exact birth dates          {self.sibling_pairs_with_exact_dates:>10}",
            f"sons named after their father          {self.sons_named_after_father:>10}",
        ]
        if self.count_namesakes:
            lines.append(
                f"namesake pairs (given, father, family, birth year) {self.namesake_pairs:>10}"
            )
        originals = rows - extras
        lines.append("original records:")
        lines += [
            f"  {k:<36} {v:>10}  {share(v, originals)}" for k, v in sorted(self.originals.items())
        ]
        lines.append("extra records:")
        lines += [f"  {k:<36} {v:>10}  {share(v, extras)}" for k, v in sorted(self.errors.items())]
        return "\n".join(lines)


# --- Generation ---------------------------------------------------------------------


@dataclass(slots=True)
class _Entity:
    number: int
    person: Person
    age: float
    latin_given: str
    latin_family: str
    document: str  # the person's document number, "" when they never show one
    shows_document: bool  # on the original record
    phone: str  # on the original record: their own or the head's
    heads_phone: bool = False


_Record = tuple[int, dict[str, str], list[str]]  # member index, row, errors or features


class _Registry:
    def __init__(self, n: int, seed: int, duplicate_share: float, stats: RegistryStats) -> None:
        self.n, self.seed, self.stats = n, seed, stats
        self.rng = random.Random(seed * 7919 + 8)
        self.random = self.rng.random
        self.p_household = min(1.0, duplicate_share * _HOUSEHOLD_PART / _HOUSEHOLD_MEMBER)
        rest = duplicate_share - self.p_household * _HOUSEHOLD_MEMBER
        self.p_person = min(1.0, max(0.0, rest / (1 - self.p_household)))
        if self.p_household >= 1.0:
            self.p_person = 0.0
        self.passport = _Scrambler(10**8, self.rng)
        # New phones come from the population's own numbering, past every household's
        # keys, so they look like the others and never collide with them.
        self.phones = _Generator(seed, "TJ", REFERENCE_DATE).phone
        self.next_phone_key = (MAX_SERIAL + 1) * _PERSON_SLOTS
        self.entities = 0

    # -- the stream

    def rows(self) -> Iterator[dict[str, str]]:
        """Exactly n rows, in generation order (without record ids)."""
        remaining = self.n
        households = generate(
            min(self.n, MAX_SERIAL), seed=self.seed, reference_date=REFERENCE_DATE
        )
        for household in households:
            entities, records = self.household(household)
            records = records[:remaining]
            self.count(household, entities, records)
            remaining -= len(records)
            for _, row, _ in records:
                yield row
            if not remaining:
                return
        if remaining:
            raise RuntimeError("the population ran out of households")

    # -- one household

    def household(self, household: Household) -> tuple[list[_Entity], list[_Record]]:
        random = self.random
        members = household.members
        self.hard_negatives(members)
        ages = [p.age_on(REFERENCE_DATE) for p in members]
        head_phone = members[0].phone
        share_phone = bool(head_phone) and random() < _O_HEAD_PHONE
        entities: list[_Entity] = []
        for index, (p, age) in enumerate(zip(members, ages, strict=True)):
            document = p.fida_code or f"P{self.passport(self.entities):08d}"
            phone, heads = p.phone, False
            if phone and index and random() < _O_NO_OWN_PHONE:
                phone = ""
            if share_phone and not phone:
                child = p.relationship in _CHILDREN and age < 18
                if child or (p.relationship == "spouse" and random() < 0.5):
                    phone, heads = head_phone, True
            shows = bool(p.fida_code) or random() < _O_PASSPORT[age >= 18]
            latin = (p.latin_given, p.latin_family)
            e = _Entity(self.entities, p, age, *latin, document, shows, phone, heads)
            entities.append(e)
            self.entities += 1
        for i, j in self.twin_pairs(members):
            if random() < _TWINS_WITHOUT_DOCUMENTS:
                for k in (i, j):
                    entities[k].document, entities[k].shows_document = "", False
            else:
                entities[i].shows_document = entities[j].shows_document = True

        again = random() < self.p_household
        profile = self.profile() if again else None
        records: list[_Record] = []
        for index, e in enumerate(entities):
            records.append((index, *self.original(e)))
            if again:
                extras = self.extras() if random() < _HOUSEHOLD_MEMBER else 0
            else:
                extras = self.extras() if random() < self.p_person else 0
            for k in range(extras):
                this = profile if (profile is not None and k == 0) else self.profile()
                records.append((index, *self.duplicate(e, this)))
        return entities, records

    def hard_negatives(self, members: list[Person]) -> None:
        """Name a son after his father now and then, and give some twins close names."""
        random = self.random
        head = members[0]
        if head.sex == "M" and random() < _SON_NAMED_AFTER_FATHER:
            sons = [
                p
                for p in members
                if p.relationship == "son"
                and p.marital_status == "single"
                and p.father_name == head.given_name
            ]
            if sons:
                self.rename(sons[-1], head.given_name)
        for i, j in self.twin_pairs(members):
            a, b = members[i], members[j]
            if a.sex != b.sex or random() >= _TWINS_CLOSE_NAMES:
                continue
            names = self.rng.choice(_CLOSE_NAMES[a.sex])
            taken = {p.given_name for p in members if p is not a and p is not b}
            taken |= {a.father_name, head.given_name, head.father_name}
            if taken.isdisjoint(names):
                first, second = names if random() < 0.5 else names[::-1]
                self.rename(a, first)
                self.rename(b, second)

    def rename(self, p: Person, name: str) -> None:
        p.given_name = name
        if p.latin_given:
            p.latin_given = self.latin(name)

    @staticmethod
    def twin_pairs(members: Sequence[Person]) -> list[tuple[int, int]]:
        """Children of one father born on the same day."""
        seen: dict[tuple[date, str], int] = {}
        pairs: list[tuple[int, int]] = []
        for j, p in enumerate(members):
            if p.relationship in _CHILDREN:
                key = (p.birth_date, p.father_name)
                if key in seen:
                    pairs.append((seen[key], j))
                else:
                    seen[key] = j
        return pairs

    def extras(self) -> int:
        x = self.random()
        return next(k for k, cum in _EXTRA_RECORDS if x < cum)

    def profile(self) -> tuple[bool, bool, bool]:
        """One registration's habits: Arabic keyboard, Latin-only source, Jalali dates."""
        random = self.random
        return random() < _D_ARABIC, random() < _D_LATIN_ONLY, random() < _D_JALALI

    # -- records

    def row(
        self,
        e: _Entity,
        names: tuple[str, str, str],
        sex: str,
        birth: str,
        estimated: str,
        latin: tuple[str, str],
        document: str,
        phone: str,
    ) -> dict[str, str]:
        return {
            "record_id": "",
            "given_name": names[0],
            "family_name": names[1],
            "father_name": names[2],
            "sex": sex,
            "birth_date": birth,
            "birth_date_estimated": estimated,
            "given_name_latin": latin[0],
            "family_name_latin": latin[1],
            "document_number": document,
            "phone": phone,
            "entity_id": f"E{e.number:08d}",
        }

    def original(self, e: _Entity) -> tuple[dict[str, str], list[str]]:
        random = self.random
        p = e.person
        notes: list[str] = []
        latin_only = random() < _O_LATIN_ONLY
        if not e.latin_given and (latin_only or random() < _O_EXTRA_LATIN):
            e.latin_given = self.latin(p.given_name)
            e.latin_family = self.latin(p.family_name)
        if latin_only:
            notes.append("latin names only")
            father = self.latin(p.father_name) if random() < _LATIN_FATHER else ""
            names = ("", "", father)
        else:
            arabic = random() < _O_ARABIC
            given = p.given_name
            if random() < _O_HONORIFIC:
                given = self.honorific(given, p.sex)
                notes.append("honorific")
            names = (
                self.spell(given, arabic, _O_SEPARATOR, 0.0, 0.0, notes),
                self.spell(p.family_name, arabic, _O_SEPARATOR, 0.0, 0.0, notes),
                self.spell(p.father_name, arabic, _O_SEPARATOR, 0.0, 0.0, notes),
            )
            if arabic and names != (given, p.family_name, p.father_name):
                notes.append("arabic code points")
        if e.latin_given:
            notes.append("latin names")
        if not p.family_name:
            notes.append("no family name")

        birth, estimated = "", "0"
        if random() < _O_NO_DATE:
            notes.append("no birth date")
        else:
            day = p.birth_date
            if p.birth_date_estimated:
                estimated = "1"
                notes.append("estimated birth date")
                if random() < _O_FARVARDIN:
                    day = date.fromordinal(_nowruz(jalali_year(day)))
            if random() < _O_JALALI:
                birth = _jalali_iso(day)
                notes.append("jalali birth date")
            else:
                birth = day.isoformat()

        document = e.document if e.shows_document else ""
        phone = e.phone
        if document:
            notes.append("document")
            if random() < _O_DIGITS:
                document = document.translate(_PERSIAN_DIGITS)
                notes.append("document in persian digits")
        if phone:
            notes.append("phone of the head" if e.heads_phone else "own phone")
            if random() < _O_DIGITS:
                phone = phone.translate(_PERSIAN_DIGITS)
                notes.append("phone in persian digits")
        sex = p.sex
        if random() < _O_NO_SEX:
            sex = ""
            notes.append("no sex")
        latin = (e.latin_given, e.latin_family)
        return self.row(e, names, sex, birth, estimated, latin, document, phone), notes

    def duplicate(
        self, e: _Entity, profile: tuple[bool, bool, bool]
    ) -> tuple[dict[str, str], list[str]]:
        random = self.random
        p = e.person
        arabic, latin_only, jalali = profile
        errors: list[str] = []

        given = p.given_name
        if p.sex == "M" and random() < _D_PREFIX[0]:
            toggled = _toggle_prefix(given, random() < 0.3)
            if toggled:
                given = toggled
                errors.append("mohammad/ghulam prefix (given)")
        if random() < _D_HONORIFIC[0]:
            given = self.honorific(given, p.sex)
            errors.append("honorific (given)")
        father = p.father_name
        if random() < _D_NO_FATHER:
            father = ""
            errors.append("no father's name")
        else:
            if random() < _D_PREFIX[1]:
                toggled = _toggle_prefix(father, random() < 0.3)
                if toggled:
                    father = toggled
                    errors.append("mohammad/ghulam prefix (father)")
            if random() < _D_HONORIFIC[1]:
                father = self.honorific(father, "M")
                errors.append("honorific (father)")
        family = p.family_name
        if family and random() < _D_NO_FAMILY:
            family = ""
            errors.append("family name dropped")
        elif not family and random() < _D_ADD_FAMILY:
            table = _FAMILY_WEIGHTED
            family = table.names[bisect.bisect(table.cum, random() * table.cum[-1])]
            errors.append("family name added")

        latin = ("", "")
        if latin_only or random() < _D_LATIN:
            copy = random() < _D_LATIN_COPY
            latin_given = e.latin_given if copy and given == p.given_name else ""
            latin_family = e.latin_family if copy and family == p.family_name else ""
            latin = (
                self.latin_noise(latin_given or self.latin(given), errors),
                self.latin_noise(latin_family or self.latin(family), errors),
            )
            errors.append("latin names")
            if e.latin_given and latin[0] != e.latin_given:
                errors.append("latin given name differs")
        if latin_only:
            errors.append("latin names only")
            father = self.latin(father) if father and random() < _LATIN_FATHER else ""
            names = ("", "", father)
        else:
            names = (
                self.spell(given, arabic, _D_SEPARATOR, _D_VARIANT, _D_TYPO, errors),
                self.spell(family, arabic, _D_SEPARATOR, _D_VARIANT, _D_TYPO, errors),
                self.spell(father, arabic, _D_SEPARATOR, _D_VARIANT, _D_TYPO, errors),
            )
            if arabic and any(c in "يك" for c in "".join(names)):
                errors.append("arabic code points")

        x = random()
        sex = p.sex
        if x < _D_SEX[0]:
            sex = "F" if sex == "M" else "M"
            errors.append("sex wrong")
        elif x < _D_SEX[1]:
            sex = ""
            errors.append("no sex")

        birth, estimated = self.duplicate_birth(e, jalali, errors)
        document = self.duplicate_document(e, errors)
        phone = self.duplicate_phone(e, errors)
        return self.row(e, names, sex, birth, estimated, latin, document, phone), errors

    def duplicate_birth(self, e: _Entity, jalali: bool, errors: list[str]) -> tuple[str, str]:
        random = self.random
        p = e.person
        if random() < _D_NO_DATE:
            errors.append("no birth date")
            return "", "0"
        day, estimated = p.birth_date, p.birth_date_estimated
        if not estimated and e.age >= 12 and random() < _D_YEAR_ONLY:
            day, estimated = self.year_only(day), True
            errors.append("year only for an exact date")
        elif estimated and random() < _D_EXACT:
            day = date.fromordinal(
                min(_REF_ORD, _nowruz(jalali_year(day)) + self.rng.randrange(365))
            )
            estimated = False
            errors.append("exact date for a year only")
        if estimated and random() < _D_YEAR_SHIFT:
            shift = 1 if random() < 0.5 else -1
            if date(day.year + shift, day.month, min(day.day, 28)).toordinal() > _REF_ORD:
                shift = -1
            day = date(day.year + shift, day.month, min(day.day, 28))
            errors.append("year ±1")
        if not estimated:
            if day.day <= 12 and day.day != day.month and random() < _D_SWAP:
                day = date(day.year, day.day, day.month)
                errors.append("day and month swapped")
            elif random() < _D_DAY:
                day = day.replace(day=(day.day + self.rng.randrange(1, 27)) % 28 + 1)
                errors.append("another day")
        if jalali:
            errors.append("jalali birth date")
            return _jalali_iso(day), "1" if estimated else "0"
        return day.isoformat(), "1" if estimated else "0"

    def year_only(self, day: date) -> date:
        """The date a clerk writes when only the year is known, by one of four habits."""
        x = self.random()
        if x < 0.35:
            out = date(day.year, 7, 1)
        elif x < 0.6:
            out = date.fromordinal(_nowruz(jalali_year(day)) + 186)  # 1 Mehr
        elif x < 0.85:
            out = date.fromordinal(_nowruz(jalali_year(day)))  # 1 Farvardin
        else:
            out = date(day.year, 1, 1)
        return out if out.toordinal() <= _REF_ORD else day

    def duplicate_document(self, e: _Entity, errors: list[str]) -> str:
        random = self.random
        document = ""
        if e.shows_document:
            if random() < _D_NO_DOC:
                errors.append("document missing")
            else:
                document = e.document
        elif e.document and random() < _D_ADD_DOC:
            document = e.document
            errors.append("document added")
        if not document:
            return ""
        if random() < _D_DOC_DIGIT:
            i = self.rng.randrange(len(document) - 8, len(document))  # one of the last 8 digits
            digit = str((int(document[i]) + self.rng.randrange(1, 10)) % 10)
            document = document[:i] + digit + document[i + 1 :]
            errors.append("document one digit wrong")
        if random() < _D_DOC_SEPARATORS:
            errors.append("document with separators")
            if document[0] == "P":
                document = self.rng.choice(("p", "P ", "P-")) + document[1:]
            else:
                sep = "-" if random() < 0.6 else " "
                document = sep.join((document[:4], document[4:8], document[8:]))
        x = random()
        if x < _D_DOC_DIGITS[0]:
            document = document.translate(_PERSIAN_DIGITS)
            errors.append("document in persian digits")
        elif x < _D_DOC_DIGITS[0] + _D_DOC_DIGITS[1]:
            document = document.translate(_ARABIC_DIGITS)
            errors.append("document in arabic digits")
        return document

    def duplicate_phone(self, e: _Entity, errors: list[str]) -> str:
        random = self.random
        phone = ""
        if e.phone:
            x = random()
            if x < _D_NO_PHONE:
                errors.append("phone missing")
            elif x < _D_NO_PHONE + _D_NEW_PHONE:
                phone = self.new_phone()
                errors.append("another phone")
            else:
                phone = e.phone
        elif random() < _D_ADD_PHONE:
            phone = self.new_phone()
            errors.append("phone added")
        if not phone:
            return ""
        x = random()
        for cum, form in _D_PHONE_FORMS:
            if x < cum:
                errors.append(f"phone {form}")
                if form == "spaced":
                    phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
                else:
                    phone = form + phone[1:]
                break
        if random() < _D_PHONE_PERSIAN:
            phone = phone.translate(_PERSIAN_DIGITS)
            errors.append("phone in persian digits")
        return phone

    def new_phone(self) -> str:
        n = self.phones(self.next_phone_key)
        self.next_phone_key += 1
        return f"{_PHONE_PREFIXES[n // 10**7]}{n % 10**7:07d}"

    # -- names

    def latin(self, name: str) -> str:
        options = _latin_options(name) if name else None
        if options is None:
            return ""
        spellings, cum = options
        return spellings[bisect.bisect(cum, self.random() * cum[-1])]

    def honorific(self, name: str, sex: str) -> str:
        x = self.random()
        title = next(t for t, cum in _HONORIFICS[sex] if x < cum)
        if not name or name.startswith(title) or name.startswith(("سید", "بی‌بی")):
            return name
        return f"{title} {name}"

    def spell(
        self,
        name: str,
        arabic: bool,
        separator: float,
        variant: float,
        typo: float,
        notes: list[str],
    ) -> str:
        """A name as one clerk typed it."""
        if not name:
            return name
        random = self.random
        if (" " in name or ZWNJ in name) and random() < separator:
            if " " in name:
                name = name.replace(" ", ZWNJ if random() < 0.5 else "")
            else:
                name = name.replace(ZWNJ, " " if random() < 0.5 else "")
            notes.append("compound separator")
        if variant and random() < variant:
            variants = _variants(name)
            if variants:
                name = variants[int(random() * len(variants))]
                notes.append("spelling variant")
        if typo and random() < typo:
            name = self.typo(name)
            notes.append("one-letter typo")
        if arabic:
            name = name.translate(_ARABIC_KEYBOARD)
        return name

    def typo(self, name: str) -> str:
        rng = self.rng
        positions = [i for i, c in enumerate(name) if c not in (" ", ZWNJ)]
        i = rng.choice(positions)
        c = name[i]
        x = rng.random()
        if x < 0.6 and c in _SIMILAR:
            return name[:i] + rng.choice(_SIMILAR[c]) + name[i + 1 :]
        if x < 0.85 and len(positions) > 3:
            return name[:i] + name[i + 1 :]
        return name[:i] + c + name[i:]

    def latin_noise(self, name: str, errors: list[str]) -> str:
        if not name:
            return name
        random = self.random
        if " " in name and random() < _D_LATIN_JOIN:
            name = name.replace(" ", "" if random() < 0.7 else "-")
            errors.append("latin compound joined")
        if random() < _D_LATIN_TYPO:
            i = self.rng.randrange(1, len(name)) if len(name) > 1 else 0
            c = name[i].lower()
            if c in _LATIN_SIMILAR:
                name = name[:i] + self.rng.choice(_LATIN_SIMILAR[c] or [""]) + name[i + 1 :]
            else:
                name = name[:i] + name[i] + name[i:]
            errors.append("latin typo")
        if random() < _D_LATIN_UPPER:
            name = name.upper()
            errors.append("latin upper case")
        return name

    # -- statistics

    def count(self, household: Household, entities: list[_Entity], records: list[_Record]) -> None:
        stats = self.stats
        members = household.members
        per_member = Counter(index for index, _, _ in records)
        kept = len(per_member)  # originals come in member order
        stats.rows += len(records)
        stats.entities += kept
        seen: set[int] = set()
        for index, _, notes in records:
            if index in seen:
                stats.errors.update(set(notes))
            else:
                seen.add(index)
                stats.originals.update(set(notes))
        for c in per_member.values():
            stats.extra_records[c - 1] += 1
            stats.true_pairs += c * (c - 1) // 2
        pairs = [(i, j) for i, j in self.twin_pairs(members) if j < kept]
        stats.twin_pairs += len(pairs)
        for i, j in pairs:
            a, b = members[i], members[j]
            stats.twin_pairs_with_close_names += frozenset((a.given_name, b.given_name)) in _CLOSE
            stats.twin_pairs_without_documents += not (entities[i].document or entities[j].document)
        children: dict[tuple[str, str], list[Person]] = {}
        head = members[0]
        for p in members[:kept]:
            if p.relationship in _CHILDREN:
                children.setdefault((p.father_name, p.family_name), []).append(p)
            if p.relationship == "son" and p.given_name == p.father_name == head.given_name:
                stats.sons_named_after_father += 1
        for group in children.values():
            k = len(group)
            stats.sibling_pairs += k * (k - 1) // 2
            exact = sum(not p.birth_date_estimated for p in group)
            stats.sibling_pairs_with_exact_dates += exact * (exact - 1) // 2
        if stats.count_namesakes:
            for p in members[:kept]:
                key = (p.given_name, p.father_name, p.family_name, p.birth_date.year)
                stats.namesake_pairs += stats._namesakes[key]
                stats._namesakes[key] += 1


_CLOSE: Final = frozenset(frozenset(pair) for pairs in _CLOSE_NAMES.values() for pair in pairs)


# --- Public interface ---------------------------------------------------------------


def generate_registry(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    duplicate_share: float = DEFAULT_DUPLICATE_SHARE,
    stats: RegistryStats | None = None,
) -> Iterator[dict[str, str]]:
    """Yield exactly ``n`` registry rows keyed by COLUMNS, the same ones for the same seed.

    About ``duplicate_share`` of the people have more than one record; rows
    sharing ``entity_id`` are one person. ``stats``, when given, is filled as
    the rows stream out.
    """
    if not 0 <= n <= MAX_ROWS:
        raise ValueError(f"n must be between 0 and {MAX_ROWS}")
    if not 0.0 <= duplicate_share <= 1.0:
        raise ValueError("duplicate_share must be between 0 and 1")
    return _shuffled(n, seed, duplicate_share, stats if stats is not None else RegistryStats())


def _shuffled(
    n: int, seed: int, duplicate_share: float, stats: RegistryStats
) -> Iterator[dict[str, str]]:
    ids = array("I", np.random.default_rng(seed).permutation(n).astype(np.uint32).tobytes())
    width = len(str(max(n - 1, 0)))
    shuffle = random.Random(seed * 7919 + 9)
    buffer: list[dict[str, str]] = []
    emitted = 0
    for row in _Registry(n, seed, duplicate_share, stats).rows():
        if len(buffer) < _SHUFFLE_BUFFER:
            buffer.append(row)
            continue
        j = int(shuffle.random() * _SHUFFLE_BUFFER)
        out, buffer[j] = buffer[j], row
        out["record_id"] = f"R{ids[emitted]:0{width}d}"
        emitted += 1
        yield out
    shuffle.shuffle(buffer)
    for out in buffer:
        out["record_id"] = f"R{ids[emitted]:0{width}d}"
        emitted += 1
        yield out


def write_csv(
    path: str | Path,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    duplicate_share: float = DEFAULT_DUPLICATE_SHARE,
    with_truth: bool = True,
    progress: bool = False,
    count_namesakes: bool = False,
) -> RegistryStats:
    """Write ``n`` rows to a UTF-8 CSV with a header; ``entity_id`` last unless ``with_truth``
    is false. A progress bar goes to stderr when ``progress`` is set."""
    stats = RegistryStats(count_namesakes=count_namesakes)
    columns = COLUMNS if with_truth else COLUMNS[:-1]
    values = itemgetter(*columns)
    rows = generate_registry(n, seed=seed, duplicate_share=duplicate_share, stats=stats)
    with (
        open(path, "w", newline="", encoding="utf-8") as out,
        tqdm(total=n, unit=" rows", file=sys.stderr, disable=not progress) as bar,
    ):
        writer = csv.writer(out)
        writer.writerow(columns)
        while batch := list(itertools.islice(rows, 10_000)):
            writer.writerows(map(values, batch))
            bar.update(len(batch))
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mehman.demo.people.duplicates",
        description="Write a synthetic Afghan refugee registry with duplicates and ground truth.",
    )
    parser.add_argument("n", type=int, help="number of rows")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--duplicate-share", type=float, default=DEFAULT_DUPLICATE_SHARE)
    parser.add_argument("--no-truth", action="store_true", help="leave out entity_id")
    parser.add_argument("--stats", action="store_true", help="print what the registry holds")
    args = parser.parse_args(argv)
    stats = write_csv(
        args.out,
        args.n,
        seed=args.seed,
        duplicate_share=args.duplicate_share,
        with_truth=not args.no_truth,
        progress=True,
        count_namesakes=args.stats,
    )
    if args.stats:
        print(stats.report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

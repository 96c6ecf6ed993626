"""The comparisons are written twice, in SQL for Splink and in Python: both must agree.

A small synthetic population (built here: the engine's tests do not import the demo data)
gives several hundred pairs of every kind — one person's records with the errors clerks make,
siblings, twins, strangers, and records with empty fields. For each pair the level of every
comparison is computed in Python (``levels``) and by evaluating the SQL conditions Splink
runs, on the same derived table, in DuckDB. Then Splink's match weights are compared with
the Python scorer's.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import jdatetime
import pytest

from mehman.matching.engine import LatinTable, Prepared, Scorer, pipeline, prepare
from mehman.matching.engine.comparisons import (
    COMPARISONS,
    document_typo,
    lev1,
    levels,
    levenshtein,
)
from mehman.matching.engine.frame import RULES, Frequencies, block_keys, to_arrow
from mehman.matching.engine.model import artefact, settings_for
from mehman.matching.engine.prepare import latin_pairs
from mehman.matching.engine.tests import row

Pair = tuple[int, int]

MEN = (
    "محمد", "علی", "حسین", "حسن", "احمد", "محمود", "محمد حسین", "غلام رسول", "عبدالله",
    "یوسف", "ظاهر", "طاهر", "نادر", "ناصر", "رحیم", "کریم", "جلیل", "خلیل", "عبدالکریم",
    "قاسم", "جعفر", "رضا", "وحید", "غلام حیدر", "محمد علی", "نجیب", "شریف", "سلیمان",
)  # fmt: skip
WOMEN = (
    "فاطمه", "زهرا", "زهره", "مریم", "حلیمه", "حکیمه", "معصومه", "رقیه", "سکینه", "نسرین",
    "نسیمه", "فریبا", "فریده", "شکریه", "ثریا", "گل بی بی",
)  # fmt: skip
FAMILIES = (
    "رحیمی", "محمدی", "احمدی", "حسینی", "کریمی", "نوری", "شریفی", "هزاره", "جعفری",
    "قاسمی", "", "", "",
)  # fmt: skip
LATIN = {
    "محمد": ("Mohammad", "Muhammad", "Mohammed"),
    "علی": ("Ali",),
    "حسین": ("Hussain", "Hossein"),
    "حسن": ("Hassan", "Hasan"),
    "احمد": ("Ahmad", "Ahmed"),
    "محمود": ("Mahmood", "Mahmoud"),
    "محمد حسین": ("Mohammad Hussain", "Mohammadhossein"),
    "غلام رسول": ("Ghulam Rasul", "Gholamrasool"),
    "عبدالله": ("Abdullah", "Abdollah"),
    "یوسف": ("Yousuf", "Yusuf"),
    "رضا": ("Reza", "Raza"),
    "فاطمه": ("Fatima", "Fatemeh"),
    "زهرا": ("Zahra",),
    "مریم": ("Maryam",),
    "رحیمی": ("Rahimi",),
    "محمدی": ("Mohammadi",),
    "احمدی": ("Ahmadi",),
    "حسینی": ("Hosseini", "Husaini"),
    "کریمی": ("Karimi",),
    "نوری": ("Noori", "Nouri"),
    "شریفی": ("Sharifi",),
    "جعفری": ("Jafari",),
    "قاسمی": ("Qasemi", "Ghasemi"),
}
LETTERS = "ابپتسجحدرزشعفقکگلمنوهی"
HONORIFICS = {"M": ("سید ", "حاجی ", "ملا ", "Haji "), "F": ("سیده ", "بی‌بی ", "سیده")}


def zipf(rng: random.Random, names: Sequence[str]) -> str:
    return rng.choices(names, weights=[1 / (i + 1) for i in range(len(names))])[0]


class Population:
    """People and their records (rows of the file format), with the pairs worth comparing."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, str]] = []
        self.person_of: list[int] = []
        self.duplicates: list[Pair] = []
        self.siblings: list[Pair] = []
        self.twins: list[Pair] = []
        self.people = 0

    # -- people

    def document(self) -> str:
        rng = self.rng
        x = rng.random()
        if x < 0.5:
            return str(rng.randrange(10**11, 10**12))
        if x < 0.65:
            return f"P{rng.randrange(10**8):08d}"
        return ""

    def phone(self) -> str:
        return f"09{self.rng.randrange(10**9):09d}" if self.rng.random() < 0.6 else ""

    def person(
        self, *, father: str, family: str, born: date, phone: str, sex: str = "", given: str = ""
    ) -> dict[str, Any]:
        rng = self.rng
        sex = sex or rng.choice("MF")
        estimated = born.year < 1995 and rng.random() < 0.7
        return {
            "id": self.add_person(),
            "given": given or zipf(rng, MEN if sex == "M" else WOMEN),
            "father": father,
            "family": family,
            "sex": sex,
            "born": date(born.year, 7, 1) if estimated else born,
            "estimated": estimated,
            "document": self.document(),
            "phone": phone if rng.random() < 0.7 else self.phone(),
        }

    def add_person(self) -> int:
        self.people += 1
        return self.people

    def household(self) -> list[dict[str, Any]]:
        rng = self.rng
        father, family, phone = zipf(rng, MEN), zipf(rng, FAMILIES), self.phone()
        first = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        children = []
        for k in range(rng.randrange(1, 5)):
            born = first + timedelta(days=400 * k + rng.randrange(300))
            children.append(self.person(father=father, family=family, born=born, phone=phone))
        if rng.random() < 0.4:  # twins: the same day, another given name
            twin = children[0]
            other = [n for n in (MEN if twin["sex"] == "M" else WOMEN) if n != twin["given"]]
            children.append(
                {
                    **self.person(father=father, family=family, born=twin["born"], phone=phone,
                                  sex=twin["sex"], given=rng.choice(other)),
                    "born": twin["born"],
                    "estimated": twin["estimated"],
                    "phone": twin["phone"],
                }
            )  # fmt: skip
        return children

    # -- records

    def original(self, p: dict[str, Any]) -> dict[str, str]:
        latin = self.rng.random() < 0.3
        return row(
            "",
            given_name=p["given"],
            family_name=p["family"],
            father_name=p["father"],
            sex=p["sex"],
            birth_date=p["born"].isoformat(),
            birth_date_estimated="1" if p["estimated"] else "0",
            given_name_latin=self.latin(p["given"]) if latin else "",
            family_name_latin=self.latin(p["family"]) if latin else "",
            document_number=p["document"],
            phone=p["phone"],
        )

    def latin(self, persian: str) -> str:
        spellings = LATIN.get(persian)
        return self.rng.choice(spellings) if spellings else ""

    def spell(self, text: str, sex: str) -> str:
        rng = self.rng
        x = rng.random()
        if not text:
            return text
        if x < 0.12:
            return text.replace("ی", "ي").replace("ک", "ك")
        if x < 0.2:
            return text.replace(" ", rng.choice(("\u200c", "")))
        if x < 0.28:
            return rng.choice(HONORIFICS[sex or "M"]) + text
        if x < 0.36:
            if text.startswith("محمد ") or text.startswith("غلام "):
                return text.split(" ", 1)[1]
            return "محمد " + text if sex == "M" else text
        if x < 0.44:
            i = rng.randrange(1, max(len(text) - 1, 2))
            return text[:i] + rng.choice(LETTERS) + text[i + 1 :]
        if x < 0.48:
            return "مُ" + text[1:] if text.startswith("م") else text
        return text

    def birth(self, p: dict[str, Any]) -> tuple[str, str]:
        rng = self.rng
        born: date = p["born"]
        estimated = "1" if p["estimated"] else "0"
        x = rng.random()
        if x < 0.06:
            return "", estimated
        if x < 0.18:
            j = jdatetime.date.fromgregorian(date=born)
            return f"{j.year:04d}-{j.month:02d}-{j.day:02d}", estimated
        if x < 0.26:
            return f"{born.year}-07-01", "1"
        if x < 0.3:
            return str(born.year + rng.choice((-1, 1))), "1"
        if x < 0.34 and born.day <= 12:
            return f"{born.year}-{born.day:02d}-{born.month:02d}", estimated
        if x < 0.38:
            return born.replace(day=rng.randrange(1, 29)).isoformat(), estimated
        if x < 0.42:
            return f"{born.day:02d}/{born.month:02d}/{born.year}", estimated
        if x < 0.46:
            return f"{born.year + rng.choice((-2, -1, 1, 2))}-07-01", "1"
        return born.isoformat(), estimated

    def document_of(self, p: dict[str, Any]) -> str:
        rng = self.rng
        number: str = p["document"]
        x = rng.random()
        if not number:
            return self.document() if x < 0.1 else ""
        if x < 0.35:
            return ""
        if x < 0.42:
            i = rng.randrange(1, len(number))
            return number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
        if x < 0.48:
            i = rng.randrange(1, len(number) - 1)
            return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        if x < 0.55:
            return number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        if x < 0.6:
            return f"{number[:4]}-{number[4:]}"
        if x < 0.63:
            return self.document() or number
        return number

    def phone_of(self, p: dict[str, Any]) -> str:
        rng = self.rng
        phone: str = p["phone"]
        x = rng.random()
        if not phone:
            return self.phone() if x < 0.15 else ""
        if x < 0.3:
            return ""
        if x < 0.4:
            return "+98 " + phone[1:]
        if x < 0.45:
            return "0098" + phone[1:]
        if x < 0.52:
            return phone.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        if x < 0.6:
            return self.phone()
        return phone

    def duplicate(self, p: dict[str, Any]) -> dict[str, str]:
        rng = self.rng
        sex = p["sex"]
        given, family, father = (self.spell(p[k], sex) for k in ("given", "family", "father"))
        latin_given, latin_family = "", ""
        x = rng.random()
        if x < 0.12 and self.latin(p["given"]):
            latin_given, latin_family = self.latin(p["given"]), self.latin(p["family"])
            given, family = "", ""
            father = self.latin(p["father"]) if rng.random() < 0.4 else ""
        elif x < 0.4:
            latin_given, latin_family = self.latin(p["given"]), self.latin(p["family"])
        if rng.random() < 0.1:
            family = ""
        if rng.random() < 0.05:
            father = ""
        birth, estimated = self.birth(p)
        y = rng.random()
        return row(
            "",
            given_name=given,
            family_name=family,
            father_name=father,
            sex="" if y < 0.02 else ("F" if sex == "M" else "M") if y < 0.03 else sex,
            birth_date=birth,
            birth_date_estimated=estimated,
            given_name_latin=latin_given,
            family_name_latin=latin_family,
            document_number=self.document_of(p),
            phone=self.phone_of(p),
        )

    def add(self, p: dict[str, Any], values: dict[str, str]) -> int:
        values["record_id"] = f"R{len(self.rows):04d}"
        self.rows.append(values)
        self.person_of.append(p["id"])
        return len(self.rows) - 1

    def build(self, households: int) -> None:
        rng = self.rng
        for _ in range(households):
            first_of: list[int] = []
            members = self.household()
            for p in members:
                first = self.add(p, self.original(p))
                first_of.append(first)
                for _ in range(rng.choice((0, 0, 1, 1, 2))):
                    self.duplicates.append((first, self.add(p, self.duplicate(p))))
            for i, a in enumerate(members):
                for j in range(i + 1, len(members)):
                    pair = (first_of[i], first_of[j])
                    same_day = a["born"] == members[j]["born"]
                    (self.twins if same_day else self.siblings).append(pair)


EDGE_ROWS = [
    row("E0"),
    row("E1", given_name="علی"),
    row("E2", given_name="علی", birth_date="1990"),
    row("E3", given_name="Ali", birth_date="1990", birth_date_estimated="1"),
    row("E4", given_name_latin="Aya", family_name_latin="Ooi", father_name="Wu"),
    row("E5", given_name="آیه", father_name="او", sex="F"),
    row("E6", given_name="علی", father_name="محمد", family_name="رحیمی", birth_date="1990-01-01",
        document_number="123456789012", phone="09123456789", sex="M"),
    row("E7", given_name="علی", father_name="محمد", family_name="رحیمی", birth_date="1990-01-01",
        document_number="123456789021", phone="09123456789", sex="M"),
    row("E8", given_name="علي", father_name="محمد", family_name="رحيمي", birth_date="1369-10-11",
        birth_date_estimated="1", document_number="", phone="+989123456789", sex="M"),
    row("E9", given_name="Ali", father_name="Mohammad", family_name_latin="Rahimi",
        birth_date="1990-01-01", document_number="P12345678", sex="m"),
    row("E10", given_name="unknown", birth_date="not a date", document_number="--", phone="x"),
    row("E11", given_name="محمد علی", father_name="غلام محمد", birth_date="1990-02-01"),
    row("E12", given_name="علی", father_name="محمد", birth_date="1991-01-02"),
    row("E13", given_name="علی", father_name="محمد", birth_date="1992-01-01",
        birth_date_estimated="1"),
    row("E14", given_name="علی", father_name="محمد", birth_date="1993-01-01"),
    row("E15", given_name="علی", family_name_latin="Rahimy", birth_date="1993-01-01"),
    # Crowds sharing a given name, a father's name and a birth year (the "alike" levels).
    *(row(f"E2{i}", given_name="نادر", father_name="کریم", birth_date=f"1985-0{i + 1}-0{i + 1}")
      for i in range(6)),
    *(row(f"E3{i}", given_name="ناصر", father_name="رحیم", birth_date=f"1975-{i + 1:02d}-01")
      for i in range(12)),
]  # fmt: skip


def edge_pairs(start: int) -> list[Pair]:
    n = len(EDGE_ROWS)
    return [(start + i, start + j) for i in range(n) for j in range(i + 1, n)]


@pytest.fixture(scope="module")
def population() -> Population:
    people = Population(seed=8)
    people.build(households=160)
    return people


@pytest.fixture(scope="module")
def records(population: Population) -> list[Prepared]:
    rows = [*population.rows, *EDGE_ROWS]
    table = LatinTable.learn(latin_pairs(rows))
    return [prepare(i, values, table) for i, values in enumerate(rows)]


@pytest.fixture(scope="module")
def pairs(population: Population, records: list[Prepared]) -> list[Pair]:
    rng = random.Random(3)
    n = len(population.rows)
    strangers = [tuple(sorted(rng.sample(range(n), 2))) for _ in range(150)]
    chosen = [
        *population.duplicates,
        *population.siblings[:150],
        *population.twins,
        *strangers,
        *edge_pairs(n),
    ]
    return sorted({(a, b) for a, b in chosen if a != b})


def sql_levels(records: Sequence[Prepared], pairs: Sequence[Pair]) -> list[tuple[int, ...]]:
    """The level of every comparison for every pair, by Splink's SQL conditions on DuckDB.

    The records go into the table Splink reads (``to_arrow`` and ``pipeline.derived``); a
    self-join on the pairs gives each column as ``_l`` and ``_r``; each comparison takes the
    first level whose condition holds (the ``ELSE`` level holds always).
    """
    con, name = pipeline.derived(to_arrow(records), threads=1)
    try:
        columns = [c[0] for c in con.execute(f"DESCRIBE {name}").fetchall()]
        sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
        cases = []
        for comparison in COMPARISONS:
            whens = " ".join(
                f"WHEN {'TRUE' if level.sql == 'ELSE' else f'({level.sql})'} THEN {i}"
                for i, level in enumerate(comparison.levels)
            )
            cases.append(f"CASE {whens} END AS {comparison.name}")
        con.execute("CREATE TABLE pairs (k INTEGER, a BIGINT, b BIGINT)")
        con.executemany(
            "INSERT INTO pairs VALUES (?, ?, ?)", [(k, a, b) for k, (a, b) in enumerate(pairs)]
        )
        found = con.execute(
            f"SELECT k, {', '.join(cases)} FROM (SELECT p.k, {sides} FROM pairs p "
            f"JOIN {name} l ON l.unique_id = p.a JOIN {name} r ON r.unique_id = p.b) ORDER BY k"
        ).fetchall()
    finally:
        con.close()
    assert [r[0] for r in found] == list(range(len(pairs)))
    return [tuple(r[1:]) for r in found]


def disagreements(records: Sequence[Prepared], pairs: Sequence[Pair]) -> list[str]:
    """Every (pair, comparison) where Python and SQL choose different levels, described."""
    buckets = Frequencies.count(records).buckets()
    out = []
    for (a, b), in_sql in zip(pairs, sql_levels(records, pairs), strict=True):
        in_python = levels(records[a], records[b], buckets)
        for comparison, x, y in zip(COMPARISONS, in_python, in_sql, strict=True):
            if x != y:
                out.append(
                    f"{comparison.name}: python {comparison.levels[x].label}, sql "
                    f"{comparison.levels[y].label if y is not None else None} for "
                    f"{records[a]} / {records[b]}"
                )
    return out


def test_the_population_has_every_kind_of_pair(population: Population, pairs: list[Pair]) -> None:
    assert len(pairs) >= 300
    assert len(population.duplicates) >= 100
    assert len(population.twins) >= 20
    assert len(population.siblings) >= 100


def test_sql_and_python_choose_the_same_level_for_every_pair(
    records: list[Prepared], pairs: list[Pair]
) -> None:
    assert disagreements(records, pairs) == []


def test_the_pairs_reach_every_level_of_every_comparison(
    records: list[Prepared], pairs: list[Pair]
) -> None:
    buckets = Frequencies.count(records).buckets()
    seen: Counter[tuple[int, int]] = Counter()
    for a, b in pairs:
        for i, level in enumerate(levels(records[a], records[b], buckets)):
            seen[(i, level)] += 1
    missing = [
        f"{comparison.name}.{level.label}"
        for i, comparison in enumerate(COMPARISONS)
        for j, level in enumerate(comparison.levels)
        if not seen[(i, j)]
    ]
    assert missing == []


def test_a_skeleton_match_counts_only_across_scripts() -> None:
    table = LatinTable()
    persian = prepare(0, row("a", given_name="ظاهر"), table)
    other_persian = prepare(1, row("b", given_name="زهرا"), table)  # the same consonants
    latin = prepare(2, row("c", given_name_latin="Zahir"), table)
    frequencies = Frequencies.count([persian, other_persian, latin])
    given = COMPARISONS[0]
    level = levels(persian, other_persian, frequencies.buckets())[0]
    assert given.levels[level].label == "else"
    level = levels(persian, latin, frequencies.buckets())[0]
    assert given.levels[level].label == "skeleton"
    assert disagreements([persian, other_persian, latin], [(0, 1), (0, 2), (1, 2)]) == []


def test_a_one_letter_difference_is_a_typo_only_where_one_name_is_rare() -> None:
    table = LatinTable()
    common = [prepare(i, row(f"c{i}", given_name="حسن" if i % 2 else "حسین"), table)
              for i in range(40)]  # fmt: skip
    rare = [
        prepare(40, row("r1", given_name="حلیمه"), table),
        prepare(41, row("r2", given_name="حکیمه"), table),
    ]
    records = [*common, *rare]
    buckets = Frequencies.count(records).buckets()
    given = COMPARISONS[0]
    assert given.levels[levels(common[0], common[1], buckets)[0]].label == "else"
    assert given.levels[levels(rare[0], rare[1], buckets)[0]].label == "typo"
    assert disagreements(records, [(0, 1), (40, 41)]) == []


@pytest.mark.parametrize(
    ("one", "other", "label"),
    [
        ("1990-05-06", "1990-05-06", "exact"),
        ("1990-05-06", "1369-02-16", "exact"),  # the same day, in Jalali
        ("1990-07-01~", "1990-07-01", "exact_estimated"),
        ("1990-05-06", "1990-06-05", "one_part"),  # day and month swapped
        ("1990-05-06", "1990-05-09", "one_part"),
        ("1990-05-06", "1991-05-06", "one_part"),
        ("1990", "1990-05-06", "year_estimated"),
        ("1990", "1991", "near_estimated"),
        ("1990-07-01~", "1991-03-04", "near_estimated"),
        ("1990-05-06", "1990-09-09", "same_year"),
        ("1990-05-06", "1992-01-09", "near"),
        ("1990-05-06", "1995-05-06", "else"),
        ("1990-05-06", "", "null"),
    ],
)
def test_birth_date_levels(one: str, other: str, label: str) -> None:
    """A date ending in ~ is marked estimated."""
    table = LatinTable()
    records = [
        prepare(i, row("ab"[i], birth_date=text.rstrip("~"),
                       birth_date_estimated="1" if text.endswith("~") else "0"), table)
        for i, text in enumerate((one, other))
    ]  # fmt: skip
    level = levels(records[0], records[1], Frequencies.count(records).buckets())[3]
    assert COMPARISONS[3].levels[level].label == label
    assert disagreements(records, [(0, 1)]) == []


@pytest.mark.parametrize(
    ("one", "other", "label"),
    [
        ("123456789012", "۱۲۳۴۵۶۷۸۹۰۱۲", "exact"),
        ("123456789012", "123456789013", "typo"),
        ("123456789012", "123456789021", "typo"),  # neighbours swapped
        ("123456789012", "213456789012", "typo"),
        ("123456789012", "123456789099", "else"),
        ("123456789012", "12345678901", "else"),  # a digit left out: not the same length
        ("123456789012", "P12345678", "else"),
        ("123456789012", "", "null"),
    ],
)
def test_document_levels(one: str, other: str, label: str) -> None:
    table = LatinTable()
    records = [
        prepare(0, row("a", document_number=one), table),
        prepare(1, row("b", document_number=other), table),
    ]
    level = levels(records[0], records[1], Frequencies.count(records).buckets())[4]
    assert COMPARISONS[4].levels[level].label == label
    assert disagreements(records, [(0, 1)]) == []


def test_lev1_and_document_typo_agree_with_the_full_levenshtein_distance() -> None:
    rng = random.Random(5)
    words = ["".join(rng.choice("abc") for _ in range(rng.randrange(0, 6))) for _ in range(300)]
    for a, b in itertools.pairwise(words):
        assert lev1(a, b) == (levenshtein(a, b) <= 1), (a, b)
        assert document_typo(a, b) == (
            len(a) == len(b) and (levenshtein(a, b) <= 1 or sorted(a) == sorted(b))
            and levenshtein(a, b) <= 2
        ), (a, b)  # fmt: skip
    assert levenshtein("حلیمه", "حکیمه") == 1
    assert levenshtein("کریم", "رحیم") == 2


def test_blocking_keys_are_the_same_in_sql_and_python(records: list[Prepared]) -> None:
    # Batch runs block in SQL, the index of instant checks in Python: the same candidates.
    con, name = pipeline.derived(to_arrow(records), threads=1)
    rules = [rule.name for rule in RULES]
    in_sql = con.execute(f"SELECT unique_id, {', '.join(rules)} FROM {name}").fetchall()
    con.close()
    in_python = block_keys(records)
    kept: Counter[str] = Counter()
    for uid, *keys in in_sql:
        for rule, key in zip(rules, keys, strict=True):
            assert key == in_python[rule][uid], (rule, records[uid])
            kept[rule] += key is not None
    assert all(kept[rule] for rule in rules), kept
    # Keys over a rule's budget are dropped in both.
    assert any(
        key is None and rule.key(records[uid]) is not None
        for rule in RULES
        for uid, key in enumerate(in_python[rule.name])
    )


# --- Splink's weights and the Python scorer -----------------------------------------------


def splink_predictions(records: Sequence[Prepared], model: dict[str, Any]) -> Any:
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    con, name = pipeline.derived(to_arrow(records), threads=1)
    linker = Linker(
        DuckDBAPI(connection=con).register(name),
        settings_for(len(records), model),
        log_level="ERROR",
    )
    predictions = linker.inference.predict(threshold_match_probability=0)
    frame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    con.close()
    return frame


def weight_differences(
    records: Sequence[Prepared], model: dict[str, Any], frame: Any
) -> tuple[list[str], Counter[str]]:
    frequencies = Frequencies.count(records)
    buckets = frequencies.buckets()
    scorer = Scorer(model, n_records=len(records))
    off: list[str] = []
    labels: Counter[str] = Counter()
    for weight, probability, a, b in zip(
        frame["match_weight"], frame["match_probability"], frame["unique_id_l"],
        frame["unique_id_r"], strict=True,
    ):  # fmt: skip
        x, y = records[a], records[b]
        pair_levels = levels(x, y, buckets)
        ours = scorer.weigh(pair_levels, x, frequencies)
        for comparison, level in zip(COMPARISONS, pair_levels, strict=True):
            labels[f"{comparison.name}.{comparison.levels[level].label}"] += 1
        if abs(ours - weight) > 1e-6 or abs(scorer.probability(ours) - probability) > 1e-6:
            evidence = [(e.field, e.level) for e in scorer.evidence(pair_levels, x, frequencies)]
            off.append(f"{a}-{b}: splink {weight:.6f}, python {ours:.6f}, {evidence}")
    return off, labels


def test_splink_match_weights_equal_the_python_scorer(records: list[Prepared]) -> None:
    model = artefact()
    frame = splink_predictions(records, model)
    assert len(frame) >= 300
    off, labels = weight_differences(records, model, frame)
    assert off == []
    # Exact names are weighed by their frequency: those levels were among the pairs.
    assert labels["given.exact"] and labels["father.exact"] and labels["family.exact"]


def test_splink_and_the_scorer_agree_on_a_model_calibrated_for_a_file(
    records: list[Prepared],
) -> None:
    con, name = pipeline.derived(to_arrow(records), threads=1)
    calibration = pipeline.calibrate(con, name)
    con.close()
    calibration.both_documents, calibration.conflict = 100, 40  # numbers typed badly
    model = calibration.adjust(artefact())
    assert model != artefact()
    frame = splink_predictions(records, model)
    off, _ = weight_differences(records, model, frame)
    assert off == []

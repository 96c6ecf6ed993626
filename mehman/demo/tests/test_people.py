"""The synthetic population looks like Afghan refugee households registered in Iran."""

from __future__ import annotations

import collections
import csv
import random
import re
import statistics
from datetime import date

import pytest

from mehman.demo import people
from mehman.demo.people import Household, Person

REFERENCE_DATE = date(2026, 11, 1)
NAME_FIELDS = ("given_name", "family_name", "father_name", "grandfather_name")


@pytest.fixture(scope="module")
def households() -> list[Household]:
    return list(people.generate(2000, seed=1))


@pytest.fixture(scope="module")
def persons(households: list[Household]) -> list[Person]:
    return [p for h in households for p in h.members]


def years_between(older: date, younger: date) -> float:
    return (younger.toordinal() - older.toordinal()) / 365.2425


def test_the_same_seed_gives_the_same_people() -> None:
    first = list(people.to_rows(people.generate(200, seed=42)))
    second = list(people.to_rows(people.generate(200, seed=42)))
    assert first == second


def test_different_seeds_give_different_people() -> None:
    first = list(people.to_rows(people.generate(50, seed=1)))
    second = list(people.to_rows(people.generate(50, seed=2)))
    assert first != second


def test_households_are_streamed_not_built_in_memory() -> None:
    stream = people.generate(10**6, seed=1)
    assert iter(stream) is stream
    assert next(stream).reference == "TJ-000001"


def test_progress_is_reported_until_every_household_is_done() -> None:
    steps: list[int] = []
    list(people.generate(250, seed=1, progress=steps.append))
    assert sum(steps) == 250
    assert len(steps) >= 3


def test_household_size_is_realistic(households: list[Household]) -> None:
    sizes = [len(h.members) for h in households]
    assert 5.0 <= statistics.mean(sizes) <= 6.2
    assert min(sizes) == 1
    assert max(sizes) <= people.MAX_HOUSEHOLD_SIZE
    assert max(sizes) >= 11


def test_about_a_third_have_no_family_name(persons: list[Person]) -> None:
    share = sum(p.family_name == "" for p in persons) / len(persons)
    assert 0.25 <= share <= 0.42


def test_children_of_a_man_carry_his_given_and_family_name(households: list[Household]) -> None:
    checked = 0
    for h in households:
        if h.head.sex != "M":
            continue
        for p in h.members:
            if p.relationship in ("son", "daughter"):
                assert p.father_name == h.head.given_name
                assert p.grandfather_name == h.head.father_name
                assert p.family_name == h.head.family_name
                checked += 1
    assert checked > 1000


def test_children_of_a_widow_share_her_family_name_and_their_fathers_name(
    households: list[Household],
) -> None:
    widows = [h for h in households if h.head.sex == "F" and len(h.members) > 2]
    assert widows
    for h in widows:
        children = [p for p in h.members if p.relationship in ("son", "daughter")]
        assert {p.family_name for p in children} == {h.head.family_name}
        assert len({p.father_name for p in children}) == 1
        assert h.head.marital_status in ("widowed", "divorced")


def test_parents_are_at_least_fourteen_years_older_than_their_children(
    households: list[Household],
) -> None:
    for h in households:
        parents = [h.head] + [p for p in h.members if p.relationship == "spouse"]
        for child in h.members:
            if child.relationship in ("son", "daughter"):
                for parent in parents:
                    assert years_between(parent.birth_date, child.birth_date) >= 14
            if child.relationship == "grandchild":
                assert years_between(h.head.birth_date, child.birth_date) >= 28
            if child.relationship in ("father", "mother"):
                assert years_between(child.birth_date, h.head.birth_date) >= 14


def test_nobody_is_born_after_the_reference_date(persons: list[Person]) -> None:
    assert max(p.birth_date for p in persons) <= REFERENCE_DATE


def test_the_population_is_young(persons: list[Person]) -> None:
    ages = [p.age_on(REFERENCE_DATE) for p in persons]
    assert 0.40 <= sum(a < 18 for a in ages) / len(ages) <= 0.55
    assert 0.02 <= sum(a >= 60 for a in ages) / len(ages) <= 0.10


def test_most_adults_know_only_their_year_of_birth(persons: list[Person]) -> None:
    adults = [p for p in persons if p.age_on(REFERENCE_DATE) >= 18]
    children = [p for p in persons if p.age_on(REFERENCE_DATE) < 18]
    assert sum(p.birth_date_estimated for p in adults) / len(adults) > 0.6
    assert sum(p.birth_date_estimated for p in children) / len(children) < 0.4
    mehr_first = {people.jalali_midyear(y) for y in range(1290, 1410)}
    for p in persons:
        if p.birth_date_estimated:
            assert (p.birth_date.month, p.birth_date.day) == (7, 1) or p.birth_date in mehr_first


def test_the_jalali_midyear_is_the_first_of_mehr() -> None:
    jdatetime = pytest.importorskip("jdatetime")
    for year in (1300, 1357, 1375, 1399, 1403, 1405):
        assert people.jalali_midyear(year) == jdatetime.date(year, 7, 1).togregorian()


def test_twins_share_a_birth_date(households: list[Household]) -> None:
    twins = 0
    for h in households:
        births = collections.Counter(
            p.birth_date for p in h.members if p.relationship in ("son", "daughter")
        )
        twins += sum(1 for n in births.values() if n > 1)
    assert twins >= 3


def test_some_households_are_headed_by_women(households: list[Household]) -> None:
    share = sum(h.head.sex == "F" for h in households) / len(households)
    assert 0.07 <= share <= 0.20


def test_some_households_keep_three_generations(persons: list[Person]) -> None:
    relationships = collections.Counter(p.relationship for p in persons)
    assert set(relationships) == set(people.RELATIONSHIPS)
    assert relationships["grandchild"] > 0
    assert relationships["mother"] > relationships["father"]


def test_references_are_unique_and_formatted(households: list[Household]) -> None:
    references = [h.reference for h in households]
    assert len(set(references)) == len(references)
    assert all(re.fullmatch(r"TJ-\d{6}", r) for r in references)
    assert references[0] == "TJ-000001"
    later = next(people.generate(1, seed=1, settlement_code="SV", start_serial=4512))
    assert later.reference == "SV-004512"
    assert later.settlement_code == "SV"


def test_serials_beyond_the_unique_identifier_range_are_refused() -> None:
    with pytest.raises(ValueError):
        people.generate(10, seed=1, start_serial=people.MAX_SERIAL - 5)
    with pytest.raises(ValueError):
        people.generate(10, seed=1, start_serial=0)


def test_identifiers_are_unique_and_well_formed(persons: list[Person]) -> None:
    for field, pattern in (
        ("amayesh_number", r"[1-9]\d{8}"),
        ("fida_code", r"[1-9]\d{11}"),
        ("phone", r"09\d{9}"),
    ):
        values = [getattr(p, field) for p in persons if getattr(p, field)]
        assert len(values) == len(set(values)), field
        assert all(re.fullmatch(pattern, v) for v in values), field


def test_documents_and_phones_are_held_in_realistic_shares(persons: list[Person]) -> None:
    adults = [p for p in persons if p.age_on(REFERENCE_DATE) >= 18]
    children = [p for p in persons if p.age_on(REFERENCE_DATE) < 18]
    assert 0.5 <= sum(bool(p.phone) for p in adults) / len(adults) <= 0.7
    assert not any(p.phone for p in children)
    assert 0.72 <= sum(bool(p.amayesh_number) for p in persons) / len(persons) <= 0.88
    assert 0.40 <= sum(bool(p.fida_code) for p in persons) / len(persons) <= 0.60


def test_about_a_third_also_have_latin_names_in_spelling_variants(persons: list[Person]) -> None:
    latin = [p for p in persons if p.latin_given]
    assert 0.2 <= len(latin) / len(persons) <= 0.4
    for p in latin:
        assert p.latin_given in people.latin_spellings(p.given_name)
        assert (p.latin_family == "") == (p.family_name == "")
    spellings = {p.latin_given for p in latin if p.given_name == "محمد"}
    assert {"Mohammad", "Mohammed"} <= spellings


def test_every_name_has_a_latin_spelling() -> None:
    names = people.MALE_GIVEN_NAMES + people.FEMALE_GIVEN_NAMES + people.FAMILY_NAMES
    assert all(people.latin_spellings(name) for name in names)
    assert people.latin_spellings("محمد علی")[0] == "Mohammad Ali"


def test_the_name_tables_are_large_and_free_of_duplicates() -> None:
    assert len(set(people.MALE_GIVEN_NAMES)) == len(people.MALE_GIVEN_NAMES) >= 120
    assert len(set(people.FEMALE_GIVEN_NAMES)) == len(people.FEMALE_GIVEN_NAMES) >= 100
    assert len(set(people.FAMILY_NAMES)) == len(people.FAMILY_NAMES) >= 80


def test_a_few_given_names_are_far_more_common_than_the_rest(persons: list[Person]) -> None:
    counts = collections.Counter(p.given_name for p in persons if p.sex == "M").most_common()
    top_name, top = counts[0]
    median = counts[len(counts) // 2][1]
    assert top_name == "محمد"
    assert top >= 10 * median
    top5 = sum(n for _, n in counts[:5])
    assert top5 / sum(n for _, n in counts) > 0.3


def test_canonical_names_use_persian_yeh_and_keheh(persons: list[Person]) -> None:
    arabic = re.compile("[يكىة]")
    for p in persons:
        for field in NAME_FIELDS:
            assert not arabic.search(getattr(p, field)), (field, getattr(p, field))
    assert any("ی" in p.given_name for p in persons)
    assert any("ک" in p.family_name for p in persons)
    assert any("\u200c" in p.given_name for p in persons)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("علی", "علي"),
        ("کریمی", "كریمی"),
        ("عبدالله", "عبد الله"),
        ("غلام رضا", "غلام\u200cرضا"),
        ("غلام رضا", "غلامرضا"),
        ("نعمت\u200cالله", "نعمت الله"),
        ("رضایی", "رضائی"),
        ("موسی", "موسا"),
    ],
)
def test_spelling_variants_include_what_clerks_type(name: str, expected: str) -> None:
    assert expected in people.spelling_variants(name)


def test_a_spelling_variant_changes_a_name_that_has_variants() -> None:
    rng = random.Random(0)
    names = people.MALE_GIVEN_NAMES + people.FEMALE_GIVEN_NAMES + people.FAMILY_NAMES
    with_variants = [n for n in names if people.spelling_variants(n)]
    assert len(with_variants) > 0.8 * len(names)
    for name in with_variants:
        assert people.spelling_variant(name, rng) != name
    assert people.spelling_variant("احمد", rng) == "احمد"  # nothing to vary


def test_rows_flatten_households_with_the_head_first(households: list[Household]) -> None:
    rows = list(people.to_rows(households[:20]))
    assert len(rows) == sum(len(h.members) for h in households[:20])
    assert all(list(row) == people.FIELDS for row in rows)
    heads = [row for row in rows if row["is_head"] == "1"]
    assert len(heads) == 20
    assert all(row["person_index"] == "0" and row["relationship"] == "head" for row in heads)
    assert all(date.fromisoformat(row["birth_date"]) for row in rows)


def test_the_generate_command_writes_one_csv_row_per_person(tmp_path, capsys) -> None:
    from django.core.management import call_command

    out = tmp_path / "x.csv"
    call_command("generate", households=50, seed=3, output=str(out), no_progress=True)
    with out.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == people.FIELDS
    expected = sum(len(h.members) for h in people.generate(50, seed=3))
    assert len(rows) == expected
    assert len({row["household"] for row in rows}) == 50
    assert f"50 households, {expected} persons" in capsys.readouterr().out

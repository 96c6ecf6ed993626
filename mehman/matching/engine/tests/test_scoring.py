"""The model in plain Python: the scorer, and the in-memory index that checks one new record."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from mehman.matching.engine import FIELDS, Index, LatinTable, Scorer, prepare
from mehman.matching.engine.comparisons import COMPARISONS
from mehman.matching.engine.frame import Frequencies
from mehman.matching.engine.model import artefact
from mehman.matching.engine.tests import row

EVIDENCE_FIELDS = ("given", "father", "family", "birth_date", "document", "phone", "sex", "alike")

HOUSEHOLD = {
    "father_name": "غلام حیدر",
    "family_name": "رحیمی",
    "birth_date": "1986-07-03",
    "phone": "09151234567",
    "sex": "M",
}
OTHER_NAMES = (
    "محمد", "علی", "حسین", "احمد", "یوسف", "رضا", "جعفر", "وحید", "سلیمان", "نجیب",
    "فاطمه", "زهرا", "مریم",
)  # fmt: skip


def registry_rows() -> list[dict[str, str]]:
    """A person (A1), his twin brother (A2) and sister (A3), and sixty-two other people."""
    rows = [
        row("A1", given_name="عبدالکریم", given_name_latin="Abdul Karim",
            family_name_latin="Rahimi", document_number="123456789012", **HOUSEHOLD),
        row("A2", given_name="عبدالرحیم", **HOUSEHOLD),
        row("A3", given_name="فاطمه", father_name="غلام حیدر", family_name="رحیمی",
            birth_date="1990-02-11", phone="09151234567", sex="F"),
        # Two more people written in both scripts: the Latin spellings are learnt.
        row("B1", given_name="عبدالکریم", given_name_latin="Abdul Karim", family_name="نوری",
            father_name="محمد", birth_date="1970", birth_date_estimated="1", sex="M"),
        row("B2", given_name="حسن", family_name="رحیمی", family_name_latin="Rahimi",
            father_name="علی", birth_date="1975-01-01", sex="M"),
    ]  # fmt: skip
    for i in range(60):
        given = OTHER_NAMES[i % 13]
        rows.append(
            row(f"F{i}", given_name=given, father_name=OTHER_NAMES[(i * 7) % 10],
                family_name=("کریمی", "نوری", "احمدی", "")[i % 4],
                birth_date=f"{1950 + i % 50}-0{1 + i % 9}-1{i % 10}",
                sex="F" if i % 13 >= 10 else "M", phone=f"0912{i:07d}")
        )  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(registry_rows())


SPELLINGS = {
    "arabic letters": row(
        given_name="عبدالكريم", father_name="غلام حيدر", family_name="رحيمي",
        birth_date="1986-07-03", phone="+98 915 123 4567", sex="M",
    ),
    "an honorific": row(
        given_name="حاجی عبدالکریم", father_name="غلام\u200cحیدر", family_name="رحیمی",
        birth_date="1986-07-03", document_number="۱۲۳۴۵۶۷۸۹۰۱۲", sex="M",
    ),
    "a jalali date in the iso field": row(
        given_name="عبدالکریم", father_name="غلام حیدر", family_name="رحیمی",
        birth_date="1365-04-12", sex="M",
    ),
    "latin letters only": row(
        given_name_latin="ABDUL KARIM", family_name_latin="Rahimi", birth_date="1986-07-03",
        phone="0098 915 123 4567", sex="M",
    ),
}  # fmt: skip
PERSIAN_SPELLINGS = [name for name in SPELLINGS if name != "latin letters only"]


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_the_index_finds_a_person_spelled_differently(index: Index, spelling: str) -> None:
    matches = index.check(SPELLINGS[spelling])
    assert matches
    assert matches[0].record_id == "A1"
    assert matches[0].probability > 0.9
    given = next(e for e in matches[0].evidence if e.field == "given")
    assert given.level == "exact"
    birth = next(e for e in matches[0].evidence if e.field == "birth_date")
    assert birth.level == "exact"


@pytest.mark.parametrize("spelling", PERSIAN_SPELLINGS)
def test_the_index_does_not_offer_the_twin(index: Index, spelling: str) -> None:
    # The twin brother shares the father, the family name, the birth date and the phone; his
    # given name, written in Persian, is another name; no document number is shared.
    found = [m.record_id for m in index.check(SPELLINGS[spelling])]
    assert "A2" not in found


def test_the_index_does_not_offer_the_sister(index: Index) -> None:
    for spelling in SPELLINGS.values():
        assert "A3" not in [m.record_id for m in index.check(spelling)]


def test_the_evidence_names_every_field(index: Index) -> None:
    match = index.check(SPELLINGS["arabic letters"])[0]
    assert tuple(e.field for e in match.evidence) == EVIDENCE_FIELDS
    for comparison, evidence in zip(COMPARISONS, match.evidence, strict=True):
        assert evidence.level in {level.label for level in comparison.levels}
    levels = {e.field: e.level for e in match.evidence}
    assert levels["phone"] == "exact"
    assert levels["document"] == "null"
    assert levels["family"] == "exact"


def test_the_weight_is_the_prior_plus_the_evidence(index: Index) -> None:
    match = index.check(SPELLINGS["an honorific"])[0]
    total = index.scorer.prior_weight + sum(e.weight for e in match.evidence)
    assert match.weight == pytest.approx(total, abs=1e-9)
    assert match.probability == pytest.approx(2**total / (1 + 2**total), abs=1e-12)
    null = [e for e in match.evidence if e.level == "null"]
    assert null and all(e.weight == 0 for e in null)


def test_matches_are_sorted_by_weight_and_limited() -> None:
    # Six men named علی son of محمد, alike in more or fewer ways.
    index = Index.build(
        [
            row("S0", given_name="علی", father_name="محمد", family_name="رحیمی",
                birth_date="1990-05-06", phone="09121111111", sex="M"),
            row("S1", given_name="علی", father_name="محمد", family_name="رحیمی",
                birth_date="1990-05-06", sex="M"),
            row("S2", given_name="علی", father_name="محمد", family_name="رحیمی",
                birth_date="1990", birth_date_estimated="1", sex="M"),
            row("S3", given_name="علی", father_name="محمد", birth_date="1991", sex="M"),
            row("S4", given_name="علی", father_name="محمد", family_name="کریمی",
                birth_date="1960-01-01", sex="M"),
            row("S5", given_name="علی", father_name="محمد", family_name="نوری", sex="M"),
            *(row(f"F{i}", given_name=name, father_name="حسن", birth_date=f"{1950 + i}")
              for i, name in enumerate(OTHER_NAMES)),
        ]
    )  # fmt: skip
    query = row(given_name="علی", father_name="محمد", family_name="رحیمی",
                birth_date="1990-05-06", phone="09121111111", sex="M")  # fmt: skip
    matches = index.check(query, limit=50, threshold=0.0)
    assert {m.record_id for m in matches} == {f"S{i}" for i in range(6)}
    weights = [m.weight for m in matches]
    assert weights == sorted(weights, reverse=True)
    assert [m.record_id for m in matches[:3]] == ["S0", "S1", "S2"]
    assert index.check(query, limit=2, threshold=0.0) == matches[:2]
    high = index.check(query, limit=50, threshold=0.5)
    assert high == [m for m in matches if m.probability >= 0.5]
    assert 0 < len(high) < len(matches)


def test_a_stranger_finds_nobody(index: Index) -> None:
    query = row(given_name="شهباز", father_name="نورالدین", family_name="پوپل",
                birth_date="2001-11-11", sex="M", document_number="555555555555")  # fmt: skip
    assert index.check(query) == []


def test_the_index_reads_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(registry_rows())
    index = Index.from_csv(path)
    assert len(index.records) == len(registry_rows())
    assert index.check(SPELLINGS["latin letters only"])[0].record_id == "A1"


# --- The scorer ----------------------------------------------------------------------------


def test_every_level_of_the_artefact_has_both_probabilities() -> None:
    # Splink falls back on defaults of its own for a missing m or u; the Python scorer
    # cannot know them, so the artefact must carry every one.
    for comparison in artefact()["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            assert 0 < float(level["m_probability"]) <= 1, (comparison["output_column_name"], level)
            assert 0 < float(level["u_probability"]) <= 1, (comparison["output_column_name"], level)


def test_the_artefact_has_the_comparisons_of_the_engine() -> None:
    by_name = {c["output_column_name"]: c for c in artefact()["comparisons"]}
    for comparison in COMPARISONS:
        levels = by_name[comparison.name]["comparison_levels"]
        assert [level["sql_condition"] for level in levels] == [lv.sql for lv in comparison.levels]


def test_the_probability_follows_the_weight() -> None:
    assert Scorer.probability(0.0) == 0.5
    assert Scorer.probability(10.0) == pytest.approx(1024 / 1025)
    assert Scorer.probability(-10.0) == pytest.approx(1 / 1025)
    assert Scorer.probability(-2000.0) == 0.0


def test_a_larger_registry_makes_the_same_evidence_less_probable() -> None:
    table = LatinTable()
    a = prepare(0, row("a", given_name="علی", father_name="محمد", birth_date="1990"), table)
    b = prepare(1, row("b", given_name="علی", father_name="محمد", birth_date="1990"), table)
    frequencies = Frequencies.count([a, b])
    small = Scorer(n_records=100).compare(a, b, frequencies)
    large = Scorer(n_records=1_000_000).compare(a, b, frequencies)
    assert large.weight < small.weight
    assert small.weight - large.weight == pytest.approx(math.log2(999_999 / 99), rel=1e-3)


def test_an_exact_rare_name_weighs_more_than_an_exact_common_one() -> None:
    table = LatinTable()
    common = [prepare(i, row(f"c{i}", given_name="محمد"), table) for i in range(50)]
    rare = [prepare(50 + i, row(f"r{i}", given_name="شهباز"), table) for i in range(2)]
    frequencies = Frequencies.count([*common, *rare])
    scorer = Scorer()
    on_common = scorer.compare(common[0], common[1], frequencies).evidence[0]
    on_rare = scorer.compare(rare[0], rare[1], frequencies).evidence[0]
    assert on_common.level == on_rare.level == "exact"
    assert on_rare.weight - on_common.weight == pytest.approx(math.log2(50 / 2))


def test_compare_names_the_second_record() -> None:
    table = LatinTable()
    a = prepare(0, row("a", given_name="علی"), table)
    b = prepare(1, row("b", given_name="علی"), table)
    assert Scorer().compare(a, b, Frequencies.count([a, b])).record_id == "b"

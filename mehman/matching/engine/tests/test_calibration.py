"""What a file says about itself before it is scored: how one person's records differ in it, and
how often two people's numbers meet by chance. And the blocks that find such pairs at all."""

from __future__ import annotations

import random
from typing import Any

from mehman.matching.engine import LatinTable, Prepared, pipeline, prepare
from mehman.matching.engine.frame import block_keys, to_arrow
from mehman.matching.engine.model import artefact, level_weights
from mehman.matching.engine.tests import row

GIVEN = ("علی", "حسین", "احمد", "رضا", "یوسف", "نادر", "قاسم", "جعفر", "کریم", "رحیم")
FAMILY = ("رحیمی", "محمدی", "احمدی", "حسینی", "کریمی", "نوری", "شریفی", "جعفری", "قاسمی")


def _prepared(rows: list[dict[str, str]]) -> list[Prepared]:
    table = LatinTable()
    return [prepare(i, r, table) for i, r in enumerate(rows)]


def _calibrated(rows: list[dict[str, str]]) -> pipeline.Calibration:
    con, name = pipeline.derived(to_arrow(_prepared(rows)), threads=1)
    try:
        return pipeline.calibrate(con, name)
    finally:
        con.close()


def _people(n: int, *, other_date: float, seed: int = 7) -> list[dict[str, str]]:
    """``n`` people with two records each that share a document number; in a share
    ``other_date`` of them the second record has another birth date altogether."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        fields = {
            "given_name": rng.choice(GIVEN),
            "family_name": rng.choice(FAMILY),
            "father_name": rng.choice(GIVEN),
            "birth_date": f"{1960 + i % 40}-0{1 + i % 9}-1{i % 10}",
            "document_number": str(rng.randrange(10**9, 10**10)),
        }
        rows.append(row(f"P{i}a", **fields))
        if rng.random() < other_date:
            fields = {**fields, "birth_date": f"{1920 + i % 30}-11-2{i % 8}"}
        rows.append(row(f"P{i}b", **fields))
    return rows


def _levels(model: dict[str, Any], comparison: str) -> dict[str, float]:
    for entry in model["comparisons"]:
        if entry["output_column_name"] == comparison:
            return {
                level["label_for_charts"]: float(level["m_probability"])
                for level in entry["comparison_levels"]
                if not level.get("is_null_level")
            }
    raise KeyError(comparison)


def test_pairs_sharing_a_number_show_how_one_persons_records_differ() -> None:
    calibration = _calibrated(_people(200, other_date=0.3))
    counts = calibration.document_levels["birth_date"]
    assert sum(counts) == 200
    assert 40 <= counts[-1] <= 80  # "else": another birth date
    assert calibration.document_levels["given"][1] == 200  # "exact"


def test_a_file_whose_people_differ_more_than_the_training_file_loosens_the_model() -> None:
    model = _calibrated(_people(200, other_date=0.3)).adjust(artefact())
    trained = _levels(artefact(), "birth_date")
    loosened = _levels(model, "birth_date")
    assert trained["else"] < 0.01
    assert 0.2 <= loosened["else"] <= 0.4
    assert abs(sum(loosened.values()) - 1) < 1e-9
    # Levels the file takes less often than the model expects only shrink in proportion.
    assert loosened["exact_estimated"] < trained["exact_estimated"]
    # Another birth date still counts against a match, but no longer outweighs everything.
    birth_date = [c["output_column_name"] for c in model["comparisons"]].index("birth_date")
    before, after = level_weights(artefact())[birth_date][-1], level_weights(model)[birth_date][-1]
    assert before < -10 < after < 0


def test_too_few_pairs_sharing_a_number_leave_the_model_as_trained() -> None:
    calibration = _calibrated(_people(30, other_date=0.5))
    assert sum(calibration.document_levels["birth_date"]) == 30
    assert _levels(calibration.adjust(artefact()), "birth_date") == _levels(
        artefact(), "birth_date"
    )


def test_short_numbers_meeting_by_chance_weigh_less_as_a_typo() -> None:
    rows = _people(60, other_date=0.0)
    # Four-digit numbers in a row: many strangers' numbers are one digit apart.
    rows += [
        row(f"S{i}", given_name=GIVEN[i % 10], family_name=FAMILY[i % 9], document_number=str(n))
        for i, n in enumerate(range(4000, 4300))
    ]
    calibration = _calibrated(rows)
    assert calibration.typo_pairs > 300
    model = calibration.adjust(artefact())

    def typo_u(m: dict[str, Any]) -> float:
        (document,) = [c for c in m["comparisons"] if c["output_column_name"] == "document"]
        (typo,) = [lv for lv in document["comparison_levels"] if lv["label_for_charts"] == "typo"]
        return float(typo["u_probability"])

    assert typo_u(model) > 100 * typo_u(artefact())
    # Long numbers that never meet by chance keep the trained figure.
    assert typo_u(_calibrated(_people(60, other_date=0.0)).adjust(artefact())) == typo_u(artefact())


def test_swapped_names_and_mistyped_numbers_are_compared_at_all() -> None:
    records = _prepared(
        [
            row("A", given_name="Jessup", family_name="Cameron", document_number="6804360"),
            row("B", given_name="Cameron", family_name="Jessup", document_number="5101659"),
            row("C", given_name="Sophie", document_number="7719700"),
            row("D", given_name="Sophia", document_number="7719709"),  # second half mistyped
            row("E", given_name="Liam", document_number="4481207"),
            row("F", given_name="Lian", document_number="4421207"),  # first half mistyped
            row("G", given_name="Ava", document_number="1234567"),
            row("H", given_name="Eva", document_number="1243567"),  # swapped across the middle
        ]
    )
    keys = block_keys(records)

    def blocked(a: int, b: int) -> set[str]:
        return {rule for rule, k in keys.items() if k[a] is not None and k[a] == k[b]}

    assert blocked(0, 1) == {"b_gs"}
    assert "b_doc1" in blocked(2, 3)
    assert "b_doc2" in blocked(4, 5)
    assert blocked(6, 7) == {"b_docs"}

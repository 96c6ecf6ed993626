"""The shipped artefact matches the code's comparisons, and every level has its parameters."""

from __future__ import annotations

from mehman.matching.engine.comparisons import COMPARISONS
from mehman.matching.engine.frame import blocking_rules
from mehman.matching.engine.model import MODEL_VERSION, artefact, level_weights, settings_for


def test_the_artefact_was_trained_with_the_comparisons_of_the_code():
    model = artefact()
    trained = {c["output_column_name"]: c for c in model["comparisons"]}
    assert list(trained) == [c.name for c in COMPARISONS]
    for comparison in COMPARISONS:
        levels = trained[comparison.name]["comparison_levels"]
        assert [level["sql_condition"] for level in levels] == [
            level.sql for level in comparison.levels
        ], f"retrain the model: {comparison.name} changed"


def test_every_level_but_the_null_ones_has_m_and_u():
    for comparison in artefact()["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            assert 0 < level["m_probability"] <= 1, (comparison["output_column_name"], level)
            assert 0 < level["u_probability"] <= 1, (comparison["output_column_name"], level)


def test_the_artefact_names_its_version_prior_and_threshold():
    meta = artefact()["mehman"]
    assert meta["version"] == MODEL_VERSION
    assert 0 < meta["duplicates_per_record"] < 5
    assert 0.2 <= meta["match_threshold"] < 1


def test_the_prior_scales_with_the_size_of_the_file():
    small = settings_for(1_000)["probability_two_random_records_match"]
    large = settings_for(1_000_000)["probability_two_random_records_match"]
    assert small > large * 900
    assert "mehman" not in settings_for(1_000)
    assert settings_for(1_000)["blocking_rules_to_generate_predictions"] == blocking_rules()


def test_agreement_weighs_for_and_disagreement_against():
    weights = level_weights(artefact())
    names = [c.name for c in COMPARISONS]
    given = COMPARISONS[names.index("given")]
    labels = [level.label for level in given.levels]
    row = weights[names.index("given")]
    assert row[labels.index("exact")] > 0 > row[labels.index("else")]
    document = [level.label for level in COMPARISONS[names.index("document")].levels]
    doc_row = weights[names.index("document")]
    assert doc_row[document.index("exact")] > 10
    assert doc_row[document.index("else")] < -5

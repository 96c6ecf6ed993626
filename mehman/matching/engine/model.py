"""The probabilistic model: Splink settings, its trained parameters (a versioned artefact), and
training.

The artefact is Splink's own model JSON (``models/persian-v1.json``) with the comparisons of
``comparisons``, their m and u probabilities, and a ``mehman`` entry saying how it was
trained. The same JSON drives Splink on DuckDB (batch runs), Splink on Spark (a national
registry) and the Python scorer (the instant check at registration).

Training: ``python -m mehman.matching.engine.model TRAIN.csv OUT.json [--label COLUMN]``.
u by random sampling; m from the label column (the person each record belongs to: a
synthetic registry, or pairs reviewers decided), or without labels by
expectation-maximisation on pairs sharing a document number (name or date blocks would pull
siblings and namesakes into the "match" class). Levels never seen get half a case. The prior
is kept as a rate (expected duplicates per record) so that it fits files of any size, and
with labels the clustering threshold with the best F1 on the training file is kept too.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from mehman.matching.engine.comparisons import COMPARISONS, splink_comparisons
from mehman.matching.engine.frame import blocking_rules

MODEL_VERSION: Final = "persian-v1"
MODEL_FILE: Final = f"{MODEL_VERSION}.json"


def base_settings() -> dict[str, Any]:
    """Splink settings without trained parameters."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": splink_comparisons(),
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "probability_two_random_records_match": 0.0001,
    }


@cache
def artefact() -> dict[str, Any]:
    """The trained model shipped in the package."""
    text = resources.files("mehman.matching.engine").joinpath("models", MODEL_FILE).read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def settings_for(n_records: int, model: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trained settings with the prior set for a file of ``n_records``."""
    model = dict(model or artefact())
    rate = float(model.get("mehman", {}).get("duplicates_per_record", 0.1))
    pairs = max(n_records * (n_records - 1) / 2, 1)
    model["probability_two_random_records_match"] = min(max(rate * n_records / pairs, 1e-12), 0.5)
    model["blocking_rules_to_generate_predictions"] = blocking_rules()
    model.pop("mehman", None)  # ours, not Splink's
    return model


def level_weights(model: dict[str, Any]) -> list[list[float]]:
    """log2(m/u) of every level of every comparison (0 for null levels), in ``COMPARISONS`` order.

    For a level adjusted by term frequency, the weight of a value with frequency tf is this plus
    log2(u) - log2(tf): ``tf_bases`` gives the log2(u) to use.
    """
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    weights = []
    for comparison in COMPARISONS:
        levels = by_name[comparison.name]["comparison_levels"]
        row = []
        for level in levels:
            if level.get("is_null_level"):
                row.append(0.0)
                continue
            if "m_probability" not in level or "u_probability" not in level:
                raise ValueError(f"{comparison.name}: a level has no trained m or u")
            m = float(level["m_probability"])
            u = float(level["u_probability"])
            row.append(math.log2(max(m, 1e-9) / max(u, 1e-9)))
        weights.append(row)
    return weights


def tf_bases(model: dict[str, Any]) -> list[list[float | None]]:
    """log2(u) of each term-frequency-adjusted level (None for the others)."""
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    out: list[list[float | None]] = []
    for comparison in COMPARISONS:
        levels = by_name[comparison.name]["comparison_levels"]
        out.append(
            [
                math.log2(max(float(level.get("u_probability") or 1e-9), 1e-9))
                if level.get("tf_adjustment_column")
                else None
                for level in levels
            ]
        )
    return out


def train(csv_path: Path, *, threads: int = 2, label: str = "") -> dict[str, Any]:
    """Train the parameters on a registry file (the file format of ``dedupe-file``).

    u: random sampling. m: from ``label`` (a column naming the person of each record: records
    reviewers confirmed, or a synthetic registry) if given, else expectation-maximisation on
    pairs sharing a document number (for all but the document) and pairs with the same names
    and exact birth date (for the document).
    """
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    from mehman.matching.engine.pipeline import derived, read_prepared

    records, frequencies, table = read_prepared(csv_path, extra=(label,) if label else ())
    n = len(records)
    con, name = derived(table, threads=threads)
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(name)
    linker = Linker(sdf, base_settings())
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    if label:
        linker.training.estimate_m_from_label_column(label)
        labels = table.column(label).to_pylist()
        sizes: dict[Any, int] = {}
        for value in labels:
            sizes[value] = sizes.get(value, 0) + 1
        true_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
        duplicates_per_record = true_pairs / n
    else:
        linker.training.estimate_probability_two_random_records_match(
            [
                "l.doc = r.doc",
                "l.g = r.g AND l.f = r.f AND l.dy = r.dy AND l.dm = r.dm AND l.dd = r.dd"
                " AND l.dm > 0",
            ],
            recall=0.7,
        )
        linker.training.estimate_parameters_using_expectation_maximisation("l.doc = r.doc")
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.g = r.g AND l.f = r.f AND l.dy = r.dy AND l.dm = r.dm AND l.dd = r.dd AND l.dm > 0"
        )
    model: dict[str, Any] = linker.misc.save_model_to_json(overwrite=True)
    fill_unseen(model, matches=true_pairs if label else 10_000)
    if not label:
        prior = float(model["probability_two_random_records_match"])
        duplicates_per_record = prior * (n - 1) / 2
    model["mehman"] = {
        "version": MODEL_VERSION,
        "trained_on": f"{csv_path.name}: {n} records",
        "trained": datetime.now(UTC).date().isoformat(),
        "duplicates_per_record": duplicates_per_record,
    }
    if label:
        threshold, f1 = best_threshold(model, records, frequencies, table, label, threads=threads)
        model["mehman"]["match_threshold"] = threshold
        model["mehman"]["training_f1"] = round(f1, 4)
    return model


UNSEEN_U: Final = 1e-7


def fill_unseen(model: dict[str, Any], *, matches: int) -> None:
    """Give levels never seen in training an explicit, small probability (half a case).

    Splink would otherwise fall back on defaults the Python scorer does not know: both must
    read the same numbers from the artefact.
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level.setdefault("m_probability", 0.5 / max(matches, 1))
            level.setdefault("u_probability", UNSEEN_U)


def best_threshold(
    model: dict[str, Any],
    records: list[Any],
    frequencies: Any,
    table: Any,
    label: str,
    *,
    threads: int,
) -> tuple[float, float]:
    """The clustering threshold with the best pairwise F1 on the labelled training file."""
    from mehman.matching.engine.cluster import cluster
    from mehman.matching.engine.pipeline import mergeable, score

    labels = table.column(label).to_pylist()
    scored = score(table.drop([label]), len(records), threads=threads, model=model)
    truth: dict[Any, int] = {}
    for value in labels:
        truth[value] = truth.get(value, 0) + 1
    true_pairs = sum(k * (k - 1) // 2 for k in truth.values())
    best = (0.5, 0.0)
    for step in range(20, 100, 5):
        threshold = step / 100
        roots = cluster(
            records, mergeable(records, frequencies, scored.pairs, threshold), threshold=threshold
        )
        cells: dict[tuple[int, Any], int] = {}
        sizes: dict[int, int] = {}
        for uid, root in enumerate(roots):
            cells[(root, labels[uid])] = cells.get((root, labels[uid]), 0) + 1
            sizes[root] = sizes.get(root, 0) + 1
        tp = sum(k * (k - 1) // 2 for k in cells.values())
        predicted = sum(k * (k - 1) // 2 for k in sizes.values())
        precision = tp / predicted if predicted else 1.0
        recall = tp / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the matching model on a registry CSV.")
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path, nargs="?")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--label", default="", help="column naming the person of each record")
    parser.add_argument("--source", default="", help="how the training file was made")
    args = parser.parse_args(argv)
    model = train(args.input, threads=args.threads, label=args.label)
    if args.source:
        model["mehman"]["trained_on"] = f"{args.source} ({model['mehman']['trained_on']})"
    text = json.dumps(model, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

"""The peers of the matching benchmark: plain Splink 5 on DuckDB, and recordlinkage 0.16.

``bench/matching.py`` runs each tool on each dataset in its own process:

    python bench/matching_peers.py splink generated INPUT.csv OUTPUT.csv --model MODEL.json
    python bench/matching_peers.py recordlinkage febrl INPUT.csv OUTPUT.csv
    python bench/matching_peers.py splink-check REGISTRY.csv QUERIES.json --model MODEL.json

A dedupe writes ``record_id,cluster_id`` for every input row, as ``mehman dedupe-file``
does, and prints one line ``RESULT {json}`` with its stages' times and pair counts (or
why it did not run). ``generated`` inputs have the engine's columns; ``febrl`` inputs
have ``record_id`` and FEBRL's own columns (addresses too), which the peers use as
their documentation does.

Both are configured as a competent user would without knowing Persian names: names are
compared as they are typed (Jaro-Winkler), dates as dates, identifiers exactly; empty
cells are missing values. Names are concentrated in this population, so every name
blocking rule also holds the year of birth, as a user reading Splink's blocking analysis
would add.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SEED = 20261201
# recordlinkage's memory per candidate pair (index, features, values compared, two workers),
# measured at 100k records: 1,179 MB for 698k pairs against 720 MB at 10k.
RL_BYTES_PER_PAIR = 700
THRESHOLD = 0.5
GENERATED_COLUMNS = (
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
)
# Blocking keys shared by both peers on the generated registry (``year`` is the first four
# characters of the birth date).
GENERATED_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("document_number",),
    ("phone",),
    ("given_name", "family_name", "year"),
    ("given_name", "father_name", "year"),
    ("family_name", "father_name", "year"),
    ("given_name", "birth_date"),
    ("family_name", "birth_date"),
    ("father_name", "birth_date"),
)
FEBRL_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("soc_sec_id",),
    ("given_name",),
    ("surname",),
    ("date_of_birth",),
    ("postcode",),
)


def read_input(path: Path) -> pd.DataFrame:
    """Every column as text, empty cells as missing."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.replace({"": None})
    return frame


def write_clusters(path: Path, record_ids: pd.Series, cluster_ids: pd.Series) -> None:
    pd.DataFrame({"record_id": record_ids, "cluster_id": cluster_ids}).to_csv(path, index=False)


def blocked_pairs_upper_bound(frame: pd.DataFrame, blocks: tuple[tuple[str, ...], ...]) -> int:
    """Σ n(n-1)/2 over the values of each blocking key: the pairs before removing repeats."""
    total = 0
    for keys in blocks:
        sizes = frame.groupby(list(keys), dropna=True, sort=False).size().to_numpy(np.int64)
        total += int((sizes * (sizes - 1) // 2).sum())
    return total


def with_year(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = frame["birth_date"].str.slice(0, 4)
    return frame


# --- Splink -------------------------------------------------------------------------


def _splink_expression(column: str) -> str:
    return "substr(birth_date, 1, 4)" if column == "year" else column


def splink_settings(kind: str) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if kind == "febrl":
        # Splink's own FEBRL deduplication example: names, date of birth, social security
        # number, street number and postcode.
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            blocking_rules_to_generate_predictions=[block_on(*keys) for keys in FEBRL_BLOCKS],
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison(
                    "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on(*(_splink_expression(column) for column in keys)) for keys in GENERATED_BLOCKS
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.NameComparison("father_name"),
            # Tolerates bad dates: what does not parse is missing.
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("document_number"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("sex"),
        ],
    )


def splink_train(linker: Any, kind: str, *, max_pairs: float) -> None:
    """The training recipe of Splink's tutorials: λ from strict rules, u by sampling, m by EM."""
    from splink import block_on

    if kind == "febrl":
        deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname")]
        em_blocks = [block_on("date_of_birth"), block_on("postcode")]
    else:
        deterministic = [
            block_on("document_number"),
            block_on("given_name", "family_name", "father_name", "birth_date"),
        ]
        # Each comparison is left free by one of the two blocks.
        em_blocks = [
            block_on("document_number"),
            block_on("given_name", "family_name", "father_name"),
        ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=SEED)
    for rule in em_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=max_pairs
        )


def run_splink(kind: str, source: Path, output: Path, model: Path | None) -> dict[str, Any]:
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    stages: dict[str, Any] = {}
    t0 = time.perf_counter()
    frame = read_input(source)
    db_api = DuckDBAPI()
    sdf = db_api.register(frame, table_name="records")
    linker = Linker(sdf, splink_settings(kind), log_level=logging.WARNING)
    stages["load_s"] = round(time.perf_counter() - t0, 2)
    stages["blocked_pairs"] = blocked_pairs_upper_bound(
        with_year(frame) if kind == "generated" else frame,
        GENERATED_BLOCKS if kind == "generated" else FEBRL_BLOCKS,
    )
    t0 = time.perf_counter()
    splink_train(linker, kind, max_pairs=1e7 if len(frame) > 200_000 else 5e6)
    stages["train_s"] = round(time.perf_counter() - t0, 2)
    if model is not None:
        linker.misc.save_model_to_json(str(model), overwrite=True)
    t0 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    stages["predict_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    table = db_api.duckdb_con.table(clusters.physical_name)
    table.select("record_id, cluster_id").write_csv(str(output))
    stages["cluster_s"] = round(time.perf_counter() - t0, 2)
    return stages


def found_figures(queries: list[dict[str, Any]], found: list[bool]) -> dict[str, float]:
    from matching import found_figures as figures

    return figures(queries, found)


def run_splink_check(registry: Path, queries_path: Path, model: Path | None) -> dict[str, Any]:
    """Single-record check: ``predict_between`` the registry and a one-row table."""
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    queries = json.loads(queries_path.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    frame = read_input(registry)
    db_api = DuckDBAPI()
    sdf = db_api.register(frame, table_name="records")
    trained = model is not None and model.exists()
    settings = str(model) if trained else splink_settings("generated")
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    if not trained:
        splink_train(linker, "generated", max_pairs=1e7)
    for column in ("given_name", "family_name", "father_name"):
        linker.table_management.compute_tf_table(column)
    build_s = time.perf_counter() - t0
    timings: list[float] = []
    found: list[bool] = []
    for number, query in enumerate(queries):
        row = {column: (query["row"].get(column) or None) for column in GENERATED_COLUMNS}
        row["record_id"] = f"query-{number}"
        start = time.perf_counter()
        one = db_api.register(pd.DataFrame([row], dtype=object), table_name=f"query_{number}")
        scored = linker.inference.predict_between(sdf, one, warning_mode="never")
        result = db_api.duckdb_con.table(scored.physical_name).df()
        top = result.nlargest(10, "match_probability")
        timings.append((time.perf_counter() - start) * 1000)
        ids = set(top["record_id_l"]) | set(top["record_id_r"])
        found.append(query["record_id"] in ids)
        scored.drop_table_from_database_and_remove_from_cache()
    return {
        "build_s": round(build_s, 2),
        "model_from_dedupe_run": trained,
        "queries": len(timings),
        "p50_ms": round(float(np.percentile(timings, 50)), 1),
        "p95_ms": round(float(np.percentile(timings, 95)), 1),
        **found_figures(queries, found),
    }


# --- recordlinkage ------------------------------------------------------------------


def run_recordlinkage(kind: str, source: Path, output: Path, max_pairs: int) -> dict[str, Any]:
    """Union of blocks, binary comparisons, ECM classifier, connected components.

    The clusters of the deduplication guide's rule (more than three agreements) go beside
    ``output`` as ``*.sum_rule.csv``.
    """
    import recordlinkage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    stages: dict[str, Any] = {}
    t0 = time.perf_counter()
    frame = read_input(source)
    record_ids = frame["record_id"]
    frame = frame.set_index(pd.RangeIndex(len(frame)))
    if kind == "generated":
        frame = with_year(frame)
    blocks = GENERATED_BLOCKS if kind == "generated" else FEBRL_BLOCKS
    stages["blocked_pairs"] = blocked_pairs_upper_bound(frame, blocks)
    if max_pairs <= 0:
        # recordlinkage holds every pair, its features and the compared values in memory.
        import psutil

        available = psutil.virtual_memory().available
        max_pairs = available // RL_BYTES_PER_PAIR
        budget = f"{available / 2**30:.0f} GB available / {RL_BYTES_PER_PAIR} bytes a pair"
    else:
        budget = "--rl-max-pairs"
    stages["max_pairs"] = max_pairs
    if stages["blocked_pairs"] > max_pairs:
        stages["skipped"] = (
            f"blocking gives up to {stages['blocked_pairs']:,} candidate pairs, more than "
            f"the {max_pairs:,} that fit in memory ({budget})"
        )
        return stages
    indexer = recordlinkage.Index()
    for keys in blocks:
        indexer.block(left_on=list(keys) if len(keys) > 1 else keys[0])
    pairs = indexer.index(frame)
    stages["candidate_pairs"] = len(pairs)
    stages["index_s"] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    compare = recordlinkage.Compare(n_jobs=2)
    if kind == "febrl":
        # The comparisons of recordlinkage's deduplication guide, with the social security
        # number added.
        compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
        compare.exact("date_of_birth", "date_of_birth")
        compare.exact("suburb", "suburb")
        compare.exact("state", "state")
        compare.string("address_1", "address_1", method="levenshtein", threshold=0.85)
        compare.exact("soc_sec_id", "soc_sec_id")
    else:
        for column in ("given_name", "family_name", "father_name"):
            compare.string(column, column, method="jarowinkler", threshold=0.85)
        for column in ("birth_date", "document_number", "phone", "sex"):
            compare.exact(column, column)
    features = compare.compute(pairs, frame)
    stages["compare_s"] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    n = len(frame)

    def components(links: pd.MultiIndex) -> pd.Series:
        left = links.get_level_values(0).to_numpy(np.int64)
        right = links.get_level_values(1).to_numpy(np.int64)
        graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
        return pd.Series(connected_components(graph, directed=False)[1])

    links = recordlinkage.ECMClassifier().fit_predict(features)
    stages["links"] = len(links)
    write_clusters(output, record_ids, components(links))
    stages["classify_cluster_s"] = round(time.perf_counter() - t0, 2)
    # The rule of recordlinkage's deduplication guide, on the same features, for comparison.
    agreed = features.index[features.sum(axis=1) > 3]
    stages["sum_rule_links"] = len(agreed)
    write_clusters(output.with_suffix(".sum_rule.csv"), record_ids, components(agreed))
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tool", choices=["splink", "recordlinkage", "splink-check"])
    parser.add_argument("args", nargs="+")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--max-pairs", type=int, default=0, help="0: from available memory")
    options = parser.parse_args()
    if options.tool == "splink-check":
        registry, queries = (Path(value) for value in options.args)
        result = run_splink_check(registry, queries, options.model)
    else:
        kind, source, output = options.args
        if options.tool == "splink":
            result = run_splink(kind, Path(source), Path(output), options.model)
        else:
            result = run_recordlinkage(kind, Path(source), Path(output), options.max_pairs)
    print("RESULT " + json.dumps(result), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()

"""The matching model on Spark (a national registry) scores as it does on DuckDB.

Spark runs in local mode with one core; Java must be installed (``java -version``). Splink's
Spark backend tries to register the Scala functions of its similarity jar (Jaro-Winkler and
others); the model uses none of them — its ``levenshtein`` is Spark SQL's own — so the jar is
not put on the class path and Splink's warning about it is expected. Splink writes
intermediate tables as parquet under the SparkContext's checkpoint directory, which must be
set.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mehman.demo.people.duplicates import generate_registry
from mehman.matching.engine import pipeline
from mehman.matching.engine.frame import to_arrow
from mehman.matching.engine.tests import row

N = 400


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.fail("Spark needs Java: install a JRE (17) to run the Spark backend's test")
    from pyspark.sql import SparkSession

    work: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("mehman-matching-test")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        # Tiny data: the JIT's first tier and a serial collector start the JVM faster.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(work / "checkpoints"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def table() -> Any:
    rows = list(generate_registry(N - 3, seed=17))
    # Records with empty fields: NULLs must stay NULL on the way to Spark.
    rows += [
        row("X1", given_name="علی", father_name="محمد"),
        row("X2", given_name="علی", father_name="محمد", birth_date="1990"),
        row("X3", given_name_latin="Ali", father_name="Mohammad", phone="09121234567"),
    ]
    records = pipeline.prepare_rows(rows)
    table = to_arrow(records)
    for column in ("dy", "doc", "tel", "f", "s"):
        assert table.column(column).null_count > 0, column
    return table


def test_spark_scores_the_same_pairs_with_the_same_probabilities_as_duckdb(
    spark: Any, table: Any
) -> None:
    on_duckdb = pipeline.score(table, N, threads=1)
    on_spark = pipeline.score(table, N, backend="spark", spark=spark)
    duckdb_pairs = {(a, b): p for p, a, b in on_duckdb.pairs}
    spark_pairs = {(a, b): p for p, a, b in on_spark.pairs}
    assert len(duckdb_pairs) >= 50
    assert set(spark_pairs) == set(duckdb_pairs)
    off = {
        pair: (duckdb_pairs[pair], spark_pairs[pair])
        for pair in duckdb_pairs
        if abs(duckdb_pairs[pair] - spark_pairs[pair]) > 1e-6
    }
    assert off == {}
    assert on_spark.documents_reliable == on_duckdb.documents_reliable

"""The matching engine end to end, on the synthetic registry whose truth is known.

``dedupe_file`` and ``mehman dedupe-file`` on a generated file of 3,000 records: every row
answered, the pairwise F1 against the truth, no cluster holding two people's documents, no
twins merged; the command runs without Django settings and without a database; the levels
of Splink's SQL and of Python agree on pairs of the generated registry.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from mehman.demo.people import MAX_HOUSEHOLD_SIZE
from mehman.demo.people.duplicates import generate_registry, write_csv
from mehman.matching.engine import Prepared, dedupe_file
from mehman.matching.engine.comparisons import document_typo
from mehman.matching.engine.model import artefact
from mehman.matching.engine.pipeline import prepare_columns, prepare_rows, read_columns
from mehman.matching.engine.tests.test_comparisons import (
    disagreements,
    splink_predictions,
    weight_differences,
)

N = 3000
NOWHERE = "postgres://nobody@127.0.0.1:1/none"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("matching") / "registry.csv"
    write_csv(path, N, with_truth=True)
    return path


@pytest.fixture(scope="module")
def rows(registry: Path) -> list[dict[str, str]]:
    with registry.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def deduped(registry: Path) -> tuple[Any, list[dict[str, str]]]:
    out = registry.with_name("clusters.csv")
    result = dedupe_file(registry, out, threads=1)
    with out.open(newline="", encoding="utf-8") as handle:
        return result, list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def records(registry: Path) -> list[Prepared]:
    return prepare_columns(read_columns(registry))


def pairs_of(labels: Iterable[str]) -> set[tuple[int, int]]:
    """Every pair of row numbers that share a label."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    return {pair for members in groups.values() for pair in itertools.combinations(members, 2)}


def entity_number(entity_id: str) -> int:
    return int(entity_id.lstrip("E"))


def twin_pairs(rows: list[dict[str, str]], records: list[Prepared]) -> list[tuple[int, int]]:
    """Records of two people of one household (close entity numbers) with the same father's
    name and the same exact birth date: twins, by the generator's account of them."""
    by_day: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
    for i, p in enumerate(records):
        if p.father.key and p.dob and p.dob.month and not p.dob.estimated:
            by_day[(p.father.key, p.dob.year, p.dob.month, p.dob.day)].append(i)
    out = []
    for members in by_day.values():
        for a, b in itertools.combinations(members, 2):
            ea, eb = entity_number(rows[a]["entity_id"]), entity_number(rows[b]["entity_id"])
            if ea != eb and abs(ea - eb) < MAX_HOUSEHOLD_SIZE:
                out.append((a, b))
    return out


# --- dedupe_file ---------------------------------------------------------------------------


def test_every_row_gets_its_cluster_in_the_order_of_the_file(
    rows: list[dict[str, str]], deduped: tuple[Any, list[dict[str, str]]]
) -> None:
    result, out = deduped
    assert list(out[0]) == ["record_id", "cluster_id"]
    assert [r["record_id"] for r in out] == [r["record_id"] for r in rows]
    assert len(out) == N == result.records
    ids = {r["record_id"] for r in rows}
    cluster_of = {r["record_id"]: r["cluster_id"] for r in out}
    for r in out:
        assert r["cluster_id"] in ids
        assert cluster_of[r["cluster_id"]] == r["cluster_id"]  # a cluster is named by a member


def test_the_result_counts_what_was_written(deduped: tuple[Any, list[dict[str, str]]]) -> None:
    result, out = deduped
    sizes: dict[str, int] = defaultdict(int)
    for r in out:
        sizes[r["cluster_id"]] += 1
    assert result.clusters == len(sizes)
    assert result.duplicates == sum(n for n in sizes.values() if n > 1)
    assert result.pairs > 0
    assert result.seconds > 0


def test_pairwise_f1_against_the_truth_is_at_least_085(
    rows: list[dict[str, str]], deduped: tuple[Any, list[dict[str, str]]]
) -> None:
    _, out = deduped
    true = pairs_of(r["entity_id"] for r in rows)
    found = pairs_of(r["cluster_id"] for r in out)
    assert len(true) > 300
    hits = len(true & found)
    precision, recall = hits / len(found), hits / len(true)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.85, (precision, recall, f1)
    assert precision >= 0.85 and recall >= 0.8, (precision, recall)


def test_no_cluster_holds_two_document_numbers(
    records: list[Prepared], deduped: tuple[Any, list[dict[str, str]]]
) -> None:
    # Every number in a cluster is the cluster's number or one typo away from it.
    _, out = deduped
    numbers: dict[str, set[str]] = defaultdict(set)
    for p, r in zip(records, out, strict=True):
        if p.document:
            numbers[r["cluster_id"]].add(p.document)
    assert any(len(found) == 1 for found in numbers.values())
    for cluster_id, found in numbers.items():
        assert any(all(n == m or document_typo(n, m) for m in found) for n in found), (
            cluster_id,
            found,
        )


def test_no_twins_are_merged(
    rows: list[dict[str, str]],
    records: list[Prepared],
    deduped: tuple[Any, list[dict[str, str]]],
) -> None:
    _, out = deduped
    twins = twin_pairs(rows, records)
    assert len(twins) >= 10
    merged = [(rows[a], rows[b]) for a, b in twins if out[a]["cluster_id"] == out[b]["cluster_id"]]
    assert merged == []


# --- The command ---------------------------------------------------------------------------


def without_django() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = NOWHERE
    return env


def run_command(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own console script
        [str(BIN / "mehman"), "dedupe-file", *map(str, args)],
        capture_output=True,
        text=True,
        env=without_django(),
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_the_command_runs_without_django_settings_or_a_database(
    registry: Path, deduped: tuple[Any, list[dict[str, str]]], tmp_path: Path
) -> None:
    out = tmp_path / "clusters.csv"
    done = run_command(registry, out, "--threads", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    stderr = done.stderr.replace("\r", "\n")
    for stage in ("read", "prepare", "score", "cluster", "write", "100%"):
        assert stage in stderr
    assert f"{N} records" in stderr
    with out.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert written == deduped[1]  # the same clusters as dedupe_file


def test_a_missing_input_file_is_one_message_without_a_traceback(tmp_path: Path) -> None:
    done = run_command(tmp_path / "nothing.csv", tmp_path / "out.csv", cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert "nothing.csv" in lines[-1]
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"given_name,family_name\n\xd8\xb9\xd9\x84\xdb\x8c,x\n", "record_id"),
        (b"", "empty.csv"),
        (b"record_id,given_name\nR1,\xe9\xe8\n", "bad.csv"),
    ],
    ids=["without record_id", "empty", "not utf-8"],
)
def test_an_unusable_file_is_one_message_without_a_traceback(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / ("empty.csv" if not content else "bad.csv")
    path.write_bytes(content)
    done = run_command(path, tmp_path / "out.csv", cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    message = done.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert expected in message
    assert path.name in message


def test_the_engine_imports_without_django() -> None:
    code = (
        "import sys, mehman.matching.engine, mehman.matching.engine.pipeline, "
        "mehman.matching.engine.cli; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    done = subprocess.run(  # noqa: S603 -- the interpreter running the tests
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=without_django(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- SQL and Python on the generated registry -----------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[list[Prepared], list[tuple[int, int]]]:
    """800 generated records and pairs of every kind among them: one person's records,
    siblings (the same father and family name), twins, and strangers."""
    rows = list(generate_registry(800, seed=31))
    records = prepare_rows(rows)
    rng = random.Random(4)
    duplicates = sorted(pairs_of(r["entity_id"] for r in rows))
    families = pairs_of(
        f"{p.father.key}|{p.family.key}" if p.father.key else f"-{p.uid}" for p in records
    )
    siblings = sorted((a, b) for a, b in families if rows[a]["entity_id"] != rows[b]["entity_id"])
    twins = twin_pairs(rows, records)
    strangers = [tuple(sorted(rng.sample(range(len(rows)), 2))) for _ in range(100)]
    chosen = {*duplicates[:200], *rng.sample(siblings, min(len(siblings), 150)), *twins}
    chosen.update((a, b) for a, b in strangers if a != b)
    return records, sorted(chosen)


def test_sql_and_python_levels_agree_on_the_generated_registry(
    sample: tuple[list[Prepared], list[tuple[int, int]]],
) -> None:
    records, pairs = sample
    assert len(pairs) >= 300
    assert disagreements(records, pairs) == []


def test_splink_weights_equal_the_python_scorer_on_the_generated_registry(
    sample: tuple[list[Prepared], list[tuple[int, int]]],
) -> None:
    records, _ = sample
    frame = splink_predictions(records, artefact())
    assert len(frame) >= 300
    off, labels = weight_differences(records, artefact(), frame)
    assert off == []
    assert labels["given.exact"] and labels["family.exact"] and labels["document.typo"]

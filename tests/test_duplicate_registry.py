"""The synthetic registry with duplicates: deterministic, exactly sized, and honestly hard."""

from __future__ import annotations

import collections
import csv
import inspect
import itertools
import re
from pathlib import Path

import jdatetime
import psutil
import pytest

from mehman.core.digits import to_ascii_digits
from mehman.demo.people.duplicates import (
    COLUMNS,
    RegistryStats,
    generate_registry,
    main,
    write_csv,
)

N = 20_000
Rows = list[dict[str, str]]
ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@pytest.fixture(scope="module")
def generated() -> tuple[Rows, RegistryStats]:
    stats = RegistryStats(count_namesakes=True)
    return list(generate_registry(N, seed=11, stats=stats)), stats


@pytest.fixture(scope="module")
def rows(generated: tuple[Rows, RegistryStats]) -> Rows:
    return generated[0]


@pytest.fixture(scope="module")
def stats(generated: tuple[Rows, RegistryStats]) -> RegistryStats:
    return generated[1]


@pytest.fixture(scope="module")
def by_entity(rows: Rows) -> dict[str, Rows]:
    out: dict[str, Rows] = collections.defaultdict(list)
    for row in rows:
        out[row["entity_id"]].append(row)
    return out


@pytest.fixture(scope="module")
def duplicated_rows(rows: Rows, by_entity: dict[str, Rows]) -> Rows:
    """Rows of people who have more than one record."""
    return [row for row in rows if len(by_entity[row["entity_id"]]) > 1]


def digits_only(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", to_ascii_digits(text).upper())


def test_the_same_seed_gives_the_same_registry() -> None:
    assert list(generate_registry(3000, seed=5)) == list(generate_registry(3000, seed=5))


def test_another_seed_gives_another_registry() -> None:
    assert list(generate_registry(500, seed=5)) != list(generate_registry(500, seed=6))


@pytest.mark.parametrize("n", [0, 1, 7, 1234])
def test_exactly_n_rows_are_produced(n: int) -> None:
    assert sum(1 for _ in generate_registry(n, seed=3)) == n


def test_the_fixture_has_exactly_n_rows_and_its_stats_agree(
    rows: Rows, stats: RegistryStats, by_entity: dict[str, Rows]
) -> None:
    assert len(rows) == N == stats.rows
    assert len(by_entity) == stats.entities
    assert stats.duplicate_rows == N - len(by_entity)


def test_rows_have_the_dedupe_file_columns_as_strings(rows: Rows) -> None:
    for row in rows:
        assert tuple(row) == COLUMNS
        assert all(isinstance(value, str) for value in row.values())
        assert row["record_id"] and row["entity_id"]
        assert row["sex"] in ("M", "F", "")
        assert row["birth_date_estimated"] in ("0", "1")
        assert row["birth_date"] == "" or ISO.fullmatch(row["birth_date"])


def test_record_ids_are_unique_and_do_not_follow_people(rows: Rows) -> None:
    ids = [row["record_id"] for row in rows]
    assert len(set(ids)) == N
    # Records of one person are neither adjacent in the file nor in record_id order.
    adjacent = sum(a["entity_id"] == b["entity_id"] for a, b in itertools.pairwise(rows))
    by_id = sorted(rows, key=lambda row: row["record_id"])
    id_adjacent = sum(a["entity_id"] == b["entity_id"] for a, b in itertools.pairwise(by_id))
    assert adjacent < 20
    assert id_adjacent < 20


def test_the_true_pair_count_fits_the_duplicate_share(
    by_entity: dict[str, Rows], stats: RegistryStats
) -> None:
    pairs = sum(len(records) * (len(records) - 1) // 2 for records in by_entity.values())
    assert pairs == stats.true_pairs
    assert 0.20 * N <= pairs <= 0.30 * N
    duplicated = sum(len(records) > 1 for records in by_entity.values())
    assert 0.17 <= duplicated / len(by_entity) <= 0.23
    assert max(len(records) for records in by_entity.values()) == 4


def test_the_duplicate_share_is_honoured() -> None:
    none = collections.Counter(
        row["entity_id"] for row in generate_registry(3000, seed=2, duplicate_share=0.0)
    )
    assert set(none.values()) == {1}
    half = collections.Counter(
        row["entity_id"] for row in generate_registry(3000, seed=2, duplicate_share=0.5)
    )
    assert 0.45 <= sum(c > 1 for c in half.values()) / len(half) <= 0.55


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        generate_registry(-1)
    with pytest.raises(ValueError):
        generate_registry(10, duplicate_share=1.5)


def test_twins_share_birth_date_father_and_family_but_are_two_people(
    rows: Rows, by_entity: dict[str, Rows], stats: RegistryStats
) -> None:
    groups: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for row in rows:
        if row["birth_date_estimated"] == "0" and row["father_name"] and row["given_name"]:
            groups[(row["birth_date"], row["father_name"], row["family_name"])].add(
                row["entity_id"]
            )
    twins = [entities for entities in groups.values() if len(entities) > 1]
    assert len(twins) >= 0.8 * stats.twin_pairs >= 40
    given = {e: {r["given_name"] for r in by_entity[e]} for group in twins for e in group}
    close = [g for g in twins if {"حسن", "حسین"} <= set().union(*(given[e] for e in g))]
    assert close
    undocumented = [
        g for g in twins if not any(r["document_number"] for e in g for r in by_entity[e])
    ]
    assert undocumented
    assert 0.15 <= stats.twin_pairs_without_documents / stats.twin_pairs <= 0.35


def test_namesakes_siblings_and_sons_named_after_their_father_exist(
    rows: Rows, stats: RegistryStats
) -> None:
    assert stats.namesake_pairs >= 100
    assert stats.sibling_pairs > stats.sibling_pairs_with_exact_dates > 1000
    assert stats.sons_named_after_father > 0
    assert any(r["given_name"] == r["father_name"] == "محمد" for r in rows)


def test_siblings_can_share_a_phone(by_entity: dict[str, Rows]) -> None:
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for entity, records in by_entity.items():
        for r in records:
            if r["phone"]:
                owners[digits_only(r["phone"])[-10:]].add(entity)
    assert sum(len(e) > 1 for e in owners.values()) >= 100


def test_a_document_number_belongs_to_one_person(by_entity: dict[str, Rows]) -> None:
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for entity, records in by_entity.items():
        for r in records:
            if r["document_number"]:
                owners[digits_only(r["document_number"])].add(entity)
    assert sum(len(e) > 1 for e in owners.values()) <= 1  # only through a mistyped digit
    documented = sum(any(r["document_number"] for r in rs) for rs in by_entity.values())
    assert 0.5 <= documented / len(by_entity) <= 0.65


def test_about_a_third_of_people_have_no_family_name(by_entity: dict[str, Rows]) -> None:
    persian = [rs for rs in by_entity.values() if any(r["given_name"] for r in rs)]
    without = sum(not any(r["family_name"] for r in rs) for rs in persian)
    assert 0.27 <= without / len(persian) <= 0.40


def test_some_duplicates_carry_a_jalali_date_that_converts_exactly(
    duplicated_rows: Rows, by_entity: dict[str, Rows]
) -> None:
    jalali = [r for r in duplicated_rows if 1300 <= int(r["birth_date"][:4] or 0) <= 1420]
    assert len(jalali) >= 0.03 * len(duplicated_rows)
    exact = 0
    for r in jalali:
        y, m, d = map(int, r["birth_date"].split("-"))
        gregorian = jdatetime.date(y, m, d).togregorian().isoformat()
        exact += any(o["birth_date"] == gregorian for o in by_entity[r["entity_id"]])
    assert exact >= 0.5 * len(jalali)


def test_some_duplicates_are_in_latin_letters_only(duplicated_rows: Rows) -> None:
    latin_only = [
        r
        for r in duplicated_rows
        if r["given_name_latin"] and not r["given_name"] and not r["family_name"]
    ]
    assert len(latin_only) >= 0.04 * len(duplicated_rows)
    assert all(re.fullmatch(r"[A-Za-z -]+", r["given_name_latin"]) for r in latin_only)


def test_some_duplicates_use_arabic_code_points(duplicated_rows: Rows) -> None:
    arabic = [
        r
        for r in duplicated_rows
        if re.search("[يك]", r["given_name"] + r["family_name"] + r["father_name"])
    ]
    assert len(arabic) >= 0.05 * len(duplicated_rows)


def test_some_latin_spellings_differ_between_records_of_one_person(
    by_entity: dict[str, Rows],
) -> None:
    differing = sum(
        len({r["given_name_latin"] for r in rs if r["given_name_latin"]}) > 1
        for rs in by_entity.values()
    )
    assert differing >= 50


def test_rows_are_streamed_not_built_in_memory() -> None:
    process = psutil.Process()
    started = process.memory_info().rss
    stream = generate_registry(10**6, seed=1)
    assert inspect.isgenerator(stream)
    for _ in range(9_000):  # past the shuffle buffer
        next(stream)
    warm = process.memory_info().rss
    for _ in range(15_000):
        next(stream)
    # A million rows held at once would take gigabytes; fifteen thousand, about ten megabytes.
    assert warm - started < 100 * 2**20
    assert process.memory_info().rss - warm < 4 * 2**20


def test_write_csv_writes_a_header_and_the_truth_last(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    stats = write_csv(path, 500, seed=4)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        written = list(reader)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    assert written == list(generate_registry(500, seed=4))
    assert stats.rows == 500
    write_csv(path, 10, seed=4, with_truth=False)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS[:-1])


def test_the_command_prints_statistics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "registry.csv"
    assert main(["300", str(path), "--seed", "9", "--stats"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^rows +300$", out, re.MULTILINE)
    assert re.search(r"^true pairs +[0-9]+$", out, re.MULTILINE)
    assert "twin pairs" in out
    assert len(path.read_text(encoding="utf-8").splitlines()) == 301

"""A whole file at once: prepare, score candidate pairs with Splink on DuckDB, cluster.

``dedupe_file`` is what ``mehman dedupe-file`` runs; it needs no database of the project.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from mehman.matching.engine.cluster import Edge, cluster
from mehman.matching.engine.comparisons import COMPARISONS, levels, vetoed
from mehman.matching.engine.frame import Frequencies, derive_sql, to_arrow
from mehman.matching.engine.model import artefact, settings_for
from mehman.matching.engine.prepare import FIELDS, LatinTable, Prepared, latin_pairs, prepare

# Pairs at or above this probability are merged into one cluster (unless identifiers conflict),
# unless the model names its own threshold (chosen when it was trained).
MATCH_THRESHOLD = 0.5


def match_threshold(model: dict[str, Any] | None = None) -> float:
    return float((model or artefact()).get("mehman", {}).get("match_threshold", MATCH_THRESHOLD))


# Pairs kept from scoring (the review queue shows pairs down to here).
KEEP_THRESHOLD = 0.2

Progress = Callable[[str, float], None]


def _quiet(stage: str, fraction: float) -> None:
    return None


def read_rows(path: Path, extra: Sequence[str] = ()) -> Iterator[dict[str, str]]:
    """The rows of a file in the format of ``dedupe-file`` (missing columns read as empty)."""
    fields = (*FIELDS, *extra)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"record_id", *extra} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: the column {sorted(missing)[0]} is missing")
        for row in reader:
            yield {field: (row.get(field) or "").strip() for field in fields}


def read_columns(path: Path, extra: Sequence[str] = ()) -> dict[str, list[str]]:
    """The file's columns as lists of text (fast: pyarrow's CSV reader)."""
    from pyarrow import csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types={field: pa.string() for field in (*FIELDS, *extra)},
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise ValueError(f"{path}: not a readable CSV file ({error})") from error
    missing = {"record_id", *extra} - set(table.column_names)
    if missing:
        raise ValueError(f"{path}: the column {sorted(missing)[0]} is missing")
    n = table.num_rows
    return {
        field: [value.strip() for value in table.column(field).to_pylist()]
        if field in table.column_names
        else [""] * n
        for field in (*FIELDS, *extra)
    }


def prepare_columns(
    columns: dict[str, list[str]], progress: Callable[[float], None] | None = None
) -> list[Prepared]:
    """Prepare every row; the Latin→Persian table is learnt from the rows themselves.

    ``progress`` is called with the share done, every 50,000 rows.
    """
    pairs = [
        *zip(columns["given_name_latin"], columns["given_name"], strict=True),
        *zip(columns["family_name_latin"], columns["family_name"], strict=True),
    ]
    table = LatinTable.learn((latin, persian) for latin, persian in pairs if latin and persian)
    names = list(FIELDS)
    total = len(columns["record_id"]) or 1
    records = []
    for i, values in enumerate(zip(*(columns[name] for name in names), strict=True)):
        records.append(prepare(i, dict(zip(names, values, strict=True)), table))
        if progress is not None and i % 50_000 == 49_999:
            progress((i + 1) / total)
    return records


def prepare_rows(rows: Sequence[dict[str, str]]) -> list[Prepared]:
    table = LatinTable.learn(latin_pairs(rows))
    return [prepare(i, row, table) for i, row in enumerate(rows)]


def read_prepared(
    path: Path, extra: Sequence[str] = ()
) -> tuple[list[Prepared], Frequencies, pa.Table]:
    """The records of a file, prepared; ``extra`` columns are carried into the table as read."""
    columns = read_columns(path, extra)
    records = prepare_columns(columns)
    frequencies = Frequencies.count(records)
    table = to_arrow(records)
    for column in extra:
        table = table.append_column(column, pa.array(columns[column]))
    return records, frequencies, table


@dataclass
class Scored:
    pairs: list[Edge]  # (probability, uid_l, uid_r), KEEP_THRESHOLD and above
    candidates: int
    documents_reliable: bool = True


# Fewer records with a document number than this tell nothing of how many duplicates a file
# holds; the prior never goes below MIN_RATE duplicate pairs per record.
MIN_WITH_DOCUMENT = 100
MIN_RATE = 0.002
# Numbers are reliable when at most this share of one person's record pairs (as the calibration
# finds them) carry two different numbers; the synthetic registry shows about 1 %, FEBRL 5-10 %.
DOCUMENT_CONFLICTS = 0.025
# Pairs sharing a document number needed before they may loosen the model's m.
MIN_LOOSENING_PAIRS = 50


@dataclass
class Calibration:
    """What a file says about itself, read before scoring it.

    Pairs with the same given name, the same father's or family name and the same exact birth
    date are almost all one person (twins differ in the given name). Among them, how often do
    both document numbers agree? Where numbers often conflict (a file whose numbers were typed
    badly), a conflict is weaker evidence and no longer keeps records apart. And how many
    pairs share a number at all? That, divided by how often one person's two records do,
    estimates how many duplicates the file holds: the model's prior. The pairs sharing a number
    also show how one person's records differ in this file (``loosen``), and the pairs whose
    numbers are a typo apart how often two people's numbers meet by chance (``chance_typos``).
    """

    sure_pairs: int
    both_documents: int
    same: int
    typo: int
    conflict: int
    document_pairs: int
    with_document: int
    records: int
    # Per comparison, how many pairs sharing a document number take each level.
    document_levels: dict[str, list[int]] = field(default_factory=dict)
    # Pairs whose numbers are one typo apart (found through the number's blocking keys).
    typo_pairs: int = 0

    @property
    def documents_reliable(self) -> bool:
        if self.both_documents < 30:
            return True
        return self.conflict <= DOCUMENT_CONFLICTS * self.both_documents

    def duplicates_per_record(self) -> float | None:
        """Expected duplicate pairs per record, from the pairs sharing a document number.

        One person's two records share a number when both carry one and they agree (as the
        sure pairs show, else 95 %). None when too few records carry a number to tell.
        """
        if self.with_document < MIN_WITH_DOCUMENT or not self.records:
            return None
        agree = self.same / self.both_documents if self.both_documents >= 30 else 0.95
        present = (self.with_document / self.records) ** 2
        matches = self.document_pairs / (present * max(agree, 0.05))
        return min(max(matches / self.records, MIN_RATE), 5.0)

    def adjust(self, model: dict[str, Any]) -> dict[str, Any]:
        """The model with the document's m and the prior as this file shows them."""
        model = json.loads(json.dumps(model))
        rate = self.duplicates_per_record()
        if rate is not None:
            model.setdefault("mehman", {})["duplicates_per_record"] = rate
        if not self.documents_reliable:
            shares = {
                "exact": self.same / self.both_documents,
                "typo": self.typo / self.both_documents,
                "else": self.conflict / self.both_documents,
            }
            for comparison in model["comparisons"]:
                if comparison["output_column_name"] != "document":
                    continue
                for level in comparison["comparison_levels"]:
                    share = shares.get(level.get("label_for_charts", ""))
                    if share is not None:
                        level["m_probability"] = max(share, 1e-4)
        self.loosen(model)
        self.chance_typos(model)
        return model

    def chance_typos(self, model: dict[str, Any]) -> None:
        """How often two different people's numbers are one typo apart, as this file shows it.

        Short numbers meet by chance far more often than the training file's long ones did:
        the pairs one typo apart, less those expected of one person's records, over all pairs
        of records with a number."""
        if self.with_document < MIN_WITH_DOCUMENT or not self.same:
            return
        expected_true = self.document_pairs * self.typo / self.same
        pairs = self.with_document * (self.with_document - 1) / 2
        chance = max(self.typo_pairs - expected_true, 0.0) / pairs
        for comparison in model["comparisons"]:
            if comparison["output_column_name"] != "document":
                continue
            for level in comparison["comparison_levels"]:
                if level.get("label_for_charts") == "typo":
                    level["u_probability"] = max(float(level["u_probability"]), chance)

    def loosen(self, model: dict[str, Any]) -> None:
        """Where one person's records in this file differ more often than in the training file
        (a level the pairs sharing a number take more often than the model expects), that
        level's m rises to what the file shows; the others shrink in proportion."""
        for comparison in model["comparisons"]:
            counts = self.document_levels.get(comparison["output_column_name"])
            if not counts:
                continue
            total = sum(counts[1:])
            if total < MIN_LOOSENING_PAIRS:
                continue
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            raised = False
            for level, count in zip(levels, counts[1:], strict=True):
                share = count / total
                if count >= 2 and share > float(level["m_probability"]):
                    level["m_probability"] = share
                    raised = True
            if raised:
                mass = sum(float(level["m_probability"]) for level in levels)
                for level in levels:
                    level["m_probability"] = float(level["m_probability"]) / mass


TYPO = (
    "length(a) = length(b) AND (levenshtein(a, b) <= 1"
    " OR (a_sorted = b_sorted AND levenshtein(a, b) <= 2))"
)


# Comparisons whose m the file's own pairs may loosen (not the document: those pairs share one).
LOOSENED = ("given", "father", "family", "birth_date", "sex", "phone")
# Documents shared by more records than this are not one person's.
MAX_DOCUMENT_GROUP = 4


def level_case(comparison: Any) -> str:
    """SQL giving the index of the level a pair takes in ``comparison``."""
    parts = []
    for i, level in enumerate(comparison.levels):
        if level.sql == "ELSE":
            parts.append(f"ELSE {i}")
        else:
            parts.append(f"WHEN {level.sql} THEN {i}")
    return "CASE " + " ".join(parts) + " END"


def document_pair_levels(con: Any, name: str) -> dict[str, list[int]]:
    """How the pairs sharing a document number compare, level by level: one person's records,
    nearly all (two records sharing a number by chance are rare)."""
    columns = [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]
    select = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    wanted = [c for c in COMPARISONS if c.name in LOOSENED]
    cases = ", ".join(f"{level_case(c)} AS {c.name}" for c in wanted)
    rows = con.execute(
        f"""WITH shared AS (
              SELECT doc FROM {name} WHERE doc IS NOT NULL GROUP BY doc
              HAVING count(*) BETWEEN 2 AND {MAX_DOCUMENT_GROUP}),
            pairs AS (
              SELECT {select} FROM {name} l JOIN {name} r
                ON l.doc = r.doc AND l.unique_id < r.unique_id
              WHERE l.doc IN (SELECT doc FROM shared))
            SELECT {cases} FROM pairs"""
    ).fetchall()
    out = {}
    for i, comparison in enumerate(wanted):
        counts = [0] * len(comparison.levels)
        for row in rows:
            counts[row[i]] += 1
        out[comparison.name] = counts
    return out


def calibrate(con: Any, name: str) -> Calibration:
    sure = f"""
        SELECT l.doc AS a, r.doc AS b, l.doc_sorted AS a_sorted, r.doc_sorted AS b_sorted
        FROM {name} l JOIN {name} r
          ON l.g = r.g AND l.dy = r.dy AND l.dm = r.dm AND l.dd = r.dd
         AND l.de = 0 AND r.de = 0 AND l.dm > 0 AND (l.s = r.s OR l.f = r.f)
         AND l.unique_id < r.unique_id"""
    row = con.execute(
        f"""SELECT count(*),
            count(*) FILTER (WHERE a IS NOT NULL AND b IS NOT NULL),
            count(*) FILTER (WHERE a = b),
            count(*) FILTER (WHERE a <> b AND {TYPO}),
            count(*) FILTER (WHERE a <> b AND NOT ({TYPO}))
        FROM ({sure})"""
    ).fetchall()[0]
    shared, with_document, records = con.execute(
        f"""SELECT (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM
                      (SELECT count(*) AS n FROM {name} WHERE doc IS NOT NULL GROUP BY doc)),
                   (SELECT count(doc) FROM {name}), (SELECT count(*) FROM {name})"""
    ).fetchall()[0]
    sure_pairs, both, same, typo, conflict = (int(x) for x in row)
    found = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM {name} l JOIN {name} r"
        f" ON l.{key} = r.{key} AND l.unique_id < r.unique_id AND l.doc <> r.doc"
        f" WHERE length(l.doc) = length(r.doc) AND (levenshtein(l.doc, r.doc) <= 1"
        f" OR (l.doc_sorted = r.doc_sorted AND levenshtein(l.doc, r.doc) <= 2))"
        for key in ("b_docs", "b_doc1", "b_doc2")
    )
    typo_pairs = int(con.execute(f"SELECT count(*) FROM ({found})").fetchall()[0][0])
    return Calibration(
        sure_pairs,
        both,
        same,
        typo,
        conflict,
        int(shared),
        int(with_document),
        int(records),
        document_pair_levels(con, name),
        typo_pairs,
    )


def derived(table: pa.Table, *, threads: int = 2) -> tuple[Any, str]:
    """A DuckDB connection holding ``table`` with what ``frame.derive_sql`` adds, and its name."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    con.register("prepared_input", table)
    for statement in derive_sql("prepared_input"):
        con.execute(statement)
    con.unregister("prepared_input")
    return con, "records"


def score(
    table: pa.Table,
    n_records: int,
    *,
    threads: int = 2,
    model: dict[str, Any] | None = None,
    backend: str = "duckdb",
    spark: Any = None,
) -> Scored:
    """Score the blocked pairs of ``table`` (``frame.to_arrow``) with the trained model.

    The model runs in Splink, on DuckDB here, or on Spark when ``backend`` is "spark" (with
    a SparkSession): the same settings and parameters, the same SQL.
    """
    from splink import Linker

    con, name = derived(table, threads=threads)
    calibration = calibrate(con, name)
    settings = settings_for(n_records, calibration.adjust(model or artefact()))
    if backend == "spark":
        from splink.backends.spark import SparkAPI

        frame = con.execute(f"SELECT * FROM {name}").fetch_df()
        con.close()
        # Persisting breaks lineage without a checkpoint directory; levenshtein is Spark SQL's
        # own, so Splink's similarity jar is not needed.
        db_api: Any = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark, break_lineage_method="persist", register_udfs_automatically=False
        )
        sdf = db_api.register(spark.createDataFrame(frame))
    else:
        from splink.backends.duckdb import DuckDBAPI

        db_api = DuckDBAPI(connection=con)
        sdf = db_api.register(name)
    linker = Linker(sdf, settings, log_level="ERROR")
    predictions = linker.inference.predict(threshold_match_probability=KEEP_THRESHOLD)
    frame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    pairs = list(
        zip(
            frame["match_probability"].tolist(),
            frame["unique_id_l"].tolist(),
            frame["unique_id_r"].tolist(),
            strict=True,
        )
    )
    return Scored(
        pairs=pairs, candidates=len(pairs), documents_reliable=calibration.documents_reliable
    )


def mergeable(
    records: Sequence[Prepared],
    frequencies: Frequencies,
    pairs: Sequence[Edge],
    threshold: float = MATCH_THRESHOLD,
    *,
    documents_reliable: bool = True,
) -> list[Edge]:
    """The pairs at or above ``threshold`` that no veto keeps apart."""
    buckets = frequencies.buckets()
    out = []
    for edge in pairs:
        probability, a, b = edge
        if probability < threshold:
            continue
        x, y = records[a], records[b]
        if not vetoed(x, y, levels(x, y, buckets), documents_reliable=documents_reliable):
            out.append(edge)
    return out


@dataclass
class Result:
    records: int
    clusters: int
    duplicates: int  # records in a cluster with another
    pairs: int
    seconds: float


def dedupe_file(
    input_path: Path,
    output_path: Path,
    *,
    threads: int = 2,
    progress: Progress = _quiet,
) -> Result:
    """Cluster the records of ``input_path``; write ``record_id,cluster_id`` for every row."""
    started = time.perf_counter()
    progress("read", 0.0)
    columns = read_columns(input_path)
    progress("prepare", 0.1)
    records = prepare_columns(columns, lambda done: progress("prepare", 0.1 + 0.2 * done))
    del columns
    frequencies = Frequencies.count(records)
    table = to_arrow(records)
    progress("score", 0.3)
    scored = score(table, len(records), threads=threads)
    del table
    progress("cluster", 0.8)
    threshold = match_threshold()
    reliable = scored.documents_reliable
    edges = mergeable(records, frequencies, scored.pairs, threshold, documents_reliable=reliable)
    clusters = cluster(records, edges, threshold=threshold, documents_reliable=reliable)
    progress("write", 0.9)
    sizes: dict[int, int] = {}
    for root in clusters:
        sizes[root] = sizes.get(root, 0) + 1
    with output_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "cluster_id"])
        for p in records:
            writer.writerow([p.record_id, records[clusters[p.uid]].record_id])
    progress("done", 1.0)
    return Result(
        records=len(records),
        clusters=len(sizes),
        duplicates=sum(n for n in sizes.values() if n > 1),
        pairs=len(scored.pairs),
        seconds=time.perf_counter() - started,
    )

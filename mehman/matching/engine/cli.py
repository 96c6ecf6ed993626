"""``mehman dedupe-file INPUT.csv OUTPUT.csv [--threads N]``: the engine on a file, no database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from mehman.matching.engine.pipeline import dedupe_file


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mehman dedupe-file",
        description=(
            "Find the records of one person in a CSV file (columns: record_id, given_name, "
            "family_name, father_name, sex, birth_date, birth_date_estimated, "
            "given_name_latin, family_name_latin, document_number, phone) and write "
            "record_id,cluster_id for every row."
        ),
    )
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--threads", type=int, default=2, help="threads for DuckDB (default 2)")
    args = parser.parse_args(argv)
    if not args.input.is_file():
        parser.error(f"{args.input}: no such file")
    bar = tqdm(total=100, unit="%", file=sys.stderr, bar_format="{l_bar}{bar}| {elapsed}")

    def progress(stage: str, fraction: float) -> None:
        bar.set_description(stage)
        bar.update(max(0, round(fraction * 100) - bar.n))

    try:
        result = dedupe_file(args.input, args.output, threads=args.threads, progress=progress)
    except ValueError as error:
        bar.close()
        sys.stderr.write(f"{error}\n")
        return 2
    bar.close()
    sys.stderr.write(
        f"{result.records} records, {result.clusters} clusters, "
        f"{result.duplicates} records with a duplicate, {result.seconds:.1f} s\n"
    )
    return 0

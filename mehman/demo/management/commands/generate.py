"""`mehman generate`: a synthetic population of refugee households as CSV."""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from mehman.demo import people


class Command(BaseCommand):
    help = (
        "Write a deterministic synthetic population of Afghan refugee households as CSV "
        "(UTF-8, one row per person; the same seed gives the same people)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households", type=int, required=True, help="Number of households to generate."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same output."
        )
        parser.add_argument(
            "--settlement",
            default="TJ",
            help="Settlement code prefixed to household references (default: TJ).",
        )
        parser.add_argument(
            "--start-serial",
            type=int,
            default=1,
            help="Serial number of the first household reference (default: 1).",
        )
        parser.add_argument(
            "--output",
            default="-",
            help="CSV file to write, or - for standard output (default: -).",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Hide the progress bar (hidden anyway when stderr is not a terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["households"]
        started = time.perf_counter()
        with tqdm(
            total=n,
            unit="hh",
            desc="households",
            file=sys.stderr,
            disable=True if options["no_progress"] else None,
        ) as bar:
            households = people.generate(
                n,
                seed=options["seed"],
                settlement_code=options["settlement"],
                start_serial=options["start_serial"],
                progress=bar.update,
            )
            if options["output"] == "-":
                try:
                    persons = self.write(households, self.stdout)
                except BrokenPipeError:  # the reader stopped early (`| head`): not an error
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return
            else:
                with open(options["output"], "w", encoding="utf-8", newline="") as out:
                    persons = self.write(households, out)
        seconds = time.perf_counter() - started
        summary = f"{n} households, {persons} persons in {seconds:.1f} s"
        if options["output"] == "-":
            self.stderr.write(summary, style_func=str)  # a summary, not an error: no red
        else:
            self.stdout.write(summary)

    def write(self, households: Iterable[people.Household], out: Any) -> int:
        """Write the CSV header and rows to ``out``; return the number of persons."""
        writer = csv.DictWriter(out, fieldnames=people.FIELDS)
        writer.writeheader()
        persons = 0
        for row in people.to_rows(households):
            writer.writerow(row)
            persons += 1
        return persons

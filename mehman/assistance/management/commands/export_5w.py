"""`mehman export_5w OUT`: the 5W table of activities as HXL CSV or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mehman.assistance import exports
from mehman.core.models import Settlement
from mehman.partners.models import Activity, ActivityStatus, Sector


class Command(BaseCommand):
    help = (
        "Export the 5W table (who, what, where, when, for whom: targeted and reached by sex "
        "and age) with the HXL hashtag row under the header. Counts only, no names."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="File to write (.csv or .xlsx).")
        parser.add_argument("--settlement", help="Only this settlement (code, e.g. TJ).")
        parser.add_argument("--sector", choices=Sector.values, help="Only this sector.")
        parser.add_argument("--status", choices=ActivityStatus.values, help="Only this status.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = exports.XLSX if out.suffix.lower() == ".xlsx" else exports.CSV
        activities = Activity.objects.all()
        if options["settlement"]:
            settlement = Settlement.objects.filter(code=options["settlement"].upper()).first()
            if settlement is None:
                raise CommandError(f"No settlement with code {options['settlement']!r}.")
            activities = activities.filter(settlement=settlement)
        for name in ("sector", "status"):
            if options[name]:
                activities = activities.filter(**{name: options[name]})
        rows = exports.five_w_rows(activities)
        if fmt == exports.CSV:
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                written = exports.write_five_w(handle, rows, fmt=fmt)
        else:
            with out.open("wb") as handle:
                written = exports.write_five_w(handle, rows, fmt=fmt)
        self.stdout.write(f"{written} activities written to {out}")

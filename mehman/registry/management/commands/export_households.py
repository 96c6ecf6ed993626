"""`mehman export_households OUT`: households as CSV or Excel, in the import's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.registry import exports
from mehman.registry.models import HouseholdStatus


class Command(BaseCommand):
    help = (
        "Export households, one row per living member, in the columns of the import "
        "(docs/import-format.md). Without --user, every household (of --settlement) is "
        "exported; with it, only what that user may export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="File to write (.csv or .xlsx).")
        parser.add_argument("--settlement", help="Only this settlement (code, e.g. TJ).")
        parser.add_argument(
            "--format",
            choices=exports.FORMATS,
            help="File format (default: from the file name, else csv).",
        )
        parser.add_argument(
            "--hxl", action="store_true", help="Add an HXL hashtag row under the header."
        )
        parser.add_argument("--status", choices=HouseholdStatus.values, help="Only this status.")
        parser.add_argument("--block", help="Only this block.")
        parser.add_argument("--user", help="Export as this user (their scope and capability).")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = options["format"] or (exports.XLSX if out.suffix.lower() == ".xlsx" else exports.CSV)
        settlement = None
        if options["settlement"]:
            settlement = Settlement.objects.filter(code=options["settlement"].upper()).first()
            if settlement is None:
                raise CommandError(f"No settlement with code {options['settlement']!r}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
            if not user.has_capability("registry.export"):
                raise CommandError(f"{user.username} may not export households.")
        filters = {name: options[name] for name in ("status", "block") if options[name]}
        people = exports.people_to_export(user, settlement=settlement, filters=filters)
        with Reporter(bar=True, description="people", total=people.count()) as reporter:
            written = exports.export_households(
                out,
                people,
                fmt=fmt,
                hxl=options["hxl"],
                with_settlement=settlement is None,
                progress=reporter,
            )
            reporter.finish()
        self.stdout.write(gettext("Wrote %(n)s people to %(file)s.") % {"n": written, "file": out})

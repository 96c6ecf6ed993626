"""`mehman import_households FILE --settlement TJ`: households from a CSV or Excel file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.registry import imports
from mehman.registry.models import HouseholdStatus


class Command(BaseCommand):
    help = (
        "Import households from a CSV (UTF-8) or Excel (.xlsx) file with one row per person "
        "(docs/import-format.md). The file is checked first; nothing is imported if any row "
        "has a problem. Households already imported (same external id) are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or .xlsx file.")
        parser.add_argument(
            "--settlement", required=True, help="Code of the settlement to import into, e.g. TJ."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only check the file and print its report; change nothing.",
        )
        parser.add_argument(
            "--status",
            default=HouseholdStatus.APPLICANT,
            choices=[str(s) for s in imports.IMPORTABLE_STATUSES],
            help="Status of households whose row has none (default: applicant).",
        )
        parser.add_argument(
            "--user", help="Username recorded as having imported (history and timeline)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        settlement = Settlement.objects.filter(code=options["settlement"].upper()).first()
        if settlement is None:
            raise CommandError(f"No settlement with code {options['settlement']!r}.")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user {options['user']!r}.")
        passes = 1 if options["dry_run"] else 2  # checked, then written
        total = imports.estimate_rows(path) * passes
        with Reporter(bar=True, description="rows", total=total) as reporter:
            if options["dry_run"]:
                report = imports.check_households(
                    path=path, settlement=settlement, status=options["status"], progress=reporter
                )
                reporter.finish()
                self.print_report(report)
                if not report.ok:
                    raise CommandError(gettext("The file has problems."))
                return
            try:
                result, report = imports.import_households(
                    path=path,
                    settlement=settlement,
                    by=by,
                    status=options["status"],
                    source=path.name,
                    progress=reporter,
                )
            except imports.ImportRefused as refused:
                reporter.finish()
                self.print_report(refused.report)
                raise CommandError(
                    gettext("The file has problems; nothing was imported.")
                ) from None
            reporter.finish()
        self.stdout.write(
            gettext(
                "Imported %(households)s households with %(people)s people (%(references)s); "
                "%(skipped)s already imported, skipped."
            )
            % {
                "households": result.households,
                "people": result.individuals,
                "references": " … ".join(result.references) or "-",
                "skipped": result.skipped,
            }
        )

    def print_report(self, report: imports.Report) -> None:
        self.stdout.write(
            gettext(
                "%(rows)s rows, %(households)s households: %(new)s new (%(people)s people), "
                "%(old)s already imported; %(problems)s problems."
            )
            % {
                "rows": report.rows,
                "households": report.households,
                "new": report.new_households,
                "people": report.new_individuals,
                "old": report.already_imported,
                "problems": report.problem_count,
            }
        )
        for problem in report.sorted_problems():
            self.stdout.write(f"  {problem}")
        if report.problem_count > len(report.problems):
            more = report.problem_count - len(report.problems)
            self.stdout.write("  " + gettext("… and %(n)s more.") % {"n": more})
        if report.ignored_columns:
            self.stdout.write(
                gettext("Ignored columns: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )

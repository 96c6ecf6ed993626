"""`mehman match_registry TJ`: a duplicate search across a settlement's registry, now."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop

from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.matching import services
from mehman.matching.services import runs

SUMMARY = gettext_noop(
    "Run %(reference)s: %(people)s people compared, %(candidates)s pairs scored, "
    "%(proposed)s pairs proposed for review, %(skipped)s pairs already judged."
)


class Command(BaseCommand):
    help = (
        "Compare every current person of a settlement with the others (the same run a manager "
        "starts from the matching pages, without a worker) and fill the review queue; prints "
        "what it found. A pair judged different people is never proposed again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("settlement", help="The settlement's code, e.g. TJ.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["settlement"].strip().upper()
        settlement = Settlement.objects.filter(code=code).first()
        if settlement is None:
            raise CommandError(f"No settlement with code {code!r}.")
        try:
            run = services.start_run(settlement=settlement, by=None, enqueue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        reporter = Reporter(
            run.progress, total=runs.PROGRESS_TOTAL, bar=True, description=run.reference
        )
        run = services.execute_run(run, reporter=reporter)
        self.stdout.write(
            gettext(SUMMARY)
            % {
                "reference": run.reference,
                "people": run.people,
                "candidates": run.candidates,
                "proposed": run.proposed,
                "skipped": run.skipped_rejected,
            }
        )

"""`mehman housing_daily [--settlement TJ] [--date YYYY-MM-DD]`: housing's daily round."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.housing import services
from mehman.housing.models import Offer, Unit


class Command(BaseCommand):
    help = (
        "Run once a day (e.g. from cron, after intake_daily): offers of units not answered "
        "in time lapse with their application, offers whose application was withdrawn or "
        "closed meanwhile are closed, and their units are free to offer again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--settlement", help="Only this settlement (code, e.g. TJ); default: every active one."
        )
        parser.add_argument(
            "--date",
            help="The day to run for, YYYY-MM-DD (default: today). Offers due before it lapse.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = self.day(options["date"])
        settlements = Settlement.objects.filter(is_active=True).order_by("code")
        if options["settlement"]:
            settlements = Settlement.objects.filter(code=options["settlement"].strip().upper())
            if not settlements.exists():
                raise CommandError(f"No settlement with code {options['settlement']!r}.")
        listed = list(settlements)
        lines = []
        with Reporter(bar=True, description="settlements", total=len(listed)) as reporter:
            for settlement in listed:
                lines.append(self.run(settlement, day))
                reporter.advance()
            reporter.finish()
        self.stdout.write(gettext("Housing round of %(day)s:") % {"day": day.isoformat()})
        for line in lines:
            self.stdout.write(line)

    def day(self, text: str | None) -> date:
        if not text:
            return dates.today()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}.") from None

    def run(self, settlement: Settlement, day: date) -> str:
        closed = services.lapse_offers(settlement=settlement, day=day)
        return gettext(
            "%(settlement)s: %(closed)s offers closed (not answered in time, or the application "
            "closed meanwhile); %(open)s offers awaiting an answer; %(vacant)s vacant units."
        ) % {
            "settlement": settlement.code,
            "closed": closed,
            "open": Offer.objects.filter(settlement=settlement).open().count(),
            "vacant": Unit.objects.filter(settlement=settlement).vacant().count(),
        }

"""`mehman intake_daily [--settlement TJ] [--date YYYY-MM-DD]`: the waitlist's daily round."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.intake import services
from mehman.intake.models import Application, RankingReason
from mehman.intake.services.status import forget_old_lookups


class Command(BaseCommand):
    help = (
        "Run once a day (e.g. from cron): lapse offers not answered in time and applications "
        "of households that are no longer applicants, re-read the "
        "information of every waitlisted household from the registry, re-rank the waitlist "
        "for the waiting time, and forget status-page lookups older than a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--settlement", help="Only this settlement (code, e.g. TJ); default: every active one."
        )
        parser.add_argument(
            "--date",
            help="The day to run for, YYYY-MM-DD (default: today). Offers due before it lapse "
            "and waiting time is counted up to it.",
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
            forgotten = forget_old_lookups()
            reporter.finish()
        self.stdout.write(gettext("Daily round of %(day)s:") % {"day": day.isoformat()})
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(
            gettext("%(count)s old status-page lookups forgotten.") % {"count": forgotten}
        )

    def day(self, text: str | None) -> date:
        if not text:
            return dates.today()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}.") from None

    def run(self, settlement: Settlement, day: date) -> str:
        expired = services.expire_overdue_offers(day=day, settlement=settlement)
        orphaned = services.close_orphaned(settlement=settlement)
        refreshed = services.refresh_settlement(settlement=settlement)
        waiting = None
        if Application.objects.filter(settlement=settlement, rank__isnull=False).exists() or (
            Application.objects.ranked().filter(settlement=settlement).exists()
        ):
            waiting = services.rerank(
                settlement=settlement, reason=RankingReason.WAITING, as_of=day
            )
        return gettext(
            "%(settlement)s: %(expired)s offers lapsed; %(orphaned)s applications closed because "
            "the household is no longer an applicant; %(data)s households moved after their "
            "information was re-read; %(waiting)s moved after waiting time was counted; "
            "%(ranked)s on the waitlist."
        ) % {
            "settlement": settlement.code,
            "expired": expired,
            "orphaned": orphaned,
            "data": refreshed.moved if refreshed else 0,
            "waiting": waiting.moved if waiting else 0,
            "ranked": waiting.ranked if waiting else 0,
        }

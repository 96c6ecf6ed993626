"""`mehman residence_daily [--settlement TJ] [--date YYYY-MM-DD] [--no-sms] [--no-digest]`:
residence's daily round."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.residence import services
from mehman.residence.services import digests
from mehman.residence.services import messages as message_services


class Command(BaseCommand):
    help = (
        "Run once a day (e.g. from cron): opens the reviews of terms that have fallen due, "
        "queues text-message reminders to residents (reviews due, terms ending within 90 "
        "days, documents expiring within 30 days; each sent once), then e-mails each staff "
        "member the digest of what is due for them (once a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--settlement", help="Only this settlement (code, e.g. TJ); default: every active one."
        )
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--no-sms", action="store_true", help="Do not queue reminders to residents."
        )
        parser.add_argument(
            "--no-digest", action="store_true", help="Do not e-mail the staff digests."
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
                lines.append(self.run(settlement, day, sms=not options["no_sms"]))
                reporter.advance()
            reporter.finish()
        self.stdout.write(gettext("Residence round of %(day)s:") % {"day": day.isoformat()})
        for line in lines:
            self.stdout.write(line)
        if not options["no_digest"]:
            sent = digests.send_digests(on=day)
            self.stdout.write(gettext("%(count)s daily digests e-mailed.") % {"count": sent})

    def day(self, text: str | None) -> date:
        if not text:
            return dates.today()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}.") from None

    def run(self, settlement: Settlement, day: date, *, sms: bool) -> str:
        opened = services.open_due_reviews(settlement=settlement, on=day)
        line = gettext("%(settlement)s: %(opened)s reviews opened.") % {
            "settlement": settlement.code,
            "opened": opened,
        }
        if not sms:
            return line
        counts = message_services.queue_reminders(settlement=settlement, on=day)
        return (
            line
            + " "
            + gettext(
                "Reminders queued: %(reviews)s reviews due, %(terms)s terms ending, "
                "%(documents)s documents expiring; %(no_phone)s households without a phone."
            )
            % {
                "reviews": counts["review_due"],
                "terms": counts["term_ending"],
                "documents": counts["document_expiring"],
                "no_phone": counts["no_phone"],
            }
        )

"""`mehman residence_daily`: reviews fallen due are opened, reminders queued once, digests
e-mailed once a day."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from mehman.accounts.models import User
from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.residence import services, sms
from mehman.residence.models import ResidenceTerm, Review, ReviewStatus, TermStatus, TextMessage


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.MEHMAN_SMS_BACKEND = "mehman.residence.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    return sms.MemoryBackend.outbox


def daily(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("residence_daily", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def term_due(settlement_a, alice, mona) -> ResidenceTerm:
    """A term started seven months ago: its six-monthly review has come."""
    household = resident(settlement_a, by=alice, phone="09121234567")
    return services.start_term(
        household=household, by=mona, started_on=dates.today() - timedelta(days=213)
    )


def test_the_round_opens_reviews_due_queues_reminders_and_emails_digests(
    term_due, carla, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=carla.pk).update(email="carla@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        out = daily()

    review = Review.objects.get(term=term_due)
    assert review.status == ReviewStatus.OPEN
    assert ResidenceTerm.objects.get(pk=term_due.pk).status == TermStatus.UNDER_REVIEW
    message = TextMessage.objects.get()
    assert (message.template, message.key, message.status) == (
        "review_due",
        f"review:{review.uuid}",
        "sent",
    )
    assert [m.to for m in mailoutbox] == [["carla@example.org"]]
    assert term_due.reference in mailoutbox[0].body
    assert f"Residence round of {dates.today().isoformat()}:" in out
    assert "TJ: 1 reviews opened." in out
    assert "Reminders queued: 1 reviews due, 0 terms ending, 0 documents expiring" in out
    assert "1 daily digests e-mailed." in out


def test_a_second_round_the_same_day_does_nothing_again(term_due, carla, mailoutbox):
    User.objects.filter(pk=carla.pk).update(email="carla@example.org")
    daily()

    out = daily()

    assert Review.objects.filter(term=term_due).count() == 1
    assert TextMessage.objects.count() == 1
    assert len(mailoutbox) == 1
    assert "TJ: 0 reviews opened." in out
    assert "0 daily digests e-mailed." in out


def test_no_sms_and_no_digest_leave_them_out(term_due, carla, mailoutbox):
    User.objects.filter(pk=carla.pk).update(email="carla@example.org")

    out = daily("--no-sms", "--no-digest")

    assert Review.objects.filter(term=term_due).exists()
    assert not TextMessage.objects.exists()
    assert mailoutbox == []
    assert "Reminders queued" not in out
    assert "digests" not in out


def test_the_round_runs_for_the_settlement_asked(term_due, settlement_b):
    out = daily("--settlement", "sv", "--no-digest")

    assert not Review.objects.exists()
    assert "SV: 0 reviews opened." in out
    assert "TJ:" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--settlement", "ZZ"], "No settlement with code 'ZZ'."), (["--date", "x"], "Not a date")],
)
def test_an_unknown_settlement_or_a_wrong_date_is_an_error(settlement_a, args: Any, message):
    with pytest.raises(CommandError, match=message):
        daily(*args)


def test_the_mehman_script_runs_the_round(settlement_a, capsys):
    from mehman import cli

    with translation.override("en"):
        cli.main(["mehman", "residence_daily", "--no-digest"])

    assert "Residence round of" in capsys.readouterr().out

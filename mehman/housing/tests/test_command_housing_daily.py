"""`mehman housing_daily`: offers not answered in time lapse and their units are free again."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import Offer, OfferStatus, Unit
from mehman.housing.tests import factories
from mehman.intake import services as intake_services
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.tests import factories as intake_factories
from mehman.registry.tests.factories import member

S = ApplicationStatus


def daily(*args: str) -> str:
    """What the command prints (in English, the language of these assertions)."""
    out = StringIO()
    with translation.override("en"):
        call_command("housing_daily", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def offer(settlement: Any, clerk: Any, manager: Any, *, due: date | None = None) -> Offer:
    """A couple waitlisted and offered a new unit, answer due on ``due`` (today by default)."""
    members = [member(), member(given_name="فاطمه", sex="F", relationship="spouse")]
    application = intake_factories.waitlisted(
        settlement, by=clerk, manager=manager, members=members
    )
    unit = factories.unit(settlement, by=manager)
    return services.offer_unit(
        unit=unit,
        application=application,
        by=manager,
        respond_by=due or dates.today(),
        skip_reason="test",
    )


def fresh_status(record: Offer | Application) -> str:
    return type(record).objects.get(pk=record.pk).status


def test_offers_not_answered_in_time_lapse_and_free_their_units(settlement_a, alice, mona):
    late = offer(settlement_a, alice, mona)
    waiting = offer(settlement_a, alice, mona, due=dates.today() + timedelta(days=5))
    tomorrow = dates.today() + timedelta(days=1)

    out = daily("--date", tomorrow.isoformat())

    assert fresh_status(late) == OfferStatus.LAPSED
    assert fresh_status(late.application) == S.EXPIRED
    assert late.unit in Unit.objects.vacant()
    assert fresh_status(waiting) == OfferStatus.OPEN
    assert waiting.unit not in Unit.objects.vacant()
    assert f"Housing round of {tomorrow.isoformat()}:" in out
    assert (
        "TJ: 1 offers closed (not answered in time, or the application closed meanwhile); "
        "1 offers awaiting an answer; 1 vacant units."
    ) in out


def test_an_offer_whose_application_was_withdrawn_meanwhile_is_closed(settlement_a, alice, mona):
    withdrawn = offer(settlement_a, alice, mona, due=dates.today() + timedelta(days=5))
    intake_services.withdraw_application(
        application=withdrawn.application, by=alice, reason="Moved to Mashhad"
    )

    out = daily()

    assert fresh_status(withdrawn) == OfferStatus.LAPSED
    assert "TJ: 1 offers closed" in out


def test_an_offer_due_today_is_left_open(settlement_a, alice, mona):
    today = offer(settlement_a, alice, mona)

    out = daily()

    assert fresh_status(today) == OfferStatus.OPEN
    assert "TJ: 0 offers closed" in out
    assert "1 offers awaiting an answer; 0 vacant units." in out


def test_the_round_runs_for_every_active_settlement_or_the_one_asked(
    settlement_a, settlement_b, alice, mona, bob
):
    here = offer(settlement_a, alice, mona)
    tomorrow = (dates.today() + timedelta(days=1)).isoformat()
    factories.unit(settlement_b, by=bob)

    out = daily("--date", tomorrow, "--settlement", "sv")

    assert fresh_status(here) == OfferStatus.OPEN
    assert "SV: 0 offers closed" in out
    assert "0 offers awaiting an answer; 1 vacant units." in out
    assert "TJ:" not in out

    out = daily("--date", tomorrow)

    assert fresh_status(here) == OfferStatus.LAPSED
    assert out.index("SV: 0 offers closed") < out.index("TJ: 1 offers closed")  # by code


def test_a_second_round_on_the_same_day_closes_nothing(settlement_a, alice, mona):
    offer(settlement_a, alice, mona)
    tomorrow = (dates.today() + timedelta(days=1)).isoformat()
    daily("--date", tomorrow)

    assert "TJ: 0 offers closed" in daily("--date", tomorrow)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--settlement", "ZZ"], "No settlement with code 'ZZ'."),
        (["--date", "2026-02-30"], "Not a date (YYYY-MM-DD): '2026-02-30'."),
    ],
)
def test_an_unknown_settlement_or_a_wrong_date_is_an_error(settlement_a, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        daily(*args)


def test_the_mehman_script_runs_the_round(settlement_a, capsys):
    from mehman import cli

    with translation.override("en"):
        cli.main(["mehman", "housing_daily", "--date", date(2026, 1, 1).isoformat()])

    assert "Housing round of 2026-01-01:" in capsys.readouterr().out

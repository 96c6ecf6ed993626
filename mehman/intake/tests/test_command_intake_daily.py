"""`mehman intake_daily`: the waitlist's daily round."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from mehman.core import dates
from mehman.intake import services
from mehman.intake.models import ApplicationStatus, Ranking, RankingReason, StatusLookup
from mehman.intake.services.status import look_up
from mehman.intake.tests import factories
from mehman.intake.tests.test_services import couple, fresh, ranks, waitlisted
from mehman.registry import services as registry_services

S = ApplicationStatus


def daily(*args: str) -> str:
    """What the command prints (in English, the language of these assertions)."""
    out = StringIO()
    with translation.override("en"):
        call_command("intake_daily", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def waitlisted_in_b(settlement_b: Any, bob: Any) -> Any:
    draft = factories.application(settlement_b, by=bob, members=couple())
    factories.with_residence_card(draft.household, by=bob, province="فارس")
    app, _pin = services.submit_application(application=draft, by=bob)
    app = services.screen_application(application=app, by=bob)
    return services.place_on_waitlist(application=app, by=bob)


def test_the_daily_round_lapses_offers_re_reads_households_counts_waiting_and_forgets_lookups(
    settlement_a, alice, mona, carla
):
    offered = waitlisted(settlement_a, by=alice, manager=mona)
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)
    services.make_offer(
        application=offered, by=mona, place="C-12", respond_by=dates.today(), skip_reason="Fits"
    )
    assert second.household.head is not None
    registry_services.record_need(person=second.household.head, code="SM", by=carla)
    look_up(reference=first.reference, pin="000000", client="10.0.0.1")
    look_up(reference=first.reference, pin="000001", client="10.0.0.1")
    StatusLookup.objects.update(at=timezone.now() - timedelta(days=2))
    look_up(reference=first.reference, pin="000002", client="10.0.0.1")
    day = dates.add_months(dates.today(), 3)

    out = daily("--date", day.isoformat())

    assert fresh(offered).status == S.EXPIRED
    assert fresh(second).need_categories == ",SM,"
    assert ranks(first, second, third) == [3, 1, 2]
    assert fresh(first).score == Decimal("3.00")  # three full months waited
    assert fresh(second).score == Decimal("15.00")  # 12 for the need, 3 for waiting
    waiting = Ranking.objects.filter(reason=RankingReason.WAITING).get()
    assert (waiting.as_of, waiting.ranked, waiting.moved) == (day, 3, 3)
    assert StatusLookup.objects.count() == 1
    assert f"Daily round of {day.isoformat()}:" in out
    assert (
        "TJ: 1 offers lapsed; 0 applications closed because the household is no longer an "
        "applicant; 3 households moved after their information was re-read; "
        "3 moved after waiting time was counted; 3 on the waitlist."
    ) in out
    assert "2 old status-page lookups forgotten." in out


def test_applications_of_households_no_longer_applicants_are_closed(settlement_a, alice, mona):
    kept = waitlisted(settlement_a, by=alice, manager=mona)
    merged = waitlisted(settlement_a, by=alice, manager=mona)
    drafted = factories.application(settlement_a, by=alice)
    registry_services.merge_households(keep=kept.household, absorb=merged.household, by=mona)
    registry_services.change_status(
        household=drafted.household, status="closed", by=mona, reason="Moved away"
    )

    out = daily()

    assert fresh(merged).status == S.EXPIRED  # a waitlisted application lapses
    assert fresh(drafted).status == S.WITHDRAWN  # a draft cannot lapse: it is withdrawn
    assert fresh(kept).status == S.WAITLISTED
    assert ranks(kept) == [1]
    assert "2 applications closed because the household is no longer an applicant" in out


def test_a_second_round_on_the_same_day_moves_nobody(settlement_a, alice, mona):
    waitlisted(settlement_a, by=alice, manager=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    day = dates.add_months(dates.today(), 1).isoformat()
    daily("--date", day)

    out = daily("--date", day)

    assert "TJ: 0 offers lapsed; 0 applications closed" in out
    assert "; 0 households moved after their information was re-read;" in out
    assert "0 moved after waiting time was counted; 2 on the waitlist." in out


def test_the_round_runs_for_every_active_settlement_or_the_one_asked(
    settlement_a, settlement_b, alice, mona, bob
):
    here = waitlisted(settlement_a, by=alice, manager=mona)
    there = waitlisted_in_b(settlement_b, bob)
    for app, by in ((here, mona), (there, bob)):
        services.make_offer(application=app, by=by, place="C-12", respond_by=dates.today())
    tomorrow = (dates.today() + timedelta(days=1)).isoformat()

    out = daily("--date", tomorrow, "--settlement", "sv")

    assert (fresh(here).status, fresh(there).status) == (S.OFFERED, S.EXPIRED)
    assert "SV: 1 offers lapsed" in out
    assert "TJ:" not in out

    out = daily("--date", tomorrow)

    assert fresh(here).status == S.EXPIRED
    assert out.index("SV: 0 offers lapsed") < out.index("TJ: 1 offers lapsed")  # by code


def test_a_settlement_without_a_waitlist_is_not_re_ranked(settlement_a, alice):
    factories.submitted(settlement_a, by=alice)

    out = daily()

    assert not Ranking.objects.exists()
    assert "TJ: 0 offers lapsed" in out
    assert f"Daily round of {dates.today().isoformat()}:" in out


def test_a_settlement_that_closed_is_left_alone_unless_asked(settlement_a, alice, mona):
    waitlisted(settlement_a, by=alice, manager=mona)
    settlement_a.is_active = False
    settlement_a.save()
    rankings = Ranking.objects.count()

    assert "TJ:" not in daily()
    assert Ranking.objects.count() == rankings
    assert "TJ:" in daily("--settlement", "TJ")
    assert Ranking.objects.count() == rankings + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--settlement", "ZZ"], "No settlement with code 'ZZ'."),
        (["--date", "2026-02-30"], "Not a date (YYYY-MM-DD): '2026-02-30'."),
        (["--date", "۱۴۰۵/۰۱/۰۱"], "Not a date (YYYY-MM-DD)"),
    ],
)
def test_an_unknown_settlement_or_a_wrong_date_is_an_error(settlement_a, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        daily(*args)


def test_the_mehman_script_runs_the_round(settlement_a, capsys):
    from mehman import cli

    with translation.override("en"):
        cli.main(["mehman", "intake_daily", "--date", date(2026, 1, 1).isoformat()])

    assert "Daily round of 2026-01-01:" in capsys.readouterr().out

"""The demo's intake: the applicant households' applications and the waitlist, on the full
demo settlement loaded once for the folder (``conftest.demo``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from mehman.accounts.models import User
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.intake import GROUND_FLOOR, WEIGHTS_NOTE, status_example
from mehman.demo.settlement import load_demo
from mehman.intake import queries, services
from mehman.intake.models import (
    AppealSubject,
    Application,
    ApplicationStatus,
    Channel,
    CurrentHousing,
    RankEntry,
    Ranking,
    RankingReason,
    WeightSet,
)
from mehman.intake.services.status import look_up
from mehman.registry.models import Household, HouseholdStatus

S = ApplicationStatus


def _statuses() -> Counter[str]:
    return Counter(Application.objects.values_list("status", flat=True))


def test_the_applicant_households_stand_where_a_real_intake_would(demo, db):
    statuses = _statuses()
    assert demo["applications"] == sum(statuses.values())
    assert 600 <= demo["applications"] <= 650
    assert 480 <= statuses[S.WAITLISTED] <= 560
    assert 30 <= statuses[S.SUBMITTED] <= 50
    assert 20 <= statuses[S.INELIGIBLE] <= 40
    assert 10 <= statuses[S.OFFERED] <= 20
    # Those who accepted an offer of a real home were admitted and moved in (the site's demo).
    assert 2 <= statuses[S.ACCEPTED] + statuses[S.ADMITTED] <= 6
    assert 3 <= statuses[S.WITHDRAWN] <= 10
    assert 3 <= statuses[S.EXPIRED] <= 10
    assert statuses[S.APPEAL] >= 2
    assert statuses[S.DRAFT] >= 1
    assert statuses[S.ELIGIBLE] >= 1
    # Every application belongs to an applicant household of the settlement, one each.
    households = Application.objects.values_list("household", flat=True)
    assert len(set(households)) == len(households)
    assert (
        not Household.objects.filter(applications__isnull=False)
        .exclude(applications__status=S.ADMITTED)
        .exclude(status=HouseholdStatus.APPLICANT)
        .exists()
    )
    admitted = Household.objects.filter(applications__status=S.ADMITTED)
    assert set(admitted.values_list("status", flat=True)) == {HouseholdStatus.RESIDENT}


def test_the_waitlist_is_ranked_one_to_n_without_gaps(demo, db):
    ranks = sorted(Application.objects.ranked().values_list("rank", flat=True))
    assert ranks == list(range(1, len(ranks) + 1))
    unranked = Application.objects.exclude(pk__in=Application.objects.ranked())
    assert not unranked.filter(rank__isnull=False).exists()


def test_every_waitlisted_score_is_the_sum_of_its_breakdown_with_the_months_waited(demo, db):
    manager = User.objects.get(username="manager")
    waitlist = list(Application.objects.ranked().select_related("settlement"))
    weights = services.current_weights(waitlist[0].settlement)
    for application in waitlist:
        lines = queries.breakdown(application, weights, user=manager)
        assert application.score == sum(line.points for line in lines), application.reference
    # Submissions are of the past two years, so most have waited months.
    waited = [a.months_waited() for a in waitlist]
    assert sum(1 for months in waited if months >= 1) > len(waitlist) * 0.8
    assert max(waited) >= 18


def test_applications_came_in_over_two_years_by_every_channel_and_from_every_housing(demo, db):
    applications = Application.objects.exclude(status=S.DRAFT)
    applied = sorted(applications.values_list("applied_on", flat=True))
    assert (applied[-1] - applied[0]).days > 600
    submitted = [a.submitted_at.date() for a in applications]
    assert min(submitted) < dates.today() - timedelta(days=600)
    channels = Counter(applications.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] == Channel.WALK_IN
    assert channels[Channel.PARTNER] and channels[Channel.FIELD_TEAM]
    assert not applications.filter(channel=Channel.PARTNER, referred_by__isnull=True).exists()
    assert applications.filter(referred_by__acronym="UNHCR").exists()
    housing = Counter(applications.values_list("current_housing", flat=True))
    assert housing.most_common(1)[0][0] == CurrentHousing.RENTED
    assert set(housing) == set(CurrentHousing.values)
    assert applications.filter(monthly_income=0).count() > 30
    assert applications.filter(eviction_risk=True).count() > 30


def test_ineligible_households_were_told_which_rule_they_did_not_meet(demo, db):
    ineligible = list(Application.objects.filter(status=S.INELIGIBLE))
    failed: Counter[str] = Counter()
    for application in ineligible:
        missed = [r for r in application.eligibility if not r["passed"]]
        assert missed, application.reference
        assert all(r["detail_fa"] and r["message_fa"] for r in missed)
        failed.update(r["kind"] for r in missed)
    assert failed["residence_document"] >= 20
    details = {r["detail_en"] for a in ineligible for r in a.eligibility if not r["passed"]}
    assert "Every residence document recorded has expired." in details
    assert "No Amayesh card or headcount slip is recorded." in details
    assert "The valid residence documents recorded are of another province." in details


def test_homes_were_offered_in_rank_order_unless_a_reason_was_given(demo, db):
    today = dates.today()
    offered = Application.objects.filter(status=S.OFFERED)
    assert all(a.respond_by >= today and a.offered_on < today for a in offered)
    passed_over = offered.exclude(offer_skip_reason="")
    assert passed_over.count() in (1, 2)  # ground-floor homes, if a disabled member ranks near
    assert set(passed_over.values_list("offer_skip_reason", flat=True)) == {GROUND_FLOOR}
    lapsed = Application.objects.filter(status=S.EXPIRED, offered_on__isnull=False)
    assert lapsed.count() == 2
    assert all(a.respond_by < today for a in lapsed)
    accepted = Application.objects.filter(status=S.ACCEPTED)
    assert all(a.offered_on <= a.answered_on < today for a in accepted)
    # Households who declined are back on the waitlist, at the top, with their reason.
    declined = Application.objects.filter(status=S.WAITLISTED).exclude(decline_reason="")
    assert sorted(declined.values_list("rank", flat=True)) == [1, 2, 3]


def test_appeals_of_an_ineligibility_and_of_a_score_are_pending_and_decided(demo, db):
    pending = Application.objects.filter(status=S.APPEAL)
    assert set(pending.values_list("appeal_of", flat=True)) == {
        AppealSubject.INELIGIBILITY,
        AppealSubject.SCORE,
    }
    score_appeal = pending.get(appeal_of=AppealSubject.SCORE)
    assert score_appeal.rank is not None  # keeps its place meanwhile
    decided = Application.objects.filter(appeals_decided=1, status=S.WAITLISTED)
    assert set(decided.values_list("appeal_of", flat=True)) == {
        AppealSubject.INELIGIBILITY,
        AppealSubject.SCORE,
    }
    assert all(a.appeal_decision for a in decided)


def test_the_manager_published_new_weights_and_the_rank_history_explains_the_moves(demo, db):
    manager = User.objects.get(username="manager")
    versions = list(WeightSet.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].note == WEIGHTS_NOTE
    assert versions[1].created_by == manager
    reranked = Ranking.objects.get(reason=RankingReason.WEIGHTS)
    assert reranked.moved > 100
    top = Application.objects.ranked().exclude(decline_reason="").order_by("rank").first()
    assert top is not None
    moves = queries.rank_history(top)
    assert len(moves) >= 3
    assert all(move.explanation for move in moves)


def test_the_timeline_shows_when_each_step_happened(demo, db):
    application = Application.objects.filter(status=S.WAITLISTED).order_by("applied_on").first()
    assert application is not None
    events = {e.kind: e.at for e in application.events.all()}
    assert events["intake.submitted"] == application.submitted_at
    assert events["intake.eligible"].date() < dates.today() - timedelta(days=365)
    assert events["intake.submitted"] < events["intake.eligible"] <= events["intake.waitlisted"]


def test_staff_logins_see_the_waitlist_and_partners_and_analysts_see_none(demo, db):
    for username in ("manager", "clerk", "caseworker"):
        user = User.objects.get(username=username)
        assert Application.objects.for_user(user).ranked().count() > 500, username
    for username in ("partner", "analyst"):
        assert not Application.objects.for_user(User.objects.get(username=username)).exists()


def test_loading_the_demo_again_creates_nothing(demo, db):
    before = (
        Application.objects.count(),
        Ranking.objects.count(),
        RankEntry.objects.count(),
        WeightSet.objects.count(),
        _statuses(),
    )
    again = load_demo()
    assert set(again.values()) == {0}
    assert "applications" in again
    assert before == (
        Application.objects.count(),
        Ranking.objects.count(),
        RankEntry.objects.count(),
        WeightSet.objects.count(),
        _statuses(),
    )


def test_the_demo_prints_a_number_and_pin_that_open_the_status_page(demo, db):
    settlement = Settlement.objects.get(code="TJ")
    clerk = User.objects.get(username="clerk")
    example = status_example(settlement, by=clerk)
    assert example is not None
    application, pin = example
    assert application.status == S.WAITLISTED and application.rank == 12
    found = look_up(reference=application.reference, pin=pin, client="demo-test")
    assert found.application == application
    # Each start issues a new PIN; the old one stops working.
    again = status_example(settlement, by=clerk)
    assert again is not None and again[0] == application
    old = look_up(reference=application.reference, pin=pin, client="demo-test")
    assert old.application is None or again[1] == pin  # the same six digits: one in a million

"""The demo's residence: the long-term residents converted to staggered terms fourteen months
ago, their reviews and exits since, the watched documents' expiry dates, the Amayesh 18
renewal campaign and a few text messages, on the full demo settlement loaded once for the
folder (``conftest.demo``)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from mehman.accounts.models import User
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.residence import CAMPAIGN_CYCLE, MONTHS_AGO, watched
from mehman.demo.settlement import load_demo
from mehman.housing.models import Occupancy
from mehman.registry.models import Household, HouseholdStatus
from mehman.residence.models import (
    OPEN_TERM_STATUSES,
    Campaign,
    CampaignTarget,
    ConversionRun,
    ConversionStatus,
    Decision,
    ExitReason,
    MessageStatus,
    Priority,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TargetStatus,
    TermOrigin,
    TermStatus,
    TextMessage,
)
from mehman.residence.services.conversion import eligible_households


def _run() -> ConversionRun:
    return ConversionRun.objects.get(settlement__code="TJ")


def test_about_900_long_term_households_were_converted_in_one_committed_run(demo):
    run = _run()
    assert demo["terms"] == run.households == run.terms.count()
    assert 850 <= run.households <= 950
    assert run.status == ConversionStatus.COMMITTED
    start = dates.add_months(dates.today(), -MONTHS_AGO)
    assert run.policy == {
        "term_months": 36,
        "stagger_years": 2,
        "start_on": start.isoformat(),
        "priorities": [Priority.VULNERABLE, Priority.CHILDREN],
    }
    assert set(run.terms.values_list("started_on", flat=True)) == {start}
    assert set(run.terms.values_list("origin", flat=True)) == {TermOrigin.CONVERSION}
    # Committed before the terms began, and its grace period long over.
    assert run.committed_at is not None and run.committed_at.date() < start
    assert run.reversible_until is not None and run.reversible_until < dates.today()


def _months(since: date, until: date) -> int:
    """Whole months from one day to a later one."""
    return (until.year - since.year) * 12 + until.month - since.month - (until.day < since.day)


def test_the_ends_are_spread_evenly_over_two_years(demo):
    run = _run()
    start = dates.add_months(dates.today(), -MONTHS_AGO)
    earliest, latest = dates.add_months(start, 12), dates.add_months(start, 36)
    first_ends = list(run.terms.values_list("first_end", flat=True))
    assert earliest <= min(first_ends) and max(first_ends) <= latest
    # Eight quarters from the earliest end, each with about an eighth of the households.
    quarters = Counter(
        min(
            7,
            (
                (end.year - earliest.year) * 12
                + end.month
                - earliest.month
                - (end.day < earliest.day)
            )
            // 3,
        )
        for end in first_ends
    )
    assert sorted(quarters) == list(range(8))
    eighth = len(first_ends) / 8
    assert all(0.85 * eighth <= n <= 1.15 * eighth for n in quarters.values()), quarters


def test_about_a_hundred_residents_are_left_for_a_manager_to_convert(demo):
    tj = Settlement.objects.get(code="TJ")
    left = eligible_households(tj, {})
    assert 60 <= left.count() <= 130
    # Newer residents: none lived here two years when the conversion began.
    start = dates.add_months(dates.today(), -MONTHS_AGO)
    assert not left.filter(registered_on__lte=dates.add_months(start, -24)).exists()
    # The households admitted from the waitlist got their term at admission.
    admitted = ResidenceTerm.objects.filter(settlement=tj, origin=TermOrigin.ADMISSION)
    assert admitted.exists()
    assert all(t.application is not None and t.is_open for t in admitted)


def test_most_reviews_were_held_some_are_overdue_and_some_due_within_two_weeks(demo):
    today = dates.today()
    run = _run()
    done = Review.objects.filter(term__conversion=run, status=ReviewStatus.DONE)
    assert done.count() > 1500
    assert Counter(done.values_list("decision", flat=True)).most_common(1)[0][0] == (
        Decision.CONTINUE
    )
    assert not done.filter(held_on__gt=today).exists()
    assert all(r.reviewer.username == "caseworker" for r in done.select_related("reviewer")[:50])
    overdue = Review.objects.filter(status=ReviewStatus.OPEN, due_on__lt=today)
    assert 25 <= overdue.count() <= 35
    assert set(overdue.values_list("term__status", flat=True)) == {TermStatus.UNDER_REVIEW}
    soon = ResidenceTerm.objects.filter(
        status__in=OPEN_TERM_STATUSES,
        next_review_on__gte=today,
        next_review_on__lte=today + timedelta(days=14),
    )
    assert 35 <= soon.count() <= 45


def test_some_terms_were_extended_with_a_reason_within_the_policy(demo, settings):
    extended = ResidenceTerm.objects.filter(conversion=_run(), extensions__gt=0)
    assert 10 <= extended.count() <= 40
    for term in extended:
        assert term.status in (TermStatus.EXTENDED, TermStatus.UNDER_REVIEW)
        assert term.first_end < term.planned_end
        assert term.planned_end <= dates.add_months(
            term.first_end, settings.MEHMAN_MAX_EXTENSION_MONTHS
        )
        (review,) = term.reviews.filter(decision=Decision.EXTEND)
        assert review.reason and review.new_end == term.planned_end


def test_the_first_terms_to_end_are_leaving_and_some_exits_are_recorded(demo):
    today = dates.today()
    run = _run()
    # No term whose end has passed is still simply active: extended, leaving or gone.
    passed = run.terms.filter(first_end__lt=today)
    assert passed.count() > 40
    assert not passed.filter(status=TermStatus.ACTIVE).exists()
    ending = run.terms.filter(status=TermStatus.ENDING)
    assert ending.count() >= 20
    assert all(t.reviews.filter(decision=Decision.BEGIN_EXIT).exists() for t in ending)
    # The residence demo's own exits (the solutions demo records more, each on its case).
    ended = run.terms.filter(status=TermStatus.ENDED, household__solutions_cases__isnull=True)
    assert 8 <= ended.count() <= 20
    assert set(ended.values_list("exit_reason", flat=True)) == {
        ExitReason.RETURNED,
        ExitReason.MOVED_TO_CITY,
        ExitReason.RESETTLED,
    }
    for term in ended.select_related("household"):
        assert term.exit_on is not None and term.started_on < term.exit_on < today
        assert term.household.status == HouseholdStatus.DEPARTED
        home = Occupancy.objects.get(household=term.household)
        assert home.ended_on == term.exit_on
    # A few households announced their return before their end.
    assert ended.filter(first_end__gt=today).exists()


def test_most_agreements_are_signed_but_not_all(demo):
    terms = ResidenceTerm.objects.filter(settlement__code="TJ")
    signed = terms.filter(agreement_signed_on__isnull=False)
    assert 0.8 * terms.count() <= signed.count() < terms.count()
    assert all(t.started_on <= t.agreement_signed_on < dates.today() for t in signed[:100])


def test_some_watched_documents_have_expired_and_some_expire_within_30_or_90_days(demo):
    today = dates.today()
    documents = watched(Settlement.objects.get(code="TJ"))

    def band(days: int) -> str:
        return "expired" if days < 0 else "30" if days <= 30 else "90" if days <= 90 else ""

    bands = Counter(band((d.expires_on - today).days) for d in documents)
    assert 35 <= bands["expired"] <= 45
    assert 55 <= bands["30"] <= 65
    assert 75 <= bands["90"] <= 85
    due = [d for d in documents if band((d.expires_on - today).days)]
    assert len({d.individual.household_id for d in due}) > 120  # spread over households
    assert {d.doc_type for d in due} == {"amayesh", "work_permit", "laissez_passer", "visa"}


def test_the_amayesh_campaign_is_open_with_some_renewed_and_some_followed_up(demo):
    today = dates.today()
    campaign = Campaign.objects.get(settlement__code="TJ", cycle=CAMPAIGN_CYCLE)
    assert campaign.starts_on < today < campaign.ends_on
    targets = CampaignTarget.objects.filter(campaign=campaign)
    statuses = Counter(targets.values_list("status", flat=True))
    assert statuses[TargetStatus.PENDING] > 1000
    assert 100 <= statuses[TargetStatus.RENEWED] <= 500
    for target in targets.filter(status=TargetStatus.RENEWED).select_related("renewed")[:50]:
        assert target.renewed.cycle == CAMPAIGN_CYCLE
        assert campaign.starts_on <= target.renewed_on == target.renewed.issued_on <= today
    followed = targets.filter(contacts__gt=0)
    assert followed.count() >= 40
    assert followed.filter(follow_up_on__lte=today).count() >= 5  # due
    assert followed.filter(follow_up_on__gt=today).count() >= 5


def test_a_few_text_messages_were_sent_and_some_are_queued(demo):
    sent = Counter(TextMessage.objects.values_list("status", flat=True))
    assert sent[MessageStatus.SENT] >= 3
    assert sent[MessageStatus.QUEUED] >= 1
    assert sum(sent.values()) <= 20


def test_the_caseworker_login_sees_the_terms_and_may_review_them(demo):
    caseworker = User.objects.get(username="caseworker")
    assert caseworker.has_capability("residence.review")
    assert ResidenceTerm.objects.for_user(caseworker).count() > 850
    assert not ResidenceTerm.objects.for_user(User.objects.get(username="partner")).exists()


def test_loading_the_demo_again_adds_nothing(demo):
    def counts() -> tuple[int, ...]:
        return (
            ConversionRun.objects.count(),
            ResidenceTerm.objects.count(),
            Review.objects.count(),
            CampaignTarget.objects.count(),
            TextMessage.objects.count(),
            Household.objects.filter(status=HouseholdStatus.DEPARTED).count(),
        )

    before = counts()
    assert load_demo()["terms"] == 0
    assert counts() == before

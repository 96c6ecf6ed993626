"""Starting, submitting, screening, offering, admitting, closing and appealing
applications: the rules of mehman.intake.services.applications.

The helpers here (``refused``, ``recorded``, ``fresh``, ``ranks``), built on the
registry's, are shared by the other ``test_*`` modules of the intake app. The status
machine as a whole is in ``test_services_transitions.py``; weights, re-ranking and features in
``test_ranking.py``; each rule kind in ``test_eligibility.py``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils.translation import gettext

from mehman.core import dates
from mehman.core.models import SettlementEvent
from mehman.intake import events as intake_events
from mehman.intake import services
from mehman.intake.models import (
    AppealSubject,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Channel,
    EligibilityRule,
    RankEntry,
    Ranking,
    RankingReason,
    StatusLookup,
    WeightSet,
)
from mehman.intake.tests import factories
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Household, HouseholdStatus
from mehman.registry.tests.factories import household, member
from mehman.registry.tests.test_services import (
    fresh,
    refused_keeping,
    written_inside,
)

S = ApplicationStatus

# --- Shared helpers ---------------------------------------------------------------------------


def _snapshot() -> dict[str, Any]:
    """Everything an intake service may change, to compare before and after a refusal."""
    return {
        "applications": list(Application.objects.order_by("pk").values()),
        "history": Application.history.count(),
        "events": ApplicationEvent.objects.count(),
        "rankings": Ranking.objects.count(),
        "entries": RankEntry.objects.count(),
        "weights": list(WeightSet.objects.order_by("pk").values()),
        "rules": list(EligibilityRule.objects.order_by("pk").values()),
        "rule history": EligibilityRule.history.count(),
        "settlement events": SettlementEvent.objects.count(),
        "households": list(Household.objects.order_by("pk").values_list("pk", "status", "version")),
        "lookups": StatusLookup.objects.count(),
    }


def refused(code: str) -> AbstractContextManager[pytest.ExceptionInfo[ValidationError]]:
    """The call inside is refused with ``code`` and leaves the database as it was."""
    return refused_keeping(_snapshot, code)


def recorded() -> AbstractContextManager[list[ApplicationEvent]]:
    """The application events written inside the block, oldest first."""
    return written_inside(ApplicationEvent.objects.all())


def kinds(events: list[ApplicationEvent]) -> list[str]:
    return [event.kind for event in events]


def ranks(*applications: Application) -> list[int | None]:
    return [fresh(a).rank for a in applications]


def last_ranking() -> Ranking:
    ranking = Ranking.objects.order_by("-id").first()
    assert ranking is not None
    return ranking


def couple(**head: Any) -> list[dict[str, Any]]:
    """Two adults under sixty: a household that earns no points but waiting time, whatever
    the day the tests run (the factories' family has a child under five until 2027)."""
    return [member(**head), member(given_name="فاطمه", sex="F", relationship="spouse")]


def waitlisted(settlement: Any, *, by: Any, manager: Any, **kwargs: Any) -> Application:
    """A couple's application screened eligible and placed on the waitlist."""
    kwargs.setdefault("members", couple())
    return factories.waitlisted(settlement, by=by, manager=manager, **kwargs)


def eligible(settlement: Any, *, by: Any, manager: Any, **kwargs: Any) -> Application:
    """A couple's application screened eligible (the head holds an Amayesh card)."""
    kwargs.setdefault("members", couple())
    draft = factories.application(settlement, by=by, **kwargs)
    factories.with_residence_card(draft.household, by=by)
    app, _pin = services.submit_application(application=draft, by=by)
    return services.screen_application(application=app, by=manager)


def ineligible(
    settlement: Any, *, by: Any, manager: Any, day: date | None = None, **kwargs: Any
) -> Application:
    """An application screened not eligible: nobody holds a residence document."""
    app, _pin = factories.submitted(settlement, by=by, **kwargs)
    app = services.screen_application(application=app, by=manager, day=day)
    assert app.status == S.INELIGIBLE
    return app


def older_member(**overrides: Any) -> dict[str, Any]:
    return member(
        given_name="گل‌بی‌بی",
        sex="F",
        birth_date=date(1950, 1, 1),
        relationship="mother",
        marital_status="widowed",
        **overrides,
    )


# --- create_application -----------------------------------------------------------------------


def test_an_applicant_household_starts_a_draft_with_an_event_and_a_history_row(settlement_a, alice):
    target = household(settlement_a, by=alice)

    with recorded() as events:
        app = factories.application(settlement_a, by=alice, household_obj=target)

    assert app.status == S.DRAFT
    assert app.reference == "TJ-A00001"
    assert app.settlement == settlement_a
    assert app.household_size == 4
    assert app.features_read_at is not None
    assert app.score is None and app.rank is None
    assert kinds(events) == [intake_events.CREATED.code]
    assert events[0].by == alice
    assert events[0].params == {"reference": "TJ-A00001"}
    assert app.history.count() == 1
    assert app.history.first().history_user == alice


def test_references_are_numbered_per_settlement(settlement_a, settlement_b, alice, bob):
    first = factories.application(settlement_a, by=alice)
    second = factories.application(settlement_a, by=alice)
    elsewhere = factories.application(settlement_b, by=bob)

    assert [first.reference, second.reference] == ["TJ-A00001", "TJ-A00002"]
    assert elsewhere.reference == "SV-A00001"


@pytest.mark.parametrize(
    "status", [HouseholdStatus.RESIDENT, HouseholdStatus.CLOSED], ids=["resident", "closed"]
)
def test_only_a_household_registered_as_an_applicant_can_apply(settlement_a, alice, status):
    target = household(settlement_a, by=alice)
    registry_services.change_status(household=target, status=status, by=alice)

    with refused("household"):
        factories.application(settlement_a, by=alice, household_obj=target)


def test_a_household_has_one_open_application_at_a_time(settlement_a, alice):
    first = factories.application(settlement_a, by=alice)

    with refused("duplicate"):
        factories.application(settlement_a, by=alice, household_obj=first.household)

    services.withdraw_application(application=first, by=alice, reason="Moved to Mashhad")
    again = factories.application(settlement_a, by=alice, household_obj=first.household)
    assert again.status == S.DRAFT
    assert again.reference == "TJ-A00002"


@pytest.mark.parametrize(
    ("details", "field", "code"),
    [
        ({"channel": "fax"}, "channel", "channel"),
        ({"current_housing": "castle"}, "current_housing", "housing"),
        ({"current_place": "  "}, "current_place", "required"),
        ({"documents_seen": ["amayesh", "library_card"]}, "documents_seen", "document"),
        ({"channel": Channel.PARTNER}, "referred_by", "required"),
        ({"monthly_income": -1}, "monthly_income", "income"),
        ({"applied_on": date(2999, 1, 1)}, "applied_on", "future"),
    ],
    ids=["channel", "housing", "place", "document", "partner", "income", "future"],
)
def test_the_details_of_an_application_are_checked(settlement_a, alice, details, field, code):
    target = household(settlement_a, by=alice)

    with refused(code) as info:
        factories.application(settlement_a, by=alice, household_obj=target, **details)

    assert field in info.value.error_dict


def test_details_are_stored_trimmed_and_documents_seen_once(settlement_a, alice):
    app = factories.application(
        settlement_a,
        by=alice,
        current_place="  مشهد  ",
        reasons="  rent doubled  ",
        documents_seen=[DocumentType.AMAYESH, DocumentType.AMAYESH, DocumentType.TAZKIRA],
        applied_on=date(2026, 1, 5),
    )

    assert app.current_place == "مشهد"
    assert app.reasons == "rent doubled"
    assert app.documents_seen == [DocumentType.AMAYESH, DocumentType.TAZKIRA]
    assert fresh(app).applied_on == date(2026, 1, 5)


# --- update_application -----------------------------------------------------------------------


def test_a_draft_is_corrected_without_a_reason_and_the_correction_is_recorded(settlement_a, alice):
    app = factories.application(settlement_a, by=alice)

    with recorded() as events:
        changed = services.update_application(
            application=app, by=alice, current_place="هرات", expected_version=app.version
        )

    assert changed.current_place == "هرات"
    assert kinds(events) == [intake_events.UPDATED.code]
    assert fresh(app).history.count() == 2


def test_a_stale_correction_is_refused(settlement_a, alice):
    app = factories.application(settlement_a, by=alice)
    services.update_application(application=app, by=alice, current_place="هرات")

    with refused("stale"):
        services.update_application(
            application=app, by=alice, current_place="کابل", expected_version=app.version - 1
        )


def test_a_screened_application_is_corrected_only_with_a_reason(settlement_a, alice, mona):
    app = eligible(settlement_a, by=alice, manager=mona)

    with refused("reason"):
        services.update_application(application=app, by=alice, monthly_income=0)

    services.update_application(
        application=app, by=alice, monthly_income=0, reason="Lost his job at the kiln"
    )
    assert fresh(app).f_no_income is True


def test_a_submitted_application_keeps_its_consent(settlement_a, alice):
    app, _pin = factories.submitted(settlement_a, by=alice)

    with refused("consent"):
        services.update_application(application=app, by=alice, consent_given=False)


def test_a_closed_application_cannot_be_corrected(settlement_a, alice):
    app = factories.application(settlement_a, by=alice)
    services.withdraw_application(application=app, by=alice, reason="No longer interested")

    with refused("closed"):
        services.update_application(application=app, by=alice, current_place="هرات")


def test_a_correction_of_a_waitlisted_application_re_ranks_the_waitlist(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    assert ranks(first, second) == [1, 2]

    services.update_application(
        application=second, by=alice, eviction_risk=True, reason="Eviction notice received"
    )

    assert ranks(first, second) == [2, 1]
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id) == (RankingReason.DATA, second.pk)


def test_an_unchanged_correction_writes_nothing(settlement_a, alice):
    app = factories.application(settlement_a, by=alice)

    with recorded() as events:
        services.update_application(application=app, by=alice, current_place=app.current_place)

    assert events == []
    assert fresh(app).version == app.version


# --- submit_application and the PIN ----------------------------------------------------------


def test_submission_gives_a_six_digit_pin_shown_once_and_stored_as_a_hash(settlement_a, alice):
    draft = factories.application(settlement_a, by=alice)

    with recorded() as events:
        app, pin = services.submit_application(application=draft, by=alice)

    assert app.status == S.SUBMITTED
    assert app.submitted_at is not None
    assert len(pin) == 6 and pin.isdigit()
    assert pin not in fresh(app).pin_hash
    assert services.pin_matches(fresh(app), pin)
    assert not services.pin_matches(fresh(app), "000000" if pin != "000000" else "111111")
    assert kinds(events) == [intake_events.SUBMITTED.code]


def test_submission_needs_the_households_consent(settlement_a, alice):
    draft = factories.application(settlement_a, by=alice, consent_given=False)

    with refused("consent") as info:
        services.submit_application(application=draft, by=alice)

    assert "consent_given" in info.value.error_dict
    services.update_application(application=draft, by=alice, consent_given=True)
    assert services.submit_application(application=draft, by=alice)[0].status == S.SUBMITTED


def test_a_household_whose_members_all_left_cannot_submit(settlement_a, alice):
    target = household(settlement_a, by=alice, members=[member()])
    draft = factories.application(settlement_a, by=alice, household_obj=target)
    assert target.head is not None
    registry_services.record_death(person=target.head, by=alice, died_on=dates.today())

    with refused("empty"):
        services.submit_application(application=draft, by=alice)


def test_a_new_pin_replaces_the_old_one_at_once(settlement_a, alice):
    app, old = factories.submitted(settlement_a, by=alice)
    history = app.history.count()

    with recorded() as events:
        new = services.issue_pin(application=app, by=alice)

    assert services.pin_matches(fresh(app), new)
    assert new == old or not services.pin_matches(fresh(app), old)
    assert kinds(events) == [intake_events.PIN_ISSUED.code]
    assert fresh(app).history.count() == history + 1


def test_an_old_pin_stops_working(settlement_a, alice):
    app, old = factories.submitted(settlement_a, by=alice)
    # A new PIN may by chance repeat the old one (one in a million); ask until it differs.
    new = old
    while new == old:
        new = services.issue_pin(application=app, by=alice)

    assert not services.pin_matches(fresh(app), old)
    assert services.pin_matches(fresh(app), new)


def test_a_pin_is_given_only_to_a_submitted_open_application(settlement_a, alice):
    draft = factories.application(settlement_a, by=alice)
    with refused("pin"):
        services.issue_pin(application=draft, by=alice)

    app, _pin = factories.submitted(settlement_a, by=alice)
    services.withdraw_application(application=app, by=alice, reason="Moved away")
    with refused("pin"):
        services.issue_pin(application=app, by=alice)


# --- screen_application -----------------------------------------------------------------------


def test_screening_keeps_what_each_active_rule_found_in_both_languages(settlement_a, alice, mona):
    app = eligible(settlement_a, by=alice, manager=mona)

    assert app.status == S.ELIGIBLE
    assert app.screened_on == dates.today()
    assert app.screened_by == mona
    assert [r["kind"] for r in app.eligibility] == [
        "residence_document",
        "not_resident_elsewhere",
        "household_size",
        "consent",
    ]
    assert all(r["passed"] for r in app.eligibility)
    assert {"message_fa", "message_en", "detail_fa", "detail_en"} <= set(app.eligibility[0])
    assert app.eligibility[0]["detail_en"] == "A valid residence document of this province."


def test_an_application_that_fails_a_rule_is_ineligible_with_the_reason(settlement_a, alice, mona):
    app, _pin = factories.submitted(settlement_a, by=alice)

    with recorded() as events:
        screened = services.screen_application(application=app, by=mona)

    assert screened.status == S.INELIGIBLE
    failed = [r for r in screened.eligibility if not r["passed"]]
    assert [r["kind"] for r in failed] == ["residence_document"]
    assert failed[0]["detail_en"] == "No Amayesh card or headcount slip is recorded."
    assert kinds(events) == [intake_events.SCREENED_INELIGIBLE.code]
    assert events[0].params == {"failed": ["residence_document"]}


def test_screening_on_a_past_day_is_dated_that_day(settlement_a, alice, mona):
    day = dates.today() - timedelta(days=10)

    app = ineligible(settlement_a, by=alice, manager=mona, day=day)

    assert app.screened_on == day


# --- place_on_waitlist ------------------------------------------------------------------------


def test_an_eligible_application_takes_its_place_by_score(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    app = eligible(settlement_a, by=alice, manager=mona, eviction_risk=True)

    with recorded() as events:
        placed = services.place_on_waitlist(application=app, by=mona)

    assert placed.status == S.WAITLISTED
    assert placed.waitlisted_on == dates.today()
    assert ranks(placed, first) == [1, 2]
    assert kinds(events) == [intake_events.WAITLISTED.code]
    assert events[0].params == {"rank": 1, "score": "12"}
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id, ranking.ranked) == (
        RankingReason.JOINED,
        placed.pk,
        2,
    )


# --- make_offer, accept_offer, decline_offer, admit -------------------------------------------


def test_an_offer_to_the_first_household_needs_no_reason(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)

    with recorded() as events:
        offered = services.make_offer(application=first, by=mona, place="بلوک ج، واحد ۱۲")

    assert offered.status == S.OFFERED
    assert offered.offered_on == dates.today()
    assert offered.respond_by == dates.today() + timedelta(days=14)
    assert offered.rank is None
    assert ranks(second) == [1]
    assert kinds(events) == [intake_events.OFFERED.code]
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id) == (RankingReason.LEFT, first.pk)


@override_settings(MEHMAN_OFFER_DAYS=3)
def test_the_answer_is_due_after_the_configured_days(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)

    offered = services.make_offer(application=app, by=mona, place="C-12")

    assert offered.respond_by == dates.today() + timedelta(days=3)


def test_passing_over_higher_ranked_households_needs_a_reason(settlement_a, alice, mona):
    waitlisted(settlement_a, by=alice, manager=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona)
    assert ranks(third) == [3]

    with refused("rank_order") as info:
        services.make_offer(application=third, by=mona, place="C-12", skip_reason="  ")
    assert info.value.error_dict["skip_reason"][0].params == {"count": 2}

    offered = services.make_offer(
        application=third, by=mona, place="C-12", skip_reason="Only this family fits a 6-bed unit"
    )
    assert offered.offer_skip_reason == "Only this family fits a 6-bed unit"


def test_an_offer_names_the_home_and_a_due_date_not_in_the_past(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)

    with refused("required"):
        services.make_offer(application=app, by=mona, place=" ")
    with refused("past"):
        services.make_offer(
            application=app, by=mona, place="C-12", respond_by=dates.today() - timedelta(days=1)
        )


def test_an_accepted_offer_admits_the_household_as_a_resident(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    app = services.make_offer(application=app, by=mona, place="C-12")
    app = services.accept_offer(application=app, by=alice)
    assert app.answered_on == dates.today()

    with recorded() as events:
        admitted = services.admit(application=app, by=mona, day=date(2026, 3, 1))

    assert admitted.status == S.ADMITTED
    assert admitted.admitted_on == date(2026, 3, 1)
    assert fresh(app.household).status == HouseholdStatus.RESIDENT
    assert kinds(events) == [intake_events.ADMITTED.code]
    assert not fresh(app).is_open


def test_a_declined_offer_goes_back_to_the_waitlist_and_re_ranks_it(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=first, by=mona, place="C-12")
    assert ranks(first, second) == [None, 1]

    with recorded() as events:
        back = services.decline_offer(application=first, by=alice, reason="  Too far from work ")

    assert back.status == S.WAITLISTED
    assert back.decline_reason == "Too far from work"
    assert ranks(first, second) == [1, 2]
    assert kinds(events) == [intake_events.DECLINED.code, intake_events.RETURNED.code]
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id) == (RankingReason.JOINED, first.pk)


def test_a_declined_offer_may_leave_the_household_off_the_waitlist(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=app, by=mona, place="C-12")

    declined = services.decline_offer(
        application=app, by=alice, reason="Will decide later", back_to_waitlist=False
    )

    assert declined.status == S.DECLINED
    assert declined.rank is None
    assert not Application.objects.ranked().filter(pk=app.pk).exists()


def test_a_decline_needs_the_households_reason(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    services.make_offer(application=app, by=mona, place="C-12")

    with refused("required"):
        services.decline_offer(application=app, by=alice, reason="")


# --- withdraw_application, expire_application, expire_overdue_offers --------------------------


@pytest.mark.parametrize("close", ["withdraw", "expire"])
def test_leaving_the_waitlist_moves_the_households_below_up(settlement_a, alice, mona, close):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona)

    if close == "withdraw":
        closed = services.withdraw_application(application=first, by=alice, reason="Moved away")
        expected = (S.WITHDRAWN, intake_events.WITHDRAWN.code)
    else:
        closed = services.expire_application(application=first, by=mona, reason="Unreachable")
        expected = (S.EXPIRED, intake_events.EXPIRED.code)

    assert closed.status == expected[0]
    assert ranks(first, second, third) == [None, 1, 2]
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id, ranking.ranked, ranking.moved) == (
        RankingReason.LEFT,
        first.pk,
        2,
        3,
    )
    assert RankEntry.objects.get(ranking=ranking, application=first).rank is None
    assert closed.events.order_by("-id").first().kind == expected[1]


@pytest.mark.parametrize("close", ["withdraw", "expire"])
def test_closing_needs_a_reason(settlement_a, alice, close):
    app, _pin = factories.submitted(settlement_a, by=alice)
    service = services.withdraw_application if close == "withdraw" else services.expire_application

    with refused("required"):
        service(application=app, by=alice, reason=" ")


def test_closing_an_application_off_the_waitlist_does_not_re_rank(settlement_a, alice, mona):
    waitlisted(settlement_a, by=alice, manager=mona)
    app, _pin = factories.submitted(settlement_a, by=alice)
    rankings = Ranking.objects.count()

    services.withdraw_application(application=app, by=alice, reason="Moved away")

    assert Ranking.objects.count() == rankings


def test_offers_not_answered_in_time_lapse(settlement_a, alice, mona):
    late = waitlisted(settlement_a, by=alice, manager=mona)
    on_time = waitlisted(settlement_a, by=alice, manager=mona)
    today = dates.today()
    services.make_offer(application=late, by=mona, place="C-12", respond_by=today)
    services.make_offer(
        application=on_time,
        by=mona,
        place="C-14",
        respond_by=today + timedelta(days=1),
        skip_reason="Two homes offered the same day",
    )

    assert services.expire_overdue_offers(day=today) == 0
    assert services.expire_overdue_offers(day=today + timedelta(days=1)) == 1

    assert fresh(late).status == S.EXPIRED
    assert fresh(late).closed_reason == gettext("The offer was not answered in time.")
    assert fresh(on_time).status == S.OFFERED
    assert services.expire_overdue_offers(day=today + timedelta(days=2)) == 1
    assert fresh(on_time).status == S.EXPIRED


def test_overdue_offers_lapse_only_in_the_settlement_asked(
    settlement_a, settlement_b, alice, mona, bob
):
    manager_b = bob  # services do not check roles; views do
    here = waitlisted(settlement_a, by=alice, manager=mona)
    draft = factories.application(settlement_b, by=bob, members=couple())
    factories.with_residence_card(draft.household, by=bob, province="فارس")
    there, _pin = services.submit_application(application=draft, by=bob)
    there = services.screen_application(application=there, by=manager_b)
    there = services.place_on_waitlist(application=there, by=manager_b)
    today = dates.today()
    for app, by in ((here, mona), (there, manager_b)):
        services.make_offer(application=app, by=by, place="C-12", respond_by=today)

    lapsed = services.expire_overdue_offers(day=today + timedelta(days=1), settlement=settlement_b)

    assert lapsed == 1
    assert (fresh(here).status, fresh(there).status) == (S.OFFERED, S.EXPIRED)


# --- lodge_appeal and decide_appeal -----------------------------------------------------------


def test_an_ineligibility_is_appealed_once(settlement_a, alice, mona):
    app = ineligible(settlement_a, by=alice, manager=mona)

    with recorded() as events:
        appealed = services.lodge_appeal(application=app, by=alice, grounds=" Card was renewed ")

    assert appealed.status == S.APPEAL
    assert appealed.appeal_of == AppealSubject.INELIGIBILITY
    assert appealed.appeal_reason == "Card was renewed"
    assert appealed.appealed_on == dates.today()
    assert kinds(events) == [intake_events.APPEALED.code]
    assert events[0].params == {"subject": AppealSubject.INELIGIBILITY}

    dismissed = services.decide_appeal(
        application=appealed, by=mona, upheld=False, decision="The card is of another province"
    )
    assert dismissed.status == S.INELIGIBLE
    assert dismissed.appeals_decided == 1

    with refused("appealed"):
        services.lodge_appeal(application=dismissed, by=alice, grounds="Second try")


def test_an_appeal_needs_its_grounds(settlement_a, alice, mona):
    app = ineligible(settlement_a, by=alice, manager=mona)

    with refused("required"):
        services.lodge_appeal(application=app, by=alice, grounds="")


@pytest.mark.parametrize(
    ("days_ago", "appeal_days", "allowed"),
    [(30, 30, True), (31, 30, False), (31, 60, True), (0, 0, True), (1, 0, False)],
    ids=["last-day", "a-day-late", "longer-period", "same-day-zero", "late-zero"],
)
def test_an_ineligibility_is_appealed_within_the_appeal_period(
    settlement_a, alice, mona, days_ago, appeal_days, allowed
):
    app = ineligible(
        settlement_a, by=alice, manager=mona, day=dates.today() - timedelta(days=days_ago)
    )

    with override_settings(MEHMAN_APPEAL_DAYS=appeal_days):
        if allowed:
            assert services.lodge_appeal(application=app, by=alice, grounds="x").status == S.APPEAL
        else:
            with refused("late") as info:
                services.lodge_appeal(application=app, by=alice, grounds="x")
            deadline = app.screened_on + timedelta(days=appeal_days)
            assert info.value.params == {"date": dates.format_date(deadline)}


def test_an_upheld_ineligibility_appeal_makes_the_application_eligible(settlement_a, alice, mona):
    app = ineligible(settlement_a, by=alice, manager=mona)
    app = services.lodge_appeal(application=app, by=alice, grounds="Card renewed in Mashhad")

    with recorded() as events:
        decided = services.decide_appeal(
            application=app, by=mona, upheld=True, decision="Renewed card seen"
        )

    assert decided.status == S.ELIGIBLE
    assert decided.appeal_decision == "Renewed card seen"
    assert kinds(events) == [intake_events.APPEAL_DECIDED.code]
    assert events[0].params == {"outcome": S.ELIGIBLE, "decision": "Renewed card seen"}
    assert services.place_on_waitlist(application=decided, by=mona).rank == 1


def test_a_score_appeal_keeps_the_place_on_the_waitlist(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona)

    appealed = services.lodge_appeal(
        application=second, by=alice, grounds="The grandmother's disability is not counted"
    )

    assert appealed.appeal_of == AppealSubject.SCORE
    assert appealed.on_waitlist
    assert ranks(first, second, third) == [1, 2, 3]
    services.withdraw_application(application=first, by=alice, reason="Moved away")
    assert ranks(second, third) == [1, 2]


def test_a_decided_score_appeal_returns_to_the_waitlist_with_its_information_re_read(
    settlement_a, alice, mona, carla
):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    appealed = services.lodge_appeal(application=second, by=alice, grounds="Disability")
    assert second.household.head is not None
    registry_services.record_need(person=second.household.head, code="DS-PM", by=carla)

    decided = services.decide_appeal(
        application=appealed, by=mona, upheld=True, decision="Disability now recorded"
    )

    assert decided.status == S.WAITLISTED
    assert decided.f_disability == 1
    assert ranks(first, second) == [2, 1]
    ranking = last_ranking()
    assert (ranking.reason, ranking.subject_id) == (RankingReason.DATA, second.pk)


def test_an_appeal_decision_needs_its_reasons(settlement_a, alice, mona):
    app = services.lodge_appeal(
        application=ineligible(settlement_a, by=alice, manager=mona), by=alice, grounds="x"
    )

    with refused("required"):
        services.decide_appeal(application=app, by=mona, upheld=True, decision=" ")


# --- refresh_application ----------------------------------------------------------------------


def test_refreshing_a_waitlisted_application_re_ranks_when_its_score_moves(
    settlement_a, alice, mona
):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    registry_services.add_member(household=second.household, by=alice, **older_member())

    with recorded() as events:
        refreshed = services.refresh_application(application=second, by=mona)

    assert refreshed.f_older == 1
    assert refreshed.household_size == 3
    assert ranks(first, second) == [2, 1]
    assert kinds(events) == [intake_events.FEATURES_READ.code]
    assert set(events[0].params["fields"]) == {"household_size", "f_older"}


def test_refreshing_with_nothing_new_changes_nothing(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    rankings = Ranking.objects.count()

    with recorded() as events:
        services.refresh_application(application=app, by=mona)

    assert events == []
    assert Ranking.objects.count() == rankings


def test_a_closed_application_is_not_refreshed(settlement_a, alice):
    app = factories.application(settlement_a, by=alice)
    services.withdraw_application(application=app, by=alice, reason="Moved away")

    with refused("closed"):
        services.refresh_application(application=app, by=alice)

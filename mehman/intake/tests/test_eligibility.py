"""Eligibility rules: each kind of rule as screening checks it, and the rules as data a
manager edits (mehman.intake.eligibility and services.rules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation

from mehman.core import dates, names
from mehman.core.models import SettlementEvent
from mehman.intake import eligibility, services
from mehman.intake import events as intake_events
from mehman.intake.models import Application, ApplicationStatus, EligibilityRule, RuleKind
from mehman.intake.tests import factories
from mehman.intake.tests.test_services import couple, fresh, refused
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Household, HouseholdStatus, IdentityDocument
from mehman.registry.tests.factories import household, member

S = ApplicationStatus


def screened(app: Application, manager: Any, day: date | None = None) -> dict[str, dict[str, Any]]:
    """Submit (if needed) and screen; what each rule found, by kind."""
    if app.status == S.DRAFT:
        app, _pin = services.submit_application(application=app, by=manager)
    app = services.screen_application(application=app, by=manager, day=day)
    return {result["kind"]: result for result in app.eligibility}


def draft(settlement: Any, by: Any, **kwargs: Any) -> Application:
    kwargs.setdefault("members", couple())
    return factories.application(settlement, by=by, **kwargs)


def set_rule(settlement: Any, by: Any, kind: str, **kwargs: Any) -> EligibilityRule:
    return services.save_rule(
        settlement=settlement,
        kind=kind,
        by=by,
        message_fa=kwargs.pop("message_fa", "پیام"),
        message_en=kwargs.pop("message_en", "Message"),
        **kwargs,
    )


def card(app: Application, by: Any, **details: Any) -> IdentityDocument:
    target = app.household
    assert target.head is not None
    details.setdefault("doc_type", DocumentType.AMAYESH)
    details.setdefault("number_typed", f"AM{target.pk:07d}")
    details.setdefault("province", "خراسان رضوی")
    return registry_services.add_document(person=target.head, by=by, **details)


# --- The default rules ------------------------------------------------------------------------


def test_a_settlement_starts_with_the_published_default_rules(settlement_a):
    rules = services.active_rules(settlement_a)

    assert [r.kind for r in rules] == [kind for kind, *_rest in eligibility.DEFAULT_RULES]
    assert [r.position for r in rules] == [1, 2, 3, 4]
    assert all(r.is_active for r in rules)
    assert rules[2].params == {"min": 1, "max": 12}
    assert services.active_rules(settlement_a) == rules  # made once


def test_a_rule_speaks_the_readers_language(settlement_a):
    rule = services.active_rules(settlement_a)[0]

    with translation.override("en"):
        assert rule.message == rule.message_en
    with translation.override("fa"):
        assert rule.message == rule.message_fa


# --- Residence document -----------------------------------------------------------------------


def test_without_a_residence_document_the_household_is_ineligible(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    # A Tazkira is an identity document, not a residence document.
    card(app, alice, doc_type=DocumentType.TAZKIRA, number_typed="TZ123456", province="")

    found = screened(app, mona)["residence_document"]

    assert found["passed"] is False
    assert found["detail_en"] == "No Amayesh card or headcount slip is recorded."
    assert found["message_en"].startswith("The household must hold a valid Amayesh card")


@pytest.mark.parametrize(
    ("expires_in_days", "passed"),
    [(-1, False), (0, True), (1, True)],
    ids=["expired-yesterday", "expires-today", "expires-tomorrow"],
)
def test_a_residence_document_must_be_valid_on_the_screening_day(
    settlement_a, alice, mona, expires_in_days, passed
):
    day = date(2026, 6, 1)
    app = draft(settlement_a, alice)
    card(app, alice, expires_on=day + timedelta(days=expires_in_days))

    found = screened(app, mona, day=day)["residence_document"]

    assert found["passed"] is passed
    if not passed:
        assert found["detail_en"] == "Every residence document recorded has expired."


def test_a_card_of_another_province_does_not_count(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    card(app, alice, province="تهران")

    found = screened(app, mona)["residence_document"]

    assert found["passed"] is False
    assert found["detail_en"] == ("The valid residence documents recorded are of another province.")


@pytest.mark.parametrize(
    "province",
    ["خراسان رضوی", "خراسان رضوي", "Khorasan Razavi", "  khorasan   razavi "],
    ids=["persian", "arabic-yeh", "english", "english-spacing"],
)
def test_the_province_is_compared_as_folded_text_in_either_language(
    settlement_a, alice, mona, province
):
    app = draft(settlement_a, alice)
    card(app, alice, province=province)

    assert screened(app, mona)["residence_document"]["passed"] is True


def test_a_headcount_slip_of_any_member_without_an_expiry_counts(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    spouse = app.household.active_members().exclude(pk=app.household.head_id).get()
    registry_services.add_document(
        person=spouse,
        by=alice,
        doc_type=DocumentType.HEADCOUNT,
        number_typed="HC-778899",
        province="خراسان رضوی",
    )

    found = screened(app, mona)["residence_document"]

    assert found["passed"] is True
    assert found["detail_en"] == "A valid residence document of this province."


def test_one_valid_document_is_enough_beside_expired_ones(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    card(app, alice, expires_on=date(2020, 1, 1), number_typed="AM-OLD-1")
    card(app, alice, doc_type=DocumentType.HEADCOUNT, number_typed="HC-1", province="تهران")
    card(app, alice, doc_type=DocumentType.HEADCOUNT, number_typed="HC-2")

    assert screened(app, mona)["residence_document"]["passed"] is True


def test_the_card_of_a_member_who_died_does_not_count(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    spouse = app.household.active_members().exclude(pk=app.household.head_id).get()
    registry_services.add_document(
        person=spouse,
        by=alice,
        doc_type=DocumentType.AMAYESH,
        number_typed="AM5550001",
        province="خراسان رضوی",
        expires_on=date(2030, 1, 1),
    )
    registry_services.record_death(person=spouse, by=alice, died_on=dates.today())

    assert screened(app, mona)["residence_document"]["passed"] is False


# --- Not resident elsewhere -----------------------------------------------------------------


def resident_household(settlement: Any, by: Any) -> Household:
    return household(
        settlement,
        by=by,
        status=HouseholdStatus.RESIDENT,
        members=[member(given_name="رحیم", family_name="نوری")],
    )


def same_document(holder_household: Household, document: IdentityDocument) -> IdentityDocument:
    """The same number on a member of another household.

    The registry refuses a second holder of a number today; records carried over from
    older registers may still have one, and screening is what finds them.
    """
    assert holder_household.head is not None
    return IdentityDocument.objects.create(
        individual=holder_household.head,
        doc_type=document.doc_type,
        number_typed=document.number_typed,
        number=names.document_key(document.number_typed),
    )


def test_a_member_whose_document_is_held_in_a_resident_household_makes_it_ineligible(
    settlement_a, settlement_b, alice, mona
):
    app = draft(settlement_a, alice)
    passport = card(app, alice, doc_type=DocumentType.PASSPORT, number_typed="P 0123 4567")
    card(app, alice)
    elsewhere = resident_household(settlement_b, alice)
    same_document(elsewhere, passport)

    found = screened(app, mona)

    assert found["not_resident_elsewhere"]["passed"] is False
    assert found["not_resident_elsewhere"]["detail_en"] == (
        f"A member's document is recorded in resident household {elsewhere.reference}."
    )
    assert found["residence_document"]["passed"] is True


def test_the_same_number_in_another_applicant_household_or_of_another_type_is_no_obstacle(
    settlement_a, alice, mona
):
    app = draft(settlement_a, alice)
    passport = card(app, alice, doc_type=DocumentType.PASSPORT, number_typed="P01234567")
    card(app, alice)
    applicant = household(settlement_a, by=alice, members=[member(given_name="رحیم")])
    same_document(applicant, passport)
    resident = resident_household(settlement_a, alice)
    assert resident.head is not None
    registry_services.add_document(
        person=resident.head, by=alice, doc_type=DocumentType.TAZKIRA, number_typed="P01234567"
    )

    found = screened(app, mona)["not_resident_elsewhere"]

    assert found["passed"] is True
    assert found["detail_en"] == "No document of a member is found in another household."


def test_a_shared_document_such_as_a_headcount_slip_is_no_obstacle(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    slip = card(app, alice, doc_type=DocumentType.HEADCOUNT, number_typed="HC-1234")
    resident = resident_household(settlement_a, alice)
    assert resident.head is not None
    registry_services.add_document(
        person=resident.head, by=alice, doc_type=DocumentType.HEADCOUNT, number_typed="HC-1234"
    )
    assert slip.number == "HC1234"

    assert screened(app, mona)["not_resident_elsewhere"]["passed"] is True


def test_a_household_that_became_resident_meanwhile_is_not_eligible(settlement_a, alice, mona):
    app = draft(settlement_a, alice)
    card(app, alice)
    app, _pin = services.submit_application(application=app, by=alice)
    registry_services.change_status(
        household=app.household, status=HouseholdStatus.RESIDENT, by=mona, reason="Moved in"
    )

    found = screened(app, mona)["not_resident_elsewhere"]

    assert found["passed"] is False
    assert found["detail_en"] == "The household is already resident."


# --- Household size ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "passed"),
    [(1, 12, True), (2, 2, True), (3, 12, False), (1, 1, False)],
    ids=["default", "exactly", "too-small", "too-large"],
)
def test_the_household_size_must_lie_within_the_bounds(
    settlement_a, alice, mona, low, high, passed
):
    set_rule(settlement_a, mona, RuleKind.HOUSEHOLD_SIZE, params={"min": low, "max": high})
    app = draft(settlement_a, alice)
    card(app, alice)

    with translation.override("en"):
        found = screened(app, mona)["household_size"]

    assert found["passed"] is passed
    assert found["detail_en"] == f"2 members; allowed {low} to {high}"


def test_members_who_left_or_died_are_not_counted_in_the_size(settlement_a, alice, mona):
    set_rule(settlement_a, mona, RuleKind.HOUSEHOLD_SIZE, params={"min": 2, "max": 12})
    app = draft(settlement_a, alice)
    card(app, alice)
    spouse = app.household.active_members().exclude(pk=app.household.head_id).get()
    registry_services.record_death(person=spouse, by=alice, died_on=dates.today())

    assert screened(app, mona)["household_size"]["passed"] is False


# --- Consent and documents seen -------------------------------------------------------------


def test_the_consent_rule_needs_the_households_consent(settlement_a, alice):
    rules = [r for r in services.active_rules(settlement_a) if r.kind == RuleKind.CONSENT]
    without = draft(settlement_a, alice, consent_given=False)
    with_consent = draft(settlement_a, alice)

    refused_ = eligibility.evaluate(without, rules, dates.today())
    passed = eligibility.evaluate(with_consent, rules, dates.today())

    assert (refused_[0]["passed"], refused_[0]["detail_en"]) == (False, "No consent recorded.")
    assert (passed[0]["passed"], passed[0]["detail_en"]) == (True, "Consent recorded.")


def test_a_submitted_application_passes_the_consent_rule(settlement_a, alice, mona):
    app = draft(settlement_a, alice)

    assert screened(app, mona)["consent"]["passed"] is True


def test_the_document_seen_rule_needs_a_document_seen_at_the_interview(settlement_a, alice, mona):
    set_rule(settlement_a, mona, RuleKind.DOCUMENT_SEEN)
    none_seen = draft(settlement_a, alice, documents_seen=[])
    two_seen = draft(
        settlement_a, alice, documents_seen=[DocumentType.AMAYESH, DocumentType.TAZKIRA]
    )

    missing = screened(none_seen, mona)["document_seen"]
    seen = screened(two_seen, mona)["document_seen"]

    assert (missing["passed"], missing["detail_en"]) == (
        False,
        "No document was seen at the interview.",
    )
    assert (seen["passed"], seen["detail_en"]) == (True, "Amayesh card, Tazkira (paper)")


# --- Rules as data ----------------------------------------------------------------------------


def test_a_switched_off_rule_is_skipped(settlement_a, alice, mona):
    set_rule(settlement_a, mona, RuleKind.RESIDENCE_DOCUMENT, is_active=False)
    app, _pin = services.submit_application(application=draft(settlement_a, alice), by=alice)

    app = services.screen_application(application=app, by=mona)

    assert app.status == S.ELIGIBLE
    assert "residence_document" not in [r["kind"] for r in app.eligibility]
    assert len(app.eligibility) == 3


def test_every_unmet_rule_is_given_in_the_rules_order_with_its_own_message(
    settlement_a, alice, mona
):
    set_rule(
        settlement_a,
        mona,
        RuleKind.HOUSEHOLD_SIZE,
        params={"min": 3},
        position=0,
        message_fa="خانوار باید دست‌کم سه نفر باشد.",
        message_en="The household must have at least three members.",
    )
    app, _pin = services.submit_application(application=draft(settlement_a, alice), by=alice)

    app = services.screen_application(application=app, by=mona)

    failed = [r for r in app.eligibility if not r["passed"]]
    assert [r["kind"] for r in failed] == ["household_size", "residence_document"]
    assert failed[0]["message_en"] == "The household must have at least three members."
    assert failed[0]["message_fa"] == "خانوار باید دست‌کم سه نفر باشد."
    assert app.events.order_by("-id").first().params == {
        "failed": ["household_size", "residence_document"]
    }


def test_a_changed_rule_leaves_past_screenings_as_they_were(settlement_a, alice, mona):
    app, _pin = services.submit_application(application=draft(settlement_a, alice), by=alice)
    app = services.screen_application(application=app, by=mona)
    assert app.status == S.INELIGIBLE

    set_rule(settlement_a, mona, RuleKind.RESIDENCE_DOCUMENT, is_active=False)

    assert fresh(app).status == S.INELIGIBLE
    assert fresh(app).eligibility == app.eligibility


def test_a_rule_change_is_recorded_with_history_and_a_settlement_event(settlement_a, mona):
    rule = set_rule(settlement_a, mona, RuleKind.HOUSEHOLD_SIZE, params={"max": "۸"})

    assert rule.params == {"min": 1, "max": 8}
    assert rule.history.first().history_user == mona
    event = SettlementEvent.objects.filter(kind=intake_events.RULE_CHANGED.code).get()
    assert event.params == {"rule": RuleKind.HOUSEHOLD_SIZE}


def test_a_new_kind_of_rule_goes_last(settlement_a, mona):
    rule = set_rule(settlement_a, mona, RuleKind.DOCUMENT_SEEN)

    assert rule.position == 5
    assert EligibilityRule.objects.filter(settlement=settlement_a).count() == 5


@pytest.mark.parametrize(
    ("kind", "kwargs", "code"),
    [
        ("income", {}, "kind"),
        (RuleKind.CONSENT, {"message_en": " "}, "required"),
        (RuleKind.CONSENT, {"message_fa": ""}, "required"),
        (RuleKind.HOUSEHOLD_SIZE, {"params": {"min": "two"}}, "number"),
        (RuleKind.HOUSEHOLD_SIZE, {"params": {"max": 100}}, "range"),
        (RuleKind.HOUSEHOLD_SIZE, {"params": {"min": 5, "max": 4}}, "range"),
    ],
    ids=["kind", "english", "persian", "number", "too-large", "min-above-max"],
)
def test_a_rule_is_checked_before_it_is_saved(settlement_a, mona, kind, kwargs, code):
    services.active_rules(settlement_a)

    with refused(code):
        set_rule(settlement_a, mona, kind, **kwargs)


def test_a_stale_rule_edit_is_refused(settlement_a, mona):
    rule = set_rule(settlement_a, mona, RuleKind.CONSENT)

    with refused("stale"):
        set_rule(settlement_a, mona, RuleKind.CONSENT, expected_version=rule.version - 1)

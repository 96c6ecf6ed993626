"""Residence terms: starting, the agreement, reviews and their decisions, and the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from mehman.core import dates
from mehman.housing.models import Occupancy
from mehman.housing.tests import factories as housing
from mehman.registry.models import HouseholdEvent, HouseholdStatus
from mehman.registry.tests import factories as registry
from mehman.residence import services
from mehman.residence.models import (
    AgreementCondition,
    Decision,
    ExitReason,
    Progress,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermOrigin,
    TermStatus,
)


@pytest.fixture
def home(settlement_a, mona):
    return housing.unit(settlement_a, by=mona)


@pytest.fixture
def resident(settlement_a, mona, home):
    return housing.resident(settlement_a, home=home, by=mona)


def _term(resident, mona, *, days_ago=400, **kwargs):
    return services.start_term(
        household=resident, by=mona, started_on=dates.today() - timedelta(days=days_ago), **kwargs
    )


def _kinds(household):
    return list(
        HouseholdEvent.objects.filter(aggregate=household, kind__startswith="residence.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


# --- Starting a term ------------------------------------------------------------------------


def test_a_term_lasts_the_policy_length_with_the_standard_conditions(resident, mona, settings):
    settings.MEHMAN_TERM_MONTHS = 36
    term = services.start_term(household=resident, by=mona, started_on=dates.today())
    assert term.status == TermStatus.ACTIVE
    assert term.origin == TermOrigin.RECORDED
    assert term.planned_end == dates.add_months(dates.today(), 36)
    assert term.first_end == term.planned_end
    assert term.next_review_on == dates.add_months(dates.today(), 6)
    standard = AgreementCondition.objects.filter(is_active=True, standard=True)
    assert [c["code"] for c in term.conditions] == [c.code for c in standard]
    assert term.reference == f"{resident.settlement.code}-T00001"
    assert term.history.count() == 1
    assert _kinds(resident) == ["residence.term_started"]


def test_a_term_may_have_its_own_length_or_end_and_chosen_conditions(resident, mona):
    term = services.start_term(
        household=resident, by=mona, months=24, conditions=["rules", "livelihood"]
    )
    assert term.planned_end == dates.add_months(dates.today(), 24)
    assert [c["code"] for c in term.conditions] == ["rules", "livelihood"]
    assert term.conditions[1]["fa"] and term.conditions[1]["en"]


def test_an_unknown_condition_is_refused(resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.start_term(household=resident, by=mona, conditions=["rules", "nonsense"])
    assert "conditions" in caught.value.message_dict
    assert not ResidenceTerm.objects.exists()


def test_only_a_resident_household_has_a_term(settlement_a, mona):
    applicant = registry.household(settlement_a, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_term(household=applicant, by=mona)
    assert caught.value.code == "not_resident"


def test_a_household_has_one_open_term_at_a_time(resident, mona):
    _term(resident, mona)
    with pytest.raises(ValidationError) as caught:
        services.start_term(household=resident, by=mona)
    assert caught.value.code == "has_term"
    assert ResidenceTerm.objects.count() == 1


def test_the_database_refuses_a_second_open_term(resident, mona):
    term = _term(resident, mona)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceTerm.objects.create(
            reference="X-T1",
            settlement=term.settlement,
            household=resident,
            origin=TermOrigin.RECORDED,
            started_on=term.started_on,
            planned_end=term.planned_end,
            first_end=term.planned_end,
            review_months=6,
        )


def test_a_term_must_end_after_it_starts(resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.start_term(household=resident, by=mona, planned_end=dates.today())
    assert "planned_end" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.start_term(household=resident, by=mona, months=0)


# --- The agreement ---------------------------------------------------------------------------


def test_the_signed_agreement_is_recorded_with_its_scan(resident, mona):
    term = _term(resident, mona)
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    term = services.record_agreement(
        term=term, by=mona, signed_on=dates.today(), scan=scan, expected_version=term.version
    )
    assert term.agreement_signed_on == dates.today()
    assert term.agreement_scan.name.startswith("agreements/")
    assert "residence.agreement_signed" in _kinds(resident)


def test_an_agreement_signed_tomorrow_or_a_strange_file_is_refused(resident, mona):
    term = _term(resident, mona)
    with pytest.raises(ValidationError) as caught:
        services.record_agreement(term=term, by=mona, signed_on=dates.today() + timedelta(1))
    assert "signed_on" in caught.value.message_dict
    exe = SimpleUploadedFile("x.exe", b"MZ")
    with pytest.raises(ValidationError) as caught:
        services.record_agreement(term=term, by=mona, signed_on=dates.today(), scan=exe)
    assert "scan" in caught.value.message_dict
    term.refresh_from_db()
    assert term.agreement_signed_on is None


def test_conditions_change_until_the_agreement_is_signed(resident, mona):
    term = _term(resident, mona)
    term = services.set_conditions(term=term, by=mona, conditions=["rules", "home"])
    assert [c["code"] for c in term.conditions] == ["rules", "home"]
    services.record_agreement(term=term, by=mona, signed_on=dates.today())
    with pytest.raises(ValidationError) as caught:
        services.set_conditions(term=term, by=mona, conditions=["rules"])
    assert caught.value.code == "signed"


def test_editing_the_list_of_conditions_leaves_agreed_words_alone(resident, mona):
    term = _term(resident, mona)
    rules = AgreementCondition.objects.get(code="rules")
    agreed = term.conditions[0]["en"]
    rules.text_en = "Something else entirely."
    rules.save()
    term.refresh_from_db()
    assert term.conditions[0]["en"] == agreed


def test_a_stale_edit_is_refused(resident, mona):
    term = _term(resident, mona)
    services.update_plan(term=term, by=mona, pathway="repatriation", exit_plan="Return in spring")
    with pytest.raises(ValidationError) as caught:
        services.update_plan(
            term=term,
            by=mona,
            pathway="local_integration",
            exit_plan="x",
            expected_version=term.version - 1,
        )
    assert caught.value.code == "stale"
    term.refresh_from_db()
    assert term.pathway == "repatriation"


# --- Reviews --------------------------------------------------------------------------------


def test_a_due_review_puts_the_term_under_review_once(resident, mona):
    term = _term(resident, mona)
    review = services.open_review(term=term, by=mona)
    again = services.open_review(term=term, by=mona)
    assert review.pk == again.pk
    assert review.due_on == term.next_review_on
    term.refresh_from_db()
    assert term.status == TermStatus.UNDER_REVIEW
    assert Review.objects.filter(term=term, status=ReviewStatus.OPEN).count() == 1


def test_continuing_sets_the_next_review(resident, mona):
    term = _term(resident, mona)
    services.open_review(term=term, by=mona)
    review = services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.ON_TRACK,
        decision=Decision.CONTINUE,
        remarks="Works at the brick kiln.",
    )
    term.refresh_from_db()
    assert review.status == ReviewStatus.DONE and review.reviewer == mona
    assert term.status == TermStatus.ACTIVE
    assert term.next_review_on == dates.add_months(dates.today(), 6)
    assert "residence.reviewed" in _kinds(resident)


def test_an_extension_needs_a_reason_and_a_later_end(resident, mona):
    term = _term(resident, mona)
    later = dates.add_months(term.planned_end, 6)
    with pytest.raises(ValidationError) as caught:
        services.complete_review(
            term=term,
            by=mona,
            held_on=dates.today(),
            progress=Progress.SOME,
            decision=Decision.EXTEND,
            new_end=later,
            reason="  ",
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.complete_review(
            term=term,
            by=mona,
            held_on=dates.today(),
            progress=Progress.SOME,
            decision=Decision.EXTEND,
            new_end=term.planned_end,
            reason="School year",
        )
    assert "new_end" in caught.value.message_dict
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE and term.extensions == 0
    assert not Review.objects.filter(term=term).exists()


def test_an_extension_moves_the_end_and_is_counted(resident, mona):
    term = _term(resident, mona)
    first_end = term.planned_end
    later = dates.add_months(first_end, 6)
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.SOME,
        decision=Decision.EXTEND,
        new_end=later,
        reason="The children finish the school year.",
    )
    term.refresh_from_db()
    assert term.status == TermStatus.EXTENDED
    assert term.planned_end == later and term.first_end == first_end
    assert term.extensions == 1
    review = term.reviews.get()
    assert review.new_end == later and review.reason == "The children finish the school year."
    assert _kinds(resident)[-2:] == ["residence.term_status", "residence.extended"]


def test_extensions_are_limited_by_policy_in_number_and_length(resident, mona, settings):
    settings.MEHMAN_MAX_EXTENSIONS = 1
    settings.MEHMAN_MAX_EXTENSION_MONTHS = 12
    term = _term(resident, mona)
    with pytest.raises(ValidationError) as caught:
        services.complete_review(
            term=term,
            by=mona,
            held_on=dates.today(),
            progress=Progress.SOME,
            decision=Decision.EXTEND,
            new_end=dates.add_months(term.planned_end, 13),
            reason="Long wait",
        )
    assert caught.value.message_dict["new_end"]
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.SOME,
        decision=Decision.EXTEND,
        new_end=dates.add_months(term.planned_end, 12),
        reason="Long wait",
    )
    term.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.complete_review(
            term=term,
            by=mona,
            held_on=dates.today(),
            progress=Progress.SOME,
            decision=Decision.EXTEND,
            new_end=dates.add_months(term.planned_end, 1),
            reason="Again",
        )
    assert caught.value.code == "extension_limit"
    term.refresh_from_db()
    assert term.extensions == 1


def test_a_continued_term_that_was_extended_stays_extended(resident, mona):
    term = _term(resident, mona)
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.SOME,
        decision=Decision.EXTEND,
        new_end=dates.add_months(term.planned_end, 3),
        reason="Wait for the visa",
    )
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.ON_TRACK,
        decision=Decision.CONTINUE,
    )
    term.refresh_from_db()
    assert term.status == TermStatus.EXTENDED


def test_a_review_needs_progress_a_decision_and_a_sensible_date(resident, mona):
    term = _term(resident, mona, days_ago=10)
    for kwargs, field in (
        ({"progress": "", "decision": Decision.CONTINUE}, "progress"),
        ({"progress": Progress.SOME, "decision": "maybe"}, "decision"),
        (
            {
                "progress": Progress.SOME,
                "decision": Decision.CONTINUE,
                "held_on": dates.today() - timedelta(days=30),
            },
            "held_on",
        ),
        (
            {
                "progress": Progress.SOME,
                "decision": Decision.CONTINUE,
                "held_on": dates.today() + timedelta(days=1),
            },
            "held_on",
        ),
        ({"progress": Progress.SOME, "decision": Decision.BEGIN_EXIT}, "reason"),
    ):
        arguments = {"held_on": dates.today(), **kwargs}
        with pytest.raises(ValidationError) as caught:
            services.complete_review(term=term, by=mona, **arguments)
        assert field in caught.value.message_dict
    assert not Review.objects.exists()


# --- Nothing ends a term silently -------------------------------------------------------------


def test_a_term_cannot_end_before_its_exit_begins(resident, mona):
    term = _term(resident, mona)
    with pytest.raises(ValidationError) as caught:
        services.end_term(
            term=term, by=mona, exit_reason=ExitReason.RETURNED, exit_on=dates.today()
        )
    assert caught.value.code == "not_ending"
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


def test_a_term_cannot_end_without_an_exit_reason_and_date(resident, mona):
    term = _term(resident, mona)
    services.begin_exit(term=term, by=mona, reason="The family is returning to Herat.")
    with pytest.raises(ValidationError) as caught:
        services.end_term(term=term, by=mona, exit_reason="", exit_on=dates.today())
    assert "exit_reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.end_term(term=term, by=mona, exit_reason=ExitReason.RETURNED, exit_on=None)
    assert "exit_on" in caught.value.message_dict
    term.refresh_from_db()
    assert term.status == TermStatus.ENDING


def test_the_database_refuses_an_ended_term_without_an_exit(resident, mona):
    term = _term(resident, mona)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceTerm.objects.filter(pk=term.pk).update(status=TermStatus.ENDED)


def test_a_passed_planned_end_does_not_end_a_term(resident, mona):
    term = _term(resident, mona, days_ago=800, months=24)
    assert term.planned_end < dates.today()
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE and term.is_open


def test_the_exit_ends_the_term_frees_the_home_and_the_household_departs(resident, mona, home):
    term = _term(resident, mona)
    services.begin_exit(term=term, by=mona, reason="Voluntary return registered")
    term = services.end_term(
        term=term,
        by=mona,
        exit_reason=ExitReason.RETURNED,
        exit_on=dates.today(),
        note="Crossed at Dogharoun",
    )
    resident.refresh_from_db()
    assert term.status == TermStatus.ENDED and term.exit_reason == ExitReason.RETURNED
    assert term.next_review_on is None
    assert resident.status == HouseholdStatus.DEPARTED
    assert not Occupancy.objects.filter(unit=home, ended_on__isnull=True).exists()
    assert _kinds(resident)[-1] == "residence.term_ended"
    with pytest.raises(ValidationError):
        services.begin_exit(term=term, by=mona, reason="again")


def test_begin_exit_is_decided_in_the_review_when_one_is_open(resident, mona):
    term = _term(resident, mona)
    services.open_review(term=term, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.begin_exit(term=term, by=mona, reason="Leaving")
    assert caught.value.code == "in_review"
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.ON_TRACK,
        decision=Decision.BEGIN_EXIT,
        reason="Tenancy found in Mashhad",
    )
    term.refresh_from_db()
    assert term.status == TermStatus.ENDING


def test_a_review_can_take_back_a_begun_exit(resident, mona):
    term = _term(resident, mona)
    services.begin_exit(term=term, by=mona, reason="Planned return")
    services.open_review(term=term, by=mona)
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.SETBACK,
        decision=Decision.CONTINUE,
        remarks="The border crossing is closed.",
    )
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE and term.next_review_on is not None


def test_reviews_open_as_they_come_within_the_notice_period(resident, mona, settings):
    settings.MEHMAN_REVIEW_NOTICE_DAYS = 14
    term = _term(resident, mona, days_ago=170)  # the six-month review is about ten days away
    assert dates.today() < term.next_review_on <= dates.today() + timedelta(days=14)
    assert services.open_due_reviews(settlement=term.settlement) == 1
    review = Review.objects.get(term=term)
    assert review.due_on == term.next_review_on  # opened early, due on its own date
    assert services.open_due_reviews(settlement=term.settlement) == 0


def test_a_review_beyond_the_notice_period_is_not_opened_yet(resident, mona, settings):
    settings.MEHMAN_REVIEW_NOTICE_DAYS = 14
    term = _term(resident, mona, days_ago=100)
    assert services.open_due_reviews(settlement=term.settlement) == 0
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE

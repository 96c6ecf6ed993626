"""Pathway specifics: a voluntary return's details, a resettlement referral to UNHCR (after
approval) and its outcome, and a move into the host city."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mehman.core import dates
from mehman.registry.tests import factories as registry
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import (
    DEFAULT_CROSSING,
    ApprovalKind,
    LocalIntegration,
    RepatriationDetails,
    ResettlementCategory,
    ResettlementOutcome,
    ResettlementPriority,
    ResettlementReferral,
)
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


# --- Voluntary return ---------------------------------------------------------------------------


@pytest.fixture
def returning(household, carla):
    return f.case(household, by=carla, pathway=Pathway.REPATRIATION)


def test_return_details_are_kept_with_dogharoun_as_the_crossing(returning, household, carla):
    details = services.save_repatriation(
        case=returning,
        by=carla,
        intended_province="Herat",
        intended_district="Injil",
        deregistered_on=TODAY() - timedelta(days=3),
        laissez_passer_number="LP-4471",
        vrf_number="VRF-2291",
        departure_on=TODAY() + timedelta(days=10),
        members_departing=list(household.active_members()),
    )
    assert details.crossing_point == DEFAULT_CROSSING
    assert details.members_departing.count() == 4
    assert details.history.exists()
    details = services.save_repatriation(case=returning, by=carla, vrf_number="VRF-2292")
    assert RepatriationDetails.objects.get().vrf_number == "VRF-2292"
    assert details.members_departing.count() == 4


def test_counselling_sessions_are_kept_by_day(returning, carla):
    services.record_counselling(case=returning, by=carla, held_on=TODAY() - timedelta(days=9))
    services.record_counselling(case=returning, by=carla, held_on=TODAY())
    details = services.record_counselling(case=returning, by=carla, held_on=TODAY())
    assert details.counselling_dates == [
        (TODAY() - timedelta(days=9)).isoformat(),
        TODAY().isoformat(),
    ]


def test_cards_surrendered_need_the_day(returning, carla):
    with pytest.raises(ValidationError) as caught:
        services.save_repatriation(case=returning, by=carla, cards_surrendered=True)
    assert "cards_surrendered_on" in caught.value.error_dict
    details = services.save_repatriation(
        case=returning, by=carla, cards_surrendered=True, cards_surrendered_on=TODAY()
    )
    assert details.cards_surrendered_on == TODAY()


def test_deregistration_is_not_in_the_future(returning, carla):
    with pytest.raises(ValidationError) as caught:
        services.save_repatriation(
            case=returning, by=carla, deregistered_on=TODAY() + timedelta(days=1)
        )
    assert caught.value.error_dict["deregistered_on"][0].code == "future"


def test_departing_members_belong_to_the_household(returning, settlement_a, carla):
    stranger = registry.household(settlement_a, by=carla).head
    with pytest.raises(ValidationError) as caught:
        services.save_repatriation(case=returning, by=carla, members_departing=[stranger])
    assert caught.value.error_dict["members_departing"][0].code == "member"


def test_details_of_another_pathway_are_refused(returning, carla):
    with pytest.raises(ValidationError) as caught:
        services.save_integration(case=returning, by=carla, city="Mashhad")
    assert caught.value.code == "pathway"
    assert not LocalIntegration.objects.exists()


# --- Resettlement -------------------------------------------------------------------------------


@pytest.fixture
def resettling(household, carla):
    return f.case(household, by=carla, pathway=Pathway.RESETTLEMENT)


def _prepare(case, by, **overrides):
    data = {
        "primary_category": ResettlementCategory.MEDICAL,
        "secondary_category": ResettlementCategory.NO_ALTERNATIVE,
        "priority": ResettlementPriority.URGENT,
        "justification": "Child needs surgery unavailable here",
    }
    data.update(overrides)
    return services.prepare_resettlement(case=case, by=by, **data)


def test_a_referral_names_two_different_categories(resettling, carla):
    with pytest.raises(ValidationError) as caught:
        _prepare(resettling, carla, secondary_category=ResettlementCategory.MEDICAL)
    assert caught.value.error_dict["secondary_category"][0].code == "same_category"
    referral = _prepare(resettling, carla)
    assert referral.outcome == ResettlementOutcome.PENDING
    assert referral.priority == ResettlementPriority.URGENT


def test_the_database_refuses_the_same_category_twice(resettling, carla):
    referral = _prepare(resettling, carla)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResettlementReferral.objects.filter(pk=referral.pk).update(
            secondary_category=ResettlementCategory.MEDICAL
        )


def test_referring_to_unhcr_needs_a_second_approver(resettling, carla, mona):
    _prepare(resettling, carla)
    with pytest.raises(ValidationError) as caught:
        services.refer_to_unhcr(case=resettling, by=carla)
    assert caught.value.code == "needs_approval"
    f.approved(resettling, ApprovalKind.RESETTLEMENT, asked_by=carla, decided_by=mona)
    referral = services.refer_to_unhcr(case=resettling, by=carla)
    assert referral.referred_on == TODAY()


def test_the_outcome_follows_the_referral_to_unhcr(resettling, carla, mona):
    _prepare(resettling, carla)
    with pytest.raises(ValidationError) as caught:
        services.record_resettlement_outcome(
            case=resettling, by=carla, outcome=ResettlementOutcome.ACCEPTED
        )
    assert caught.value.code == "not_referred"
    f.approved(resettling, ApprovalKind.RESETTLEMENT, asked_by=carla, decided_by=mona)
    services.refer_to_unhcr(case=resettling, by=carla)
    referral = services.record_resettlement_outcome(
        case=resettling, by=carla, outcome=ResettlementOutcome.ACCEPTED, note="Canada"
    )
    assert (referral.outcome, referral.outcome_on) == (ResettlementOutcome.ACCEPTED, TODAY())


# --- Local integration --------------------------------------------------------------------------


def test_a_move_to_the_city_is_recorded_and_followed_up(household, carla):
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    record = services.save_integration(
        case=case,
        by=carla,
        city="Mashhad",
        city_address="Golshahr, Street 12",
        tenancy_start=TODAY() - timedelta(days=5),
        permits="Work permit applied for",
        schools="Two children enrolled at Shahid Beheshti school",
        follow_up_on=TODAY() + timedelta(days=60),
    )
    assert record.city == "Mashhad"
    assert record.history.count() == 1
    with pytest.raises(ValidationError):
        services.save_integration(case=case, by=carla, tenancy_start=TODAY() + timedelta(days=1))

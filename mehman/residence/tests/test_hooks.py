"""Where residence meets the apps below it: admission starts a term in the same transaction,
and a household leaving the registry ends its term with an exit — or is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mehman.core import dates
from mehman.housing import services as housing_services
from mehman.housing.models import Occupancy, OfferStatus
from mehman.housing.tests import factories as housing
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdStatus
from mehman.registry.tests.factories import family, member
from mehman.residence import services
from mehman.residence.models import ExitReason, ResidenceTerm, TermOrigin, TermStatus
from mehman.residence.services import terms as term_services


@pytest.fixture
def offer(settlement_a, alice, mona):
    unit = housing.unit(settlement_a, by=mona)
    application = waitlisted(settlement_a, by=alice, manager=mona)
    return housing_services.offer_unit(unit=unit, application=application, by=mona)


def test_accepting_an_offer_starts_the_households_term_the_same_day(offer, mona):
    day = dates.today() - timedelta(days=2)
    housing_services.accept_unit_offer(offer=offer, by=mona, day=day)
    term = ResidenceTerm.objects.get(household=offer.application.household)
    assert term.origin == TermOrigin.ADMISSION
    assert term.application == offer.application
    assert term.started_on == day
    assert term.status == TermStatus.ACTIVE


def test_if_the_term_cannot_start_nothing_of_the_admission_happens(offer, mona, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("no term today", code="test")

    monkeypatch.setattr(term_services, "start_term", refuse)
    with pytest.raises(ValidationError):
        housing_services.accept_unit_offer(offer=offer, by=mona)
    offer.refresh_from_db()
    application = offer.application
    application.refresh_from_db()
    application.household.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    assert application.status == ApplicationStatus.OFFERED
    assert application.household.status == HouseholdStatus.APPLICANT
    assert not Occupancy.objects.filter(household=application.household).exists()


@pytest.fixture
def home(settlement_a, mona):
    return housing.unit(settlement_a, by=mona)


@pytest.fixture
def termed(settlement_a, mona, home):
    household = housing.resident(settlement_a, home=home, by=mona)
    services.start_term(
        household=household, by=mona, started_on=dates.today() - timedelta(days=100)
    )
    return household


def test_a_departure_typed_by_hand_is_refused_while_a_term_is_open(termed, mona):
    with pytest.raises(ValidationError) as caught:
        registry_services.change_status(household=termed, status=HouseholdStatus.DEPARTED, by=mona)
    assert caught.value.code == "open_term"
    termed.refresh_from_db()
    assert termed.status == HouseholdStatus.RESIDENT
    assert ResidenceTerm.objects.get(household=termed).status == TermStatus.ACTIVE


def test_a_household_without_a_term_departs_freely(settlement_a, mona):
    household = housing.resident(settlement_a, by=mona)
    registry_services.change_status(household=household, status=HouseholdStatus.DEPARTED, by=mona)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED


def test_when_the_last_member_dies_the_term_ends_with_that_exit_and_the_home_is_freed(
    settlement_a, mona, home
):
    household = housing.resident(settlement_a, home=home, by=mona, members=[member()])
    term = services.start_term(
        household=household, by=mona, started_on=dates.today() - timedelta(days=100)
    )
    services.open_review(term=term, by=mona)
    died_on = dates.today() - timedelta(days=3)
    registry_services.record_death(person=household.head, died_on=died_on, by=mona)
    term.refresh_from_db()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED
    assert term.status == TermStatus.ENDED
    assert term.exit_reason == ExitReason.DECEASED and term.exit_on == died_on
    assert not term.reviews.filter(status="open").exists()
    assert not Occupancy.objects.filter(unit=home, ended_on__isnull=True).exists()


def test_a_household_merged_into_another_ends_its_term_as_joined(settlement_a, mona, termed):
    keep = housing.resident(settlement_a, by=mona, members=family())
    registry_services.merge_households(keep=keep, absorb=termed, by=mona)
    term = ResidenceTerm.objects.get(household=termed)
    assert term.status == TermStatus.ENDED
    assert term.exit_reason == ExitReason.JOINED_HOUSEHOLD
    assert not Occupancy.objects.filter(household=termed, ended_on__isnull=True).exists()

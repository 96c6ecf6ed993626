"""Offers of vacant units to the waitlist, against the real database: who fits, the offer
and its hold on the unit, the household's answer, and offers that run out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import (
    MoveReason,
    Occupancy,
    Offer,
    OfferStatus,
    Unit,
    UnitEvent,
    UnitState,
)
from mehman.housing.tests import factories as hf
from mehman.intake import services as intake
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdEvent, HouseholdStatus
from mehman.registry.tests.factories import family, member

TODAY = dates.today


def _bigger_family(extra: int) -> list[dict]:
    return [*family(), *(member(given_name=f"فرزند{i}", relationship="son") for i in range(extra))]


def _walking_family() -> list[dict]:
    people = family()
    people[0]["wg_walking"] = 3  # a lot of difficulty walking or climbing steps
    return people


@pytest.fixture
def unit(settlement_a, mona):
    return hf.unit(settlement_a, by=mona)


@pytest.fixture
def step_free(settlement_a, mona):
    return hf.unit(settlement_a, by=mona, ramp=True, ground_floor=True)


@pytest.fixture
def waiting_list(settlement_a, alice, mona):
    """Three waitlisted households of four, in rank order."""
    made = [waitlisted(settlement_a, by=alice, manager=mona) for _ in range(3)]
    ranked = sorted(Application.objects.filter(pk__in=[a.pk for a in made]), key=lambda a: a.rank)
    assert [a.rank for a in ranked] == [1, 2, 3]
    return ranked


def _household_events(application, prefix="housing."):
    return list(
        HouseholdEvent.objects.filter(aggregate=application.household, kind__startswith=prefix)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def _fresh(record):
    record.refresh_from_db()
    return record


# --- Who needs a step-free home -------------------------------------------------------------


def test_a_lot_of_difficulty_walking_calls_for_a_step_free_home(settlement_a, alice):
    walking = hf.resident(settlement_a, by=alice, members=_walking_family())
    some = family()
    some[0]["wg_walking"] = 2
    some_difficulty = hf.resident(settlement_a, by=alice, members=some)
    assert services.needs_step_free([walking.pk, some_difficulty.pk]) == {walking.pk}


def test_an_open_physical_disability_need_calls_for_a_step_free_home(settlement_a, alice, mona):
    target = hf.resident(settlement_a, by=alice)
    assert services.needs_step_free([target.pk]) == set()
    need = registry_services.record_need(person=target.head, code="DS-PM", by=alice)
    assert services.needs_step_free([target.pk]) == {target.pk}
    registry_services.resolve_need(need=need, by=alice)
    assert services.needs_step_free([target.pk]) == set()
    # On a day before it was resolved, it still counted.
    assert services.needs_step_free([target.pk], on=TODAY() - timedelta(days=1)) == {target.pk}


def test_a_member_who_left_no_longer_calls_for_a_step_free_home(settlement_a, alice):
    target = hf.resident(settlement_a, by=alice, members=_walking_family())
    walker = target.members.get(wg_walking=3)
    other = target.members.exclude(pk=walker.pk).get(relationship="spouse")
    registry_services.record_death(person=walker, by=alice, died_on=TODAY(), new_head=other)
    assert services.needs_step_free([target.pk]) == set()


# --- Candidates -----------------------------------------------------------------------------


def test_candidates_are_the_waitlist_in_rank_order(unit, waiting_list):
    chosen = services.candidates_for(unit)
    assert [a.pk for a, _needs in chosen] == [a.pk for a in waiting_list]
    assert [needs for _a, needs in chosen] == [False, False, False]
    assert [a.pk for a, _ in services.candidates_for(unit, limit=2)] == [
        waiting_list[0].pk,
        waiting_list[1].pk,
    ]


def test_a_household_bigger_than_the_unit_is_no_candidate(settlement_a, alice, mona):
    big = waitlisted(settlement_a, by=alice, manager=mona, members=_bigger_family(7))  # 11
    small = waitlisted(settlement_a, by=alice, manager=mona)
    unit = hf.unit(settlement_a, by=mona)  # 10 persons
    assert [a.pk for a, _ in services.candidates_for(unit)] == [small.pk]
    roomy = hf.unit(settlement_a, by=mona, floor_area="50")  # 11 persons
    assert {a.pk for a, _ in services.candidates_for(roomy)} == {big.pk, small.pk}


def test_a_household_needing_a_step_free_home_is_offered_only_step_free_units(
    settlement_a, unit, step_free, alice, mona
):
    walking = waitlisted(settlement_a, by=alice, manager=mona, members=_walking_family())
    other = waitlisted(settlement_a, by=alice, manager=mona)
    assert [a.pk for a, _ in services.candidates_for(unit)] == [other.pk]
    both = {a.pk: needs for a, needs in services.candidates_for(step_free)}
    assert both == {walking.pk: True, other.pk: False}


def test_a_household_with_an_open_disability_need_counts_as_needing_step_free(
    settlement_a, unit, step_free, alice, mona
):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    registry_services.record_need(person=app.household.head, code="DS-PM", by=alice)
    assert services.candidates_for(unit) == []
    assert [(a.pk, needs) for a, needs in services.candidates_for(step_free)] == [(app.pk, True)]


def test_a_household_already_holding_an_offer_is_no_candidate(
    settlement_a, unit, waiting_list, mona
):
    services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    other = hf.unit(settlement_a, by=mona)
    assert [a.pk for a, _ in services.candidates_for(other)] == [
        waiting_list[1].pk,
        waiting_list[2].pk,
    ]


# --- Offering -------------------------------------------------------------------------------


def test_an_offer_holds_the_unit_for_the_top_household(unit, waiting_list, mona):
    top = waiting_list[0]
    offer = services.offer_unit(unit=unit, application=top, by=mona)
    assert offer.status == OfferStatus.OPEN
    assert offer.unit == unit
    assert offer.offered_by == mona
    assert offer.offered_on == TODAY()
    assert offer.respond_by == TODAY() + timedelta(days=14)
    app = _fresh(top)
    assert app.status == ApplicationStatus.OFFERED
    assert app.offer_place == unit.reference
    assert _household_events(top) == ["housing.offered"]
    assert UnitEvent.objects.get(aggregate=unit, kind="housing.offered").params == {
        "unit": unit.reference,
        "application": top.reference,
    }
    assert not Unit.objects.vacant().exists()
    assert offer.history.get().history_user == mona


def _refused(unit, application, by, code, **kwargs):
    offers_before = Offer.objects.count()
    status_before = Application.objects.get(pk=application.pk).status
    with pytest.raises(ValidationError) as caught:
        services.offer_unit(unit=unit, application=application, by=by, **kwargs)
    codes = (
        [e.code for errors in caught.value.error_dict.values() for e in errors]
        if hasattr(caught.value, "error_dict")
        else [caught.value.code]
    )
    assert code in codes
    assert Offer.objects.count() == offers_before
    assert Application.objects.get(pk=application.pk).status == status_before
    return caught.value


def test_a_unit_somebody_lives_in_cannot_be_offered(settlement_a, unit, waiting_list, alice, mona):
    hf.resident(settlement_a, home=unit, by=alice)
    _refused(unit, waiting_list[0], mona, "occupied")


def test_a_unit_held_for_another_household_cannot_be_offered(unit, waiting_list, mona):
    services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    _refused(unit, waiting_list[1], mona, "offered", skip_reason="Ground floor wanted")


@pytest.mark.parametrize("state", [UnitState.WORKS, UnitState.UNINHABITABLE, UnitState.PLANNED])
def test_a_unit_that_is_not_habitable_cannot_be_offered(settlement_a, waiting_list, mona, state):
    closed = hf.unit(settlement_a, by=mona, state=state)
    _refused(closed, waiting_list[0], mona, "not_habitable")
    assert not UnitEvent.objects.filter(aggregate=closed, kind="housing.offered").exists()


def test_a_unit_too_small_for_the_household_is_refused(settlement_a, waiting_list, mona):
    small = hf.unit(settlement_a, by=mona, floor_area="13.5")  # 3 persons for 4
    _refused(small, waiting_list[0], mona, "too_small")


def test_a_household_needing_a_step_free_home_is_refused_a_unit_with_steps(
    settlement_a, unit, alice, mona
):
    walking = waitlisted(settlement_a, by=alice, manager=mona, members=_walking_family())
    _refused(unit, walking, mona, "step_free", skip_reason="x")


def test_passing_over_higher_ranked_households_needs_a_reason(unit, waiting_list, mona):
    error = _refused(unit, waiting_list[2], mona, "rank_order")
    assert "skip_reason" in error.error_dict
    assert not _household_events(waiting_list[2])
    offer = services.offer_unit(
        unit=unit, application=waiting_list[2], by=mona, skip_reason="Needs to be near the clinic"
    )
    assert _fresh(waiting_list[2]).offer_skip_reason == "Needs to be near the clinic"
    assert offer.status == OfferStatus.OPEN


def test_an_answer_due_in_the_past_is_refused(unit, waiting_list, mona):
    _refused(unit, waiting_list[0], mona, "past", respond_by=TODAY() - timedelta(days=1))


def test_a_unit_of_another_settlement_cannot_be_offered(settlement_b, waiting_list, adam):
    elsewhere = hf.unit(settlement_b, by=adam)
    _refused(elsewhere, waiting_list[0], adam, "settlement")


def test_an_application_not_on_the_waitlist_cannot_be_offered_a_unit(
    settlement_a, unit, waiting_list, alice, mona
):
    intake.withdraw_application(application=waiting_list[0], by=alice, reason="Left Iran")
    _refused(unit, waiting_list[0], mona, "transition")


def test_an_offer_whose_application_was_withdrawn_no_longer_holds_the_unit(
    unit, waiting_list, alice, mona
):
    stale = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    intake.withdraw_application(application=waiting_list[0], by=alice, reason="Moved away")
    assert list(Unit.objects.vacant()) == [unit]  # before housing's round closes it
    fresh = services.offer_unit(unit=unit, application=waiting_list[1], by=mona)
    assert _fresh(stale).status == OfferStatus.LAPSED
    assert fresh.status == OfferStatus.OPEN


# --- Answers --------------------------------------------------------------------------------


def test_acceptance_admits_the_household_and_moves_it_in(unit, waiting_list, mona, alice):
    top = waiting_list[0]
    offer = services.offer_unit(unit=unit, application=top, by=mona)
    occupancy = services.accept_unit_offer(offer=offer, by=alice)
    assert occupancy.unit == unit
    assert occupancy.reason == MoveReason.ADMISSION
    assert occupancy.application == top
    offer = _fresh(offer)
    assert (offer.status, offer.answered_on) == (OfferStatus.ACCEPTED, TODAY())
    app = _fresh(top)
    assert app.status == ApplicationStatus.ADMITTED
    assert app.admitted_on == TODAY()
    household = app.household
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT
    assert household.address == unit.reference
    assert _household_events(top) == [
        "housing.offered",
        "housing.moved_in",
        "housing.offer_answered",
    ]
    assert UnitEvent.objects.get(aggregate=unit, kind="housing.offer_answered").params["unit"] == (
        unit.reference
    )
    assert list(Unit.objects.occupied()) == [unit]


def test_acceptance_is_all_or_nothing(unit, waiting_list, mona, alice):
    top = waiting_list[0]
    offer = services.offer_unit(unit=unit, application=top, by=mona)
    # The unit is found unsafe meanwhile (written directly, as a concurrent change would be).
    Unit.objects.filter(pk=unit.pk).update(state=UnitState.UNINHABITABLE)
    with pytest.raises(ValidationError) as caught:
        services.accept_unit_offer(offer=offer, by=alice)
    assert caught.value.code == "not_habitable"
    assert _fresh(offer).status == OfferStatus.OPEN
    app = _fresh(top)
    assert app.status == ApplicationStatus.OFFERED
    assert app.admitted_on is None
    household = app.household
    household.refresh_from_db()
    assert household.status == HouseholdStatus.APPLICANT
    assert not Occupancy.objects.exists()
    assert _household_events(top) == ["housing.offered"]
    assert not HouseholdEvent.objects.filter(aggregate=household, kind="intake.admitted").exists()


def test_acceptance_cannot_be_dated_in_the_future(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    with pytest.raises(ValidationError) as caught:
        services.accept_unit_offer(offer=offer, by=mona, day=TODAY() + timedelta(days=1))
    assert caught.value.error_dict["day"][0].code == "future"
    assert _fresh(offer).status == OfferStatus.OPEN
    assert _fresh(waiting_list[0]).status == ApplicationStatus.OFFERED


def test_an_answered_offer_cannot_be_answered_again(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    services.decline_unit_offer(offer=offer, by=mona, reason="Too far from work")
    with pytest.raises(ValidationError) as caught:
        services.accept_unit_offer(offer=offer, by=mona)
    assert caught.value.code == "answered"
    with pytest.raises(ValidationError) as caught:
        services.decline_unit_offer(offer=offer, by=mona, reason="Again")
    assert caught.value.code == "answered"
    assert not Occupancy.objects.exists()


def test_a_declined_offer_frees_the_unit_and_the_household_keeps_its_place(
    unit, waiting_list, mona
):
    top = waiting_list[0]
    offer = services.offer_unit(unit=unit, application=top, by=mona)
    declined = services.decline_unit_offer(offer=offer, by=mona, reason="Too far from work")
    assert (declined.status, declined.answered_on) == (OfferStatus.DECLINED, TODAY())
    app = _fresh(top)
    assert app.status == ApplicationStatus.WAITLISTED
    assert app.decline_reason == "Too far from work"
    assert list(Unit.objects.vacant()) == [unit]
    assert _household_events(top) == ["housing.offered", "housing.offer_answered"]
    assert UnitEvent.objects.get(aggregate=unit, kind="housing.offer_answered").params[
        "answer"
    ] == str(OfferStatus.DECLINED.label)


def test_a_household_declining_may_leave_the_list(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    services.decline_unit_offer(offer=offer, by=mona, reason="Found a flat", back_to_waitlist=False)
    assert _fresh(waiting_list[0]).status == ApplicationStatus.DECLINED
    assert list(Unit.objects.vacant()) == [unit]


def test_a_decline_needs_the_households_reason(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    with pytest.raises(ValidationError) as caught:
        services.decline_unit_offer(offer=offer, by=mona, reason=" ")
    assert caught.value.error_dict["reason"][0].code == "required"
    assert _fresh(offer).status == OfferStatus.OPEN
    assert _fresh(waiting_list[0]).status == ApplicationStatus.OFFERED
    assert not Unit.objects.vacant().exists()


# --- Offers that run out --------------------------------------------------------------------


def test_an_offer_not_answered_in_time_lapses_and_frees_the_unit(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    due = offer.respond_by
    assert services.lapse_offers(day=due) == 0  # the last day still counts
    assert _fresh(offer).status == OfferStatus.OPEN
    assert services.lapse_offers(day=due + timedelta(days=1)) == 1
    assert _fresh(offer).status == OfferStatus.LAPSED
    app = _fresh(waiting_list[0])
    assert app.status == ApplicationStatus.EXPIRED
    assert list(Unit.objects.vacant()) == [unit]
    assert _household_events(waiting_list[0]) == ["housing.offered", "housing.offer_answered"]


def test_the_daily_round_reads_todays_date(unit, waiting_list, mona, monkeypatch):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    later = offer.respond_by + timedelta(days=1)
    monkeypatch.setattr(dates, "today", lambda: later)
    assert services.lapse_offers() == 1
    offer = _fresh(offer)
    assert (offer.status, offer.answered_on) == (OfferStatus.LAPSED, later)
    assert _fresh(waiting_list[0]).status == ApplicationStatus.EXPIRED


def test_the_daily_round_closes_offers_whose_application_was_withdrawn(
    unit, waiting_list, alice, mona
):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    intake.withdraw_application(application=waiting_list[0], by=alice, reason="Moved away")
    assert services.lapse_offers() == 1
    assert _fresh(offer).status == OfferStatus.LAPSED
    assert _fresh(waiting_list[0]).status == ApplicationStatus.WITHDRAWN


def test_the_daily_round_of_one_settlement_leaves_the_others(
    settlement_a, settlement_b, unit, waiting_list, mona, bob, adam
):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    day = offer.respond_by + timedelta(days=1)
    assert services.lapse_offers(settlement=settlement_b, day=day) == 0
    assert _fresh(offer).status == OfferStatus.OPEN
    assert services.lapse_offers(settlement=settlement_a, day=day) == 1


def test_a_lapsed_unit_may_be_offered_to_the_next_household(unit, waiting_list, mona):
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    services.lapse_offers(day=offer.respond_by + timedelta(days=1))
    nxt = services.offer_unit(unit=unit, application=waiting_list[1], by=mona)
    assert nxt.status == OfferStatus.OPEN
    assert Offer.objects.filter(unit=unit).count() == 2


def test_an_admitted_household_can_be_given_its_unit_by_recorded_reason_only_once(
    unit, waiting_list, mona
):
    """After acceptance the unit is taken: a second household cannot be moved in."""
    offer = services.offer_unit(unit=unit, application=waiting_list[0], by=mona)
    services.accept_unit_offer(offer=offer, by=mona)
    _refused(unit, waiting_list[1], mona, "occupied", skip_reason="x")

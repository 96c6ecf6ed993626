"""Referrals, deliveries, distributions and spending, against the real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mehman.assistance import services
from mehman.assistance.models import Delivery, Referral, ReferralStatus
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.models import Donation, OrganisationEvent, PledgeStatus
from mehman.partners.tests import factories as pf
from mehman.registry.models import HouseholdEvent
from mehman.registry.tests import factories as rf

TODAY = dates.today


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def household(settlement_a, alice):
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def partner_vera(vera, charity, settlement_a, mona):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    return vera


def _refer(household, org, by, **kw):
    data = {"sector": "nfi", "service": "Winter kit", "consent_given": True}
    data.update(kw)
    return services.refer_household(household=household, organisation=org, by=by, **data)


def test_a_referral_needs_consent_or_a_written_reason(household, charity, alice):
    with pytest.raises(ValidationError) as caught:
        _refer(household, charity, alice, consent_given=False)
    assert caught.value.message_dict["consent_override"]
    assert not Referral.objects.exists()
    made = _refer(household, charity, alice, consent_given=False, consent_override="Urgent")
    assert made.status == ReferralStatus.REFERRED
    assert HouseholdEvent.objects.filter(aggregate=household, kind="assistance.referred").exists()


def test_a_partner_sees_a_referred_household_only_under_a_live_agreement(
    household, charity, alice, mona, partner_vera, settlement_a
):
    referral = _refer(household, charity, alice)
    assert not Referral.objects.for_user(partner_vera).exists()  # no agreement yet
    agreement = pf.data_agreement(charity, settlement_a, by=mona)
    assert list(Referral.objects.for_user(partner_vera)) == [referral]
    partners.revoke_agreement(agreement=agreement, by=mona, reason="Project ended")
    assert not Referral.objects.for_user(partner_vera).exists()


def test_an_agreement_that_ended_yesterday_shares_nothing_today(
    household, charity, alice, mona, partner_vera, settlement_a
):
    _refer(household, charity, alice)
    pf.data_agreement(
        charity,
        settlement_a,
        by=mona,
        valid_from=TODAY() - timedelta(days=365),
        valid_to=TODAY() - timedelta(days=1),
    )
    assert not Referral.objects.for_user(partner_vera).exists()
    assert Referral.objects.shared_with(partner_vera, TODAY() - timedelta(days=1)).exists()


def test_another_organisations_referrals_stay_hidden(
    household, charity, alice, mona, partner_vera, settlement_a
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    pf.data_agreement(other, settlement_a, by=mona)
    pf.data_agreement(charity, settlement_a, by=mona)
    _refer(household, other, alice)
    assert not Referral.objects.for_user(partner_vera).exists()


def test_only_the_addressed_partner_answers_and_transitions_are_checked(
    household, charity, alice, mona, partner_vera, settlement_a
):
    pf.data_agreement(charity, settlement_a, by=mona)
    referral = _refer(household, charity, alice)
    with pytest.raises(ValidationError) as caught:
        services.close_referral(referral=referral, by=partner_vera, outcome="Done")
    assert caught.value.code == "transition"
    services.accept_referral(referral=referral, by=partner_vera)
    closed = services.close_referral(referral=referral, by=partner_vera, outcome="Kit given")
    assert closed.status == ReferralStatus.CLOSED
    assert not Referral.objects.for_user(partner_vera).exists()  # closed: no longer shared


def test_a_distribution_counts_people_reached_and_uses_the_donation(
    settlement_a, charity, mona, alice
):
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(3)]
    activity = pf.activity(charity, settlement_a, by=mona)
    pledge = pf.pledge(charity, settlement_a, by=mona, quantity=5)
    donation = partners.receive_donation(pledge=pledge, by=mona, quantity=5)
    partners.store_donation(donation=donation, by=mona, place="Warehouse 1")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.STORED
    made = services.distribute_donation(
        donation=donation, activity=activity, households=homes, by=alice
    )
    assert len(made) == 3
    donation.refresh_from_db()
    assert donation.used_quantity == Decimal(3)
    # A family of four: a man, a woman, a boy of 5-11 and a girl under five.
    assert made[0].reached["m_age18_59"] == 1
    assert made[0].reached["f_age0_4"] == 1
    with pytest.raises(ValidationError) as caught:
        services.distribute_donation(
            donation=donation, activity=activity, households=homes, by=alice
        )
    assert caught.value.code == "exhausted"
    assert Delivery.objects.count() == 3  # all or nothing
    services.distribute_donation(
        donation=donation, activity=activity, households=homes[:2], by=alice
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DISTRIBUTED


def test_a_restricted_gift_goes_only_to_the_households_the_donor_chose(
    settlement_a, charity, mona, alice
):
    widow_home = rf.household(
        settlement_a,
        by=alice,
        status="resident",
        members=[rf.member(given_name="مریم", sex="F", marital_status="widowed")],
    )
    other_home = rf.household(settlement_a, by=alice, status="resident")
    activity = pf.activity(charity, settlement_a, by=mona)
    pledge = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        restricted_to="widow_head",
        restriction_note="For widows' households",
    )
    donation = partners.receive_donation(pledge=pledge, by=mona, quantity=10)
    with pytest.raises(ValidationError) as caught:
        services.record_delivery(
            household=other_home, activity=activity, by=alice, donation=donation
        )
    assert caught.value.code == "restricted_household"
    services.record_delivery(household=widow_home, activity=activity, by=alice, donation=donation)
    assert Donation.objects.get(pk=donation.pk).used_quantity == 1


def test_a_roof_repair_pledge_is_received_and_spent_on_work_orders(
    settlement_a, charity, mona, alice, household
):
    pledge = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=200_000_000,
        restricted_sector="shelter",
        restriction_note="For roof repairs",
    )
    donation = partners.receive_donation(pledge=pledge, by=mona, quantity=200_000_000)
    with pytest.raises(ValidationError) as caught:
        services.record_expenditure(
            donation=donation,
            by=mona,
            work_order="WO-1",
            description="School books",
            sector="education",
            amount=1_000_000,
        )
    assert caught.value.code == "restricted_sector"
    spent = services.record_expenditure(
        donation=donation,
        by=mona,
        work_order="WO-17",
        description="Roof repair, block 3",
        sector="shelter",
        amount=120_000_000,
        household=household,
    )
    assert spent.reached
    with pytest.raises(ValidationError) as caught:
        services.record_expenditure(
            donation=donation,
            by=mona,
            work_order="WO-18",
            description="Roof repair",
            sector="shelter",
            amount=90_000_000,
            household=household,
        )
    assert caught.value.code == "exhausted"
    services.record_expenditure(
        donation=donation,
        by=mona,
        work_order="WO-18",
        description="Roof repair",
        sector="shelter",
        amount=80_000_000,
        household=household,
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DISTRIBUTED
    assert (
        HouseholdEvent.objects.filter(aggregate=household, kind="assistance.work_funded").count()
        == 2
    )
    assert OrganisationEvent.objects.filter(aggregate=charity, kind="pledge.used").count() == 2


def test_a_partner_records_deliveries_only_for_households_shared_with_it(
    settlement_a, charity, mona, alice, partner_vera, household
):
    activity = pf.activity(
        charity, settlement_a, by=mona, sector="livelihoods", name="Tailoring course"
    )
    stranger = rf.household(settlement_a, by=alice, status="resident")
    pf.data_agreement(charity, settlement_a, by=mona)
    _refer(household, charity, alice)
    services.record_delivery(
        household=household, activity=activity, by=partner_vera, item="Sewing kit"
    )
    with pytest.raises(ValidationError) as caught:
        services.record_delivery(
            household=stranger, activity=activity, by=partner_vera, item="Sewing kit"
        )
    assert caught.value.code == "not_shared"


def test_attendance_counts_each_person_once_a_day(settlement_a, charity, mona, alice, household):
    activity = pf.activity(
        charity, settlement_a, by=mona, sector="livelihoods", name="Tailoring course"
    )
    people = list(household.active_members())[:2]
    first = services.record_attendance(activity=activity, people=people, by=alice)
    again = services.record_attendance(activity=activity, people=people, by=alice)
    assert len(first) == 2
    assert again == []


def test_nothing_is_delivered_for_a_planned_activity(settlement_a, charity, mona, alice, household):
    activity = pf.activity(charity, settlement_a, by=mona, status="planned")
    with pytest.raises(ValidationError) as caught:
        services.record_delivery(household=household, activity=activity, by=alice, item="Kit")
    assert caught.value.code == "activity_status"
    assert not Delivery.objects.exists()


def test_a_delivery_in_the_future_is_refused(settlement_a, charity, mona, alice, household):
    activity = pf.activity(charity, settlement_a, by=mona)
    with pytest.raises(ValidationError):
        services.record_delivery(
            household=household,
            activity=activity,
            by=alice,
            item="Kit",
            delivered_on=TODAY() + timedelta(days=1),
        )
    assert not Delivery.objects.exists()

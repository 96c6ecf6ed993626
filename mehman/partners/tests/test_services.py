"""Organisations, agreements, volunteers, activities and gifts, against the real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from mehman.core import dates
from mehman.partners import services
from mehman.partners.models import (
    Activity,
    ActivityStatus,
    Agreement,
    BackgroundCheck,
    DataSharingAgreement,
    Donation,
    Organisation,
    OrganisationEvent,
    OrganisationStaff,
    Pledge,
    PledgeStatus,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
)
from mehman.partners.tests import factories


def today():
    return dates.today()


def days(n: int):
    return today() + timedelta(days=n)


@pytest.fixture
def charity(settlement_a, mona):
    return factories.organisation(settlement_a, by=mona)


@pytest.fixture
def ngo(settlement_a, mona):
    return factories.organisation(
        settlement_a, by=mona, name_fa="سازمان دیگر", name_en="Other NGO", acronym="ON"
    )


@pytest.fixture
def winter_kits(charity, settlement_a, mona):
    return factories.activity(charity, settlement_a, by=mona)


def codes(error: ValidationError) -> list[str | None]:
    if hasattr(error, "error_dict"):
        return [e.code for errors in error.error_dict.values() for e in errors]
    return [e.code for e in error.error_list]


def kinds(organisation: Organisation) -> list[str]:
    return list(
        OrganisationEvent.objects.filter(aggregate=organisation)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


# --- Organisations ------------------------------------------------------------------------------


def test_an_organisation_is_registered_with_its_settlements_and_an_event(settlement_a, mona):
    made = services.register_organisation(
        by=mona,
        name_fa=" هلال احمر ",
        name_en="Red Crescent",
        org_type="GOV",
        sectors=["health", "health", "shelter"],
        settlements=[settlement_a],
    )
    assert made.name_fa == "هلال احمر"
    assert made.sectors == ["health", "shelter"]
    assert list(made.settlements.all()) == [settlement_a]
    assert kinds(made) == ["organisation.registered"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name_fa": "  "}, "name"),
        ({"name_en": ""}, "name"),
        ({"org_type": "club"}, "type"),
        ({"sectors": ["shelter", "magic"]}, "sector"),
        ({"email": "not an address"}, "invalid"),
    ],
)
def test_an_organisation_with_missing_or_unknown_details_is_refused(
    settlement_a, mona, changes, code
):
    data = {"name_fa": "خیریه", "name_en": "Charity", "org_type": "charity"}
    data.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.register_organisation(by=mona, settlements=[settlement_a], **data)
    assert code in codes(caught.value)
    assert not Organisation.objects.exists()


def test_an_edit_on_a_stale_copy_of_an_organisation_is_refused(charity, mona):
    opened_at = charity.version
    services.update_organisation(organisation=charity, by=mona, version=opened_at, phone="1")
    with pytest.raises(ValidationError) as caught:
        services.update_organisation(
            organisation=charity, by=mona, version=opened_at, name_en="Lost edit"
        )
    assert caught.value.code == "stale"
    charity.refresh_from_db()
    assert charity.name_en == "Imam Reza Charity"
    assert charity.phone == "1"


def test_an_update_records_what_changed_and_nothing_when_nothing_did(charity, mona, settlement_b):
    same = services.update_organisation(organisation=charity, by=mona, name_en=charity.name_en)
    assert same.version == charity.version
    changed = services.update_organisation(
        organisation=charity, by=mona, settlements=[*charity.settlements.all(), settlement_b]
    )
    assert changed.version == charity.version + 1
    assert changed.settlements.count() == 2
    event = OrganisationEvent.objects.filter(kind="organisation.updated").get()
    assert event.params["fields"] == ["settlements"]


def test_a_contact_needs_a_name_and_a_way_to_reach_them(charity, mona):
    with pytest.raises(ValidationError):
        services.add_contact(organisation=charity, by=mona, name="Reza")
    with pytest.raises(ValidationError):
        services.add_contact(organisation=charity, by=mona, name=" ", phone="0915")
    contact = services.add_contact(organisation=charity, by=mona, name="Reza", phone="0915")
    assert list(charity.contacts.all()) == [contact]


# --- Staff accounts -----------------------------------------------------------------------------


def test_only_a_partner_staff_account_can_be_linked(charity, mona, alice, nasrin):
    for account in (alice, nasrin):
        with pytest.raises(ValidationError) as caught:
            services.link_staff(organisation=charity, user=account, by=mona)
        assert caught.value.code == "not_partner"
    assert not OrganisationStaff.objects.exists()


def test_a_partner_account_works_for_one_organisation_at_a_time(charity, ngo, mona, vera):
    link = services.link_staff(organisation=charity, user=vera, by=mona)
    assert services.link_staff(organisation=charity, user=vera, by=mona) == link
    with pytest.raises(ValidationError) as caught:
        services.link_staff(organisation=ngo, user=vera, by=mona)
    assert caught.value.code == "other_organisation"
    services.unlink_staff(link=link, by=mona)
    moved = services.link_staff(organisation=ngo, user=vera, by=mona)
    assert (moved.pk, moved.organisation, moved.is_active) == (link.pk, ngo, True)
    assert "organisation.staff_unlinked" in kinds(charity)
    assert "organisation.staff_linked" in kinds(ngo)


# --- Agreements ---------------------------------------------------------------------------------


def _mou(organisation, settlement, by, **overrides):
    data = {
        "title": "Winterisation 1405",
        "scope": "Winter kits for every household",
        "settlements": [settlement],
        "valid_from": days(-30),
        "valid_to": days(30),
    }
    data.update(overrides)
    return services.record_agreement(organisation=organisation, by=by, **data)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "live", "state"),
    [
        (-30, -1, False, "expired"),  # ended yesterday
        (1, 30, False, "pending"),  # starts tomorrow
        (0, 0, True, "live"),  # one day: today
        (-30, 30, True, "live"),
    ],
)
def test_an_agreement_is_live_from_its_first_to_its_last_day(
    charity, settlement_a, mona, valid_from, valid_to, live, state
):
    mou = _mou(charity, settlement_a, mona, valid_from=days(valid_from), valid_to=days(valid_to))
    shared = factories.data_agreement(
        charity, settlement_a, by=mona, valid_from=days(valid_from), valid_to=days(valid_to)
    )
    for agreement in (mou, shared):
        assert agreement.is_live() is live
        assert agreement.state == state
    assert Agreement.objects.live().exists() is live
    assert DataSharingAgreement.objects.live().exists() is live


def test_an_agreement_revoked_today_is_no_longer_live(charity, settlement_a, mona):
    shared = factories.data_agreement(charity, settlement_a, by=mona)
    with pytest.raises(ValidationError):
        services.revoke_agreement(agreement=shared, by=mona, reason="  ")
    revoked = services.revoke_agreement(agreement=shared, by=mona, reason="Project ended")
    assert revoked.revoked_on == today()
    assert not revoked.is_live()
    assert revoked.is_live(days(-1))
    assert revoked.state == "revoked"
    assert not DataSharingAgreement.objects.live().exists()
    with pytest.raises(ValidationError) as caught:
        services.revoke_agreement(agreement=shared, by=mona, reason="Again")
    assert caught.value.code == "revoked"
    assert "data_agreement.revoked" in kinds(charity)


def test_an_agreement_revoked_from_a_later_day_stays_live_until_then(charity, settlement_a, mona):
    mou = _mou(charity, settlement_a, mona)
    revoked = services.revoke_agreement(agreement=mou, by=mona, reason="Ends", on=days(5))
    assert revoked.is_live()
    assert not revoked.is_live(days(5))
    assert "agreement.revoked" in kinds(charity)


def test_an_agreement_covers_only_settlements_the_organisation_works_in(
    charity, settlement_a, settlement_b, mona
):
    with pytest.raises(ValidationError) as caught:
        _mou(charity, settlement_a, mona, settlements=[settlement_b])
    assert "settlements" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _mou(charity, settlement_a, mona, settlements=[])
    with pytest.raises(ValidationError) as caught:
        _mou(charity, settlement_a, mona, valid_to=days(-31))
    assert "valid_to" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        factories.data_agreement(charity, settlement_a, by=mona, categories=("everything",))
    assert "categories" in caught.value.message_dict
    assert not Agreement.objects.exists()
    assert not DataSharingAgreement.objects.exists()


# --- Volunteers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "gap"),
    [
        ({"code_of_conduct_signed_on": None}, "the code of conduct is not signed"),
        ({"psea_trained_on": None}, "PSEA training is not recorded"),
        ({"background_check": BackgroundCheck.PENDING}, "the background check is not cleared"),
    ],
)
@translation.override("en")  # the gaps are compared in English
def test_each_missing_safeguarding_step_blocks_work_with_residents(
    charity, settlement_a, mona, winter_kits, missing, gap
):
    volunteer = factories.volunteer(charity, settlement_a, by=mona, **missing)
    assert volunteer.safeguarding_gaps() == [gap]
    with pytest.raises(ValidationError) as caught:
        services.assign_volunteer(volunteer=volunteer, activity=winter_kits, by=mona)
    assert caught.value.code == "safeguarding"
    assert gap in caught.value.messages[0]
    assert not VolunteerAssignment.objects.exists()
    assert not Volunteer.objects.safeguarded().exists()


@translation.override("en")
def test_psea_training_older_than_24_months_lapses(charity, settlement_a, mona, winter_kits):
    lapsed = factories.volunteer(
        charity, settlement_a, by=mona, psea_trained_on=dates.add_months(today(), -24)
    )
    recent = factories.volunteer(
        charity,
        settlement_a,
        by=mona,
        name="Maryam Rahimi",
        psea_trained_on=dates.add_months(today(), -24) + timedelta(days=1),
    )
    assert lapsed.safeguarding_gaps() == ["PSEA training has lapsed"]
    assert recent.safeguarding_gaps() == []
    assert list(Volunteer.objects.safeguarded()) == [recent]
    with pytest.raises(ValidationError):
        services.assign_volunteer(volunteer=lapsed, activity=winter_kits, by=mona)
    assert services.assign_volunteer(volunteer=recent, activity=winter_kits, by=mona)


def test_an_unsafeguarded_volunteer_may_work_where_no_resident_is_met(charity, settlement_a, mona):
    volunteer = factories.volunteer(charity, settlement_a, by=mona, safeguarded=False)
    warehouse = factories.activity(
        charity, settlement_a, by=mona, name="Sorting the store", works_with_residents=False
    )
    assignment = services.assign_volunteer(volunteer=volunteer, activity=warehouse, by=mona)
    assert assignment.starts_on == today()
    assert "volunteer.assigned" in kinds(charity)


def test_a_volunteer_is_assigned_once_to_an_open_activity_of_their_settlement(
    charity, settlement_a, settlement_b, mona, winter_kits
):
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    services.assign_volunteer(volunteer=volunteer, activity=winter_kits, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.assign_volunteer(volunteer=volunteer, activity=winter_kits, by=mona)
    assert caught.value.code == "duplicate"
    services.update_organisation(
        organisation=charity, by=mona, settlements=[settlement_a, settlement_b]
    )
    elsewhere = factories.activity(charity, settlement_b, by=mona, name="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.assign_volunteer(volunteer=volunteer, activity=elsewhere, by=mona)
    assert caught.value.code == "settlement"
    done = factories.activity(
        charity, settlement_a, by=mona, name="Done", status=ActivityStatus.COMPLETED
    )
    with pytest.raises(ValidationError) as caught:
        services.assign_volunteer(volunteer=volunteer, activity=done, by=mona)
    assert caught.value.code == "activity_closed"
    assert VolunteerAssignment.objects.count() == 1


def test_an_inactive_volunteer_is_not_assigned(charity, settlement_a, mona, winter_kits):
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    services.update_volunteer(volunteer=volunteer, by=mona, is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.assign_volunteer(volunteer=volunteer, activity=winter_kits, by=mona)
    assert caught.value.code == "inactive"


def test_a_volunteer_is_registered_only_where_the_organisation_works(
    charity, settlement_b, settlement_a, mona
):
    with pytest.raises(ValidationError) as caught:
        factories.volunteer(charity, settlement_b, by=mona)
    assert "organisation" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        factories.volunteer(charity, settlement_a, by=mona, psea_trained_on=days(1))
    assert "psea_trained_on" in caught.value.message_dict
    assert not Volunteer.objects.exists()


def test_a_stale_edit_of_a_volunteer_is_refused(charity, settlement_a, mona):
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    opened_at = volunteer.version
    services.update_volunteer(volunteer=volunteer, by=mona, version=opened_at, phone="0915")
    with pytest.raises(ValidationError) as caught:
        services.update_volunteer(volunteer=volunteer, by=mona, version=opened_at, name="X")
    assert caught.value.code == "stale"
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.phone) == ("Sara Ahmadi", "0915")


# --- Hours --------------------------------------------------------------------------------------


@pytest.fixture
def assignment(charity, settlement_a, mona, winter_kits):
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    return services.assign_volunteer(
        volunteer=volunteer, activity=winter_kits, by=mona, starts_on=days(-10)
    )


def test_hours_are_recorded_on_a_past_day_of_the_assignment(assignment, mona):
    entry = services.record_hours(assignment=assignment, by=mona, worked_on=days(-1), hours="۳.۵")
    assert entry.hours == Decimal("3.5")
    assert "volunteer.hours" in kinds(assignment.activity.organisation)


@pytest.mark.parametrize(
    ("worked_on", "hours", "field"),
    [
        (-1, "0", "hours"),
        (-1, "24.5", "hours"),
        (-1, "many", "hours"),
        (1, "2", "worked_on"),  # tomorrow
        (-11, "2", "worked_on"),  # before the assignment
    ],
)
def test_hours_outside_the_limits_are_refused(assignment, mona, worked_on, hours, field):
    with pytest.raises(ValidationError) as caught:
        services.record_hours(
            assignment=assignment, by=mona, worked_on=days(worked_on), hours=hours
        )
    assert field in caught.value.message_dict
    assert not VolunteerHours.objects.exists()


def test_a_day_has_at_most_24_hours_across_every_assignment(
    assignment, charity, settlement_a, mona
):
    other = factories.activity(charity, settlement_a, by=mona, name="Other")
    second = services.assign_volunteer(
        volunteer=assignment.volunteer, activity=other, by=mona, starts_on=days(-10)
    )
    services.record_hours(assignment=assignment, by=mona, worked_on=days(-1), hours=20)
    with pytest.raises(ValidationError):
        services.record_hours(assignment=second, by=mona, worked_on=days(-1), hours=5)
    services.record_hours(assignment=second, by=mona, worked_on=days(-1), hours=4)
    assert VolunteerHours.objects.count() == 2


def test_hours_after_the_assignment_ended_are_refused(charity, settlement_a, mona, winter_kits):
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    ended = services.assign_volunteer(
        volunteer=volunteer,
        activity=winter_kits,
        by=mona,
        starts_on=days(-10),
        ends_on=days(-5),
    )
    with pytest.raises(ValidationError) as caught:
        services.record_hours(assignment=ended, by=mona, worked_on=days(-2), hours=2)
    assert "worked_on" in caught.value.message_dict


# --- Activities ---------------------------------------------------------------------------------


def test_targets_accept_persian_digits_and_drop_zeros(charity, settlement_a, mona):
    activity = factories.activity(
        charity, settlement_a, by=mona, targets={"hh": "۱۲۰", "f_age0_4": "0", "m_age60plus": 3}
    )
    assert activity.targets == {"hh": 120, "m_age60plus": 3}
    assert activity.targeted_people == 3


@pytest.mark.parametrize("targets", [{"cats": 3}, {"hh": -1}, {"hh": "many"}])
def test_unknown_negative_or_wordy_targets_are_refused(charity, settlement_a, mona, targets):
    with pytest.raises(ValidationError) as caught:
        factories.activity(charity, settlement_a, by=mona, targets=targets)
    assert "targets" in caught.value.message_dict
    assert not Activity.objects.exists()


def test_an_activity_ends_after_it_starts_where_its_organisation_works(
    charity, settlement_a, settlement_b, mona
):
    with pytest.raises(ValidationError) as caught:
        factories.activity(charity, settlement_a, by=mona, ends_on=days(-30))
    assert "ends_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        factories.activity(charity, settlement_b, by=mona)
    assert "organisation" in caught.value.message_dict


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ActivityStatus.PLANNED, ActivityStatus.COMPLETED),
        (ActivityStatus.PLANNED, ActivityStatus.PLANNED),
        (ActivityStatus.ONGOING, ActivityStatus.PLANNED),
        (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED),
        (ActivityStatus.CANCELLED, ActivityStatus.ONGOING),
        (ActivityStatus.ONGOING, "finished"),
    ],
)
def test_an_activity_cannot_jump_to_a_status_from_the_wrong_one(
    charity, settlement_a, mona, start, target
):
    activity = factories.activity(
        charity,
        settlement_a,
        by=mona,
        status=start if start != ActivityStatus.CANCELLED else ActivityStatus.PLANNED,
    )
    if start == ActivityStatus.CANCELLED:
        activity = services.change_activity_status(activity=activity, status=start, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.change_activity_status(activity=activity, status=target, by=mona)
    assert caught.value.code == "transition"
    activity.refresh_from_db()
    assert activity.status == start


def test_an_activity_runs_planned_ongoing_completed_and_may_reopen(charity, settlement_a, mona):
    activity = factories.activity(charity, settlement_a, by=mona, status=ActivityStatus.PLANNED)
    for status in (ActivityStatus.ONGOING, ActivityStatus.COMPLETED, ActivityStatus.ONGOING):
        activity = services.change_activity_status(activity=activity, status=status, by=mona)
        assert activity.status == status
    assert kinds(charity).count("activity.status") == 3


def test_a_stale_edit_of_an_activity_is_refused(winter_kits, mona):
    opened_at = winter_kits.version
    services.update_activity(activity=winter_kits, by=mona, version=opened_at, block="۱۲")
    with pytest.raises(ValidationError) as caught:
        services.update_activity(activity=winter_kits, by=mona, version=opened_at, name="X")
    assert caught.value.code == "stale"
    winter_kits.refresh_from_db()
    assert (winter_kits.name, winter_kits.block) == ("Winter kits 1405", "12")


# --- Pledges and donations ----------------------------------------------------------------------


@pytest.fixture
def pledge(charity, settlement_a, mona):
    return factories.pledge(charity, settlement_a, by=mona)


def _use(donation: Donation, by, quantity, value=0, sector="nfi"):
    with transaction.atomic():
        locked = services.lock_donation(donation)
        services.use_donation(
            donation=locked,
            by=by,
            quantity=Decimal(quantity),
            value=value,
            sector=sector,
            purpose="Winter kits",
        )
    donation.refresh_from_db()
    return donation


def test_a_pledge_moves_from_pledged_to_received_stored_and_distributed(pledge, mona):
    assert pledge.reference == "PL-TJ-0001"
    assert pledge.status == PledgeStatus.PLEDGED
    first = services.receive_donation(pledge=pledge, by=mona, quantity="۶۰")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RECEIVED
    assert first.value == 210_000_000  # in proportion to the pledge's value
    services.store_donation(donation=first, by=mona, place="Store 2")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.STORED
    second = services.receive_donation(pledge=pledge, by=mona, quantity=40)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RECEIVED  # the new goods are not stored yet
    services.store_donation(donation=second, by=mona, place="Store 2")
    _use(first, mona, 60)
    _use(second, mona, 40)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DISTRIBUTED
    assert services.totals(pledge) == {
        "received": Decimal(100),
        "received_value": 350_000_000,
        "used": Decimal(100),
        "used_value": 0,
    }


def test_a_pledge_is_cancelled_only_before_anything_arrives(pledge, charity, settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        services.cancel_pledge(pledge=pledge, by=mona, reason=" ")
    assert "reason" in caught.value.message_dict
    services.receive_donation(pledge=pledge, by=mona, quantity=1)
    with pytest.raises(ValidationError) as caught:
        services.cancel_pledge(pledge=pledge, by=mona, reason="Donor withdrew")
    assert caught.value.code == "transition"
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RECEIVED
    other = factories.pledge(charity, settlement_a, by=mona)
    cancelled = services.cancel_pledge(pledge=other, by=mona, reason="Donor withdrew")
    assert (cancelled.status, cancelled.cancel_reason) == (PledgeStatus.CANCELLED, "Donor withdrew")
    with pytest.raises(ValidationError) as caught:
        services.receive_donation(pledge=other, by=mona, quantity=1)
    assert caught.value.code == "cancelled"


def test_a_cash_pledge_counts_rials_and_is_never_stored(charity, settlement_a, mona):
    cash = factories.pledge(charity, settlement_a, by=mona, kind="cash", quantity="۵۰٬۰۰۰٬۰۰۰")
    assert (cash.unit, cash.value, cash.quantity) == ("rial", 50_000_000, Decimal(50_000_000))
    donation = services.receive_donation(pledge=cash, by=mona, quantity=20_000_000)
    assert donation.value == 20_000_000
    with pytest.raises(ValidationError) as caught:
        services.store_donation(donation=donation, by=mona, place="Safe")
    assert caught.value.code == "cash"


def test_what_arrives_is_dated_between_the_pledge_and_today(pledge, mona):
    for day in (days(1), pledge.pledged_on - timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            services.receive_donation(pledge=pledge, by=mona, quantity=1, received_on=day)
        assert "received_on" in caught.value.message_dict
    assert not Donation.objects.exists()


def test_a_restriction_needs_its_details(charity, settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        factories.pledge(charity, settlement_a, by=mona, restricted_to="specific_need")
    assert "restricted_need" in caught.value.message_dict
    with pytest.raises(ValidationError):
        factories.pledge(charity, settlement_a, by=mona, item="")
    assert not Pledge.objects.exists()


def test_a_donation_is_never_used_beyond_what_is_left(pledge, mona):
    donation = services.receive_donation(pledge=pledge, by=mona, quantity=10)
    _use(donation, mona, 7)
    with pytest.raises(ValidationError) as caught:
        _use(donation, mona, 4)
    assert caught.value.code == "exhausted"
    with pytest.raises(ValidationError) as caught:
        _use(donation, mona, 0)
    assert caught.value.code == "positive"
    donation.refresh_from_db()
    assert donation.used_quantity == Decimal(7)
    assert donation.remaining_quantity == Decimal(3)
    _use(donation, mona, 3)
    assert donation.remaining_quantity == 0


def test_a_restricted_donation_is_used_only_for_its_sector(charity, settlement_a, mona):
    restricted = factories.pledge(charity, settlement_a, by=mona, restricted_sector="shelter")
    assert restricted.is_restricted
    donation = services.receive_donation(pledge=restricted, by=mona, quantity=5)
    with pytest.raises(ValidationError) as caught:
        _use(donation, mona, 1, sector="nfi")
    assert caught.value.code == "restricted_sector"
    assert _use(donation, mona, 1, sector="shelter").used_quantity == Decimal(1)

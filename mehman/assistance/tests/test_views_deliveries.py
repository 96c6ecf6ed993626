"""Recording deliveries, distribution rounds, attendance and spending through the client,
for staff and for partner staff (only for households shared with them)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import signed_in
from mehman.assistance import services
from mehman.assistance.models import Attendance, Delivery, Expenditure
from mehman.core import dates, digits
from mehman.partners import services as partners
from mehman.partners.models import Donation
from mehman.partners.tests import factories as pf
from mehman.registry.tests import factories as rf

TODAY = dates.today


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def activity(charity, settlement_a, mona):
    return pf.activity(charity, settlement_a, by=mona)


@pytest.fixture
def household(settlement_a, alice):
    return rf.household(settlement_a, by=alice, status="resident", block="B-3")


@pytest.fixture
def stranger(settlement_a, alice):
    """A household of the settlement never referred to the partner."""
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def partner_vera(vera, charity, settlement_a, mona, alice, household):
    """Vera works for the charity, which has a live agreement and a referral of ``household``."""
    partners.link_staff(organisation=charity, user=vera, by=mona)
    pf.data_agreement(charity, settlement_a, by=mona)
    services.refer_household(
        household=household,
        organisation=charity,
        by=alice,
        sector="nfi",
        service="Winter kit",
        consent_given=True,
    )
    return vera


def donation_of(charity, settlement, by, quantity=10, **pledge):
    made = pf.pledge(charity, settlement, by=by, **pledge)
    return partners.receive_donation(pledge=made, by=by, quantity=quantity)


def url(name: str, record) -> str:
    return reverse(f"assistance:{name}", args=[record.uuid])


def delivery_form(reference: str, **overrides):
    data = {
        "household": reference,
        "item": "Blanket",
        "unit": "piece",
        "quantity": "2",
        "value": "",
        "delivered_on": dates.format_date(TODAY()),
        "donation": "",
    }
    data.update(overrides)
    return data


# --- One delivery ----------------------------------------------------------------------------


def test_a_clerk_records_a_delivery_typed_with_persian_digits(alice, activity, household):
    typed = "«" + digits.to_persian(household.reference) + "»"
    response = signed_in(alice).post(url("deliver", activity), delivery_form(typed, quantity="۲٫۵"))
    assert response.status_code == 302
    assert response["Location"] == url("deliver", activity)
    delivery = Delivery.objects.get()
    assert delivery.household == household
    assert delivery.quantity == Decimal("2.5")
    assert delivery.reached  # the family's members by sex and age


def test_a_delivery_takes_a_lowercase_reference_without_zeros(alice, activity, household):
    number = int(household.reference.split("-")[1])
    typed = f"tj {number}"
    response = signed_in(alice).post(url("deliver", activity), delivery_form(typed))
    assert response.status_code == 302
    assert Delivery.objects.get().household == household


def test_an_unknown_reference_is_a_form_error(alice, activity):
    response = signed_in(alice).post(url("deliver", activity), delivery_form("TJ-999999"))
    assert response.status_code == 200
    assert response.context["form"].errors["household"]
    assert not Delivery.objects.exists()


def test_a_partner_records_a_delivery_for_a_household_shared_with_it(
    partner_vera, activity, household
):
    client = signed_in(partner_vera)
    assert client.get(url("deliver", activity)).status_code == 200
    response = client.post(url("deliver", activity), delivery_form(household.reference))
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.household == household
    assert delivery.recorded_by == partner_vera


def test_a_partner_is_refused_a_household_not_shared_without_learning_if_it_exists(
    partner_vera, activity, stranger
):
    client = signed_in(partner_vera)
    refused = client.post(url("deliver", activity), delivery_form(stranger.reference))
    missing = client.post(url("deliver", activity), delivery_form("TJ-999999"))
    assert refused.status_code == missing.status_code == 200
    assert (
        refused.context["form"].errors["household"] == missing.context["form"].errors["household"]
    )
    assert "live data-sharing agreement" in refused.context["form"].errors["household"][0]
    assert not Delivery.objects.exists()


def test_a_partner_cannot_record_for_another_organisations_activity(
    partner_vera, mona, settlement_a, household
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    theirs = pf.activity(other, settlement_a, by=mona)
    client = signed_in(partner_vera)
    assert client.get(url("deliver", theirs)).status_code == 404
    assert (
        client.post(url("deliver", theirs), delivery_form(household.reference)).status_code == 404
    )
    assert not Delivery.objects.exists()


def test_a_delivery_from_a_restricted_donation_is_refused_for_other_households(
    alice, mona, charity, settlement_a, activity, household
):
    donation = donation_of(charity, settlement_a, mona, restricted_to="widow_head")
    response = signed_in(alice).post(
        url("deliver", activity),
        delivery_form(household.reference, item="", unit="", donation=str(donation.uuid)),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["household"]
    assert household.reference in errors[0]
    assert not Delivery.objects.exists()
    assert Donation.objects.get().used_quantity == 0


def test_a_delivery_from_a_donation_uses_it(
    alice, mona, charity, settlement_a, activity, household
):
    donation = donation_of(charity, settlement_a, mona)
    response = signed_in(alice).post(
        url("deliver", activity),
        delivery_form(household.reference, item="", unit="", donation=str(donation.uuid)),
    )
    assert response.status_code == 302
    assert Delivery.objects.get().item == "Winter kit"
    assert Donation.objects.get().used_quantity == 2


def test_outsiders_cannot_record(bob, nasrin, vera, activity, household):
    for user in (bob, nasrin, vera):  # vera works for no organisation here
        for name in ("deliver", "distribute", "attend"):
            assert signed_in(user).get(url(name, activity)).status_code == 404, (name, user)
        response = signed_in(user).post(
            url("deliver", activity), delivery_form(household.reference)
        )
        assert response.status_code == 404
    assert not Delivery.objects.exists()


# --- A distribution round --------------------------------------------------------------------


def distribution_form(donation, references="", **overrides):
    data = {
        "donation": str(donation.uuid),
        "quantity_each": "1",
        "delivered_on": dates.format_date(TODAY()),
        "references": references,
        "block": "",
    }
    data.update(overrides)
    return data


def test_a_round_is_previewed_then_confirmed(alice, mona, charity, settlement_a, activity):
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(3)]
    donation = donation_of(charity, settlement_a, mona, quantity=10)
    typed = f"{homes[0].reference}\n{digits.to_persian(homes[1].reference)}, {homes[2].reference}"
    client = signed_in(alice)
    response = client.post(
        url("distribute", activity), distribution_form(donation, typed, quantity_each="2")
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.count == 3
    assert preview.needed == 6
    assert preview.left == 10
    assert preview.can_confirm
    assert 'data-testid="confirm"' in response.content.decode()
    assert not Delivery.objects.exists()  # nothing given before confirming
    confirm = distribution_form(donation, preview.references, quantity_each="2", confirmed="1")
    response = client.post(url("distribute", activity), confirm)
    assert response.status_code == 302
    assert response["Location"] == url("activity", activity)
    assert set(Delivery.objects.values_list("household", flat=True)) == {h.pk for h in homes}
    assert Donation.objects.get().used_quantity == 6


def test_a_round_to_every_resident_household_of_a_block(
    alice, mona, charity, settlement_a, activity
):
    block = [rf.household(settlement_a, by=alice, status="resident", block="C-1") for _ in range(2)]
    rf.household(settlement_a, by=alice, status="applicant", block="C-1")  # not resident
    rf.household(settlement_a, by=alice, status="resident", block="C-2")
    donation = donation_of(charity, settlement_a, mona)
    response = signed_in(alice).post(
        url("distribute", activity), distribution_form(donation, block="C-1")
    )
    preview = response.context["preview"]
    assert {h.pk for h in preview.households} == {h.pk for h in block}


def test_a_preview_names_the_households_the_donor_refused_and_offers_no_confirmation(
    alice, mona, charity, settlement_a, activity
):
    widow = rf.household(
        settlement_a,
        by=alice,
        status="resident",
        members=[rf.member(given_name="مریم", sex="F", marital_status="widowed")],
    )
    other = rf.household(settlement_a, by=alice, status="resident")
    donation = donation_of(charity, settlement_a, mona, restricted_to="widow_head")
    response = signed_in(alice).post(
        url("distribute", activity),
        distribution_form(donation, f"{widow.reference} {other.reference}"),
    )
    preview = response.context["preview"]
    assert [r.household for r in preview.refused] == [other]
    page = response.content.decode()
    assert 'data-testid="refused"' in page
    assert 'data-testid="confirm"' not in page


def test_a_confirmed_round_with_a_refused_household_gives_nothing(
    alice, mona, charity, settlement_a, activity
):
    widow = rf.household(
        settlement_a,
        by=alice,
        status="resident",
        members=[rf.member(given_name="مریم", sex="F", marital_status="widowed")],
    )
    other = rf.household(settlement_a, by=alice, status="resident")
    donation = donation_of(charity, settlement_a, mona, restricted_to="widow_head")
    response = signed_in(alice).post(
        url("distribute", activity),
        distribution_form(donation, f"{widow.reference} {other.reference}", confirmed="1"),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Delivery.objects.exists()
    assert Donation.objects.get().used_quantity == 0


def test_a_preview_shows_when_too_little_is_left(alice, mona, charity, settlement_a, activity):
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(2)]
    donation = donation_of(charity, settlement_a, mona, quantity=3)
    response = signed_in(alice).post(
        url("distribute", activity),
        distribution_form(donation, " ".join(h.reference for h in homes), quantity_each="2"),
    )
    preview = response.context["preview"]
    assert not preview.enough
    assert 'data-testid="not-enough"' in response.content.decode()
    assert 'data-testid="confirm"' not in response.content.decode()


def test_unknown_references_are_named(alice, mona, charity, settlement_a, activity, household):
    donation = donation_of(charity, settlement_a, mona)
    response = signed_in(alice).post(
        url("distribute", activity),
        distribution_form(donation, f"{household.reference} TJ-888888 hello"),
    )
    assert response.context["preview"] is None
    assert "hello" in response.context["form"].errors["references"][0]
    response = signed_in(alice).post(
        url("distribute", activity), distribution_form(donation, f"{household.reference} TJ-888888")
    )
    assert "TJ-888888" in response.context["form"].errors["references"][0]


def test_partner_staff_cannot_distribute(partner_vera, mona, charity, settlement_a, activity):
    donation = donation_of(charity, settlement_a, mona)
    client = signed_in(partner_vera)
    assert client.get(url("distribute", activity)).status_code == 404
    assert client.post(url("distribute", activity), distribution_form(donation)).status_code == 404


# --- Attendance ------------------------------------------------------------------------------


def test_a_clerk_finds_a_household_and_ticks_who_attended(alice, activity, household):
    client = signed_in(alice)
    typed = digits.to_persian(household.reference)
    page = client.get(url("attend", activity), {"household": typed})
    members = list(household.active_members().order_by("id"))
    html = page.content.decode()
    assert members[0].given_name in html
    response = client.post(
        url("attend", activity),
        {
            "household": household.reference,
            "attended_on": dates.format_date(TODAY()),
            "people": [str(members[0].uuid), str(members[1].uuid)],
        },
    )
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("person", flat=True)) == {
        members[0].pk,
        members[1].pk,
    }


def test_a_partner_sees_members_by_name_only_with_the_identity_category(
    vera, mona, alice, charity, settlement_a, activity, household
):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    pf.data_agreement(charity, settlement_a, by=mona, categories=("contact",))
    services.refer_household(
        household=household,
        organisation=charity,
        by=alice,
        sector="nfi",
        service="Course",
        consent_given=True,
    )
    client = signed_in(vera)
    html = client.get(url("attend", activity), {"household": household.reference}).content.decode()
    head = household.head
    assert head.given_name not in html
    assert "Member 1" in html
    response = client.post(
        url("attend", activity),
        {
            "household": household.reference,
            "attended_on": dates.format_date(TODAY()),
            "people": [str(head.uuid)],
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.get().person == head


def test_a_partner_with_identity_sees_names(partner_vera, activity, household):
    html = (
        signed_in(partner_vera)
        .get(url("attend", activity), {"household": household.reference})
        .content.decode()
    )
    assert household.head.given_name in html


def test_a_partner_cannot_record_attendance_for_a_household_not_shared(
    partner_vera, activity, stranger
):
    client = signed_in(partner_vera)
    page = client.get(url("attend", activity), {"household": stranger.reference})
    assert page.context["lookup"].errors["household"]
    assert page.context["form"] is None
    assert stranger.head.given_name not in page.content.decode()
    response = client.post(
        url("attend", activity),
        {
            "household": stranger.reference,
            "attended_on": dates.format_date(TODAY()),
            "people": [str(stranger.head.uuid)],
        },
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


# --- Spending a donation on work -------------------------------------------------------------


@pytest.fixture
def roof_money(charity, settlement_a, mona):
    pledge = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=200_000_000,
        restricted_sector="shelter",
        restriction_note="For roof repairs",
    )
    return partners.receive_donation(
        pledge=pledge, by=mona, quantity=200_000_000, received_on=TODAY() - timedelta(days=3)
    )


def spend_form(**overrides):
    data = {
        "work_order": "WO-17",
        "description": "Roof repair, block 3",
        "sector": "shelter",
        "contractor": "",
        "amount": "۱۲۰٬۰۰۰٬۰۰۰",
        "spent_on": dates.format_date(TODAY()),
        "household": "",
    }
    data.update(overrides)
    return data


def test_a_manager_spends_a_donation_on_a_work_order(mona, roof_money, household, charity):
    page = signed_in(mona).get(url("spend", roof_money))
    assert 'data-testid="restriction"' in page.content.decode()
    response = signed_in(mona).post(
        url("spend", roof_money),
        spend_form(household=household.reference, contractor=str(charity.uuid)),
    )
    assert response.status_code == 302
    assert response["Location"] == url("pledge", roof_money.pledge)
    spent = Expenditure.objects.get()
    assert spent.amount == 120_000_000
    assert spent.household == household
    assert spent.contractor == charity
    assert Donation.objects.get().used_value == 120_000_000


def test_spending_outside_the_donors_sector_is_refused_on_the_sector(mona, roof_money):
    response = signed_in(mona).post(
        url("spend", roof_money), spend_form(sector="education", description="School books")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sector"]
    assert not Expenditure.objects.exists()


def test_spending_for_a_household_the_donor_did_not_choose_is_refused(
    mona, charity, settlement_a, household
):
    pledge = pf.pledge(
        charity, settlement_a, by=mona, kind="cash", quantity=50_000_000, restricted_to="widow_head"
    )
    donation = partners.receive_donation(pledge=pledge, by=mona, quantity=50_000_000)
    client = signed_in(mona)
    response = client.post(url("spend", donation), spend_form(amount="1000000"))
    assert response.context["form"].errors["household"]  # required: the gift is restricted
    response = client.post(
        url("spend", donation), spend_form(amount="1000000", household=household.reference)
    )
    errors = response.context["form"].errors["household"]
    assert household.reference in errors[0]
    assert not Expenditure.objects.exists()
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_goods_are_spent_by_quantity(mona, charity, settlement_a):
    donation = donation_of(charity, settlement_a, mona, quantity=10)
    response = signed_in(mona).post(
        url("spend", donation), spend_form(sector="nfi", amount="", quantity="۳")
    )
    assert response.status_code == 302
    assert Expenditure.objects.get().quantity == 3
    assert Donation.objects.get().used_quantity == 3


def test_only_those_who_spend_may_open_the_page(alice, bob, vera, nasrin, roof_money):
    for user in (alice, bob, vera, nasrin):
        assert signed_in(user).get(url("spend", roof_money)).status_code == 404, user
        assert signed_in(user).post(url("spend", roof_money), spend_form()).status_code == 404
    assert not Expenditure.objects.exists()

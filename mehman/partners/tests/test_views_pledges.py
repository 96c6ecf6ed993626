"""The pledge pages through the client: the list, recording a pledge, receiving,
storing and cancelling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core import dates
from mehman.partners import services
from mehman.partners.models import Donation, Pledge, PledgeStatus
from mehman.partners.tests import factories

LIST = reverse("partners:pledges")


def shown(message: str, language: str = "fa") -> str:
    with translation.override(language):
        return escape(translation.gettext(message))


def url(name: str, *args) -> str:
    return reverse(f"partners:{name}", args=args)


def pledge_page(pledge: Pledge) -> str:
    return reverse("assistance:pledge", args=[pledge.uuid])


def iso(days: int) -> str:
    return (dates.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def charity(settlement_a, mona):
    return factories.organisation(settlement_a, by=mona)


@pytest.fixture
def kits(charity, settlement_a, mona):
    return factories.pledge(charity, settlement_a, by=mona)


@pytest.fixture
def cash(charity, settlement_a, mona):
    return factories.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=500_000_000,
        restricted_sector="shelter",
    )


def listed(client, **params) -> set[str]:
    page = client.get(LIST, params).text
    return {p.reference for p in Pledge.objects.all() if f'data-pledge="{p.uuid}"' in page}


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_quantities_and_values_with_separators(kits, mona):
    services.receive_donation(pledge=kits, by=mona, quantity=60)
    page = signed_in(mona).get(LIST).text
    row = page.split(f'data-pledge="{kits.uuid}"')[1].split("</tr>")[0]
    assert pledge_page(kits) in row
    pledged = row.split('data-testid="pledged">')[1].split("<")[0]
    assert pledged.strip() == "۱۰۰"  # no trailing decimals
    assert 'data-testid="received">۶۰<' in row
    assert 'data-testid="used">۰<' in row
    assert 'data-testid="value">۳۵۰٬۰۰۰٬۰۰۰<' in row
    assert 'data-status="received"' in row
    assert url("pledge_receive", kits.uuid) in row
    assert url("pledge_cancel", kits.uuid) not in row  # something arrived


def test_the_list_filters(kits, cash, charity, mona):
    client = signed_in(mona)
    both = {kits.reference, cash.reference}
    assert listed(client) == both
    assert listed(client, donor=str(charity.uuid)) == both
    assert listed(client, kind="cash") == {cash.reference}
    assert listed(client, restricted="yes") == {cash.reference}
    assert listed(client, restricted="no") == {kits.reference}
    services.cancel_pledge(pledge=kits, by=mona, reason="Withdrawn")
    assert listed(client, status="cancelled") == {kits.reference}


def test_the_list_keeps_its_query_count(charity, settlement_a, mona, django_assert_max_num_queries):
    client = signed_in(mona)
    factories.pledge(charity, settlement_a, by=mona)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(8):
        pledge = factories.pledge(charity, settlement_a, by=mona)
        services.receive_donation(pledge=pledge, by=mona, quantity=10)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert response.text.count("data-pledge=") == 9


def test_donors_see_their_own_pledges_and_bob_none(kits, charity, mona, vera, bob, nasrin):
    services.link_staff(organisation=charity, user=vera, by=mona)
    assert listed(signed_in(vera)) == {kits.reference}
    assert url("pledge_receive", kits.uuid) not in signed_in(vera).get(LIST).text
    assert listed(signed_in(nasrin)) == {kits.reference}
    assert listed(signed_in(bob)) == set()


# --- Recording a pledge -------------------------------------------------------------------------


def test_a_manager_records_a_restricted_gift_in_kind(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("pledge_create"),
        {
            "donor": str(charity.uuid),
            "settlement": settlement_a.code,
            "kind": "in_kind",
            "item": "Blanket",
            "unit": "piece",
            "quantity": "۲۵۰",
            "value": "۱۲۵٬۰۰۰٬۰۰۰",
            "restricted_to": "specific_need",
            "restricted_need": "ds-bd",
            "restriction_note": "Only for people with a disability",
        },
    )
    made = Pledge.objects.get()
    assert response["Location"] == pledge_page(made)
    assert (made.item, made.quantity, made.value) == ("Blanket", Decimal(250), 125_000_000)
    assert (made.restricted_to, made.restricted_need) == ("specific_need", "DS-BD")
    assert made.pledged_on == dates.today()


def test_a_manager_records_a_cash_pledge(charity, settlement_a, mona):
    signed_in(mona).post(
        url("pledge_create"),
        {
            "donor": str(charity.uuid),
            "settlement": settlement_a.code,
            "kind": "cash",
            "quantity": "50,000,000",
            "restricted_sector": "shelter",
        },
    )
    made = Pledge.objects.get()
    assert (made.unit, made.value, made.restricted_sector) == ("rial", 50_000_000, "shelter")


def test_a_gift_in_kind_without_its_item_is_refused(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("pledge_create"),
        {
            "donor": str(charity.uuid),
            "settlement": settlement_a.code,
            "kind": "in_kind",
            "quantity": "10",
        },
    )
    assert shown("Name the item and its unit (kit, blanket, sack…).") in response.text
    assert not Pledge.objects.exists()


# --- Receiving, storing, cancelling -------------------------------------------------------------


def test_a_manager_records_what_arrived(kits, mona):
    response = signed_in(mona).post(
        url("pledge_receive", kits.uuid), {"quantity": "۴۰", "received_on": iso(-1)}
    )
    assert response["Location"] == pledge_page(kits)
    donation = Donation.objects.get()
    assert (donation.quantity, donation.value) == (Decimal(40), 140_000_000)
    kits.refresh_from_db()
    assert kits.status == PledgeStatus.RECEIVED


def test_a_gift_arriving_tomorrow_is_refused(kits, mona):
    response = signed_in(mona).post(
        url("pledge_receive", kits.uuid), {"quantity": "40", "received_on": iso(1)}
    )
    assert shown("This date is in the future.") in response.text
    assert not Donation.objects.exists()


def test_a_manager_records_where_goods_are_stored(kits, mona):
    donation = services.receive_donation(pledge=kits, by=mona, quantity=100)
    client = signed_in(mona)
    assert url("donation_store", donation.uuid) in client.get(url("pledge_receive", kits.uuid)).text

    response = client.post(url("donation_store", donation.uuid), {"place": "Warehouse 2"})

    assert response["Location"] == pledge_page(kits)
    donation.refresh_from_db()
    assert (donation.stored_at, donation.stored_on) == ("Warehouse 2", dates.today())
    kits.refresh_from_db()
    assert kits.status == PledgeStatus.STORED


def test_cash_is_not_stored(cash, mona):
    donation = services.receive_donation(pledge=cash, by=mona, quantity=1_000_000)
    response = signed_in(mona).post(url("donation_store", donation.uuid), {"place": "Safe"})
    assert shown("Cash is not stored in a warehouse.") in response.text
    donation.refresh_from_db()
    assert donation.stored_on is None


def test_a_manager_cancels_a_pledge_before_anything_arrives(kits, mona):
    response = signed_in(mona).post(url("pledge_cancel", kits.uuid), {"reason": "Withdrawn"})
    assert response["Location"] == LIST
    kits.refresh_from_db()
    assert (kits.status, kits.cancel_reason) == (PledgeStatus.CANCELLED, "Withdrawn")


def test_a_pledge_that_began_to_arrive_cannot_be_cancelled(kits, mona):
    services.receive_donation(pledge=kits, by=mona, quantity=1)
    response = signed_in(mona).post(url("pledge_cancel", kits.uuid), {"reason": "Withdrawn"})
    assert shown("Part of this pledge has arrived; it can no longer be cancelled.") in response.text
    kits.refresh_from_db()
    assert kits.status == PledgeStatus.RECEIVED


def test_bob_and_partner_staff_cannot_touch_pledges(kits, charity, mona, bob, vera):
    services.link_staff(organisation=charity, user=vera, by=mona)
    for persona in (bob, vera):
        client = signed_in(persona)
        assert client.post(url("pledge_receive", kits.uuid), {"quantity": "1"}).status_code == 404
        assert client.post(url("pledge_cancel", kits.uuid), {"reason": "x"}).status_code == 404
    kits.refresh_from_db()
    assert kits.status == PledgeStatus.PLEDGED
    assert not Donation.objects.exists()

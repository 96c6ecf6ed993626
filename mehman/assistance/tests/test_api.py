"""The assistance API end to end: reach, deliveries, distributions, referrals, spending."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in
from mehman.assistance import services
from mehman.assistance.models import Delivery, Expenditure, Referral, ReferralStatus
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.models import Donation
from mehman.partners.tests import factories as pf
from mehman.registry.models import Household
from mehman.registry.tests import factories as rf

JSON = "application/json"
TODAY = dates.today


def url(name: str, **kwargs) -> str:
    return reverse(f"api:assistance:{name}", kwargs=kwargs)


def post(client, address: str, data: dict | None = None, **extra):
    return client.post(address, data or {}, content_type=JSON, **extra)


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def fields(response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


def queries_for(client, address: str) -> int:
    """The queries of a page read by a client that has already made its first request."""
    client.get(address)  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def home(settlement_a, alice) -> Household:
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def stranger(settlement_a, alice) -> Household:
    """A household of settlement A never referred to anyone."""
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def activity(charity, settlement_a, mona):
    return pf.activity(charity, settlement_a, by=mona)


@pytest.fixture
def donation(charity, settlement_a, mona) -> Donation:
    pledge = pf.pledge(charity, settlement_a, by=mona, quantity=5)
    return partners.receive_donation(pledge=pledge, by=mona, quantity=5)


@pytest.fixture
def partner_vera(vera, charity, mona):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    return vera


@pytest.fixture
def sharing(charity, settlement_a, mona):
    """A data-sharing agreement live today."""
    return pf.data_agreement(charity, settlement_a, by=mona)


@pytest.fixture
def referral(home, charity, alice) -> Referral:
    return services.refer_household(
        household=home,
        organisation=charity,
        by=alice,
        sector="nfi",
        service="Winter kit",
        consent_given=True,
    )


@pytest.fixture
def delivery(home, activity, alice) -> Delivery:
    return services.record_delivery(household=home, activity=activity, by=alice, item="Blanket")


@pytest.fixture
def spending(donation, mona, home) -> Expenditure:
    return services.record_expenditure(
        donation=donation,
        by=mona,
        work_order="WO-1",
        description="Roof repair",
        sector="nfi",
        quantity=1,
        household=home,
    )


# --- Who may reach what ---------------------------------------------------------------------------


def record_endpoints(activity, referral) -> list[tuple[str, str]]:
    return [
        ("get", url("activity_reach", uuid=activity.uuid)),
        ("get", url("referral_detail", uuid=referral.uuid)),
        ("post", url("referral_accept", uuid=referral.uuid)),
        ("post", url("referral_decline", uuid=referral.uuid)),
        ("post", url("referral_close", uuid=referral.uuid)),
    ]


def collections() -> list[tuple[str, str]]:
    return [
        ("get", url("delivery_list")),
        ("post", url("delivery_list")),
        ("post", url("distribution_batch")),
        ("get", url("referral_list")),
        ("post", url("referral_list")),
        ("get", url("expenditure_list")),
        ("post", url("expenditure_list")),
    ]


def call(client, method: str, address: str):
    if method == "get":
        return client.get(address)
    return post(client, address, {"reason": "x", "outcome": "x"})


def test_anonymous_visitors_get_403_from_every_endpoint(client, activity, referral):
    for method, address in [*record_endpoints(activity, referral), *collections()]:
        response = call(client, method, address)
        assert response.status_code in (401, 403), (method, address)
        assert codes(response) == ["not_authenticated"]


def test_the_outsider_gets_404_for_every_record_of_settlement_a(bob, activity, referral):
    client = signed_in(bob)
    for method, address in record_endpoints(activity, referral):
        response = call(client, method, address)
        assert response.status_code == 404, (method, address)
        assert codes(response) == ["not_found"]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REFERRED


def test_the_outsider_lists_nothing_of_settlement_a(bob, delivery, referral, spending):
    client = signed_in(bob)
    for name in ("delivery_list", "referral_list", "expenditure_list"):
        response = client.get(url(name))
        assert response.status_code == 200
        assert response.json()["count"] == 0, name


def test_the_outsider_cannot_name_a_household_of_settlement_a(bob, home, activity):
    response = post(
        signed_in(bob),
        url("delivery_list"),
        {"household": home.reference, "activity": str(activity.uuid), "item": "Kit"},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["unknown"], ["household"])
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_roles_without_assistance_record_cannot_refer_or_distribute(
    request, persona, home, charity, activity, donation
):
    client = signed_in(request.getfixturevalue(persona))
    response = post(
        client,
        url("referral_list"),
        {
            "household": home.reference,
            "organisation": str(charity.uuid),
            "sector": "nfi",
            "service": "Kit",
            "consent_given": True,
        },
    )
    assert response.status_code == 404
    response = post(
        client,
        url("distribution_batch"),
        {
            "donation": str(donation.uuid),
            "activity": str(activity.uuid),
            "households": [home.reference],
        },
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "vera", "nasrin"])
def test_only_managers_record_spending(request, persona, donation):
    response = post(
        signed_in(request.getfixturevalue(persona)),
        url("expenditure_list"),
        {"donation": str(donation.uuid), "work_order": "W", "description": "D", "sector": "nfi"},
    )
    assert response.status_code == 404
    assert not Expenditure.objects.exists()


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partners_and_analysts_list_no_spending(request, persona, partner_vera, spending):
    response = signed_in(request.getfixturevalue(persona)).get(url("expenditure_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_analysts_list_no_deliveries_or_referrals(nasrin, delivery, referral):
    client = signed_in(nasrin)
    assert client.get(url("delivery_list")).json()["count"] == 0
    assert client.get(url("referral_list")).json()["count"] == 0
    assert client.get(url("referral_detail", uuid=referral.uuid)).status_code == 404


# --- Reach ----------------------------------------------------------------------------------------


def test_reach_counts_households_and_people_against_targets(
    nasrin, alice, activity, donation, settlement_a
):
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(2)]
    services.distribute_donation(donation=donation, activity=activity, households=homes, by=alice)
    response = signed_in(nasrin).get(url("activity_reach", uuid=activity.uuid))
    assert response.status_code == 200
    body = response.json()
    assert body["activity"] == {"uuid": str(activity.uuid), "name": activity.name}
    assert body["households"] == {"targeted": 300, "reached": 2}
    assert body["people"] == {"targeted": 165, "reached": 8}  # two families of four
    groups = {group["key"]: group for group in body["groups"]}
    assert groups["f_age0_4"] == {
        "key": "f_age0_4",
        "sex": "F",
        "age": "0-4",
        "targeted": 80,
        "reached": 2,
    }
    assert groups["m_age18_59"]["reached"] == 2
    assert groups["m_unknown"] == {
        "key": "m_unknown",
        "sex": "M",
        "age": "unknown",
        "targeted": 0,
        "reached": 0,
    }


def test_a_partner_reads_the_reach_of_its_own_activities_only(
    vera, partner_vera, activity, settlement_a, mona
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    theirs = pf.activity(other, settlement_a, by=mona, name="Theirs")
    client = signed_in(vera)
    assert client.get(url("activity_reach", uuid=activity.uuid)).status_code == 200
    assert client.get(url("activity_reach", uuid=theirs.uuid)).status_code == 404
    assert client.get(url("activity_reach", uuid=uuid.uuid4())).status_code == 404


# --- Deliveries -----------------------------------------------------------------------------------


def test_a_clerk_records_a_delivery_from_a_donation(alice, home, activity, donation):
    response = post(
        signed_in(alice),
        url("delivery_list"),
        {
            "household": home.reference.lower().replace("-", " "),
            "activity": str(activity.uuid),
            "donation": str(donation.uuid),
            "quantity": "۲",
            "delivered_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household"] == home.reference
    assert body["item"] == "Winter kit"  # the pledge's item by default
    assert body["unit"] == "kit"
    assert body["quantity"] == "2.00"
    assert body["pledge"] == donation.pledge.reference
    assert body["reached"]["f_age0_4"] == 1
    assert Donation.objects.get(pk=donation.pk).used_quantity == 2


def test_a_restricted_gift_is_refused_to_a_household_the_donor_did_not_choose(
    alice, home, activity, charity, settlement_a, mona
):
    pledge = pf.pledge(charity, settlement_a, by=mona, restricted_to="widow_head")
    gift = partners.receive_donation(pledge=pledge, by=mona, quantity=3)
    response = post(
        signed_in(alice),
        url("delivery_list"),
        {"household": home.reference, "activity": str(activity.uuid), "donation": str(gift.uuid)},
    )
    assert response.status_code == 400
    assert codes(response) == ["restricted_household"]
    assert fields(response) == [None]
    assert not Delivery.objects.exists()


def test_a_delivery_without_an_item_is_refused_on_its_field(alice, home, activity):
    response = post(
        signed_in(alice),
        url("delivery_list"),
        {"household": home.reference, "activity": str(activity.uuid), "quantity": 0},
    )
    assert response.status_code == 400
    assert fields(response) == ["quantity"]
    response = post(
        signed_in(alice),
        url("delivery_list"),
        {"household": home.reference, "activity": str(activity.uuid)},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["item"], ["item"])


def test_deliveries_are_listed_and_filtered(alice, delivery, home, stranger, activity):
    services.record_delivery(
        household=stranger,
        activity=activity,
        by=alice,
        item="Stove",
        delivered_on=TODAY() - timedelta(days=3),
    )
    client = signed_in(alice)

    def items(**query):
        found = client.get(url("delivery_list"), query).json()["results"]
        return [d["item"] for d in found]

    assert items() == ["Blanket", "Stove"]
    assert items(household=home.reference) == ["Blanket"]
    assert items(delivered_to=(TODAY() - timedelta(days=1)).isoformat()) == ["Stove"]
    assert items(delivered_from=TODAY().isoformat()) == ["Blanket"]
    assert items(activity=str(uuid.uuid4())) == []
    response = client.get(url("delivery_list"), {"delivered_from": "soon"})
    assert response.status_code == 400
    assert fields(response) == ["delivered_from"]


def test_the_delivery_list_takes_a_fixed_number_of_queries(
    alice, delivery, activity, donation, settlement_a, django_assert_max_num_queries
):
    client = signed_in(alice)
    few = queries_for(client, url("delivery_list"))
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(3)]
    services.distribute_donation(donation=donation, activity=activity, households=homes, by=alice)
    with django_assert_max_num_queries(few):
        assert client.get(url("delivery_list")).json()["count"] == 4


def test_a_distribution_gives_each_household_its_share_all_or_nothing(
    alice, activity, donation, settlement_a
):
    homes = [rf.household(settlement_a, by=alice, status="resident") for _ in range(3)]
    client = signed_in(alice)
    data = {
        "donation": str(donation.uuid),
        "activity": str(activity.uuid),
        "households": [h.reference for h in homes],
        "quantity_each": "2",
    }
    response = post(client, url("distribution_batch"), data)
    assert response.status_code == 400
    assert codes(response) == ["exhausted"]
    assert not Delivery.objects.exists()
    data["quantity_each"] = "1"
    response = post(client, url("distribution_batch"), data)
    assert response.status_code == 201, response.json()
    assert [d["household"] for d in response.json()] == [h.reference for h in homes]
    assert Donation.objects.get(pk=donation.pk).used_quantity == 3


def test_a_distribution_naming_an_unknown_household_is_refused(alice, home, activity, donation):
    response = post(
        signed_in(alice),
        url("distribution_batch"),
        {
            "donation": str(donation.uuid),
            "activity": str(activity.uuid),
            "households": [home.reference, "TJ-999999", "nonsense"],
        },
    )
    assert response.status_code == 400
    assert codes(response) == ["unknown"]
    assert fields(response) == ["households"]
    assert "TJ-999999, nonsense" in response.json()["errors"][0]["message"]
    assert not Delivery.objects.exists()


def test_an_empty_distribution_names_its_field(alice):
    response = post(signed_in(alice), url("distribution_batch"), {"households": []})
    assert response.status_code == 400
    assert set(fields(response)) == {"donation", "activity", "households"}


# --- Referrals ------------------------------------------------------------------------------------


def test_a_clerk_refers_a_household_with_its_consent(alice, home, charity):
    client = signed_in(alice)
    data = {
        "household": home.reference,
        "organisation": str(charity.uuid),
        "sector": "nfi",
        "service": "Winter kit",
        "due_on": (TODAY() + timedelta(days=7)).isoformat(),
    }
    response = post(client, url("referral_list"), data)
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["consent"], ["consent_override"])
    response = post(client, url("referral_list"), {**data, "consent_given": True})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household"] == home.reference
    assert body["status"] == "referred"
    assert body["organisation"]["uuid"] == str(charity.uuid)
    assert body["overdue"] is False


def test_referrals_are_listed_and_filtered(alice, referral, stranger, charity):
    services.refer_household(
        household=stranger,
        organisation=charity,
        by=alice,
        sector="health",
        service="Clinic",
        consent_given=True,
        referred_on=TODAY() - timedelta(days=10),
        due_on=TODAY() - timedelta(days=2),
    )
    client = signed_in(alice)

    def services_of(**query):
        return [r["service"] for r in client.get(url("referral_list"), query).json()["results"]]

    assert services_of() == ["Winter kit", "Clinic"]
    assert services_of(overdue="true") == ["Clinic"]
    assert services_of(overdue="false") == ["Winter kit"]
    assert services_of(household=stranger.reference) == ["Clinic"]
    assert services_of(status="accepted") == []


def test_the_referral_list_takes_a_fixed_number_of_queries(
    alice, referral, charity, settlement_a, django_assert_max_num_queries
):
    client = signed_in(alice)
    few = queries_for(client, url("referral_list"))
    for _number in range(3):
        services.refer_household(
            household=rf.household(settlement_a, by=alice, status="resident"),
            organisation=charity,
            by=alice,
            sector="nfi",
            service="Kit",
            consent_given=True,
        )
    with django_assert_max_num_queries(few):
        assert client.get(url("referral_list")).json()["count"] == 4


def test_a_referral_moves_only_along_its_transitions(alice, referral):
    client = signed_in(alice)
    response = post(client, url("referral_close", uuid=referral.uuid), {"outcome": "Done"})
    assert response.status_code == 400
    assert codes(response) == ["transition"]
    response = post(client, url("referral_decline", uuid=referral.uuid), {"reason": ""})
    assert response.status_code == 400
    assert fields(response) == ["reason"]
    response = post(client, url("referral_accept", uuid=referral.uuid))
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["answered_on"] == TODAY().isoformat()


# --- The partner's side ---------------------------------------------------------------------------


def test_a_partner_sees_a_referral_only_under_a_live_agreement(vera, partner_vera, referral, mona):
    client = signed_in(vera)
    address = url("referral_detail", uuid=referral.uuid)
    assert client.get(address).status_code == 404  # no agreement yet
    assert client.get(url("referral_list")).json()["count"] == 0
    agreement = pf.data_agreement(referral.organisation, referral.household.settlement, by=mona)
    assert client.get(address).json()["household"] == referral.household.reference
    assert client.get(url("referral_list")).json()["count"] == 1
    partners.revoke_agreement(agreement=agreement, by=mona, reason="Project ended")
    assert client.get(address).status_code == 404


def test_an_agreement_that_ended_yesterday_shares_nothing_today(
    vera, partner_vera, referral, charity, settlement_a, mona
):
    pf.data_agreement(
        charity,
        settlement_a,
        by=mona,
        valid_from=TODAY() - timedelta(days=365),
        valid_to=TODAY() - timedelta(days=1),
    )
    client = signed_in(vera)
    assert client.get(url("referral_detail", uuid=referral.uuid)).status_code == 404
    assert client.get(url("referral_list")).json()["count"] == 0
    response = post(client, url("referral_accept", uuid=referral.uuid))
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REFERRED


def test_a_partner_answers_its_referral_and_records_what_it_gave(
    vera, partner_vera, sharing, referral, home, stranger, activity
):
    client = signed_in(vera)
    response = post(client, url("referral_accept", uuid=referral.uuid))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    response = post(
        client,
        url("delivery_list"),
        {"household": home.reference, "activity": str(activity.uuid), "item": "Sewing kit"},
    )
    assert response.status_code == 201, response.json()
    listed = client.get(url("delivery_list")).json()["results"]
    assert [(d["household"], d["item"]) for d in listed] == [(home.reference, "Sewing kit")]
    # A household not referred to the partner does not exist for it.
    response = post(
        client,
        url("delivery_list"),
        {"household": stranger.reference, "activity": str(activity.uuid), "item": "Sewing kit"},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["unknown"], ["household"])
    response = post(client, url("referral_close", uuid=referral.uuid), {"outcome": "Kit given"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    # Closed: no longer shared, and neither are the deliveries to that household.
    assert client.get(url("referral_detail", uuid=referral.uuid)).status_code == 404
    assert client.get(url("delivery_list")).json()["count"] == 0


def test_a_partner_declines_with_a_reason(vera, partner_vera, sharing, referral):
    response = post(
        signed_in(vera), url("referral_decline", uuid=referral.uuid), {"reason": "No stock"}
    )
    assert response.status_code == 200
    assert response.json()["decline_reason"] == "No stock"


def test_a_partner_does_not_deliver_for_another_organisations_activity(
    vera, partner_vera, sharing, referral, home, settlement_a, mona, charity
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    funded = pf.activity(other, settlement_a, by=mona, name="Funded by us", funder=charity)
    response = post(
        signed_in(vera),
        url("delivery_list"),
        {"household": home.reference, "activity": str(funded.uuid), "item": "Kit"},
    )
    assert response.status_code == 400
    assert codes(response) == ["not_yours"]
    assert not Delivery.objects.exists()


def test_a_partner_does_not_see_another_organisations_deliveries(
    vera, partner_vera, sharing, referral, delivery, settlement_a, mona, alice, home
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    theirs = pf.activity(other, settlement_a, by=mona, name="Theirs")
    services.record_delivery(household=home, activity=theirs, by=alice, item="Soap")
    listed = signed_in(vera).get(url("delivery_list")).json()["results"]
    assert [d["item"] for d in listed] == ["Blanket"]


# --- Spending -------------------------------------------------------------------------------------


def test_a_manager_spends_a_cash_donation_on_a_work_order(mona, alice, home, charity, settlement_a):
    pledge = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=200_000_000,
        restricted_sector="shelter",
    )
    cash = partners.receive_donation(pledge=pledge, by=mona, quantity=200_000_000)
    client = signed_in(mona)
    data = {
        "donation": str(cash.uuid),
        "work_order": "WO-17",
        "description": "Roof repair, block 3",
        "sector": "education",
        "amount": "۱۲۰۰۰۰۰۰۰",
        "household": home.reference,
        "contractor": str(charity.uuid),
    }
    response = post(client, url("expenditure_list"), data)
    assert response.status_code == 400
    assert codes(response) == ["restricted_sector"]
    response = post(client, url("expenditure_list"), {**data, "sector": "shelter"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == 120_000_000
    assert body["household"] == home.reference
    assert body["contractor"]["uuid"] == str(charity.uuid)
    assert body["pledge"] == pledge.reference
    response = post(client, url("expenditure_list"), {**data, "sector": "shelter"})
    assert response.status_code == 400
    assert codes(response) == ["exhausted"]
    listed = signed_in(alice).get(url("expenditure_list"), {"sector": "shelter"}).json()
    assert [e["work_order"] for e in listed["results"]] == ["WO-17"]


def test_the_spending_list_takes_a_fixed_number_of_queries(
    mona, spending, donation, home, django_assert_max_num_queries
):
    client = signed_in(mona)
    few = queries_for(client, url("expenditure_list"))
    for number in range(3):
        services.record_expenditure(
            donation=donation,
            by=mona,
            work_order=f"WO-{number + 2}",
            description="Repair",
            sector="nfi",
            quantity=1,
            household=home,
        )
    with django_assert_max_num_queries(few):
        assert client.get(url("expenditure_list")).json()["count"] == 4

"""The worklist and campaign endpoints, end to end: always of today, scoped, and refusing
bad input with 400 and outsiders with 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import signed_in
from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.residence.models import Campaign, TargetStatus
from mehman.residence.services import campaigns

DAY = date(2026, 5, 10)
_serial = iter(range(400_000, 999_999))


def at(day: date) -> Any:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Asia/Tehran"))
    return time_machine.travel(noon, tick=False)


def card(person: Any, by: Any, expires_on: date, **details: Any) -> Any:
    return registry_services.add_document(
        person=person,
        by=by,
        doc_type="amayesh",
        number_typed=str(next(_serial)),
        expires_on=expires_on,
        **details,
    )


@pytest.fixture
def home(settlement_a, mona):
    return resident(settlement_a, by=mona, block="B01")


@pytest.fixture
def campaign(settlement_a, mona, home):
    card(home.members.order_by("id")[0], mona, date(2026, 6, 30), cycle="17")
    today = dates.today()
    return campaigns.open_campaign(
        settlement=settlement_a,
        by=mona,
        title="Amayesh 18",
        doc_type="amayesh",
        cycle="18",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )


def test_the_expiry_list_is_of_today(alice, mona, home):
    head = home.members.order_by("id")[0]
    expiring = card(head, mona, DAY)
    with at(DAY):
        body = signed_in(alice).get(reverse("api:residence:expiry_list")).json()
    assert body["count"] == 1
    group = body["results"][0]
    assert group["household"] == home.reference
    assert group["documents"][0]["number"] == expiring.number_typed
    assert group["documents"][0]["days_left"] == 0
    with at(DAY + timedelta(days=1)):
        response = signed_in(alice).get(reverse("api:residence:expiry_list"), {"window": "30"})
    assert response.json()["count"] == 0


def test_the_expiry_list_refuses_another_day(alice):
    response = signed_in(alice).get(reverse("api:residence:expiry_list"), {"on": "2026-01-01"})
    assert response.status_code == 400


def test_the_expiry_list_refuses_an_unknown_window_or_settlement(alice):
    client = signed_in(alice)
    url = reverse("api:residence:expiry_list")
    assert client.get(url, {"window": "45"}).status_code == 400
    assert client.get(url, {"settlement": "SV"}).status_code == 400


def test_expiry_counts(alice, mona, home):
    head, spouse, *_ = home.members.order_by("id")
    card(head, mona, DAY - timedelta(days=1))
    card(spouse, mona, DAY + timedelta(days=45))
    with at(DAY):
        body = signed_in(alice).get(reverse("api:residence:expiry_counts")).json()
    assert body == {"expired": 1, "within_30": 0, "within_60": 1, "within_90": 1}


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_staff_without_residence_access_get_404(persona, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("api:residence:expiry_list")).status_code == 404
    assert client.get(reverse("api:residence:campaign_list")).status_code == 404


def test_campaigns_are_listed_with_their_tally(alice, bob, campaign):
    body = signed_in(alice).get(reverse("api:residence:campaign_list")).json()
    assert [c["reference"] for c in body["results"]] == [campaign.reference]
    assert body["results"][0]["tally"]["pending"] == 1
    assert signed_in(bob).get(reverse("api:residence:campaign_list")).json()["count"] == 0


def test_a_manager_opens_a_campaign_through_the_api(mona, home):
    card(home.members.order_by("id")[0], mona, date(2026, 6, 30))
    payload = {
        "title": "Amayesh 18",
        "doc_type": "amayesh",
        "cycle": "18",
        "starts_on": "2026-05-01",
        "ends_on": "2026-06-30",
    }
    client = signed_in(mona)
    url = reverse("api:residence:campaign_list")
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["tally"]["pending"] == 1
    bad = client.post(url, {**payload, "doc_type": "tazkira"}, content_type="application/json")
    assert bad.status_code == 400
    assert Campaign.objects.count() == 1


def test_a_clerk_cannot_open_a_campaign_through_the_api(alice):
    response = signed_in(alice).post(
        reverse("api:residence:campaign_list"), {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_campaign_detail_and_members(alice, bob, campaign):
    client = signed_in(alice)
    detail = client.get(reverse("api:residence:campaign_detail", args=[campaign.reference]))
    assert detail.json()["cycle"] == "18"
    members = client.get(reverse("api:residence:campaign_targets", args=[campaign.reference]))
    assert members.json()["results"][0]["status"] == TargetStatus.PENDING
    url = reverse("api:residence:campaign_detail", args=[campaign.reference])
    assert signed_in(bob).get(url).status_code == 404


def test_follow_up_and_renewal_through_the_api(alice, bob, campaign):
    target = campaign.targets.get()
    follow = reverse("api:residence:campaign_follow_up", args=[target.uuid])
    assert (
        signed_in(bob)
        .post(follow, {"outcome": "reached"}, content_type="application/json")
        .status_code
        == 404
    )
    client = signed_in(alice)
    response = client.post(follow, {"outcome": "reached"}, content_type="application/json")
    assert response.json()["contacts"] == 1
    renew = reverse("api:residence:campaign_renewal", args=[target.uuid])
    response = client.post(
        renew, {"number": "A-777123", "expires_on": "2027-06-30"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == TargetStatus.RENEWED
    again = client.post(renew, {"number": "A-777124"}, content_type="application/json")
    assert again.status_code == 400

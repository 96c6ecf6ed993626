"""The expiring-documents worklist and renewal campaigns, end to end through the client:
scope, capabilities, filters, CSV, and forms that refuse bad input without changing anything."""

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
from mehman.residence.models import Campaign, CampaignStatus, CampaignTarget, TargetStatus
from mehman.residence.services import campaigns

DAY = date(2026, 5, 10)
_serial = iter(range(300_000, 999_999))


def at(day: date) -> Any:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Asia/Tehran"))
    return time_machine.travel(noon, tick=False)


def card(person: Any, by: Any, expires_on: date, **details: Any) -> Any:
    return registry_services.add_document(
        person=person,
        by=by,
        doc_type=details.pop("doc_type", "amayesh"),
        number_typed=str(next(_serial)),
        expires_on=expires_on,
        **details,
    )


def english(user: Any) -> Any:
    user.language = "en"
    user.save()
    return signed_in(user)


@pytest.fixture
def home(settlement_a, mona):
    return resident(settlement_a, by=mona, block="B01")


@pytest.fixture
def campaign(settlement_a, mona, home):
    card(home.members.order_by("id")[0], mona, date(2026, 6, 30), cycle="17")
    card(home.members.order_by("id")[1], mona, date(2026, 6, 30), cycle="17")
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


# --- The worklist -----------------------------------------------------------------------------


def test_the_worklist_shows_the_households_with_documents_due(alice, mona, home):
    head = home.members.order_by("id")[0]
    expired = card(head, mona, DAY - timedelta(days=2))
    with at(DAY):
        response = signed_in(alice).get(reverse("residence:documents"))
    assert response.status_code == 200
    page = response.content.decode()
    assert home.reference in page
    assert expired.number_typed in page
    assert reverse("registry:household", args=[home.reference]) in page


def test_the_window_tab_filters_the_list(alice, mona, home):
    head, spouse, *_ = home.members.order_by("id")
    soon = card(head, mona, DAY + timedelta(days=10))
    later = card(spouse, mona, DAY + timedelta(days=70))
    with at(DAY):
        response = signed_in(alice).get(reverse("residence:documents"), {"window": "30"})
    page = response.content.decode()
    assert soon.number_typed in page
    assert later.number_typed not in page


def test_bob_sees_only_his_settlements_documents(bob, mona, home, settlement_b):
    mine = card(home.members.order_by("id")[0], mona, DAY)
    theirs = resident(settlement_b, by=bob)
    his = card(theirs.members.order_by("id")[0], bob, DAY)
    with at(DAY):
        client = signed_in(bob)
        page = client.get(reverse("residence:documents")).content.decode()
        refused = client.get(reverse("residence:documents"), {"settlement": "TJ"})
    assert his.number_typed in page
    assert mine.number_typed not in page
    assert refused.status_code == 404


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_staff_without_residence_access_get_404(persona, request):
    user = request.getfixturevalue(persona)
    assert signed_in(user).get(reverse("residence:documents")).status_code == 404


def test_the_csv_download_has_the_same_rows(mona, home):
    soon = card(home.members.order_by("id")[0], mona, DAY + timedelta(days=3))
    with at(DAY):
        response = english(mona).get(reverse("residence:documents"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Household,")
    assert len(lines) == 2
    assert soon.number_typed in lines[1]
    assert lines[1].endswith(",3")


def test_only_staff_who_may_export_download_the_csv(alice, mona, home):
    card(home.members.order_by("id")[0], mona, DAY + timedelta(days=3))
    with at(DAY):
        page = signed_in(alice).get(reverse("residence:documents"))
        download = signed_in(alice).get(reverse("residence:documents"), {"format": "csv"})
    assert page.status_code == 200
    assert b'data-testid="csv-download"' not in page.content
    assert download.status_code == 404


def test_the_worklist_page_takes_a_fixed_number_of_queries(
    settlement_a, alice, mona, django_assert_max_num_queries
):
    for n in range(5):
        h = resident(settlement_a, by=mona, block=f"B0{n}")
        for person in h.members.all():
            card(person, mona, DAY + timedelta(days=n))
    client = signed_in(alice)
    with at(DAY), django_assert_max_num_queries(14):
        response = client.get(reverse("residence:documents"))
    assert response.content.decode().count("data-household=") == 5


# --- Campaigns --------------------------------------------------------------------------------


def test_a_manager_opens_a_campaign(settlement_a, mona, home):
    card(home.members.order_by("id")[0], mona, date(2026, 6, 30), cycle="17")
    response = english(mona).post(
        reverse("residence:campaign_new"),
        {
            "title": "Amayesh 18",
            "doc_type": "amayesh",
            "cycle": "18",
            "starts_on": "2026-05-01",
            "ends_on": "2026-06-30",
        },
    )
    created = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("residence:campaign", args=[created.reference])
    assert created.targets.count() == 1


def test_a_campaign_ending_before_it_starts_is_refused_on_the_form(mona, home):
    response = english(mona).post(
        reverse("residence:campaign_new"),
        {
            "title": "Amayesh 18",
            "doc_type": "amayesh",
            "cycle": "18",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "The campaign cannot end before it starts." in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_clerk_cannot_open_or_close_a_campaign(alice, campaign):
    client = signed_in(alice)
    assert client.get(reverse("residence:campaign_new")).status_code == 404
    url = reverse("residence:campaign_close", args=[campaign.reference])
    assert client.post(url).status_code == 404
    assert Campaign.objects.get().status == CampaignStatus.OPEN


def test_the_campaign_page_counts_and_lists_members(alice, campaign, home):
    client = english(alice)
    response = client.get(reverse("residence:campaign", args=[campaign.reference]))
    assert response.status_code == 200
    assert response.context["total"].pending == 2
    assert response.content.decode().count("data-target=") == 2
    renewed = client.get(
        reverse("residence:campaign", args=[campaign.reference]), {"status": "renewed"}
    )
    assert renewed.content.decode().count("data-target=") == 0


def test_the_campaign_page_shows_follow_ups_due(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    campaigns.record_follow_up(target=target, by=alice, outcome="no_answer", next_on=dates.today())
    response = signed_in(alice).get(
        reverse("residence:campaign", args=[campaign.reference]), {"due": "on"}
    )
    page = response.content.decode()
    assert page.count("data-target=") == 1
    assert 'data-testid="due"' in page


def test_outsiders_do_not_see_a_campaign(bob, vera, campaign):
    url = reverse("residence:campaign", args=[campaign.reference])
    assert signed_in(bob).get(url).status_code == 404
    assert signed_in(vera).get(url).status_code == 404
    target_url = reverse("residence:campaign_target", args=[campaign.targets.first().uuid])
    assert signed_in(bob).get(target_url).status_code == 404
    assert signed_in(bob).post(target_url, {"follow_up-outcome": "reached"}).status_code == 404
    assert CampaignTarget.objects.filter(contacts__gt=0).count() == 0


def test_a_clerk_records_a_follow_up(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    response = english(alice).post(
        reverse("residence:campaign_target", args=[target.uuid]),
        {"follow_up-outcome": "reached", "follow_up-note": "will come on Saturday"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.contacts == 1
    assert target.last_outcome == "reached"


def test_a_follow_up_without_outcome_is_shown_again(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    response = english(alice).post(
        reverse("residence:campaign_target", args=[target.uuid]), {"follow_up-note": "x"}
    )
    assert response.status_code == 200
    assert response.context["forms"]["follow_up"].errors
    target.refresh_from_db()
    assert target.contacts == 0


def test_a_clerk_records_a_renewal_with_persian_digits(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    response = english(alice).post(
        reverse("residence:campaign_renewal", args=[target.uuid]),
        {"renewal-number": "۱۲۳۴۵۶۷۸", "renewal-expires_on": "2027-06-30"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.RENEWED
    assert target.renewed is not None
    assert target.renewed.number == "12345678"
    assert target.renewed.cycle == "18"


def test_a_renewal_expiring_before_it_was_issued_is_refused(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    response = english(alice).post(
        reverse("residence:campaign_renewal", args=[target.uuid]),
        {
            "renewal-number": "87654321",
            "renewal-issued_on": "2026-06-01",
            "renewal-expires_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "A document cannot expire before it was issued." in response.content.decode()
    target.refresh_from_db()
    assert target.status == TargetStatus.PENDING


def test_excusing_needs_a_reason_on_the_form(alice, campaign):
    target = campaign.targets.order_by("id")[0]
    url = reverse("residence:campaign_excuse", args=[target.uuid])
    client = english(alice)
    assert client.post(url, {"excuse-reason": ""}).status_code == 200
    assert client.post(url, {"excuse-reason": "Moved to Mashhad"}).status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.EXCUSED


def test_a_housing_officer_reads_but_cannot_follow_up(settlement_a, campaign):
    from mehman.accounts.models import Role
    from mehman.accounts.tests.factories import UserFactory

    hugo = UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])
    client = signed_in(hugo)
    assert client.get(reverse("residence:campaign", args=[campaign.reference])).status_code == 200
    target = campaign.targets.first()
    assert client.get(reverse("residence:campaign_target", args=[target.uuid])).status_code == 404


def test_refresh_and_close_from_the_page(mona, campaign, home):
    card(home.members.order_by("id")[0], mona, date(2027, 6, 30), cycle="18")
    client = english(mona)
    response = client.post(reverse("residence:campaign_refresh", args=[campaign.reference]))
    assert response.status_code == 302
    assert campaign.targets.filter(status=TargetStatus.RENEWED).count() == 1
    client.post(reverse("residence:campaign_close", args=[campaign.reference]))
    assert Campaign.objects.get().status == CampaignStatus.CLOSED
    again = client.post(reverse("residence:campaign_close", args=[campaign.reference]))
    assert again.status_code == 302


def test_the_campaign_list_shows_the_settlements_campaigns(alice, bob, campaign):
    page = signed_in(alice).get(reverse("residence:campaigns")).content.decode()
    assert campaign.reference in page
    theirs = signed_in(bob).get(reverse("residence:campaigns")).content.decode()
    assert campaign.reference not in theirs

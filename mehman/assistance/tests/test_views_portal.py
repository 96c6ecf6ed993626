"""The partner portal through the client: Vera's home, and a referred household shown
only under a live data-sharing agreement, only in the categories it allows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import signed_in
from mehman.accounts.models import AccessLog
from mehman.assistance import services
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from mehman.registry import services as registry
from mehman.registry.models import SpecificNeedCode
from mehman.registry.tests import factories as rf

TODAY = dates.today
PORTAL = reverse("assistance:portal")
PHONE = "09151234567"


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def partner_vera(vera, charity, mona):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    return vera


@pytest.fixture
def household(settlement_a, alice, carla):
    home = rf.household(
        settlement_a,
        by=alice,
        status="resident",
        phone=PHONE,
        block="B-3",
        address="Street 4, house 12",
    )
    head = home.head
    registry.add_document(person=head, by=alice, doc_type="amayesh", number_typed="987654321")
    open_code = SpecificNeedCode.objects.filter(parent__isnull=False, sensitive=False).first()
    protected = SpecificNeedCode.objects.filter(parent__isnull=False, sensitive=True).first()
    registry.record_need(person=head, code=open_code, by=alice)
    registry.record_need(person=head, code=protected, by=carla)
    registry.add_case_note(household=home, body="Confidential: family conflict", by=carla)
    home.open_code = open_code
    home.protected_code = protected
    return home


def refer(household, organisation, by, **kw):
    data = {"sector": "nfi", "service": "Winter kit", "consent_given": True}
    data.update(kw)
    return services.refer_household(household=household, organisation=organisation, by=by, **data)


def household_url(referral) -> str:
    return reverse("assistance:portal_household", args=[referral.uuid])


def shared(partner_vera, charity, household, settlement_a, mona, alice, categories):
    pf.data_agreement(charity, settlement_a, by=mona, categories=categories)
    return refer(household, charity, alice)


# --- Who reaches the portal -----------------------------------------------------------------


def test_the_portal_is_only_for_partner_staff_linked_to_an_organisation(
    vera, mona, alice, bob, nasrin, charity
):
    for user in (mona, alice, bob, nasrin, vera):  # vera is not linked yet
        assert signed_in(user).get(PORTAL).status_code == 404, user.username
    partners.link_staff(organisation=charity, user=vera, by=mona)
    assert signed_in(vera).get(PORTAL).status_code == 200


def test_an_unlinked_partner_loses_the_portal(partner_vera, charity, mona):
    link = partner_vera.partner_link
    partners.unlink_staff(link=link, by=mona)
    assert signed_in(partner_vera).get(PORTAL).status_code == 404


def test_every_link_of_the_portal_opens_for_the_partner(partner_vera, charity, settlement_a, mona):
    pf.volunteer(charity, settlement_a, by=mona)
    client = signed_in(partner_vera)
    page = client.get(PORTAL).content.decode()
    links = page.split('data-testid="portal-links"', 1)[1].split("</nav>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', links)
    assert len(hrefs) == 4
    for href in hrefs:
        assert client.get(href).status_code == 200, href


# --- The home -------------------------------------------------------------------------------


def test_the_portal_shows_agreements_referrals_and_activities(
    partner_vera, charity, settlement_a, mona, alice, household
):
    pf.data_agreement(charity, settlement_a, by=mona, valid_to=TODAY() + timedelta(days=10))
    late = refer(
        household,
        charity,
        alice,
        referred_on=TODAY() - timedelta(days=30),
        due_on=TODAY() - timedelta(days=2),
    )
    fresh = refer(rf.household(settlement_a, by=alice, status="resident"), charity, alice)
    services.accept_referral(referral=late, by=mona)
    activity = pf.activity(charity, settlement_a, by=mona, targets={"hh": 40, "f_age0_4": 5})
    services.record_delivery(household=household, activity=activity, by=mona, item="Kit")
    response = signed_in(partner_vera).get(PORTAL)
    page = response.content.decode()
    assert charity.name_en in page
    assert dates.format_date(TODAY() + timedelta(days=10)) in page or "Ends on" in page
    assert response.context["agreements"][0].ending_soon
    referrals = response.context["referrals"]
    assert referrals == [fresh, late]  # waiting for an answer first
    assert page.count('data-testid="overdue"') == 1
    assert reverse("assistance:referral_accept", args=[fresh.uuid]) in page
    assert reverse("assistance:referral_close", args=[late.uuid]) in page
    row = response.context["rows"][0]
    assert row.activity == activity
    assert row.reach.households == 1
    assert row.targeted_households == 40
    assert reverse("assistance:deliver", args=[activity.uuid]) in page
    assert reverse("assistance:attend", args=[activity.uuid]) in page
    totals = response.context["totals"]
    assert totals.households == 1
    assert (totals.female, totals.male) == (2, 2)  # a couple, a son and a daughter
    assert household.head.given_name not in page  # the home names no one


def test_the_portal_shows_no_referral_without_a_live_agreement(
    partner_vera, charity, alice, household
):
    refer(household, charity, alice)
    response = signed_in(partner_vera).get(PORTAL)
    assert response.context["referrals"] == []
    assert 'data-testid="no-agreement"' in response.content.decode()


def test_the_portal_makes_a_fixed_number_of_queries(
    partner_vera, charity, settlement_a, mona, alice, django_assert_max_num_queries
):
    pf.data_agreement(charity, settlement_a, by=mona)
    refer(rf.household(settlement_a, by=alice, status="resident"), charity, alice)
    pf.activity(charity, settlement_a, by=mona)
    client = signed_in(partner_vera)
    client.get(PORTAL)
    with django_assert_max_num_queries(60) as captured:
        client.get(PORTAL)
    few = len(captured)
    pf.data_agreement(charity, settlement_a, by=mona)
    for _ in range(4):
        refer(rf.household(settlement_a, by=alice, status="resident"), charity, alice)
        pf.activity(charity, settlement_a, by=mona, name="Course")
    with django_assert_max_num_queries(few):
        response = client.get(PORTAL)
    assert len(response.context["referrals"]) == 5


# --- A referred household -------------------------------------------------------------------


def test_vera_sees_a_referred_household_in_the_categories_allowed(
    partner_vera, charity, household, settlement_a, mona, alice
):
    referral = shared(
        partner_vera, charity, household, settlement_a, mona, alice, ("identity", "contact")
    )
    response = signed_in(partner_vera).get(household_url(referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert household.reference in page
    assert household.head.given_name in page
    assert PHONE in page
    assert "Street 4, house 12" in page
    assert "987654321" not in page  # documents not shared
    assert household.open_code.code not in page  # needs not shared
    assert household.protected_code.code not in page
    assert "Confidential" not in page


def test_without_categories_vera_sees_only_the_size_and_counts(
    partner_vera, charity, household, settlement_a, mona, alice
):
    referral = shared(partner_vera, charity, household, settlement_a, mona, alice, ())
    response = signed_in(partner_vera).get(household_url(referral))
    page = response.content.decode()
    assert household.reference in page
    assert household.head.given_name not in page
    assert PHONE not in page
    assert "B-3" not in page
    assert "987654321" not in page
    shown = response.context["shown"]
    assert shown.people == 4
    counts = {row.bracket: (row.female, row.male) for row in shown.counts}
    assert counts["18-59"] == (1, 1)
    assert counts["0-4"] == (1, 0)
    assert counts["5-11"] == (0, 1)


def test_documents_and_needs_are_shown_with_their_categories_but_never_protected_needs(
    partner_vera, charity, household, settlement_a, mona, alice
):
    referral = shared(
        partner_vera, charity, household, settlement_a, mona, alice, ("documents", "needs")
    )
    page = signed_in(partner_vera).get(household_url(referral)).content.decode()
    assert "987654321" in page
    assert f'data-need="{household.open_code.code}"' in page
    assert household.protected_code.code not in page
    assert "Confidential" not in page
    assert household.head.given_name not in page  # identity not shared


def test_categories_of_every_live_agreement_for_the_settlement_add_up(
    partner_vera, charity, household, settlement_a, mona, alice
):
    referral = shared(partner_vera, charity, household, settlement_a, mona, alice, ("contact",))
    pf.data_agreement(charity, settlement_a, by=mona, categories=("identity",))
    pf.data_agreement(
        charity,
        settlement_a,
        by=mona,
        categories=("documents",),
        valid_from=TODAY() - timedelta(days=90),
        valid_to=TODAY() - timedelta(days=1),
    )
    page = signed_in(partner_vera).get(household_url(referral)).content.decode()
    assert PHONE in page
    assert household.head.given_name in page
    assert "987654321" not in page  # that agreement ended yesterday


def test_an_agreement_that_ended_yesterday_hides_the_household_today(
    partner_vera, charity, household, settlement_a, mona, alice
):
    pf.data_agreement(
        charity,
        settlement_a,
        by=mona,
        valid_from=TODAY() - timedelta(days=365),
        valid_to=TODAY() - timedelta(days=1),
    )
    referral = refer(household, charity, alice)
    client = signed_in(partner_vera)
    assert client.get(household_url(referral)).status_code == 404
    assert client.get(reverse("assistance:referral", args=[referral.uuid])).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_revoked_agreement_hides_the_household_at_once(
    partner_vera, charity, household, settlement_a, mona, alice
):
    agreement = pf.data_agreement(charity, settlement_a, by=mona)
    referral = refer(household, charity, alice)
    client = signed_in(partner_vera)
    assert client.get(household_url(referral)).status_code == 200
    partners.revoke_agreement(agreement=agreement, by=mona, reason="Breach of purpose")
    assert client.get(household_url(referral)).status_code == 404


def test_a_closed_referral_is_no_longer_shown(
    partner_vera, charity, household, settlement_a, mona, alice
):
    referral = shared(partner_vera, charity, household, settlement_a, mona, alice, ("identity",))
    services.accept_referral(referral=referral, by=partner_vera)
    services.close_referral(referral=referral, by=partner_vera, outcome="Kit given")
    assert signed_in(partner_vera).get(household_url(referral)).status_code == 404


def test_each_reading_is_logged(partner_vera, charity, household, settlement_a, mona, alice):
    referral = shared(partner_vera, charity, household, settlement_a, mona, alice, ("identity",))
    signed_in(partner_vera).get(household_url(referral))
    log = AccessLog.objects.get()
    assert log.user == partner_vera
    assert log.record_uuid == household.uuid
    assert log.subject == household.reference
    assert log.via == household_url(referral)


def test_another_organisations_referral_stays_hidden(
    partner_vera, charity, household, settlement_a, mona, alice
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    pf.data_agreement(other, settlement_a, by=mona)
    pf.data_agreement(charity, settlement_a, by=mona)
    referral = refer(household, other, alice)
    assert signed_in(partner_vera).get(household_url(referral)).status_code == 404


def test_staff_and_outsiders_get_404_for_the_partner_view(
    partner_vera, charity, household, settlement_a, mona, alice, bob, nasrin
):
    referral = shared(partner_vera, charity, household, settlement_a, mona, alice, ("identity",))
    for user in (mona, alice, bob, nasrin):
        assert signed_in(user).get(household_url(referral)).status_code == 404, user.username
    assert not AccessLog.objects.exists()

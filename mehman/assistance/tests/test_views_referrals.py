"""The referral pages through the client: the staff list, referring, a referral's page
and answering it, for staff and for the partner it is addressed to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.assistance import services
from mehman.assistance.models import Referral, ReferralStatus
from mehman.core import dates, digits
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from mehman.registry.models import HouseholdEvent
from mehman.registry.tests import factories as rf

TODAY = dates.today
LIST = reverse("assistance:referrals")


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def household(settlement_a, alice):
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def agreement(charity, settlement_a, mona):
    return pf.data_agreement(charity, settlement_a, by=mona)


@pytest.fixture
def partner_vera(vera, charity, mona):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    return vera


def refer(household, organisation, by, **kw):
    data = {"sector": "nfi", "service": "Winter kit", "consent_given": True}
    data.update(kw)
    return services.refer_household(household=household, organisation=organisation, by=by, **data)


def refer_url(household) -> str:
    return reverse("assistance:refer", args=[household.reference])


def url(name: str, referral: Referral) -> str:
    return reverse(f"assistance:{name}", args=[referral.uuid])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refer_form(organisation, **overrides):
    data = {
        "organisation": str(organisation.uuid),
        "sector": "nfi",
        "service": "Winter kit",
        "reason": "Cold season, no heater",
        "due_on": "",
        "consent": "yes",
        "consent_override": "",
    }
    data.update(overrides)
    return data


# --- Referring ------------------------------------------------------------------------------


def test_a_clerk_refers_a_household_with_its_consent(alice, household, charity, agreement):
    response = signed_in(alice).post(refer_url(household), refer_form(charity))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("referral", referral)
    assert referral.organisation == charity
    assert referral.consent_given is True
    assert referral.referred_by == alice
    assert HouseholdEvent.objects.filter(aggregate=household, kind="assistance.referred").exists()
    assert not any("data-sharing" in t for t in texts(response))


def test_the_refer_page_takes_a_reference_typed_with_persian_digits(alice, household, charity):
    typed = digits.to_persian(household.reference)
    assert typed != household.reference
    response = signed_in(alice).get(reverse("assistance:refer", args=[typed]))
    assert response.status_code == 200
    assert household.reference in response.content.decode()


def test_referring_where_no_agreement_covers_the_settlement_warns_but_is_allowed(
    alice, household, charity
):
    client = signed_in(alice)
    page = client.get(refer_url(household)).content.decode()
    assert 'data-testid="unshared"' in page
    assert charity.name_fa in page
    response = client.post(refer_url(household), refer_form(charity))
    assert response.status_code == 302
    assert Referral.objects.filter(household=household, organisation=charity).exists()
    with translation.override("fa"):
        warning = gettext(
            "The organisation has no live data-sharing agreement for this "
            "settlement: its staff will not see the household until there is one."
        )
    assert warning in texts(response)


def test_an_organisation_with_a_live_agreement_gets_no_warning(
    alice, household, charity, agreement
):
    page = signed_in(alice).get(refer_url(household)).content.decode()
    assert 'data-testid="unshared"' not in page


def test_a_referral_without_consent_needs_a_written_reason(alice, household, charity):
    client = signed_in(alice)
    response = client.post(refer_url(household), refer_form(charity, consent="no"))
    assert response.status_code == 200
    assert response.context["form"].errors["consent_override"]
    assert not Referral.objects.exists()
    response = client.post(
        refer_url(household),
        refer_form(charity, consent="no", consent_override="Urgent: no heating in winter"),
    )
    assert response.status_code == 302
    made = Referral.objects.get()
    assert made.consent_given is False
    assert made.consent_override == "Urgent: no heating in winter"


def test_only_organisations_working_in_the_settlement_are_offered(
    alice, household, charity, settlement_b, mona, adam
):
    elsewhere = pf.organisation(settlement_b, by=adam, name_en="Fars Relief", name_fa="امداد فارس")
    client = signed_in(alice)
    page = client.get(refer_url(household)).content.decode()
    assert str(charity.uuid) in page
    assert str(elsewhere.uuid) not in page
    response = client.post(refer_url(household), refer_form(elsewhere))
    assert response.context["form"].errors["organisation"]
    assert not Referral.objects.exists()


def test_the_follow_up_date_is_taken_in_jalali(alice, household, charity):
    response = signed_in(alice).post(
        refer_url(household), refer_form(charity, due_on=dates.format_date(TODAY() + timedelta(7)))
    )
    assert response.status_code == 302
    assert Referral.objects.get().due_on == TODAY() + timedelta(7)


def test_outsiders_cannot_refer(bob, vera, nasrin, household):
    for user in (bob, vera, nasrin):
        assert signed_in(user).get(refer_url(household)).status_code == 404, user.username
    assert not Referral.objects.exists()


def test_the_household_page_offers_the_referral_to_those_who_record(alice, settlement_a, household):
    page = signed_in(alice).get(reverse("registry:household", args=[household.reference]))
    assert refer_url(household) in page.content.decode()
    officer = UserFactory(role=Role.HOUSING_OFFICER, settlements=[settlement_a])
    page = signed_in(officer).get(reverse("registry:household", args=[household.reference]))
    assert page.status_code == 200
    assert refer_url(household) not in page.content.decode()


# --- The staff list -------------------------------------------------------------------------


def test_the_list_flags_overdue_referrals_and_filters_them(alice, settlement_a, charity):
    late = refer(
        rf.household(settlement_a, by=alice),
        charity,
        alice,
        referred_on=TODAY() - timedelta(days=20),
        due_on=TODAY() - timedelta(days=1),
    )
    on_time = refer(
        rf.household(settlement_a, by=alice), charity, alice, due_on=TODAY() + timedelta(days=9)
    )
    client = signed_in(alice)
    page = client.get(LIST).content.decode()
    assert str(late.uuid) in page
    assert str(on_time.uuid) in page
    assert page.count('data-testid="overdue"') == 1
    page = client.get(LIST, {"overdue": "on"}).content.decode()
    assert str(late.uuid) in page
    assert str(on_time.uuid) not in page


def test_the_list_filters_by_organisation_status_and_sector(alice, mona, settlement_a, charity):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    kit = refer(rf.household(settlement_a, by=alice), charity, alice)
    legal = refer(
        rf.household(settlement_a, by=alice), other, alice, sector="legal", service="Papers"
    )
    services.accept_referral(referral=legal, by=alice)
    client = signed_in(alice)
    for params, shown, hidden in (
        ({"organisation": str(other.uuid)}, legal, kit),
        ({"status": "referred"}, kit, legal),
        ({"sector": "legal"}, legal, kit),
    ):
        page = client.get(LIST, params).content.decode()
        assert str(shown.uuid) in page, params
        assert str(hidden.uuid) not in page, params


def test_the_list_shows_only_the_users_settlements(alice, bob, settlement_a, charity):
    made = refer(rf.household(settlement_a, by=alice), charity, alice)
    page = signed_in(bob).get(LIST)
    assert page.status_code == 200
    assert str(made.uuid) not in page.content.decode()


def test_the_list_is_hidden_from_partner_staff_and_analysts(partner_vera, nasrin):
    assert signed_in(partner_vera).get(LIST).status_code == 404
    assert signed_in(nasrin).get(LIST).status_code == 404


def test_the_list_makes_a_fixed_number_of_queries(
    alice, mona, settlement_a, charity, django_assert_max_num_queries
):
    for _ in range(2):
        refer(rf.household(settlement_a, by=alice), charity, alice)
    client = signed_in(alice)
    client.get(LIST)
    with django_assert_max_num_queries(50) as captured:
        client.get(LIST)
    few = len(captured)
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    for _ in range(8):
        refer(rf.household(settlement_a, by=alice), other, alice)
    with django_assert_max_num_queries(few):
        response = client.get(LIST)
    assert response.content.decode().count("data-referral=") == 10


# --- One referral and its answers ----------------------------------------------------------


def test_the_referral_page_shows_its_history(alice, mona, household, charity):
    referral = refer(household, charity, alice)
    services.accept_referral(referral=referral, by=mona)
    response = signed_in(alice).get(url("referral", referral))
    history = response.content.decode().split('data-testid="history"')[1]
    assert "Referred" in history or "ارجاع" in history
    assert len(response.context["history"]) == 2
    assert response.context["history"][-1].status == ReferralStatus.ACCEPTED


def test_outsiders_get_404_for_a_referral_and_its_answers(
    alice, bob, vera, nasrin, household, charity
):
    referral = refer(household, charity, alice)
    for name in ("referral", "referral_accept", "referral_decline", "referral_close"):
        for user in (bob, vera, nasrin):
            assert signed_in(user).get(url(name, referral)).status_code == 404, (name, user)
    for name in ("referral_accept", "referral_decline"):
        assert signed_in(bob).post(url(name, referral), {"reason": "x"}).status_code == 404
    assert Referral.objects.get().status == ReferralStatus.REFERRED


def test_a_partner_accepts_then_closes_a_referral_shared_with_it(
    alice, household, charity, agreement, partner_vera
):
    referral = refer(household, charity, alice)
    client = signed_in(partner_vera)
    page = client.get(url("referral", referral)).content.decode()
    assert url("portal_household", referral) in page
    assert household.head.given_name not in page  # the partner's page names no one
    assert client.get(url("referral_accept", referral)).status_code == 200
    response = client.post(url("referral_accept", referral))
    assert response["Location"] == url("referral", referral)
    response = client.post(url("referral_close", referral), {"outcome": ""})
    assert response.context["form"].errors["outcome"]
    response = client.post(url("referral_close", referral), {"outcome": "Kit given on Saturday"})
    assert response["Location"] == reverse("assistance:portal")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.outcome == "Kit given on Saturday"
    assert client.get(url("referral", referral)).status_code == 404  # closed: no longer shared


def test_a_partner_declines_with_a_reason(alice, household, charity, agreement, partner_vera):
    referral = refer(household, charity, alice)
    client = signed_in(partner_vera)
    response = client.post(url("referral_decline", referral), {"reason": ""})
    assert response.status_code == 200
    assert Referral.objects.get().status == ReferralStatus.REFERRED
    response = client.post(url("referral_decline", referral), {"reason": "No stock left"})
    assert response["Location"] == reverse("assistance:portal")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "No stock left"


def test_a_partner_cannot_answer_once_the_agreement_is_revoked(
    alice, mona, household, charity, agreement, partner_vera
):
    referral = refer(household, charity, alice)
    partners.revoke_agreement(agreement=agreement, by=mona, reason="Project ended")
    client = signed_in(partner_vera)
    assert client.get(url("referral", referral)).status_code == 404
    assert client.post(url("referral_accept", referral)).status_code == 404
    assert Referral.objects.get().status == ReferralStatus.REFERRED


def test_a_partner_of_another_organisation_cannot_answer(
    alice, mona, settlement_a, household, charity, agreement, partner_vera
):
    other = pf.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    pf.data_agreement(other, settlement_a, by=mona)
    referral = refer(household, other, alice)
    assert signed_in(partner_vera).post(url("referral_accept", referral)).status_code == 404
    assert Referral.objects.get().status == ReferralStatus.REFERRED


def test_staff_answer_for_the_partner_and_a_wrong_transition_is_shown(
    alice, mona, household, charity
):
    referral = refer(household, charity, alice)
    client = signed_in(mona)
    response = client.post(url("referral_close", referral), {"outcome": "Done"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = client.post(url("referral_accept", referral))
    assert response["Location"] == url("referral", referral)
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


def test_staff_who_do_not_record_may_read_a_referral_but_not_answer_it(
    alice, settlement_a, household, charity
):
    referral = refer(household, charity, alice)
    officer = UserFactory(role=Role.HOUSING_OFFICER, settlements=[settlement_a])
    client = signed_in(officer)
    page = client.get(url("referral", referral))
    assert page.status_code == 200
    assert 'data-testid="referral-actions"' not in page.content.decode()
    assert client.post(url("referral_accept", referral)).status_code == 404

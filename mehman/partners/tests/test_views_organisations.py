"""The organisation pages through the client: the directory, an organisation's page,
its details, contacts, staff accounts and agreements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core import dates
from mehman.partners import services
from mehman.partners.models import (
    Agreement,
    Contact,
    DataSharingAgreement,
    Organisation,
    OrganisationStaff,
)
from mehman.partners.tests import factories

DIRECTORY = reverse("partners:organisations")


def shown(message: str, language: str = "fa") -> str:
    """A message as the page shows it: translated and escaped."""
    with translation.override(language):
        return escape(translation.gettext(message))


def page_of(organisation: Organisation) -> str:
    return reverse("partners:organisation", args=[organisation.uuid])


def url(name: str, *args) -> str:
    return reverse(f"partners:{name}", args=args)


def iso(days: int) -> str:
    return (dates.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def charity(settlement_a, mona):
    return factories.organisation(settlement_a, by=mona)


@pytest.fixture
def unicef(settlement_a, mona):
    return factories.organisation(
        settlement_a,
        by=mona,
        name_fa="یونیسف",
        name_en="UNICEF",
        acronym="UNICEF",
        org_type="UN",
        sectors=["education", "wash"],
    )


@pytest.fixture
def sarvestan_group(settlement_b, bob):
    return factories.organisation(
        settlement_b, by=bob, name_fa="گروه سروستان", name_en="Sarvestan group", acronym="SG"
    )


# --- The directory ------------------------------------------------------------------------------


def test_the_directory_shows_badges_and_counts(charity, unicef, settlement_a, mona):
    factories.data_agreement(charity, settlement_a, by=mona)
    factories.volunteer(charity, settlement_a, by=mona)
    factories.activity(charity, settlement_a, by=mona)
    factories.pledge(charity, settlement_a, by=mona)
    factories.pledge(charity, settlement_a, by=mona)

    page = signed_in(mona).get(DIRECTORY).text

    row = page.split(f'data-organisation="{charity.uuid}"')[1].split("</tr>")[0]
    assert "خیریه امام رضا" in row
    assert 'data-testid="live-data-agreement"' in row
    assert 'data-testid="live-mou"' not in row
    assert 'data-testid="volunteer-count">۱<' in row
    assert 'data-testid="activity-count">۱<' in row
    assert 'data-testid="pledge-count">۲<' in row
    other = page.split(f'data-organisation="{unicef.uuid}"')[1].split("</tr>")[0]
    assert 'data-testid="live-data-agreement"' not in other
    assert 'data-testid="pledge-count">۰<' in other


def test_the_directory_filters_by_type_sector_settlement_and_activity(
    charity, unicef, settlement_a, mona
):
    client = signed_in(mona)
    services.update_organisation(organisation=charity, by=mona, is_active=False)

    def listed(**params):
        page = client.get(DIRECTORY, params).text
        return {o for o in (charity, unicef) if f'data-organisation="{o.uuid}"' in page}

    assert listed() == {charity, unicef}
    assert listed(org_type="UN") == {unicef}
    assert listed(sector="nfi") == {charity}
    assert listed(sector="wash") == {unicef}
    assert listed(settlement=settlement_a.code) == {charity, unicef}
    assert listed(active="no") == {charity}
    assert listed(active="yes") == {unicef}


def test_the_directory_keeps_its_query_count(
    charity, settlement_a, mona, django_assert_max_num_queries
):
    client = signed_in(mona)
    client.get(DIRECTORY)
    with CaptureQueriesContext(connection) as few:
        client.get(DIRECTORY)
    for n in range(6):
        more = factories.organisation(settlement_a, by=mona, name_en=f"Group {n}")
        factories.data_agreement(more, settlement_a, by=mona)
        factories.volunteer(more, settlement_a, by=mona)
        factories.pledge(more, settlement_a, by=mona)
    with django_assert_max_num_queries(len(few)):
        response = client.get(DIRECTORY)
    assert response.text.count("data-organisation=") == 7


def test_bob_sees_only_his_settlements_organisations(charity, sarvestan_group, bob):
    client = signed_in(bob)
    page = client.get(DIRECTORY).text
    assert str(sarvestan_group.uuid) in page
    assert str(charity.uuid) not in page
    assert client.get(page_of(charity)).status_code == 404


# --- An organisation's page ---------------------------------------------------------------------


def test_the_organisation_page_shows_what_it_does_and_its_timeline(
    charity, settlement_a, mona, vera
):
    services.add_contact(organisation=charity, by=mona, name="Reza Karimi", phone="09151234567")
    shared = factories.data_agreement(charity, settlement_a, by=mona)
    services.record_agreement(
        organisation=charity,
        by=mona,
        title="Old MoU",
        scope="Shelter repairs",
        settlements=[settlement_a],
        valid_from=dates.today() - timedelta(days=400),
        valid_to=dates.today() - timedelta(days=1),
    )
    services.link_staff(organisation=charity, user=vera, by=mona)
    volunteer = factories.volunteer(charity, settlement_a, by=mona)
    activity = factories.activity(charity, settlement_a, by=mona)
    pledge = factories.pledge(charity, settlement_a, by=mona)

    page = signed_in(mona).get(page_of(charity)).text

    assert "Reza Karimi" in page
    assert f'data-agreement="{shared.uuid}"' in page
    assert 'data-state="live"' in page
    assert 'data-state="expired"' in page
    assert shown("Names, sex and age of members") in page
    assert url("agreement_revoke", shared.uuid) in page
    assert ">vera<" in page
    assert url("volunteer", volunteer.uuid) in page
    assert reverse("assistance:activity", args=[activity.uuid]) in page
    assert reverse("assistance:pledge", args=[pledge.uuid]) in page
    assert reverse("assistance:donor", args=[charity.uuid]) in page
    assert shown("Volunteer registered") in page  # the timeline
    assert url("organisation_edit", charity.uuid) in page


def test_partner_staff_see_their_own_organisation_and_no_other(
    charity, unicef, settlement_a, mona, vera
):
    services.link_staff(organisation=charity, user=vera, by=mona)
    factories.volunteer(charity, settlement_a, by=mona)
    client = signed_in(vera)

    page = client.get(page_of(charity)).text

    assert "Imam Reza Charity" in page  # English for vera
    assert "Sara Ahmadi" in page
    assert shown("Volunteer registered", "en") in page  # her own organisation's timeline
    assert url("organisation_edit", charity.uuid) not in page
    assert client.get(page_of(unicef)).status_code == 404
    directory = client.get(DIRECTORY).text
    assert str(charity.uuid) in directory
    assert str(unicef.uuid) not in directory


def test_an_analyst_sees_the_organisation_without_the_people(charity, settlement_a, mona, nasrin):
    factories.volunteer(charity, settlement_a, by=mona)
    page = signed_in(nasrin).get(page_of(charity)).text
    assert "Imam Reza" in page or "امام رضا" in page
    assert "Sara Ahmadi" not in page
    assert shown("Volunteer registered") not in page
    assert shown("Organisation registered") in page


# --- Registering and changing ------------------------------------------------------------------


def _details(settlement, **overrides):
    data = {
        "name_fa": "جمعیت هلال احمر",
        "name_en": "Red Crescent Society",
        "acronym": "IRCS",
        "org_type": "GOV",
        "sectors": ["health", "shelter"],
        "settlements": [settlement.code],
        "phone": "۰۵۱۵۲۲۲۰۰۰۰",
        "website": "rcs.ir",
    }
    data.update(overrides)
    return data


def test_a_manager_registers_an_organisation(settlement_a, mona):
    response = signed_in(mona).post(url("organisation_create"), _details(settlement_a))

    made = Organisation.objects.get(name_en="Red Crescent Society")
    assert response["Location"] == page_of(made)
    assert made.sectors == ["health", "shelter"]
    assert list(made.settlements.all()) == [settlement_a]
    assert made.website == "https://rcs.ir"


def test_an_organisation_without_its_english_name_is_refused(settlement_a, mona):
    response = signed_in(mona).post(url("organisation_create"), _details(settlement_a, name_en=""))
    assert response.status_code == 200
    assert shown("An organisation needs its name in Persian and in English.") in response.text
    assert not Organisation.objects.exists()


def test_clerks_and_outsiders_cannot_register_or_edit(charity, settlement_a, alice, bob, vera):
    for persona in (alice, bob, vera):
        client = signed_in(persona)
        assert client.post(url("organisation_create"), _details(settlement_a)).status_code == 404
        edit = client.post(url("organisation_edit", charity.uuid), {"name_en": "X"})
        assert edit.status_code == 404
    assert Organisation.objects.count() == 1


def _edit_data(organisation, settlement, **overrides):
    data = _details(
        settlement,
        name_fa=organisation.name_fa,
        name_en=organisation.name_en,
        org_type=organisation.org_type,
        sectors=organisation.sectors,
        version=organisation.version,
    )
    data.update(overrides)
    return data


def test_a_manager_edits_an_organisation_keeping_settlements_outside_her_scope(
    charity, settlement_a, settlement_b, mona
):
    services.update_organisation(
        organisation=charity, by=mona, settlements=[settlement_a, settlement_b]
    )
    charity.refresh_from_db()

    response = signed_in(mona).post(
        url("organisation_edit", charity.uuid),
        _edit_data(charity, settlement_a, name_en="Imam Reza Relief", is_active=""),
    )

    assert response["Location"] == page_of(charity)
    charity.refresh_from_db()
    assert charity.name_en == "Imam Reza Relief"
    assert not charity.is_active
    assert set(charity.settlements.all()) == {settlement_a, settlement_b}


def test_an_edit_on_a_stale_copy_is_refused(charity, settlement_a, mona):
    data = _edit_data(charity, settlement_a, name_en="Mine")
    services.update_organisation(organisation=charity, by=mona, phone="1234")

    response = signed_in(mona).post(url("organisation_edit", charity.uuid), data)

    assert (
        shown("Someone else changed this record while you were editing. Reload and try again.")
        in response.text
    )
    charity.refresh_from_db()
    assert charity.name_en == "Imam Reza Charity"


# --- Contacts and staff accounts ----------------------------------------------------------------


def test_a_manager_adds_a_contact(charity, mona):
    response = signed_in(mona).post(
        url("contact_add", charity.uuid), {"name": "Reza", "email": "reza@example.org"}
    )
    assert response["Location"] == page_of(charity)
    assert charity.contacts.get().email == "reza@example.org"


def test_a_contact_without_phone_or_email_is_refused(charity, mona):
    response = signed_in(mona).post(url("contact_add", charity.uuid), {"name": "Reza"})
    assert shown("Give a phone number or an email address.") in response.text
    assert not Contact.objects.exists()


def test_a_manager_links_and_unlinks_a_partner_account(charity, settlement_a, mona, vera):
    client = signed_in(mona)
    form = client.get(url("staff_link", charity.uuid)).text
    assert 'value="vera"' in form
    assert 'value="alice"' not in form

    response = client.post(url("staff_link", charity.uuid), {"user": "vera"})

    assert response["Location"] == page_of(charity)
    link = OrganisationStaff.objects.get(user=vera)
    assert link.organisation == charity and link.is_active

    unlinked = client.post(url("staff_unlink", charity.uuid, link.uuid))

    assert unlinked["Location"] == page_of(charity)
    link.refresh_from_db()
    assert not link.is_active


def test_a_partner_account_already_working_elsewhere_is_refused(charity, unicef, mona, vera):
    services.link_staff(organisation=unicef, user=vera, by=mona)
    response = signed_in(mona).post(url("staff_link", charity.uuid), {"user": "vera"})
    assert (
        shown("This account already works for another organisation; unlink it there first.")
        in response.text
    )
    assert OrganisationStaff.objects.get(user=vera).organisation == unicef


def test_a_partner_account_of_another_settlement_is_not_offered(charity, settlement_b, mona):
    # Built here: partners may not import the accounts app (import-linter).
    sam = get_user_model().objects.create_user(username="sam", role="partner", language="en")
    sam.settlements.add(settlement_b)
    client = signed_in(mona)
    assert 'value="sam"' not in client.get(url("staff_link", charity.uuid)).text
    client.post(url("staff_link", charity.uuid), {"user": "sam"})
    assert not OrganisationStaff.objects.exists()


def test_bob_cannot_unlink_settlement_a_staff(charity, mona, vera, bob):
    link = services.link_staff(organisation=charity, user=vera, by=mona)
    assert signed_in(bob).post(url("staff_unlink", charity.uuid, link.uuid)).status_code == 404
    link.refresh_from_db()
    assert link.is_active


# --- Agreements ---------------------------------------------------------------------------------


def test_a_manager_records_a_memorandum_of_understanding(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("agreement_add", charity.uuid),
        {
            "title": "Winterisation",
            "scope": "Kits for every household",
            "sectors": ["nfi"],
            "settlements": [settlement_a.code],
            "valid_from": "۱۴۰۴/۰۱/۰۱",
            "valid_to": iso(200),
            "reference": "MoU-12",
        },
    )
    assert response["Location"] == page_of(charity)
    mou = Agreement.objects.get()
    assert (mou.title, mou.sectors, mou.reference) == ("Winterisation", ["nfi"], "MoU-12")
    assert mou.valid_from == dates.to_gregorian(1404, 1, 1)
    assert mou.is_live()


def test_a_memorandum_ending_before_it_starts_is_refused(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("agreement_add", charity.uuid),
        {
            "title": "Winterisation",
            "scope": "Kits",
            "settlements": [settlement_a.code],
            "valid_from": iso(10),
            "valid_to": iso(0),
        },
    )
    assert shown("The end date is before the start date.") in response.text
    assert not Agreement.objects.exists()


def test_a_manager_records_a_data_sharing_agreement_with_checkboxes(charity, settlement_a, mona):
    client = signed_in(mona)
    form = client.get(url("data_agreement_add", charity.uuid)).text
    assert 'type="checkbox" name="categories" value="identity"' in form
    assert f'type="checkbox" name="settlements" value="{settlement_a.code}"' in form

    response = client.post(
        url("data_agreement_add", charity.uuid),
        {
            "purpose": "Winter support",
            "categories": ["identity", "needs"],
            "settlements": [settlement_a.code],
            "valid_from": iso(0),
            "valid_to": iso(90),
        },
    )

    assert response["Location"] == page_of(charity)
    shared = DataSharingAgreement.objects.get()
    assert shared.categories == ["identity", "needs"]
    assert list(shared.settlements.all()) == [settlement_a]


def test_a_data_sharing_agreement_without_a_settlement_is_refused(charity, mona):
    response = signed_in(mona).post(
        url("data_agreement_add", charity.uuid),
        {"purpose": "Winter support", "valid_from": iso(0), "valid_to": iso(90)},
    )
    assert shown("Choose at least one settlement.") in response.text
    assert not DataSharingAgreement.objects.exists()


@pytest.mark.parametrize("kind", ["mou", "data"])
def test_a_manager_revokes_an_agreement_found_by_its_uuid(charity, settlement_a, mona, kind):
    if kind == "data":
        agreement = factories.data_agreement(charity, settlement_a, by=mona)
    else:
        agreement = services.record_agreement(
            organisation=charity,
            by=mona,
            title="MoU",
            scope="Shelter",
            settlements=[settlement_a],
            valid_from=dates.today(),
            valid_to=dates.today() + timedelta(days=10),
        )
    client = signed_in(mona)
    page = url("agreement_revoke", agreement.uuid)

    refused = client.post(page, {"reason": ""})
    assert shown("Give the reason for revoking.") in refused.text
    agreement.refresh_from_db()
    assert agreement.revoked_on is None

    done = client.post(page, {"reason": "Project ended"})

    assert done["Location"] == page_of(charity)
    agreement.refresh_from_db()
    assert (agreement.revoked_on, agreement.revoke_reason) == (dates.today(), "Project ended")
    assert not agreement.is_live()
    again = client.post(page, {"reason": "Twice"})
    assert shown("This agreement is already revoked.") in again.text


def test_bob_cannot_revoke_settlement_a_agreements(charity, settlement_a, mona, bob):
    shared = factories.data_agreement(charity, settlement_a, by=mona)
    response = signed_in(bob).post(url("agreement_revoke", shared.uuid), {"reason": "No"})
    assert response.status_code == 404
    shared.refresh_from_db()
    assert shared.revoked_on is None


def test_an_edit_without_its_version_says_so_and_changes_nothing(charity, settlement_a, mona):
    data = _edit_data(charity, settlement_a, name_en="Mine")
    del data["version"]
    response = signed_in(mona).post(url("organisation_edit", charity.uuid), data)
    assert shown("The page was out of date. Reload it and try again.") in response.text
    charity.refresh_from_db()
    assert charity.name_en == "Imam Reza Charity"

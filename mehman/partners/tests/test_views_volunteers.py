"""The volunteer pages through the client: the roster, a volunteer's page, registering
and changing volunteers, assigning them and recording their hours."""

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
from mehman.partners.models import (
    BackgroundCheck,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
)
from mehman.partners.tests import factories

ROSTER = reverse("partners:volunteers")


def shown(message: str, language: str = "fa") -> str:
    with translation.override(language):
        return escape(translation.gettext(message))


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
        settlement_a, by=mona, name_fa="یونیسف", name_en="UNICEF", acronym="UNICEF", org_type="UN"
    )


@pytest.fixture
def sara(charity, settlement_a, mona):
    return factories.volunteer(charity, settlement_a, by=mona)


@pytest.fixture
def unvetted(unicef, settlement_a, mona):
    """Signed the code of conduct and cleared, but no PSEA training recorded."""
    return factories.volunteer(
        unicef,
        settlement_a,
        by=mona,
        name="Hamid Nazari",
        sex="M",
        skills=["آشپزی", "driving"],
        languages=["Dari", "Pashto"],
        psea_trained_on=None,
    )


@pytest.fixture
def winter_kits(charity, settlement_a, mona):
    return factories.activity(charity, settlement_a, by=mona)


def listed(client, **params) -> set[str]:
    page = client.get(ROSTER, params).text
    return {v.name for v in Volunteer.objects.all() if f'data-volunteer="{v.uuid}"' in page}


# --- The roster ---------------------------------------------------------------------------------


def test_the_roster_shows_safeguarding_gaps_and_hours(sara, unvetted, winter_kits, mona):
    assignment = services.assign_volunteer(
        volunteer=sara, activity=winter_kits, by=mona, starts_on=dates.today() - timedelta(5)
    )
    for day in (1, 2):
        services.record_hours(
            assignment=assignment, by=mona, worked_on=dates.today() - timedelta(day), hours=3
        )

    page = signed_in(mona).get(ROSTER).text

    sara_row = page.split(f'data-volunteer="{sara.uuid}"')[1].split("</tr>")[0]
    assert 'data-testid="hours">۶<' in sara_row
    assert 'data-testid="gaps"' not in sara_row
    hamid_row = page.split(f'data-volunteer="{unvetted.uuid}"')[1].split("</tr>")[0]
    assert shown("PSEA training is not recorded") in hamid_row
    assert "Pashto" in hamid_row


def test_the_roster_filters(sara, unvetted, unicef, mona):
    client = signed_in(mona)
    assert listed(client) == {"Sara Ahmadi", "Hamid Nazari"}
    assert listed(client, organisation=str(unicef.uuid)) == {"Hamid Nazari"}
    assert listed(client, skill="first") == {"Sara Ahmadi"}
    assert listed(client, skill="آشپز") == {"Hamid Nazari"}
    assert listed(client, language="dari") == {"Hamid Nazari"}
    assert listed(client, language="Da") == set()  # a language is matched whole
    assert listed(client, safeguarding="complete") == {"Sara Ahmadi"}
    assert listed(client, safeguarding="incomplete") == {"Hamid Nazari"}
    services.update_volunteer(volunteer=sara, by=mona, is_active=False)
    assert listed(client, active="yes") == {"Hamid Nazari"}
    assert listed(client, active="no") == {"Sara Ahmadi"}


def test_the_roster_keeps_its_query_count(
    charity, settlement_a, mona, winter_kits, django_assert_max_num_queries
):
    client = signed_in(mona)
    factories.volunteer(charity, settlement_a, by=mona)
    client.get(ROSTER)
    with CaptureQueriesContext(connection) as few:
        client.get(ROSTER)
    for n in range(8):
        volunteer = factories.volunteer(charity, settlement_a, by=mona, name=f"Volunteer {n}")
        services.assign_volunteer(volunteer=volunteer, activity=winter_kits, by=mona)
    with django_assert_max_num_queries(len(few)):
        response = client.get(ROSTER)
    assert response.text.count("data-volunteer=") == 9


def test_analysts_and_unlinked_partner_staff_get_no_roster(sara, nasrin, vera):
    assert signed_in(nasrin).get(ROSTER).status_code == 404
    assert signed_in(vera).get(ROSTER).status_code == 404


def test_partner_staff_see_their_own_volunteers_but_change_nothing(
    sara, unvetted, charity, mona, vera
):
    services.link_staff(organisation=charity, user=vera, by=mona)
    client = signed_in(vera)

    assert listed(client) == {"Sara Ahmadi"}
    page = client.get(url("volunteer", sara.uuid)).text
    assert "Sara Ahmadi" in page
    assert url("volunteer_edit", sara.uuid) not in page
    assert client.get(url("volunteer", unvetted.uuid)).status_code == 404
    assert client.get(url("volunteer_edit", sara.uuid)).status_code == 404


def test_bob_gets_404_for_a_settlement_a_volunteer(sara, bob):
    client = signed_in(bob)
    assert client.get(url("volunteer", sara.uuid)).status_code == 404
    assert "Sara Ahmadi" not in client.get(ROSTER).text


# --- A volunteer's page -------------------------------------------------------------------------


def test_the_volunteer_page_shows_safeguarding_and_assignments(sara, winter_kits, mona):
    assignment = services.assign_volunteer(
        volunteer=sara, activity=winter_kits, by=mona, starts_on=dates.today() - timedelta(5)
    )
    services.record_hours(
        assignment=assignment, by=mona, worked_on=dates.today(), hours="2.5", note="Packing"
    )

    page = signed_in(mona).get(url("volunteer", sara.uuid)).text

    assert 'data-testid="safeguarding"' in page
    assert shown("Safeguarding complete") in page
    assert reverse("assistance:activity", args=[winter_kits.uuid]) in page
    assert "Packing" in page
    assert ">۲٫۵<" in page  # hours without trailing zeros
    assert url("hours_add", assignment.uuid) in page


# --- Registering and changing -------------------------------------------------------------------


def test_a_manager_registers_a_volunteer(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("volunteer_create"),
        {
            "organisation": str(charity.uuid),
            "settlement": settlement_a.code,
            "name": "Leila Mohammadi",
            "sex": "F",
            "skills": "teaching، first aid",
            "languages": "fa, en",
            "code_of_conduct_signed_on": "۱۴۰۴/۰۱/۱۰",
            "background_check": BackgroundCheck.PENDING,
        },
    )
    made = Volunteer.objects.get(name="Leila Mohammadi")
    assert response["Location"] == url("volunteer", made.uuid)
    assert made.skills == ["teaching", "first aid"]
    assert made.languages == ["fa", "en"]
    assert made.code_of_conduct_signed_on == dates.to_gregorian(1404, 1, 10)


def test_a_volunteer_trained_in_the_future_is_refused(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("volunteer_create"),
        {
            "organisation": str(charity.uuid),
            "settlement": settlement_a.code,
            "name": "Leila Mohammadi",
            "sex": "F",
            "psea_trained_on": iso(3),
            "background_check": BackgroundCheck.NOT_STARTED,
        },
    )
    assert shown("This date is in the future.") in response.text
    assert not Volunteer.objects.exists()


def _edit_data(volunteer: Volunteer, **overrides):
    data = {
        "name": volunteer.name,
        "sex": volunteer.sex,
        "skills": ", ".join(volunteer.skills),
        "languages": ", ".join(volunteer.languages),
        "background_check": volunteer.background_check,
        "is_active": "on",
        "version": volunteer.version,
    }
    data.update(overrides)
    return data


def test_a_manager_records_safeguarding_on_the_edit_page(unvetted, mona):
    response = signed_in(mona).post(
        url("volunteer_edit", unvetted.uuid),
        _edit_data(
            unvetted,
            code_of_conduct_signed_on=iso(-10),
            psea_trained_on=iso(-2),
            background_check=BackgroundCheck.CLEARED,
        ),
    )
    assert response["Location"] == url("volunteer", unvetted.uuid)
    unvetted.refresh_from_db()
    assert unvetted.psea_trained_on == dates.today() - timedelta(days=2)
    assert unvetted.is_safeguarded


def test_a_stale_edit_of_a_volunteer_is_refused(sara, mona):
    data = _edit_data(sara, name="Sara A.")
    services.update_volunteer(volunteer=sara, by=mona, phone="0915")
    response = signed_in(mona).post(url("volunteer_edit", sara.uuid), data)
    assert (
        shown("Someone else changed this record while you were editing. Reload and try again.")
        in response.text
    )
    sara.refresh_from_db()
    assert sara.name == "Sara Ahmadi"


# --- Assigning ----------------------------------------------------------------------------------


def test_a_manager_assigns_a_safeguarded_volunteer(sara, winter_kits, mona):
    client = signed_in(mona)
    assert str(winter_kits.uuid) in client.get(url("volunteer_assign", sara.uuid)).text

    response = client.post(
        url("volunteer_assign", sara.uuid), {"activity": str(winter_kits.uuid), "role": "Packer"}
    )

    assert response["Location"] == url("volunteer", sara.uuid)
    assignment = VolunteerAssignment.objects.get()
    assert (assignment.volunteer, assignment.activity, assignment.role) == (
        sara,
        winter_kits,
        "Packer",
    )


def test_a_volunteer_without_psea_training_cannot_be_assigned(unvetted, winter_kits, mona):
    client = signed_in(mona)
    form = client.get(url("volunteer_assign", unvetted.uuid)).text
    assert 'data-testid="safeguarding-gaps"' in form

    response = client.post(
        url("volunteer_assign", unvetted.uuid), {"activity": str(winter_kits.uuid)}
    )

    assert response.status_code == 200
    errors = response.text.split('data-testid="errors"')[1].split("</div>\n")[0]
    assert "Hamid Nazari" in errors
    assert shown("PSEA training is not recorded") in errors
    assert not VolunteerAssignment.objects.exists()


def test_an_unsafeguarded_volunteer_may_work_away_from_residents(
    unvetted, charity, settlement_a, mona
):
    store = factories.activity(
        charity, settlement_a, by=mona, name="Sorting the store", works_with_residents=False
    )
    response = signed_in(mona).post(
        url("volunteer_assign", unvetted.uuid), {"activity": str(store.uuid)}
    )
    assert response["Location"] == url("volunteer", unvetted.uuid)
    assert VolunteerAssignment.objects.get().activity == store


def test_bob_and_clerks_cannot_assign(sara, winter_kits, bob, alice):
    for persona in (bob, alice):
        response = signed_in(persona).post(
            url("volunteer_assign", sara.uuid), {"activity": str(winter_kits.uuid)}
        )
        assert response.status_code == 404
    assert not VolunteerAssignment.objects.exists()


# --- Hours --------------------------------------------------------------------------------------


@pytest.fixture
def assignment(sara, winter_kits, mona):
    return services.assign_volunteer(
        volunteer=sara, activity=winter_kits, by=mona, starts_on=dates.today() - timedelta(10)
    )


def test_a_manager_records_hours_in_persian_digits(assignment, mona):
    response = signed_in(mona).post(
        url("hours_add", assignment.uuid), {"worked_on": iso(-1), "hours": "۳٫۵"}
    )
    assert response["Location"] == url("volunteer", assignment.volunteer.uuid)
    assert VolunteerHours.objects.get().hours == Decimal("3.5")


def test_more_than_a_day_of_hours_is_refused(assignment, mona):
    response = signed_in(mona).post(
        url("hours_add", assignment.uuid), {"worked_on": iso(-1), "hours": "25"}
    )
    assert shown("A day has at most 24 hours.") in response.text
    assert not VolunteerHours.objects.exists()


def test_bob_cannot_record_hours(assignment, bob):
    response = signed_in(bob).post(
        url("hours_add", assignment.uuid), {"worked_on": iso(-1), "hours": "2"}
    )
    assert response.status_code == 404
    assert not VolunteerHours.objects.exists()

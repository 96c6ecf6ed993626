"""The activity pages (5W) through the client: the list, planning, changing, status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core import dates
from mehman.partners import services
from mehman.partners.models import Activity, ActivityStatus
from mehman.partners.tests import factories

LIST = reverse("partners:activities")


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
def winter_kits(charity, settlement_a, mona):
    return factories.activity(charity, settlement_a, by=mona)


@pytest.fixture
def school(unicef, settlement_a, mona):
    return factories.activity(
        unicef,
        settlement_a,
        by=mona,
        name="Catch-up classes",
        sector="education",
        status=ActivityStatus.PLANNED,
        targets={"hh": 40, "f_age5_11": 30, "m_age5_11": 25},
    )


def listed(client, **params) -> set[str]:
    page = client.get(LIST, params).text
    return {a.name for a in Activity.objects.all() if f'data-activity="{a.uuid}"' in page}


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_targets_and_links_to_the_activity_page(winter_kits, mona):
    page = signed_in(mona).get(LIST).text
    row = page.split(f'data-activity="{winter_kits.uuid}"')[1].split("</tr>")[0]
    assert reverse("assistance:activity", args=[winter_kits.uuid]) in row
    assert 'data-testid="target-hh">۳۰۰<' in row
    assert 'data-testid="target-people">۱۶۵<' in row
    assert url("activity_edit", winter_kits.uuid) in row


def test_the_list_filters(winter_kits, school, unicef, settlement_a, mona):
    client = signed_in(mona)
    assert listed(client) == {"Winter kits 1405", "Catch-up classes"}
    assert listed(client, organisation=str(unicef.uuid)) == {"Catch-up classes"}
    assert listed(client, sector="nfi") == {"Winter kits 1405"}
    assert listed(client, status="planned") == {"Catch-up classes"}
    assert listed(client, settlement=settlement_a.code) == {
        "Winter kits 1405",
        "Catch-up classes",
    }


def test_the_list_keeps_its_query_count(
    charity, unicef, settlement_a, mona, django_assert_max_num_queries
):
    client = signed_in(mona)
    factories.activity(charity, settlement_a, by=mona)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(8):
        factories.activity(charity, settlement_a, by=mona, name=f"Activity {n}", funder=unicef)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert response.text.count("data-activity=") == 9


def test_partner_staff_see_their_own_activities_and_bob_none(
    winter_kits, school, charity, mona, vera, bob
):
    services.link_staff(organisation=charity, user=vera, by=mona)
    client = signed_in(vera)
    assert listed(client) == {"Winter kits 1405"}
    assert url("activity_edit", winter_kits.uuid) not in client.get(LIST).text
    assert listed(signed_in(bob)) == set()


def test_an_analyst_sees_every_activity(winter_kits, school, nasrin):
    assert listed(signed_in(nasrin)) == {"Winter kits 1405", "Catch-up classes"}


# --- Planning and changing ----------------------------------------------------------------------


def _activity_data(charity, settlement, **overrides):
    data = {
        "organisation": str(charity.uuid),
        "settlement": settlement.code,
        "sector": "wash",
        "name": "Hygiene kits",
        "starts_on": "۱۴۰۵/۰۱/۱۵",
        "works_with_residents": "on",
        "target_hh": "۱٬۲۰۰",
        "target_f_age0_4": "۸۰",
        "target_m_age60plus": "12",
        "target_f_age18_59": "",
    }
    data.update(overrides)
    return data


def test_a_manager_plans_an_activity_with_a_grid_of_targets(charity, settlement_a, mona):
    client = signed_in(mona)
    form = client.get(url("activity_create")).text
    assert 'name="target_f_age12_17"' in form
    assert 'data-testid="targets"' in form

    response = client.post(url("activity_create"), _activity_data(charity, settlement_a))

    made = Activity.objects.get()
    assert response["Location"] == reverse("assistance:activity", args=[made.uuid])
    assert made.targets == {"hh": 1200, "f_age0_4": 80, "m_age60plus": 12}
    assert made.starts_on == dates.to_gregorian(1405, 1, 15)
    assert made.works_with_residents
    assert made.status == ActivityStatus.PLANNED


def test_an_activity_ending_before_it_starts_is_refused(charity, settlement_a, mona):
    response = signed_in(mona).post(
        url("activity_create"), _activity_data(charity, settlement_a, ends_on="۱۴۰۵/۰۱/۰۱")
    )
    assert shown("The end date is before the start date.") in response.text
    assert not Activity.objects.exists()


def test_an_activity_where_its_organisation_does_not_work_is_refused(
    charity, settlement_a, settlement_b, adam
):
    response = signed_in(adam).post(url("activity_create"), _activity_data(charity, settlement_b))
    assert shown("The organisation does not work in this settlement.") in response.text
    assert not Activity.objects.exists()


def _edit_data(activity: Activity, **overrides):
    data = {
        "sector": activity.sector,
        "name": activity.name,
        "starts_on": activity.starts_on.isoformat(),
        "works_with_residents": "on",
        "version": activity.version,
        **{f"target_{k}": v for k, v in activity.targets.items()},
    }
    data.update(overrides)
    return data


def test_a_manager_changes_the_targets(winter_kits, mona):
    response = signed_in(mona).post(
        url("activity_edit", winter_kits.uuid),
        _edit_data(winter_kits, target_hh="۳۵۰", target_m_age0_4="", works_with_residents=""),
    )
    assert response["Location"] == reverse("assistance:activity", args=[winter_kits.uuid])
    winter_kits.refresh_from_db()
    assert winter_kits.targets == {"hh": 350, "f_age0_4": 80}
    assert not winter_kits.works_with_residents


def test_a_stale_edit_of_an_activity_is_refused(winter_kits, mona):
    data = _edit_data(winter_kits, name="Renamed")
    services.update_activity(activity=winter_kits, by=mona, block="12")
    response = signed_in(mona).post(url("activity_edit", winter_kits.uuid), data)
    assert (
        shown("Someone else changed this record while you were editing. Reload and try again.")
        in response.text
    )
    winter_kits.refresh_from_db()
    assert winter_kits.name == "Winter kits 1405"


def test_bob_and_partner_staff_cannot_change_an_activity(winter_kits, charity, mona, bob, vera):
    services.link_staff(organisation=charity, user=vera, by=mona)
    for persona in (bob, vera):
        client = signed_in(persona)
        edit = client.post(url("activity_edit", winter_kits.uuid), _edit_data(winter_kits))
        assert edit.status_code == 404
        status = client.post(url("activity_status", winter_kits.uuid), {"status": "completed"})
        assert status.status_code == 404
    winter_kits.refresh_from_db()
    assert winter_kits.status == ActivityStatus.ONGOING


# --- Status -------------------------------------------------------------------------------------


def test_the_buttons_offer_only_the_allowed_transitions(school, mona):
    page = signed_in(mona).get(url("activity_edit", school.uuid)).text
    assert 'name="status" value="ongoing"' in page
    assert 'name="status" value="cancelled"' in page
    assert 'name="status" value="completed"' not in page


def test_a_manager_starts_and_completes_an_activity(school, mona):
    client = signed_in(mona)
    response = client.post(url("activity_status", school.uuid), {"status": "ongoing"})
    assert response["Location"] == LIST
    school.refresh_from_db()
    assert school.status == ActivityStatus.ONGOING
    back = url("activity_edit", school.uuid)
    response = client.post(
        url("activity_status", school.uuid), {"status": "completed", "next": back}
    )
    assert response["Location"] == back
    school.refresh_from_db()
    assert school.status == ActivityStatus.COMPLETED


def test_a_transition_from_the_wrong_status_is_refused_with_a_message(school, mona):
    response = signed_in(mona).post(
        url("activity_status", school.uuid), {"status": "completed"}, follow=True
    )
    with translation.override("fa"):
        expected = translation.gettext("An activity that is %(current)s cannot become %(new)s.") % {
            "current": ActivityStatus.PLANNED.label,
            "new": ActivityStatus.COMPLETED.label,
        }
    assert escape(expected) in response.text
    school.refresh_from_db()
    assert school.status == ActivityStatus.PLANNED


def test_next_leaving_the_site_is_ignored(school, mona):
    response = signed_in(mona).post(
        url("activity_status", school.uuid),
        {"status": "ongoing", "next": "https://evil.example/"},
    )
    assert response["Location"] == LIST

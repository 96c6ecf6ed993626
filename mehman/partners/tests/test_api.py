"""The partners API end to end, through the test client, for every persona."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in
from mehman.core import dates
from mehman.partners import services
from mehman.partners.api.serializers import Targets
from mehman.partners.models import (
    TARGET_KEYS,
    Activity,
    Agreement,
    Donation,
    Organisation,
    OrganisationEvent,
    Pledge,
    PledgeStatus,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
)
from mehman.partners.tests import factories

JSON = "application/json"
TODAY = dates.today


def url(name: str, **kwargs) -> str:
    return reverse(f"api:partners:{name}", kwargs=kwargs)


def post(client, address: str, data: dict | None = None, **extra):
    return client.post(address, data or {}, content_type=JSON, **extra)


def patch(client, address: str, data: dict | None = None, **extra):
    return client.patch(address, data or {}, content_type=JSON, **extra)


def queries_for(client, address: str) -> int:
    """The queries of a page read by a client that has already made its first request."""
    client.get(address)  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def fields(response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def charity(settlement_a, mona) -> Organisation:
    return factories.organisation(settlement_a, by=mona)


@pytest.fixture
def faraway(settlement_b, bob) -> Organisation:
    return factories.organisation(
        settlement_b, by=bob, name_en="Fars Relief", name_fa="امداد فارس", org_type="NNGO"
    )


@pytest.fixture
def partner_vera(vera, charity, mona):
    services.link_staff(organisation=charity, user=vera, by=mona)
    return vera


@pytest.fixture
def agreement(charity, settlement_a, mona) -> Agreement:
    return services.record_agreement(
        organisation=charity,
        by=mona,
        title="Winter support",
        scope="Winter kits for blocks 1-4",
        settlements=[settlement_a],
        valid_from=TODAY() - timedelta(days=10),
        valid_to=TODAY() + timedelta(days=300),
    )


@pytest.fixture
def data_agreement(charity, settlement_a, mona):
    return factories.data_agreement(charity, settlement_a, by=mona)


@pytest.fixture
def volunteer(charity, settlement_a, mona) -> Volunteer:
    return factories.volunteer(charity, settlement_a, by=mona)


@pytest.fixture
def activity(charity, settlement_a, mona) -> Activity:
    return factories.activity(charity, settlement_a, by=mona)


@pytest.fixture
def assignment(volunteer, activity, mona) -> VolunteerAssignment:
    return services.assign_volunteer(
        volunteer=volunteer, activity=activity, by=mona, starts_on=activity.starts_on
    )


@pytest.fixture
def pledge(charity, settlement_a, mona) -> Pledge:
    return factories.pledge(charity, settlement_a, by=mona)


@pytest.fixture
def donation(pledge, mona) -> Donation:
    return services.receive_donation(pledge=pledge, by=mona, quantity=10)


# --- Who may reach what ---------------------------------------------------------------------------


@pytest.fixture
def records(charity, agreement, data_agreement, volunteer, activity, assignment, pledge, donation):
    return {
        "organisation": charity.uuid,
        "agreement": agreement.uuid,
        "data_agreement": data_agreement.uuid,
        "volunteer": volunteer.uuid,
        "activity": activity.uuid,
        "assignment": assignment.uuid,
        "pledge": pledge.uuid,
        "donation": donation.uuid,
    }


def reads(r) -> list[tuple[str, str]]:
    """Every read of one of settlement A's records: (method, url)."""
    return [
        ("get", url("organisation_detail", uuid=r["organisation"])),
        ("get", url("organisation_agreements", uuid=r["organisation"])),
        ("get", url("organisation_data_agreements", uuid=r["organisation"])),
        ("get", url("volunteer_detail", uuid=r["volunteer"])),
        ("get", url("volunteer_assignments", uuid=r["volunteer"])),
        ("get", url("activity_detail", uuid=r["activity"])),
        ("get", url("pledge_detail", uuid=r["pledge"])),
        ("get", url("pledge_donations", uuid=r["pledge"])),
    ]


def writes(r) -> list[tuple[str, str]]:
    """Every change to one of settlement A's records, and every registration."""
    return [
        ("post", url("organisation_list")),
        ("patch", url("organisation_detail", uuid=r["organisation"])),
        ("post", url("organisation_agreements", uuid=r["organisation"])),
        ("post", url("organisation_data_agreements", uuid=r["organisation"])),
        ("post", url("agreement_revoke", uuid=r["agreement"])),
        ("post", url("data_agreement_revoke", uuid=r["data_agreement"])),
        ("post", url("volunteer_list")),
        ("patch", url("volunteer_detail", uuid=r["volunteer"])),
        ("post", url("volunteer_assignments", uuid=r["volunteer"])),
        ("post", url("assignment_hours", uuid=r["assignment"])),
        ("post", url("activity_list")),
        ("patch", url("activity_detail", uuid=r["activity"])),
        ("post", url("activity_status", uuid=r["activity"])),
        ("post", url("pledge_list")),
        ("post", url("pledge_donations", uuid=r["pledge"])),
        ("post", url("pledge_cancel", uuid=r["pledge"])),
        ("post", url("donation_store", uuid=r["donation"])),
    ]


def call(client, method: str, address: str):
    if method == "get":
        return client.get(address)
    body = {"version": 1, "reason": "x", "status": "completed", "stored_at": "W1"}
    return getattr(client, method)(address, body, content_type=JSON)


def test_anonymous_visitors_get_403_from_every_endpoint(client, records):
    lists = [
        ("get", url(name))
        for name in ("organisation_list", "volunteer_list", "activity_list", "pledge_list")
    ]
    for method, address in [*reads(records), *writes(records), *lists]:
        response = call(client, method, address)
        assert response.status_code in (401, 403), (method, address)
        assert codes(response) == ["not_authenticated"]


def test_the_outsider_gets_404_for_every_record_and_change(bob, records, pledge):
    client = signed_in(bob)
    for method, address in [*reads(records), *writes(records)]:
        response = call(client, method, address)
        assert response.status_code == 404, (method, address)
        assert codes(response) == ["not_found"]
    assert Pledge.objects.get(pk=pledge.pk).status == PledgeStatus.RECEIVED


@pytest.mark.parametrize("persona", ["alice", "vera", "nasrin"])
def test_roles_without_partners_manage_change_nothing(request, persona, records, activity):
    client = signed_in(request.getfixturevalue(persona))
    for method, address in writes(records):
        response = call(client, method, address)
        assert response.status_code == 404, (persona, method, address)
    assert Activity.objects.get(pk=activity.pk).version == activity.version
    assert Organisation.objects.count() == 1


def test_an_unknown_uuid_is_404(mona):
    assert signed_in(mona).get(url("organisation_detail", uuid=uuid.uuid4())).status_code == 404


def test_an_unsupported_method_is_405_in_the_error_shape(mona, charity):
    response = signed_in(mona).delete(url("organisation_detail", uuid=charity.uuid))
    assert response.status_code == 405
    assert codes(response) == ["method_not_allowed"]


# --- Organisations --------------------------------------------------------------------------------


def test_lists_hold_only_organisations_in_scope(mona, bob, nasrin, charity, faraway):
    names = [o["name_en"] for o in signed_in(mona).get(url("organisation_list")).json()["results"]]
    assert names == ["Imam Reza Charity"]
    names = [o["name_en"] for o in signed_in(bob).get(url("organisation_list")).json()["results"]]
    assert names == ["Fars Relief"]
    listed = signed_in(nasrin).get(url("organisation_list")).json()
    assert listed["count"] == 2


def test_a_partner_sees_only_its_own_organisation(vera, partner_vera, settlement_a, mona):
    factories.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    client = signed_in(vera)
    listed = client.get(url("organisation_list")).json()
    assert [o["name_en"] for o in listed["results"]] == ["Imam Reza Charity"]
    other = Organisation.objects.get(name_en="Other NGO")
    assert client.get(url("organisation_detail", uuid=other.uuid)).status_code == 404


def test_organisations_filter_by_type_sector_and_settlement(
    nasrin, charity, faraway, settlement_a, mona
):
    factories.organisation(
        settlement_a, by=mona, name_en="Health NGO", name_fa="سلامت", sectors=["health"]
    )
    client = signed_in(nasrin)

    def names(**query):
        found = client.get(url("organisation_list"), query).json()["results"]
        return sorted(o["name_en"] for o in found)

    assert names(type="NNGO") == ["Fars Relief"]
    assert names(sector="health") == ["Health NGO"]
    assert names(sector="nfi") == ["Fars Relief", "Imam Reza Charity"]
    assert names(settlement="tj") == ["Health NGO", "Imam Reza Charity"]
    response = client.get(url("organisation_list"), {"type": "club"})
    assert response.status_code == 400
    assert fields(response) == ["type"]


def test_the_organisation_list_takes_a_fixed_number_of_queries(
    nasrin, settlement_a, settlement_b, mona, charity, django_assert_max_num_queries
):
    client = signed_in(nasrin)
    few = queries_for(client, url("organisation_list"))
    for number in range(4):
        made = factories.organisation(settlement_a, by=mona, name_en=f"Org {number}")
        services.update_organisation(
            organisation=made, by=mona, settlements=[settlement_a, settlement_b]
        )
    with django_assert_max_num_queries(few):
        response = client.get(url("organisation_list"))
    assert response.json()["count"] == 5
    assert response.json()["results"][-1]["settlements"] == ["SV", "TJ"]


def test_a_manager_registers_an_organisation_in_her_settlement(mona, settlement_a):
    data = {
        "name_fa": "جمعیت هلال احمر",
        "name_en": "Red Crescent",
        "acronym": "IRCS",
        "org_type": "NNGO",
        "sectors": ["health", "shelter"],
        "phone": "۰۵۱۵۲۲۲۰۰۰۰",
    }
    response = post(signed_in(mona), url("organisation_list"), data)
    assert response.status_code == 201, response.json()
    body = response.json()
    organisation = Organisation.objects.get(uuid=body["uuid"])
    assert body["settlements"] == ["TJ"]
    assert body["sectors"] == ["health", "shelter"]
    assert response["Location"] == url("organisation_detail", uuid=organisation.uuid)
    assert response["ETag"] == f'"{organisation.version}"'
    assert OrganisationEvent.objects.filter(
        aggregate=organisation, kind="organisation.registered"
    ).exists()


def test_bad_input_names_each_field_with_its_path(mona):
    response = post(
        signed_in(mona),
        url("organisation_list"),
        {"name_fa": "x", "org_type": "club", "sectors": ["nfi", "mining"]},
    )
    assert response.status_code == 400
    assert set(fields(response)) == {"name_en", "org_type", "sectors.1"}
    assert {"required", "invalid_choice"} <= set(codes(response))


def test_a_settlement_outside_your_scope_is_unknown(mona, settlement_b):
    response = post(
        signed_in(mona),
        url("organisation_list"),
        {"name_fa": "x", "name_en": "X", "org_type": "UN", "settlements": ["SV"]},
    )
    assert response.status_code == 400
    assert codes(response) == ["unknown"]
    assert fields(response) == ["settlements"]
    assert not Organisation.objects.exists()


def test_a_manager_changes_an_organisation_with_its_version(mona, charity):
    client = signed_in(mona)
    read = client.get(url("organisation_detail", uuid=charity.uuid))
    response = patch(
        client,
        url("organisation_detail", uuid=charity.uuid),
        {"phone": "09150000000", "sectors": ["wash"]},
        headers={"If-Match": read["ETag"]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["sectors"] == ["wash"]
    assert response["ETag"] == f'"{charity.version + 1}"'
    assert Organisation.objects.get(pk=charity.pk).phone == "09150000000"


def test_an_edit_without_a_version_is_428(mona, charity):
    response = patch(signed_in(mona), url("organisation_detail", uuid=charity.uuid), {"phone": "1"})
    assert response.status_code == 428
    assert codes(response) == ["precondition_required"]


@pytest.mark.parametrize("where", ["body", "header"])
def test_a_stale_version_is_412_and_changes_nothing(mona, charity, where):
    stale = charity.version
    services.update_organisation(organisation=charity, by=mona, version=stale, acronym="IR")
    data: dict = {"acronym": "XX"}
    headers = {}
    if where == "body":
        data["version"] = stale
    else:
        headers["If-Match"] = f'"{stale}"'
    response = patch(
        signed_in(mona), url("organisation_detail", uuid=charity.uuid), data, headers=headers
    )
    assert response.status_code == 412
    assert codes(response) == ["stale"]
    assert Organisation.objects.get(pk=charity.pk).acronym == "IR"


def test_a_field_that_cannot_be_changed_is_refused(mona, charity):
    response = patch(
        signed_in(mona),
        url("organisation_detail", uuid=charity.uuid),
        {"version": charity.version, "uuid": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert fields(response) == ["uuid"]


def test_settlements_outside_the_managers_scope_are_kept(mona, charity, settlement_b, adam):
    services.update_organisation(
        organisation=charity, by=adam, settlements=[charity.settlements.get(), settlement_b]
    )
    charity.refresh_from_db()
    response = patch(
        signed_in(mona),
        url("organisation_detail", uuid=charity.uuid),
        {"version": charity.version, "settlements": ["TJ"], "name_en": "Imam Reza Foundation"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["settlements"] == ["SV", "TJ"]


# --- Agreements -----------------------------------------------------------------------------------


def test_a_manager_records_a_memorandum_and_revokes_it(mona, charity):
    client = signed_in(mona)
    response = post(
        client,
        url("organisation_agreements", uuid=charity.uuid),
        {
            "title": "Shelter repairs",
            "scope": "Roofs of blocks 3 and 4",
            "sectors": ["shelter"],
            "valid_from": "1405-01-01",
            "valid_to": "2027-12-31",
        },
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["valid_from"] == "2026-03-21"  # a Jalali date typed in the Gregorian field
    assert made["settlements"] == ["TJ"]
    listed = client.get(url("organisation_agreements", uuid=charity.uuid)).json()
    assert [a["title"] for a in listed] == ["Shelter repairs"]
    response = post(client, url("agreement_revoke", uuid=made["uuid"]), {"reason": "Ended"})
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    response = post(client, url("agreement_revoke", uuid=made["uuid"]), {"reason": "Again"})
    assert response.status_code == 400
    assert codes(response) == ["revoked"]


def test_an_agreement_ending_before_it_starts_is_refused(mona, charity):
    response = post(
        signed_in(mona),
        url("organisation_agreements", uuid=charity.uuid),
        {"title": "T", "scope": "S", "valid_from": "2026-05-01", "valid_to": "2026-04-01"},
    )
    assert response.status_code == 400
    assert codes(response) == ["period"]
    assert fields(response) == ["valid_to"]


def test_a_data_sharing_agreement_is_recorded_listed_and_revoked(mona, charity, vera, partner_vera):
    client = signed_in(mona)
    response = post(
        client,
        url("organisation_data_agreements", uuid=charity.uuid),
        {
            "purpose": "Winter support",
            "categories": ["identity"],
            "valid_from": (TODAY() - timedelta(days=1)).isoformat(),
            "valid_to": (TODAY() + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["state"] == "live"
    assert made["categories"] == ["identity"]
    # The partner reads its own agreements.
    shared = signed_in(vera).get(url("organisation_data_agreements", uuid=charity.uuid)).json()
    assert [a["uuid"] for a in shared] == [made["uuid"]]
    response = post(client, url("data_agreement_revoke", uuid=made["uuid"]), {"reason": ""})
    assert response.status_code == 400
    assert fields(response) == ["reason"]
    response = post(client, url("data_agreement_revoke", uuid=made["uuid"]), {"reason": "Ended"})
    assert response.json()["state"] == "revoked"


def test_analysts_do_not_read_agreements(nasrin, charity, agreement):
    client = signed_in(nasrin)
    assert client.get(url("organisation_detail", uuid=charity.uuid)).status_code == 200
    assert client.get(url("organisation_agreements", uuid=charity.uuid)).status_code == 404
    assert client.get(url("organisation_data_agreements", uuid=charity.uuid)).status_code == 404


# --- Volunteers -----------------------------------------------------------------------------------


def test_a_manager_registers_a_volunteer(mona, charity):
    response = post(
        signed_in(mona),
        url("volunteer_list"),
        {
            "organisation": str(charity.uuid),
            "name": "Zahra Karimi",
            "sex": "F",
            "skills": ["literacy"],
            "code_of_conduct_signed_on": "۱۴۰۴/۱۰/۰۱",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["settlement"] == "TJ"
    assert body["organisation"]["uuid"] == str(charity.uuid)
    assert body["code_of_conduct_signed_on"] == dates.to_gregorian(1404, 10, 1).isoformat()
    assert body["safeguarded"] is False
    assert len(body["safeguarding_gaps"]) == 2  # PSEA training and the background check
    assert Volunteer.objects.filter(uuid=body["uuid"]).exists()


def test_a_volunteer_of_an_organisation_outside_your_scope_is_refused(mona, faraway):
    response = post(
        signed_in(mona),
        url("volunteer_list"),
        {"organisation": str(faraway.uuid), "name": "X", "sex": "M"},
    )
    assert response.status_code == 400
    assert codes(response) == ["unknown"]
    assert fields(response) == ["organisation"]


def test_the_volunteer_list_filters_by_safeguarding(mona, charity, settlement_a, volunteer):
    factories.volunteer(charity, settlement_a, by=mona, name="New Volunteer", safeguarded=False)
    client = signed_in(mona)

    def names(**query):
        return [v["name"] for v in client.get(url("volunteer_list"), query).json()["results"]]

    assert names() == ["New Volunteer", "Sara Ahmadi"]
    assert names(safeguarded="true") == ["Sara Ahmadi"]
    assert names(safeguarded="false") == ["New Volunteer"]
    assert names(organisation=str(uuid.uuid4())) == []


def test_the_volunteer_list_takes_a_fixed_number_of_queries(
    mona, charity, settlement_a, volunteer, django_assert_max_num_queries
):
    client = signed_in(mona)
    few = queries_for(client, url("volunteer_list"))
    for number in range(4):
        factories.volunteer(charity, settlement_a, by=mona, name=f"Volunteer {number}")
    with django_assert_max_num_queries(few):
        response = client.get(url("volunteer_list"))
    assert response.json()["count"] == 5


@pytest.mark.parametrize("persona", ["nasrin", "bob"])
def test_analysts_and_outsiders_list_no_volunteers(request, persona, partner_vera, volunteer):
    response = signed_in(request.getfixturevalue(persona)).get(url("volunteer_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_partner_staff_list_their_own_organisations_volunteers_only(
    partner_vera, volunteer, settlement_a, mona
):
    other = factories.organisation(settlement_a, by=mona, name_en="Other", name_fa="دیگر")
    factories.volunteer(other, settlement_a, by=mona, name="Someone Else")
    response = signed_in(partner_vera).get(url("volunteer_list"))
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [volunteer.name]


def test_a_volunteer_is_changed_with_its_version(mona, volunteer):
    client = signed_in(mona)
    address = url("volunteer_detail", uuid=volunteer.uuid)
    read = client.get(address)
    assert read["ETag"] == f'"{volunteer.version}"'
    assert read.json()["safeguarded"] is True
    assert read.json()["safeguarding_gaps"] == []
    response = patch(client, address, {"phone": "0915", "background_check": "refused"})
    assert response.status_code == 428
    response = patch(
        client,
        address,
        {"version": volunteer.version, "background_check": "refused", "skills": ["cooking"]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["safeguarded"] is False
    assert response.json()["skills"] == ["cooking"]
    response = patch(client, address, {"version": volunteer.version, "phone": "1"})
    assert response.status_code == 412


def test_a_volunteer_without_psea_cannot_be_assigned(mona, charity, settlement_a, activity):
    untrained = factories.volunteer(charity, settlement_a, by=mona, safeguarded=False)
    response = post(
        signed_in(mona),
        url("volunteer_assignments", uuid=untrained.uuid),
        {"activity": str(activity.uuid), "role": "Distribution helper"},
    )
    assert response.status_code == 400
    assert codes(response) == ["safeguarding"]
    assert not VolunteerAssignment.objects.exists()


def test_a_safeguarded_volunteer_is_assigned_and_gives_hours(mona, volunteer, activity):
    client = signed_in(mona)
    response = post(
        client,
        url("volunteer_assignments", uuid=volunteer.uuid),
        {"activity": str(activity.uuid), "role": "Registration desk"},
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["activity"] == str(activity.uuid)
    listed = client.get(url("volunteer_assignments", uuid=volunteer.uuid)).json()
    assert [a["uuid"] for a in listed] == [made["uuid"]]
    response = post(
        client,
        url("assignment_hours", uuid=made["uuid"]),
        {"worked_on": TODAY().isoformat(), "hours": "۳.۵", "note": "Morning"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["hours"] == "3.50"
    response = post(
        client,
        url("assignment_hours", uuid=made["uuid"]),
        {"worked_on": TODAY().isoformat(), "hours": "21"},
    )
    assert response.status_code == 400
    assert codes(response) == ["hours"]
    assert VolunteerHours.objects.get().hours == Decimal("3.5")


def test_partner_staff_read_their_own_volunteers_and_analysts_none(
    partner_vera, nasrin, volunteer, assignment, settlement_a, mona
):
    vera = signed_in(partner_vera)
    assert vera.get(url("volunteer_detail", uuid=volunteer.uuid)).status_code == 200
    assert vera.get(url("volunteer_assignments", uuid=volunteer.uuid)).status_code == 200
    other = factories.organisation(settlement_a, by=mona, name_en="Other", name_fa="دیگر")
    stranger = factories.volunteer(other, settlement_a, by=mona, name="Someone Else")
    assert vera.get(url("volunteer_detail", uuid=stranger.uuid)).status_code == 404
    analyst = signed_in(nasrin)
    assert analyst.get(url("volunteer_detail", uuid=volunteer.uuid)).status_code == 404
    assert analyst.get(url("volunteer_assignments", uuid=volunteer.uuid)).status_code == 404


# --- Activities -----------------------------------------------------------------------------------


def test_the_targets_schema_names_every_target_key():
    assert tuple(Targets().fields) == TARGET_KEYS


def test_a_manager_plans_an_activity_with_targets(mona, charity, faraway):
    response = post(
        signed_in(mona),
        url("activity_list"),
        {
            "organisation": str(charity.uuid),
            "sector": "education",
            "name": "Literacy classes",
            "starts_on": TODAY().isoformat(),
            "block": "B۳",
            "targets": {"hh": "۱۲۰", "f_age18_59": 80},
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned"
    assert body["block"] == "B3"
    assert body["targets"]["hh"] == 120
    assert body["targets"]["f_age18_59"] == 80
    assert body["targets"]["m_age0_4"] == 0
    assert response["Location"] == url("activity_detail", uuid=body["uuid"])


def test_an_activity_with_a_negative_target_is_refused(mona, charity):
    response = post(
        signed_in(mona),
        url("activity_list"),
        {
            "organisation": str(charity.uuid),
            "sector": "nfi",
            "name": "Kits",
            "starts_on": TODAY().isoformat(),
            "targets": {"hh": -1},
        },
    )
    assert response.status_code == 400
    assert fields(response) == ["targets.hh"]


def test_an_activity_moves_through_its_status(mona, charity, settlement_a):
    planned = factories.activity(charity, settlement_a, by=mona, status="planned")
    client = signed_in(mona)
    address = url("activity_status", uuid=planned.uuid)
    response = post(client, address, {"status": "completed"})
    assert response.status_code == 400
    assert codes(response) == ["transition"]
    response = post(client, address, {"status": "ongoing"})
    assert response.status_code == 200
    assert response.json()["status"] == "ongoing"


def test_an_activity_is_changed_with_its_version(mona, activity):
    client = signed_in(mona)
    address = url("activity_detail", uuid=activity.uuid)
    etag = client.get(address)["ETag"]
    response = patch(
        client,
        address,
        {"name": "Winter kits, second round", "targets": {"hh": 50}, "funder": None},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["targets"]["hh"] == 50
    assert response.json()["targets"]["f_age0_4"] == 0  # targets sent replace all targets
    response = patch(client, address, {"name": "Again"}, headers={"If-Match": etag})
    assert response.status_code == 412
    assert Activity.objects.get(pk=activity.pk).name == "Winter kits, second round"


def test_partners_see_the_activities_they_implement_or_fund(
    vera, partner_vera, activity, settlement_a, mona, charity
):
    other = factories.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    funded = factories.activity(other, settlement_a, by=mona, name="Funded", funder=charity)
    factories.activity(other, settlement_a, by=mona, name="Not ours")
    listed = signed_in(vera).get(url("activity_list")).json()["results"]
    assert sorted(a["name"] for a in listed) == ["Funded", "Winter kits 1405"]
    found = signed_in(vera).get(url("activity_list"), {"organisation": str(charity.uuid)}).json()
    assert {a["uuid"] for a in found["results"]} == {str(activity.uuid), str(funded.uuid)}


def test_analysts_read_activities_everywhere(nasrin, activity, faraway, settlement_b, bob):
    factories.activity(faraway, settlement_b, by=bob, name="Fars kits")
    client = signed_in(nasrin)
    assert client.get(url("activity_list")).json()["count"] == 2
    assert client.get(url("activity_list"), {"settlement": "SV"}).json()["count"] == 1
    assert client.get(url("activity_detail", uuid=activity.uuid)).status_code == 200


def test_the_activity_list_takes_a_fixed_number_of_queries(
    nasrin, charity, settlement_a, mona, activity, django_assert_max_num_queries
):
    client = signed_in(nasrin)
    few = queries_for(client, url("activity_list"))
    for number in range(4):
        factories.activity(
            charity, settlement_a, by=mona, name=f"Activity {number}", funder=activity.organisation
        )
    with django_assert_max_num_queries(few):
        response = client.get(url("activity_list"))
    assert response.json()["count"] == 5


# --- Pledges and donations ------------------------------------------------------------------------


def test_a_pledge_is_recorded_received_stored_and_totalled(mona, charity):
    client = signed_in(mona)
    response = post(
        client,
        url("pledge_list"),
        {
            "donor": str(charity.uuid),
            "kind": "in_kind",
            "item": "Blanket",
            "unit": "piece",
            "quantity": "۲۰۰",
            "value": 400_000_000,
            "restricted_to": "older_person",
        },
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["reference"] == "PL-TJ-0001"
    assert made["quantity"] == "200.00"
    assert made["totals"]["received"] == "0.00"
    response = post(
        client, url("pledge_donations", uuid=made["uuid"]), {"quantity": "50", "note": "Truck 1"}
    )
    assert response.status_code == 201, response.json()
    donation = response.json()
    assert donation["value"] == 100_000_000  # the pledge's value per unit
    assert donation["remaining_quantity"] == "50.00"
    response = post(
        client, url("donation_store", uuid=donation["uuid"]), {"stored_at": "Warehouse 2"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stored_at"] == "Warehouse 2"
    detail = client.get(url("pledge_detail", uuid=made["uuid"])).json()
    assert detail["status"] == PledgeStatus.STORED
    assert detail["totals"] == {
        "received": "50.00",
        "received_value": 100_000_000,
        "used": "0.00",
        "used_value": 0,
    }
    listed = client.get(url("pledge_donations", uuid=made["uuid"])).json()
    assert [d["uuid"] for d in listed] == [donation["uuid"]]


def test_cash_is_not_stored(mona, charity, settlement_a):
    cash = factories.pledge(charity, settlement_a, by=mona, kind="cash", quantity=5_000_000)
    received = services.receive_donation(pledge=cash, by=mona, quantity=5_000_000)
    response = post(
        signed_in(mona), url("donation_store", uuid=received.uuid), {"stored_at": "Safe"}
    )
    assert response.status_code == 400
    assert codes(response) == ["cash"]


def test_a_pledge_is_cancelled_only_before_anything_arrives(
    mona, pledge, donation, charity, settlement_a
):
    client = signed_in(mona)
    response = post(client, url("pledge_cancel", uuid=pledge.uuid), {"reason": "Donor withdrew"})
    assert response.status_code == 400
    assert codes(response) == ["transition"]
    fresh = factories.pledge(charity, settlement_a, by=mona)
    response = post(client, url("pledge_cancel", uuid=fresh.uuid), {"reason": "Donor withdrew"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    response = post(client, url("pledge_donations", uuid=fresh.uuid), {"quantity": 1})
    assert response.status_code == 400
    assert codes(response) == ["cancelled"]


def test_a_donation_in_the_future_is_refused_on_its_field(mona, pledge):
    response = post(
        signed_in(mona),
        url("pledge_donations", uuid=pledge.uuid),
        {"quantity": 1, "received_on": (TODAY() + timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 400
    assert fields(response) == ["received_on"]
    assert codes(response) == ["future"]


def test_donations_are_listed_and_filtered(mona, donation, pledge, charity, settlement_a):
    other = factories.pledge(charity, settlement_a, by=mona, item="Stove", unit="stove")
    services.receive_donation(pledge=other, by=mona, quantity=2)
    client = signed_in(mona)
    listed = client.get(url("donation_list")).json()
    assert listed["count"] == 2
    found = client.get(url("donation_list"), {"available": "false"}).json()
    assert found["count"] == 0
    found = client.get(url("donation_list"), {"donor": str(charity.uuid), "settlement": "TJ"})
    assert found.json()["count"] == 2


def test_analysts_read_pledges_but_not_donations(nasrin, pledge, donation):
    client = signed_in(nasrin)
    assert client.get(url("pledge_list")).json()["count"] == 1
    detail = client.get(url("pledge_detail", uuid=pledge.uuid)).json()
    assert detail["totals"]["received"] == "10.00"
    assert client.get(url("donation_list")).json()["count"] == 0
    assert client.get(url("pledge_donations", uuid=pledge.uuid)).status_code == 404


def test_a_donor_reads_its_own_pledges_and_donations(
    vera, partner_vera, pledge, donation, settlement_a, mona
):
    other = factories.organisation(settlement_a, by=mona, name_en="Other NGO", name_fa="دیگر")
    theirs = factories.pledge(other, settlement_a, by=mona)
    client = signed_in(vera)
    assert [p["reference"] for p in client.get(url("pledge_list")).json()["results"]] == [
        pledge.reference
    ]
    assert client.get(url("pledge_detail", uuid=theirs.uuid)).status_code == 404
    assert [d["uuid"] for d in client.get(url("donation_list")).json()["results"]] == [
        str(donation.uuid)
    ]
    listed = client.get(url("pledge_donations", uuid=pledge.uuid)).json()
    assert [d["uuid"] for d in listed] == [str(donation.uuid)]


def test_the_pledge_and_donation_lists_take_a_fixed_number_of_queries(
    mona, charity, settlement_a, donation, django_assert_max_num_queries
):
    client = signed_in(mona)
    few = {name: queries_for(client, url(name)) for name in ("pledge_list", "donation_list")}
    for _number in range(4):
        made = factories.pledge(charity, settlement_a, by=mona)
        services.receive_donation(pledge=made, by=mona, quantity=1)
    for name in ("pledge_list", "donation_list"):
        with django_assert_max_num_queries(few[name]):
            assert client.get(url(name)).json()["count"] == 5

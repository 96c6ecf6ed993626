"""The registry API end to end, through the test client, for every persona."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in
from mehman.accounts.models import AccessLog, Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates
from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import Household, HouseholdEvent, IdentityDocument, SpecificNeed
from mehman.registry.tests import factories

JSON = "application/json"
PROTECTED_CODE = "LP-AN"  # violence, abuse or neglect: a protected category
PLAIN_CODE = "DS-PM"  # physical disability, moderate


def url(name: str, **kwargs) -> str:
    return reverse(f"api:registry:{name}", kwargs=kwargs)


def post(client, address: str, data: dict | None = None, **extra):
    return client.post(address, data or {}, content_type=JSON, **extra)


def patch(client, address: str, data: dict | None = None, **extra):
    return client.patch(address, data or {}, content_type=JSON, **extra)


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def fields(response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def caseworker(settlement_a):
    return UserFactory(username="kamila", role=Role.CASEWORKER, settlements=[settlement_a])


@pytest.fixture
def english_clerk(settlement_a):
    return UserFactory(username="ella", role=Role.CLERK, language="en", settlements=[settlement_a])


@pytest.fixture
def home(settlement_a, mona) -> Household:
    return factories.household(settlement_a, by=mona, block="B3")


@pytest.fixture
def head(home):
    return home.head


@pytest.fixture
def away(settlement_b, bob) -> Household:
    members = factories.family(given_name="رضا", family_name="حسینی", father_name="کریم")
    return factories.household(settlement_b, by=bob, members=members)


@pytest.fixture
def needs(head, mona) -> dict[str, SpecificNeed]:
    return {
        "plain": services.record_need(person=head, code=PLAIN_CODE, by=mona),
        "protected": services.record_need(person=head, code=PROTECTED_CODE, by=mona),
    }


def registration(**overrides) -> dict:
    data = {
        "block": "C1",
        "phone": "۰۹۱۵۱۲۳۴۵۶۷",
        "members": [
            {
                "given_name": "محمد",
                "family_name": "رحیمی",
                "father_name": "نور",
                "sex": "M",
                "birth_date": "۱۹۸۰-۰۵-۰۱",
                "relationship": "head",
                "marital_status": "married",
                "documents": [
                    {"doc_type": "amayesh", "number": "۱۲۳۴۵۶۷۸", "expires_on": "2030-01-01"}
                ],
            },
            {
                "given_name": "مریم",
                "family_name": "رحیمی",
                "sex": "F",
                "birth_date": "1364/07/01",  # a Jalali date typed in the Gregorian field
                "relationship": "spouse",
            },
        ],
    }
    data.update(overrides)
    return data


# --- Who may reach what ---------------------------------------------------------------------------


def endpoints(home, head, needs):
    """Every operation on settlement A's records: (method, url)."""
    reference, person = home.reference, head.uuid
    return [
        ("get", url("household_detail", reference=reference)),
        ("patch", url("household_detail", reference=reference)),
        ("get", url("household_members", reference=reference)),
        ("post", url("household_members", reference=reference)),
        ("patch", url("member_detail", uuid=person)),
        ("get", url("member_documents", uuid=person)),
        ("post", url("member_documents", uuid=person)),
        ("get", url("member_needs", uuid=person)),
        ("post", url("member_needs", uuid=person)),
        ("post", url("need_resolve", uuid=needs["plain"].uuid)),
    ]


def call(client, method: str, address: str):
    if method == "get":
        return client.get(address)
    return getattr(client, method)(address, {"reason": "x", "version": 1}, content_type=JSON)


def test_anonymous_visitors_get_403_from_every_endpoint(client, home, head, needs):
    for method, address in [
        *endpoints(home, head, needs),
        ("get", url("household_list")),
        ("post", url("household_list")),
    ]:
        response = call(client, method, address)
        assert response.status_code in (401, 403), (method, address)
        assert codes(response) == ["not_authenticated"]


@pytest.mark.parametrize("persona", ["bob", "vera", "nasrin"])
def test_outsiders_get_404_for_settlement_a_records(request, persona, home, head, needs):
    client = signed_in(request.getfixturevalue(persona))
    for method, address in endpoints(home, head, needs):
        response = call(client, method, address)
        assert response.status_code == 404, (persona, method, address)
        assert codes(response) == ["not_found"]
    assert Household.objects.get(pk=home.pk).version == home.version


def test_an_unknown_reference_or_uuid_is_404(alice, home):
    client = signed_in(alice)
    assert client.get(url("household_detail", reference="TJ-999999")).status_code == 404
    assert client.get(url("member_needs", uuid=uuid.uuid4())).status_code == 404


def test_the_list_holds_only_households_in_scope(alice, bob, home, away):
    listed = signed_in(alice).get(url("household_list")).json()
    assert [h["reference"] for h in listed["results"]] == [home.reference]
    listed = signed_in(bob).get(url("household_list")).json()
    assert [h["reference"] for h in listed["results"]] == [away.reference]


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partners_and_analysts_list_no_households(request, persona, home):
    response = signed_in(request.getfixturevalue(persona)).get(url("household_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_roles_without_registry_edit_cannot_register(request, persona):
    response = post(
        signed_in(request.getfixturevalue(persona)), url("household_list"), registration()
    )
    assert response.status_code == 404
    assert not Household.objects.exists()


def test_an_unsupported_method_is_405_in_the_error_shape(alice, home):
    response = signed_in(alice).delete(url("household_detail", reference=home.reference))
    assert response.status_code == 405
    assert codes(response) == ["method_not_allowed"]
    assert Household.objects.filter(pk=home.pk).exists()


# --- Search and list ------------------------------------------------------------------------------


def test_search_by_name_finds_the_household(alice, settlement_a, mona, home):
    other = factories.household(
        settlement_a,
        by=mona,
        members=factories.family(given_name="جواد", family_name="نوری", father_name="حسن"),
    )
    found = signed_in(alice).get(url("household_list"), {"q": "جواد نوری"}).json()
    assert [h["reference"] for h in found["results"]] == [other.reference]
    assert found["results"][0]["head"] == "جواد نوری"


def test_search_by_reference_and_by_year_typed_in_persian_digits(alice, home):
    client = signed_in(alice)
    found = client.get(url("household_list"), {"q": home.reference.lower()}).json()
    assert [h["reference"] for h in found["results"]] == [home.reference]
    found = client.get(url("household_list"), {"father": "محمد", "year": "۱۹۸۵"}).json()
    assert [h["reference"] for h in found["results"]] == [home.reference]
    found = client.get(url("household_list"), {"father": "محمد", "year": "1990"}).json()
    assert found["results"] == []


def test_the_list_filters_by_status_and_block(alice, settlement_a, mona, home):
    factories.household(settlement_a, by=mona, block="A1", status="resident")
    client = signed_in(alice)
    found = client.get(url("household_list"), {"status": "applicant"}).json()
    assert [h["reference"] for h in found["results"]] == [home.reference]
    found = client.get(url("household_list"), {"block": "A1"}).json()
    assert [h["status"] for h in found["results"]] == ["resident"]


def test_a_bad_filter_is_a_400_naming_the_parameter(alice):
    response = signed_in(alice).get(url("household_list"), {"status": "gone", "year": "x"})
    assert response.status_code == 400
    assert set(fields(response)) == {"status", "year"}


def test_the_list_is_paginated(alice, home):
    page = signed_in(alice).get(url("household_list")).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 1
    assert signed_in(alice).get(url("household_list"), {"page": 2}).status_code == 404


# --- Registration ---------------------------------------------------------------------------------


def test_a_clerk_registers_a_household_with_members_and_documents(alice, settlement_a):
    response = post(signed_in(alice), url("household_list"), registration())
    assert response.status_code == 201, response.json()
    data = response.json()
    household = Household.objects.get(reference=data["reference"])
    assert household.settlement == settlement_a
    assert response["Location"] == url("household_detail", reference=household.reference)
    assert response["ETag"] == f'"{household.version}"'
    head, spouse = data["members"]
    assert head["is_head"] and not spouse["is_head"]
    assert head["birth_date"] == "1980-05-01"
    assert spouse["birth_date"] == dates.to_gregorian(1364, 7, 1).isoformat()
    assert [d["number"] for d in head["documents"]] == ["۱۲۳۴۵۶۷۸"]
    assert IdentityDocument.objects.get(individual__household=household).number == "12345678"
    assert household.phone_key == "09151234567"
    assert HouseholdEvent.objects.filter(
        aggregate=household, kind=registry_events.REGISTERED.code
    ).exists()


def test_registration_without_a_head_is_refused_with_the_services_code(alice):
    data = registration()
    data["members"][0]["relationship"] = "brother"
    response = post(signed_in(alice), url("household_list"), data)
    assert response.status_code == 400
    assert codes(response) == ["one_head"]
    assert fields(response) == [None]
    assert not Household.objects.exists()


def test_bad_input_names_each_field_with_its_path(alice):
    data = registration()
    data["members"][1]["sex"] = "X"
    data["members"][1]["birth_date"] = "yesterday"
    data["members"][0]["documents"][0]["doc_type"] = "ration_card"
    response = post(signed_in(alice), url("household_list"), data)
    assert response.status_code == 400
    assert set(fields(response)) == {
        "members.1.sex",
        "members.1.birth_date",
        "members.0.documents.0.doc_type",
    }
    assert "invalid_choice" in codes(response)


def test_bad_input_is_explained_in_the_users_language(alice, english_clerk):
    response = post(signed_in(alice), url("household_list"), {})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "required", "message": "این مقدار لازم است.", "field": "members"}
    ]
    response = post(signed_in(english_clerk), url("household_list"), {})
    assert response.json()["errors"][0]["message"] == "This field is required."


def test_a_service_error_keeps_its_code_and_field(english_clerk, home):
    data = registration()
    data["members"][0]["documents"] = [{"doc_type": "national_code", "number": "1234567890"}]
    response = post(signed_in(english_clerk), url("household_list"), data)
    assert response.status_code == 400
    assert codes(response) == ["national_code"]
    assert "national code" in response.json()["errors"][0]["message"]


def test_an_administrator_names_the_settlement(adam, settlement_b):
    client = signed_in(adam)
    response = post(client, url("household_list"), registration())
    assert response.status_code == 400
    assert fields(response) == ["settlement"]
    response = post(client, url("household_list"), registration(settlement="sv"))
    assert response.status_code == 201
    assert response.json()["reference"].startswith("SV-")


def test_a_clerk_cannot_register_in_another_settlement(alice, settlement_b):
    response = post(signed_in(alice), url("household_list"), registration(settlement="SV"))
    assert response.status_code == 400
    assert fields(response) == ["settlement"]
    assert not Household.objects.exists()


# --- One household --------------------------------------------------------------------------------


def test_the_household_comes_with_members_documents_needs_and_its_version(alice, home, head):
    services.add_document(person=head, by=alice, doc_type="amayesh", number_typed="778899")
    response = signed_in(alice).get(url("household_detail", reference=home.reference))
    assert response.status_code == 200
    data = response.json()
    home.refresh_from_db()
    assert response["ETag"] == f'"{home.version}"'
    assert data["version"] == home.version
    assert data["size"] == 4
    assert data["members"][0]["uuid"] == str(head.uuid)
    assert [d["number"] for d in data["members"][0]["documents"]] == ["778899"]
    assert data["members"][0]["needs"] == []
    assert data["registered_on"] == home.registered_on.isoformat()


def test_protected_needs_are_hidden_from_a_clerk_and_not_logged(alice, home, needs):
    client = signed_in(alice)
    detail = client.get(url("household_detail", reference=home.reference)).json()
    shown = detail["members"][0]["needs"]
    assert {"protected": True} in shown
    assert [n["code"] for n in shown if "code" in n] == [PLAIN_CODE]
    listed = client.get(url("member_needs", uuid=needs["plain"].individual.uuid)).json()
    assert {"protected": True} in listed
    assert not any(PROTECTED_CODE in str(item) for item in listed)
    assert not AccessLog.objects.exists()


def test_protected_needs_are_shown_to_a_caseworker_and_each_read_is_logged(
    caseworker, home, head, needs
):
    client = signed_in(caseworker)
    address = url("household_detail", reference=home.reference)
    detail = client.get(address).json()
    shown = {n["code"]: n for n in detail["members"][0]["needs"]}
    assert set(shown) == {PLAIN_CODE, PROTECTED_CODE}
    assert shown[PROTECTED_CODE]["protected"] is True
    assert shown[PROTECTED_CODE]["uuid"] == str(needs["protected"].uuid)
    entry = AccessLog.objects.get()
    assert entry.user == caseworker
    assert entry.record_uuid == needs["protected"].uuid
    assert entry.subject == home.reference
    assert entry.via == address
    client.get(url("member_needs", uuid=head.uuid))
    assert AccessLog.objects.count() == 2


# --- Corrections with versions --------------------------------------------------------------------


def test_a_correction_with_the_current_version_in_the_body_is_saved(alice, home):
    address = url("household_detail", reference=home.reference)
    response = patch(
        signed_in(alice), address, {"block": "D7", "reason": "typo", "version": home.version}
    )
    assert response.status_code == 200, response.json()
    home.refresh_from_db()
    assert home.block == "D7"
    assert response.json()["block"] == "D7"
    assert response["ETag"] == f'"{home.version}"'
    assert HouseholdEvent.objects.filter(
        aggregate=home, kind=registry_events.CORRECTED.code
    ).exists()


def test_a_correction_with_the_etag_as_if_match_is_saved(alice, home):
    client = signed_in(alice)
    address = url("household_detail", reference=home.reference)
    etag = client.get(address)["ETag"]
    response = patch(
        client, address, {"address": "کوچه ۵", "reason": "moved"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    home.refresh_from_db()
    assert home.address == "کوچه ۵"


@pytest.mark.parametrize("where", ["body", "if-match"])
def test_a_stale_version_is_412_and_changes_nothing(alice, home, where):
    stale = home.version
    services.correct(record=home, by=alice, reason="first", block="E1", expected_version=stale)
    data = {"block": "Z9", "reason": "second"}
    headers = {}
    if where == "body":
        data["version"] = stale
    else:
        headers["If-Match"] = f'"{stale}"'
    response = patch(
        signed_in(alice), url("household_detail", reference=home.reference), data, headers=headers
    )
    assert response.status_code == 412
    assert codes(response) == ["stale"]
    home.refresh_from_db()
    assert home.block == "E1"
    assert home.version == stale + 1


def test_a_correction_without_a_version_is_428(alice, home):
    response = patch(
        signed_in(alice),
        url("household_detail", reference=home.reference),
        {"block": "Z9", "reason": "r"},
    )
    assert response.status_code == 428
    assert codes(response) == ["precondition_required"]
    home.refresh_from_db()
    assert home.block == "B3"


def test_a_correction_needs_a_reason(english_clerk, home):
    client = signed_in(english_clerk)
    address = url("household_detail", reference=home.reference)
    response = patch(client, address, {"block": "Z9", "version": home.version})
    assert (response.status_code, fields(response)) == (400, ["reason"])
    response = patch(client, address, {"block": "Z9", "version": home.version, "reason": " "})
    assert (response.status_code, codes(response), fields(response)) == (
        400,
        ["reason"],
        ["reason"],
    )
    assert response.json()["errors"][0]["message"] == "Give the reason for the correction."
    home.refresh_from_db()
    assert home.block == "B3"


def test_a_field_that_cannot_be_corrected_is_refused_not_ignored(alice, home):
    data = {"status": "closed", "reference": "TJ-1", "reason": "r", "version": home.version}
    response = patch(signed_in(alice), url("household_detail", reference=home.reference), data)
    assert response.status_code == 400
    assert set(fields(response)) == {"status", "reference"}
    assert set(codes(response)) == {"not_correctable"}
    home.refresh_from_db()
    assert (home.status, home.version) == ("applicant", 1)


def test_body_and_if_match_must_agree_and_if_match_must_be_an_etag(alice, home):
    client = signed_in(alice)
    address = url("household_detail", reference=home.reference)
    data = {"block": "Z9", "reason": "r", "version": home.version}
    response = patch(client, address, data, headers={"If-Match": f'"{home.version + 1}"'})
    assert codes(response) == ["version_mismatch"]
    response = patch(
        client, address, {"block": "Z9", "reason": "r"}, headers={"If-Match": "yesterday"}
    )
    assert codes(response) == ["if_match"]
    home.refresh_from_db()
    assert home.block == "B3"


def test_an_if_match_in_persian_digits_is_understood(alice, home):
    response = patch(
        signed_in(alice),
        url("household_detail", reference=home.reference),
        {"block": "F2", "reason": "r"},
        headers={
            "If-Match": f'"{home.version}"'.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        },
    )
    assert response.status_code == 200


# --- Members --------------------------------------------------------------------------------------


def test_members_are_listed_head_first(alice, home, head):
    members = signed_in(alice).get(url("household_members", reference=home.reference)).json()
    assert members[0]["uuid"] == str(head.uuid)
    assert [m["is_head"] for m in members] == [True, False, False, False]
    assert members[0]["age_bracket"] == "18-59"


def test_a_member_is_added_and_a_second_head_refused(alice, home):
    client = signed_in(alice)
    address = url("household_members", reference=home.reference)
    newcomer = {
        "given_name": "نرگس",
        "sex": "F",
        "relationship": "mother",
        "birth_date": "1950-01-01",
    }
    response = post(client, address, newcomer)
    assert response.status_code == 201
    assert response.json()["relationship"] == "mother"
    assert response["ETag"] == '"1"'
    home.refresh_from_db()
    assert home.size == 5
    response = post(client, address, {**newcomer, "relationship": "head"})
    assert (response.status_code, codes(response)) == (400, ["one_head"])


def test_a_member_is_corrected_from_the_version_read(alice, head):
    client = signed_in(alice)
    address = url("member_detail", uuid=head.uuid)
    response = patch(
        client, address, {"occupation": "بنا", "reason": "asked"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["occupation"] == "بنا"
    assert response["ETag"] == '"2"'
    response = patch(client, address, {"occupation": "کشاورز", "reason": "again", "version": 1})
    assert response.status_code == 412
    response = patch(client, address, {"occupation": "کشاورز", "reason": "again"})
    assert response.status_code == 428
    head.refresh_from_db()
    assert head.occupation == "بنا"


def test_a_member_cannot_be_made_head_by_a_correction(alice, home):
    spouse = home.members.get(relationship="spouse")
    response = patch(
        signed_in(alice),
        url("member_detail", uuid=spouse.uuid),
        {"relationship": "head", "reason": "r", "version": 1},
    )
    assert (response.status_code, codes(response)) == (400, ["one_head"])


# --- Documents ------------------------------------------------------------------------------------


def test_documents_are_listed_and_added(alice, head):
    client = signed_in(alice)
    address = url("member_documents", uuid=head.uuid)
    response = post(
        client, address, {"doc_type": "fida", "number": "۱۲۳۴۵۶۷۸۹۰۱۲", "issued_on": "2024-02-01"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["doc_type"] == "fida"
    listed = client.get(address).json()
    assert [(d["number"], d["issued_on"]) for d in listed] == [("۱۲۳۴۵۶۷۸۹۰۱۲", "2024-02-01")]


def test_a_document_error_names_the_number_field(alice, head):
    response = post(
        signed_in(alice),
        url("member_documents", uuid=head.uuid),
        {"doc_type": "fida", "number": "123"},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["fida"], ["number"])
    assert not IdentityDocument.objects.exists()


# --- Specific needs -------------------------------------------------------------------------------


def test_a_need_is_recorded_and_resolved(alice, head):
    client = signed_in(alice)
    response = post(client, url("member_needs", uuid=head.uuid), {"code": "ds-pm", "note": "cane"})
    assert response.status_code == 201, response.json()
    need = response.json()
    assert (need["code"], need["resolved_on"], need["protected"]) == (PLAIN_CODE, None, False)
    again = post(client, url("member_needs", uuid=head.uuid), {"code": PLAIN_CODE})
    assert (again.status_code, codes(again)) == (400, ["duplicate"])
    response = post(client, url("need_resolve", uuid=need["uuid"]))
    assert response.status_code == 200
    assert response.json()["resolved_on"] == dates.today().isoformat()
    again = post(client, url("need_resolve", uuid=need["uuid"]))
    assert (again.status_code, codes(again)) == (400, ["resolved"])


def test_an_unknown_need_code_is_a_400_on_the_code(alice, head):
    response = post(signed_in(alice), url("member_needs", uuid=head.uuid), {"code": "ZZ-ZZ"})
    assert (response.status_code, fields(response)) == (400, ["code"])


def test_only_protection_staff_record_a_protected_need(alice, caseworker, head):
    address = url("member_needs", uuid=head.uuid)
    response = post(signed_in(alice), address, {"code": PROTECTED_CODE})
    assert (response.status_code, codes(response)) == (400, ["protected"])
    assert not SpecificNeed.objects.exists()
    response = post(signed_in(caseworker), address, {"code": PROTECTED_CODE})
    assert response.status_code == 201
    assert response.json()["code"] == PROTECTED_CODE
    assert AccessLog.objects.filter(record_uuid=response.json()["uuid"]).exists()


def test_a_protected_need_is_resolved_only_by_protection_staff(alice, caseworker, needs):
    address = url("need_resolve", uuid=needs["protected"].uuid)
    assert post(signed_in(alice), address).status_code == 404
    assert SpecificNeed.objects.get(pk=needs["protected"].pk).resolved_on is None
    response = post(signed_in(caseworker), address, {"resolved_on": "۲۰۲۴-۰۱-۰۱"})
    # Recorded today, so a resolution in the past is refused by the service.
    assert (response.status_code, fields(response)) == (400, ["resolved_on"])
    response = post(signed_in(caseworker), address)
    assert response.status_code == 200
    assert response.json()["resolved_on"] == dates.today().isoformat()


# --- Requests the API refuses before anything happens ---------------------------------------


def test_a_write_without_the_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post(client, url("household_list"), registration())
    assert response.status_code == 403
    assert codes(response) == ["permission_denied"]
    assert not Household.objects.exists()


def test_malformed_json_and_form_posts_are_refused(alice):
    client = signed_in(alice)
    response = client.post(url("household_list"), "{not json", content_type=JSON)
    assert (response.status_code, codes(response)) == (400, ["parse_error"])
    response = client.post(url("household_list"), {"block": "A"})
    assert (response.status_code, codes(response)) == (415, ["unsupported_media_type"])


def test_the_list_costs_the_same_queries_for_many_households(alice, settlement_a, mona, home):
    client = signed_in(alice)
    client.get(url("household_list"))  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("household_list")).json()["count"] == 1
    for _ in range(3):
        factories.household(settlement_a, by=mona)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("household_list")).json()["count"] == 4
    assert len(many) == len(few)


def test_the_household_costs_the_same_queries_for_more_records(alice, home, head, needs):
    client = signed_in(alice)
    address = url("household_detail", reference=home.reference)
    client.get(address)  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    services.add_document(person=head, by=alice, doc_type="amayesh", number_typed="556677")
    services.add_member(household=home, by=alice, **factories.member(relationship="brother"))
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few)


# --- Errors never leak ----------------------------------------------------------------------------


def test_an_unexpected_error_is_a_short_500_without_a_trace(alice, home, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "correct", broken)
    response = patch(
        signed_in(alice),
        url("household_detail", reference=home.reference),
        {"block": "Z9", "reason": "r", "version": home.version},
    )
    assert response.status_code == 500
    assert codes(response) == ["server_error"]
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret internals" in caplog.text

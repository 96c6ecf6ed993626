"""The residence API for terms, reviews and the list of conditions, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import signed_in
from mehman.core import dates
from mehman.housing.tests import factories as housing
from mehman.registry.models import HouseholdStatus
from mehman.registry.tests import factories as registry
from mehman.registry.tests.test_api import codes, fields, patch, post
from mehman.residence import services
from mehman.residence.models import (
    Decision,
    ExitReason,
    Pathway,
    Progress,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermStatus,
)
from mehman.residence.services import conditions as condition_services


def url(name: str, **kwargs) -> str:
    return reverse(f"api:residence:{name}", kwargs=kwargs)


@pytest.fixture(autouse=True)
def english(mona, alice, carla, bob):
    for user in (mona, alice, carla, bob):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def resident(settlement_a, mona):
    return housing.resident(settlement_a, home=housing.unit(settlement_a, by=mona), by=mona)


def _term(household, by, *, days_ago: int = 400, **kwargs) -> ResidenceTerm:
    start = dates.today() - timedelta(days=days_ago)
    return services.start_term(household=household, by=by, started_on=start, **kwargs)


@pytest.fixture
def term(resident, mona) -> ResidenceTerm:
    return _term(resident, mona)


@pytest.fixture
def term_b(settlement_b, adam) -> ResidenceTerm:
    return _term(housing.resident(settlement_b, by=adam), adam)


def _review_body(**changes) -> dict:
    body = {
        "held_on": dates.today().isoformat(),
        "progress": Progress.SOME,
        "progress_note": "Two members work.",
        "remarks": "Saving for the journey.",
        "decision": Decision.CONTINUE,
    }
    body.update(changes)
    return body


# --- Terms ----------------------------------------------------------------------------------


def test_the_term_list_filters_and_stays_in_scope(term, term_b, mona, settlement_a):
    other = _term(housing.resident(settlement_a, by=mona), mona, days_ago=10)
    services.update_plan(term=other, by=mona, pathway=Pathway.REPATRIATION, exit_plan="Return")
    client = signed_in(mona)
    found = client.get(url("term_list")).json()
    assert found["count"] == 2
    assert {row["reference"] for row in found["results"]} == {term.reference, other.reference}
    assert term_b.reference not in str(found)
    by_pathway = client.get(url("term_list"), {"pathway": "repatriation"}).json()
    assert [row["reference"] for row in by_pathway["results"]] == [other.reference]
    by_household = client.get(url("term_list"), {"household": term.household.reference}).json()
    assert [row["reference"] for row in by_household["results"]] == [term.reference]
    assert client.get(url("term_list"), {"status": "ended"}).json()["count"] == 0
    assert client.get(url("term_list"), {"status": "open"}).json()["count"] == 2


def test_terms_ending_soon_and_with_a_review_due_are_found(term, mona, settlement_a):
    soon = _term(
        housing.resident(settlement_a, by=mona),
        mona,
        days_ago=30,
        planned_end=dates.today() + timedelta(days=20),
    )
    client = signed_in(mona)
    ending = client.get(url("term_list"), {"ending_within": 30}).json()
    assert [row["reference"] for row in ending["results"]] == [soon.reference]
    # The 400-day-old term's first review (six months in) is overdue.
    due = client.get(url("term_list"), {"review_due": "true"}).json()
    assert [row["reference"] for row in due["results"]] == [term.reference]
    assert due["results"][0]["review_due"] is True
    not_due = client.get(url("term_list"), {"review_due": "false"}).json()
    assert [row["reference"] for row in not_due["results"]] == [soon.reference]


def test_a_bad_filter_is_400_with_its_field(mona):
    response = signed_in(mona).get(url("term_list"), {"status": "nonsense", "ending_within": -1})
    assert response.status_code == 400
    assert set(fields(response)) == {"status", "ending_within"}


def test_the_term_list_does_not_query_per_term(mona, settlement_a, django_assert_max_num_queries):
    for _number in range(6):
        _term(housing.resident(settlement_a, by=mona), mona)
    client = signed_in(mona)
    with django_assert_max_num_queries(10):
        assert client.get(url("term_list")).json()["count"] == 6


def test_a_manager_starts_a_term_with_the_standard_conditions(resident, mona, settings):
    settings.MEHMAN_TERM_MONTHS = 24
    response = post(signed_in(mona), url("term_list"), {"household": resident.reference})
    assert response.status_code == 201
    body = response.json()
    term = ResidenceTerm.objects.get(reference=body["reference"])
    assert response["Location"] == url("term_detail", reference=term.reference)
    assert response["ETag"] == f'"{term.version}"'
    assert body["planned_end"] == dates.add_months(dates.today(), 24).isoformat()
    assert body["status"] == TermStatus.ACTIVE
    assert [c["code"] for c in body["conditions"]] == [c["code"] for c in term.conditions]
    assert body["conditions"]


def test_starting_a_second_term_is_refused(term, mona):
    response = post(signed_in(mona), url("term_list"), {"household": term.household.reference})
    assert response.status_code == 400
    assert codes(response) == ["has_term"]


def test_a_term_is_started_only_for_a_household_in_scope(settlement_b, mona, adam):
    other = housing.resident(settlement_b, by=adam)
    response = post(signed_in(mona), url("term_list"), {"household": other.reference})
    assert response.status_code == 400
    assert fields(response) == ["household"]
    assert not ResidenceTerm.objects.filter(household=other).exists()


def test_a_household_not_resident_has_no_term(settlement_a, alice, mona):
    household = registry.household(settlement_a, by=alice)
    assert household.status != HouseholdStatus.RESIDENT
    response = post(signed_in(mona), url("term_list"), {"household": household.reference})
    assert response.status_code == 400
    assert codes(response) == ["not_resident"]


@pytest.mark.parametrize("persona", ["alice", "carla"])
def test_only_managers_start_terms_by_hand(persona, resident, request):
    client = signed_in(request.getfixturevalue(persona))
    response = post(client, url("term_list"), {"household": resident.reference})
    assert response.status_code == 404
    assert not ResidenceTerm.objects.filter(household=resident).exists()


def test_the_detail_shows_conditions_reviews_extensions_and_the_exit(term, mona, settings):
    settings.MEHMAN_MAX_EXTENSIONS = 2
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.SOME,
        decision=Decision.CONTINUE,
    )
    services.open_review(term=term, by=mona)
    response = signed_in(mona).get(url("term_detail", reference=term.reference.lower()))
    assert response.status_code == 200
    body = response.json()
    term.refresh_from_db()
    assert response["ETag"] == f'"{term.version}"'
    assert body["reference"] == term.reference
    assert body["extensions"] == 0 and body["extensions_allowed"] == 2
    assert body["conditions"] == term.conditions
    assert body["reviews"]["done"] == 1
    assert body["reviews"]["last"]["decision"] == Decision.CONTINUE
    assert body["reviews"]["open"]["status"] == ReviewStatus.OPEN
    assert body["next_review_on"] == term.next_review_on.isoformat()
    assert body["exit_reason"] == "" and body["exit_on"] is None
    assert body["links"]["end"] == url("term_end", reference=term.reference)


def test_outsiders_get_404_for_a_term_of_settlement_a(term, bob, vera, nasrin):
    for user in (bob, vera, nasrin):
        client = signed_in(user)
        assert client.get(url("term_detail", reference=term.reference)).status_code == 404
        assert client.get(url("term_reviews", reference=term.reference)).status_code == 404
        assert client.get(url("term_conditions", reference=term.reference)).status_code == 404


def test_anonymous_callers_are_refused(term, client):
    assert client.get(url("term_detail", reference=term.reference)).status_code in (401, 403)


# --- The exit plan: a versioned PATCH ---------------------------------------------------------


def test_the_exit_plan_is_changed_from_the_version_read(term, carla):
    client = signed_in(carla)
    version = term.version
    response = patch(
        client,
        url("term_detail", reference=term.reference),
        {"pathway": Pathway.SELF_RELIANCE, "exit_plan": "Work permit, then rent."},
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert response.status_code == 200
    assert response.json()["pathway"] == Pathway.SELF_RELIANCE
    assert response["ETag"] == f'"{version + 1}"'
    term.refresh_from_db()
    assert term.exit_plan == "Work permit, then rent."


def test_an_edit_without_a_version_is_428_and_a_stale_one_412(term, carla):
    client = signed_in(carla)
    address = url("term_detail", reference=term.reference)
    assert patch(client, address, {"exit_plan": "x"}).status_code == 428
    stale = patch(client, address, {"exit_plan": "x", "version": term.version + 5})
    assert stale.status_code == 412
    assert codes(stale) == ["stale"]


def test_an_edit_of_a_field_not_editable_here_is_refused(term, carla):
    response = patch(
        signed_in(carla),
        url("term_detail", reference=term.reference),
        {"planned_end": "2040-01-01", "version": term.version},
    )
    assert response.status_code == 400
    assert codes(response) == ["not_editable"]


def test_a_clerk_cannot_change_the_exit_plan(term, alice):
    response = patch(
        signed_in(alice),
        url("term_detail", reference=term.reference),
        {"exit_plan": "x", "version": term.version},
    )
    assert response.status_code == 404


# --- The agreement and its conditions ---------------------------------------------------------


def test_the_conditions_are_chosen_until_the_agreement_is_signed(term, carla, mona):
    condition_services.add_condition(by=mona, code="bills", text_fa="قبض", text_en="Bills")
    client = signed_in(carla)
    address = url("term_conditions", reference=term.reference)
    response = client.put(address, {"conditions": ["bills"]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["conditions"] == [{"code": "bills", "fa": "قبض", "en": "Bills"}]
    assert client.get(address).json() == [{"code": "bills", "fa": "قبض", "en": "Bills"}]
    unknown = client.put(address, {"conditions": ["nope"]}, content_type="application/json")
    assert unknown.status_code == 400
    assert codes(unknown) == ["unknown"] and fields(unknown) == ["conditions"]
    signed = post(
        client, url("term_agreement", reference=term.reference), {"signed_on": "2025-01-05"}
    )
    assert signed.status_code == 200
    assert signed.json()["agreement_signed_on"] == "2025-01-05"
    refused = client.put(address, {"conditions": ["bills"]}, content_type="application/json")
    assert refused.status_code == 400
    assert codes(refused) == ["signed"]


def test_the_signed_agreement_is_uploaded_with_its_scan(term, carla):
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = signed_in(carla).post(
        url("term_agreement", reference=term.reference),
        {"signed_on": "۱۴۰۳-۱۰-۱۶", "scan": scan},
    )
    assert response.status_code == 200
    assert response.json()["agreement_scan"] is True
    term.refresh_from_db()
    assert term.agreement_signed_on.isoformat() == "2025-01-05"
    assert term.agreement_scan.name.endswith(".pdf")


def test_an_agreement_signed_in_the_future_or_without_a_date_is_400(term, carla):
    client = signed_in(carla)
    address = url("term_agreement", reference=term.reference)
    future = post(client, address, {"signed_on": (dates.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 400
    assert codes(future) == ["future"] and fields(future) == ["signed_on"]
    missing = post(client, address, {})
    assert missing.status_code == 400 and fields(missing) == ["signed_on"]
    term.refresh_from_db()
    assert term.agreement_signed_on is None


# --- Reviews ----------------------------------------------------------------------------------


def test_a_caseworker_completes_a_review_and_extends_with_a_reason(term, carla):
    new_end = term.planned_end + timedelta(days=180)
    response = post(
        signed_in(carla),
        url("term_reviews", reference=term.reference),
        _review_body(decision=Decision.EXTEND, new_end=new_end.isoformat(), reason="School year"),
    )
    assert response.status_code == 201
    body = response.json()
    review = Review.objects.get(uuid=body["uuid"])
    assert response["Location"] == url("review_detail", uuid=review.uuid)
    assert (body["decision"], body["reason"], body["reviewer"]) == (
        Decision.EXTEND,
        "School year",
        "carla",
    )
    term.refresh_from_db()
    assert (term.status, term.extensions, term.planned_end) == (TermStatus.EXTENDED, 1, new_end)


def test_an_extension_without_a_reason_or_end_is_400_with_fields(term, carla):
    response = post(
        signed_in(carla),
        url("term_reviews", reference=term.reference),
        _review_body(decision=Decision.EXTEND),
    )
    assert response.status_code == 400
    assert fields(response) == ["reason"]
    term.refresh_from_db()
    assert term.extensions == 0
    assert not Review.objects.filter(term=term, status=ReviewStatus.DONE).exists()


def test_a_review_without_its_decision_is_400(term, carla):
    body = _review_body()
    del body["decision"], body["progress"]
    response = post(signed_in(carla), url("term_reviews", reference=term.reference), body)
    assert response.status_code == 400
    assert set(fields(response)) == {"decision", "progress"}


def test_extensions_stop_at_the_policy_limit(term, carla, settings):
    settings.MEHMAN_MAX_EXTENSIONS = 1
    client = signed_in(carla)
    address = url("term_reviews", reference=term.reference)
    first_end = term.planned_end + timedelta(days=90)
    body = _review_body(decision=Decision.EXTEND, new_end=first_end.isoformat(), reason="Ill")
    assert post(client, address, body).status_code == 201
    again = _review_body(
        decision=Decision.EXTEND,
        new_end=(first_end + timedelta(days=90)).isoformat(),
        reason="Still ill",
    )
    response = post(client, address, again)
    assert response.status_code == 400
    assert codes(response) == ["extension_limit"]
    term.refresh_from_db()
    assert (term.extensions, term.planned_end) == (1, first_end)


def test_the_terms_reviews_are_listed_latest_first(term, carla, mona):
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today() - timedelta(days=5),
        progress=Progress.NONE,
        decision=Decision.CONTINUE,
    )
    opened = services.open_review(term=term, by=mona)
    rows = signed_in(carla).get(url("term_reviews", reference=term.reference)).json()
    assert [row["status"] for row in rows] == [ReviewStatus.OPEN, ReviewStatus.DONE]
    assert rows[0]["uuid"] == str(opened.uuid)
    detail = signed_in(carla).get(url("review_detail", uuid=opened.uuid))
    assert detail.status_code == 200 and detail.json()["term"] == term.reference


def test_a_clerk_reads_reviews_but_cannot_complete_one(term, alice):
    client = signed_in(alice)
    assert client.get(url("term_reviews", reference=term.reference)).status_code == 200
    response = post(client, url("term_reviews", reference=term.reference), _review_body())
    assert response.status_code == 404
    assert not Review.objects.filter(term=term).exists()


def test_a_review_of_settlement_a_is_hidden_from_bob(term, mona, bob):
    review = services.open_review(term=term, by=mona)
    assert signed_in(bob).get(url("review_detail", uuid=review.uuid)).status_code == 404
    response = post(signed_in(bob), url("term_reviews", reference=term.reference), _review_body())
    assert response.status_code == 404


def test_the_worklist_has_open_reviews_and_reviews_coming_due(
    term, term_b, mona, settlement_a, settings
):
    settings.MEHMAN_REVIEW_NOTICE_DAYS = 14
    opened = services.open_review(term=term, by=mona, due_on=dates.today() - timedelta(days=3))
    # Its first review falls 10 days from now: within the notice.
    coming = _term(housing.resident(settlement_a, by=mona), mona, days_ago=172)
    later = _term(housing.resident(settlement_a, by=mona), mona, days_ago=10)
    response = signed_in(mona).get(url("review_due_list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["term"] for row in rows] == [term.reference, coming.reference]
    assert rows[0]["review"] == str(opened.uuid) and rows[0]["overdue"] is True
    assert rows[1]["review"] is None and rows[1]["overdue"] is False
    assert rows[1]["due_on"] == coming.next_review_on.isoformat()
    assert later.reference not in str(rows) and term_b.reference not in str(rows)


def test_the_worklist_does_not_query_per_row(mona, settlement_a, django_assert_max_num_queries):
    for _number in range(5):
        term = _term(housing.resident(settlement_a, by=mona), mona)
        services.open_review(term=term, by=mona)
    for _number in range(5):
        _term(housing.resident(settlement_a, by=mona), mona, days_ago=300)
    client = signed_in(mona)
    with django_assert_max_num_queries(10):
        assert client.get(url("review_due_list")).json()["count"] == 10


# --- The exit and the end -----------------------------------------------------------------------


def test_an_active_term_cannot_end_without_its_exit_begun(term, carla):
    body = {"exit_reason": ExitReason.RETURNED, "exit_on": dates.today().isoformat()}
    response = post(signed_in(carla), url("term_end", reference=term.reference), body)
    assert response.status_code == 400
    assert codes(response) == ["not_ending"]
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


def test_a_term_ends_with_its_recorded_exit(term, carla):
    client = signed_in(carla)
    begun = post(client, url("term_begin_exit", reference=term.reference), {"reason": "Return"})
    assert begun.status_code == 200
    assert begun.json()["status"] == TermStatus.ENDING
    missing = post(client, url("term_end", reference=term.reference), {"note": "gone"})
    assert missing.status_code == 400
    assert set(fields(missing)) == {"exit_reason", "exit_on"}
    body = {
        "exit_reason": ExitReason.RETURNED,
        "exit_on": dates.today().isoformat(),
        "note": "Left by bus.",
    }
    response = post(client, url("term_end", reference=term.reference), body)
    assert response.status_code == 200
    shown = response.json()
    assert (shown["status"], shown["exit_reason"], shown["exit_note"]) == (
        TermStatus.ENDED,
        ExitReason.RETURNED,
        "Left by bus.",
    )
    term.household.refresh_from_db()
    assert term.household.status == HouseholdStatus.DEPARTED


def test_beginning_an_exit_needs_a_reason(term, carla):
    response = post(
        signed_in(carla), url("term_begin_exit", reference=term.reference), {"reason": " "}
    )
    assert response.status_code == 400
    assert fields(response) == ["reason"]
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_the_exit_is_not_for_clerks_or_outsiders(persona, term, request):
    client = signed_in(request.getfixturevalue(persona))
    response = post(client, url("term_begin_exit", reference=term.reference), {"reason": "x"})
    assert response.status_code == 404
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE


# --- The list of conditions ---------------------------------------------------------------------


def test_every_reader_gets_the_list_of_conditions(alice, bob, mona):
    condition_services.add_condition(by=mona, code="bills", text_fa="قبض", text_en="Bills")
    retired = condition_services.add_condition(by=mona, code="old", text_fa="کهنه", text_en="Old")
    condition_services.retire_condition(condition=retired, by=mona)
    for user in (alice, bob):
        rows = signed_in(user).get(url("condition_list")).json()
        row = next(row for row in rows if row["code"] == "bills")
        assert (row["text_fa"], row["text_en"], row["text"], row["in_use"]) == (
            "قبض",
            "Bills",
            "Bills",
            True,
        )
    in_use = signed_in(alice).get(url("condition_list"), {"in_use": "true"}).json()
    assert "old" not in [row["code"] for row in in_use]
    assert "old" in [row["code"] for row in signed_in(alice).get(url("condition_list")).json()]


def test_partner_staff_and_analysts_get_no_conditions(vera, nasrin):
    for user in (vera, nasrin):
        assert signed_in(user).get(url("condition_list")).status_code == 404

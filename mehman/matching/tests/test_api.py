"""Matching over the API: pairs listed, read, confirmed, rejected and undone; runs listed,
started and read. Reviewers only, in their settlements; errors in the one translated shape."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.tests.factories import pair_of, person, run_of
from mehman.registry.models import Individual, IndividualStatus


@pytest.fixture
def api(carla):
    return signed_in(carla)


@pytest.fixture
def pair(settlement_a, mona):
    return pair_of(settlement_a, mona)


def _post(client, name, pair, body=None):
    return client.post(reverse(name, args=[pair.uuid]), body or {}, content_type="application/json")


# --- Pairs -------------------------------------------------------------------------------------


def test_the_list_gives_open_pairs_most_likely_first_with_people_and_evidence(
    settlement_a, mona, api
):
    likely = pair_of(settlement_a, mona, probability=0.6)
    surest = pair_of(settlement_a, mona, probability=0.98)
    pair_of(settlement_a, mona, probability=0.99, status=PairStatus.REJECTED)
    response = api.get(reverse("api:matching:pair_list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["uuid"] for item in body["results"]] == [str(surest.uuid), str(likely.uuid)]
    first = body["results"][0]
    assert first["percent"] == 98 and first["status"] == "open"
    assert first["first"]["given_name"] == "محمدعلی"
    assert first["first"]["household"] == surest.first.household.reference
    assert first["second"]["birth_date"] == "1988-01-01"
    assert first["second"]["birth_date_estimated"] is True
    evidence = {item["field"]: item for item in first["evidence"]}
    assert evidence["father"]["level"] == "exact" and evidence["father"]["weight"] == 6.4
    with override("fa"):  # Carla reads Persian
        assert evidence["father"]["label"] == _("the same")
        assert evidence["given"]["label"] == _("the same without Mohammad or Gholam")


def test_the_list_filters(settlement_a, mona, api):
    low = pair_of(settlement_a, mona, probability=0.3)
    high = pair_of(settlement_a, mona, probability=0.95, source=PairSource.REGISTRATION)
    rejected = pair_of(settlement_a, mona, probability=0.8, status=PairStatus.REJECTED)
    run = run_of(settlement_a, mona)
    MatchPair.objects.filter(pk=low.pk).update(run=run)
    url = reverse("api:matching:pair_list")

    def found(**query):
        response = api.get(url, query)
        assert response.status_code == 200, response.json()
        return {item["uuid"] for item in response.json()["results"]}

    assert found(status="all") == {str(p.uuid) for p in (low, high, rejected)}
    assert found(status="rejected") == {str(rejected.uuid)}
    assert found(min_probability="0.5") == {str(high.uuid)}
    assert found(max_probability="0.5") == {str(low.uuid)}
    assert found(source="registration") == {str(high.uuid)}
    assert found(run=run.reference.lower()) == {str(low.uuid)}
    assert found(settlement="TJ", status="all") == {str(p.uuid) for p in (low, high, rejected)}
    assert found(settlement="SV") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "maybe"}, "status"), ({"min_probability": "2"}, "min_probability")],
)
def test_a_bad_filter_is_a_clear_400(api, db, query, field):
    response = api.get(reverse("api:matching:pair_list"), query)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == field and error["message"]


def test_the_detail_names_the_other_pairs_of_its_group(settlement_a, mona, api, pair):
    third = person(settlement_a, mona, given_name="علی", father_name="غلام‌رضا")
    other = pair_of(settlement_a, mona, first=pair.first, second=third, cluster=pair.cluster)
    response = api.get(reverse("api:matching:pair_detail", args=[pair.uuid]))
    assert response.status_code == 200
    body = response.json()
    assert body["group"] == [str(other.uuid)]
    assert body["second"]["phone"] == "0915 123 4567" and body["first"]["phone"] == ""
    assert body["first"]["documents"] == []
    assert response["ETag"] == f'"{pair.version}"'


def test_confirm_undo_and_reject_change_the_pair(api, carla, pair):
    response = _post(api, "api:matching:pair_confirm", pair, {"note": "یک نفرند"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "merged" and response.json()["note"] == "یک نفرند"
    assert response.json()["decided_by"] == str(carla)
    duplicate = Individual.objects.get(pk=pair.second_id)
    assert duplicate.status == IndividualStatus.MERGED
    assert duplicate.merged_into_id == pair.first_id

    response = _post(api, "api:matching:pair_undo", pair)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "undone"
    duplicate.refresh_from_db()
    assert duplicate.status == IndividualStatus.ACTIVE

    response = _post(api, "api:matching:pair_reject", pair, {"note": "برادرند"})
    assert response.status_code == 200, response.json()
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED and pair.note == "برادرند"


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (PairStatus.OPEN, "api:matching:pair_undo"),
        (PairStatus.REJECTED, "api:matching:pair_confirm"),
        (PairStatus.MERGED, "api:matching:pair_reject"),
    ],
)
def test_a_decision_the_status_does_not_allow_is_400_and_changes_nothing(
    settlement_a, mona, api, status, name
):
    pair = pair_of(settlement_a, mona, status=status)
    response = _post(api, name, pair)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(error["code"] and error["message"] for error in errors)
    pair.refresh_from_db()
    assert pair.status == status and pair.decided_by is None


def test_a_note_too_long_is_400(api, pair):
    response = _post(api, "api:matching:pair_confirm", pair, {"note": "x" * 301})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "note"
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_outsiders_get_404_and_change_nothing(settlement_b, alice, pair):
    manager_b = UserFactory(username="mina", role=Role.MANAGER, settlements=[settlement_b])
    for user in (manager_b, alice):
        client = signed_in(user)
        assert client.get(reverse("api:matching:pair_detail", args=[pair.uuid])).status_code == 404
        assert _post(client, "api:matching:pair_confirm", pair).status_code == 404
    listed = signed_in(manager_b).get(reverse("api:matching:pair_list")).json()
    assert listed["count"] == 0
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_anonymous_callers_are_refused(client, pair):
    assert client.get(reverse("api:matching:pair_list")).status_code in (401, 403)
    assert _post(client, "api:matching:pair_reject", pair).status_code in (401, 403)
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


# --- Runs --------------------------------------------------------------------------------------


def test_runs_are_listed_and_read(settlement_a, settlement_b, mona, api):
    run = run_of(settlement_a, mona)
    run_of(settlement_b, mona)
    body = api.get(reverse("api:matching:run_list")).json()
    assert [item["reference"] for item in body["results"]] == [run.reference]
    detail = api.get(reverse("api:matching:run_detail", args=[run.reference.lower()]))
    assert detail.status_code == 200
    assert detail.json()["people"] == 1234 and detail.json()["status"] == "done"


def test_a_manager_starts_a_run(settlement_a, mona):
    response = signed_in(mona).post(
        reverse("api:matching:run_list"), {"settlement": "TJ"}, content_type="application/json"
    )
    assert response.status_code == 202, response.json()
    run = MatchRun.objects.get(settlement=settlement_a)
    assert response.json()["reference"] == run.reference
    assert response["Location"] == reverse("api:matching:run_detail", args=[run.reference])


def test_starting_a_run_is_refused_clearly(settlement_a, settlement_b, mona):
    client = signed_in(mona)
    url = reverse("api:matching:run_list")
    response = client.post(url, {"settlement": "SV"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "settlement"
    running = run_of(settlement_a, mona, status=RunStatus.QUEUED)
    response = client.post(url, {"settlement": "TJ"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["message"]
    assert list(MatchRun.objects.all()) == [running]


def test_a_caseworker_cannot_start_a_run(settlement_a, api):
    response = api.post(
        reverse("api:matching:run_list"), {"settlement": "TJ"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not MatchRun.objects.exists()


def test_a_run_of_another_settlement_is_404(settlement_a, settlement_b, mona):
    run = run_of(settlement_a, mona)
    manager_b = UserFactory(username="mina", role=Role.MANAGER, settlements=[settlement_b])
    response = signed_in(manager_b).get(reverse("api:matching:run_detail", args=[run.reference]))
    assert response.status_code == 404

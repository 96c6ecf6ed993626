"""Conversions over the API: prepare (201), read with quarters, commit and reverse (202),
discard; managers only, in their settlements."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import signed_in
from mehman.residence.models import ConversionRun, ConversionStatus, ResidenceTerm
from mehman.residence.tests.test_services_conversion import bulk_residents, prepare


@pytest.fixture
def households(settlement_a):
    return bulk_residents(settlement_a, 10)


@pytest.fixture
def api(mona):
    return signed_in(mona)


def test_a_manager_prepares_commits_and_reverses_over_the_api(
    api, households, django_capture_on_commit_callbacks
):
    response = api.post(
        reverse("api:residence:conversion_list"),
        {"term_months": 36, "stagger_years": 2, "start_on": "2026-03-21", "priorities": []},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "preview" and body["households"] == 10
    assert sum(q["count"] for q in body["quarters"]) == 10
    assert [item["household"] for item in body["schedule"]] == [h.reference for h in households]
    reference = body["reference"]
    assert response["Location"] == reverse(
        "api:residence:conversion_detail", kwargs={"reference": reference}
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:residence:conversion_commit", args=[reference]))
    assert response.status_code == 202
    assert response.json()["progress"]["total"] == 10
    detail = api.get(reverse("api:residence:conversion_detail", args=[reference])).json()
    assert detail["status"] == "committed" and detail["figures"]["created"] == 10

    url = reverse("api:residence:conversion_reverse", args=[reference])
    refused = api.post(url, {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"reason": "duplicate"}, content_type="application/json")
    assert response.status_code == 202
    run = ConversionRun.objects.get(reference=reference)
    assert run.status == ConversionStatus.REVERSED
    assert not ResidenceTerm.objects.open().exists()


def test_the_list_and_a_discard(api, settlement_a, mona, households):
    run = prepare(settlement_a, mona)
    listing = api.get(reverse("api:residence:conversion_list"), {"status": "preview"}).json()
    assert [r["reference"] for r in listing["results"]] == [run.reference]
    response = api.post(
        reverse("api:residence:conversion_discard", args=[run.reference]),
        {"reason": "wrong filters"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "discarded"


def test_a_policy_too_staggered_is_a_400_on_the_field(api, households):
    response = api.post(
        reverse("api:residence:conversion_list"),
        {"term_months": 24, "stagger_years": 2},
        content_type="application/json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "stagger_years" and error["code"] == "stagger_too_long"
    assert not ConversionRun.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "carla", "vera", "nasrin", "bob"])
def test_only_managers_of_the_settlement_reach_conversions(
    request, persona, settlement_a, mona, households
):
    run = prepare(settlement_a, mona)
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("api:residence:conversion_list")).status_code == 404
    assert (
        client.get(reverse("api:residence:conversion_detail", args=[run.reference])).status_code
        == 404
    )
    assert (
        client.post(reverse("api:residence:conversion_commit", args=[run.reference])).status_code
        == 404
    )
    run.refresh_from_db()
    assert run.status == ConversionStatus.PREVIEW

"""The solutions API for cases, end to end: the caseload, a case with its readiness, opening a
case, changing its pathway and its stage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import signed_in
from mehman.core import dates
from mehman.housing.tests import factories as housing
from mehman.registry.tests.test_api import codes, fields, post
from mehman.residence.models import Pathway, ResidenceTerm
from mehman.solutions import services
from mehman.solutions.models import CaseStage, PathwayChange, SolutionsCase
from mehman.solutions.tests import factories as f


def url(name: str, **kwargs) -> str:
    return reverse(f"api:solutions:{name}", kwargs=kwargs)


def fa(message: str, **params) -> str:
    """The message as a Persian-speaking user reads it."""
    with translation.override("fa"):
        text = gettext(message)
    return text % params if params else text


def messages(response) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


@pytest.fixture
def case(household, carla):
    return f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION, owner=carla)


@pytest.fixture
def case_b(settlement_b, adam):
    return f.case(f.housed(settlement_b, by=adam)[0], by=adam, pathway=Pathway.REPATRIATION)


# --- The caseload -----------------------------------------------------------------------------


def test_the_case_list_filters_and_stays_in_scope(case, case_b, settlement_a, mona, carla):
    other = f.case(f.housed(settlement_a, by=mona)[0], by=carla, pathway=Pathway.REPATRIATION)
    services.change_stage(case=other, by=carla, stage=CaseStage.PLANNING)
    client = signed_in(carla)
    found = client.get(url("case_list")).json()
    assert {row["reference"] for row in found["results"]} == {case.reference, other.reference}
    assert case_b.reference not in str(found)
    by_pathway = client.get(url("case_list"), {"pathway": Pathway.REPATRIATION}).json()
    assert [row["reference"] for row in by_pathway["results"]] == [other.reference]
    by_stage = client.get(url("case_list"), {"stage": CaseStage.PLANNING}).json()
    assert [row["reference"] for row in by_stage["results"]] == [other.reference]
    assert client.get(url("case_list"), {"open": "true"}).json()["count"] == 2
    assert client.get(url("case_list"), {"open": "false"}).json()["count"] == 0
    by_household = client.get(url("case_list"), {"household": case.household.reference}).json()
    assert [row["reference"] for row in by_household["results"]] == [case.reference]
    row = by_household["results"][0]
    assert (row["owner"], row["stage"], row["pathway"]) == (
        "carla",
        CaseStage.ASSESSING,
        Pathway.LOCAL_INTEGRATION,
    )


def test_a_closed_case_is_listed_as_not_open(case, carla):
    services.close_case(case=case, by=carla, reason="The family withdrew")
    client = signed_in(carla)
    closed = client.get(url("case_list"), {"open": "false"}).json()
    assert [row["reference"] for row in closed["results"]] == [case.reference]
    assert client.get(url("case_list"), {"open": "true"}).json()["count"] == 0


def test_a_bad_filter_is_400_with_its_field(carla):
    response = signed_in(carla).get(url("case_list"), {"stage": "nonsense", "pathway": "x"})
    assert response.status_code == 400
    assert set(fields(response)) == {"stage", "pathway"}


def test_the_case_list_does_not_query_per_case(
    settlement_a, mona, carla, django_assert_max_num_queries
):
    for _number in range(5):
        f.case(f.housed(settlement_a, by=mona)[0], by=carla, owner=carla)
    client = signed_in(carla)
    with django_assert_max_num_queries(10):
        assert client.get(url("case_list")).json()["count"] == 5


def test_clerks_partners_and_analysts_do_not_reach_cases(case, alice, vera, nasrin):
    for user in (alice, vera, nasrin):
        client = signed_in(user)
        assert client.get(url("case_list")).status_code == 404
        assert client.get(url("case_detail", reference=case.reference)).status_code == 404


# --- One case -----------------------------------------------------------------------------------


def test_a_case_shows_its_readiness_score_breakdown_and_trend(case, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True, "local-tenancy": False},
        assessed_on=dates.today() - timedelta(days=10),
    )
    services.assess_readiness(case=case, by=carla, answers={"local-tenancy": True})
    response = signed_in(carla).get(url("case_detail", reference=case.reference.lower()))
    assert response.status_code == 200
    body = response.json()
    expected = services.readiness(case)
    assert body["readiness"]["score"] == expected.score > 0
    assert body["readiness"]["total_weight"] == expected.total_weight
    items = {item["code"]: item for item in body["readiness"]["items"]}
    assert items["local-income"]["met"] is True
    assert items["local-tenancy"]["met"] is True
    assert items["local-tenancy"]["assessed_on"] == dates.today().isoformat()
    assert items["local-work-permit"]["met"] is None
    assert [point["score"] for point in body["readiness"]["trend"]] == [
        score for _day, score in services.trend(case)
    ]
    assert len(body["readiness"]["trend"]) == 2
    assert response["ETag"] == f'"{case.version}"'
    assert body["links"]["exit"] == url("case_exit", reference=case.reference)
    assert [row["pathway"] for row in body["pathway_history"]] == [Pathway.LOCAL_INTEGRATION]


def test_case_notes_never_leave_through_the_api(case, carla):
    body = signed_in(carla).get(url("case_detail", reference=case.reference)).json()
    assert not {"notes", "case_notes", "note"} & set(body)


def test_an_outsider_gets_404_for_a_case(case, bob):
    assert signed_in(bob).get(url("case_detail", reference=case.reference)).status_code == 404


def test_an_unknown_case_is_404(carla):
    response = signed_in(carla).get(url("case_detail", reference="TJ-S99999"))
    assert response.status_code == 404
    assert codes(response) == ["not_found"]


# --- Opening a case -----------------------------------------------------------------------------


def test_a_caseworker_opens_a_case(household, carla):
    response = post(
        signed_in(carla),
        url("case_list"),
        {
            "household": household.reference,
            "pathway": Pathway.LOCAL_INTEGRATION,
            "owner": "carla",
            "reason": "The family wants to move to Mashhad",
        },
    )
    assert response.status_code == 201
    case = SolutionsCase.objects.get(household=household)
    body = response.json()
    assert body["reference"] == case.reference
    assert response["Location"] == url("case_detail", reference=case.reference)
    assert (case.pathway, case.owner.username, case.stage) == (
        Pathway.LOCAL_INTEGRATION,
        "carla",
        CaseStage.ASSESSING,
    )
    # The household's term follows the case's pathway.
    assert ResidenceTerm.objects.get(household=household).pathway == Pathway.LOCAL_INTEGRATION


def test_a_second_open_case_is_refused_and_nothing_changes(case, carla):
    response = post(signed_in(carla), url("case_list"), {"household": case.household.reference})
    assert response.status_code == 400
    assert codes(response) == ["has_case"]
    assert messages(response) == [
        fa(
            "Household %(household)s already has an open solutions case.",
            household=case.household.reference,
        )
    ]
    assert SolutionsCase.objects.count() == 1


def test_a_caseworker_from_elsewhere_cannot_own_the_case(household, carla, bob):
    response = post(
        signed_in(carla), url("case_list"), {"household": household.reference, "owner": "bob"}
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["staff"], ["owner"])
    assert messages(response) == [fa("Choose a staff member working in this settlement.")]
    assert not SolutionsCase.objects.exists()


def test_a_household_out_of_scope_cannot_be_given_a_case(settlement_b, adam, carla):
    elsewhere = f.housed(settlement_b, by=adam)[0]
    response = post(signed_in(carla), url("case_list"), {"household": elsewhere.reference})
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["unknown"], ["household"])
    assert not SolutionsCase.objects.exists()


def test_an_applicant_household_has_no_case(settlement_a, mona, carla):
    applicant = housing.household(settlement_a, by=mona)
    response = post(signed_in(carla), url("case_list"), {"household": applicant.reference})
    assert response.status_code == 400
    assert codes(response) == ["not_resident"]
    assert messages(response) == [fa("Only a resident household has a solutions case.")]


def test_a_clerk_cannot_open_a_case(household, alice):
    response = post(signed_in(alice), url("case_list"), {"household": household.reference})
    assert response.status_code == 404
    assert not SolutionsCase.objects.exists()


# --- Pathway and stage -------------------------------------------------------------------------


def test_the_pathway_changes_with_its_reason(case, carla):
    response = post(
        signed_in(carla),
        url("case_pathway", reference=case.reference),
        {
            "pathway": Pathway.RESETTLEMENT,
            "complementary": "family_reunification",
            "reason": "A brother in Germany sponsors them",
            "version": case.version,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["pathway"], body["complementary"]) == (
        Pathway.RESETTLEMENT,
        "family_reunification",
    )
    assert [row["pathway"] for row in body["pathway_history"]] == [
        Pathway.LOCAL_INTEGRATION,
        Pathway.RESETTLEMENT,
    ]
    assert body["pathway_history"][-1]["changed_by"] == "carla"
    case.refresh_from_db()
    assert case.pathway == Pathway.RESETTLEMENT


def test_a_pathway_change_without_a_reason_is_refused(case, carla):
    response = post(
        signed_in(carla),
        url("case_pathway", reference=case.reference),
        {"pathway": Pathway.REPATRIATION, "reason": " "},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["required"], ["reason"])
    assert messages(response) == [fa("Give the reason for the change.")]
    assert messages(response) != ["Give the reason for the change."]
    case.refresh_from_db()
    assert case.pathway == Pathway.LOCAL_INTEGRATION
    assert PathwayChange.objects.filter(case=case).count() == 1


def test_a_stale_version_is_412(case, carla):
    response = post(
        signed_in(carla),
        url("case_pathway", reference=case.reference),
        {"pathway": Pathway.REPATRIATION, "reason": "They changed their minds", "version": 99},
    )
    assert response.status_code == 412
    assert codes(response) == ["stale"]
    case.refresh_from_db()
    assert case.pathway == Pathway.LOCAL_INTEGRATION


def test_the_stage_moves_as_the_stages_allow(case, carla):
    client = signed_in(carla)
    address = url("case_stage", reference=case.reference)
    moved = post(client, address, {"stage": CaseStage.PLANNING, "reason": "Plan agreed"})
    assert moved.status_code == 200
    assert moved.json()["stage"] == CaseStage.PLANNING
    skipped = post(client, address, {"stage": CaseStage.READY})
    assert skipped.status_code == 400
    assert codes(skipped) == ["transition"]
    assert messages(skipped) == [
        fa(
            "This case is “%(current)s”; it cannot become “%(new)s”.",
            current=fa(CaseStage.PLANNING.label),
            new=fa(CaseStage.READY.label),
        )
    ]
    exited = post(client, address, {"stage": CaseStage.EXITED})
    assert codes(exited) == ["use_exit"]
    case.refresh_from_db()
    assert case.stage == CaseStage.PLANNING


def test_an_undecided_case_stays_in_assessment(household, carla):
    case = f.case(household, by=carla)
    response = post(
        signed_in(carla), url("case_stage", reference=case.reference), {"stage": "planning"}
    )
    assert response.status_code == 400
    assert codes(response) == ["undecided"]
    assert messages(response) == [fa("Choose the case's pathway before planning.")]
    case.refresh_from_db()
    assert case.stage == CaseStage.ASSESSING


def test_an_outsider_cannot_change_a_case(case, bob):
    client = signed_in(bob)
    response = post(client, url("case_stage", reference=case.reference), {"stage": "planning"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.stage == CaseStage.ASSESSING

"""The solutions API for a case's intention surveys and milestones, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import signed_in
from mehman.core import dates
from mehman.registry.tests.test_api import codes, fields, post
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import IntentionSurvey, Milestone, MilestoneStatus
from mehman.solutions.tests import factories as f
from mehman.solutions.tests.test_api_cases import fa, messages, url


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


@pytest.fixture
def case(household, carla):
    return f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)


@pytest.fixture
def milestone(case, carla):
    return services.add_milestone(
        case=case,
        by=carla,
        title="Find a tenancy in Mashhad",
        owner=carla,
        due_on=dates.today() + timedelta(days=20),
    )


# --- Intention surveys --------------------------------------------------------------------------


def test_a_survey_is_recorded_and_listed_latest_first(case, carla):
    client = signed_in(carla)
    services.record_survey(
        case=case,
        by=carla,
        preferred=Pathway.REPATRIATION,
        respondent=case.household.head,
        surveyed_on=dates.today() - timedelta(days=90),
    )
    response = post(
        client,
        url("case_surveys", reference=case.reference),
        {
            "preferred": Pathway.LOCAL_INTEGRATION,
            "conditions": "Only once the eldest has a job in the city",
            "respondent": str(case.household.head.uuid),
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["preferred"], body["respondent"], body["recorded_by"]) == (
        Pathway.LOCAL_INTEGRATION,
        str(case.household.head.uuid),
        "carla",
    )
    assert body["surveyed_on"] == dates.today().isoformat()
    listed = client.get(url("case_surveys", reference=case.reference)).json()
    assert [row["preferred"] for row in listed] == [Pathway.LOCAL_INTEGRATION, Pathway.REPATRIATION]


def test_a_respondent_from_another_household_is_refused(case, carla, settlement_a, mona):
    stranger = f.housed(settlement_a, by=mona, term=False)[0].head
    response = post(
        signed_in(carla),
        url("case_surveys", reference=case.reference),
        {"preferred": Pathway.LOCAL_INTEGRATION, "respondent": str(stranger.uuid)},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["member"], ["respondent"])
    assert messages(response) == [fa("Choose a member of this household.")]
    assert not IntentionSurvey.objects.exists()


def test_a_survey_in_the_future_is_refused(case, carla):
    response = post(
        signed_in(carla),
        url("case_surveys", reference=case.reference),
        {
            "preferred": Pathway.LOCAL_INTEGRATION,
            "respondent": str(case.household.head.uuid),
            "surveyed_on": (dates.today() + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["future"], ["surveyed_on"])
    assert messages(response) == [fa("This date is in the future.")]
    assert not IntentionSurvey.objects.exists()


def test_an_outsider_gets_404_for_surveys(case, bob):
    client = signed_in(bob)
    assert client.get(url("case_surveys", reference=case.reference)).status_code == 404
    response = post(
        client,
        url("case_surveys", reference=case.reference),
        {"preferred": Pathway.LOCAL_INTEGRATION, "respondent": str(case.household.head.uuid)},
    )
    assert response.status_code == 404
    assert not IntentionSurvey.objects.exists()


# --- Milestones ---------------------------------------------------------------------------------


def test_a_milestone_is_added_owned_by_whoever_adds_it(case, carla):
    due = dates.today() + timedelta(days=30)
    response = post(
        signed_in(carla),
        url("case_milestones", reference=case.reference),
        {"title": "Enrol the children in a city school", "due_on": due.isoformat()},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["owner"], body["status"], body["due_on"], body["overdue"]) == (
        "carla",
        MilestoneStatus.OPEN,
        due.isoformat(),
        False,
    )
    assert Milestone.objects.get(uuid=body["uuid"]).case == case


def test_a_milestone_is_owned_by_a_colleague_named(case, carla, mona):
    response = post(
        signed_in(carla),
        url("case_milestones", reference=case.reference),
        {"title": "Work permit", "owner": "mona", "due_on": dates.today().isoformat()},
    )
    assert response.status_code == 201
    assert response.json()["owner"] == "mona"


def test_a_milestone_without_a_title_or_owner_in_the_settlement_is_refused(case, carla, bob):
    client = signed_in(carla)
    address = url("case_milestones", reference=case.reference)
    untitled = post(client, address, {"title": " ", "due_on": dates.today().isoformat()})
    assert untitled.status_code == 400
    assert (codes(untitled), fields(untitled)) == (["required"], ["title"])
    assert messages(untitled) == [fa("Say what is to be done.")]
    elsewhere = post(
        client, address, {"title": "Permit", "owner": "bob", "due_on": dates.today().isoformat()}
    )
    assert (codes(elsewhere), fields(elsewhere)) == (["staff"], ["owner"])
    early = post(
        client,
        address,
        {"title": "Permit", "due_on": (case.opened_on - timedelta(days=1)).isoformat()},
    )
    assert (codes(early), fields(early)) == (["dates"], ["due_on"])
    assert not Milestone.objects.exists()


def test_the_milestones_are_listed_by_due_date(case, carla, milestone):
    earlier = services.add_milestone(
        case=case, by=carla, title="Counselling", owner=carla, due_on=dates.today()
    )
    listed = signed_in(carla).get(url("case_milestones", reference=case.reference)).json()
    assert [row["uuid"] for row in listed] == [str(earlier.uuid), str(milestone.uuid)]


def test_a_milestone_is_completed_once(milestone, carla):
    client = signed_in(carla)
    address = url("milestone_complete", uuid=milestone.uuid)
    done = post(client, address, {"note": "Lease signed"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_on"], done.json()["note"]) == (
        MilestoneStatus.DONE,
        dates.today().isoformat(),
        "Lease signed",
    )
    again = post(client, address)
    assert again.status_code == 400
    assert codes(again) == ["finished"]
    assert messages(again) == [
        fa("This step is already “%(status)s”.", status=fa(MilestoneStatus.DONE.label))
    ]


def test_a_milestone_is_dropped_only_with_a_reason(milestone, carla):
    client = signed_in(carla)
    address = url("milestone_drop", uuid=milestone.uuid)
    refused = post(client, address, {"reason": ""})
    assert refused.status_code == 400
    assert (codes(refused), fields(refused)) == (["required"], ["reason"])
    assert messages(refused) == [fa("Say why the step is dropped.")]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN
    dropped = post(client, address, {"reason": "They found a home on their own"})
    assert dropped.status_code == 200
    assert dropped.json()["status"] == MilestoneStatus.CANCELLED


def test_an_outsider_or_a_clerk_cannot_touch_a_milestone(milestone, bob, alice):
    for user in (bob, alice):
        client = signed_in(user)
        assert post(client, url("milestone_complete", uuid=milestone.uuid)).status_code == 404
        response = post(client, url("milestone_drop", uuid=milestone.uuid), {"reason": "x"})
        assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN

"""The solutions API for exits and post-exit follow-ups, end to end: five of a family of seven
leave for the city and their home goes to the waitlist; a return without approval is refused;
follow-ups fall due and are recorded once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from conftest import signed_in
from mehman.core import dates
from mehman.housing.models import Occupancy
from mehman.housing.tests import factories as housing
from mehman.intake.tests.factories import waitlisted
from mehman.registry.models import Household, HouseholdStatus, Relationship
from mehman.residence.models import ExitReason, Pathway, ResidenceTerm, TermStatus
from mehman.solutions import services
from mehman.solutions.models import (
    ApprovalKind,
    CaseExit,
    CaseStage,
    ExitFollowUp,
    FollowUpStatus,
)
from mehman.solutions.tests import factories as f
from mehman.solutions.tests.test_api_cases import fa, messages, url

TODAY = dates.today


@pytest.fixture
def seven(settlement_a, mona):
    household, home, _term = f.housed(settlement_a, by=mona, members=f.seven_members())
    return household, home


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


def _exit_body(**changes) -> dict:
    body = {
        "exit_type": ExitReason.MOVED_TO_CITY,
        "exit_on": (TODAY() - timedelta(days=2)).isoformat(),
    }
    body.update(changes)
    return body


def _post(client, address, data):
    return client.post(address, data, content_type="application/json")


def _recorded_exit(household, carla, days_ago: int = 100) -> CaseExit:
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION, days_ago=days_ago + 50)
    return services.record_exit(
        case=case,
        by=carla,
        exit_type=ExitReason.MOVED_TO_CITY,
        exit_on=TODAY() - timedelta(days=days_ago),
    )


# --- Recording the exit -------------------------------------------------------------------------


def test_five_of_seven_leave_the_two_who_stay_move_and_the_home_is_offered(
    seven, settlement_a, alice, mona, carla
):
    household, home = seven
    waiting = waitlisted(settlement_a, by=alice, manager=mona)
    smaller = housing.unit(settlement_a, by=mona, floor_area=Decimal("12"))
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    daughter = household.active_members().get(given_name="زینب")
    leaving = [m for m in household.active_members() if m.pk not in (mother.pk, daughter.pk)]
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = _post(
        signed_in(carla),
        url("case_exit", reference=case.reference),
        _exit_body(
            members=[str(m.uuid) for m in leaving],
            staying_head=str(mother.uuid),
            move_remaining_to=str(smaller.uuid),
            note="Moved to Mashhad",
            version=case.version,
        ),
    )
    assert response.status_code == 201
    body = response.json()
    case_exit = CaseExit.objects.get()
    assert response["Location"] == url("exit_detail", uuid=case_exit.uuid)
    assert (body["member_count"], body["partial"], body["remaining"]) == (
        5,
        True,
        household.reference,
    )
    assert sorted(body["members"]) == sorted(str(m.uuid) for m in leaving)
    assert body["freed_unit"] == home.reference
    assert body["offer"] == str(case_exit.offer.uuid)
    assert case_exit.offer.application == waiting and case_exit.offer.unit == home
    assert [row["months"] for row in body["follow_ups"]] == [3, 6, 12]
    household.refresh_from_db()
    assert household.head == mother and household.active_members().count() == 2
    assert Occupancy.objects.get(household=household, ended_on__isnull=True).unit == smaller
    case.refresh_from_db()
    assert case.stage == CaseStage.EXITED


def test_a_whole_household_leaves_by_reference_of_its_case(household, carla):
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = _post(
        signed_in(carla),
        url("case_exit", reference=case.reference),
        _exit_body(offer_home=False),
    )
    assert response.status_code == 201
    assert (response.json()["partial"], response.json()["offer"]) == (False, None)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED
    assert ResidenceTerm.objects.get(household=household).status == TermStatus.ENDED


def test_a_return_without_approval_is_refused_with_a_clear_message(household, carla):
    case = f.case(household, by=carla, pathway=Pathway.REPATRIATION)
    response = _post(
        signed_in(carla),
        url("case_exit", reference=case.reference),
        _exit_body(exit_type=ExitReason.RETURNED),
    )
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["needs_approval"]
    assert messages(response) == [
        fa(
            "“%(exit)s” carries out a decision that needs a second approver: ask a "
            "settlement manager to approve “%(decision)s” on case %(case)s, then record "
            "the exit.",
            exit=fa(ExitReason.RETURNED.label),
            decision=fa(ApprovalKind.RETURN.label),
            case=case.reference,
        )
    ]
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.stage == CaseStage.ASSESSING
    assert household.status == HouseholdStatus.RESIDENT
    assert not CaseExit.objects.exists()


def test_an_approved_return_is_recorded(household, carla, mona):
    case = f.case(household, by=carla, pathway=Pathway.REPATRIATION)
    f.approved(case, ApprovalKind.RETURN, asked_by=carla, decided_by=mona)
    response = _post(
        signed_in(carla),
        url("case_exit", reference=case.reference),
        _exit_body(exit_type=ExitReason.RETURNED),
    )
    assert response.status_code == 201
    assert response.json()["exit_type"] == ExitReason.RETURNED


def test_members_of_another_household_and_unknown_units_are_refused(
    seven, settlement_a, settlement_b, mona, adam, carla
):
    household, _home = seven
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    stranger = f.housed(settlement_a, by=mona, term=False)[0].head
    client = signed_in(carla)
    address = url("case_exit", reference=case.reference)
    strangers = _post(client, address, _exit_body(members=[str(stranger.uuid)]))
    assert strangers.status_code == 400
    assert [(e["code"], e["field"]) for e in strangers.json()["errors"]] == [("members", "members")]
    assert messages(strangers) == [fa("Choose members of this household.")]
    son = household.active_members().filter(relationship=Relationship.SON).first()
    far_unit = housing.unit(settlement_b, by=adam)
    far = _post(
        client,
        address,
        _exit_body(members=[str(son.uuid)], move_remaining_to=far_unit.reference),
    )
    assert [(e["code"], e["field"]) for e in far.json()["errors"]] == [
        ("unknown", "move_remaining_to")
    ]
    assert messages(far) == [
        fa("No unit %(reference)s in your scope.", reference=far_unit.reference)
    ]
    assert not CaseExit.objects.exists()
    assert Household.objects.filter(pk=household.pk, status=HouseholdStatus.RESIDENT).exists()


def test_an_exit_without_its_type_or_date_is_400(household, carla):
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    response = _post(signed_in(carla), url("case_exit", reference=case.reference), {})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"exit_type", "exit_on"}
    assert not CaseExit.objects.exists()


def test_an_outsider_or_a_clerk_cannot_record_an_exit(household, carla, bob, alice):
    case = f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)
    for user in (bob, alice):
        response = _post(signed_in(user), url("case_exit", reference=case.reference), _exit_body())
        assert response.status_code == 404
    assert not CaseExit.objects.exists()


# --- Reading exits ------------------------------------------------------------------------------


def test_exits_are_listed_filtered_and_kept_in_scope(
    household, settlement_a, settlement_b, mona, adam, carla
):
    recent = _recorded_exit(household, carla, days_ago=10)
    older = _recorded_exit(f.housed(settlement_a, by=mona)[0], carla, days_ago=300)
    _recorded_exit(f.housed(settlement_b, by=adam)[0], adam, days_ago=10)
    client = signed_in(carla)
    found = client.get(url("exit_list")).json()
    assert [row["uuid"] for row in found["results"]] == [str(recent.uuid), str(older.uuid)]
    since = (TODAY() - timedelta(days=30)).isoformat()
    assert client.get(url("exit_list"), {"since": since}).json()["count"] == 1
    by_household = client.get(url("exit_list"), {"household": household.reference}).json()
    assert [row["uuid"] for row in by_household["results"]] == [str(recent.uuid)]
    none = client.get(url("exit_list"), {"exit_type": ExitReason.RESETTLED}).json()
    assert none["count"] == 0
    detail = client.get(url("exit_detail", uuid=recent.uuid))
    assert detail.status_code == 200
    assert detail.json()["case"] == recent.case.reference
    assert len(detail.json()["members"]) == recent.member_count


def test_an_outsider_gets_404_for_an_exit(household, carla, bob):
    case_exit = _recorded_exit(household, carla)
    assert signed_in(bob).get(url("exit_detail", uuid=case_exit.uuid)).status_code == 404
    assert signed_in(bob).get(url("exit_list")).status_code == 404  # no solutions.view


# --- Follow-ups ---------------------------------------------------------------------------------


def test_the_follow_ups_due_are_listed_and_recorded_once(household, carla):
    case_exit = _recorded_exit(household, carla, days_ago=100)
    three_months = case_exit.follow_ups.get(months=3)
    client = signed_in(carla)
    due = client.get(url("follow_up_list"), {"due": "true"}).json()
    assert [row["uuid"] for row in due["results"]] == [str(three_months.uuid)]
    assert due["results"][0]["overdue"] is True
    assert client.get(url("follow_up_list"), {"due": "false"}).json()["count"] == 2
    address = url("follow_up_detail", uuid=three_months.uuid)
    empty = _post(client, address, {"reached": True, "outcome": " "})
    assert empty.status_code == 400
    assert [(e["code"], e["field"]) for e in empty.json()["errors"]] == [("required", "outcome")]
    assert messages(empty) == [fa("Record what was found.")]
    recorded = _post(client, address, {"reached": True, "outcome": "Renting in Mashhad; working"})
    assert recorded.status_code == 200
    assert (recorded.json()["status"], recorded.json()["done_by"]) == (
        FollowUpStatus.REACHED,
        "carla",
    )
    again = _post(client, address, {"reached": False, "outcome": "No answer"})
    assert again.status_code == 400
    assert messages(again) == [fa("This follow-up is already recorded.")]
    three_months.refresh_from_db()
    assert three_months.outcome == "Renting in Mashhad; working"
    assert client.get(url("follow_up_list"), {"due": "true"}).json()["count"] == 0
    assert client.get(address).json()["status"] == FollowUpStatus.REACHED


def test_an_outsider_cannot_read_or_record_a_follow_up(household, carla, bob):
    follow_up = _recorded_exit(household, carla).follow_ups.get(months=3)
    client = signed_in(bob)
    address = url("follow_up_detail", uuid=follow_up.uuid)
    assert client.get(address).status_code == 404
    assert _post(client, address, {"reached": True, "outcome": "x"}).status_code == 404
    assert ExitFollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DUE

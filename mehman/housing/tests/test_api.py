"""The housing API end to end, through the test client, for every persona."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.assistance.models import Expenditure
from mehman.core import dates, digits
from mehman.housing import services
from mehman.housing.models import (
    AllocationRun,
    Facility,
    FacilityKind,
    Occupancy,
    Offer,
    OfferStatus,
    Proposal,
    RunStatus,
    Survey,
    Unit,
    UnitState,
    WorkKind,
    WorkOrder,
    WorkStatus,
)
from mehman.housing.tests import factories as hf
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from mehman.registry.models import Household, HouseholdStatus
from mehman.registry.tests.test_api import codes, fields, patch, post


def url(name: str, **kwargs) -> str:
    return reverse(f"api:housing:{name}", kwargs=kwargs)


def fa(message: str) -> str:
    with translation.override("fa"):
        return gettext(message)


@pytest.fixture
def hugo(settlement_a):
    """A housing officer: manages the site and allocates, neither commits nor spends."""
    return UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])


@pytest.fixture
def home(settlement_a, mona) -> Unit:
    """A 45 m² unit (ten persons) by a tap stand 30 m away."""
    hf.facility(settlement_a, FacilityKind.TAP, by=mona, x=40.0, y=20.0)
    return hf.unit(settlement_a, by=mona, number=1, x=10.0, y=20.0)


@pytest.fixture
def resident(settlement_a, mona, home) -> Household:
    """Four people living in ``home``."""
    return hf.resident(settlement_a, home=home, by=mona)


@pytest.fixture
def vacant(settlement_a, mona) -> Unit:
    return hf.unit(settlement_a, by=mona, number=2)


@pytest.fixture
def first(settlement_a, alice, mona) -> Application:
    return waitlisted(settlement_a, by=alice, manager=mona)


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def open_order(unit: Unit, by, **kwargs) -> WorkOrder:
    data = {"kind": WorkKind.REPAIR, "title": "Roof repair", "estimate": 12_000_000}
    data.update(kwargs)
    return services.open_work_order(by=by, unit=unit, **data)


# --- The site -------------------------------------------------------------------------------------


def test_a_clerk_reads_units_with_occupants_crowding_and_distances(alice, resident, home, vacant):
    listed = signed_in(alice).get(url("unit_list")).json()
    assert listed["count"] == 2
    lived_in = listed["results"][0]
    assert (lived_in["reference"], lived_in["household"]) == (home.reference, resident.reference)
    assert (lived_in["occupants"], lived_in["capacity"], lived_in["m2_per_person"]) == (
        4,
        10,
        "11.2",
    )
    assert (lived_in["crowded"], lived_in["vacant"], lived_in["water_m"]) == (False, False, 30.0)
    assert listed["results"][1]["vacant"] is True
    assert listed["results"][1]["household"] is None


def test_the_unit_list_filters_by_block_state_vacancy_crowding_and_step_free(
    settlement_a, alice, mona, resident, home, vacant
):
    small = hf.unit(settlement_a, by=mona, block_code="B02", floor_area=Decimal("9"), ramp=True)
    hf.resident(settlement_a, home=small, by=mona)
    client = signed_in(alice)

    def listed(**query) -> list[str]:
        return [row["reference"] for row in client.get(url("unit_list"), query).json()["results"]]

    assert listed(vacant="true") == [vacant.reference]
    assert listed(vacant="false") == [home.reference, small.reference]
    assert listed(crowded="true") == [small.reference]
    assert listed(step_free="true") == [small.reference]
    assert listed(block="b02") == [small.reference]
    assert listed(block="TJ-B01", crowded="false") == [home.reference, vacant.reference]
    assert listed(state="works") == []
    assert listed(settlement="SV") == []


def test_the_unit_list_reads_in_a_fixed_number_of_queries(settlement_a, alice, mona, resident):
    client = signed_in(alice)
    client.get(url("unit_list"))  # the session's first request does its own writes
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("unit_list")).json()["count"] == 1
    for _number in range(3):
        hf.resident(settlement_a, home=hf.unit(settlement_a, by=mona), by=mona)
    with CaptureQueriesContext(connection) as again:
        assert client.get(url("unit_list")).json()["count"] == 4
    assert len(again) == len(captured)


def test_an_analyst_reads_units_without_naming_households(nasrin, resident, home):
    shown = signed_in(nasrin).get(url("unit_detail", reference=home.reference)).json()
    assert (shown["occupants"], shown["household"]) == (4, None)
    listed = signed_in(nasrin).get(url("unit_list"), {"settlement": "TJ"}).json()
    assert [row["household"] for row in listed["results"]] == [None]


def test_blocks_are_listed_with_their_units_and_facilities(alice, home, vacant):
    blocks = signed_in(alice).get(url("block_list")).json()
    assert [(b["reference"], b["units"], b["facilities"]) for b in blocks] == [("TJ-B01", 2, 0)]


def test_a_housing_officer_adds_a_unit_whose_capacity_follows_its_floor_area(hugo, home):
    response = post(
        signed_in(hugo),
        url("unit_list"),
        {"block": "tj-b01", "number": 7, "x": 70, "y": 20, "floor_area": "27.5", "rooms": 2},
    )
    assert response.status_code == 201, response.json()
    assert response["Location"] == url("unit_detail", reference="TJ-B01-007")
    assert (response.json()["capacity"], response.json()["vacant"]) == (6, True)
    assert Unit.objects.get(reference="TJ-B01-007").capacity == 6


def test_a_unit_numbered_twice_in_its_block_is_refused_on_its_field(hugo, home):
    response = post(
        signed_in(hugo),
        url("unit_list"),
        {"block": "TJ-B01", "number": 1, "x": 0, "y": 0, "floor_area": "20", "rooms": 1},
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["duplicate"], ["number"])
    assert Unit.objects.count() == 1


def test_a_block_out_of_scope_is_unknown(bob, home):
    response = post(
        signed_in(bob),
        url("unit_list"),
        {"block": "TJ-B01", "number": 9, "x": 0, "y": 0, "floor_area": "20", "rooms": 1},
    )
    assert response.status_code == 404  # a clerk adds no units at all
    response = post(
        signed_in(
            UserFactory(username="olga", role=Role.MANAGER, settlements=[bob.settlements.get()])
        ),
        url("unit_list"),
        {"block": "TJ-B01", "number": 9, "x": 0, "y": 0, "floor_area": "20", "rooms": 1},
    )
    assert (response.status_code, codes(response), fields(response)) == (
        400,
        ["unknown"],
        ["block"],
    )
    assert Unit.objects.count() == 1


def test_a_clerk_cannot_add_or_change_units_or_facilities(alice, home):
    client = signed_in(alice)
    address = url("unit_detail", reference=home.reference)
    assert post(client, url("unit_list"), {"block": "TJ-B01"}).status_code == 404
    changed = patch(client, address, {"rooms": 3, "reason": "x", "version": home.version})
    assert (changed.status_code, codes(changed)) == (404, ["not_found"])
    state = {"state": "uninhabitable", "reason": "x"}
    assert post(client, url("unit_state", reference=home.reference), state).status_code == 404
    assert post(client, url("facility_list"), {"kind": "tap"}).status_code == 404
    assert fresh(home).rooms == 2


def test_a_unit_is_corrected_with_the_version_read_and_its_capacity_follows(hugo, home):
    client = signed_in(hugo)
    address = url("unit_detail", reference=home.reference)
    read = client.get(address)
    assert read["ETag"] == f'"{home.version}"'
    response = patch(
        client,
        address,
        {"floor_area": "18", "own_toilet": True, "reason": "Measured again"},
        headers={"If-Match": read["ETag"]},
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == f'"{home.version + 1}"'
    assert (response.json()["capacity"], response.json()["own_toilet"]) == (4, True)
    assert (fresh(home).floor_area, fresh(home).capacity) == (Decimal("18.0"), 4)


def test_a_stale_unit_edit_is_412_and_changes_nothing(hugo, mona, home):
    services.update_unit(unit=home, by=mona, reason="Painted", street="Golestan")
    response = patch(
        signed_in(hugo),
        url("unit_detail", reference=home.reference),
        {"rooms": 3, "reason": "Wall removed"},
        headers={"If-Match": f'"{home.version}"'},
    )
    assert (response.status_code, codes(response)) == (412, ["stale"])
    assert fresh(home).rooms == 2


def test_a_unit_edit_without_a_version_is_428(hugo, home):
    response = patch(
        signed_in(hugo), url("unit_detail", reference=home.reference), {"rooms": 3, "reason": "x"}
    )
    assert response.status_code == 428
    assert fresh(home).rooms == 2


def test_a_unit_edit_needs_its_reason_and_refuses_fields_it_does_not_change(hugo, home):
    client = signed_in(hugo)
    address = url("unit_detail", reference=home.reference)
    no_reason = patch(client, address, {"rooms": 3, "version": home.version})
    assert (no_reason.status_code, fields(no_reason)) == (400, ["reason"])
    capacity = patch(client, address, {"capacity": 30, "reason": "x", "version": home.version})
    assert (codes(capacity), fields(capacity)) == (["not_editable"], ["capacity"])
    assert (fresh(home).rooms, fresh(home).capacity) == (2, 10)


def test_a_lived_in_unit_cannot_be_declared_uninhabitable(hugo, resident, home):
    response = post(
        signed_in(hugo),
        url("unit_state", reference=home.reference),
        {"state": "uninhabitable", "reason": "Cracks in the walls"},
    )
    assert (response.status_code, codes(response)) == (400, ["occupied"])
    assert response.json()["errors"][0]["message"] == fa(
        "A household lives in this unit: move it out first."
    )
    assert fresh(home).state == UnitState.READY


def test_a_vacant_unit_is_taken_out_of_use_with_a_reason(hugo, vacant):
    client = signed_in(hugo)
    address = url("unit_state", reference=vacant.reference)
    refused = post(client, address, {"state": "uninhabitable", "reason": " "})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    done = post(client, address, {"state": "uninhabitable", "reason": "Roof fell in"})
    assert (done.status_code, done.json()["state"], done.json()["vacant"]) == (
        200,
        "uninhabitable",
        False,
    )


# --- Facilities -----------------------------------------------------------------------------------


def test_a_facility_is_placed_listed_and_taken_out_of_service(hugo, home):
    client = signed_in(hugo)
    added = post(
        client,
        url("facility_list"),
        {
            "kind": "toilet",
            "name": "Toilet block 1",
            "x": 10,
            "y": 60,
            "capacity": 6,
            "block": "TJ-B01",
        },
    )
    assert added.status_code == 201, added.json()
    reference = added.json()["reference"]
    assert (added.json()["block"], added.json()["capacity_unit"]) == ("TJ-B01", fa("toilets"))
    unit = client.get(url("unit_detail", reference=home.reference)).json()
    assert unit["toilet_m"] == 40.0
    toilets = client.get(url("facility_list"), {"kind": "toilet"}).json()
    assert [f["reference"] for f in toilets["results"]] == [reference]
    read = client.get(url("facility_detail", reference=reference))
    closed = patch(
        client,
        url("facility_detail", reference=reference),
        {"in_service": False, "reason": "Pipes broken"},
        headers={"If-Match": read["ETag"]},
    )
    assert closed.status_code == 200, closed.json()
    assert (
        client.get(url("facility_list"), {"in_service": "true", "kind": "toilet"}).json()["count"]
        == 0
    )
    assert client.get(url("unit_detail", reference=home.reference)).json()["toilet_m"] is None


def test_a_stale_facility_edit_is_412(hugo, mona, settlement_a):
    tap = hf.facility(settlement_a, by=mona)
    services.update_facility(facility=tap, by=mona, reason="Renamed", name="North tap")
    response = patch(
        signed_in(hugo),
        url("facility_detail", reference=tap.reference),
        {"capacity": 8, "reason": "New taps", "version": tap.version},
    )
    assert (response.status_code, codes(response)) == (412, ["stale"])
    assert fresh(tap).capacity == 4


# --- Scope ----------------------------------------------------------------------------------------


def test_the_outsider_gets_404_for_the_site_records_of_a(bob, settlement_a, mona, resident, home):
    tap = Facility.objects.get()
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "good"})
    order = open_order(home, mona)
    client = signed_in(bob)
    for address in (
        url("unit_detail", reference=home.reference),
        url("facility_detail", reference=tap.reference),
        url("survey_detail", uuid=survey.uuid),
        url("work_detail", reference=order.reference),
        url("work_spending", reference=order.reference),
        url("unit_occupancy", reference=home.reference),
        url("unit_candidates", reference=home.reference),
    ):
        assert client.get(address).status_code == 404, address
    for name in (
        "unit_list",
        "facility_list",
        "survey_list",
        "work_list",
        "offer_list",
        "run_list",
    ):
        assert client.get(url(name)).json()["count"] == 0, name
    assert client.get(url("block_list")).json() == []


def test_partner_staff_get_404_for_everything_of_housing(vera, resident, home):
    client = signed_in(vera)
    for name in ("block_list", "unit_list", "facility_list", "work_list", "standards"):
        response = client.get(url(name))
        assert (response.status_code, codes(response)) == (404, ["not_found"]), name
    assert client.get(url("unit_detail", reference=home.reference)).status_code == 404


def test_anonymous_visitors_are_refused(client, home):
    assert client.get(url("unit_list")).status_code in (401, 403)
    assert client.get(url("unit_detail", reference=home.reference)).status_code in (401, 403)
    refused = post(client, url("run_list"), {"note": "x"})
    assert refused.status_code in (401, 403)
    assert not AllocationRun.objects.exists()


# --- Who lives where ------------------------------------------------------------------------------


def test_a_household_moves_in_out_and_its_history_is_kept(settlement_a, hugo, alice, mona, vacant):
    household = hf.resident(settlement_a, by=mona)
    client = signed_in(hugo)
    moved = post(
        client,
        url("unit_move_in", reference=vacant.reference),
        {"household": household.reference.lower(), "reason": "recorded"},
    )
    assert moved.status_code == 201, moved.json()
    assert (moved.json()["household"], moved.json()["ended_on"]) == (household.reference, None)
    left = post(
        client,
        url("household_move_out", reference=household.reference),
        {"end_reason": "moved_out", "moved_out_on": dates.today().isoformat()},
    )
    assert left.status_code == 200, left.json()
    history = signed_in(alice).get(url("unit_occupancy", reference=vacant.reference)).json()
    assert [(h["household"], h["end_reason"]) for h in history] == [
        (household.reference, "moved_out")
    ]
    assert client.get(url("unit_detail", reference=vacant.reference)).json()["vacant"] is True


def test_moving_into_a_lived_in_unit_is_refused_and_changes_nothing(
    settlement_a, hugo, mona, resident, home
):
    other = hf.resident(settlement_a, by=mona)
    response = post(
        signed_in(hugo),
        url("unit_move_in", reference=home.reference),
        {"household": other.reference, "reason": "emergency"},
    )
    assert (response.status_code, codes(response)) == (400, ["occupied"])
    assert Occupancy.objects.filter(household=other).count() == 0


def test_admission_is_not_a_way_to_move_in(settlement_a, hugo, mona, vacant):
    household = hf.resident(settlement_a, by=mona)
    response = post(
        signed_in(hugo),
        url("unit_move_in", reference=vacant.reference),
        {"household": household.reference, "reason": "admission"},
    )
    assert (response.status_code, fields(response)) == (400, ["reason"])


def test_a_move_in_date_in_the_future_is_refused_on_its_field(settlement_a, hugo, mona, vacant):
    household = hf.resident(settlement_a, by=mona)
    response = post(
        signed_in(hugo),
        url("unit_move_in", reference=vacant.reference),
        {
            "household": household.reference,
            "reason": "recorded",
            "moved_on": (dates.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert (response.status_code, codes(response), fields(response)) == (
        400,
        ["future"],
        ["moved_on"],
    )


def test_a_transfer_needs_a_reason_and_moves_the_household(hugo, resident, home, vacant):
    client = signed_in(hugo)
    address = url("household_transfer", reference=resident.reference)
    refused = post(client, address, {"unit": vacant.reference, "note": ""})
    assert (refused.status_code, fields(refused)) == (400, ["note"])
    moved = post(client, address, {"unit": vacant.reference, "note": "Closer to the clinic"})
    assert moved.status_code == 201, moved.json()
    assert (moved.json()["unit"], moved.json()["reason"]) == (vacant.reference, "transfer")
    assert Occupancy.objects.current().get(household=resident).unit == vacant


def test_an_analyst_and_a_clerk_cannot_see_or_move_households(nasrin, alice, resident, home):
    assert signed_in(nasrin).get(url("unit_occupancy", reference=home.reference)).status_code == 404
    move_out = url("household_move_out", reference=resident.reference)
    assert post(signed_in(alice), move_out, {"end_reason": "moved_out"}).status_code == 404
    assert Occupancy.objects.current().filter(household=resident).exists()


def test_the_outsider_cannot_move_a_household_of_a(bob, resident):
    outsider = UserFactory(username="olga", role=Role.MANAGER, settlements=[bob.settlements.get()])
    response = post(
        signed_in(outsider),
        url("household_move_out", reference=resident.reference),
        {"end_reason": "moved_out"},
    )
    assert response.status_code == 404
    assert Occupancy.objects.current().filter(household=resident).exists()


# --- Surveys and works ----------------------------------------------------------------------------


def test_a_survey_rates_the_checklist_and_becomes_the_units_condition(hugo, alice, home):
    response = post(
        signed_in(hugo),
        url("survey_list"),
        {"unit": home.reference, "ratings": {"roof": "poor", "walls": "good"}, "note": "Leaks"},
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["score"], response.json()["surveyed_by"]) == (50, "hugo")
    assert fresh(home).condition == 50
    read = signed_in(alice).get(url("survey_detail", uuid=response.json()["uuid"])).json()
    assert read["items"] == {"roof": "poor", "walls": "good"}
    listed = signed_in(alice).get(url("survey_list"), {"unit": home.reference.lower()}).json()
    assert listed["count"] == 1


def test_a_survey_item_not_on_the_checklist_is_refused_by_name(hugo, home):
    response = post(
        signed_in(hugo),
        url("survey_list"),
        {"unit": home.reference, "ratings": {"roof": "good", "drainage": "poor"}},
    )
    assert (response.status_code, fields(response)) == (400, ["ratings.drainage"])
    assert not Survey.objects.exists()


def test_a_survey_of_nothing_is_refused_with_code_subject(hugo, home):
    response = post(signed_in(hugo), url("survey_list"), {"ratings": {"roof": "good"}})
    assert (response.status_code, codes(response)) == (400, ["subject"])


def test_a_renovation_runs_from_plan_to_completion_and_adds_beds(settlement_a, hugo, mona, vacant):
    charity = pf.organisation(settlement_a, by=mona)
    client = signed_in(hugo)
    opened = post(
        client,
        url("work_list"),
        {
            "unit": vacant.reference,
            "kind": "renovation",
            "title": "Extension",
            "priority": "high",
            "funder": str(charity.uuid),
        },
    )
    assert opened.status_code == 201, opened.json()
    reference = opened.json()["reference"]
    assert (opened.json()["funder"]["acronym"], opened.json()["actions"]) == (
        "IRC",
        ["approve", "cancel"],
    )
    no_estimate = post(client, url("work_approve", reference=reference))
    assert (no_estimate.status_code, codes(no_estimate), fields(no_estimate)) == (
        400,
        ["estimate"],
        ["estimate"],
    )
    read = client.get(url("work_detail", reference=reference))
    planned = patch(
        client,
        url("work_detail", reference=reference),
        {"estimate": 90_000_000},
        headers={"If-Match": read["ETag"]},
    )
    assert planned.status_code == 200, planned.json()
    assert post(client, url("work_approve", reference=reference)).json()["status"] == "approved"
    started = post(client, url("work_start", reference=reference)).json()
    assert (started["status"], fresh(vacant).state) == ("in_progress", UnitState.WORKS)
    done = post(
        client,
        url("work_complete", reference=reference),
        {
            "actual_cost": 95_000_000,
            "condition_after": 90,
            "floor_area_after": "63",
            "improvements": {"own_toilet": True},
        },
    )
    assert done.status_code == 200, done.json()
    order = done.json()
    assert (order["status"], order["capacity_before"], order["capacity_after"]) == (
        "completed",
        10,
        14,
    )
    assert (order["beds_added"], order["actions"]) == (4, [])
    unit = fresh(vacant)
    assert (unit.state, unit.own_toilet, unit.condition) == (UnitState.READY, True, 90)


def test_a_work_order_names_the_survey_that_found_the_need(hugo, mona, home):
    survey = services.record_survey(by=mona, unit=home, ratings={"roof": "poor"})
    client = signed_in(hugo)
    body = {"unit": home.reference, "kind": "repair", "title": "Roof", "survey": str(survey.uuid)}
    opened = post(client, url("work_list"), body)
    assert (opened.status_code, opened.json()["survey"]) == (201, str(survey.uuid))
    unknown = post(client, url("work_list"), {**body, "survey": str(uuid4())})
    assert (unknown.status_code, codes(unknown), fields(unknown)) == (400, ["unknown"], ["survey"])
    assert WorkOrder.objects.count() == 1


def test_a_step_the_status_does_not_allow_is_400_with_code_transition(hugo, mona, home):
    order = open_order(home, mona)
    response = post(
        signed_in(hugo), url("work_complete", reference=order.reference), {"actual_cost": 1}
    )
    assert (response.status_code, codes(response)) == (400, ["transition"])
    assert fresh(order).status == WorkStatus.PLANNED


def test_a_cancellation_needs_its_reason(hugo, mona, home):
    order = open_order(home, mona)
    client = signed_in(hugo)
    address = url("work_cancel", reference=order.reference)
    refused = post(client, address, {"reason": ""})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    assert post(client, address, {"reason": "Family left"}).json()["status"] == "cancelled"


def test_a_stale_work_edit_is_412_and_a_finished_one_cannot_change(hugo, mona, home):
    order = open_order(home, mona)
    services.update_work_order(order=order, by=mona, estimate=5_000_000)
    client = signed_in(hugo)
    address = url("work_detail", reference=order.reference)
    stale = patch(client, address, {"estimate": 1, "version": order.version})
    assert (stale.status_code, codes(stale)) == (412, ["stale"])
    assert patch(client, address, {"estimate": 1}).status_code == 428
    services.cancel_work(order=fresh(order), by=mona, reason="No money")
    finished = patch(client, address, {"estimate": 1, "version": fresh(order).version})
    assert (finished.status_code, codes(finished)) == (400, ["finished"])
    assert fresh(order).estimate == 5_000_000


def test_the_work_list_filters_by_status_open_and_subject(alice, mona, home, vacant):
    repair = open_order(home, mona)
    done = open_order(vacant, mona, title="Door")
    services.cancel_work(order=done, by=mona, reason="Not needed")
    client = signed_in(alice)

    def listed(**query) -> list[str]:
        return [row["reference"] for row in client.get(url("work_list"), query).json()["results"]]

    assert listed(open="true") == [repair.reference]
    assert listed(open="false") == [done.reference]
    assert listed(status="cancelled") == [done.reference]
    assert listed(unit=home.reference) == [repair.reference]
    assert listed() == [done.reference, repair.reference]
    assert client.get(url("work_detail", reference=repair.reference)).json()["actions"] == []


def test_paying_for_a_work_needs_assistance_spend_too(settlement_a, hugo, mona, resident, home):
    charity = pf.organisation(settlement_a, by=mona)
    pledge = pf.pledge(charity, settlement_a, by=mona, kind="cash", quantity=50_000_000)
    donation = partners.receive_donation(
        pledge=pledge,
        by=mona,
        quantity=50_000_000,
        received_on=dates.today() - timedelta(days=2),
    )
    order = open_order(home, mona)
    body = {"donation": str(donation.uuid), "description": "Beams", "amount": 3_000_000}
    address = url("work_spend", reference=order.reference)
    assert post(signed_in(hugo), address, body).status_code == 404
    assert not Expenditure.objects.exists()
    spent = post(signed_in(mona), address, body)
    assert spent.status_code == 201, spent.json()
    assert (spent.json()["household"], spent.json()["work_order"]) == (
        resident.reference,
        order.reference,
    )
    assert fresh(order).funder == charity
    spending = signed_in(hugo).get(url("work_spending", reference=order.reference)).json()
    assert [s["amount"] for s in spending] == [3_000_000]


def test_an_analyst_reads_works_but_not_who_was_paid_for(nasrin, mona, resident, home):
    order = open_order(home, mona)
    client = signed_in(nasrin)
    assert client.get(url("work_detail", reference=order.reference)).json()["unit"] == (
        home.reference
    )
    assert client.get(url("work_spending", reference=order.reference)).json() == []


# --- Offers ---------------------------------------------------------------------------------------


def test_vacancies_list_the_households_that_fit_each_unit(settlement_a, alice, mona, vacant):
    small = hf.unit(settlement_a, by=mona, number=3, floor_area=Decimal("9"))  # two persons
    ahead = waitlisted(settlement_a, by=alice, manager=mona)
    later = waitlisted(settlement_a, by=alice, manager=mona)
    ranked = sorted([ahead, later], key=lambda a: fresh(a).rank)
    listed = signed_in(alice).get(url("vacancy_list"), {"limit": 1}).json()
    by_unit = {row["reference"]: row["candidates"] for row in listed["results"]}
    assert [c["application"] for c in by_unit[vacant.reference]] == [ranked[0].reference]
    assert by_unit[small.reference] == []
    candidates = signed_in(alice).get(url("unit_candidates", reference=vacant.reference)).json()
    assert [c["application"] for c in candidates] == [a.reference for a in ranked]
    assert candidates[0]["household_size"] == 4


def test_an_offer_holds_the_unit_and_acceptance_moves_the_household_in(hugo, alice, vacant, first):
    offered = post(
        signed_in(hugo),
        url("unit_offer", reference=vacant.reference),
        {"application": first.reference.lower()},
    )
    assert offered.status_code == 201, offered.json()
    uuid = offered.json()["uuid"]
    assert offered["Location"] == url("offer_detail", uuid=uuid)
    assert offered.json()["status"] == OfferStatus.OPEN
    clerk = signed_in(alice)
    assert clerk.get(url("unit_detail", reference=vacant.reference)).json()["held"] is True
    assert [
        o["uuid"] for o in clerk.get(url("offer_list"), {"status": "open"}).json()["results"]
    ] == [uuid]
    accepted = post(clerk, url("offer_accept", uuid=uuid))
    assert (accepted.status_code, accepted.json()["status"]) == (200, OfferStatus.ACCEPTED)
    assert fresh(first).status == ApplicationStatus.ADMITTED
    assert fresh(first.household).status == HouseholdStatus.RESIDENT
    assert Occupancy.objects.current().get(unit=vacant).household == first.household
    again = post(clerk, url("offer_accept", uuid=uuid))
    assert (again.status_code, codes(again)) == (400, ["answered"])


def test_a_declined_offer_frees_the_unit(hugo, alice, mona, vacant, first):
    offer = services.offer_unit(unit=vacant, application=first, by=mona)
    address = url("offer_decline", uuid=offer.uuid)
    refused = post(signed_in(alice), address, {"reason": ""})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    declined = post(signed_in(alice), address, {"reason": "Too far from work"})
    assert declined.json()["status"] == OfferStatus.DECLINED
    assert fresh(first).status == ApplicationStatus.WAITLISTED
    assert signed_in(hugo).get(url("unit_detail", reference=vacant.reference)).json()["vacant"]


def test_offering_a_unit_too_small_is_refused_and_changes_nothing(settlement_a, hugo, mona, first):
    small = hf.unit(settlement_a, by=mona, floor_area=Decimal("9"))
    response = post(
        signed_in(hugo),
        url("unit_offer", reference=small.reference),
        {"application": first.reference},
    )
    assert (response.status_code, codes(response)) == (400, ["too_small"])
    assert response.json()["errors"][0]["message"] == fa(
        "%(size)s members do not fit in %(unit)s, which holds %(capacity)s."
    ) % {"size": 4, "unit": small.reference, "capacity": 2}
    assert not Offer.objects.exists()
    assert fresh(first).status == ApplicationStatus.WAITLISTED


def test_a_clerk_cannot_offer_and_analysts_read_no_offers(alice, nasrin, mona, vacant, first):
    refused = post(
        signed_in(alice),
        url("unit_offer", reference=vacant.reference),
        {"application": first.reference},
    )
    assert refused.status_code == 404
    offer = services.offer_unit(unit=vacant, application=first, by=mona)
    client = signed_in(nasrin)
    for address in (
        url("offer_list"),
        url("offer_detail", uuid=offer.uuid),
        url("vacancy_list"),
        url("unit_candidates", reference=vacant.reference),
    ):
        assert client.get(address).status_code == 404, address
    assert post(client, url("offer_accept", uuid=offer.uuid)).status_code == 404
    assert fresh(offer).status == OfferStatus.OPEN


def test_the_outsider_cannot_answer_an_offer_of_a(bob, mona, vacant, first):
    offer = services.offer_unit(unit=vacant, application=first, by=mona)
    assert signed_in(bob).get(url("offer_detail", uuid=offer.uuid)).status_code == 404
    assert post(signed_in(bob), url("offer_accept", uuid=offer.uuid)).status_code == 404
    assert fresh(offer).status == OfferStatus.OPEN


# --- Batch allocation runs ------------------------------------------------------------------------


def _waitlist(settlement, alice, mona, count: int) -> list[Application]:
    made = [waitlisted(settlement, by=alice, manager=mona) for _ in range(count)]
    return sorted((fresh(a) for a in made), key=lambda a: a.rank)


def test_a_run_started_through_the_api_ends_proposed_and_commits_into_offers(
    settlement_a, alice, mona, hugo
):
    units = [hf.unit(settlement_a, by=mona) for _ in range(2)]
    waiting = _waitlist(settlement_a, alice, mona, 3)
    started = post(signed_in(hugo), url("run_list"), {"note": "After the spring works"})
    assert started.status_code == 202, started.json()
    run = started.json()
    assert started["Location"] == url("run_detail", reference=run["reference"])
    assert run["status"] == RunStatus.PROPOSED  # the tests run tasks at once
    assert run["progress"]["status"] == "done"
    assert sorted(run["units"]) == sorted(u.reference for u in units)
    assert run["figures"]["placed"] == 2
    assert [p["application"] for p in run["proposals"]] == [a.reference for a in waiting]
    placed = [p for p in run["proposals"] if p["unit"]]
    left = [p for p in run["proposals"] if not p["unit"]]
    assert (len(placed), len(left)) == (2, 1)
    for proposal in placed:
        first_reason = proposal["reasons"][0]
        assert (first_reason["code"], first_reason["params"]["rank"]) == ("rank", proposal["rank"])
        score = (Decimal(first_reason["params"]["priority"]) / 100).quantize(Decimal("0.01"))
        with translation.override("fa"):
            expected = gettext("Rank %(rank)s on the waitlist (score %(score)s).") % {
                "rank": digits.localize(proposal["rank"]),
                "score": digits.localize(score),
            }
            assert first_reason["text"] == expected
    assert left[0]["reasons"][0]["code"] == "not_placed"

    assert post(signed_in(hugo), url("run_commit", reference=run["reference"])).status_code == 404
    committed = post(signed_in(mona), url("run_commit", reference=run["reference"]))
    assert committed.status_code == 200, committed.json()
    assert committed.json()["status"] == RunStatus.COMMITTED
    offers = Offer.objects.filter(run__reference=run["reference"], status=OfferStatus.OPEN)
    assert {o.application.reference for o in offers} == {p["application"] for p in placed}
    assert {o.unit.reference for o in offers} == {p["unit"] for p in placed}
    assert all(p["offer"] for p in committed.json()["proposals"] if p["unit"])
    listed = signed_in(alice).get(url("run_list")).json()["results"]
    assert [(r["reference"], r["status"], r["vacancies"]) for r in listed] == [
        (run["reference"], RunStatus.COMMITTED, 2)
    ]


def test_a_run_of_chosen_units_refuses_one_not_vacant(settlement_a, alice, mona, resident, home):
    _waitlist(settlement_a, alice, mona, 1)
    response = post(signed_in(mona), url("run_list"), {"units": [home.reference]})
    assert (response.status_code, codes(response)) == (400, ["not_vacant"])
    unknown = post(signed_in(mona), url("run_list"), {"units": ["TJ-B99-001"]})
    assert (codes(unknown), fields(unknown)) == (["unknown"], ["units"])
    assert not AllocationRun.objects.exists()


def test_a_run_without_vacancies_is_refused_with_code_no_vacancy(settlement_a, alice, mona):
    _waitlist(settlement_a, alice, mona, 1)
    response = post(signed_in(mona), url("run_list"))
    assert (response.status_code, codes(response)) == (400, ["no_vacancy"])
    assert not AllocationRun.objects.exists()


@pytest.fixture
def proposed(settlement_a, alice, mona) -> AllocationRun:
    hf.unit(settlement_a, by=mona)
    _waitlist(settlement_a, alice, mona, 1)
    run = services.start_run(settlement=settlement_a, by=mona)
    return services.solve_run(run)


def test_a_proposal_is_changed_with_a_reason_and_the_runs_version(hugo, proposed):
    proposal = Proposal.objects.get(run=proposed)
    client = signed_in(hugo)
    address = url(
        "run_proposal", reference=proposed.reference, application=proposal.application.reference
    )
    read = client.get(url("run_detail", reference=proposed.reference))
    no_reason = patch(client, address, {"unit": None}, headers={"If-Match": read["ETag"]})
    assert (no_reason.status_code, fields(no_reason)) == (400, ["reason"])
    assert patch(client, address, {"unit": None, "reason": "x"}).status_code == 428
    changed = patch(
        client,
        address,
        {"unit": None, "reason": "The family asked to wait"},
        headers={"If-Match": read["ETag"]},
    )
    assert changed.status_code == 200, changed.json()
    shown = changed.json()["proposals"][0]
    assert (shown["unit"], shown["edited"], shown["edit_reason"]) == (
        None,
        True,
        "The family asked to wait",
    )
    assert changed.json()["figures"]["edited_placed"] == 0
    stale = patch(
        client,
        address,
        {"unit": proposal.unit.reference, "reason": "Back"},
        headers={"If-Match": read["ETag"]},
    )
    assert (stale.status_code, codes(stale)) == (412, ["stale"])
    assert fresh(proposal).unit is None


def test_a_proposal_of_a_unit_outside_the_run_is_refused(settlement_a, hugo, mona, proposed):
    other = hf.unit(settlement_a, by=mona, block_code="B09")
    proposal = Proposal.objects.get(run=proposed)
    response = patch(
        signed_in(hugo),
        url(
            "run_proposal", reference=proposed.reference, application=proposal.application.reference
        ),
        {"unit": other.reference, "reason": "Nearer", "version": proposed.version},
    )
    assert (response.status_code, codes(response)) == (400, ["not_in_run"])
    assert fresh(proposal).unit_id == proposal.unit_id


def test_a_run_is_discarded_with_a_reason_and_then_cannot_be_committed(hugo, mona, proposed):
    address = url("run_discard", reference=proposed.reference)
    refused = post(signed_in(hugo), address, {"reason": ""})
    assert (refused.status_code, fields(refused)) == (400, ["reason"])
    discarded = post(signed_in(hugo), address, {"reason": "Wrong weights"})
    assert (discarded.status_code, discarded.json()["status"]) == (200, RunStatus.DISCARDED)
    late = post(signed_in(mona), url("run_commit", reference=proposed.reference))
    assert (late.status_code, codes(late)) == (400, ["status"])
    assert not Offer.objects.exists()


def test_runs_are_hidden_from_the_outsider_and_analysts(bob, nasrin, alice, proposed):
    for persona in (bob, nasrin):
        client = signed_in(persona)
        assert client.get(url("run_detail", reference=proposed.reference)).status_code == 404
        assert post(client, url("run_commit", reference=proposed.reference)).status_code == 404
    assert signed_in(nasrin).get(url("run_list")).status_code == 404
    assert post(signed_in(alice), url("run_list")).status_code == 404
    assert fresh(proposed).status == RunStatus.PROPOSED


# --- Standards ------------------------------------------------------------------------------------


def test_the_standards_rate_each_indicator_with_its_source(nasrin, resident, home):
    report = signed_in(nasrin).get(url("standards"), {"settlement": "TJ"})
    assert report.status_code == 200, report.json()
    summary = report.json()["summary"]
    assert (summary["population"], summary["households"], summary["block"]) == (4, 1, None)
    indicators = {i["key"]: i for i in summary["indicators"]}
    per_tap = indicators["persons_per_tap"]
    assert (per_tap["value"], per_tap["rating"], per_tap["target"]["target"]) == (
        "1.0",
        "green",
        "100.0",
    )
    assert per_tap["target"]["source"] == "UNHCR WASH Standards and Indicators 2018"
    assert indicators["persons_per_toilet"]["rating"] == "red"
    assert [b["block"] for b in report.json()["blocks"]] == ["TJ-B01"]


def test_the_standards_of_a_block_out_of_scope_or_unknown_are_404(alice, bob, home):
    assert signed_in(alice).get(url("standards"), {"block": "B77"}).status_code == 404
    assert signed_in(bob).get(url("standards"), {"settlement": "TJ"}).status_code == 404

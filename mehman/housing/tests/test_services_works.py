"""Condition surveys and works, against the real database: the checklist score, the work
order's life, what completion changes on the unit, photos, and donations spent on works."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mehman.assistance.models import Expenditure
from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import (
    FacilityEvent,
    FacilityKind,
    Heating,
    MoveReason,
    Survey,
    Unit,
    UnitEvent,
    UnitState,
    WorkKind,
    WorkOrder,
    WorkOrderEvent,
    WorkPhoto,
    WorkStatus,
)
from mehman.housing.tests import factories as hf
from mehman.intake.tests.factories import waitlisted
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf

TODAY = dates.today
ALL_GOOD = {"roof": "good", "walls": "good", "damp": "good"}


@pytest.fixture
def unit(settlement_a, mona):
    return hf.unit(settlement_a, by=mona)


@pytest.fixture
def tap(settlement_a, mona):
    return hf.facility(settlement_a, by=mona)


def _order(unit_obj, by, kind=WorkKind.REPAIR, **kwargs):
    data = {"title": "Fix the roof", "estimate": 40_000_000}
    data.update(kwargs)
    return services.open_work_order(unit=unit_obj, by=by, kind=kind, **data)


def _started(order, by):
    services.approve_work(order=order, by=by)
    return services.start_work(order=order, by=by)


def _work_kinds(order):
    return list(
        WorkOrderEvent.objects.filter(aggregate=order).order_by("id").values_list("kind", flat=True)
    )


def _statuses(order):
    return [
        e.params["status"]
        for e in WorkOrderEvent.objects.filter(
            aggregate=order, kind="housing.work_status"
        ).order_by("id")
    ]


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("roof.png", buffer.getvalue(), content_type="image/png")


# --- Condition surveys ----------------------------------------------------------------------


def test_a_survey_scores_the_checklist_and_sets_the_units_condition(unit, mona):
    survey = services.record_survey(
        unit=unit, by=mona, ratings={"roof": "poor", "walls": "good", "floor": "", "toilet": "na"}
    )
    assert survey.score == 50  # roof (3) poor and walls (3) good; empty and n/a not counted
    assert survey.items == {"roof": "poor", "walls": "good", "toilet": "na"}
    assert survey.surveyed_by == mona
    unit.refresh_from_db()
    assert (unit.condition, unit.surveyed_on) == (50, TODAY())
    event = UnitEvent.objects.get(aggregate=unit, kind="housing.surveyed")
    assert event.params == {"score": 50, "survey": str(survey.uuid)}
    assert survey.history.get().history_user == mona


def test_a_facility_survey_lands_on_the_facilitys_timeline(tap, mona):
    survey = services.record_survey(
        facility=tap, by=mona, ratings={"structure": "good", "function": "fair"}
    )
    assert survey.score == 75
    tap.refresh_from_db()
    assert tap.condition == 75
    assert FacilityEvent.objects.filter(aggregate=tap, kind="housing.surveyed").exists()
    assert not UnitEvent.objects.filter(kind="housing.surveyed").exists()


def test_an_older_survey_does_not_replace_a_newer_condition(unit, mona):
    services.record_survey(unit=unit, by=mona, ratings=ALL_GOOD)
    services.record_survey(
        unit=unit, by=mona, ratings={"roof": "poor"}, surveyed_on=TODAY() - timedelta(days=90)
    )
    unit.refresh_from_db()
    assert unit.condition == 100
    assert Survey.objects.filter(unit=unit).count() == 2


def test_a_survey_is_of_one_unit_or_one_facility(unit, tap, mona):
    for subject in ({}, {"unit": unit, "facility": tap}):
        with pytest.raises(ValidationError) as caught:
            services.record_survey(by=mona, ratings=ALL_GOOD, **subject)
        assert caught.value.code == "subject"
    assert not Survey.objects.exists()


def test_a_survey_rates_at_least_one_item(unit, mona):
    for ratings in ({}, {"roof": "na"}, {"roof": ""}):
        with pytest.raises(ValidationError) as caught:
            services.record_survey(unit=unit, by=mona, ratings=ratings)
        assert caught.value.code == "checklist"
    with pytest.raises(ValidationError) as caught:
        services.record_survey(unit=unit, by=mona, ratings={"structure": "good"})  # a facility's
    assert caught.value.code == "checklist"
    assert not Survey.objects.exists()
    unit.refresh_from_db()
    assert unit.condition is None


def test_a_survey_cannot_be_dated_in_the_future(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.record_survey(
            unit=unit, by=mona, ratings=ALL_GOOD, surveyed_on=TODAY() + timedelta(days=1)
        )
    assert caught.value.error_dict["surveyed_on"][0].code == "future"
    assert not Survey.objects.exists()


# --- Opening and changing work orders -------------------------------------------------------


def test_a_work_order_is_numbered_and_written_on_both_timelines(unit, mona):
    survey = services.record_survey(unit=unit, by=mona, ratings={"roof": "poor"})
    order = _order(unit, mona, survey=survey, description=" Leaks ")
    second = _order(unit, mona)
    assert (order.reference, second.reference) == ("TJ-W00001", "TJ-W00002")
    assert order.status == WorkStatus.PLANNED
    assert order.survey == survey
    assert order.description == "Leaks"
    assert order.created_by == mona
    assert order.subject == unit
    assert _work_kinds(order) == ["housing.work_created"]
    assert UnitEvent.objects.filter(aggregate=unit, kind="housing.work_created").count() == 2
    assert order.history.get().history_user == mona


def test_a_facility_work_order_lands_on_the_facilitys_timeline(tap, mona):
    order = services.open_work_order(facility=tap, by=mona, kind=WorkKind.REPAIR, title="Taps")
    assert order.subject == tap
    assert FacilityEvent.objects.filter(aggregate=tap, kind="housing.work_created").exists()


def test_a_work_order_names_one_thing(unit, tap, mona):
    for subject in ({}, {"unit": unit, "facility": tap}):
        with pytest.raises(ValidationError) as caught:
            services.open_work_order(by=mona, kind=WorkKind.REPAIR, title="x", **subject)
        assert caught.value.code == "subject"
    assert not WorkOrder.objects.exists()


def test_a_work_order_is_refused_with_a_bad_kind_title_dates_or_survey(unit, tap, mona):
    other_survey = services.record_survey(facility=tap, by=mona, ratings={"structure": "poor"})
    cases = [
        ({"kind": "demolition"}, "kind"),
        ({"title": " "}, "title"),
        (
            {"planned_start": TODAY(), "planned_end": TODAY() - timedelta(days=1)},
            "planned_end",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            _order(unit, mona, **kwargs)
        assert field in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        _order(unit, mona, survey=other_survey)
    assert caught.value.code == "survey"
    assert not WorkOrder.objects.exists()
    assert not WorkOrderEvent.objects.exists()


def test_a_new_build_is_only_for_a_planned_unit(settlement_a, unit, tap, mona):
    with pytest.raises(ValidationError) as caught:
        _order(unit, mona, kind=WorkKind.NEW_BUILD)
    assert caught.value.error_dict["kind"][0].code == "new_build"
    with pytest.raises(ValidationError):
        services.open_work_order(facility=tap, by=mona, kind=WorkKind.NEW_BUILD, title="x")
    planned = hf.unit(settlement_a, by=mona, state=UnitState.PLANNED)
    assert _order(planned, mona, kind=WorkKind.NEW_BUILD).kind == WorkKind.NEW_BUILD


def test_an_open_work_orders_plan_changes_from_the_version_seen(settlement_a, unit, mona):
    builder = pf.organisation(settlement_a, by=mona, name_en="Builders", acronym="BLD")
    order = _order(unit, mona)
    changed = services.update_work_order(
        order=order,
        by=mona,
        expected_version=order.version,
        estimate=55_000_000,
        contractor=builder,
    )
    assert (changed.estimate, changed.contractor) == (55_000_000, builder)
    event = WorkOrderEvent.objects.get(aggregate=order, kind="housing.work_changed")
    assert event.params["fields"] == ["contractor", "estimate"]
    assert event.params["changes"]["estimate"] == [40_000_000, 55_000_000]
    with pytest.raises(ValidationError) as caught:
        services.update_work_order(
            order=order, by=mona, expected_version=order.version, title="Old view"
        )
    assert caught.value.code == "stale"
    order.refresh_from_db()
    assert order.title == "Fix the roof"


def test_a_work_order_plan_change_is_checked(unit, mona):
    order = _order(unit, mona, planned_start=TODAY())
    with pytest.raises(ValidationError) as caught:
        services.update_work_order(order=order, by=mona, planned_end=TODAY() - timedelta(days=2))
    assert caught.value.error_dict["planned_end"][0].code == "dates"
    with pytest.raises(ValueError, match="status"):
        services.update_work_order(order=order, by=mona, status=WorkStatus.COMPLETED)
    services.update_work_order(order=order, by=mona, title="Fix the roof")  # nothing changes
    order.refresh_from_db()
    assert (order.planned_end, order.status, order.version) == (None, WorkStatus.PLANNED, 1)
    assert not WorkOrderEvent.objects.filter(kind="housing.work_changed").exists()


def test_a_finished_work_order_cannot_be_changed(unit, mona):
    order = _order(unit, mona)
    services.cancel_work(order=order, by=mona, reason="Duplicate")
    with pytest.raises(ValidationError) as caught:
        services.update_work_order(order=order, by=mona, estimate=1)
    assert caught.value.code == "finished"


# --- The work order's life ------------------------------------------------------------------


def test_a_planned_work_is_approved_only_once_estimated(unit, mona):
    order = _order(unit, mona, estimate=0)
    with pytest.raises(ValidationError) as caught:
        services.approve_work(order=order, by=mona)
    assert caught.value.error_dict["estimate"][0].code == "estimate"
    order.refresh_from_db()
    assert order.status == WorkStatus.PLANNED
    services.update_work_order(order=order, by=mona, estimate=9_000_000)
    assert services.approve_work(order=order, by=mona).status == WorkStatus.APPROVED
    assert _statuses(order) == ["approved"]
    assert UnitEvent.objects.filter(aggregate=unit, kind="housing.work_status").count() == 1


def test_a_work_order_follows_its_transitions(unit, mona):
    order = _order(unit, mona)
    with pytest.raises(ValidationError) as caught:
        services.start_work(order=order, by=mona)  # not approved yet
    assert caught.value.code == "transition"
    with pytest.raises(ValidationError) as caught:
        services.complete_work(order=order, by=mona, actual_cost=1)
    assert caught.value.code == "transition"
    _started(order, mona)
    with pytest.raises(ValidationError) as caught:
        services.approve_work(order=order, by=mona)
    assert caught.value.code == "transition"
    order.refresh_from_db()
    assert order.status == WorkStatus.IN_PROGRESS
    assert _statuses(order) == ["approved", "in_progress"]


def test_a_repair_leaves_the_unit_in_use(settlement_a, unit, alice, mona):
    hf.resident(settlement_a, home=unit, by=alice)
    order = _started(_order(unit, mona), mona)
    assert order.started_on == TODAY()
    unit.refresh_from_db()
    assert unit.state == UnitState.READY


def test_a_renovation_takes_the_unit_out_of_use(unit, mona):
    _started(_order(unit, mona, kind=WorkKind.RENOVATION), mona)
    unit.refresh_from_db()
    assert unit.state == UnitState.WORKS
    assert not Unit.objects.vacant().exists()
    state = UnitEvent.objects.get(aggregate=unit, kind="housing.unit_state")
    assert state.params["state"] == "works"


def test_a_renovation_does_not_start_while_a_household_lives_there(settlement_a, unit, alice, mona):
    hf.resident(settlement_a, home=unit, by=alice)
    order = _order(unit, mona, kind=WorkKind.RENOVATION)
    services.approve_work(order=order, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_work(order=order, by=mona)
    assert caught.value.code == "occupied"
    order.refresh_from_db()
    unit.refresh_from_db()
    assert (order.status, order.started_on, unit.state) == (
        WorkStatus.APPROVED,
        None,
        UnitState.READY,
    )


def test_a_renovation_does_not_start_on_a_unit_held_for_an_offer(settlement_a, unit, alice, mona):
    services.offer_unit(
        unit=unit, application=waitlisted(settlement_a, by=alice, manager=mona), by=mona
    )
    order = _order(unit, mona, kind=WorkKind.RENOVATION)
    services.approve_work(order=order, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_work(order=order, by=mona)
    assert caught.value.code == "offered"
    order.refresh_from_db()
    assert order.status == WorkStatus.APPROVED


def test_works_cannot_start_in_the_future(unit, mona):
    order = _order(unit, mona)
    services.approve_work(order=order, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_work(order=order, by=mona, day=TODAY() + timedelta(days=1))
    assert caught.value.error_dict["started_on"][0].code == "future"


def test_a_completed_renovation_records_what_it_changed(unit, mona):
    services.record_survey(unit=unit, by=mona, ratings={"roof": "poor", "walls": "fair"})
    unit.refresh_from_db()
    before = unit.condition
    order = _started(_order(unit, mona, kind=WorkKind.RENOVATION), mona)
    done = services.complete_work(
        order=order,
        by=mona,
        actual_cost=38_500_000,
        condition_after=90,
        floor_area_after="54",
        improvements={"ramp": True, "own_toilet": True, "heating": Heating.GAS},
    )
    assert done.status == WorkStatus.COMPLETED
    assert (done.actual_cost, done.completed_on) == (38_500_000, TODAY())
    assert (done.condition_before, done.condition_after) == (before, 90)
    assert (done.capacity_before, done.capacity_after, done.beds_added) == (10, 12, 2)
    unit.refresh_from_db()
    assert unit.state == UnitState.READY
    assert (unit.capacity, unit.condition, unit.surveyed_on) == (12, 90, TODAY())
    assert (unit.ramp, unit.own_toilet, unit.heating) == (True, True, Heating.GAS)
    assert list(Unit.objects.vacant()) == [unit]
    changed = UnitEvent.objects.get(aggregate=unit, kind="housing.unit_changed")
    assert changed.params["fields"] == ["floor_area", "heating", "own_toilet", "ramp"]
    assert _statuses(order) == ["approved", "in_progress", "completed"]


def test_a_completed_new_build_adds_all_its_beds(settlement_a, mona):
    planned = hf.unit(settlement_a, by=mona, state=UnitState.PLANNED, floor_area="36")
    order = _started(_order(planned, mona, kind=WorkKind.NEW_BUILD, title="Build"), mona)
    done = services.complete_work(order=order, by=mona, actual_cost=900_000_000)
    planned.refresh_from_db()
    assert planned.state == UnitState.READY
    assert (done.capacity_before, done.capacity_after, done.beds_added) == (0, 8, 8)


def test_a_completed_repair_without_changes_adds_no_beds(unit, mona):
    order = _started(_order(unit, mona), mona)
    done = services.complete_work(order=order, by=mona, actual_cost=0)
    assert (done.capacity_before, done.capacity_after, done.beds_added) == (10, 10, 0)
    assert not UnitEvent.objects.filter(kind="housing.unit_changed").exists()


def test_a_completed_facility_work_records_the_condition(tap, mona):
    order = services.open_work_order(
        facility=tap, by=mona, kind=WorkKind.REPAIR, title="Taps", estimate=1
    )
    _started(order, mona)
    done = services.complete_work(order=order, by=mona, actual_cost=800_000, condition_after=80)
    tap.refresh_from_db()
    assert tap.condition == 80
    assert (done.capacity_before, done.capacity_after, done.beds_added) == (None, None, 0)
    assert FacilityEvent.objects.filter(aggregate=tap, kind="housing.work_status").count() == 3


def test_completion_is_checked_before_anything_changes(unit, mona):
    order = _started(_order(unit, mona, kind=WorkKind.RENOVATION), mona)
    cases = [
        ({"actual_cost": -1}, "actual_cost"),
        ({"actual_cost": 1, "condition_after": 101}, "condition_after"),
        ({"actual_cost": 1, "day": TODAY() + timedelta(days=1)}, "completed_on"),
        ({"actual_cost": 1, "floor_area_after": "0"}, "floor_area"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.complete_work(order=order, by=mona, **kwargs)
        assert field in caught.value.error_dict, field
    with pytest.raises(ValueError, match="rooms"):
        services.complete_work(order=order, by=mona, actual_cost=1, improvements={"rooms": 4})
    order.refresh_from_db()
    unit.refresh_from_db()
    assert order.status == WorkStatus.IN_PROGRESS
    assert (unit.state, unit.capacity) == (UnitState.WORKS, 10)


def test_works_cannot_end_before_they_started(unit, mona):
    order = _order(unit, mona)
    services.approve_work(order=order, by=mona)
    services.start_work(order=order, by=mona, day=TODAY() - timedelta(days=3))
    with pytest.raises(ValidationError) as caught:
        services.complete_work(order=order, by=mona, actual_cost=1, day=TODAY() - timedelta(days=4))
    assert caught.value.error_dict["completed_on"][0].code == "dates"


def test_a_cancelled_renovation_leaves_the_unit_out_of_use_until_someone_decides(unit, mona):
    order = _started(_order(unit, mona, kind=WorkKind.RENOVATION), mona)
    with pytest.raises(ValidationError) as caught:
        services.cancel_work(order=order, by=mona, reason="")
    assert caught.value.error_dict["reason"][0].code == "required"
    cancelled = services.cancel_work(order=order, by=mona, reason="Contractor left")
    assert (cancelled.status, cancelled.cancel_reason) == (WorkStatus.CANCELLED, "Contractor left")
    unit.refresh_from_db()
    assert unit.state == UnitState.WORKS
    with pytest.raises(ValidationError) as caught:
        services.cancel_work(order=order, by=mona, reason="Again")
    assert caught.value.code == "transition"


# --- Photos ---------------------------------------------------------------------------------


def test_photos_show_the_work_before_and_after(unit, mona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = _order(unit, mona)
    photo = services.add_work_photo(order=order, stage="before", image=_png(), by=mona)
    assert photo.image.name == f"works/{photo.uuid}.png"
    assert (tmp_path / photo.image.name).exists()
    assert (photo.added_by, photo.taken_on) == (mona, TODAY())
    event = WorkOrderEvent.objects.get(aggregate=order, kind="housing.work_photo")
    assert event.params == {"stage": str(WorkPhoto._meta.get_field("stage").choices[0][1])}


def test_a_photo_is_before_or_after_and_not_from_the_future(unit, mona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = _order(unit, mona)
    with pytest.raises(ValidationError) as caught:
        services.add_work_photo(order=order, stage="during", image=_png(), by=mona)
    assert caught.value.error_dict["stage"][0].code == "stage"
    with pytest.raises(ValidationError) as caught:
        services.add_work_photo(
            order=order, stage="after", image=_png(), by=mona, taken_on=TODAY() + timedelta(days=1)
        )
    assert caught.value.error_dict["taken_on"][0].code == "future"
    assert not WorkPhoto.objects.exists()


# --- Donations spent on works ---------------------------------------------------------------


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def donation(charity, settlement_a, mona):
    pledge = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=100_000_000,
        restricted_sector="shelter",
    )
    return partners.receive_donation(pledge=pledge, by=mona, quantity=100_000_000)


def test_a_donation_spent_on_a_work_reaches_the_household_living_there(
    settlement_a, unit, charity, donation, alice, mona
):
    family = hf.resident(settlement_a, home=unit, by=alice)
    order = _order(unit, mona)
    assert order.funder is None
    spent = services.spend_on_work(
        order=order, donation=donation, by=mona, description="Roof sheets", amount=30_000_000
    )
    assert spent.work_order == order.reference
    assert spent.household == family
    assert (spent.amount, spent.sector) == (30_000_000, "shelter")
    order.refresh_from_db()
    assert order.funder == charity
    funded = WorkOrderEvent.objects.get(aggregate=order, kind="housing.work_funded")
    assert funded.params["amount"] == 30_000_000
    assert funded.params["expenditure"] == str(spent.uuid)
    assert list(services.spending_on(order)) == [spent]


def test_a_work_keeps_the_funder_it_already_has(settlement_a, unit, donation, mona):
    other = pf.organisation(settlement_a, by=mona, name_en="Other", acronym="OTH")
    order = _order(unit, mona, funder=other)
    spent = services.spend_on_work(
        order=order, donation=donation, by=mona, description="Roof", amount=1_000_000
    )
    order.refresh_from_db()
    assert order.funder == other
    assert spent.household is None  # nobody lives in the unit


def test_a_cancelled_work_order_cannot_be_paid_for(unit, donation, mona):
    order = _order(unit, mona)
    services.cancel_work(order=order, by=mona, reason="Duplicate")
    with pytest.raises(ValidationError) as caught:
        services.spend_on_work(
            order=order, donation=donation, by=mona, description="Roof", amount=1_000_000
        )
    assert caught.value.code == "cancelled"
    assert not Expenditure.objects.exists()
    order.refresh_from_db()
    assert order.funder is None


def test_another_settlements_donation_cannot_pay_for_a_work(settlement_b, unit, adam, mona):
    elsewhere = pf.organisation(settlement_b, by=adam)
    pledge = pf.pledge(elsewhere, settlement_b, by=adam, kind="cash", quantity=5_000_000)
    gift = partners.receive_donation(pledge=pledge, by=adam, quantity=5_000_000)
    order = _order(unit, mona)
    with pytest.raises(ValidationError) as caught:
        services.spend_on_work(
            order=order, donation=gift, by=mona, description="Roof", amount=1_000_000
        )
    assert caught.value.code == "settlement"
    assert not Expenditure.objects.exists()
    assert not WorkOrderEvent.objects.filter(kind="housing.work_funded").exists()


def test_a_gift_for_shelter_cannot_pay_for_a_school(settlement_a, donation, mona):
    school = hf.facility(settlement_a, FacilityKind.SCHOOL, by=mona, name="School", capacity=300)
    order = services.open_work_order(
        facility=school, by=mona, kind=WorkKind.REPAIR, title="Windows"
    )
    with pytest.raises(ValidationError) as caught:
        services.spend_on_work(
            order=order, donation=donation, by=mona, description="Windows", amount=1_000_000
        )
    assert caught.value.code == "restricted_sector"
    assert not Expenditure.objects.exists()
    order.refresh_from_db()
    assert order.funder is None


def test_spending_more_than_is_left_is_refused(unit, donation, mona):
    order = _order(unit, mona)
    with pytest.raises(ValidationError) as caught:
        services.spend_on_work(
            order=order, donation=donation, by=mona, description="Roof", amount=100_000_001
        )
    assert caught.value.code == "exhausted"
    assert not Expenditure.objects.exists()


def test_the_occupant_moved_in_for_works_is_the_one_reached(settlement_a, unit, donation, mona):
    """Spending follows who lives in the unit on the day it is recorded."""
    first = hf.resident(settlement_a, home=unit, by=mona)
    services.move_out(household=first, by=mona, end_reason="moved_out")
    second = hf.resident(settlement_a, by=mona)
    services.move_in(unit=unit, household=second, by=mona, reason=MoveReason.TRANSFER)
    spent = services.spend_on_work(
        order=_order(unit, mona), donation=donation, by=mona, description="Roof", amount=1_000
    )
    assert spent.household == second

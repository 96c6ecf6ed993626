"""The site plan's services, against the real database: blocks, units, facilities, states."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from mehman.housing import services
from mehman.housing.models import (
    Block,
    Facility,
    FacilityEvent,
    FacilityKind,
    Heating,
    Unit,
    UnitEvent,
    UnitState,
)
from mehman.housing.tests import factories as hf
from mehman.intake import services as intake
from mehman.intake.tests.factories import waitlisted


@pytest.fixture
def block(settlement_a, mona):
    return services.create_block(settlement=settlement_a, code="b01", by=mona, name="North")


@pytest.fixture
def unit(settlement_a, mona):
    return hf.unit(settlement_a, by=mona)


def _kinds(model, aggregate):
    return list(model.objects.filter(aggregate=aggregate).values_list("kind", flat=True))


# --- Blocks ---------------------------------------------------------------------------------


def test_a_block_code_is_kept_in_capitals_and_gives_the_reference(block, mona):
    assert block.code == "B01"
    assert block.reference == "TJ-B01"
    assert block.name == "North"
    record = block.history.get()
    assert record.history_user == mona
    assert record.history_change_reason == "Block created"


def test_a_block_code_is_unique_in_its_settlement(block, settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        services.create_block(settlement=settlement_a, code="B01", by=mona)
    assert caught.value.error_dict["code"][0].code == "duplicate"
    assert Block.objects.count() == 1


def test_the_same_block_code_may_be_used_in_another_settlement(block, settlement_b, adam):
    other = services.create_block(settlement=settlement_b, code="B01", by=adam)
    assert other.reference == "SV-B01"


def test_a_block_needs_a_code(settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        services.create_block(settlement=settlement_a, code="  ", by=mona)
    assert caught.value.error_dict["code"][0].code == "required"
    assert not Block.objects.exists()


# --- Units ----------------------------------------------------------------------------------


def test_a_unit_is_numbered_in_its_block_and_holds_persons_by_the_cold_climate_standard(
    block, mona
):
    unit = services.add_unit(
        block=block, number=7, x=5, y=6, floor_area="45", rooms=2, by=mona, street=" Lale "
    )
    assert unit.reference == "TJ-B01-007"
    assert unit.settlement_id == block.settlement_id
    assert unit.floor_area == Decimal("45.0")
    assert unit.capacity == 10  # 45 m² at 4.5 m² a person
    assert unit.street == "Lale"
    assert unit.state == UnitState.READY
    assert _kinds(UnitEvent, unit) == ["housing.unit_added"]
    assert UnitEvent.objects.get(aggregate=unit).params == {"reference": "TJ-B01-007"}
    assert unit.history.get().history_user == mona


@override_settings(MEHMAN_LIVING_SPACE_STANDARD="living_space")
def test_the_living_space_standard_may_be_set_to_the_temperate_one(block, mona):
    unit = services.add_unit(block=block, number=1, x=0, y=0, floor_area=45, rooms=2, by=mona)
    assert unit.capacity == 12  # 45 m² at 3.5 m² a person, rounded down


def test_capacity_rounds_down_to_whole_persons(block, mona):
    unit = services.add_unit(block=block, number=1, x=0, y=0, floor_area="44.9", rooms=2, by=mona)
    assert unit.capacity == 9
    tiny = services.add_unit(block=block, number=2, x=0, y=0, floor_area="4", rooms=1, by=mona)
    assert tiny.capacity == 0


def test_a_unit_number_is_used_once_in_its_block(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.add_unit(block=unit.block, number=1, x=0, y=0, floor_area=30, rooms=1, by=mona)
    assert caught.value.error_dict["number"][0].code == "duplicate"
    assert Unit.objects.count() == 1


@pytest.mark.parametrize("floor_area", ["", "abc", "0", "-3"])
def test_a_unit_needs_a_floor_area_above_zero(block, mona, floor_area):
    with pytest.raises(ValidationError) as caught:
        services.add_unit(block=block, number=1, x=0, y=0, floor_area=floor_area, rooms=1, by=mona)
    assert caught.value.error_dict["floor_area"][0].code == "area"
    assert not Unit.objects.exists()
    assert not UnitEvent.objects.exists()


def test_changing_the_floor_area_changes_the_capacity_with_the_reason(unit, mona):
    changed = services.update_unit(
        unit=unit,
        by=mona,
        reason="Measured again",
        expected_version=unit.version,
        floor_area="27",
        own_tap=True,
    )
    assert changed.capacity == 6
    assert changed.own_tap is True
    assert changed.version == unit.version + 1
    event = UnitEvent.objects.get(aggregate=unit, kind="housing.unit_changed")
    assert event.params["fields"] == ["floor_area", "own_tap"]
    assert event.params["changes"]["floor_area"] == ["45.0", "27.0"]
    assert event.params["reason"] == "Measured again"
    assert event.by == mona
    assert unit.history.first().history_change_reason == "Measured again"


def test_a_unit_change_needs_a_reason(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.update_unit(unit=unit, by=mona, reason=" ", rooms=3)
    assert caught.value.error_dict["reason"][0].code == "required"
    unit.refresh_from_db()
    assert unit.rooms == 2


def test_a_unit_change_from_an_old_version_is_refused(unit, mona):
    services.update_unit(unit=unit, by=mona, reason="Paint", heating=Heating.GAS)
    with pytest.raises(ValidationError) as caught:
        services.update_unit(
            unit=unit, by=mona, reason="Stale", expected_version=unit.version, rooms=5
        )
    assert caught.value.code == "stale"
    unit.refresh_from_db()
    assert unit.rooms == 2
    assert unit.heating == Heating.GAS


def test_a_unit_field_that_cannot_be_edited_is_a_programming_error(unit, mona):
    with pytest.raises(ValueError, match="capacity"):
        services.update_unit(unit=unit, by=mona, reason="x", capacity=99)


def test_a_unit_change_that_changes_nothing_writes_nothing(unit, mona):
    same = services.update_unit(unit=unit, by=mona, reason="Nothing", rooms=2)
    assert same.version == unit.version
    assert not UnitEvent.objects.filter(kind="housing.unit_changed").exists()


def test_a_unit_change_to_a_bad_floor_area_is_refused(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.update_unit(unit=unit, by=mona, reason="x", floor_area="none")
    assert caught.value.error_dict["floor_area"][0].code == "area"
    unit.refresh_from_db()
    assert unit.capacity == 10


# --- Unit states ----------------------------------------------------------------------------


def test_a_unit_state_changes_with_a_reason_on_its_timeline(unit, mona):
    changed = services.set_unit_state(
        unit=unit, state=UnitState.UNINHABITABLE, by=mona, reason="Roof fell in"
    )
    assert changed.state == UnitState.UNINHABITABLE
    event = UnitEvent.objects.get(aggregate=unit, kind="housing.unit_state")
    assert event.params == {"state": "uninhabitable", "reason": "Roof fell in"}
    assert not Unit.objects.vacant().exists()


def test_an_unknown_state_is_refused(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.set_unit_state(unit=unit, state="flooded", by=mona, reason="x")
    assert caught.value.error_dict["state"][0].code == "state"


def test_a_state_change_needs_a_reason(unit, mona):
    with pytest.raises(ValidationError) as caught:
        services.set_unit_state(unit=unit, state=UnitState.WORKS, by=mona, reason="")
    assert caught.value.error_dict["reason"][0].code == "required"
    unit.refresh_from_db()
    assert unit.state == UnitState.READY


def test_the_same_state_again_writes_nothing(unit, mona):
    services.set_unit_state(unit=unit, state=UnitState.READY, by=mona, reason="Still fine")
    assert not UnitEvent.objects.filter(kind="housing.unit_state").exists()


@pytest.mark.parametrize("state", [UnitState.UNINHABITABLE, UnitState.PLANNED])
def test_a_unit_somebody_lives_in_cannot_be_declared_not_habitable(settlement_a, unit, mona, state):
    hf.resident(settlement_a, home=unit, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.set_unit_state(unit=unit, state=state, by=mona, reason="Cracks")
    assert caught.value.code == "occupied"
    unit.refresh_from_db()
    assert unit.state == UnitState.READY
    assert not UnitEvent.objects.filter(kind="housing.unit_state").exists()


def test_a_unit_held_for_an_offer_cannot_leave_the_habitable_state(settlement_a, unit, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    services.offer_unit(unit=unit, application=app, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.set_unit_state(unit=unit, state=UnitState.WORKS, by=mona, reason="Repairs")
    assert caught.value.code == "offered"
    unit.refresh_from_db()
    assert unit.state == UnitState.READY


def test_an_offer_whose_application_was_withdrawn_no_longer_holds_the_unit(
    settlement_a, unit, alice, mona
):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    services.offer_unit(unit=unit, application=app, by=mona)
    intake.withdraw_application(application=app, by=alice, reason="Moved to Mashhad")
    changed = services.set_unit_state(unit=unit, state=UnitState.WORKS, by=mona, reason="Repairs")
    assert changed.state == UnitState.WORKS


# --- Facilities -----------------------------------------------------------------------------


def test_a_facility_gets_the_next_reference_of_its_settlement(settlement_a, block, mona):
    first = services.add_facility(
        settlement=settlement_a,
        kind=FacilityKind.TAP,
        name=" Tap stand 1 ",
        x=1,
        y=2,
        capacity=6,
        by=mona,
        block=block,
    )
    second = services.add_facility(
        settlement=settlement_a,
        kind=FacilityKind.TOILET,
        name="Toilets",
        x=1,
        y=2,
        capacity=8,
        by=mona,
    )
    assert (first.reference, second.reference) == ("TJ-F0001", "TJ-F0002")
    assert first.name == "Tap stand 1"
    assert first.block == block
    assert _kinds(FacilityEvent, first) == ["housing.facility_added"]
    assert first.history.get().history_user == mona


def test_each_settlement_numbers_its_facilities_apart(settlement_a, settlement_b, mona, adam):
    hf.facility(settlement_a, by=mona)
    other = hf.facility(settlement_b, by=adam)
    assert other.reference == "SV-F0001"


def test_an_unknown_kind_of_facility_is_refused(settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        services.add_facility(
            settlement=settlement_a, kind="pool", name="Pool", x=0, y=0, capacity=1, by=mona
        )
    assert caught.value.error_dict["kind"][0].code == "kind"
    assert not Facility.objects.exists()


def test_a_facility_cannot_be_placed_in_another_settlements_block(settlement_b, block, adam):
    with pytest.raises(ValidationError) as caught:
        services.add_facility(
            settlement=settlement_b,
            kind="tap",
            name="Tap",
            x=0,
            y=0,
            capacity=1,
            by=adam,
            block=block,
        )
    assert caught.value.error_dict["block"][0].code == "block"
    assert not Facility.objects.exists()


def test_a_facility_needs_a_name(settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        services.add_facility(
            settlement=settlement_a, kind="tap", name=" ", x=0, y=0, capacity=1, by=mona
        )
    assert caught.value.error_dict["name"][0].code == "required"
    assert not Facility.objects.exists()
    assert not FacilityEvent.objects.exists()


def test_a_facility_change_is_recorded_with_its_reason(settlement_a, block, mona):
    tap = hf.facility(settlement_a, by=mona)
    changed = services.update_facility(
        facility=tap,
        by=mona,
        reason="Second tap fitted",
        expected_version=tap.version,
        capacity=8,
        block=block,
    )
    assert changed.capacity == 8
    assert changed.block == block
    event = FacilityEvent.objects.get(aggregate=tap, kind="housing.facility_changed")
    assert event.params["fields"] == ["block", "capacity"]
    assert event.params["changes"]["capacity"] == [4, 8]
    assert event.params["reason"] == "Second tap fitted"
    assert tap.history.first().history_change_reason == "Second tap fitted"


def test_a_facility_change_is_refused_without_reason_from_an_old_version_or_elsewhere(
    settlement_a, settlement_b, mona, adam
):
    tap = hf.facility(settlement_a, by=mona)
    elsewhere = hf.block(settlement_b, "B09", by=adam)
    with pytest.raises(ValidationError) as caught:
        services.update_facility(facility=tap, by=mona, reason="", capacity=9)
    assert caught.value.error_dict["reason"][0].code == "required"
    with pytest.raises(ValidationError) as caught:
        services.update_facility(
            facility=tap, by=mona, reason="x", expected_version=tap.version + 1, capacity=9
        )
    assert caught.value.code == "stale"
    with pytest.raises(ValidationError) as caught:
        services.update_facility(facility=tap, by=mona, reason="x", block=elsewhere)
    assert caught.value.error_dict["block"][0].code == "block"
    with pytest.raises(ValueError, match="kind"):
        services.update_facility(facility=tap, by=mona, reason="x", kind="school")
    tap.refresh_from_db()
    assert (tap.capacity, tap.block_id, tap.version) == (4, None, 1)
    assert not FacilityEvent.objects.filter(kind="housing.facility_changed").exists()


def test_a_facility_change_that_changes_nothing_writes_nothing(settlement_a, mona):
    tap = hf.facility(settlement_a, by=mona)
    services.update_facility(facility=tap, by=mona, reason="Same", capacity=4)
    assert not FacilityEvent.objects.filter(kind="housing.facility_changed").exists()

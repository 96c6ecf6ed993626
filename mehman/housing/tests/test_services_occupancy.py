"""Who lives where: moving in, transfers and moving out, and the rule that a unit holds
one household (services, database constraints, and the lock under concurrent moves)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from mehman.core import dates
from mehman.housing import services
from mehman.housing.models import EndReason, MoveReason, Occupancy, Unit, UnitEvent, UnitState
from mehman.housing.tests import factories as hf
from mehman.registry.models import Household, HouseholdEvent
from mehman.registry.tests.factories import family, household, member

TODAY = dates.today


@pytest.fixture
def unit(settlement_a, mona):
    return hf.unit(settlement_a, by=mona)


@pytest.fixture
def resident(settlement_a, alice):
    return hf.resident(settlement_a, by=alice)


def _moves(household_obj):
    return list(
        HouseholdEvent.objects.filter(aggregate=household_obj, kind__startswith="housing.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def _unit_moves(unit_obj):
    return list(
        UnitEvent.objects.filter(aggregate=unit_obj, kind__startswith="housing.moved")
        .order_by("id")
        .values_list("kind", flat=True)
    )


# --- Moving in ------------------------------------------------------------------------------


def test_a_resident_household_moves_into_a_vacant_unit(unit, resident, mona):
    occupancy = services.move_in(
        unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER, note=" from tent "
    )
    assert occupancy.unit == unit
    assert occupancy.household == resident
    assert occupancy.started_on == TODAY()
    assert occupancy.ended_on is None
    assert occupancy.note == "from tent"
    assert occupancy.settlement_id == unit.settlement_id
    assert services.current_home(resident) == occupancy
    resident.refresh_from_db()
    assert (resident.block, resident.address) == ("B01", unit.reference)
    assert _moves(resident) == ["housing.moved_in"]
    assert HouseholdEvent.objects.filter(aggregate=resident, kind="household.home_set").exists()
    assert UnitEvent.objects.get(aggregate=unit, kind="housing.moved_in").params == {
        "unit": resident.reference,
        "reason": "transfer",
    }
    assert occupancy.history.get().history_user == mona
    assert not Unit.objects.vacant().exists()
    assert list(Unit.objects.occupied()) == [unit]


def test_a_move_in_names_a_known_reason(unit, resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=unit, household=resident, by=mona, reason="squatting")
    assert caught.value.error_dict["reason"][0].code == "reason"
    assert not Occupancy.objects.exists()


def test_a_move_in_cannot_be_dated_in_the_future(unit, resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.move_in(
            unit=unit,
            household=resident,
            by=mona,
            reason=MoveReason.TRANSFER,
            day=TODAY() + timedelta(days=1),
        )
    assert caught.value.error_dict["day"][0].code == "future"
    assert not Occupancy.objects.exists()


def test_a_unit_of_another_settlement_is_refused(settlement_b, resident, adam):
    elsewhere = hf.unit(settlement_b, by=adam)
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=elsewhere, household=resident, by=adam, reason=MoveReason.TRANSFER)
    assert caught.value.code == "settlement"
    assert not Occupancy.objects.exists()


@pytest.mark.parametrize("state", [UnitState.WORKS, UnitState.UNINHABITABLE, UnitState.PLANNED])
def test_nobody_moves_into_a_unit_that_is_not_habitable(settlement_a, resident, mona, state):
    closed = hf.unit(settlement_a, by=mona, state=state)
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=closed, household=resident, by=mona, reason=MoveReason.EMERGENCY)
    assert caught.value.code == "not_habitable"
    assert not Occupancy.objects.exists()
    resident.refresh_from_db()
    assert resident.address == ""


def test_nobody_moves_into_a_unit_somebody_lives_in(settlement_a, unit, resident, alice, mona):
    hf.resident(settlement_a, home=unit, by=alice)
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    assert caught.value.code == "occupied"
    assert Occupancy.objects.count() == 1
    assert not Occupancy.objects.filter(household=resident).exists()


def test_a_household_with_a_home_is_transferred_not_moved_in_again(
    settlement_a, unit, resident, mona
):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    second = hf.unit(settlement_a, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=second, household=resident, by=mona, reason=MoveReason.TRANSFER)
    assert caught.value.code == "housed"
    assert Occupancy.objects.count() == 1


def test_a_household_bigger_than_the_unit_does_not_fit(settlement_a, resident, mona):
    small = hf.unit(settlement_a, by=mona, floor_area="13.5")  # 3 persons
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=small, household=resident, by=mona, reason=MoveReason.EMERGENCY)
    assert caught.value.code == "too_small"
    assert not Occupancy.objects.exists()


def test_a_household_already_living_there_is_recorded_even_if_crowded(settlement_a, resident, mona):
    small = hf.unit(settlement_a, by=mona, floor_area="13.5")
    occupancy = services.move_in(
        unit=small, household=resident, by=mona, reason=MoveReason.RECORDED
    )
    assert occupancy.reason == MoveReason.RECORDED


def test_only_a_resident_household_is_given_a_unit_outside_admission(
    settlement_a, unit, alice, mona
):
    applicant = household(settlement_a, by=alice)
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=unit, household=applicant, by=mona, reason=MoveReason.EMERGENCY)
    assert caught.value.code == "status"
    assert not Occupancy.objects.exists()


# --- The database holds the rule too --------------------------------------------------------


def _open_occupancy(unit_obj, household_obj):
    return Occupancy.objects.create(
        settlement_id=unit_obj.settlement_id,
        unit=unit_obj,
        household=household_obj,
        started_on=TODAY(),
        reason=MoveReason.RECORDED,
    )


def test_the_database_refuses_a_second_household_in_a_unit(settlement_a, unit, alice, mona):
    first = hf.resident(settlement_a, home=unit, by=alice)
    second = hf.resident(settlement_a, by=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        _open_occupancy(unit, second)
    assert list(Occupancy.objects.values_list("household", flat=True)) == [first.pk]


def test_the_database_refuses_a_second_home_for_a_household(settlement_a, unit, resident, mona):
    _open_occupancy(unit, resident)
    other = hf.unit(settlement_a, by=mona)
    with pytest.raises(IntegrityError), transaction.atomic():
        _open_occupancy(other, resident)
    assert Occupancy.objects.count() == 1


def test_the_database_allows_a_new_household_once_the_old_one_has_left(
    settlement_a, unit, resident, alice
):
    old = _open_occupancy(unit, resident)
    Occupancy.objects.filter(pk=old.pk).update(ended_on=TODAY())
    _open_occupancy(unit, hf.resident(settlement_a, by=alice))
    assert Occupancy.objects.filter(unit=unit).count() == 2


def test_the_database_refuses_an_occupancy_ending_before_it_starts(unit, resident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(
            settlement_id=unit.settlement_id,
            unit=unit,
            household=resident,
            started_on=date(2024, 5, 2),
            ended_on=date(2024, 5, 1),
            reason=MoveReason.RECORDED,
        )
    assert not Occupancy.objects.exists()


# --- Moving out and transfers ---------------------------------------------------------------


def test_a_household_moving_out_frees_its_unit(unit, resident, mona):
    started = TODAY() - timedelta(days=30)
    services.move_in(
        unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER, day=started
    )
    occupancy = services.move_out(
        household=resident, by=mona, end_reason=EndReason.MOVED_OUT, note="Went to Mashhad"
    )
    assert occupancy.ended_on == TODAY()
    assert occupancy.end_reason == EndReason.MOVED_OUT
    assert occupancy.note == "Went to Mashhad"
    assert services.current_home(resident) is None
    assert list(Unit.objects.vacant()) == [unit]
    resident.refresh_from_db()
    assert (resident.block, resident.address) == ("", "")
    assert _moves(resident) == ["housing.moved_in", "housing.moved_out"]
    assert _unit_moves(unit) == ["housing.moved_in", "housing.moved_out"]
    assert occupancy.history.first().history_change_reason == "Moved out"


@pytest.mark.parametrize("end_reason", ["", "evicted", EndReason.TRANSFER])
def test_a_move_out_names_why_and_is_not_a_transfer(unit, resident, mona, end_reason):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    with pytest.raises(ValidationError) as caught:
        services.move_out(household=resident, by=mona, end_reason=end_reason)
    assert caught.value.error_dict["end_reason"][0].code == "reason"
    assert services.current_home(resident) is not None


def test_a_household_without_a_home_cannot_move_out(resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.move_out(household=resident, by=mona, end_reason=EndReason.MOVED_OUT)
    assert caught.value.code == "not_housed"


def test_a_move_out_cannot_come_before_the_move_in(unit, resident, mona):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    with pytest.raises(ValidationError) as caught:
        services.move_out(
            household=resident,
            by=mona,
            end_reason=EndReason.WORKS,
            day=TODAY() - timedelta(days=1),
        )
    assert caught.value.error_dict["day"][0].code == "dates"
    assert services.current_home(resident).ended_on is None


def test_a_move_out_cannot_be_dated_in_the_future(unit, resident, mona):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    with pytest.raises(ValidationError) as caught:
        services.move_out(
            household=resident,
            by=mona,
            end_reason=EndReason.WORKS,
            day=TODAY() + timedelta(days=1),
        )
    assert caught.value.error_dict["day"][0].code == "future"


def test_a_transfer_ends_one_home_and_opens_the_next(settlement_a, unit, resident, mona):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    target = hf.unit(settlement_a, by=mona, block_code="B02")
    new = services.transfer(household=resident, to=target, by=mona, note="Nearer the school")
    old = Occupancy.objects.get(unit=unit)
    assert (old.ended_on, old.end_reason) == (TODAY(), EndReason.TRANSFER)
    assert (new.unit, new.reason, new.note) == (target, MoveReason.TRANSFER, "Nearer the school")
    resident.refresh_from_db()
    assert (resident.block, resident.address) == ("B02", target.reference)
    assert _moves(resident) == ["housing.moved_in", "housing.moved_out", "housing.moved_in"]
    assert list(Unit.objects.vacant()) == [unit]


def test_a_transfer_needs_a_reason(settlement_a, unit, resident, mona):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    target = hf.unit(settlement_a, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.transfer(household=resident, to=target, by=mona, note="  ")
    assert caught.value.error_dict["note"][0].code == "required"
    assert services.current_home(resident).unit == unit


def test_a_transfer_to_the_same_unit_is_refused(unit, resident, mona):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    with pytest.raises(ValidationError) as caught:
        services.transfer(household=resident, to=unit, by=mona, note="Again")
    assert caught.value.code == "same"


def test_a_household_without_a_home_cannot_be_transferred(unit, resident, mona):
    with pytest.raises(ValidationError) as caught:
        services.transfer(household=resident, to=unit, by=mona, note="Move")
    assert caught.value.code == "not_housed"
    assert not Occupancy.objects.exists()


def test_a_transfer_to_a_unit_somebody_lives_in_leaves_the_household_where_it_was(
    settlement_a, unit, resident, alice, mona
):
    services.move_in(unit=unit, household=resident, by=mona, reason=MoveReason.TRANSFER)
    taken = hf.unit(settlement_a, by=mona)
    hf.resident(settlement_a, home=taken, by=alice)
    with pytest.raises(ValidationError) as caught:
        services.transfer(household=resident, to=taken, by=mona, note="Swap")
    assert caught.value.code == "occupied"
    home = services.current_home(resident)
    assert home is not None
    assert home.unit == unit
    assert _moves(resident) == ["housing.moved_in"]


# --- Two clerks at once (PostgreSQL only: SQLite has no row locks) --------------------------


@pytest.mark.django_db(transaction=True)
def test_two_households_moved_into_one_unit_at_once_only_one_gets_it(settlement_a, mona):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    unit = hf.unit(settlement_a, by=mona)
    first = hf.resident(settlement_a, by=mona)
    second = hf.resident(settlement_a, by=mona)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def move(target: Household) -> None:
        try:
            start.wait(timeout=10)
            services.move_in(unit=unit, household=target, by=mona, reason=MoveReason.TRANSFER)
            outcomes.append("moved")
        except ValidationError as error:
            outcomes.append(error.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(h,)) for h in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["moved", "occupied"]
    assert Occupancy.objects.filter(unit=unit, ended_on__isnull=True).count() == 1
    assert UnitEvent.objects.filter(aggregate=unit, kind="housing.moved_in").count() == 1


def test_members_beyond_the_capacity_are_refused_at_the_boundary(settlement_a, mona, alice):
    """Exactly at capacity fits; one member more does not."""
    nine = hf.unit(settlement_a, by=mona, floor_area="18")  # 4 persons
    four = hf.resident(settlement_a, by=alice)
    services.move_in(unit=nine, household=four, by=mona, reason=MoveReason.EMERGENCY)
    five = hf.resident(
        settlement_a, by=alice, members=[*family(), member(given_name="رضا", relationship="son")]
    )
    assert five.size == 5
    other = hf.unit(settlement_a, by=mona, floor_area="18")
    with pytest.raises(ValidationError) as caught:
        services.move_in(unit=other, household=five, by=mona, reason=MoveReason.EMERGENCY)
    assert caught.value.code == "too_small"

"""Family links between households, and where a household lives: the rules of
mehman.registry.services.links."""

from __future__ import annotations

from typing import Any

import pytest

from mehman.registry import services
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    HouseholdLink,
    HouseholdStatus,
    Kinship,
)
from mehman.registry.tests.factories import household
from mehman.registry.tests.test_services import fresh, kinds, recorded, refused_keeping


def _snapshot() -> dict[str, Any]:
    return {
        "links": list(HouseholdLink.objects.order_by("pk").values()),
        "link history": HouseholdLink.history.count(),
        "households": list(Household.objects.order_by("pk").values()),
        "events": HouseholdEvent.objects.count(),
    }


def refused(code: str):
    return refused_keeping(_snapshot, code)


@pytest.fixture
def pair(settlement_a, alice):
    return household(settlement_a, by=alice), household(settlement_a, by=alice, status="resident")


# --- link_households ------------------------------------------------------------------------


def test_two_households_of_one_family_are_linked_on_both_timelines(pair, alice):
    first, second = pair
    with recorded() as events:
        link = services.link_households(
            household=second, other=first, kinship=Kinship.SIBLINGS, by=alice, note=" Brothers "
        )
    # Stored once per pair, the lower id first, whichever way round it was asked.
    assert (link.household, link.other) == (first, second)
    assert (link.kinship, link.note) == (Kinship.SIBLINGS, "Brothers")
    assert kinds(events) == [
        (first.reference, "household.linked"),
        (second.reference, "household.linked"),
    ]
    assert events[0].params == {"other": second.reference, "kinship": "siblings"}
    assert events[1].params == {"other": first.reference, "kinship": "siblings"}
    assert all(event.by == alice for event in events)
    row = link.history.get()
    assert (row.history_type, row.history_user) == ("+", alice)
    assert row.history_change_reason == "Households linked"


def test_related_households_are_seen_from_either_side(settlement_a, pair, alice):
    first, second = pair
    third = household(settlement_a, by=alice)
    services.link_households(household=first, other=second, kinship="siblings", by=alice)
    services.link_households(household=third, other=first, kinship="parent_child", by=alice)
    assert set(services.related_households(first)) == {second, third}
    assert services.related_households(second) == [first]
    assert services.related_households(third) == [first]


def test_a_kinship_must_be_one_of_the_known_ones(pair, alice):
    first, second = pair
    with refused("kinship") as caught:
        services.link_households(household=first, other=second, kinship="cousins", by=alice)
    assert "kinship" in caught.value.error_dict


def test_a_household_cannot_be_linked_to_itself(pair, alice):
    first, _second = pair
    with refused("self"):
        services.link_households(household=first, other=first, kinship="siblings", by=alice)


def test_households_are_linked_only_once_whichever_way_round(pair, alice):
    first, second = pair
    services.link_households(household=first, other=second, kinship="siblings", by=alice)
    with refused("duplicate"):
        services.link_households(household=second, other=first, kinship="extended", by=alice)
    with refused("duplicate"):
        services.link_households(household=first, other=second, kinship="siblings", by=alice)


def test_households_of_two_settlements_cannot_be_linked(pair, settlement_b, adam):
    first, _second = pair
    elsewhere = household(settlement_b, by=adam)
    with refused("settlement"):
        services.link_households(household=first, other=elsewhere, kinship="siblings", by=adam)


@pytest.mark.parametrize("status", [HouseholdStatus.DEPARTED, HouseholdStatus.CLOSED])
def test_a_household_no_longer_open_cannot_be_linked(pair, alice, status):
    first, second = pair  # the second is a resident: it may depart or close
    services.change_status(household=second, status=status, by=alice, reason="Left")
    with refused("closed") as caught:
        services.link_households(household=first, other=second, kinship="siblings", by=alice)
    assert second.reference in caught.value.messages[0]
    with refused("closed"):
        services.link_households(household=second, other=first, kinship="siblings", by=alice)


# --- unlink_households ----------------------------------------------------------------------


def test_a_link_recorded_in_error_is_removed_with_a_reason_on_both_timelines(pair, alice, mona):
    first, second = pair
    link = services.link_households(household=first, other=second, kinship="siblings", by=alice)
    with recorded() as events:
        services.unlink_households(link=link, by=mona, reason="Not related after all")
    assert not HouseholdLink.objects.exists()
    assert kinds(events) == [
        (first.reference, "household.unlinked"),
        (second.reference, "household.unlinked"),
    ]
    assert events[0].params == {"other": second.reference, "reason": "Not related after all"}
    assert events[1].params == {"other": first.reference, "reason": "Not related after all"}
    removed = HouseholdLink.history.filter(history_type="-").get()
    assert removed.history_user == mona
    assert removed.history_change_reason == "Not related after all"
    assert services.related_households(first) == []


def test_removing_a_link_needs_a_reason(pair, alice):
    first, second = pair
    link = services.link_households(household=first, other=second, kinship="siblings", by=alice)
    with refused("required") as caught:
        services.unlink_households(link=link, by=alice, reason="   ")
    assert "reason" in caught.value.error_dict


def test_households_unlinked_may_be_linked_again(pair, alice):
    first, second = pair
    link = services.link_households(household=first, other=second, kinship="siblings", by=alice)
    services.unlink_households(link=link, by=alice, reason="Wrong kinship")
    again = services.link_households(
        household=first, other=second, kinship="parent_child", by=alice
    )
    assert again.kinship == Kinship.PARENT_CHILD


# --- set_home -------------------------------------------------------------------------------


def test_where_a_household_lives_is_recorded_with_the_reason(pair, mona):
    _first, resident = pair
    with recorded() as events:
        services.set_home(
            household=resident, block="B01", address="TJ-B01-007", by=mona, reason="Moved in"
        )
    now = fresh(resident)
    assert (now.block, now.address) == ("B01", "TJ-B01-007")
    assert now.version == resident.version + 1
    assert kinds(events) == [(resident.reference, "household.home_set")]
    assert events[0].params == {
        "block": "B01",
        "address": "TJ-B01-007",
        "reason": "Moved in",
    }
    assert now.history.first().history_change_reason == "Moved in"


def test_the_same_home_again_writes_nothing(pair, mona):
    _first, resident = pair
    services.set_home(household=resident, block="B01", address="X", by=mona, reason="In")
    before = _snapshot()
    services.set_home(household=resident, block="B01", address="X", by=mona, reason="Again")
    assert _snapshot() == before


def test_leaving_clears_the_home(pair, mona):
    _first, resident = pair
    services.set_home(household=resident, block="B01", address="X", by=mona, reason="In")
    services.set_home(household=resident, block="", address="", by=mona, reason="Left")
    now = fresh(resident)
    assert (now.block, now.address) == ("", "")
    assert HouseholdEvent.objects.filter(aggregate=resident, kind="household.home_set").count() == 2

"""Households splitting, merging and merges undone."""

from __future__ import annotations

from django.utils.translation import gettext

from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import HouseholdStatus, Relationship
from mehman.registry.tests.factories import household, member
from mehman.registry.tests.test_services import fresh, kinds, people, recorded, refused

# --- split_household --------------------------------------------------------------------------


def _big_household(settlement, by):
    return household(
        settlement,
        by=by,
        status=HouseholdStatus.RESIDENT,
        members=[
            member(),
            member(given_name="فاطمه", sex="F", relationship=Relationship.SPOUSE),
            member(given_name="رضا", relationship=Relationship.SON),
            member(given_name="مریم", sex="F", relationship=Relationship.DAUGHTER_IN_LAW),
            member(
                given_name="یاسین", relationship=Relationship.GRANDCHILD, marital_status="single"
            ),
        ],
    )


def test_a_split_forms_a_new_household_with_its_own_head_and_reference(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    members = people(old)
    moving = [members["رضا"], members["مریم"], members["یاسین"]]

    with recorded() as events:
        new = services.split_household(
            household=old, members=moving, new_head=members["رضا"], by=alice, block="C"
        )

    assert new.reference == "TJ-000002"
    assert new.status == HouseholdStatus.RESIDENT
    assert new.block == "C"
    assert fresh(new).head == members["رضا"]
    assert set(people(new)) == {"رضا", "مریم", "یاسین"}
    assert people(new)["رضا"].relationship == Relationship.HEAD
    assert people(new)["مریم"].relationship == Relationship.DAUGHTER_IN_LAW
    assert fresh(old).head == members["علی"]
    assert (fresh(old).size, fresh(new).size) == (2, 3)
    assert kinds(events) == [
        ("TJ-000001", registry_events.SPLIT_FROM.code),
        ("TJ-000002", registry_events.SPLIT_INTO.code),
    ]
    assert events[0].params == {"count": 3, "other": "TJ-000002"}
    assert events[1].params == {"count": 3, "other": "TJ-000001"}
    assert fresh(new).history.first().history_user == alice
    assert people(new)["مریم"].history.first().history_change_reason == gettext("Split")


def test_a_spouse_who_leaves_without_heading_is_an_other_relative(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    members = people(old)
    new = services.split_household(
        household=old, members=[members["فاطمه"], members["رضا"]], new_head=members["رضا"], by=alice
    )

    assert people(new)["فاطمه"].relationship == Relationship.OTHER_RELATIVE


def test_the_head_stays_in_a_split(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    members = people(old)
    with refused("head"):
        services.split_household(
            household=old,
            members=[members["علی"], members["رضا"]],
            new_head=members["رضا"],
            by=alice,
        )


def test_the_new_head_is_one_of_those_leaving(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    members = people(old)
    with refused("new_head"):
        services.split_household(
            household=old, members=[members["رضا"]], new_head=members["مریم"], by=alice
        )


def test_a_split_moves_members_of_this_household_only(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    stranger = household(settlement_a, by=alice).head
    with refused("members"):
        services.split_household(household=old, members=[], new_head=stranger, by=alice)
    with refused("members"):
        services.split_household(household=old, members=[stranger], new_head=stranger, by=alice)


def test_a_closed_household_does_not_split(settlement_a, alice):
    old = _big_household(settlement_a, alice)
    services.change_status(household=old, status=HouseholdStatus.CLOSED, by=alice)
    son = people(old)["رضا"]
    with refused("closed"):
        services.split_household(household=old, members=[son], new_head=son, by=alice)


# --- merge_households / unmerge_households --------------------------------------------------------


def test_a_merge_moves_every_member_and_closes_the_absorbed_household(settlement_a, alice):
    keep = household(settlement_a, by=alice)
    absorb = household(
        settlement_a,
        by=alice,
        status=HouseholdStatus.RESIDENT,
        members=[
            member(given_name="غلام", father_name="نبی"),
            member(given_name="گل", sex="F", relationship=Relationship.SPOUSE),
            member(given_name="نبی", relationship=Relationship.SON, marital_status="single"),
        ],
    )

    with recorded() as events:
        services.merge_households(
            keep=keep, absorb=absorb, by=alice, former_head_relationship=Relationship.BROTHER
        )

    moved = people(keep)
    assert set(moved) == {"علی", "فاطمه", "حسین", "زهرا", "غلام", "گل", "نبی"}
    assert moved["غلام"].relationship == Relationship.BROTHER
    assert moved["گل"].relationship == Relationship.OTHER_RELATIVE
    assert moved["نبی"].relationship == Relationship.SON
    assert fresh(keep).head.given_name == "علی"
    assert (fresh(keep).size, fresh(absorb).size) == (7, 0)
    assert fresh(absorb).status == HouseholdStatus.CLOSED
    assert fresh(absorb).merged_into == keep
    assert kinds(events) == [
        ("TJ-000002", registry_events.MERGED_AWAY.code),
        ("TJ-000001", registry_events.MERGED_IN.code),
    ]
    assert events[0].params["previous"]["status"] == "resident"
    assert events[1].params == {"count": 3, "other": "TJ-000002"}


def test_an_unmerge_puts_members_statuses_and_head_back(settlement_a, alice, mona):
    keep = household(settlement_a, by=alice)
    absorb = household(
        settlement_a,
        by=alice,
        status=HouseholdStatus.RESIDENT,
        members=[
            member(given_name="غلام"),
            member(given_name="گل", sex="F", relationship=Relationship.SPOUSE),
        ],
    )
    services.merge_households(keep=keep, absorb=absorb, by=alice)
    histories = (fresh(keep).history.count(), fresh(absorb).history.count())

    with recorded() as events:
        services.unmerge_households(absorbed=absorb, by=mona)

    back = people(absorb)
    assert set(back) == {"غلام", "گل"}
    assert back["غلام"].relationship == Relationship.HEAD
    assert back["گل"].relationship == Relationship.SPOUSE
    absorb, keep = fresh(absorb), fresh(keep)
    assert absorb.head == back["غلام"]
    assert absorb.status == HouseholdStatus.RESIDENT
    assert absorb.merged_into is None
    assert (keep.size, absorb.size) == (4, 2)
    assert set(people(keep)) == {"علی", "فاطمه", "حسین", "زهرا"}
    assert kinds(events) == [
        ("TJ-000002", registry_events.UNMERGED.code),
        ("TJ-000001", registry_events.UNMERGED.code),
    ]
    assert all(event.by == mona for event in events)
    assert keep.history.count() > histories[0]
    assert absorb.history.count() > histories[1]
    assert keep.events.filter(kind=registry_events.MERGED_IN.code).exists()
    assert absorb.events.filter(kind=registry_events.MERGED_AWAY.code).exists()
    assert absorb.history.first().history_user == mona


def test_a_second_merge_after_an_unmerge_is_undone_from_its_own_record(settlement_a, alice):
    keep = household(settlement_a, by=alice)
    absorb = household(settlement_a, by=alice, members=[member(given_name="غلام")])
    services.merge_households(keep=keep, absorb=absorb, by=alice)
    services.unmerge_households(absorbed=absorb, by=alice)
    services.change_status(household=absorb, status=HouseholdStatus.RESIDENT, by=alice)
    services.merge_households(keep=keep, absorb=absorb, by=alice)

    services.unmerge_households(absorbed=absorb, by=alice)

    assert fresh(absorb).status == HouseholdStatus.RESIDENT
    assert set(people(absorb)) == {"غلام"}


def test_a_household_cannot_merge_with_itself(settlement_a, alice):
    keep = household(settlement_a, by=alice)
    with refused("same"):
        services.merge_households(keep=keep, absorb=keep, by=alice)


def test_households_of_different_settlements_do_not_merge(settlement_a, settlement_b, alice, bob):
    keep = household(settlement_a, by=alice)
    absorb = household(settlement_b, by=bob)
    with refused("settlement"):
        services.merge_households(keep=keep, absorb=absorb, by=alice)


def test_a_closed_household_does_not_merge(settlement_a, alice):
    keep = household(settlement_a, by=alice)
    absorb = household(settlement_a, by=alice)
    services.change_status(household=absorb, status=HouseholdStatus.CLOSED, by=alice)
    with refused("closed"):
        services.merge_households(keep=keep, absorb=absorb, by=alice)
    with refused("closed"):
        services.merge_households(keep=absorb, absorb=keep, by=alice)


def test_a_household_that_was_not_merged_cannot_be_unmerged(settlement_a, alice):
    never_merged = household(settlement_a, by=alice)
    with refused("not_merged"):
        services.unmerge_households(absorbed=never_merged, by=alice)


def test_a_merge_is_not_undone_while_a_member_who_came_with_it_heads_the_household(
    settlement_a, alice
):
    keep = household(settlement_a, by=alice)
    absorb = household(settlement_a, by=alice, members=[member(given_name="غلام")])
    services.merge_households(keep=keep, absorb=absorb, by=alice)
    services.change_head(household=keep, new_head=people(keep)["غلام"], by=alice)

    with refused("head"):
        services.unmerge_households(absorbed=absorb, by=alice)

    assert fresh(keep).head.household == keep

"""Births, deaths and marriages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.translation import gettext

from mehman.core import dates
from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import (
    HouseholdStatus,
    IndividualStatus,
    MaritalStatus,
    Relationship,
)
from mehman.registry.tests.factories import household, member
from mehman.registry.tests.test_services import fresh, kinds, people, recorded, refused

# --- record_birth -----------------------------------------------------------------------------


@pytest.mark.parametrize(("sex", "relationship"), [("M", "son"), ("F", "daughter")])
def test_a_child_of_the_head_and_spouse_is_their_son_or_daughter(
    settlement_a, alice, sex, relationship
):
    registered = household(settlement_a, by=alice)
    members = people(registered)
    born = date(2024, 2, 1)

    with recorded() as events:
        child = services.record_birth(
            household=registered,
            by=alice,
            given_name="مهدی",
            sex=sex,
            birth_date=born,
            mother=members["فاطمه"],
            father=members["علی"],
        )

    assert child.relationship == relationship
    assert (child.family_name, child.father_name, child.grandfather_name) == (
        "کریمی",
        "علی",
        "محمد",
    )
    assert child.birth_date == born
    assert child.birth_date_estimated is False
    assert child.marital_status == MaritalStatus.SINGLE
    assert fresh(registered).size == 5
    assert kinds(events) == [("TJ-000001", registry_events.BIRTH.code)]
    assert events[0].params == {
        "member": "مهدی",
        "individual": str(child.uuid),
        "birth_date": "2024-02-01",
    }
    assert [row.history_user for row in child.history.all()] == [alice]


def test_a_child_of_a_son_is_a_grandchild_of_the_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    son = people(registered)["حسین"]
    wife = services.add_member(
        household=registered,
        by=alice,
        **member(given_name="مریم", sex="F", relationship=Relationship.DAUGHTER_IN_LAW),
    )

    child = services.record_birth(
        household=registered,
        by=alice,
        given_name="یاسین",
        sex="M",
        birth_date=date(2024, 2, 1),
        mother=wife,
        father=son,
    )

    assert child.relationship == Relationship.GRANDCHILD
    assert (child.father_name, child.family_name) == ("حسین", "کریمی")


def test_a_child_of_the_head_alone_is_a_child_of_the_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    child = services.record_birth(
        household=registered,
        by=alice,
        given_name="رقیه",
        sex="F",
        birth_date=date(2024, 2, 1),
        father=registered.head,
    )

    assert child.relationship == Relationship.DAUGHTER


def test_without_a_father_the_child_takes_the_mothers_family_name(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    child = services.record_birth(
        household=registered,
        by=alice,
        given_name="رقیه",
        sex="F",
        birth_date=date(2024, 2, 1),
        mother=people(registered)["فاطمه"],
    )

    assert child.family_name == "احمدی"
    assert child.father_name == ""


def test_a_family_name_given_wins(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    child = services.record_birth(
        household=registered,
        by=alice,
        given_name="رقیه",
        sex="F",
        birth_date=date(2024, 2, 1),
        father=registered.head,
        family_name="جعفری",
    )

    assert child.family_name == "جعفری"


def test_a_child_without_recorded_parents_is_an_other_relative(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    child = services.record_birth(
        household=registered, by=alice, given_name="رقیه", sex="F", birth_date=date(2024, 2, 1)
    )

    assert child.relationship == Relationship.OTHER_RELATIVE


def test_a_parent_from_another_household_is_refused(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    other_mother = people(household(settlement_a, by=alice))["فاطمه"]
    with refused("parent"):
        services.record_birth(
            household=registered,
            by=alice,
            given_name="رقیه",
            sex="F",
            birth_date=date(2024, 2, 1),
            mother=other_mother,
        )


def test_a_deceased_parent_is_refused(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    mother = people(registered)["فاطمه"]
    services.record_death(person=mother, died_on=dates.today(), by=alice)
    with refused("parent"):
        services.record_birth(
            household=registered,
            by=alice,
            given_name="رقیه",
            sex="F",
            birth_date=date(2024, 2, 1),
            mother=fresh(mother),
        )


def test_the_mother_must_be_a_woman(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("parent"):
        services.record_birth(
            household=registered,
            by=alice,
            given_name="رقیه",
            sex="F",
            birth_date=date(2024, 2, 1),
            mother=registered.head,
        )


def test_the_father_must_be_a_man(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("parent"):
        services.record_birth(
            household=registered,
            by=alice,
            given_name="رقیه",
            sex="F",
            birth_date=date(2024, 2, 1),
            father=people(registered)["فاطمه"],
        )


def test_a_birth_in_the_future_is_refused(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("future_birth"):
        services.record_birth(
            household=registered,
            by=alice,
            given_name="رقیه",
            sex="F",
            birth_date=dates.today() + timedelta(days=1),
            father=registered.head,
        )


def test_no_birth_is_recorded_in_a_closed_household(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    services.change_status(household=registered, status=HouseholdStatus.CLOSED, by=alice)
    with refused("closed"):
        services.record_birth(
            household=registered, by=alice, given_name="رقیه", sex="F", birth_date=date(2024, 2, 1)
        )


# --- record_death -----------------------------------------------------------------------------


def test_a_death_is_recorded_and_the_member_stays_on_record(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    son = people(registered)["حسین"]
    day = date(2024, 8, 1)

    with recorded() as events:
        services.record_death(person=son, died_on=day, by=alice)

    son = fresh(son)
    assert (son.status, son.died_on) == (IndividualStatus.DECEASED, day)
    # Born 2015-06-01, died 2024-08-01: his age stays the age he died at.
    assert son.age == 9
    assert son.household == registered
    assert fresh(registered).size == 3
    assert fresh(registered).status == HouseholdStatus.APPLICANT
    assert kinds(events) == [("TJ-000001", registry_events.DEATH.code)]
    assert events[0].params == {
        "member": "حسین",
        "individual": str(son.uuid),
        "died_on": "2024-08-01",
    }
    latest = son.history.first()
    # The reason is kept in the words the acting user works in.
    assert (latest.history_user, latest.history_change_reason) == (alice, gettext("Death"))


def test_when_the_head_dies_the_new_head_must_be_chosen(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("new_head"):
        services.record_death(person=registered.head, died_on=dates.today(), by=alice)


def test_the_new_head_must_be_a_living_member_of_the_household(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    stranger = household(settlement_a, by=alice).head
    with refused("new_head"):
        services.record_death(
            person=registered.head, died_on=dates.today(), by=alice, new_head=stranger
        )
    with refused("new_head"):
        services.record_death(
            person=registered.head, died_on=dates.today(), by=alice, new_head=registered.head
        )


def test_the_head_who_dies_is_succeeded_and_the_spouse_widowed(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    members = people(registered)

    with recorded() as events:
        services.record_death(
            person=members["علی"], died_on=dates.today(), by=alice, new_head=members["فاطمه"]
        )

    members = people(registered)
    assert fresh(registered).head == members["فاطمه"]
    assert members["فاطمه"].relationship == Relationship.HEAD
    assert members["فاطمه"].marital_status == MaritalStatus.WIDOWED
    assert members["علی"].status == IndividualStatus.DECEASED
    # One head only: the late head is now the widow's spouse on record.
    assert members["علی"].relationship == Relationship.SPOUSE
    assert kinds(events) == [
        ("TJ-000001", registry_events.DEATH.code),
        ("TJ-000001", registry_events.HEAD_CHANGED.code),
    ]


def test_a_head_succeeded_by_a_son_becomes_his_father_on_record(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    members = people(registered)
    services.record_death(
        person=members["علی"], died_on=dates.today(), by=alice, new_head=members["حسین"]
    )

    members = people(registered)
    assert members["علی"].relationship == Relationship.FATHER
    assert [m for m in members.values() if m.relationship == Relationship.HEAD] == [members["حسین"]]


def test_when_the_spouse_dies_the_head_is_widowed(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    services.record_death(person=people(registered)["فاطمه"], died_on=dates.today(), by=alice)

    members = people(registered)
    assert members["علی"].marital_status == MaritalStatus.WIDOWED
    assert members["حسین"].marital_status == MaritalStatus.SINGLE


def test_when_the_last_member_dies_the_household_is_closed(settlement_a, alice):
    registered = household(settlement_a, by=alice, members=[member()])
    services.record_death(person=registered.head, died_on=dates.today(), by=alice)

    assert fresh(registered).status == HouseholdStatus.CLOSED
    assert fresh(registered).size == 0


def test_a_death_in_the_future_is_refused(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    with refused("date"):
        services.record_death(person=son, died_on=dates.today() + timedelta(days=1), by=alice)


def test_a_death_before_birth_is_refused(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    with refused("date"):
        services.record_death(person=son, died_on=son.birth_date - timedelta(days=1), by=alice)


def test_a_death_on_the_day_of_birth_or_today_is_accepted(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    services.record_death(person=members["حسین"], died_on=members["حسین"].birth_date, by=alice)
    services.record_death(person=members["زهرا"], died_on=dates.today(), by=alice)

    assert fresh(members["حسین"]).status == fresh(members["زهرا"]).status == "deceased"


def test_a_death_is_recorded_once(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    services.record_death(person=son, died_on=dates.today(), by=alice)
    with refused("inactive"):
        services.record_death(person=son, died_on=dates.today(), by=alice)


# --- record_marriage --------------------------------------------------------------------------


def test_a_daughter_marries_into_another_household_as_daughter_in_law(settlement_a, alice):
    hers = household(settlement_a, by=alice)
    his = household(settlement_a, by=alice)
    bride = people(hers)["زهرا"]
    groom = people(his)["حسین"]

    with recorded() as events:
        services.record_marriage(person=bride, spouse=groom, married_on=dates.today(), by=alice)

    bride, groom = fresh(bride), fresh(groom)
    assert bride.household == his
    assert bride.relationship == Relationship.DAUGHTER_IN_LAW
    assert bride.marital_status == groom.marital_status == MaritalStatus.MARRIED
    assert (fresh(hers).size, fresh(his).size) == (3, 5)
    assert kinds(events) == [
        ("TJ-000001", registry_events.MARRIED_OUT.code),
        ("TJ-000002", registry_events.MARRIED_IN.code),
    ]
    assert events[0].params["other"] == "TJ-000002"
    assert events[1].params["other"] == "TJ-000001"
    assert bride.history.first().history_change_reason == gettext("Marriage")


def test_a_son_marrying_into_his_brides_household_is_a_son_in_law(settlement_a, alice):
    his = household(settlement_a, by=alice)
    hers = household(settlement_a, by=alice)
    groom = people(his)["حسین"]
    services.record_marriage(
        person=groom, spouse=people(hers)["زهرا"], married_on=dates.today(), by=alice
    )

    assert fresh(groom).relationship == Relationship.SON_IN_LAW


def test_a_woman_alone_marrying_a_head_becomes_his_spouse_and_her_household_closes(
    settlement_a, alice
):
    alone = household(
        settlement_a,
        by=alice,
        members=[member(given_name="مریم", sex="F", marital_status="widowed")],
    )
    his = household(settlement_a, by=alice, members=[member(marital_status="widowed")])

    services.record_marriage(person=alone.head, spouse=his.head, married_on=dates.today(), by=alice)

    assert fresh(alone.head).relationship == Relationship.SPOUSE
    assert fresh(alone.head).household == his
    assert fresh(alone).status == HouseholdStatus.CLOSED
    assert fresh(alone).size == 0
    assert fresh(his).size == 2


def test_a_head_who_leaves_on_marriage_needs_a_new_head(settlement_a, alice):
    leaving = household(
        settlement_a,
        by=alice,
        members=[
            member(given_name="مریم", sex="F", marital_status="widowed"),
            member(given_name="رضا", relationship=Relationship.SON, marital_status="single"),
        ],
    )
    his = household(settlement_a, by=alice, members=[member(marital_status="widowed")])
    with refused("new_head"):
        services.record_marriage(
            person=leaving.head, spouse=his.head, married_on=dates.today(), by=alice
        )
    with refused("new_head"):
        services.record_marriage(
            person=leaving.head,
            spouse=his.head,
            married_on=dates.today(),
            by=alice,
            new_head=his.head,
        )

    son = people(leaving)["رضا"]
    with recorded() as events:
        services.record_marriage(
            person=leaving.head, spouse=his.head, married_on=dates.today(), by=alice, new_head=son
        )

    assert fresh(leaving).head == son
    assert fresh(son).relationship == Relationship.HEAD
    assert fresh(leaving).status == HouseholdStatus.APPLICANT
    assert kinds(events) == [
        ("TJ-000001", registry_events.HEAD_CHANGED.code),
        ("TJ-000001", registry_events.MARRIED_OUT.code),
        ("TJ-000002", registry_events.MARRIED_IN.code),
    ]


def test_people_of_different_settlements_are_not_married_here(
    settlement_a, settlement_b, alice, bob
):
    bride = people(household(settlement_a, by=alice))["زهرا"]
    groom = people(household(settlement_b, by=bob))["حسین"]
    with refused("settlement"):
        services.record_marriage(person=bride, spouse=groom, married_on=dates.today(), by=alice)


def test_a_married_woman_is_not_married_again(settlement_a, alice):
    wife = people(household(settlement_a, by=alice))["فاطمه"]
    groom = people(household(settlement_a, by=alice))["حسین"]
    with refused("married"):
        services.record_marriage(person=wife, spouse=groom, married_on=dates.today(), by=alice)


def test_a_married_woman_is_not_married_again_when_she_is_the_spouse(settlement_a, alice):
    wife = people(household(settlement_a, by=alice))["فاطمه"]
    groom = people(household(settlement_a, by=alice))["حسین"]
    with refused("married"):
        services.record_marriage(person=groom, spouse=wife, married_on=dates.today(), by=alice)


def test_nobody_marries_themselves_or_the_dead(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    groom = people(household(settlement_a, by=alice))["حسین"]
    with refused("spouse"):
        services.record_marriage(
            person=members["زهرا"], spouse=members["زهرا"], married_on=dates.today(), by=alice
        )
    services.record_death(person=groom, died_on=dates.today(), by=alice)
    with refused("spouse"):
        services.record_marriage(
            person=members["زهرا"], spouse=groom, married_on=dates.today(), by=alice
        )


def test_a_marriage_in_the_future_is_refused(settlement_a, alice):
    bride = people(household(settlement_a, by=alice))["زهرا"]
    groom = people(household(settlement_a, by=alice))["حسین"]
    with refused("date"):
        services.record_marriage(
            person=bride, spouse=groom, married_on=dates.today() + timedelta(days=1), by=alice
        )


def test_nobody_marries_into_a_closed_household(settlement_a, alice):
    bride = people(household(settlement_a, by=alice))["زهرا"]
    closed = household(settlement_a, by=alice)
    groom = people(closed)["حسین"]
    services.change_status(household=closed, status=HouseholdStatus.CLOSED, by=alice)
    with refused("closed"):
        services.record_marriage(person=bride, spouse=groom, married_on=dates.today(), by=alice)


def test_a_marriage_inside_one_household_moves_nobody(settlement_a, alice):
    registered = household(
        settlement_a,
        by=alice,
        members=[
            member(),
            member(given_name="رضا", relationship=Relationship.SON, marital_status="single"),
            member(
                given_name="مریم",
                sex="F",
                relationship=Relationship.OTHER_RELATIVE,
                marital_status="single",
            ),
        ],
    )
    members = people(registered)

    with recorded() as events:
        services.record_marriage(
            person=members["مریم"], spouse=members["رضا"], married_on=dates.today(), by=alice
        )

    members = people(registered)
    assert members["مریم"].marital_status == members["رضا"].marital_status == "married"
    assert members["مریم"].relationship == Relationship.OTHER_RELATIVE
    assert fresh(registered).size == 3
    assert kinds(events) == [("TJ-000001", registry_events.MARRIAGE.code)]

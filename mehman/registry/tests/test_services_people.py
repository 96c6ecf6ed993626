"""People registered twice: a duplicate record merged into the one kept, and the merge undone."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from mehman.core import names
from mehman.registry import departures, services
from mehman.registry import events as registry_events
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    Relationship,
)
from mehman.registry.tests.factories import household, member
from mehman.registry.tests.test_services import fresh, kinds, people, recorded, refused

backfill_migration = importlib.import_module(
    "mehman.registry.migrations.0006_backfill_name_skeletons"
)


@pytest.fixture
def leaving() -> Iterator[list[tuple[str, str, str]]]:
    """The households the registry reports as leaving (reference, status, cause)."""
    seen: list[tuple[str, str, str]] = []

    def handler(household: Household, status: str, cause: str, by: Any, day: date) -> None:
        seen.append((household.reference, status, cause))

    departures.register("test_people", handler)
    yield seen
    departures._HANDLERS.pop("test_people", None)


def karimi(settlement: Any, by: Any, **kwargs: Any) -> Household:
    """TJ-000001 style: علی کریمی, his wife, a son and a daughter (the factory's family)."""
    return household(settlement, by=by, **kwargs)


def with_a_second_record_of_ali(settlement: Any, by: Any, **kwargs: Any) -> Household:
    """A brother's household in which علی was registered again, as a brother of its head."""
    return household(
        settlement,
        by=by,
        members=[
            member(given_name="رضا", father_name="محمد"),
            member(given_name="علي", relationship=Relationship.BROTHER),  # Arabic yeh
        ],
        **kwargs,
    )


def alone(settlement: Any, by: Any, **kwargs: Any) -> Household:
    """علی registered again, alone, as the head of a household of one."""
    return household(settlement, by=by, members=[member(given_name="علي")], **kwargs)


# --- merge_individuals ----------------------------------------------------------------------------


def test_a_duplicate_stays_on_file_merged_into_the_record_kept(settlement_a, alice):
    kept_home = karimi(settlement_a, alice)
    home = with_a_second_record_of_ali(settlement_a, alice)
    keep, duplicate = kept_home.head, people(home)["علي"]

    with recorded() as events:
        result = services.merge_individuals(
            keep=keep, duplicate=duplicate, by=alice, reason="Same Amayesh card"
        )

    assert result == keep
    duplicate = fresh(duplicate)
    assert duplicate.status == IndividualStatus.MERGED
    assert duplicate.merged_into == keep
    assert duplicate.household == home  # nothing moves
    assert list(keep.merged_records.all()) == [duplicate]
    assert fresh(keep).status == IndividualStatus.ACTIVE
    assert fresh(home).status == HouseholdStatus.APPLICANT
    assert fresh(home).merged_into is None
    assert (fresh(home).size, fresh(kept_home).size) == (1, 4)
    assert kinds(events) == [
        ("TJ-000002", registry_events.PERSON_MERGED_AWAY.code),
        ("TJ-000001", registry_events.PERSON_MERGED_IN.code),
    ]
    away, merged_in = events
    assert away.params == {
        "member": "علي",
        "other": "TJ-000001",
        "individual": str(duplicate.uuid),
        "into": str(keep.uuid),
        "reason": "Same Amayesh card",
        "previous": {"status": HouseholdStatus.APPLICANT, "closed": False},
    }
    assert merged_in.params["member"] == "علی"
    assert merged_in.params["other"] == "TJ-000002"
    assert merged_in.params["duplicate"] == str(duplicate.uuid)
    assert all(event.by == alice for event in events)
    assert registry_events.PERSON_MERGED_AWAY.summarise(away.params) == gettext(
        "{member}: the same person as a member of {other}"
    ).format(member="علي", other="TJ-000001")


def test_both_records_keep_their_history(settlement_a, alice, mona):
    keep = karimi(settlement_a, alice).head
    duplicate = people(with_a_second_record_of_ali(settlement_a, alice))["علي"]
    before = (keep.history.count(), duplicate.history.count())
    versions = (keep.version, duplicate.version)

    services.merge_individuals(keep=keep, duplicate=duplicate, by=mona)

    keep, duplicate = fresh(keep), fresh(duplicate)
    assert (keep.history.count(), duplicate.history.count()) == (before[0] + 1, before[1] + 1)
    latest = duplicate.history.first()
    assert latest.status == IndividualStatus.MERGED
    assert latest.merged_into_id == keep.pk
    assert latest.history_user == mona
    assert latest.history_change_reason == gettext("Merged as a duplicate record")
    assert duplicate.history.last().status == IndividualStatus.ACTIVE  # as registered
    assert keep.history.first().history_user == mona
    # The duplicate changed; the record kept did not (an editor of it is not made to reload).
    assert (keep.version, duplicate.version) == (versions[0], versions[1] + 1)


def test_a_merged_person_is_no_longer_a_member_anywhere_they_are_counted(settlement_a, alice):
    keep = karimi(settlement_a, alice).head
    home = with_a_second_record_of_ali(settlement_a, alice)
    duplicate = people(home)["علي"]

    services.merge_individuals(keep=keep, duplicate=duplicate, by=alice)

    assert list(fresh(home).active_members()) == [fresh(home).head]
    assert not Individual.objects.active().filter(pk=duplicate.pk).exists()
    assert not fresh(duplicate).is_active
    assert fresh(duplicate).is_merged
    assert fresh(home).size == 1


def test_the_duplicates_documents_stay_with_its_record(settlement_a, alice):
    keep = karimi(settlement_a, alice).head
    duplicate = people(with_a_second_record_of_ali(settlement_a, alice))["علي"]
    card = services.add_document(
        person=duplicate, by=alice, doc_type="amayesh", number_typed="123456789"
    )

    services.merge_individuals(keep=keep, duplicate=duplicate, by=alice)

    assert fresh(card).individual == duplicate
    assert list(IdentityDocument.objects.filter(individual=keep)) == []


def test_a_household_left_without_members_closes_into_the_kept_ones(settlement_a, alice, leaving):
    kept_home = karimi(settlement_a, alice)
    home = alone(settlement_a, alice, status=HouseholdStatus.RESIDENT)

    with recorded() as events:
        services.merge_individuals(keep=kept_home.head, duplicate=home.head, by=alice)

    home = fresh(home)
    assert home.status == HouseholdStatus.CLOSED
    assert home.merged_into == kept_home
    assert home.size == 0
    assert home.head.is_merged  # the head stays recorded as it was
    assert leaving == [("TJ-000002", HouseholdStatus.CLOSED, departures.MERGE)]
    assert events[0].params["previous"] == {"status": HouseholdStatus.RESIDENT, "closed": True}
    assert home.history.first().status == HouseholdStatus.CLOSED


def test_a_departure_refused_by_an_app_above_refuses_the_whole_merge(settlement_a, alice):
    kept_home = karimi(settlement_a, alice)
    home = alone(settlement_a, alice)

    def refuse(household: Household, status: str, cause: str, by: Any, day: date) -> None:
        raise ValidationError("The household has open commitments.", code="open_term")

    departures.register("test_refuse", refuse)
    try:
        with refused("open_term"):
            services.merge_individuals(keep=kept_home.head, duplicate=home.head, by=alice)
    finally:
        departures._HANDLERS.pop("test_refuse", None)


def test_a_duplicate_in_another_settlement_is_merged(settlement_a, settlement_b, alice, bob):
    kept_home = karimi(settlement_a, alice)
    home = alone(settlement_b, bob)

    services.merge_individuals(keep=kept_home.head, duplicate=home.head, by=alice)

    assert fresh(home.head).merged_into == kept_home.head
    assert fresh(home).status == HouseholdStatus.CLOSED
    assert fresh(home).merged_into == kept_home
    assert fresh(home).events.filter(kind=registry_events.PERSON_MERGED_AWAY.code).exists()
    assert fresh(kept_home).events.filter(kind=registry_events.PERSON_MERGED_IN.code).exists()


def test_a_person_registered_twice_in_one_household_keeps_one_record(settlement_a, alice):
    home = household(
        settlement_a,
        by=alice,
        members=[
            member(),
            member(given_name="حسین", relationship=Relationship.SON),
            member(given_name="حسين", relationship=Relationship.SON),  # Arabic yeh
        ],
    )
    first, second = Individual.objects.filter(household=home, relationship="son").order_by("pk")

    with recorded() as events:
        services.merge_individuals(keep=first, duplicate=second, by=alice)

    assert fresh(home).size == 2
    assert fresh(home).status == HouseholdStatus.APPLICANT
    assert kinds(events) == [
        ("TJ-000001", registry_events.PERSON_MERGED_AWAY.code),
        ("TJ-000001", registry_events.PERSON_MERGED_IN.code),
    ]


# --- Refusals -------------------------------------------------------------------------------------


def test_a_record_is_not_merged_with_itself(settlement_a, alice):
    keep = karimi(settlement_a, alice).head
    with refused("same"):
        services.merge_individuals(keep=keep, duplicate=keep, by=alice)


def test_a_head_with_other_members_is_not_merged_away(settlement_a, alice):
    keep = alone(settlement_a, alice).head
    home = karimi(settlement_a, alice)
    with refused("head") as info:
        services.merge_individuals(keep=keep, duplicate=home.head, by=alice)
    assert home.reference in info.value.messages[0]


def test_the_head_may_be_kept_while_a_duplicate_of_the_head_is_merged_away(settlement_a, alice):
    home = karimi(settlement_a, alice)
    duplicate = alone(settlement_a, alice).head

    services.merge_individuals(keep=home.head, duplicate=duplicate, by=alice)

    assert fresh(duplicate).is_merged


def test_people_who_died_or_left_are_not_merged(settlement_a, alice):
    home = karimi(settlement_a, alice)
    duplicate = people(with_a_second_record_of_ali(settlement_a, alice))["علي"]
    daughter = people(home)["زهرا"]
    services.record_death(person=daughter, died_on=date(2024, 1, 1), by=alice)

    with refused("inactive"):
        services.merge_individuals(keep=daughter, duplicate=duplicate, by=alice)
    with refused("inactive"):
        services.merge_individuals(keep=duplicate, duplicate=daughter, by=alice)


def test_a_merged_record_is_not_merged_again(settlement_a, alice):
    keep = karimi(settlement_a, alice).head
    other = alone(settlement_a, alice).head
    duplicate = people(with_a_second_record_of_ali(settlement_a, alice))["علي"]
    services.merge_individuals(keep=keep, duplicate=duplicate, by=alice)

    with refused("merged"):
        services.merge_individuals(keep=other, duplicate=duplicate, by=alice)
    with refused("inactive"):
        services.merge_individuals(keep=duplicate, duplicate=other, by=alice)


# --- unmerge_individual ---------------------------------------------------------------------------


def test_an_undone_merge_makes_the_duplicate_a_member_again(settlement_a, alice, mona):
    kept_home = karimi(settlement_a, alice)
    home = with_a_second_record_of_ali(settlement_a, alice)
    keep, duplicate = kept_home.head, people(home)["علي"]
    services.merge_individuals(keep=keep, duplicate=duplicate, by=alice)
    histories = (fresh(keep).history.count(), fresh(duplicate).history.count())

    with recorded() as events:
        result = services.unmerge_individual(duplicate=duplicate, by=mona)

    assert result == duplicate
    duplicate = fresh(duplicate)
    assert duplicate.status == IndividualStatus.ACTIVE
    assert duplicate.merged_into is None
    assert duplicate.relationship == Relationship.BROTHER
    assert fresh(home).size == 2
    assert list(fresh(keep).merged_records.all()) == []
    assert kinds(events) == [
        ("TJ-000002", registry_events.PERSON_UNMERGED.code),
        ("TJ-000001", registry_events.PERSON_UNMERGED.code),
    ]
    assert events[0].params["member"] == "علي" and events[0].params["other"] == "TJ-000001"
    assert events[1].params["member"] == "علی" and events[1].params["other"] == "TJ-000002"
    assert all(event.by == mona for event in events)
    assert (fresh(keep).history.count(), duplicate.history.count()) == (
        histories[0] + 1,
        histories[1] + 1,
    )
    assert duplicate.history.first().history_user == mona
    # The merge stays on both timelines.
    assert fresh(home).events.filter(kind=registry_events.PERSON_MERGED_AWAY.code).exists()
    assert fresh(kept_home).events.filter(kind=registry_events.PERSON_MERGED_IN.code).exists()


def test_a_household_closed_by_the_merge_reopens_with_its_status(settlement_a, alice):
    kept_home = karimi(settlement_a, alice)
    home = alone(settlement_a, alice, status=HouseholdStatus.RESIDENT)
    services.merge_individuals(keep=kept_home.head, duplicate=home.head, by=alice)

    services.unmerge_individual(duplicate=home.head, by=alice)

    home = fresh(home)
    assert home.status == HouseholdStatus.RESIDENT
    assert home.merged_into is None
    assert home.size == 1
    assert home.head.is_active


def test_a_second_merge_after_an_undo_is_undone_from_its_own_record(settlement_a, alice):
    first_keep = karimi(settlement_a, alice).head
    second_keep = household(settlement_a, by=alice, members=[member(given_name="رضا")]).head
    home = alone(settlement_a, alice, status=HouseholdStatus.RESIDENT)
    duplicate = home.head
    services.merge_individuals(keep=first_keep, duplicate=duplicate, by=alice)
    services.unmerge_individual(duplicate=duplicate, by=alice)
    services.change_status(household=home, status=HouseholdStatus.DEPARTED, by=alice)
    services.merge_individuals(keep=second_keep, duplicate=duplicate, by=alice)
    assert fresh(home).status == HouseholdStatus.CLOSED

    services.unmerge_individual(duplicate=duplicate, by=alice)

    assert fresh(home).status == HouseholdStatus.DEPARTED
    assert fresh(duplicate).is_active


def test_a_record_that_was_not_merged_cannot_be_unmerged(settlement_a, alice):
    person = karimi(settlement_a, alice).head
    with refused("not_merged"):
        services.unmerge_individual(duplicate=person, by=alice)


def test_a_merge_is_undone_once(settlement_a, alice):
    keep = karimi(settlement_a, alice).head
    duplicate = people(with_a_second_record_of_ali(settlement_a, alice))["علي"]
    services.merge_individuals(keep=keep, duplicate=duplicate, by=alice)
    services.unmerge_individual(duplicate=duplicate, by=alice)

    with refused("not_merged"):
        services.unmerge_individual(duplicate=duplicate, by=alice)


# --- Name skeletons -------------------------------------------------------------------------------


def test_registration_derives_consonant_skeletons_across_scripts(settlement_a, alice):
    head = household(
        settlement_a,
        by=alice,
        members=[
            member(
                given_name="محمد",
                father_name="حسین",
                family_name="احمدی",
                given_name_latin="Mohammad",
            )
        ],
    ).head

    assert (head.given_skel, head.father_skel, head.family_skel) == ("mhmd", "hsn", "hmd")
    assert head.latin_skel == head.given_skel == names.skeleton("Muhammad")
    assert Individual.objects.filter(given_skel="mhmd", latin_skel="mhmd").get() == head


def test_a_corrected_name_gets_its_new_skeleton(settlement_a, alice):
    head = karimi(settlement_a, alice).head

    services.correct(
        record=head, by=alice, reason="Typo", given_name="حسن", given_name_latin="Hassan"
    )

    assert (fresh(head).given_skel, fresh(head).latin_skel) == ("hsn", "hsn")


def test_the_migration_fills_the_skeletons_of_people_already_on_file(settlement_a, alice):
    karimi(settlement_a, alice)
    alone(settlement_a, alice)
    Individual.objects.update(given_skel="", father_skel="", family_skel="", latin_skel="")
    backfill_migration.BATCH = 2  # several batches

    try:
        backfill_migration.backfill(apps, None)
    finally:
        backfill_migration.BATCH = 2000

    for person in Individual.objects.all():
        assert person.given_skel == names.skeleton(person.given_name)
        assert person.father_skel == names.skeleton(person.father_name)
        assert person.family_skel == names.skeleton(person.family_name)
        assert person.latin_skel == names.skeleton(person.given_name_latin)
    assert Individual.objects.filter(given_skel="l").count() == 2  # علی, twice

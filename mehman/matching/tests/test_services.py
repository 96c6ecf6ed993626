"""A reviewer's decisions on pairs (confirm, reject, undo) and the clerk's at registration."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mehman.matching import events as matching_events
from mehman.matching.models import MatchPair, PairSource, PairStatus
from mehman.matching.services import (
    confirm_pair,
    record_registration_decision,
    reject_pair,
    undo_merge,
)
from mehman.matching.tests.factories import RAHIMI_BORN, flagged, member, people, register
from mehman.registry import duplicates
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdEvent, HouseholdStatus, Individual, IndividualStatus


def rahimi_alone(settlement: Any, by: Any, given_name: str = "محمد حسین") -> Individual:
    """محمد حسین رحیمی registered on his own (one more record of him)."""
    household = register(
        settlement,
        member(
            given_name=given_name,
            family_name="رحیمی",
            father_name="غلام سخی",
            birth_date=RAHIMI_BORN,
        ),
        by=by,
    )
    return people(household)[0]


def kinds(person: Individual) -> list[str]:
    return list(
        HouseholdEvent.objects.filter(aggregate=person.household, kind__startswith="matching.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def fresh(person: Individual) -> Individual:
    return Individual.objects.select_related("household").get(pk=person.pk)


@pytest.fixture
def three(settlement_a: Any, mona: Any) -> list[Individual]:
    """Three records of one man, each heading a household of his own."""
    return [
        rahimi_alone(settlement_a, mona, given) for given in ("محمد حسین", "محمدحسين", "محمد حسين")
    ]


def test_a_clerk_flags_a_likely_match_for_review(three, carla):
    on_file, registered = three[0], three[1]
    pair = flagged(on_file, registered, carla)
    assert (pair.first, pair.second) == (on_file, registered)
    assert pair.status == PairStatus.OPEN
    assert pair.source == PairSource.REGISTRATION
    assert pair.probability >= 0.5
    assert {item["field"] for item in pair.evidence} >= {"given", "father", "birth_date"}
    assert pair.history.get().history_user == carla
    assert kinds(on_file) == kinds(registered) == [matching_events.PAIR_PROPOSED.code]
    event = HouseholdEvent.objects.get(aggregate=on_file.household, kind__startswith="matching.")
    assert event.params["household"] == registered.household.reference
    assert event.params["pair"] == str(pair.uuid)
    assert event.by == carla


def test_a_clerk_who_judges_them_different_people_is_remembered(three, carla):
    on_file, registered = three[0], three[1]
    record_registration_decision(registered, on_file, duplicates.DIFFERENT, 0.8, carla)
    pair = MatchPair.objects.get()
    assert pair.status == PairStatus.REJECTED
    assert pair.probability == 0.8
    assert pair.decided_by == carla and pair.decided_at is not None
    assert kinds(on_file) == [matching_events.PAIR_REJECTED.code]


def test_the_registry_hands_the_clerks_decision_to_matching(three, carla):
    duplicates.record(three[2], three[0], duplicates.REVIEW, 0.9, carla)
    duplicates.record(three[2], three[1], duplicates.SAME, 0.9, carla)  # nothing registered
    assert list(MatchPair.objects.values_list("first", "second", "probability")) == [
        (three[0].pk, three[2].pk, 0.9)
    ]


def test_confirming_merges_the_later_record_into_the_first(three, mona):
    keep, duplicate = three[0], three[1]
    pair = confirm_pair(pair=flagged(keep, duplicate, mona), by=mona, note="same card photo")
    assert pair.status == PairStatus.MERGED
    assert (pair.decided_by, pair.note) == (mona, "same card photo")
    duplicate = fresh(duplicate)
    assert duplicate.status == IndividualStatus.MERGED
    assert duplicate.merged_into == keep
    assert fresh(keep).is_active
    assert duplicate.household.status == HouseholdStatus.CLOSED  # he was its only member
    assert kinds(keep)[-1] == kinds(duplicate)[-1] == matching_events.PAIR_CONFIRMED.code
    event = HouseholdEvent.objects.filter(kind=matching_events.PAIR_CONFIRMED.code).first()
    assert event is not None and event.params["duplicate"] == str(duplicate.uuid)
    assert pair.history.count() == 2


def test_a_pair_whose_person_has_died_cannot_be_confirmed(three, mona):
    pair = flagged(three[0], three[1], mona)
    registry_services.record_death(person=three[1], died_on=date(2024, 1, 1), by=mona)
    with pytest.raises(ValidationError) as refused:
        confirm_pair(pair=pair, by=mona)
    assert refused.value.code == "inactive"
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_a_head_with_other_members_is_not_merged_away(settlement_a, three, mona):
    household = register(
        settlement_a,
        member(
            given_name="محمد حسين",
            family_name="رحیمی",
            father_name="غلام سخی",
            birth_date=RAHIMI_BORN,
        ),
        member(given_name="مریم", sex="F", relationship="spouse", birth_date=date(1991, 1, 1)),
        by=mona,
    )
    pair = flagged(three[0], people(household)[0], mona)
    with pytest.raises(ValidationError) as refused:
        confirm_pair(pair=pair, by=mona)
    assert refused.value.code == "head"
    assert fresh(people(household)[0]).is_active


def test_rejecting_keeps_them_apart_for_good(three, mona):
    pair = reject_pair(pair=flagged(three[0], three[1], mona), by=mona, note="brothers")
    assert pair.status == PairStatus.REJECTED
    assert kinds(three[0])[-1] == matching_events.PAIR_REJECTED.code
    for decide in (confirm_pair, reject_pair, undo_merge):
        with pytest.raises(ValidationError) as refused:
            decide(pair=pair, by=mona)
        assert refused.value.code == "transition"
    assert fresh(three[1]).is_active


def test_an_open_pair_cannot_be_undone(three, mona):
    with pytest.raises(ValidationError) as refused:
        undo_merge(pair=flagged(three[0], three[1], mona), by=mona)
    assert refused.value.code == "transition"


def test_a_merge_can_be_undone_and_confirmed_again(three, mona):
    keep, duplicate = three[0], three[1]
    pair = confirm_pair(pair=flagged(keep, duplicate, mona), by=mona)
    pair = undo_merge(pair=pair, by=mona, note="two men")
    assert pair.status == PairStatus.UNDONE
    duplicate = fresh(duplicate)
    assert duplicate.is_active and duplicate.merged_into is None
    assert duplicate.household.status == HouseholdStatus.APPLICANT  # reopened
    assert kinds(duplicate)[-1] == matching_events.MERGE_UNDONE.code
    with pytest.raises(ValidationError):
        undo_merge(pair=pair, by=mona)
    pair = confirm_pair(pair=pair, by=mona)
    assert fresh(duplicate).merged_into == keep


def test_a_cluster_of_three_is_confirmed_pair_by_pair(three, mona):
    a, b, c = three
    ab, ac, bc = flagged(a, b, mona), flagged(a, c, mona), flagged(b, c, mona)
    confirm_pair(pair=ab, by=mona)
    confirm_pair(pair=bc, by=mona)  # b is a already: c joins a
    assert fresh(c).merged_into == a
    confirm_pair(pair=ac, by=mona)  # already one: only marked
    assert {p.status for p in MatchPair.objects.all()} == {PairStatus.MERGED}
    with pytest.raises(ValidationError) as refused:
        undo_merge(pair=ac, by=mona)
    assert refused.value.code == "merged_elsewhere"
    undo_merge(pair=bc, by=mona)  # it merged c: c is separate again, and a-c with it
    assert fresh(c).is_active
    assert fresh(b).merged_into == a
    statuses = dict(MatchPair.objects.values_list("pk", "status"))
    assert statuses == {
        ab.pk: PairStatus.MERGED,
        ac.pk: PairStatus.UNDONE,
        bc.pk: PairStatus.UNDONE,
    }
    confirm_pair(pair=MatchPair.objects.get(pk=ac.pk), by=mona)
    assert fresh(c).merged_into == a


def test_confirming_through_a_record_merged_elsewhere_keeps_the_first_registered(three, mona):
    a, b, c = three
    confirm_pair(pair=flagged(b, c, mona), by=mona)  # c into b
    confirm_pair(pair=flagged(a, c, mona), by=mona)  # c is b: b into a
    assert fresh(b).merged_into == a
    assert fresh(c).merged_into == b

"""Specific needs, case notes and corrections."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates
from mehman.registry import events as registry_events
from mehman.registry import queries, services
from mehman.registry.models import (
    CaseNote,
    Household,
    IdentityDocument,
    Individual,
    Relationship,
    SpecificNeedCode,
)
from mehman.registry.tests.factories import household
from mehman.registry.tests.test_services import fresh, kinds, people, recorded, refused


@pytest.fixture
def carla(settlement_a):
    """A caseworker in settlement A: she has protection access."""
    return UserFactory(username="carla", role=Role.CASEWORKER, settlements=[settlement_a])


# --- record_need ------------------------------------------------------------------------------


def test_only_protection_staff_record_or_resolve_a_protected_need(settlement_a, alice, carla):
    head = household(settlement_a, by=alice).head
    with refused("permission"):
        services.record_need(person=head, code="SV-VF", by=alice)
    with refused("permission"):
        services.record_need(person=head, code="TR", by=None)
    need = services.record_need(person=head, code="SV-VF", by=carla)
    with refused("permission"):
        services.resolve_need(need=need, by=alice)
    assert services.resolve_need(need=need, by=carla).resolved_on is not None


def test_a_need_is_recorded_by_its_code(settlement_a, alice):
    head = household(settlement_a, by=alice).head

    with recorded() as events:
        need = services.record_need(person=head, code=" ds-pm ", by=alice, note="wheelchair")

    assert need.code.code == "DS-PM"
    assert need.recorded_on == dates.today()
    assert need.resolved_on is None
    assert need.note == "wheelchair"
    assert kinds(events) == [("TJ-000001", registry_events.NEED_RECORDED.code)]
    assert events[0].params == {"member": "علی", "code": "DS-PM"}
    assert events[0].by == alice
    assert [row.history_user for row in need.history.all()] == [alice]


def test_a_need_is_recorded_by_its_code_object_on_a_past_date(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    code = SpecificNeedCode.objects.get(code="SP-GP")
    need = services.record_need(person=head, code=code, by=alice, recorded_on=date(2024, 1, 1))

    assert (need.code, need.recorded_on) == (code, date(2024, 1, 1))


def test_a_protected_need_is_not_named_on_the_timeline(settlement_a, alice, carla):
    head = household(settlement_a, by=alice).head

    with recorded() as events:
        need = services.record_need(person=head, code="SV-VF", by=carla)
        services.resolve_need(need=need, by=carla)

    assert [event.params for event in events] == [
        {"member": "علی", "protected": True},
        {"member": "علی", "protected": True},
    ]
    assert "SV" not in json.dumps([event.params for event in events])
    assert need.is_protected


def test_an_unknown_code_is_refused(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("code"):
        services.record_need(person=head, code="XX-YY", by=alice)


def test_a_code_no_longer_in_use_is_refused(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    SpecificNeedCode.objects.filter(code="ER-NF").update(is_active=False)
    with refused("code"):
        services.record_need(person=head, code="ER-NF", by=alice)
    with refused("code"):
        services.record_need(person=head, code=SpecificNeedCode.objects.get(code="ER-NF"), by=alice)


def test_an_open_need_is_not_recorded_twice(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    services.record_need(person=head, code="DS-PM", by=alice)
    with refused("duplicate"):
        services.record_need(person=head, code="ds-pm", by=alice)


def test_a_resolved_need_may_be_recorded_again(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    first = services.record_need(person=head, code="DS-PM", by=alice, recorded_on=date(2024, 1, 1))
    services.resolve_need(need=first, by=alice, resolved_on=date(2024, 6, 1))
    services.record_need(person=head, code="DS-PM", by=alice)

    assert head.needs.count() == 2
    assert head.needs.filter(resolved_on__isnull=True).count() == 1


def test_the_same_code_is_open_for_two_people_at_once(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    services.record_need(person=members["علی"], code="DS-PM", by=alice)
    services.record_need(person=members["فاطمه"], code="DS-PM", by=alice)

    assert members["فاطمه"].needs.count() == 1


def test_a_need_recorded_in_the_future_is_refused(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("date"):
        services.record_need(
            person=head, code="DS-PM", by=alice, recorded_on=dates.today() + timedelta(days=1)
        )


def test_a_former_member_gets_no_new_need(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    services.record_death(person=son, died_on=dates.today(), by=alice)
    with refused("inactive"):
        services.record_need(person=son, code="DS-PM", by=alice)


# --- resolve_need -----------------------------------------------------------------------------


def test_a_need_is_resolved_and_stays_on_record(settlement_a, alice, mona):
    head = household(settlement_a, by=alice).head
    need = services.record_need(person=head, code="DS-PM", by=alice, recorded_on=date(2024, 1, 1))

    with recorded() as events:
        services.resolve_need(need=need, by=mona, resolved_on=date(2024, 1, 1), note="fitted")

    need = fresh(need)
    assert need.resolved_on == date(2024, 1, 1)
    assert need.note == "fitted"
    assert kinds(events) == [("TJ-000001", registry_events.NEED_RESOLVED.code)]
    assert events[0].params == {"member": "علی", "code": "DS-PM"}
    latest = need.history.first()
    # The reason is kept in the words the acting user works in.
    assert (latest.history_user, latest.history_change_reason) == (
        mona,
        translation.gettext("Resolved"),
    )


def test_resolving_without_a_date_or_note_resolves_today_and_keeps_the_note(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    need = services.record_need(person=head, code="DS-PM", by=alice, note="wheelchair")
    services.resolve_need(need=need, by=alice)

    assert (fresh(need).resolved_on, fresh(need).note) == (dates.today(), "wheelchair")


def test_a_need_is_not_resolved_before_it_was_recorded_or_in_the_future(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    need = services.record_need(person=head, code="DS-PM", by=alice, recorded_on=date(2024, 1, 2))
    with refused("date"):
        services.resolve_need(need=need, by=alice, resolved_on=date(2024, 1, 1))
    with refused("date"):
        services.resolve_need(need=need, by=alice, resolved_on=dates.today() + timedelta(days=1))


def test_a_need_is_resolved_once(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    need = services.record_need(person=head, code="DS-PM", by=alice)
    services.resolve_need(need=need, by=alice)
    with refused("resolved"):
        services.resolve_need(need=need, by=alice)


# --- add_case_note ----------------------------------------------------------------------------


@pytest.mark.parametrize("writer", ["carla", "mona", "adam"])
def test_protection_staff_write_case_notes(settlement_a, alice, writer, request):
    author = request.getfixturevalue(writer)
    registered = household(settlement_a, by=alice)

    with recorded() as events:
        note = services.add_case_note(
            household=registered, body="  Talked to the mother.  ", by=author
        )

    assert (note.body, note.written_by, note.household) == (
        "Talked to the mother.",
        author,
        registered,
    )
    assert kinds(events) == [("TJ-000001", registry_events.NOTE_ADDED.code)]
    assert events[0].params == {}
    assert events[0].by == author
    assert [row.history_user for row in note.history.all()] == [author]


@pytest.mark.parametrize("writer", ["alice", "vera", "nasrin", None])
def test_staff_without_protection_access_write_no_case_note(settlement_a, alice, writer, request):
    author = request.getfixturevalue(writer) if writer else AnonymousUser()
    registered = household(settlement_a, by=alice)
    with refused("permission"):
        services.add_case_note(household=registered, body="A note.", by=author)


def test_an_empty_case_note_is_refused(settlement_a, alice, carla):
    registered = household(settlement_a, by=alice)
    with refused("empty"):
        services.add_case_note(household=registered, body=" \n ", by=carla)

    assert CaseNote.objects.count() == 0


# --- correct ----------------------------------------------------------------------------------


def _find(text: str, **kwargs) -> set[int]:
    return set(
        queries.search(Individual.objects.all(), Household.objects.all(), text, **kwargs).person_ids
    )


def test_a_name_is_corrected_with_a_reason_and_search_finds_the_new_name(settlement_a, alice, mona):
    head = household(settlement_a, by=alice).head
    assert _find("علی کریمی") == {head.pk}

    with recorded() as events:
        corrected = services.correct(
            record=head,
            by=mona,
            reason="Spelling on the Amayesh card",
            expected_version=head.version,
            given_name="عبد الله",
            family_name="رحيمي",
        )

    assert corrected.given_name == "عبد الله"
    assert (corrected.given_key, corrected.family_key) == ("عبدالله", "رحیمی")
    assert fresh(head).version == head.version + 1
    assert _find("عبدالله رحیمی") == {head.pk}
    assert _find("عبدالله رحیمی") == _find("عبد الله رحيمي")
    assert _find("علی کریمی") == set()
    assert kinds(events) == [("TJ-000001", registry_events.CORRECTED.code)]
    assert events[0].params == {
        "record_model": "registry.Individual",
        "fields": ["family_name", "given_name"],
        "reason": "Spelling on the Amayesh card",
        "record": str(head.uuid),
    }
    with translation.override("en"):
        assert events[0].summary == "family name, given name: Spelling on the Amayesh card"
    latest = fresh(head).history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        mona,
        "Spelling on the Amayesh card",
    )


def test_a_corrected_name_is_found_with_one_typo(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    services.correct(record=head, by=alice, reason="typo", family_name="رحیمی")

    assert _find("علی رحمی") == {head.pk}


def test_a_correction_needs_a_reason(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("reason"):
        services.correct(record=head, by=alice, reason="  ", given_name="حسن")


def test_a_correction_from_a_stale_version_is_refused_and_changes_nothing(
    settlement_a, alice, mona
):
    head = household(settlement_a, by=alice).head
    seen = head.version
    services.correct(record=head, by=mona, reason="typo", given_name="علي", expected_version=seen)
    with refused("stale"):
        services.correct(
            record=head, by=alice, reason="typo", given_name="حسن", expected_version=seen
        )

    assert fresh(head).given_name == "علي"


@pytest.mark.parametrize("field", ["status", "household", "given_key", "died_on", "uuid"])
def test_fields_outside_the_correctable_list_are_refused(settlement_a, alice, field):
    head = household(settlement_a, by=alice).head
    with refused("not_correctable"):
        services.correct(record=head, by=alice, reason="typo", **{field: None})


def test_nobody_becomes_head_by_correction(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    with refused("one_head"):
        services.correct(record=son, by=alice, reason="typo", relationship=Relationship.HEAD)


def test_the_head_is_not_replaced_by_correction(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("one_head"):
        services.correct(record=head, by=alice, reason="typo", relationship=Relationship.SON)


def test_another_relationship_may_be_corrected(settlement_a, alice):
    son = people(household(settlement_a, by=alice))["حسین"]
    services.correct(
        record=son, by=alice, reason="nephew", relationship=Relationship.OTHER_RELATIVE
    )

    assert fresh(son).relationship == Relationship.OTHER_RELATIVE


def test_a_birth_date_is_not_corrected_into_the_future(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("future_birth"):
        services.correct(
            record=head, by=alice, reason="typo", birth_date=dates.today() + timedelta(days=1)
        )


def test_a_correction_changing_nothing_records_nothing(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with recorded() as events:
        services.correct(record=head, by=alice, reason="typo", given_name="علی")

    assert events == []
    assert fresh(head).version == head.version


def test_a_household_phone_is_corrected_and_its_key_follows(settlement_a, alice):
    registered = household(settlement_a, by=alice, phone="0912 000 0000")
    services.correct(record=registered, by=alice, reason="new phone", phone="+98 915 123 4567")

    assert fresh(registered).phone_key == "09151234567"
    result = queries.search(Individual.objects.all(), Household.objects.all(), "09151234567")
    assert result.household_ids == [registered.pk]


def test_a_document_number_is_corrected_under_the_same_rules(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    services.add_document(
        person=members["علی"], by=alice, doc_type="passport", number_typed="P111111"
    )
    theirs = services.add_document(
        person=members["فاطمه"], by=alice, doc_type="passport", number_typed="P222222"
    )
    with refused("duplicate_document"):
        services.correct(record=theirs, by=alice, reason="typo", number_typed="p-111111")

    with recorded() as events:
        services.correct(record=theirs, by=alice, reason="typo", number_typed="p-222 223")

    assert fresh(theirs).number == "P222223"
    assert events[0].params["record_model"] == "registry.IdentityDocument"
    assert events[0].params["fields"] == ["number_typed"]


def test_a_document_expiry_is_not_corrected_to_before_its_issue(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    document = services.add_document(
        person=head,
        by=alice,
        doc_type="passport",
        number_typed="P111111",
        issued_on=date(2024, 1, 1),
    )
    with refused("dates"):
        services.correct(record=document, by=alice, reason="typo", expires_on=date(2023, 1, 1))

    assert IdentityDocument.objects.get().expires_on is None

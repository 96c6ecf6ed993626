"""Registration, members, head and status: the rules of mehman.registry.services.

The helpers here (``refused``, ``recorded``, ``codes_of``) are shared by the other
``test_services_*`` modules; the intake tests build theirs on ``refused_keeping`` and
``written_inside``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max, Model, QuerySet

from mehman.core import dates
from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import (
    CaseNote,
    Household,
    HouseholdEvent,
    HouseholdSerial,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    NameVariant,
    Relationship,
    SpecificNeed,
)
from mehman.registry.tests.factories import family, household, member

Event = TypeVar("Event", bound=Model)

# --- Shared helpers ---------------------------------------------------------------------------


def codes_of(exc: ValidationError) -> set[str | None]:
    """Every code of an error, whether it is keyed by field or not."""
    if hasattr(exc, "error_dict"):
        return {error.code for errors in exc.error_dict.values() for error in errors}
    return {error.code for error in exc.error_list}


def _snapshot() -> dict[str, Any]:
    """Everything a registry service may change, to compare before and after a refusal."""
    models = (Household, Individual, IdentityDocument, SpecificNeed, CaseNote)
    state: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in models
    }
    for model in models:
        state[f"{model.__name__} history"] = model.history.count()  # type: ignore[attr-defined]
    state["events"] = HouseholdEvent.objects.count()
    state["serials"] = list(HouseholdSerial.objects.order_by("pk").values_list("pk", "last"))
    state["variants"] = NameVariant.objects.count()
    return state


@contextmanager
def refused_keeping(
    snapshot: Callable[[], Any], code: str
) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """The call inside is refused with ``code`` and leaves what ``snapshot`` reads as it was."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        yield info
    assert code in codes_of(info.value), codes_of(info.value)
    assert snapshot() == before


def refused(code: str) -> AbstractContextManager[pytest.ExceptionInfo[ValidationError]]:
    """The call inside is refused with ``code`` and leaves the database as it was."""
    return refused_keeping(_snapshot, code)


@contextmanager
def written_inside(events: QuerySet[Event]) -> Iterator[list[Event]]:
    """The rows of ``events`` (a table of events) written inside the block, oldest first."""
    last = events.aggregate(last=Max("id"))["last"] or 0
    written: list[Event] = []
    yield written
    written.extend(events.filter(id__gt=last).order_by("id"))


def recorded() -> AbstractContextManager[list[HouseholdEvent]]:
    """The timeline events written inside the block, oldest first."""
    return written_inside(HouseholdEvent.objects.select_related("aggregate"))


def kinds(events: list[HouseholdEvent]) -> list[tuple[str, str]]:
    return [(event.aggregate.reference, event.kind) for event in events]


def people(household: Household) -> dict[str, Individual]:
    """The household's members by given name, fresh from the database."""
    return {p.given_name: p for p in Individual.objects.filter(household=household)}


def fresh(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


# --- register_household -----------------------------------------------------------------------


def test_a_household_is_registered_with_all_its_members_and_one_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)

    assert registered.reference == "TJ-000001"
    assert registered.status == HouseholdStatus.APPLICANT
    assert registered.size == 4
    assert registered.members.count() == 4
    assert registered.head is not None
    assert registered.head.given_name == "علی"
    assert registered.head.relationship == Relationship.HEAD
    assert registered.registered_on == dates.today()


def test_registration_derives_the_search_keys_and_remembers_the_names(settlement_a, alice):
    registered = household(
        settlement_a,
        by=alice,
        phone="0912 345 6789",
        members=[member(given_name="عبد الله", family_name="كريمي", phone="+98 912 000 1111")],
    )

    head = registered.head
    assert (head.given_key, head.family_key, head.father_key) == ("عبدالله", "کریمی", "محمد")
    assert head.phone_key == "09120001111"
    assert registered.phone_key == "09123456789"
    assert NameVariant.objects.filter(key="کریمی", variant="کرمی").exists()


def test_registration_writes_one_event_by_the_clerk(settlement_a, alice):
    with recorded() as events:
        household(settlement_a, by=alice)

    assert kinds(events) == [("TJ-000001", registry_events.REGISTERED.code)]
    assert events[0].by == alice
    assert events[0].params == {"size": 4}


def test_registration_leaves_history_rows_naming_the_clerk(settlement_a, alice):
    registered = household(settlement_a, by=alice)

    assert registered.history.count() >= 1
    assert {row.history_user for row in registered.history.all()} == {alice}
    for person in registered.members.all():
        assert [row.history_user for row in person.history.all()] == [alice]


def test_reference_numbers_are_sequential_within_a_settlement(settlement_a, alice):
    references = [household(settlement_a, by=alice).reference for _ in range(3)]

    assert references == ["TJ-000001", "TJ-000002", "TJ-000003"]


def test_each_settlement_numbers_its_households_independently(
    settlement_a, settlement_b, alice, bob
):
    household(settlement_a, by=alice)
    household(settlement_a, by=alice)

    assert household(settlement_b, by=bob).reference == "SV-000001"
    assert household(settlement_a, by=alice).reference == "TJ-000003"


def test_a_refused_registration_does_not_use_up_a_reference_number(settlement_a, alice):
    household(settlement_a, by=alice)
    with refused("future_birth"):
        household(settlement_a, by=alice, members=[member(birth_date=date(2999, 1, 1))])

    assert household(settlement_a, by=alice).reference == "TJ-000002"


def test_a_household_without_members_is_refused(settlement_a, alice):
    with refused("empty"):
        services.register_household(settlement=settlement_a, members=[], by=alice)


def test_a_household_without_a_head_is_refused(settlement_a, alice):
    with refused("one_head"):
        household(settlement_a, by=alice, members=[member(relationship=Relationship.SON)])


def test_a_household_with_two_heads_is_refused(settlement_a, alice):
    with refused("one_head"):
        household(settlement_a, by=alice, members=[member(), member(given_name="حسن")])


@pytest.mark.parametrize("status", [HouseholdStatus.DEPARTED, HouseholdStatus.CLOSED])
def test_a_household_is_not_registered_as_departed_or_closed(settlement_a, alice, status):
    with refused("status"):
        household(settlement_a, by=alice, status=status)


def test_a_household_may_be_registered_as_resident(settlement_a, alice):
    assert household(settlement_a, by=alice, status=HouseholdStatus.RESIDENT).status == "resident"


def test_the_size_counts_every_member(settlement_a, alice):
    registered = household(settlement_a, by=alice, members=[member()])

    assert registered.size == 1
    assert fresh(registered).size == 1


def test_consent_given_without_a_date_is_dated_today(settlement_a, alice):
    registered = household(settlement_a, by=alice, consent_given=True)

    assert fresh(registered).consent_on == dates.today()


def test_a_consent_date_given_is_kept(settlement_a, alice):
    day = date(2024, 5, 1)
    registered = household(settlement_a, by=alice, consent_given=True, consent_on=day)

    assert fresh(registered).consent_on == day


def test_without_consent_there_is_no_consent_date(settlement_a, alice):
    assert fresh(household(settlement_a, by=alice)).consent_on is None


def test_the_registration_date_given_is_kept(settlement_a, alice):
    day = date(2023, 3, 21)
    assert household(settlement_a, by=alice, registered_on=day).registered_on == day


def test_documents_are_recorded_at_registration_for_the_member_holding_them(settlement_a, alice):
    registered = household(
        settlement_a,
        by=alice,
        documents={
            0: [{"doc_type": "amayesh", "number_typed": "۱۲۳-۴۵۶۷", "cycle": "Amayesh 17"}],
            1: [{"doc_type": "passport", "number_typed": "p 0123456"}],
        },
    )

    by_holder = {d.individual.given_name: d for d in IdentityDocument.objects.all()}
    assert set(by_holder) == {"علی", "فاطمه"}
    assert by_holder["علی"].number == "1234567"
    assert by_holder["علی"].number_typed == "۱۲۳-۴۵۶۷"
    assert by_holder["فاطمه"].number == "P0123456"
    assert all(d.individual.household == registered for d in by_holder.values())


def test_a_bad_document_refuses_the_whole_registration(settlement_a, alice):
    with refused("fida"):
        household(
            settlement_a, by=alice, documents={0: [{"doc_type": "fida", "number_typed": "12"}]}
        )


def test_a_date_of_birth_in_the_future_is_refused(settlement_a, alice):
    tomorrow = dates.today() + timedelta(days=1)
    with refused("future_birth") as info:
        household(
            settlement_a,
            by=alice,
            members=[
                *family()[:1],
                member(given_name="نوزاد", relationship=Relationship.SON, birth_date=tomorrow),
            ],
        )

    assert "2" in info.value.messages[0]  # names the member at fault


def test_a_member_without_a_given_name_is_refused(settlement_a, alice):
    with refused("name"):
        household(settlement_a, by=alice, members=[member(given_name="  ")])


def test_an_unknown_sex_is_refused(settlement_a, alice):
    with refused("invalid_choice"):
        household(settlement_a, by=alice, members=[member(sex="X")])


def test_an_unknown_member_field_is_a_programming_error(settlement_a, alice):
    with pytest.raises(ValueError, match="unknown member fields"):
        household(settlement_a, by=alice, members=[member(status="deceased")])


def test_registration_without_a_signed_in_user_names_nobody(settlement_a):
    with recorded() as events:
        registered = household(settlement_a, by=None)

    assert events[0].by is None
    assert registered.history.first().history_user is None


# --- add_member -------------------------------------------------------------------------------


def test_a_member_joins_and_the_household_grows(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    version = fresh(registered).version

    with recorded() as events:
        mother = services.add_member(
            household=registered,
            by=alice,
            **member(
                given_name="معصومه",
                sex="F",
                relationship=Relationship.MOTHER,
                marital_status="widowed",
            ),
        )

    assert mother.household == registered
    assert mother.status == IndividualStatus.ACTIVE
    assert fresh(registered).size == 5
    assert fresh(registered).version == version + 1
    assert kinds(events) == [("TJ-000001", registry_events.MEMBER_ADDED.code)]
    assert events[0].params == {
        "member": "معصومه",
        "relationship": "mother",
        "individual": str(mother.uuid),
    }
    assert events[0].by == alice
    assert [row.history_user for row in mother.history.all()] == [alice]
    assert fresh(registered).history.first().history_user == alice
    assert NameVariant.objects.filter(key="معصومه").exists()


def test_a_second_head_cannot_be_added(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("one_head"):
        services.add_member(household=registered, by=alice, **member(given_name="حسن"))


@pytest.mark.parametrize("status", [HouseholdStatus.CLOSED, HouseholdStatus.DEPARTED])
def test_a_closed_or_departed_household_gains_no_member(settlement_a, alice, status):
    registered = household(settlement_a, by=alice, status=HouseholdStatus.RESIDENT)
    services.change_status(household=registered, status=status, by=alice)
    with refused("closed"):
        services.add_member(
            household=registered, by=alice, **member(relationship=Relationship.BROTHER)
        )


def test_a_member_born_in_the_future_is_not_added(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("future_birth"):
        services.add_member(
            household=registered,
            by=alice,
            **member(relationship=Relationship.SON, birth_date=date(2999, 1, 1)),
        )


# --- change_head ------------------------------------------------------------------------------


def test_the_head_changes_to_another_living_member(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    wife = people(registered)["فاطمه"]
    version = fresh(registered).version

    with recorded() as events:
        services.change_head(
            household=registered,
            new_head=wife,
            by=alice,
            former_head_relationship=Relationship.SPOUSE,
        )

    members = people(registered)
    assert fresh(registered).head == wife
    assert members["فاطمه"].relationship == Relationship.HEAD
    assert members["علی"].relationship == Relationship.SPOUSE
    assert fresh(registered).version == version + 1
    assert kinds(events) == [("TJ-000001", registry_events.HEAD_CHANGED.code)]
    assert events[0].params["individual"] == str(wife.uuid)
    assert members["فاطمه"].history.first().history_user == alice


def test_the_former_head_becomes_an_other_relative_unless_told(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    services.change_head(household=registered, new_head=people(registered)["حسین"], by=alice)

    assert people(registered)["علی"].relationship == Relationship.OTHER_RELATIVE


def test_the_head_cannot_come_from_another_household(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    stranger = household(settlement_a, by=alice).head
    with refused("new_head"):
        services.change_head(household=registered, new_head=stranger, by=alice)


def test_a_deceased_member_cannot_become_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    son = people(registered)["حسین"]
    services.record_death(person=son, died_on=dates.today(), by=alice)
    with refused("new_head"):
        services.change_head(household=registered, new_head=son, by=alice)


def test_the_former_head_cannot_stay_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("one_head"):
        services.change_head(
            household=registered,
            new_head=people(registered)["فاطمه"],
            by=alice,
            former_head_relationship=Relationship.HEAD,
        )


def test_making_the_head_head_again_changes_nothing(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    before = fresh(registered).version
    with recorded() as events:
        services.change_head(household=registered, new_head=registered.head, by=alice)

    assert events == []
    assert fresh(registered).version == before


def test_a_closed_household_keeps_its_head(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    services.change_status(household=registered, status=HouseholdStatus.CLOSED, by=alice)
    with refused("closed"):
        services.change_head(household=registered, new_head=people(registered)["فاطمه"], by=alice)


# --- change_status ----------------------------------------------------------------------------

PATHS = {
    HouseholdStatus.APPLICANT: [],
    HouseholdStatus.RESIDENT: [],
    HouseholdStatus.DEPARTED: [HouseholdStatus.DEPARTED],
    HouseholdStatus.CLOSED: [HouseholdStatus.CLOSED],
}
ALLOWED = {
    ("applicant", "resident"),
    ("applicant", "closed"),
    ("resident", "departed"),
    ("resident", "closed"),
    ("departed", "closed"),
}


def _household_in(status: str, settlement: Any, by: Any) -> Household:
    start = HouseholdStatus.APPLICANT if status == "applicant" else HouseholdStatus.RESIDENT
    registered = household(settlement, by=by, status=start)
    for step in PATHS[HouseholdStatus(status)]:
        services.change_status(household=registered, status=step, by=by)
    return fresh(registered)


@pytest.mark.parametrize(
    ("old", "new"),
    [(old, new) for old in HouseholdStatus.values for new in HouseholdStatus.values if old != new],
)
def test_status_changes_follow_the_allowed_transitions(settlement_a, alice, old, new):
    registered = _household_in(old, settlement_a, alice)
    assert registered.status == old

    if (old, new) in ALLOWED:
        with recorded() as events:
            services.change_status(household=registered, status=new, by=alice, reason="review")
        assert fresh(registered).status == new
        assert kinds(events) == [(registered.reference, registry_events.STATUS_CHANGED.code)]
        assert events[0].params == {"status": new, "reason": "review"}
        latest = fresh(registered).history.first()
        assert (latest.history_user, latest.history_change_reason) == (alice, "review")
    else:
        with refused("transition"):
            services.change_status(household=registered, status=new, by=alice)


def test_the_allowed_transitions_are_exactly_the_documented_ones():
    from mehman.registry.models import ALLOWED_TRANSITIONS

    assert {
        (old, new) for old, targets in ALLOWED_TRANSITIONS.items() for new in targets
    } == ALLOWED


def test_an_unknown_status_is_refused(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with refused("transition"):
        services.change_status(household=registered, status="vanished", by=alice)


def test_setting_the_same_status_changes_nothing(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    with recorded() as events:
        services.change_status(household=registered, status=HouseholdStatus.APPLICANT, by=alice)

    assert events == []
    assert fresh(registered).version == registered.version


def test_a_block_typed_in_persian_digits_is_the_same_block(settlement_a, alice):
    first = household(settlement_a, by=alice, block="۱۲")
    second = household(settlement_a, by=alice, block=" 12 ")
    assert first.block == second.block == "12"
    corrected = services.correct(record=second, by=alice, reason="نشانی تازه", block="٧")
    assert corrected.block == "7"

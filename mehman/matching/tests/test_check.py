"""The check at registration (the issue's "done when"): a person already on file is shown before
saving, spelled differently, in Latin letters, or with a Jalali birth date; twins are not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from mehman.core import dates
from mehman.matching.services import check_person, forget_registry_models
from mehman.matching.tests.factories import (
    RAHIMI_BORN,
    RAHIMI_CARD,
    TWINS_BORN,
    member,
    nouri,
    people,
    rahimi,
    register,
    registry,
)
from mehman.registry import duplicates
from mehman.registry import services as registry_services
from mehman.registry.forms.register import RegistrationMemberForm
from mehman.registry.models import DocumentType, Individual


@pytest.fixture(autouse=True)
def fresh_figures() -> None:
    """Each test counts the names of its own registry."""
    forget_registry_models()


@pytest.fixture
def on_file(settlement_a: Any, alice: Any) -> dict[str, Any]:
    return registry(settlement_a, alice)


def visible(user: Any) -> Any:
    return Individual.objects.for_user(user)


def head(households: dict[str, Any], name: str) -> Individual:
    return people(households[name])[0]


def evidence(match: duplicates.PossibleMatch, label: str) -> duplicates.FieldEvidence:
    return next(row for row in match.evidence if row.label == label)


def test_the_same_person_spelled_differently_is_found_first(on_file, alice):
    typed = member(
        given_name="محمدحسين",  # no space, Arabic yeh
        family_name="رحيمي",
        father_name="حاجی غلام‌سخی",  # an honorific, a zero-width non-joiner
        birth_date=RAHIMI_BORN,
    )
    found = check_person(visible(alice), typed)
    assert found, "the person on file was not found"
    best = found[0]
    assert best.individual == head(on_file, "rahimi")
    assert best.probability is not None and best.probability >= 0.5
    given = evidence(best, gettext("Given name"))
    assert (given.typed, given.on_file) == ("محمدحسين", "محمد حسین")
    assert given.verdict == "same"
    assert given.verdict_label == gettext("spelled differently")
    assert evidence(best, gettext("Father's name")).verdict == "same"
    assert evidence(best, gettext("Date of birth")).verdict == "same"
    assert evidence(best, gettext("Document")).verdict == "missing"
    assert evidence(best, gettext("Document")).verdict_label == gettext("not recorded")


def test_a_record_matching_only_in_latin_letters_is_found(on_file, alice):
    """Copied from a UNHCR record: every name in Latin letters, the date of birth as there."""
    typed = member(
        given_name="Mohammad Hussain",
        family_name="Rahimi",
        father_name="Ghulam Sakhi",
        given_name_latin="Mohammad Hussain",
        family_name_latin="Rahimi",
        birth_date=RAHIMI_BORN,
    )
    found = check_person(visible(alice), typed)
    assert [m.individual for m in found][:1] == [head(on_file, "rahimi")]
    best = found[0]
    latin_letters = gettext("the same in Latin letters")
    assert evidence(best, gettext("Given name")).verdict_label == latin_letters
    assert evidence(best, gettext("Father's name")).verdict_label == latin_letters
    latin = evidence(best, gettext("Name in Latin letters"))
    assert (latin.typed, latin.on_file, latin.verdict) == (
        "Mohammad Hussain Rahimi",
        "Mohammad Hussain Rahimi",
        "same",
    )


def test_a_jalali_date_typed_as_text_reaches_the_engine_and_matches(on_file, alice):
    typed = member(
        given_name="محمد حسین", family_name="رحیمی", father_name="غلام سخی", birth_date="1365-04-12"
    )
    found = check_person(visible(alice), typed)
    assert found and found[0].individual == head(on_file, "rahimi")
    born = evidence(found[0], gettext("Date of birth"))
    assert born.verdict == "same"
    with translation.override("fa"):
        shown = check_person(visible(alice), typed)[0]
        born_fa = evidence(shown, gettext("Date of birth"))
    assert born_fa.typed == born_fa.on_file == dates.format_date(RAHIMI_BORN, calendar="jalali")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_registration_form_reads_a_jalali_date_in_the_gregorian_field(on_file, alice, language):
    """The wizard's date field already converts a Jalali date; the match follows from it."""
    data = {
        "given_name": "محمد حسین",
        "family_name": "رحیمی",
        "father_name": "غلام سخی",
        "sex": "M",
        "birth_date": "1365-04-12",
        "relationship": "head",
        "marital_status": "married",
        "education": "unknown",
    }
    with translation.override(language):
        form = RegistrationMemberForm(data=data)
        assert form.is_valid(), form.errors
    typed = form.member_data()
    assert typed["birth_date"] == RAHIMI_BORN
    found = check_person(visible(alice), {**typed, "documents": []})
    assert found and found[0].individual == head(on_file, "rahimi")


def test_a_document_number_typed_otherwise_finds_the_holder(on_file, alice):
    """The same Amayesh card in Latin digits without the dash, and a given name without its
    "Mohammad": the number and the father's name bring the record."""
    typed = member(
        given_name="حسین",
        father_name="غلام سخی",
        family_name="رحیمی",
        birth_date=date(1986, 1, 1),
        birth_date_estimated=True,
        documents=[(DocumentType.AMAYESH, "7712345678")],
    )
    found = check_person(visible(alice), typed)
    assert found and found[0].individual == head(on_file, "rahimi")
    document = evidence(found[0], gettext("Document"))
    assert (document.typed, document.on_file, document.verdict) == (
        "7712345678",
        RAHIMI_CARD,
        "same",
    )
    assert evidence(found[0], gettext("Given name")).verdict == "similar"


def test_a_twin_is_not_offered_as_his_brother(settlement_a, alice):
    """Registering رضا, whose twin علی is on file: same day, father and family name."""
    household = register(
        settlement_a,
        member(given_name="احمد", family_name="نوری", father_name="کریم"),
        member(
            given_name="علی",
            family_name="نوری",
            father_name="احمد",
            birth_date=TWINS_BORN,
            relationship="son",
            marital_status="single",
        ),
        by=alice,
    )
    typed = member(
        given_name="رضا",
        family_name="نوری",
        father_name="احمد",
        birth_date=TWINS_BORN,
        relationship="son",
        marital_status="single",
    )
    assert people(household)[1] not in [m.individual for m in check_person(visible(alice), typed)]


def test_someone_on_file_who_has_died_is_offered(on_file, alice):
    """Registering a person recorded as dead deserves a second look."""
    reza = people(on_file["nouri"])[2]
    registry_services.record_death(person=reza, died_on=date(2020, 1, 1), by=alice)
    typed = member(
        given_name="رضا",
        family_name="نوری",
        father_name="احمد",
        birth_date=TWINS_BORN,
        relationship="son",
        marital_status="single",
    )
    assert [m.individual for m in check_person(visible(alice), typed)][:1] == [reza]


def test_with_both_twins_on_file_only_the_one_registered_again_is_offered(on_file, alice):
    typed = member(
        given_name="علي",
        family_name="نوري",
        father_name="احمد",
        birth_date=TWINS_BORN,
        relationship="son",
        marital_status="single",
    )
    found = [m.individual for m in check_person(visible(alice), typed)]
    ali, reza = people(on_file["nouri"])[1:]
    assert found[:1] == [ali]
    assert reza not in found


def test_people_out_of_scope_are_never_offered(settlement_a, settlement_b, alice, bob):
    rahimi(settlement_b, bob)
    typed = member(
        given_name="محمد حسین", family_name="رحیمی", father_name="غلام سخی", birth_date=RAHIMI_BORN
    )
    assert check_person(visible(alice), typed) == []
    assert check_person(visible(bob), typed)[0].individual.household.settlement == settlement_b


def test_a_record_merged_away_is_not_offered(on_file, settlement_a, alice):
    again = people(nouri(settlement_a, alice))  # the Nouri family registered twice
    original = people(on_file["nouri"])
    registry_services.merge_individuals(keep=original[1], duplicate=again[1], by=alice)
    typed = member(given_name="علی", family_name="نوری", father_name="احمد", birth_date=TWINS_BORN)
    found = [m.individual for m in check_person(visible(alice), typed)]
    assert original[1] in found
    assert again[1] not in found


def test_someone_new_finds_nobody(on_file, alice):
    typed = member(
        given_name="نجیب الله",
        family_name="صافی",
        father_name="شیر آقا",
        birth_date=date(1977, 2, 2),
    )
    assert check_person(visible(alice), typed) == []


def test_at_most_five_are_offered_most_likely_first(settlement_a, alice):
    phone = "0915 123 4567"
    for number in range(7):  # the same person entered seven times; twice with his phone
        registry_services.register_household(
            settlement=settlement_a,
            members=[
                member(
                    given_name="محمد حسین",
                    family_name="رحیمی",
                    father_name="غلام سخی",
                    birth_date=RAHIMI_BORN,
                    phone=phone if number in (3, 5) else "",
                )
            ],
            by=alice,
        )
    typed = member(
        given_name="محمد حسین",
        family_name="رحیمی",
        father_name="غلام سخی",
        birth_date=RAHIMI_BORN,
        phone="+98 915 123 4567",
    )
    found = check_person(visible(alice), typed)
    assert len(found) == 5
    probabilities = [m.probability for m in found]
    assert probabilities == sorted(probabilities, reverse=True)
    assert [m.individual.phone for m in found[:2]] == [phone, phone]
    assert evidence(found[0], gettext("Phone")).verdict == "same"
    assert evidence(found[2], gettext("Phone")).verdict == "missing"


def test_the_registry_asks_matching(on_file, alice):
    """Matching's finder answers the registry's duplicate check (``hooks.connect``)."""
    typed = member(
        given_name="محمدحسين", family_name="رحيمي", father_name="غلام سخی", birth_date=RAHIMI_BORN
    )
    found = duplicates.find(visible(alice), typed)
    assert found and found[0].probability is not None
    assert found[0].individual == head(on_file, "rahimi")

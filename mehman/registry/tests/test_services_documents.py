"""Identity documents: numbers as typed and as compared, format rules, verification."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import assume, given
from hypothesis import strategies as st

from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import DocumentType, IdentityDocument
from mehman.registry.tests.factories import household
from mehman.registry.tests.test_services import codes_of, fresh, kinds, people, recorded, refused


def check_digit(first_nine: str) -> str:
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine)) % 11
    return str(total if total < 2 else 11 - total)


def national_code(first_nine: str) -> str:
    return first_nine + check_digit(first_nine)


def wrong_national_code(first_nine: str) -> str:
    return first_nine + str((int(check_digit(first_nine)) + 1) % 10)


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)

# --- national_code_is_valid / validate_document_number ------------------------------------------


@given(nine_digits)
def test_a_national_code_with_its_check_digit_is_valid(first_nine):
    code = national_code(first_nine)
    assume(len(set(code)) > 1)
    assert services.national_code_is_valid(code)


@given(nine_digits)
def test_a_national_code_with_another_check_digit_is_invalid(first_nine):
    assert not services.national_code_is_valid(wrong_national_code(first_nine))


@pytest.mark.parametrize(
    "number", ["0000000000", "1111111111", "123456789", "12345678901", "00840195a6"]
)
def test_repeated_digits_and_wrong_lengths_are_not_national_codes(number):
    assert not services.national_code_is_valid(number)


def test_a_known_national_code_is_valid_and_its_neighbours_are_not():
    # weighted sum 212, remainder 3: the check digit is 11 - 3 = 8
    assert services.national_code_is_valid("0084575948")
    assert not services.national_code_is_valid("0084575949")
    assert not services.national_code_is_valid("0084575938")


def test_a_remainder_below_two_is_itself_the_check_digit():
    assert services.national_code_is_valid("1000000011")  # 1*10 + 1*2 = 12, remainder 1
    assert services.national_code_is_valid("2000000010")  # 2*10 + 1*2 = 22, remainder 0
    assert not services.national_code_is_valid("2000000019")


@pytest.mark.parametrize(
    ("doc_type", "number", "code"),
    [
        ("national_code", "0084575949", "national_code"),
        ("fida", "12345678901", "fida"),
        ("fida", "1234567890123", "fida"),
        ("fida", "12345678901A", "fida"),
        ("amayesh", "12", "number"),
    ],
)
def test_document_numbers_breaking_their_format_are_refused(doc_type, number, code):
    with pytest.raises(ValidationError) as info:
        services.validate_document_number(doc_type, number)
    assert codes_of(info.value) == {code}


@pytest.mark.parametrize(
    ("doc_type", "number"),
    [("fida", "123456789012"), ("amayesh", "123"), ("passport", "P0123456"), ("vrf", "ABC")],
)
def test_document_numbers_of_the_right_format_pass(doc_type, number):
    services.validate_document_number(doc_type, number)


# --- add_document -----------------------------------------------------------------------------


def test_a_document_is_recorded_as_typed_and_as_compared(settlement_a, alice):
    registered = household(settlement_a, by=alice)
    head = registered.head

    with recorded() as events:
        document = services.add_document(
            person=head,
            by=alice,
            doc_type="amayesh",
            number_typed=" ۱۲۳-۴۵۶ ۷۸۹ ",
            issued_on=date(2024, 1, 1),
            expires_on=date(2025, 1, 1),
            cycle="Amayesh 18",
        )

    document = fresh(document)
    assert document.number_typed == "۱۲۳-۴۵۶ ۷۸۹"
    assert document.number == "123456789"
    assert document.individual == head
    assert document.cycle == "Amayesh 18"
    assert kinds(events) == [("TJ-000001", registry_events.DOCUMENT_ADDED.code)]
    assert events[0].params == {
        "member": "علی",
        "doc_type": "amayesh",
        "document": str(document.uuid),
    }
    assert events[0].by == alice
    assert [row.history_user for row in document.history.all()] == [alice]


def test_a_national_code_typed_in_persian_digits_with_dashes_is_recorded(settlement_a, alice):
    spouse = people(household(settlement_a, by=alice))["فاطمه"]
    code = national_code("008457594")
    typed = f"{code[:3]}-{code[3:9]}-{code[9]}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    document = services.add_document(
        person=spouse, by=alice, doc_type="national_code", number_typed=typed
    )

    assert document.number == code


def test_a_national_code_with_a_wrong_check_digit_is_refused(settlement_a, alice):
    spouse = people(household(settlement_a, by=alice))["فاطمه"]
    with refused("national_code"):
        services.add_document(
            person=spouse,
            by=alice,
            doc_type="national_code",
            number_typed=wrong_national_code("008457594"),
        )


def test_a_fida_code_has_twelve_digits(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("fida"):
        services.add_document(person=head, by=alice, doc_type="fida", number_typed="1234 5678 901")

    document = services.add_document(
        person=head, by=alice, doc_type="fida", number_typed="۱۲۳۴ ۵۶۷۸ ۹۰۱۲"
    )
    assert document.number == "123456789012"


def test_a_number_too_short_is_refused(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("number"):
        services.add_document(person=head, by=alice, doc_type="passport", number_typed="- 1 -")


def test_a_personal_document_number_belongs_to_one_person(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    services.add_document(
        person=members["علی"], by=alice, doc_type="amayesh", number_typed="123456789"
    )
    with refused("duplicate_document"):
        services.add_document(
            person=members["فاطمه"], by=alice, doc_type="amayesh", number_typed="۱۲۳-۴۵۶-۷۸۹"
        )


def test_a_personal_document_number_is_unique_across_settlements(
    settlement_a, settlement_b, alice, bob
):
    head_a = household(settlement_a, by=alice).head
    head_b = household(settlement_b, by=bob).head
    services.add_document(person=head_a, by=alice, doc_type="passport", number_typed="P123456")
    with refused("duplicate_document"):
        services.add_document(person=head_b, by=bob, doc_type="passport", number_typed="p-123456")


def test_the_same_person_may_record_a_renewed_document_with_the_same_number(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    services.add_document(person=head, by=alice, doc_type="amayesh", number_typed="123456789")
    services.add_document(
        person=head, by=alice, doc_type="amayesh", number_typed="123456789", cycle="Amayesh 18"
    )

    assert head.documents.count() == 2


def test_the_same_number_on_different_document_types_is_not_a_clash(settlement_a, alice):
    members = people(household(settlement_a, by=alice))
    services.add_document(
        person=members["علی"], by=alice, doc_type="amayesh", number_typed="123456"
    )
    services.add_document(
        person=members["فاطمه"], by=alice, doc_type="passport", number_typed="123456"
    )

    assert IdentityDocument.objects.filter(number="123456").count() == 2


@pytest.mark.parametrize("doc_type", ["family_passport", "headcount", "unhcr_case", "vrf"])
def test_a_shared_document_may_be_held_by_several_people(settlement_a, alice, doc_type):
    members = people(household(settlement_a, by=alice))
    for name in ("علی", "فاطمه", "حسین"):
        services.add_document(
            person=members[name], by=alice, doc_type=doc_type, number_typed="F-998877"
        )

    assert IdentityDocument.objects.filter(doc_type=doc_type, number="F998877").count() == 3


def test_a_document_cannot_expire_before_it_was_issued(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("dates"):
        services.add_document(
            person=head,
            by=alice,
            doc_type="passport",
            number_typed="P123456",
            issued_on=date(2024, 5, 1),
            expires_on=date(2024, 4, 30),
        )


def test_a_document_may_expire_on_the_day_it_was_issued(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    document = services.add_document(
        person=head,
        by=alice,
        doc_type="laissez_passer",
        number_typed="LP-1234",
        issued_on=date(2024, 5, 1),
        expires_on=date(2024, 5, 1),
        purpose="repatriation",
    )

    assert document.purpose == "repatriation"


def test_an_unknown_document_type_is_refused(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with refused("invalid_choice"):
        services.add_document(person=head, by=alice, doc_type="library_card", number_typed="123456")


def test_a_former_member_gets_no_new_document(settlement_a, alice):
    from mehman.core import dates

    son = people(household(settlement_a, by=alice))["حسین"]
    services.record_death(person=son, died_on=dates.today(), by=alice)
    with refused("inactive"):
        services.add_document(person=son, by=alice, doc_type="tazkira", number_typed="123456")


def test_an_unknown_document_field_is_a_programming_error(settlement_a, alice):
    head = household(settlement_a, by=alice).head
    with pytest.raises(ValueError, match="unknown document fields"):
        services.add_document(
            person=head, by=alice, doc_type="tazkira", number_typed="123456", verified_by=alice
        )


# --- verify_document --------------------------------------------------------------------------


def _document(settlement, by):
    head = household(settlement, by=by).head
    return services.add_document(
        person=head, by=by, doc_type=DocumentType.PASSPORT, number_typed="P123456"
    )


def test_a_document_is_verified_by_the_signed_in_staff_member(settlement_a, alice, mona):
    document = _document(settlement_a, alice)

    with recorded() as events:
        services.verify_document(document=document, by=mona)

    document = fresh(document)
    assert document.verified_by == mona
    assert document.verified_at is not None
    assert kinds(events) == [("TJ-000001", registry_events.DOCUMENT_VERIFIED.code)]
    assert events[0].params["document"] == str(document.uuid)
    latest = document.history.first()
    # The reason is kept in the words the acting user works in.
    assert (latest.history_user, latest.history_change_reason) == (mona, gettext("Verified"))


def test_a_document_is_verified_once(settlement_a, alice, mona):
    document = _document(settlement_a, alice)
    services.verify_document(document=document, by=alice)
    with refused("verified"):
        services.verify_document(document=document, by=mona)

    assert fresh(document).verified_by == alice


def test_nobody_verifies_without_signing_in(settlement_a, alice):
    from django.contrib.auth.models import AnonymousUser

    document = _document(settlement_a, alice)
    with refused("by"):
        services.verify_document(document=document, by=None)
    with refused("by"):
        services.verify_document(document=document, by=AnonymousUser())

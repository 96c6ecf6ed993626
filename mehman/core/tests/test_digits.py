from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mehman.core import digits
from mehman.core.digits import DigitStyle

ascii_digit_strings = st.text(alphabet="0123456789", max_size=30)


def test_persian_and_arabic_digits_become_ascii():
    assert digits.to_ascii("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert digits.to_ascii("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_arabic_separators_become_ascii_separators():
    assert digits.to_ascii("۱۲٬۳۴۵٫۶") == "12,345.6"


def test_to_ascii_leaves_letters_and_latin_digits_alone():
    assert digits.to_ascii("پلاک ۱۲ - Block 7") == "پلاک 12 - Block 7"


def test_to_persian_converts_digits_only():
    assert digits.to_persian("Unit 12.5/3") == "Unit ۱۲.۵/۳"


@given(ascii_digit_strings)
def test_ascii_digits_survive_a_round_trip_through_persian(text):
    assert digits.to_ascii(digits.to_persian(text)) == text


@given(ascii_digit_strings.filter(bool))
def test_persian_digits_contain_no_ascii_digit(text):
    assert not any(ch.isascii() for ch in digits.to_persian(text))


def test_the_digit_style_follows_the_language_when_nothing_is_activated():
    with translation.override("fa"):
        assert digits.get_style() is DigitStyle.PERSIAN
    with translation.override("en"):
        assert digits.get_style() is DigitStyle.LATIN


def test_an_activated_style_wins_over_the_language_until_deactivated():
    with translation.override("fa"):
        digits.activate("latn")
        try:
            assert digits.get_style() is DigitStyle.LATIN
        finally:
            digits.deactivate()
        assert digits.get_style() is DigitStyle.PERSIAN


def test_override_restores_the_previous_style():
    with translation.override("en"), digits.override(DigitStyle.PERSIAN):
        with digits.override("latn"):
            assert digits.get_style() is DigitStyle.LATIN
        assert digits.get_style() is DigitStyle.PERSIAN
        with digits.override(None):
            assert digits.get_style() is DigitStyle.LATIN


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError):
        digits.activate("roman")


def test_integers_are_grouped_with_the_persian_separator_in_persian():
    with translation.override("fa"):
        assert digits.localize(1234567) == "۱٬۲۳۴٬۵۶۷"
        assert digits.localize(-1000) == "-۱٬۰۰۰"
        assert digits.localize(999) == "۹۹۹"


def test_integers_are_grouped_with_commas_in_latin_digits():
    with translation.override("fa"), digits.override("latn"):
        assert digits.localize(1234567) == "1,234,567"


def test_decimals_use_the_persian_decimal_separator_in_persian():
    with translation.override("fa"):
        assert digits.localize(Decimal("1234.50")) == "۱٬۲۳۴٫۵۰"
    with translation.override("en"):
        assert digits.localize(Decimal("1234.50")) == "1,234.50"


def test_text_is_localized_digit_by_digit_without_grouping():
    with translation.override("fa"):
        assert digits.localize("ST-12345") == "ST-۱۲۳۴۵"
        assert digits.localize(True) == "True"


def test_localize_digits_converts_any_script_to_the_active_one():
    with translation.override("en"):
        assert digits.localize_digits("۱۲ و ٣٤") == "12 و 34"
    with translation.override("fa"):
        assert digits.localize_digits("12 و ٣٤") == "۱۲ و ۳۴"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("42", 42),
        ("۴۲", 42),
        ("٤٢", 42),
        (" ۱۲۳ ", 123),
        ("1,234,567", 1234567),
        ("۱٬۲۳۴", 1234),
        ("۱۲،۰۰۰", 12000),
        ("-7", -7),
        ("\u200f۵۰\u200e", 50),
        ("007", 7),
    ],
)
def test_an_integer_is_read_in_any_digit_script(typed, expected):
    assert digits.parse_int(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "  ", "abc", "12a", "1.5", "۱٫۵", "1,5", "1,23,456", ",123", "1 000", "1_000", "--1"],
)
def test_anything_but_an_integer_is_refused(typed):
    with pytest.raises(ValueError):
        digits.parse_int(typed)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(list(DigitStyle)))
def test_a_localized_integer_parses_back_to_itself(number, style):
    with digits.override(style):
        assert digits.parse_int(digits.localize(number)) == number

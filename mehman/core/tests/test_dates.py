from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from mehman.core import dates, digits

NOWRUZ_1405 = date(2026, 3, 21)
settlement_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


def test_nowruz_1405_is_the_21st_of_march_2026():
    assert dates.to_gregorian(1405, 1, 1) == NOWRUZ_1405
    jalali = dates.to_jalali(NOWRUZ_1405)
    assert (jalali.year, jalali.month, jalali.day) == (1405, 1, 1)


def test_1403_is_a_jalali_leap_year_and_1404_is_not():
    assert dates.to_gregorian(1403, 12, 30) == date(2025, 3, 20)
    with pytest.raises(ValueError):
        dates.to_gregorian(1404, 12, 30)


def test_persian_users_see_jalali_dates_in_persian_digits():
    with translation.override("fa"):
        assert dates.format_date(NOWRUZ_1405) == "۱۴۰۵/۰۱/۰۱"
        assert dates.format_date(NOWRUZ_1405, style="long") == "۱ فروردین ۱۴۰۵"
        assert dates.format_date(date(2026, 3, 20), style="long") == "۲۹ اسفند ۱۴۰۴"


def test_persian_users_who_chose_latin_digits_see_jalali_dates_in_latin_digits():
    with translation.override("fa"), digits.override("latn"):
        assert dates.format_date(NOWRUZ_1405) == "1405/01/01"


def test_english_users_see_gregorian_dates():
    with translation.override("en"):
        assert dates.format_date(NOWRUZ_1405) == "2026-03-21"
        assert dates.format_date(NOWRUZ_1405, style="long") == "21 March 2026"


def test_a_named_calendar_overrides_the_language():
    with translation.override("en"):
        assert dates.format_date(NOWRUZ_1405, calendar="jalali") == "1405/01/01"
        assert dates.format_date(NOWRUZ_1405, calendar="jalali", style="long") == "1 Farvardin 1405"
    with translation.override("fa"):
        assert dates.format_date(NOWRUZ_1405, calendar="gregorian") == "۲۰۲۶-۰۳-۲۱"
        assert dates.format_date(NOWRUZ_1405, calendar="gregorian", style="long") == "۲۱ مارس ۲۰۲۶"


def test_an_unknown_calendar_or_style_is_a_programming_error():
    with pytest.raises(ValueError):
        dates.format_date(NOWRUZ_1405, calendar="hijri")
    with pytest.raises(ValueError):
        dates.format_date(NOWRUZ_1405, style="medium")


def test_no_date_formats_as_nothing():
    assert dates.format_date(None) == ""
    assert dates.format_datetime(None) == ""


def test_a_utc_datetime_is_shown_on_the_local_day_and_clock():
    just_after_midnight_in_tehran = datetime(2026, 3, 20, 20, 31, tzinfo=UTC)
    with timezone.override("Asia/Tehran"):
        with translation.override("fa"):
            assert dates.format_date(just_after_midnight_in_tehran) == "۱۴۰۵/۰۱/۰۱"
            assert dates.format_datetime(just_after_midnight_in_tehran) == "۱۴۰۵/۰۱/۰۱ ۰۰:۰۱"
        with translation.override("en"):
            assert dates.format_datetime(just_after_midnight_in_tehran) == "2026-03-21 00:01"


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵/۰۱/۰۱",
        "۱۴۰۵/۱/۱",
        "١٤٠٥-٠١-٠١",
        "1405.1.1",
        "1405 1 1",
        "۱۴۰۵،۱،۱",
        "۱۴۰۵٫۰۱٫۰۱",
        " 1405 / 01 / 01 ",
        "\u200f۱۴۰۵/۰۱/۰۱\u200e",
        "14050101",
    ],
)
def test_a_jalali_date_typed_in_any_digits_and_separators_is_stored_gregorian(typed):
    with translation.override("fa"):
        assert dates.parse_date(typed) == NOWRUZ_1405


def test_a_jalali_date_typed_with_arabic_digits_is_stored_gregorian():
    with translation.override("fa"):
        assert dates.parse_date("١٤٠٣/١٢/٣٠") == date(2025, 3, 20)


def test_english_users_type_gregorian_dates():
    with translation.override("en"):
        assert dates.parse_date("2026-03-21") == NOWRUZ_1405
        assert dates.parse_date("2026/3/21") == NOWRUZ_1405


def test_a_jalali_year_in_a_gregorian_field_is_read_as_jalali():
    with translation.override("en"):
        assert dates.parse_date("1405-01-01") == NOWRUZ_1405
    assert dates.parse_date("1365/06/31", calendar="gregorian") == date(1986, 9, 22)


def test_a_gregorian_year_typed_by_a_persian_user_is_read_as_gregorian():
    with translation.override("fa"):
        assert dates.parse_date("۲۰۲۶/۰۳/۲۱") == NOWRUZ_1405


def test_a_jalali_year_before_1300_is_jalali_in_the_jalali_calendar():
    assert dates.parse_date("1299/01/01", calendar="jalali") == date(1920, 3, 21)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1405",
        "1405/01",
        "1405/13/01",
        "1405/00/10",
        "1404/12/30",
        "1405/07/31",
        "01/01/1405",
        "21/03/2026",
        "2026-02-29",
        "405/01/01",
        "1405/001/01",
        "1405-01-01T00:00",
        "فردا",
    ],
)
def test_a_date_that_does_not_exist_or_is_not_year_month_day_is_refused(typed):
    with translation.override("fa"), pytest.raises(ValueError):
        dates.parse_date(typed)


@given(settlement_dates)
def test_any_date_formatted_jalali_in_persian_digits_parses_back_to_itself(day):
    with translation.override("fa"):
        shown = dates.format_date(day)
        assert not any(ch in "0123456789" for ch in shown)
        assert dates.parse_date(shown) == day


@given(settlement_dates)
def test_any_date_formatted_for_english_users_parses_back_to_itself(day):
    with translation.override("en"):
        assert dates.parse_date(dates.format_date(day)) == day


@given(settlement_dates)
def test_jalali_conversion_round_trips(day):
    jalali = dates.to_jalali(day)
    assert dates.to_gregorian(jalali.year, jalali.month, jalali.day) == day


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2000, 5, 10), date(2026, 5, 9), 25),
        (date(2000, 5, 10), date(2026, 5, 10), 26),
        (date(2026, 3, 21), date(2026, 3, 21), 0),
        (date(2004, 2, 29), date(2026, 2, 28), 21),
        (date(2004, 2, 29), date(2026, 3, 1), 22),
    ],
)
def test_age_counts_completed_years(birth, on, age):
    assert dates.age_on(birth, on) == age


def test_a_birth_after_the_date_has_no_age():
    with pytest.raises(ValueError):
        dates.age_on(date(2026, 3, 22), date(2026, 3, 21))


@pytest.mark.parametrize(
    ("age", "bracket"),
    [
        (0, "0-4"),
        (4, "0-4"),
        (5, "5-11"),
        (11, "5-11"),
        (12, "12-17"),
        (17, "12-17"),
        (18, "18-59"),
        (59, "18-59"),
        (60, "60+"),
        (104, "60+"),
        (None, "unknown"),
        (-1, "unknown"),
    ],
)
def test_ages_fall_in_unhcr_brackets(age, bracket):
    assert dates.age_bracket(age) == bracket


def test_today_is_the_local_date():
    with timezone.override("Asia/Kabul"):
        assert dates.today() == datetime.now(ZoneInfo("Asia/Kabul")).date()

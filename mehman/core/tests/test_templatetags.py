from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import timezone, translation

from mehman.core import dates, digits
from mehman.core.templatetags import mehman

NOWRUZ_1405 = date(2026, 3, 21)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_the_filters_are_builtins_that_need_no_load():
    with translation.override("fa"):
        assert render("{{ d|jdate }}", d=NOWRUZ_1405) == "۱۴۰۵/۰۱/۰۱"


def test_dates_are_shown_in_the_users_calendar():
    with translation.override("fa"):
        assert render("{{ d|jdate }} | {{ d|jdate_long }}", d=NOWRUZ_1405) == (
            "۱۴۰۵/۰۱/۰۱ | ۱ فروردین ۱۴۰۵"
        )
    with translation.override("en"):
        assert render("{{ d|jdate }} | {{ d|jdate_long }}", d=NOWRUZ_1405) == (
            "2026-03-21 | 21 March 2026"
        )


def test_a_timestamp_is_shown_in_local_time():
    stamp = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)
    with timezone.override("Asia/Tehran"), translation.override("fa"):
        assert render("{{ t|jdatetime }}", t=stamp) == "۱۴۰۵/۰۱/۰۱ ۰۹:۳۰"
        assert render("{{ t|jdate }}", t=stamp) == "۱۴۰۵/۰۱/۰۱"
        assert render("{{ d|jdatetime }}", d=NOWRUZ_1405) == "۱۴۰۵/۰۱/۰۱"


def test_numbers_are_grouped_in_the_users_digits():
    with translation.override("fa"):
        assert render("{{ n|num }}", n=1234567) == "۱٬۲۳۴٬۵۶۷"
    with translation.override("fa"), digits.override("latn"):
        assert render("{{ n|num }}", n=1234567) == "1,234,567"
    with translation.override("en"):
        assert render("{{ n|num }}", n=Decimal("12.5")) == "12.5"


def test_decimal_quantities_show_without_trailing_zeros():
    with translation.override("fa"):
        assert render("{{ n|num }}", n=Decimal("1200.00")) == "۱٬۲۰۰"
        assert render("{{ n|num }}", n=Decimal("2.50")) == "۲٫۵"
    with translation.override("en"):
        assert render("{{ n|num }}", n=Decimal("0.00")) == "0"


def test_the_can_filter_tells_a_roles_capability(mona, alice):
    assert render('{{ u|can:"partners.manage" }}', u=mona) == "True"
    assert render('{{ u|can:"partners.manage" }}', u=alice) == "False"


def test_digits_in_any_text_follow_the_users_digits():
    with translation.override("fa"):
        assert render("{{ s|digits }}", s="ST-1405-00042") == "ST-۱۴۰۵-۰۰۰۴۲"
    with translation.override("en"):
        assert render("{{ s|digits }}", s="بلوک ۳") == "بلوک 3"


def test_the_digits_filter_keeps_autoescaping():
    with translation.override("fa"):
        assert render("{{ s|digits }}", s="<b>1</b>") == "&lt;b&gt;۱&lt;/b&gt;"


def test_age_brackets_come_from_an_age_or_a_birth_date():
    assert render("{{ a|age_bracket }}", a=3) == "0-4"
    assert render("{{ a|age_bracket }}", a=60) == "60+"
    ten_years_ago = dates.today().replace(year=dates.today().year - 10, day=1)
    assert render("{{ b|age_bracket }}", b=ten_years_ago) == "5-11"
    assert mehman.age_bracket(dates.today() + timedelta(days=1)) == "unknown"


@pytest.mark.parametrize(
    "filter_function",
    [
        mehman.jdate,
        mehman.jdate_long,
        mehman.jdatetime,
        mehman.num,
        mehman.digits_filter,
        mehman.age_bracket,
    ],
)
def test_every_filter_shows_nothing_for_none(filter_function):
    with translation.override("fa"):
        assert filter_function(None) == ""
        assert render("{{ missing|" + filter_function.__name__.replace("_filter", "") + " }}") == ""


@pytest.mark.parametrize("value", ["not a date", 1405, date(100, 1, 1)])
def test_the_date_filters_show_nothing_for_what_is_not_a_showable_date(value):
    with translation.override("fa"):
        assert mehman.jdate(value) == ""
        assert mehman.jdate_long(value) == ""
        assert mehman.jdatetime(value) == ""

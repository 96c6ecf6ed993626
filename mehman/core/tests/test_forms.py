from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from mehman.core import digits
from mehman.core.forms import JalaliDateField, LocalizedIntegerField

NOWRUZ_1405 = date(2026, 3, 21)


class ArrivalForm(forms.Form):
    arrived_on = JalaliDateField()
    left_on = JalaliDateField(required=False)
    members = LocalizedIntegerField(min_value=1, max_value=30)
    income = LocalizedIntegerField(required=False)


def arrival(**data):
    return ArrivalForm(data={"arrived_on": "1405/01/01", "members": "3", **data})


def test_a_jalali_date_typed_with_arabic_digits_is_stored_gregorian():
    with translation.override("fa"):
        form = arrival(arrived_on="١٤٠٥-٠١-٠١")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["arrived_on"] == NOWRUZ_1405


def test_an_english_user_types_a_gregorian_date():
    with translation.override("en"):
        form = arrival(arrived_on="2026-03-21")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["arrived_on"] == NOWRUZ_1405


def test_an_optional_date_left_empty_is_none():
    with translation.override("fa"):
        form = arrival(left_on="  ")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["left_on"] is None


def test_a_required_date_left_empty_is_refused():
    with translation.override("en"):
        form = arrival(arrived_on="")
        assert not form.is_valid()
        assert form.errors["arrived_on"] == ["This field is required."]


def test_a_date_that_does_not_exist_is_refused_with_an_example_in_the_users_calendar():
    with translation.override("en"):
        form = arrival(arrived_on="1404/12/30")
        assert not form.is_valid()
        assert form.errors["arrived_on"] == ["Enter a valid date, e.g. 2026-03-21."]
        assert form.errors.as_data()["arrived_on"][0].code == "invalid"
    with translation.override("fa"):
        form = arrival(arrived_on="۱۴۰۵/۱۳/۰۱")
        assert not form.is_valid()
        assert "۱۴۰۵/۰۱/۰۱" in form.errors["arrived_on"][0]


def test_the_date_box_shows_the_initial_date_in_the_users_calendar_and_digits():
    form = ArrivalForm(initial={"arrived_on": NOWRUZ_1405})
    with translation.override("fa"):
        html = str(form["arrived_on"])
        assert 'value="۱۴۰۵/۰۱/۰۱"' in html
        assert 'placeholder="۱۴۰۵/۰۱/۰۱"' in html
    with translation.override("fa"), digits.override("latn"):
        assert 'value="1405/01/01"' in str(form["arrived_on"])
    with translation.override("en"):
        html = str(form["arrived_on"])
        assert 'value="2026-03-21"' in html
        assert 'placeholder="2026-03-21"' in html


def test_the_date_box_opens_a_numeric_keypad_left_to_right_without_autocomplete():
    with translation.override("fa"):
        html = str(ArrivalForm()["arrived_on"])
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'dir="ltr"' in html
    assert 'autocomplete="off"' in html


def test_a_placeholder_given_by_the_form_is_kept():
    field = JalaliDateField(widget=JalaliDateField.widget(attrs={"placeholder": "روز تولد"}))
    with translation.override("fa"):
        html = field.widget.render("born", None)
    assert 'placeholder="روز تولد"' in html
    assert 'inputmode="numeric"' in html


def test_a_refused_date_is_shown_again_as_typed():
    with translation.override("fa"):
        form = arrival(arrived_on="۱۴۰۵/۱۳/۰۱")
        form.is_valid()
        assert 'value="۱۴۰۵/۱۳/۰۱"' in str(form["arrived_on"])


def test_retyping_the_initial_date_in_other_digits_is_not_a_change():
    with translation.override("fa"):
        form = ArrivalForm(
            initial={"arrived_on": NOWRUZ_1405, "members": 3},
            data={"arrived_on": "1405/1/1", "members": "۳"},
        )
        assert not form.has_changed()
        form = ArrivalForm(
            initial={"arrived_on": NOWRUZ_1405, "members": 3},
            data={"arrived_on": "1405/1/2", "members": "۳"},
        )
        assert form.changed_data == ["arrived_on"]


def test_a_date_field_accepts_date_and_datetime_values():
    field = JalaliDateField()
    assert field.clean(NOWRUZ_1405) == NOWRUZ_1405
    assert field.clean(datetime(2026, 3, 21, 9, 30)) == NOWRUZ_1405  # noqa: DTZ001


@pytest.mark.parametrize(("typed", "expected"), [("۱۲", 12), ("٣", 3), (" 30 ", 30), ("1", 1)])
def test_a_number_typed_in_any_digits_is_read(typed, expected):
    with translation.override("fa"):
        form = arrival(members=typed)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["members"] == expected


@pytest.mark.parametrize(
    ("typed", "expected"), [("۱٬۲۰۰٬۰۰۰", 1_200_000), ("1,500", 1500), (" ", None)]
)
def test_a_number_may_carry_thousands_separators(typed, expected):
    with translation.override("fa"):
        form = arrival(income=typed)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["income"] == expected


def test_a_required_number_left_blank_is_refused():
    with translation.override("en"):
        form = arrival(members="  ")
        assert not form.is_valid()
    assert form.errors.as_data()["members"][0].code == "required"


@pytest.mark.parametrize("typed", ["۰", "۳۱", "-1"])
def test_a_number_out_of_range_is_refused(typed):
    with translation.override("en"):
        form = arrival(members=typed)
        assert not form.is_valid()
    assert form.errors.as_data()["members"][0].code in {"min_value", "max_value"}


@pytest.mark.parametrize("typed", ["سه", "2.5", "۲٫۵", "1,5"])
def test_anything_but_a_whole_number_is_refused(typed):
    with translation.override("en"):
        form = arrival(members=typed)
        assert not form.is_valid()
        assert form.errors["members"] == ["Enter a whole number."]


def test_the_number_box_shows_the_initial_number_in_the_users_digits():
    form = ArrivalForm(initial={"members": 12, "income": 1500000})
    with translation.override("fa"):
        assert 'value="۱۲"' in str(form["members"])
        assert 'value="۱۵۰۰۰۰۰"' in str(form["income"])
        assert 'inputmode="numeric"' in str(form["members"])
        assert 'type="text"' in str(form["members"])
    with translation.override("en"):
        assert 'value="12"' in str(form["members"])

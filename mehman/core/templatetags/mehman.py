"""Mehman's template filters (a builtin: templates use them without ``{% load %}``).

Dates in the user's calendar, numbers in the user's digits. Like Django's own
filters they fail quietly: ``None`` or a value of the wrong type gives "".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from mehman.core import dates, digits

register = template.Library()


@register.filter
def jdate(value: object) -> str:
    """``۱۴۰۵/۰۱/۰۱`` in Persian, ``2026-03-21`` in English."""
    return _format(value, "short")


@register.filter
def jdate_long(value: object) -> str:
    """``۱ فروردین ۱۴۰۵`` in Persian, ``21 March 2026`` in English."""
    return _format(value, "long")


@register.filter
def jdatetime(value: object) -> str:
    """``۱۴۰۵/۰۱/۰۱ ۰۹:۳۰`` in Persian, in local time; a plain date has no time."""
    if isinstance(value, datetime):
        try:
            return dates.format_datetime(value)
        except ValueError:
            return ""
    return _format(value, "short")


@register.filter
def num(value: object) -> str:
    """A number grouped by thousands in the active digits: ``۱۲٬۳۴۵``.

    Decimals lose trailing zeros (a quantity of ``100.00`` shows as ``۱۰۰``,
    ``2.50`` hours as ``۲٫۵``), so SQLite and PostgreSQL sums read the same.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = digits.plain(value)
    return digits.localize(value)


@register.filter
def can(user: object, capability: str) -> bool:
    """Whether the signed-in user's role carries the capability (``user|can:"x.y"``)."""
    has = getattr(user, "has_capability", None)
    return bool(getattr(user, "is_authenticated", False) and callable(has) and has(capability))


@register.filter("digits")
def digits_filter(value: object) -> str:
    """Every digit in the text in the active digit style, nothing else changed."""
    if value is None:
        return ""
    return digits.localize_digits(str(value))


@register.filter
def age_bracket(value: object) -> str:
    """The UNHCR age bracket ("0-4" … "60+", "unknown") of an age or a birth date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        today = dates.today()
        return dates.age_bracket(dates.age_on(value, today) if value <= today else None)
    if isinstance(value, int) and not isinstance(value, bool):
        return dates.age_bracket(value)
    return ""


def _format(value: object, style: str) -> str:
    if not isinstance(value, date):
        return ""
    try:
        return dates.format_date(value, style=style)
    except ValueError:  # before 622 CE: no Jalali date
        return ""

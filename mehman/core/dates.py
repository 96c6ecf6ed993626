"""Dates: stored Gregorian, shown and typed Jalali for Persian users.

The calendar follows the active language (Persian → Jalali, otherwise
Gregorian) unless a caller names one; digits follow ``digits.get_style()``.
"""

# ruff: noqa: RUF002 -- Persian digits and separators are the subject here.

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final, Literal

import jdatetime
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from mehman.core import digits

Calendar = Literal["jalali", "gregorian"]
Style = Literal["short", "long"]

JALALI: Final = "jalali"
GREGORIAN: Final = "gregorian"

# Jalali years that can appear in a Gregorian field: 1300 AP = 1921, 1499 AP = 2121.
JALALI_YEARS_IN_GREGORIAN_FIELD: Final = range(1300, 1500)

JALALI_MONTHS_FA: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
JALALI_MONTHS_LATIN: Final = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

# The Jalali year's quarters are its seasons, from Farvardin (spring) on.
JALALI_SEASONS_FA: Final = ("بهار", "تابستان", "پاییز", "زمستان")
JALALI_SEASONS_LATIN: Final = ("Bahar", "Tabestan", "Paeez", "Zemestan")

AGE_BRACKETS: Final = ("0-4", "5-11", "12-17", "18-59", "60+")
AGE_UNKNOWN: Final = "unknown"

# Applied after digits.to_ascii, so "٫" and "٬" arrive as "." and ",".
_SEPARATOR = r"(?:\s*[/.,،-]\s*|\s+)"
_YMD = re.compile(
    rf"(?P<y>[0-9]{{4}}){_SEPARATOR}(?P<m>[0-9]{{1,2}}){_SEPARATOR}(?P<d>[0-9]{{1,2}})"
    # Digits only (YYYYMMDD): phone keypads opened by inputmode="numeric" may lack "/".
    r"|(?P<cy>[0-9]{4})(?P<cm>[0-9]{2})(?P<cd>[0-9]{2})",
    re.ASCII,
)


def _is_persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


def _resolve_calendar(calendar: str | None) -> Calendar:
    if calendar is None:
        return JALALI if _is_persian() else GREGORIAN
    if calendar == JALALI:
        return JALALI
    if calendar == GREGORIAN:
        return GREGORIAN
    raise ValueError(f"unknown calendar: {calendar!r}")


def to_jalali(d: date) -> jdatetime.date:
    """The Jalali date of a Gregorian date (ValueError before 622 CE)."""
    jalali: jdatetime.date = jdatetime.date.fromgregorian(year=d.year, month=d.month, day=d.day)
    return jalali


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Jalali year/month/day (ValueError if it does not exist)."""
    gregorian: date = jdatetime.date(year, month, day).togregorian()
    return gregorian


def today() -> date:
    """Today in the settlement's time zone."""
    return timezone.localdate()


def _local(dt: datetime) -> datetime:
    return timezone.localtime(dt) if timezone.is_aware(dt) else dt


def format_date(
    d: date | datetime | None, *, calendar: str | None = None, style: str = "short"
) -> str:
    """``d`` as the user reads it: ``۱۴۰۵/۰۱/۰۱`` / ``۱ فروردین ۱۴۰۵`` in Persian,
    ``2026-03-21`` / ``21 March 2026`` in English. ``None`` gives "".
    """
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = _local(d).date()
    if style not in ("short", "long"):
        raise ValueError(f"unknown date style: {style!r}")
    if _resolve_calendar(calendar) == JALALI:
        jalali = to_jalali(d)
        year, month, day = int(jalali.year), int(jalali.month), int(jalali.day)
        names = JALALI_MONTHS_FA if _is_persian() else JALALI_MONTHS_LATIN
        month_name, separator = names[month - 1], "/"
    else:
        year, month, day = d.year, d.month, d.day
        # Django's own catalogue translates these (ژانویه, فوریه, …).
        month_name, separator = str(MONTHS[month]), "-"
    if style == "short":
        text = separator.join((f"{year:04d}", f"{month:02d}", f"{day:02d}"))
    else:
        text = " ".join((str(day), month_name, str(year)))
    return digits.localize_digits(text)


def format_datetime(
    dt: datetime | None, *, calendar: str | None = None, style: str = "short"
) -> str:
    """``format_date`` of the local date followed by `` HH:MM``. ``None`` gives ""."""
    if dt is None:
        return ""
    local = _local(dt)
    clock = digits.localize_digits(f"{local.hour:02d}:{local.minute:02d}")
    return f"{format_date(local.date(), calendar=calendar, style=style)} {clock}"


def parse_date(text: str, *, calendar: str | None = None) -> date:
    """The date typed as year/month/day, in any digit script, with "/", "-", ".",
    "،" or spaces between the parts (or YYYYMMDD).

    Years 1300–1499 are Jalali in either calendar (a Jalali year typed in a
    Gregorian field). In the Jalali calendar any year before 1500 is Jalali and
    a later year is Gregorian (copied from a Gregorian document); in the
    Gregorian calendar every other year is Gregorian. Raises ``ValueError``.
    """
    cleaned = digits.to_ascii(digits.strip_bidi_marks(text)).strip()
    match = _YMD.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a year/month/day date: {text!r}")
    parts = match.group("y", "m", "d") if match.group("y") else match.group("cy", "cm", "cd")
    year, month, day = (int(part) for part in parts)
    if _resolve_calendar(calendar) == JALALI:
        is_jalali = year < 1500
    else:
        is_jalali = year in JALALI_YEARS_IN_GREGORIAN_FIELD
    if is_jalali:
        return to_gregorian(year, month, day)
    return date(year, month, day)


def midyear(year: int) -> date:
    """The date recorded when only the year is known: 1 Mehr of that Jalali year.

    Years 1300–1499 are Jalali; any other year is Gregorian and means the Jalali
    year that begins at its Nowruz, whose 1 Mehr falls in late September.
    """
    jalali_year = year if year in JALALI_YEARS_IN_GREGORIAN_FIELD else year - 621
    return to_gregorian(jalali_year, 7, 1)


def age_on(birth: date, on: date) -> int:
    """Completed years between ``birth`` and ``on`` (ValueError if born after ``on``)."""
    if birth > on:
        raise ValueError(f"born {birth} after {on}")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_bracket(age: int | None) -> str:
    """The UNHCR age bracket of ``age``: "0-4", "5-11", "12-17", "18-59", "60+" or "unknown"."""
    if age is None or age < 0:
        return AGE_UNKNOWN
    if age <= 4:
        return "0-4"
    if age <= 11:
        return "5-11"
    if age <= 17:
        return "12-17"
    if age <= 59:
        return "18-59"
    return "60+"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = (following - date.resolution).day
    return date(year, month, min(day.day, last))


def quarter_of(day: date, calendar: str | None = None) -> tuple[int, int]:
    """The year and quarter (0–3) of ``day`` in the reader's calendar (Jalali: its seasons)."""
    if _resolve_calendar(calendar) == JALALI:
        jalali = to_jalali(day)
        return int(jalali.year), (int(jalali.month) - 1) // 3
    return day.year, (day.month - 1) // 3


def quarter_label(year: int, quarter: int, calendar: str | None = None) -> str:
    """A quarter as the reader names it: «بهار ۱۴۰۶» in Jalali, "2027 Q1" in Gregorian."""
    if _resolve_calendar(calendar) == JALALI:
        names = JALALI_SEASONS_FA if _is_persian() else JALALI_SEASONS_LATIN
        return f"{names[quarter]} {digits.localize_digits(str(year))}"
    return str(
        _("%(year)s Q%(quarter)s")
        % {
            "year": digits.localize_digits(str(year)),
            "quarter": digits.localize_digits(str(quarter + 1)),
        }
    )

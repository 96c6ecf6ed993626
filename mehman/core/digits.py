"""Digits: accept every script on input, show the user's script on output.

Numbers are typed in Persian (۰–۹), Arabic-Indic (٠–٩) or Latin digits and are
stored as ASCII. On output they are shown in the active digit style, which is
activated per request the way Django activates a language.
"""

# ruff: noqa: RUF002 -- Persian digits and separators are the subject here.

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from enum import StrEnum

from django.utils import translation

ASCII_DIGITS = "0123456789"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DECIMAL_SEPARATOR = "٫"  # U+066B
PERSIAN_THOUSANDS_SEPARATOR = "٬"  # U+066C

_TO_ASCII = str.maketrans(
    PERSIAN_DIGITS + ARABIC_DIGITS + PERSIAN_DECIMAL_SEPARATOR + PERSIAN_THOUSANDS_SEPARATOR,
    ASCII_DIGITS + ASCII_DIGITS + ".,",
)
_TO_ASCII_DIGITS_ONLY = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, ASCII_DIGITS + ASCII_DIGITS)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS, PERSIAN_DIGITS)

# Invisible direction marks ride along when text is copied from RTL pages.
_BIDI_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# After to_ascii: an optional sign, then digits, grouped by threes or not at all.
# A group of other than three ("1,5") is refused: it may be a decimal comma.
_INTEGER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:[,،][0-9]{3})+)", re.ASCII)


class DigitStyle(StrEnum):
    PERSIAN = "fa"
    LATIN = "latn"


_active: ContextVar[DigitStyle | None] = ContextVar("mehman_digit_style", default=None)


def to_ascii(text: str) -> str:
    """Persian and Arabic-Indic digits and separators → ASCII; the rest unchanged."""
    return text.translate(_TO_ASCII)


def to_ascii_digits(text: str) -> str:
    """Like ``to_ascii`` but digits only: separators are left as they are."""
    return text.translate(_TO_ASCII_DIGITS_ONLY)


def to_persian(text: str) -> str:
    """ASCII digits → Persian digits; the rest unchanged."""
    return text.translate(_TO_PERSIAN)


def strip_bidi_marks(text: str) -> str:
    """Remove invisible direction marks (LRM, RLM, ALM, embeddings, isolates)."""
    return _BIDI_MARKS.sub("", text)


def activate(style: DigitStyle | str) -> None:
    """Show digits in ``style`` in the current context (thread or task).

    Whoever activates deactivates: a request middleware should use ``override``
    or call ``deactivate`` when the response is done.
    """
    _active.set(DigitStyle(style))


def deactivate() -> None:
    """Return to the style implied by the active language."""
    _active.set(None)


def get_style() -> DigitStyle:
    """The activated style, or Persian digits for Persian, Latin for any other language."""
    style = _active.get()
    if style is not None:
        return style
    language = translation.get_language() or ""
    return DigitStyle.PERSIAN if language.startswith("fa") else DigitStyle.LATIN


@contextmanager
def override(style: DigitStyle | str | None) -> Iterator[None]:
    """Use ``style`` inside the block (``None``: the language's style)."""
    token = _active.set(None if style is None else DigitStyle(style))
    try:
        yield
    finally:
        _active.reset(token)


def localize_digits(text: str, style: DigitStyle | None = None) -> str:
    """Every digit in ``text``, of any script, in ``style`` (default: the active one)."""
    ascii_text = to_ascii_digits(text)
    if (style or get_style()) is DigitStyle.PERSIAN:
        return to_persian(ascii_text)
    return ascii_text


def localize(value: object) -> str:
    """``value`` for display: numbers grouped by thousands, digits in the active style.

    Integers and decimals are grouped ("12,345" / "۱۲٬۳۴۵"); with Persian
    digits the decimal point is the Persian "٫". Anything else is ``str(value)``
    with its digits converted.
    """
    style = get_style()
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        text = format(value, ",")
        if style is DigitStyle.PERSIAN:
            text = text.translate(
                {ord(","): PERSIAN_THOUSANDS_SEPARATOR, ord("."): PERSIAN_DECIMAL_SEPARATOR}
            )
        return localize_digits(text, style)
    return localize_digits(str(value), style)


def parse_int(text: str) -> int:
    """An integer typed in any digit script, with or without thousands separators.

    Raises ``ValueError`` for anything else (decimals, letters, empty text).
    """
    cleaned = to_ascii(strip_bidi_marks(text)).strip()
    if not _INTEGER.fullmatch(cleaned):
        raise ValueError(f"not an integer: {text!r}")
    return int(cleaned.replace(",", "").replace("،", ""))


def plain(value: Decimal) -> Decimal:
    """A decimal without trailing zeros, for display: 100.00 → 100, 2.50 → 2.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()

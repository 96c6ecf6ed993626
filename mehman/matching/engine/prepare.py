"""From a record as typed to the values the model compares.

Names go through the registry's search keys (``mehman.core.names``): Arabic or Persian code
points, zero-width non-joiners, spaces inside compounds and diacritics all fold away. On top
of that the engine strips honorifics (سید, حاجی, Haji …), keeps a "core" given name without a
leading محمد/غلام, takes a consonant skeleton that is the same in Persian and Latin letters,
and for records written only in Latin letters looks the Persian name up in a table learnt from
records that carry both scripts. Dates: a year between 1300 and 1420 in a Gregorian field is
a Jalali date and is converted exactly; an estimated date keeps its flag (and its month and
day, which a second registration often copies from the same card).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

import jdatetime

from mehman.core import names

FIELDS: Final = (
    "record_id",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "given_name_latin",
    "family_name_latin",
    "document_number",
    "phone",
)

# Words that are titles, not names: dropped from the front (or back) of a name.
HONORIFICS: Final = frozenset(
    {
        "سید",
        "سیده",
        "سیدہ",
        "حاجی",
        "حاج",
        "ملا",
        "کربلایی",
        "مشهدی",
        "اقا",
        "خانم",
        "بیبی",
        "استاد",
        "مولوی",
        "haji",
        "hajji",
        "haj",
        "sayed",
        "sayyed",
        "sayyid",
        "syed",
        "sayeda",
        "sayyeda",
        "mullah",
        "mulla",
        "mula",
        "karbalai",
        "agha",
        "aqa",
        "khanum",
        "khanom",
        "bibi",
        "ustad",
        "mawlawi",
    }
)
# Honorifics often written joined to the name (سیدهفاطمه, بی‌بی رابعه → بیبیرابعه).
GLUED_HONORIFICS: Final = ("سیده", "سید", "بیبی", "حاجی")
# Prefixes that make a compound given name and are often left out: محمد حسین / حسین.
PREFIXES: Final = ("محمد", "غلام", "mohammad", "muhammad", "mohammed", "ghulam", "gholam")

JALALI_YEARS: Final = range(1300, 1421)
FIRST_YEAR: Final = 1880


@dataclass(frozen=True, slots=True)
class Name:
    key: str  # folded, no spaces, honorifics dropped
    core: str  # the key without a leading محمد/غلام (or the key itself)
    skel: str  # consonant skeleton, the same in Persian and Latin


EMPTY_NAME: Final = Name("", "", "")


@lru_cache(maxsize=200_000)
def name(text: str) -> Name:
    """The comparable forms of one name field."""
    words = [w for w in names.fold(text).split(" ") if w]
    while len(words) > 1 and words[0] in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1] in HONORIFICS:
        words.pop()
    if len(words) > 2 and words[0] == words[1] == "بی":
        del words[:2]
    if not words:
        return EMPTY_NAME
    for glued in GLUED_HONORIFICS:
        if words[0].startswith(glued) and len(words[0]) >= len(glued) + 3:
            words[0] = words[0][len(glued) :]
            break
    key = "".join(words)
    core = key
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            core = key[len(prefix) :]
            break
    return Name(key, core, names.skeleton(" ".join(words)))


@dataclass(frozen=True, slots=True)
class BirthDate:
    year: int
    month: int  # 0 when only the year is known
    day: int
    estimated: bool


def birth_date(text: str, estimated: bool) -> BirthDate | None:
    """An ISO date as typed, read leniently; Jalali years are converted; None if unreadable
    or after today."""
    read = _read_date(text, estimated)
    if read is None:
        return None
    today = datetime.now(UTC).date()
    if (read.year, read.month, read.day) > (today.year, today.month, today.day):
        return None
    return read


@lru_cache(maxsize=100_000)
def _read_date(text: str, estimated: bool) -> BirthDate | None:
    raw = names.fold(text).replace(" ", "-").replace("/", "-")
    parts = [p for p in raw.split("-") if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts[:3]]
    if len(numbers) == 3 and numbers[0] <= 31 < numbers[2]:  # day first: 12-04-1365
        numbers.reverse()
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else 0
    day = numbers[2] if len(numbers) > 2 else 0
    if not (month and day):
        month = day = 0  # only the year is known (or the year and month): estimated
    if year in JALALI_YEARS:
        try:
            gregorian = jdatetime.date(year, month or 7, day or 1).togregorian()
        except ValueError:
            gregorian = jdatetime.date(year, 7, 1).togregorian()
            month = day = 0
        year = gregorian.year
        if month:
            month, day = gregorian.month, gregorian.day
    if year < FIRST_YEAR:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return BirthDate(year, 0, 0, True)
    return BirthDate(year, month, day, estimated)


_TRUE: Final = frozenset({"1", "true", "yes", "y", "بله", "۱", "١"})
_SEX: Final = {"m": "M", "f": "F", "male": "M", "female": "F", "مرد": "M", "زن": "F"}


def _estimated(text: str) -> bool:
    return text.strip().lower() in _TRUE


def _sex(text: str) -> str:
    raw = text.strip().lower()
    if raw in _SEX:
        return _SEX[raw]
    return {"m": "M", "f": "F", "م": "M", "ز": "F"}.get(names.fold(raw)[:1], "")


def _document(text: str) -> str:
    """The number's key; "" for text without a digit (N/A, none, xxx)."""
    key = text.upper() if text.isascii() and text.isalnum() else names.document_key(text)
    return key if any(ch.isdigit() for ch in key) else ""


def _phone(text: str) -> str:
    if len(text) == 11 and text.startswith("09") and text.isdigit():
        return text
    return names.phone_key(text)


@dataclass(slots=True)
class Prepared:
    """One record in the form the model compares (see ``comparisons``)."""

    uid: int
    record_id: str
    given: Name
    given_latin: bool  # the given name's key came from Latin letters (learnt table)
    father: Name
    father_latin: bool
    family: Name
    family_latin: bool
    sex: str
    dob: BirthDate | None
    document: str
    phone: str


class LatinTable:
    """Latin spelling → Persian name key, learnt from records written in both scripts."""

    def __init__(self, pairs: Mapping[str, str] | None = None) -> None:
        self.pairs: dict[str, str] = dict(pairs or {})

    @classmethod
    def learn(cls, rows: Iterable[tuple[str, str]], *, min_count: int = 2) -> LatinTable:
        """``rows`` are (Latin, Persian) spellings of one name; keep each spelling's usual key."""
        counts: Counter[tuple[str, str]] = Counter()
        for latin, persian in rows:
            latin_key, persian_key = name(latin).key, name(persian).key
            if latin_key and persian_key:
                counts[(latin_key, persian_key)] += 1
        best: dict[str, tuple[int, int, str]] = {}
        for (latin_key, persian_key), count in counts.items():
            seen, total, key = best.get(latin_key, (0, 0, ""))
            total += count
            if count > seen:
                seen, key = count, persian_key
            best[latin_key] = (seen, total, key)
        return cls(
            {
                latin: key
                for latin, (seen, total, key) in best.items()
                if seen >= min_count and seen * 10 >= total * 6
            }
        )

    def persian(self, latin_text: str) -> Name:
        """The Persian forms of a Latin name: the learnt key, else the Latin one as it is.

        A Latin key never equals a Persian one: the two compare by skeleton. Two records
        written in the same Latin spelling still compare exactly.
        """
        latin = name(latin_text)
        if not latin.key:
            return EMPTY_NAME
        key = self.pairs.get(latin.key)
        if key:
            return Name(key, name_core(key), latin.skel)
        return latin


def name_core(key: str) -> str:
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            return key[len(prefix) :]
    return key


def _field(text: str, latin_text: str, table: LatinTable) -> tuple[Name, bool]:
    """A name field: Persian as typed, or Latin (typed there or in the Latin field) looked up."""
    if text and not text.isascii():
        return name(text), False
    latin = table.persian(text or latin_text)
    return latin, bool(latin.skel)


def prepare(uid: int, row: Mapping[str, str], table: LatinTable) -> Prepared:
    """One row of the file format (``FIELDS``) in comparable form."""
    given, given_latin = _field(
        row.get("given_name") or "", row.get("given_name_latin") or "", table
    )
    family, family_latin = _field(
        row.get("family_name") or "", row.get("family_name_latin") or "", table
    )
    father, father_latin = _field(row.get("father_name") or "", "", table)
    return Prepared(
        uid=uid,
        record_id=row.get("record_id") or "",
        given=given,
        given_latin=given_latin,
        father=father,
        father_latin=father_latin,
        family=family,
        family_latin=family_latin,
        sex=_sex(row.get("sex") or ""),
        dob=birth_date(
            row.get("birth_date") or "", _estimated(row.get("birth_date_estimated", ""))
        ),
        document=_document(row.get("document_number") or ""),
        phone=_phone(row.get("phone") or ""),
    )


def latin_pairs(rows: Iterable[Mapping[str, str]]) -> Iterable[tuple[str, str]]:
    """The (Latin, Persian) spellings of given and family names in records with both."""
    for row in rows:
        if row.get("given_name_latin") and row.get("given_name"):
            yield row["given_name_latin"], row["given_name"]
        if row.get("family_name_latin") and row.get("family_name"):
            yield row["family_name_latin"], row["family_name"]

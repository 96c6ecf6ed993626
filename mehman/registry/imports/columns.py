"""The columns of the household file and the words accepted in them.

One row per person; the rows of a household are together and share its
external id. The same columns are written by ``mehman.registry.exports``, so an
export imports again. ``docs/import-format.md`` describes them for people.
"""

from __future__ import annotations

from typing import Final

from mehman.core import names
from mehman.registry.models import (
    WG_DOMAINS,
    DocumentType,
    EducationLevel,
    HouseholdStatus,
    MaritalStatus,
    Relationship,
    Sex,
)

# What `mehman generate` writes, in its order; the export starts with the same.
GENERATOR_COLUMNS: Final = (
    "household",
    "settlement",
    "person_index",
    "is_head",
    "relationship",
    "given_name",
    "family_name",
    "father_name",
    "grandfather_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "marital_status",
    "latin_given",
    "latin_family",
    "phone",
    "amayesh_number",
    "fida_code",
)
WG_COLUMNS: Final = tuple(name for name, _label in WG_DOMAINS)
OPTIONAL_COLUMNS: Final = (
    "status",
    "registered_on",
    "block",
    "address",
    "household_phone",
    "consent",
    "nationality",
    "education",
    "occupation",
    *WG_COLUMNS,
    "document_type",
    "document_number",
    "document_expiry",
)
COLUMNS: Final = GENERATOR_COLUMNS + OPTIONAL_COLUMNS
# Written by the export for people reading it; an import ignores them.
INFORMATIVE_COLUMNS: Final = ("age",)
REQUIRED_COLUMNS: Final = ("household", "given_name", "sex")
ALIASES: Final = {
    "external_id": "household",
    "given_name_latin": "latin_given",
    "family_name_latin": "latin_family",
}
# Household columns: every row of a household that fills one must agree.
HOUSEHOLD_COLUMNS: Final = (
    "status",
    "registered_on",
    "block",
    "address",
    "household_phone",
    "consent",
)
# Longest text a column may hold (the model's max_length).
MAX_LENGTHS: Final = {
    "household": 64,
    "given_name": 80,
    "family_name": 80,
    "father_name": 80,
    "grandfather_name": 80,
    "latin_given": 80,
    "latin_family": 80,
    "phone": 32,
    "household_phone": 32,
    "block": 20,
    "address": 200,
    "occupation": 120,
    "amayesh_number": 64,
    "fida_code": 64,
    "document_number": 64,
}


def header_name(text: str) -> str:
    """A header cell as a column name: trimmed, lower-case, words joined by ``_``."""
    cleaned = (text or "").replace("\ufeff", "").strip().lower()
    return "_".join(cleaned.replace("-", " ").split())


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """``{code: (spellings…)}`` as ``{folded spelling: code}``; each code is its own spelling."""
    table: dict[str, str] = {}
    for code, spellings in pairs.items():
        for spelling in (code, code.replace("_", " "), *spellings):
            table[names.fold(spelling)] = code
    return table


SEXES: Final = _table(
    {
        Sex.FEMALE: ("female", "woman", "زن", "مونث", "مؤنث"),
        Sex.MALE: ("male", "man", "مرد", "مذکر"),
    }
)
RELATIONSHIPS: Final = _table(
    {
        Relationship.HEAD: ("head of household", "سرپرست", "سرپرست خانوار"),
        Relationship.SPOUSE: ("wife", "husband", "همسر", "زن", "شوهر"),
        Relationship.SON: ("پسر",),
        Relationship.DAUGHTER: ("دختر",),
        Relationship.FATHER: ("پدر",),
        Relationship.MOTHER: ("مادر",),
        Relationship.BROTHER: ("برادر",),
        Relationship.SISTER: ("خواهر",),
        Relationship.GRANDCHILD: ("نوه",),
        Relationship.SON_IN_LAW: ("son-in-law", "داماد"),
        Relationship.DAUGHTER_IN_LAW: ("daughter-in-law", "عروس"),
        Relationship.OTHER_RELATIVE: ("relative", "other", "خویشاوند", "سایر بستگان"),
        Relationship.NOT_RELATED: ("غیر خویشاوند", "غیرخویشاوند"),
    }
)
MARITAL_STATUSES: Final = _table(
    {
        MaritalStatus.SINGLE: ("مجرد",),
        MaritalStatus.MARRIED: ("متاهل", "متأهل"),
        MaritalStatus.WIDOWED: ("بیوه",),
        MaritalStatus.DIVORCED: ("مطلقه", "طلاق گرفته"),
        MaritalStatus.SEPARATED: ("جدا شده", "جداشده"),
    }
)
EDUCATION_LEVELS: Final = _table(
    {
        EducationLevel.NONE: ("no schooling", "بی سواد", "بیسواد"),
        EducationLevel.LITERACY: ("literacy course", "نهضت", "سوادآموزی"),
        EducationLevel.PRIMARY: ("ابتدایی",),
        EducationLevel.LOWER_SECONDARY: ("متوسطه اول", "راهنمایی"),
        EducationLevel.UPPER_SECONDARY: ("متوسطه دوم", "دبیرستان"),
        EducationLevel.TERTIARY: ("university", "دانشگاه", "دانشگاهی"),
        EducationLevel.RELIGIOUS: ("religious school", "حوزه", "مدرسه دینی"),
        EducationLevel.UNKNOWN: ("نامعلوم",),
    }
)
STATUSES: Final = _table(
    {
        HouseholdStatus.APPLICANT: ("متقاضی",),
        HouseholdStatus.RESIDENT: ("ساکن",),
    }
)
DOCUMENT_TYPES: Final = _table(dict.fromkeys(DocumentType.values, ()))
YES: Final = frozenset(
    names.fold(word) for word in ("1", "true", "yes", "y", "بله", "بلی", "آری", "دارد")
)
NO: Final = frozenset(names.fold(word) for word in ("0", "false", "no", "n", "خیر", "نه", "ندارد"))

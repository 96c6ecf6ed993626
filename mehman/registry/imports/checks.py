"""Checking a household file: each cell, each household, each batch against the registry.

The same checks run for a dry run and, again, inside the import's transaction,
so what was checked is what is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.expressions import RawSQL

from mehman.core import dates, digits, names
from mehman.core.models import Settlement
from mehman.registry.imports.columns import (
    DOCUMENT_TYPES,
    EDUCATION_LEVELS,
    HOUSEHOLD_COLUMNS,
    MARITAL_STATUSES,
    MAX_LENGTHS,
    NO,
    RELATIONSHIPS,
    SEXES,
    STATUSES,
    WG_COLUMNS,
    YES,
)
from mehman.registry.imports.report import Problem, Report
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    DocumentType,
    EducationLevel,
    Household,
    IdentityDocument,
    MaritalStatus,
    Relationship,
)
from mehman.registry.services import validate_document_number

# Households written per batch: one round of bulk inserts each.
BATCH_HOUSEHOLDS: Final = 1000
OLDEST: Final = date(1900, 1, 1)
_YEAR: Final = re.compile(r"[0-9]{4}", re.ASCII)
_COUNTRY: Final = re.compile(r"[A-Z]{3}", re.ASCII)
_DIFFICULTIES: Final = {"1": 1, "2": 2, "3": 3, "4": 4}
_NAME_COLUMNS: Final = (
    ("given_name", "given_name"),
    ("family_name", "family_name"),
    ("father_name", "father_name"),
    ("grandfather_name", "grandfather_name"),
    ("latin_given", "given_name_latin"),
    ("latin_family", "family_name_latin"),
)


@dataclass
class Document:
    doc_type: str
    number_typed: str
    number: str
    expires_on: date | None
    column: str


@dataclass
class PersonRow:
    row: int
    fields: dict[str, Any]  # Individual fields, ready for the model
    documents: list[Document]

    @property
    def is_head(self) -> bool:
        return bool(self.fields.get("relationship") == Relationship.HEAD)


@dataclass
class HouseholdRows:
    external_id: str
    first_row: int
    people: list[PersonRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # the household columns
    skipped: bool = False  # already imported


class BadValue(ValueError):
    """A cell that does not read as its column wants."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def lookup(table: dict[str, str], text: str) -> str | None:
    """The code a typed word stands for: as typed, lower-case, or folded (Persian spellings)."""
    return table.get(text) or table.get(text.lower()) or table.get(names.fold(text))


def read_bool(text: str) -> bool:
    if text in YES:
        return True
    if text in NO:
        return False
    folded = names.fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise BadValue("boolean")


def read_date(text: str, *, year_only: bool = False) -> tuple[date, bool]:
    """A typed date and whether only its year was given (then mid-year, never after today).

    ISO or year/month/day in any digits; a year of 1300 to 1499 is Jalali.
    """
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the common case, ISO as written by programs, outside the Jalali years
            if int(text[:4]) not in dates.JALALI_YEARS_IN_GREGORIAN_FIELD:
                return date.fromisoformat(text), False
        except ValueError:
            pass
    cleaned = digits.to_ascii(text)
    if year_only and _YEAR.fullmatch(cleaned):
        year = int(cleaned)
        try:
            if year in dates.JALALI_YEARS_IN_GREGORIAN_FIELD:
                day = dates.to_gregorian(year, 7, 1)  # 1 Mehr, the middle of the year
            else:
                day = date(year, 7, 1)
        except ValueError:
            raise BadValue("date") from None
        today = dates.today()
        if day > today and day.year == today.year:
            day = today  # this year, known only as a year: not after today
        return day, True
    try:
        return dates.parse_date(cleaned, calendar=dates.GREGORIAN), False
    except (ValueError, OverflowError):
        raise BadValue("date") from None


def _choice(table: dict[str, str], text: str, code: str) -> str:
    found = lookup(table, text)
    if found is None:
        raise BadValue(code, value=text[:40])
    return found


class Checker:
    """Reads rows into households and batches, noting every problem in ``report``."""

    def __init__(self, *, settlement: Settlement, report: Report) -> None:
        self.settlement = settlement
        self.report = report
        self.today = dates.today()
        self.seen: dict[str, int] = {}  # external id → first row
        # hash((doc_type, number)) → row of its holder; a hash keeps the memory per number small.
        self.numbers: dict[int, int] = {}
        self._household_readers = self._readers()

    def problem(self, row: int | None, column: str, code: str, **params: Any) -> None:
        self.report.add(Problem(row, column, code, params))

    # --- One row -----------------------------------------------------------------------

    def person(self, row: int, values: dict[str, str]) -> tuple[str, PersonRow]:
        """The household id of a row and the person it describes (problems noted)."""
        get = values.get
        external_id = digits.to_ascii_digits(get("household", ""))
        if not external_id:
            self.problem(row, "household", "required")
        settlement = get("settlement", "")
        if settlement and settlement.upper() != self.settlement.code:
            self.problem(
                row,
                "settlement",
                "settlement",
                found=settlement[:20],
                expected=self.settlement.code,
            )
        for column, limit in MAX_LENGTHS.items():
            if len(get(column, "")) > limit:
                self.problem(row, column, "too_long", limit=limit)
        fields: dict[str, Any] = {target: get(column, "") for column, target in _NAME_COLUMNS}
        if not fields["given_name"]:
            self.problem(row, "given_name", "required")
        fields["phone"] = get("phone", "")
        fields["occupation"] = get("occupation", "")
        fields["sex"] = self._cell(row, "sex", get("sex", ""), self._sex, required=True)
        fields["relationship"] = self._relationship(
            row, get("relationship", ""), get("is_head", "")
        )
        fields["marital_status"] = (
            self._cell(row, "marital_status", get("marital_status", ""), self._marital)
            or MaritalStatus.SINGLE
        )
        fields["education"] = (
            self._cell(row, "education", get("education", ""), self._education)
            or EducationLevel.UNKNOWN
        )
        fields["nationality"] = (
            self._cell(row, "nationality", get("nationality", ""), self._nationality) or "AFG"
        )
        for column in WG_COLUMNS:
            fields[column] = self._cell(row, column, get(column, ""), self._difficulty)
        birth, year_only = self._cell(
            row, "birth_date", get("birth_date", ""), self._birth_date
        ) or (None, False)
        fields["birth_date"] = birth
        estimated = self._cell(
            row, "birth_date_estimated", get("birth_date_estimated", ""), read_bool
        )
        fields["birth_date_estimated"] = bool(estimated) or year_only
        return external_id, PersonRow(row, fields, self._documents(row, values))

    def _cell(self, row: int, column: str, text: str, read: Any, *, required: bool = False) -> Any:
        if not text:
            if required:
                self.problem(row, column, "required")
            return None
        try:
            return read(text)
        except BadValue as bad:
            self.problem(row, column, bad.code, **bad.params)
            return None

    @staticmethod
    def _sex(text: str) -> str:
        found = lookup(SEXES, text)
        if found is None:
            raise BadValue("sex")
        return found

    @staticmethod
    def _marital(text: str) -> str:
        return _choice(MARITAL_STATUSES, text, "marital_status")

    @staticmethod
    def _education(text: str) -> str:
        return _choice(EDUCATION_LEVELS, text, "education")

    @staticmethod
    def _nationality(text: str) -> str:
        code = text.upper()
        if not _COUNTRY.fullmatch(code):
            raise BadValue("nationality")
        return code

    @staticmethod
    def _difficulty(text: str) -> int:
        found = _DIFFICULTIES.get(digits.to_ascii(text))
        if found is None:
            raise BadValue("difficulty")
        return found

    def _birth_date(self, text: str) -> tuple[date, bool]:
        return self._past_date(text, year_only=True)

    def _past_date(self, text: str, *, year_only: bool = False) -> tuple[date, bool]:
        day, only_year = read_date(text, year_only=year_only)
        if day > self.today:
            raise BadValue("future_date")
        if day < OLDEST:
            raise BadValue("old_date")
        return day, only_year

    def _relationship(self, row: int, relationship: str, is_head: str) -> str | None:
        head_flag = self._cell(row, "is_head", is_head, read_bool)
        if not relationship:
            if head_flag:
                return str(Relationship.HEAD)
            self.problem(row, "relationship", "required")
            return None
        found = lookup(RELATIONSHIPS, relationship)
        if found is None:
            self.problem(row, "relationship", "relationship", value=relationship[:40])
            return None
        if head_flag is not None and (found == Relationship.HEAD) != head_flag:
            self.problem(row, "is_head", "head_mismatch")
        return found

    def _documents(self, row: int, values: dict[str, str]) -> list[Document]:
        found: list[Document] = []
        for column, doc_type in (
            ("amayesh_number", DocumentType.AMAYESH),
            ("fida_code", DocumentType.FIDA),
        ):
            typed = values.get(column, "")
            if typed:
                self._document(found, row, column, str(doc_type), typed, None)
        typed = values.get("document_number", "")
        kind = values.get("document_type", "")
        expiry_text = values.get("document_expiry", "")
        if typed or kind or expiry_text:
            doc_type = self._cell(row, "document_type", kind, self._document_type)
            expiry = self._cell(row, "document_expiry", expiry_text, read_date)
            if not typed or not kind:
                self.problem(
                    row, "document_number" if kind else "document_type", "document_incomplete"
                )
            elif doc_type:
                self._document(found, row, "document_number", doc_type, typed, expiry and expiry[0])
        return found

    @staticmethod
    def _document_type(text: str) -> str:
        return _choice(DOCUMENT_TYPES, text, "document_type")

    def _document(
        self,
        found: list[Document],
        row: int,
        column: str,
        doc_type: str,
        typed: str,
        expires_on: date | None,
    ) -> None:
        number = names.document_key(typed)
        try:
            validate_document_number(doc_type, number)
        except ValidationError as error:
            self.problem(row, column, f"document_{_code(error)}")
            return
        if any(d.doc_type == doc_type and d.number == number for d in found):
            return  # the same document in two columns of one person
        found.append(Document(doc_type, typed, number, expires_on, column))

    # --- One household -----------------------------------------------------------------------

    def household_values(self, household: HouseholdRows, row: int, values: dict[str, str]) -> None:
        """Household columns: read where filled; rows that fill one must agree."""
        for column in HOUSEHOLD_COLUMNS:
            text = values.get(column, "")
            if not text:
                continue
            value = self._cell(row, column, text, self._household_readers[column])
            if value is None:
                continue
            if column in household.values and household.values[column] != value:
                self.problem(
                    row, column, "household_conflict", household=household.external_id[:64]
                )
                continue
            household.values.setdefault(column, value)

    def _status(self, text: str) -> str:
        return _choice(STATUSES, text, "status")

    def _registered_on(self, text: str) -> date:
        return self._past_date(text)[0]

    def _readers(self) -> dict[str, Any]:
        return {
            "status": self._status,
            "registered_on": self._registered_on,
            # Block codes are stored with Latin digits, however typed, so "۱۲" is "12".
            "block": lambda text: digits.to_ascii_digits(text).strip(),
            "address": str,
            "household_phone": str,
            "consent": read_bool,
        }

    def finish_household(self, household: HouseholdRows) -> None:
        heads = [p.row for p in household.people if p.is_head]
        if not heads:
            self.problem(household.first_row, "", "no_head", household=household.external_id[:64])
        elif len(heads) > 1:
            self.problem(
                household.first_row,
                "",
                "two_heads",
                household=household.external_id[:64],
                rows=", ".join(str(r) for r in heads[:10]),
            )

    # --- The file, in batches -------------------------------------------------------------------

    def households(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[HouseholdRows]:
        """Consecutive rows with one external id make a household."""
        current: HouseholdRows | None = None
        for row, values in rows:
            self.report.rows += 1
            external_id, person = self.person(row, values)
            if current is None or external_id != current.external_id:
                if current is not None:
                    self.finish_household(current)
                    yield current
                current = HouseholdRows(external_id, row)
                if external_id:
                    first = self.seen.setdefault(external_id, row)
                    if first != row:
                        self.problem(
                            row,
                            "household",
                            "not_together",
                            household=external_id[:64],
                            other=first,
                        )
            current.people.append(person)
            self.household_values(current, row, values)
        if current is not None:
            self.finish_household(current)
            yield current

    def batches(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[list[HouseholdRows]]:
        batch: list[HouseholdRows] = []
        for household in self.households(rows):
            batch.append(household)
            if len(batch) >= BATCH_HOUSEHOLDS:
                self.check_batch(batch)
                yield batch
                batch = []
        if batch:
            self.check_batch(batch)
            yield batch

    def check_batch(self, batch: list[HouseholdRows]) -> None:
        """Against the registry: households already imported, document numbers already held."""
        ids = _listed([h.external_id for h in batch if h.external_id])
        # Two indexed lookups (an OR of the two would read the whole table).
        here = Household.objects.filter(settlement=self.settlement)
        known = set(
            here.filter(external_id__in=ids)
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
        known.update(here.filter(reference__in=ids).values_list("reference", flat=True))
        wanted: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
        for household in batch:
            self.report.households += 1
            if household.external_id in known:
                household.skipped = True
                self.report.already_imported += 1
                continue
            self.report.new_households += 1
            self.report.new_individuals += len(household.people)
            for person in household.people:
                for document in person.documents:
                    if document.doc_type in SHARED_DOCUMENT_TYPES:
                        continue
                    first = self.numbers.setdefault(
                        hash((document.doc_type, document.number)), person.row
                    )
                    if first != person.row:
                        self.problem(person.row, document.column, "duplicate_in_file", other=first)
                    wanted[document.doc_type][document.number].append((person.row, document.column))
        for doc_type, numbers in wanted.items():
            taken = IdentityDocument.objects.filter(
                doc_type=doc_type, number__in=_listed(list(numbers))
            ).values_list("number", flat=True)
            for number in set(taken):
                for row, column in numbers[number]:
                    self.problem(row, column, "duplicate_in_registry")


def _listed(values: list[str]) -> Any:
    """Values for ``__in``: on PostgreSQL one array parameter, as thousands of
    bind parameters cost more to send than the query costs to run."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [values])
    return values


def _code(error: ValidationError) -> str:
    """The code of a service's error, whether raised plain or per field."""
    for errors in getattr(error, "error_dict", {}).values():
        for one in errors:
            return str(one.code)
    return str(getattr(error, "code", None) or "number")

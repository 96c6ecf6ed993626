"""Households out as CSV or Excel, in the columns of the import (an export imports again).

One row per living member, the head first; the household columns repeat on
each row. Personal data leaves only with the ``registry.export`` capability;
specific needs (protected or not) and case notes are never exported. An
optional HXL hashtag row sits right under the header row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import IO, Any, Final

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.registry import queries
from mehman.registry.imports.columns import COLUMNS, INFORMATIVE_COLUMNS, WG_COLUMNS
from mehman.registry.imports.service import Progress
from mehman.registry.models import (
    DocumentType,
    Household,
    IdentityDocument,
    Individual,
    IndividualStatus,
)

CSV: Final = "csv"
XLSX: Final = "xlsx"
FORMATS: Final = (CSV, XLSX)
CONTENT_TYPES: Final = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Exports of more people than this run in the background and are downloaded when ready.
DIRECT_LIMIT: Final = 5000
# The filters of the household list that an export accepts (queries.filter_households).
FILTERS: Final = ("status", "block", "size_min", "size_max", "head_sex", "age_group")

# Humanitarian Exchange Language hashtags of each column (https://hxlstandard.org).
# Core hashtags where one fits (#affected for the people, #loc, #contact, #date),
# #x_ extensions for what HXL has no word for.
HXL_TAGS: Final = {
    "household": "#x_household+id",
    "settlement": "#loc+camp+code",
    "person_index": "#x_member+index",
    "is_head": "#x_member+head",
    "relationship": "#x_member+relationship",
    "given_name": "#affected+name+given",
    "family_name": "#affected+name+family",
    "father_name": "#affected+name+father",
    "grandfather_name": "#affected+name+grandfather",
    "sex": "#affected+sex",
    "birth_date": "#date+birth",
    "birth_date_estimated": "#date+birth+estimated",
    "marital_status": "#affected+marital",
    "latin_given": "#affected+name+given+i_en",
    "latin_family": "#affected+name+family+i_en",
    "phone": "#contact+phone",
    "amayesh_number": "#x_document+amayesh",
    "fida_code": "#x_document+fida",
    "status": "#x_household+status",
    "registered_on": "#date+registered",
    "block": "#loc+block",
    "address": "#loc+address",
    "household_phone": "#contact+phone+household",
    "consent": "#x_household+consent",
    "nationality": "#country+code+nationality",
    "education": "#affected+education",
    "occupation": "#affected+occupation",
    "wg_seeing": "#affected+wg+seeing",
    "wg_hearing": "#affected+wg+hearing",
    "wg_walking": "#affected+wg+walking",
    "wg_remembering": "#affected+wg+remembering",
    "wg_self_care": "#affected+wg+self_care",
    "wg_communicating": "#affected+wg+communicating",
    "document_type": "#x_document+type",
    "document_number": "#x_document+number",
    "document_expiry": "#date+expiry",
    "age": "#affected+age",
}
_OWN_COLUMNS: Final = {DocumentType.AMAYESH: "amayesh_number", DocumentType.FIDA: "fida_code"}


def columns(*, with_settlement: bool) -> list[str]:
    """The export's columns: the import's, then the age; the settlement only when
    the export spans several (so one settlement's export imports into another)."""
    return [
        name for name in (*COLUMNS, *INFORMATIVE_COLUMNS) if with_settlement or name != "settlement"
    ]


def people_to_export(
    user: Any,
    *,
    settlement: Settlement | None = None,
    filters: Mapping[str, Any] | None = None,
) -> QuerySet[Individual]:
    """The living members of the households in ``user``'s scope that match the list filters,
    household by household, head first. ``user=None`` is the command line: everyone."""
    households: QuerySet[Household]
    people: QuerySet[Individual]
    if user is None:
        households = Household.objects.all()
        people = Individual.objects.all()
    elif not user.has_capability("registry.export"):
        return Individual.objects.none()
    else:
        households = Household.objects.for_user(user)
        people = Individual.objects.for_user(user)
    if settlement is not None:
        households = households.filter(settlement=settlement)
    households = queries.filter_households(
        households, {k: v for k, v in (filters or {}).items() if k in FILTERS}
    )
    head_first = Case(
        When(household__head_id=F("pk"), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        people.filter(status=IndividualStatus.ACTIVE)
        .filter(household__in=households.values("pk"))
        .select_related("household__settlement")
        .prefetch_related(
            Prefetch("documents", queryset=IdentityDocument.objects.order_by("created_at", "pk"))
        )
        .annotate(head_first=head_first)
        .order_by("household__reference", "head_first", F("birth_date").asc(nulls_last=True), "pk")
    )


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def rows(people: QuerySet[Individual], *, with_settlement: bool) -> Iterator[list[str]]:
    """The export rows of ``people`` (as ``people_to_export`` orders them), all text."""
    names = columns(with_settlement=with_settlement)
    today = dates.today()
    household_id, index = None, 0
    for person in people.iterator(chunk_size=2000):
        household = person.household
        if household.pk != household_id:
            household_id, index = household.pk, 0
        else:
            index += 1
        own: dict[str, str] = {}
        other: IdentityDocument | None = None
        for document in person.documents.all():
            column = _OWN_COLUMNS.get(document.doc_type)  # type: ignore[call-overload]
            if column and column not in own:
                own[column] = document.number_typed
            elif other is None and not column:
                other = document
        values = {
            "household": household.reference,
            "settlement": household.settlement.code,
            "person_index": str(index),
            "is_head": "1" if household.head_id == person.pk else "0",
            "relationship": person.relationship,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "father_name": person.father_name,
            "grandfather_name": person.grandfather_name,
            "sex": person.sex,
            "birth_date": _iso(person.birth_date),
            "birth_date_estimated": "1" if person.birth_date_estimated else "0",
            "marital_status": person.marital_status,
            "latin_given": person.given_name_latin,
            "latin_family": person.family_name_latin,
            "phone": person.phone,
            "status": household.status,
            "registered_on": _iso(household.registered_on),
            "block": household.block,
            "address": household.address,
            "household_phone": household.phone,
            "consent": "1" if household.consent_given else "0",
            "nationality": person.nationality,
            "education": person.education,
            "occupation": person.occupation,
            "document_type": other.doc_type if other else "",
            "document_number": other.number_typed if other else "",
            "document_expiry": _iso(other.expires_on) if other else "",
            "age": str(dates.age_on(person.birth_date, today))
            if person.birth_date and person.birth_date <= today
            else "",
            **own,
        }
        for name in WG_COLUMNS:
            level = getattr(person, name)
            values[name] = str(level) if level else ""
        yield [values.get(name, "") for name in names]


def export_households(
    out: IO[Any] | Path,
    people: QuerySet[Individual],
    *,
    fmt: str = CSV,
    hxl: bool = False,
    with_settlement: bool = True,
    progress: Progress | None = None,
) -> int:
    """Write ``people`` (from ``people_to_export``) to ``out``; the number of rows written.

    CSV is written to a text stream or a path (UTF-8 with a byte-order mark, so
    spreadsheet programs read Persian); XLSX to a binary stream or a path.
    """
    header = columns(with_settlement=with_settlement)
    lines = rows(people, with_settlement=with_settlement)
    if progress is not None and not progress.total:
        progress.total = people.count()
    if fmt == CSV:
        if isinstance(out, Path):
            with out.open("w", encoding="utf-8-sig", newline="") as stream:
                return _write_csv(stream, header, lines, hxl, progress)
        return _write_csv(out, header, lines, hxl, progress)
    if fmt == XLSX:
        return _write_xlsx(out, header, lines, hxl, progress)
    raise ValueError(f"unknown export format {fmt!r}")


def _write_csv(
    out: IO[str],
    header: list[str],
    lines: Iterator[list[str]],
    hxl: bool,
    progress: Progress | None,
) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    if hxl:
        writer.writerow([HXL_TAGS[name] for name in header])
    return _each(lines, writer.writerow, progress)


def _write_xlsx(
    out: IO[bytes] | Path,
    header: list[str],
    lines: Iterator[list[str]],
    hxl: bool,
    progress: Progress | None,
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("households")
    sheet.append(header)
    if hxl:
        sheet.append([HXL_TAGS[name] for name in header])
    # Every cell is text, so numbers keep their leading zeros and dates their calendar.
    written = _each(lines, sheet.append, progress)
    workbook.save(out)
    return written


def _each(lines: Iterator[list[str]], write: Any, progress: Progress | None) -> int:
    written = 0
    for line in lines:
        write(line)
        written += 1
        if progress is not None and written % 1000 == 0:
            progress.advance(1000)
    if progress is not None:
        progress.advance(written % 1000)
    return written

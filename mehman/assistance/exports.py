"""The 5W table out as HXL: who does what, where, when, and for whom.

A header row, the HXL hashtag row right under it (https://hxlstandard.org), then
one row per activity. Headers and code-list values are English and dates ISO,
whatever the user's language, so partners' tools read every export the same way;
names typed in Persian stay as typed (CSV is written UTF-8 with a byte-order
mark, so spreadsheet programs read them). Only counts leave: no household is
named. Formats and content types are the registry export's.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, Final

from django.db.models import QuerySet
from django.utils import translation

from mehman.assistance.queries import BRACKETS, Reach, activity_reach
from mehman.partners.models import Activity, Organisation
from mehman.registry.exports import CONTENT_TYPES, CSV, FORMATS, XLSX

__all__ = [
    "COLUMNS",
    "CONTENT_TYPES",
    "CSV",
    "FORMATS",
    "XLSX",
    "Column",
    "five_w_rows",
    "write_five_w",
]

Cell = str | int


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # English on purpose: an exchange format, the same in every language
    tag: str  # the HXL hashtag with its attributes


def _people_columns(stage: str, title: str) -> list[Column]:
    return [
        Column(
            f"{stage}_{sex}_{tag}",
            f"{title} {words} {bracket}",
            f"#{stage}+ind+{sex}+{tag}",
        )
        for sex, words in (("f", "women and girls"), ("m", "men and boys"))
        for bracket, tag in BRACKETS
    ]


COLUMNS: Final[tuple[Column, ...]] = (
    Column("organisation", "Implementing organisation", "#org+impl+name"),
    Column("organisation_type", "Organisation type", "#org+impl+type"),
    Column("funder", "Funding organisation", "#org+funding+name"),
    Column("sector", "Sector", "#sector+cluster"),
    Column("sector_code", "Sector code", "#sector+cluster+code"),
    Column("activity", "Activity", "#activity+name"),
    Column("activity_id", "Activity id", "#activity+id"),
    Column("province", "Province", "#adm1+name"),
    Column("settlement", "Settlement", "#loc+camp+name"),
    Column("settlement_code", "Settlement code", "#loc+camp+code"),
    Column("block", "Block", "#loc+block"),
    Column("status", "Status", "#status"),
    Column("start", "Start date", "#date+start"),
    Column("end", "End date", "#date+end"),
    Column("targeted_hh", "Targeted households", "#targeted+hh"),
    Column("targeted_ind", "Targeted people", "#targeted+ind"),
    *_people_columns("targeted", "Targeted"),
    Column("reached_hh", "Reached households", "#reached+hh"),
    Column("reached_ind", "Reached people", "#reached+ind"),
    *_people_columns("reached", "Reached"),
    Column("reached_unknown", "Reached, age or sex not recorded", "#reached+ind+age_unknown"),
)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _org_type(organisation: Organisation | None) -> str:
    return organisation.org_type if organisation else ""


def _row(activity: Activity, reach: Reach) -> list[Cell]:
    known = {f"{sex}_{tag}" for sex in ("f", "m") for _bracket, tag in BRACKETS}
    values: dict[str, Cell] = {
        "organisation": activity.organisation.name_en,
        "organisation_type": _org_type(activity.organisation),
        "funder": activity.funder.name_en if activity.funder else "",
        "sector": str(activity.get_sector_display()),
        "sector_code": activity.sector,
        "activity": activity.name,
        "activity_id": str(activity.uuid),
        "province": activity.settlement.province_en,
        "settlement": activity.settlement.name_en,
        "settlement_code": activity.settlement.code,
        "block": activity.block,
        "status": str(activity.get_status_display()),
        "start": _iso(activity.starts_on),
        "end": _iso(activity.ends_on),
        "targeted_hh": activity.target("hh"),
        "targeted_ind": activity.targeted_people,
        "reached_hh": reach.households,
        "reached_ind": reach.individuals,
        "reached_unknown": sum(n for key, n in reach.people.items() if key not in known),
    }
    for key in known:
        values[f"targeted_{key}"] = activity.target(key)
        values[f"reached_{key}"] = reach.count(key)
    return [values[column.key] for column in COLUMNS]


def five_w_rows(activities: QuerySet[Activity]) -> list[list[Cell]]:
    """One row per activity (already scoped to the user and filtered), in a fixed
    number of queries: settlement, implementing organisation, start date order."""
    chosen = list(
        activities.select_related("organisation", "funder", "settlement").order_by(
            "settlement__code", "organisation__name_en", "starts_on", "name", "pk"
        )
    )
    reach = activity_reach(a.pk for a in chosen)
    with translation.override("en"):
        return [_row(activity, reach[activity.pk]) for activity in chosen]


def write_five_w(out: IO[Any], rows: Iterable[list[Cell]], *, fmt: str = CSV) -> int:
    """Write the header, the hashtag row and ``rows`` to ``out`` (a text stream for
    CSV, a binary one for XLSX); the number of activities written."""
    header = [column.header for column in COLUMNS]
    tags = [column.tag for column in COLUMNS]
    if fmt == CSV:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerow(tags)
        return _each(rows, writer.writerow)
    if fmt == XLSX:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("5W")
        sheet.append(header)
        sheet.append(tags)
        written = _each(rows, sheet.append)
        workbook.save(out)
        return written
    raise ValueError(f"unknown export format {fmt!r}")


def _each(rows: Iterable[list[Cell]], write: Any) -> int:
    written = 0
    for row in rows:
        write(row)
        written += 1
    return written

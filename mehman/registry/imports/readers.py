"""Reading a household file row by row: CSV (UTF-8) or Excel (.xlsx), never all at once."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mehman.core import digits
from mehman.registry.imports.columns import (
    ALIASES,
    COLUMNS,
    INFORMATIVE_COLUMNS,
    REQUIRED_COLUMNS,
    header_name,
)
from mehman.registry.imports.report import Problem

CSV = "csv"
XLSX = "xlsx"
_ZIP_MAGIC = b"PK\x03\x04"
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class FileProblem(Exception):
    """The file cannot be read as a household file at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def sniff_format(path: Path) -> str:
    """``xlsx`` for an Excel workbook, ``csv`` for text; FileProblem for anything else."""
    with path.open("rb") as stream:
        head = stream.read(65536)
    if head.startswith(_ZIP_MAGIC):
        if not zipfile.is_zipfile(path):
            raise FileProblem(Problem(None, "", "not_a_spreadsheet"))
        return XLSX
    if b"\x00" in head:
        raise FileProblem(Problem(None, "", "not_a_spreadsheet"))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end of the sample is fine.
        if exc.start < len(head) - 4:
            raise FileProblem(Problem(None, "", "not_utf8")) from None
    return CSV


@dataclass
class Table:
    """The header of a file, mapped to column names, and its data rows."""

    columns: list[str | None]  # per position: the column name, or None if ignored
    ignored: list[str] = field(default_factory=list)
    rows: Iterator[tuple[int, dict[str, str]]] = field(default_factory=lambda: iter(()))
    estimated_rows: int = 0


def _map_header(cells: list[Any]) -> tuple[list[str | None], list[str]]:
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        name = header_name(_text(cell))
        name = ALIASES.get(name, name)
        if name in COLUMNS:
            if name in seen:
                raise FileProblem(Problem(1, name, "duplicate_column", {"column": name}))
            seen.add(name)
            columns.append(name)
        else:
            columns.append(None)
            if name and name not in INFORMATIVE_COLUMNS:
                ignored.append(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if "relationship" not in seen and "is_head" not in seen:
        missing.append("relationship")
    if missing:
        raise FileProblem(Problem(1, "", "missing_columns", {"columns": ", ".join(missing)}))
    return columns, ignored


def _text(value: Any) -> str:
    """A cell as text: trimmed, without direction marks, dates ISO, whole numbers without ``.0``."""
    if isinstance(value, str):
        text: str = digits.strip_bidi_marks(value) if _BIDI.search(value) else value
        return text.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_hxl_row(cells: list[Any]) -> bool:
    texts = [_text(c) for c in cells if _text(c)]
    return bool(texts) and all(t.startswith("#") for t in texts)


def _rows(
    cells: Iterator[list[Any]], columns: list[str | None]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Data rows numbered as a spreadsheet shows them (the header is row 1), cells trimmed."""
    wanted = [(i, name) for i, name in enumerate(columns) if name is not None]
    for number, row in enumerate(cells, start=2):
        if number == 2 and _is_hxl_row(row):
            continue  # an HXL hashtag row under the header
        width = len(row)
        if width >= len(columns) and all(type(cell) is str for cell in row):
            # The common case (every CSV row): one look for direction marks per row.
            if _BIDI.search("".join(row)):
                row = [digits.strip_bidi_marks(cell) for cell in row]
            values = {name: row[i].strip() for i, name in wanted}
        else:
            values = {name: _text(row[i]) if i < width else "" for i, name in wanted}
        if any(values.values()):
            yield number, values


@contextmanager
def open_table(path: Path) -> Iterator[Table]:
    """The file at ``path`` as a Table whose rows stream from disk."""
    kind = sniff_format(path)
    if kind == XLSX:
        with _xlsx_table(path) as table:
            yield table
    else:
        with _csv_table(path) as table:
            yield table


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _utf8_lines(stream: io.TextIOWrapper) -> Iterator[str]:
    try:
        yield from stream
    except UnicodeDecodeError:
        raise FileProblem(Problem(None, "", "not_utf8")) from None


@contextmanager
def _csv_table(path: Path) -> Iterator[Table]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(_utf8_lines(stream))
        try:
            header = next(reader, None)
        except csv.Error:
            raise FileProblem(Problem(None, "", "unreadable")) from None
        if header is None:
            raise FileProblem(Problem(None, "", "empty"))
        columns, ignored = _map_header(list(header))
        yield Table(
            columns=columns,
            ignored=ignored,
            rows=_csv_rows(reader, columns),
            estimated_rows=max(0, _count_lines(path) - 1),
        )


def _csv_rows(reader: Any, columns: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        yield from _rows(iter(reader), columns)
    except csv.Error:
        raise FileProblem(Problem(None, "", "unreadable")) from None


@contextmanager
def _xlsx_table(path: Path) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FileProblem(Problem(None, "", "not_a_spreadsheet")) from None
    try:
        sheet = workbook.worksheets[0]
        cells = (list(row) for row in sheet.iter_rows(values_only=True))
        header = next(cells, None)
        if header is None:
            raise FileProblem(Problem(None, "", "empty"))
        columns, ignored = _map_header(header)
        yield Table(
            columns=columns,
            ignored=ignored,
            rows=_rows(cells, columns),
            estimated_rows=max(0, (sheet.max_row or 1) - 1),
        )
    finally:
        workbook.close()

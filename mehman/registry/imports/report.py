"""What a check of a household file found: counts, and problems row by row.

Problems are kept as codes and parameters, not sentences, so a report stored
with a background task reads in the language of whoever opens it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.core import digits

# The report keeps this many problems; the rest are only counted.
MAX_PROBLEMS: Final = 200

MESSAGES: Final[dict[str, StrOrPromise]] = {
    # The file as a whole
    "not_a_spreadsheet": _("The file is neither a CSV file nor an Excel workbook (.xlsx)."),
    "not_utf8": _("The file is not UTF-8 text; save it as “CSV UTF-8”."),
    "unreadable": _("The file cannot be read; save it again as CSV UTF-8 or .xlsx."),
    "missing_columns": _("The file lacks the required columns: %(columns)s."),
    "duplicate_column": _("The column %(column)s appears twice."),
    "empty": _("The file has no rows."),
    # One cell
    "settlement": _("This row belongs to settlement %(found)s, not %(expected)s."),
    "required": _("This column must be filled."),
    "too_long": _("At most %(limit)s characters."),
    "sex": _("Use F or M."),
    "date": _("Not a date: use YYYY-MM-DD, a Jalali YYYY/MM/DD or a year."),
    "future_date": _("The date is in the future."),
    "old_date": _("The date is before 1900."),
    "boolean": _("Use 1 or 0 (yes or no)."),
    "relationship": _("Unknown relationship to the head: %(value)s."),
    "marital_status": _("Unknown marital status: %(value)s."),
    "education": _("Unknown education level: %(value)s."),
    "status": _("Use applicant or resident."),
    "nationality": _("Use a three-letter country code such as AFG."),
    "difficulty": _("Use 1, 2, 3 or 4."),
    "document_type": _("Unknown document type: %(value)s."),
    "document_incomplete": _("Give both the document type and its number."),
    "document_national_code": _("An Iranian national code has 10 digits and a valid check digit."),
    "document_fida": _("A FIDA code has 12 digits."),
    "document_number": _("A document number has at least 3 letters or digits."),
    "duplicate_in_file": _("This number is also given to another person on row %(other)s."),
    "duplicate_in_registry": _("This number is already registered to another person."),
    "head_mismatch": _("is_head and relationship disagree."),
    # A household
    "no_head": _("Household %(household)s has no head."),
    "two_heads": _("Household %(household)s has more than one head (rows %(rows)s)."),
    "not_together": _(
        "The rows of household %(household)s are not together: it also appears on row %(other)s."
    ),
    "household_conflict": _("The rows of household %(household)s disagree on this column."),
}


@dataclass(frozen=True)
class Problem:
    """One thing to correct: where (row, column) and what (a code and its parameters)."""

    row: int | None
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, _("Invalid value."))
        values = {
            name: digits.localize(value) if isinstance(value, int) else digits_in(value)
            for name, value in self.params.items()
        }
        return str(template) % values if values else str(template)

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return gettext("Row %(row)s, %(column)s: %(message)s") % {
                "row": digits.localize(self.row),
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return gettext("Row %(row)s: %(message)s") % {
                "row": digits.localize(self.row),
                "message": self.message,
            }
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(data.get("row"), data.get("column", ""), data["code"], data.get("params", {}))


def digits_in(value: Any) -> str:
    """Row lists and codes read in the user's digits; other text is shown as it was typed."""
    text = str(value)
    return (
        digits.localize_digits(text) if text.replace(",", "").replace(" ", "").isdigit() else text
    )


@dataclass
class Report:
    """The outcome of reading a file: what it holds, what is new, and what is wrong."""

    rows: int = 0
    households: int = 0
    new_households: int = 0
    new_individuals: int = 0
    already_imported: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    by_column: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        self.by_column[problem.column] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "households": self.households,
            "new_households": self.new_households,
            "new_individuals": self.new_individuals,
            "already_imported": self.already_imported,
            "problem_count": self.problem_count,
            "problems": [p.to_dict() for p in self.sorted_problems()],
            "by_column": dict(self.by_column),
            "ignored_columns": self.ignored_columns,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            rows=data.get("rows", 0),
            households=data.get("households", 0),
            new_households=data.get("new_households", 0),
            new_individuals=data.get("new_individuals", 0),
            already_imported=data.get("already_imported", 0),
            problem_count=data.get("problem_count", 0),
            problems=[Problem.from_dict(p) for p in data.get("problems", [])],
            by_column=Counter(data.get("by_column", {})),
            ignored_columns=list(data.get("ignored_columns", [])),
        )

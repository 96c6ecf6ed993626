"""Households from a CSV or Excel file: checked row by row, imported whole, never twice.

``check_households`` is the dry run; ``import_households`` is the service that
writes (set-based: bulk inserts in batches, one transaction). The columns are in
``columns`` and described for people in ``docs/import-format.md``.
"""

from mehman.registry.imports.columns import COLUMNS, GENERATOR_COLUMNS, REQUIRED_COLUMNS
from mehman.registry.imports.readers import FileProblem, sniff_format
from mehman.registry.imports.report import MAX_PROBLEMS, Problem, Report
from mehman.registry.imports.service import (
    IMPORTABLE_STATUSES,
    ImportRefused,
    ImportResult,
    Progress,
    check_households,
    estimate_rows,
    import_households,
)

__all__ = [
    "COLUMNS",
    "GENERATOR_COLUMNS",
    "IMPORTABLE_STATUSES",
    "MAX_PROBLEMS",
    "REQUIRED_COLUMNS",
    "FileProblem",
    "ImportRefused",
    "ImportResult",
    "Problem",
    "Progress",
    "Report",
    "check_households",
    "estimate_rows",
    "import_households",
    "sniff_format",
]

"""The specific-needs code table, seeded from ``reference/specific_needs.csv``.

The directorate may replace the table: ``mehman needcodes`` reloads the file,
updating labels and adding codes; codes no longer in the file are deactivated,
never deleted, because recorded needs point at them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

SPECIFIC_NEEDS_CSV = Path(__file__).resolve().parent / "reference" / "specific_needs.csv"


def read_specific_needs(path: Path = SPECIFIC_NEEDS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_specific_needs(model: Any, path: Path = SPECIFIC_NEEDS_CSV) -> int:
    """Upsert the codes of the file into ``model`` (a SpecificNeedCode class); return the count."""
    rows = read_specific_needs(path)
    codes = {row["code"] for row in rows}
    existing = {code.code: code for code in model.objects.all()}
    for row in sorted(rows, key=lambda r: (bool(r["parent"]), r["code"])):
        parent = existing.get(row["parent"]) if row["parent"] else None
        values = {
            "label_en": row.get("label_en", ""),
            "label_fa": row.get("label_fa", ""),
            # A code under a protected category is protected, whatever its own row says:
            # `sensitive` is then the one definition everything else reads.
            "sensitive": row.get("sensitive", "no").strip().lower() == "yes"
            or bool(parent and parent.sensitive),
            "is_active": True,
            "parent": parent,
        }
        code = existing.get(row["code"])
        if code is None:
            code = model.objects.create(code=row["code"], **values)
            existing[code.code] = code
        else:
            for name, value in values.items():
                setattr(code, name, value)
            code.save()
    model.objects.exclude(code__in=codes).update(is_active=False)
    return len(rows)

"""Tests of the duplicate-detection engine: plain Python, no database, no Django."""

from __future__ import annotations

from mehman.matching.engine.prepare import FIELDS


def row(record_id: str = "", **fields: str) -> dict[str, str]:
    """One row of the ``dedupe-file`` format: every field present, empty unless given."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a field of the file format: {sorted(unknown)}")
    values = dict.fromkeys(FIELDS, "")
    values.update(fields)
    values["record_id"] = record_id
    return values

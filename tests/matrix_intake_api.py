"""Access-matrix entries for intake (being written)."""

from __future__ import annotations

from tests.matrix_entry import Entry

ENTRIES: dict[str, Entry] = {}

"""Access-matrix entries for residence (conditions), merged into tests/test_access_matrix.py."""

from __future__ import annotations

from tests.matrix_entry import Entry

ENTRIES: dict[str, Entry] = {}

"""Access-matrix entries for housing_standards (merged into tests/test_access_matrix.py).

The standards page needs housing.view: partner staff get 404; analysts see it (figures and
units, no household references). Bob's 404 for settlement A via ?settlement=TJ is tested in
mehman/housing/tests/test_views_standards.py (the matrix has no query strings).
"""

from __future__ import annotations

from tests.matrix_entry import Entry

ENTRIES: dict[str, Entry] = {
    "housing:standards": Entry(also_hidden_from=("vera",)),
}

"""Access-matrix entries for the matching pages, merged into tests/test_access_matrix.py.

The review queue, its pairs and the runs need matching.review (managers and caseworkers);
starting a run matching.run (managers). Clerks, partner staff and analysts get 404, and so
does Bob for settlement A's pairs and runs. Decisions are posted with an empty note: confirming
and rejecting an open pair are done (302), undoing it is refused on the page (200); starting a
run without a settlement is refused on the page (200).
"""

from __future__ import annotations

from typing import Any

from mehman.matching.tests.factories import pair_of, run_of
from tests.matrix_entry import Entry

_REVIEWERS_ONLY = ("alice", "vera", "nasrin")


def _pair_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": pair_of(people["settlement_a"], people["mona"]).uuid}


def _run_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": run_of(people["settlement_a"], people["mona"]).reference}


def _page(kwargs: Any = None, *, method: str = "get", status: int = 200) -> Entry:
    return Entry(
        kwargs=kwargs, method=method, insider_status=status, also_hidden_from=_REVIEWERS_ONLY
    )


ENTRIES: dict[str, Entry] = {
    "matching:pairs": _page(),
    "matching:pair": _page(_pair_of_a),
    "matching:pair_confirm": _page(_pair_of_a, method="post", status=302),
    "matching:pair_reject": _page(_pair_of_a, method="post", status=302),
    "matching:pair_undo": _page(_pair_of_a, method="post", status=200),
    "matching:runs": _page(),
    "matching:run_start": _page(method="post", status=200),
    "matching:run": _page(_run_of_a),
}

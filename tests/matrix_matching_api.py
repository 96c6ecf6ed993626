"""Access-matrix entries for /api/v1/matching/, merged into tests/test_access_matrix.py.

Every endpoint needs matching.review (starting a run matching.run): clerks, partner staff and
analysts get 404, and so does Bob for settlement A's pairs and runs. Decisions are posted with
an empty body: confirming and rejecting an open pair are done (200), undoing it is refused
(400).
"""

from __future__ import annotations

from typing import Any

from tests.matrix_entry import Entry
from tests.matrix_matching import _pair_of_a, _run_of_a

_REVIEWERS_ONLY = ("alice", "vera", "nasrin")


def _api(kwargs: Any = None, *, method: str = "get", status: int = 200) -> Entry:
    return Entry(
        api=True,
        kwargs=kwargs,
        method=method,
        insider_status=status,
        also_hidden_from=_REVIEWERS_ONLY,
    )


ENTRIES: dict[str, Entry] = {
    "api:matching:run_list": _api(),
    "api:matching:run_detail": _api(_run_of_a),
    "api:matching:pair_list": _api(),
    "api:matching:pair_detail": _api(_pair_of_a),
    "api:matching:pair_confirm": _api(_pair_of_a, method="post"),
    "api:matching:pair_reject": _api(_pair_of_a, method="post"),
    "api:matching:pair_undo": _api(_pair_of_a, method="post", status=400),
}

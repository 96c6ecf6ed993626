"""Access-matrix entries for the waitlist, weights and rules pages (merged into
tests/test_access_matrix.py).

Reading is open to staff who see the settlement's personal records (partner staff and
analysts get 404); the what-if preview, publishing weights and editing a rule need
intake.rules (managers, administrators): clerks get 404 too.
"""

from __future__ import annotations

from tests.matrix_entry import Entry

_READERS_ONLY = ("vera", "nasrin")
_RULES_ONLY = ("alice", "vera", "nasrin")

ENTRIES: dict[str, Entry] = {
    "intake:waitlist": Entry(also_hidden_from=_READERS_ONLY),
    # An empty form: reached, and shown again with what is missing.
    "intake:whatif": Entry(method="post", also_hidden_from=_RULES_ONLY),
    "intake:weights": Entry(also_hidden_from=_READERS_ONLY),
    "intake:rules": Entry(also_hidden_from=_READERS_ONLY),
    "intake:rule_edit": Entry(
        kwargs=lambda p: {"kind": "household_size"}, also_hidden_from=_RULES_ONLY
    ),
}

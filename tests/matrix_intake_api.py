"""Access-matrix entries for the intake API (merged into tests/test_access_matrix.py).

Applications, the waitlist, weights and rules are for settlement staff: partner
staff and analysts get 404. Deciding (screen, waitlist, offer, admit, expire,
decide, refresh) and the weights' what-if are for managers; clerks get 404.
Each step is tried on a draft: those a draft cannot take are reached and refused
(400), which is enough to show who gets through.
"""

from __future__ import annotations

from typing import Any

from mehman.intake.tests import factories
from tests.matrix_entry import Entry

_HIDDEN = ("vera", "nasrin")
_MANAGERS_ONLY = ("alice", "vera", "nasrin")


def _draft_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application = factories.application(people["settlement_a"], by=people["alice"])
    return {"reference": application.reference}


def _step(name: str, insider: str, status: int) -> tuple[str, Entry]:
    return (
        f"api:intake:application_{name}",
        Entry(
            api=True,
            kwargs=_draft_of_a,
            method="post",
            insider=insider,
            insider_status=status,
            also_hidden_from=_HIDDEN if insider == "alice" else _MANAGERS_ONLY,
        ),
    )


ENTRIES: dict[str, Entry] = {
    "api:intake:application_list": Entry(api=True),  # partners and analysts: an empty page
    "api:intake:application_detail": Entry(api=True, kwargs=_draft_of_a, also_hidden_from=_HIDDEN),
    "api:intake:application_rank_history": Entry(
        api=True, kwargs=_draft_of_a, also_hidden_from=_HIDDEN
    ),
    **dict(
        [
            _step("submit", "alice", 200),
            _step("pin", "alice", 400),  # a draft has no PIN yet
            _step("screen", "mona", 400),  # the rest: not from a draft, or input missing
            _step("waitlist", "mona", 400),
            _step("offer", "mona", 400),
            _step("accept", "alice", 400),
            _step("decline", "alice", 400),
            _step("admit", "mona", 400),
            _step("withdraw", "alice", 400),
            _step("expire", "mona", 400),
            _step("appeal", "alice", 400),
            _step("decide", "mona", 400),
            _step("refresh", "mona", 200),
        ]
    ),
    "api:intake:waitlist": Entry(api=True, also_hidden_from=_HIDDEN),
    "api:intake:waitlist_preview": Entry(api=True, method="post", also_hidden_from=_MANAGERS_ONLY),
    "api:intake:weights": Entry(api=True, also_hidden_from=_HIDDEN),
    "api:intake:rules": Entry(api=True, also_hidden_from=_HIDDEN),
}

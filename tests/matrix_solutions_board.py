"""Access-matrix entries for durable solutions (the board, the list of cases, the worklists,
the time to solution and the readiness criteria), merged into tests/test_access_matrix.py.

The pages need ``solutions.view`` (caseworkers, managers, administrators): clerks such as
alice and bob, partner staff and analysts get 404. Changing the readiness criteria needs
``solutions.approve`` (settlement managers).
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from mehman.residence.models import Pathway
from mehman.solutions.services import criteria as services
from tests.matrix_entry import Entry

_NO_SOLUTIONS = ("alice", "vera", "nasrin")
_APPROVERS_ONLY = ("alice", "bob", "vera", "nasrin")


def _criterion(people: dict[str, Any], *, retired: bool = False) -> dict[str, Any]:
    criterion = services.add_criterion(
        by=people["mona"],
        pathway=Pathway.SELF_RELIANCE,
        code=f"c-{uuid4().hex[:8]}",
        text_fa="معیار آزمایشی",
        text_en="A test criterion",
    )
    if retired:
        services.retire_criterion(criterion=criterion, by=people["mona"])
    return {"code": criterion.code}


def _retired(people: dict[str, Any]) -> dict[str, Any]:
    return _criterion(people, retired=True)


ENTRIES: dict[str, Entry] = {
    "solutions:board": Entry(also_hidden_from=_NO_SOLUTIONS),
    "solutions:cases": Entry(also_hidden_from=_NO_SOLUTIONS),
    "solutions:worklists": Entry(also_hidden_from=_NO_SOLUTIONS),
    "solutions:outcomes": Entry(also_hidden_from=_NO_SOLUTIONS),
    "solutions:criteria": Entry(also_hidden_from=_NO_SOLUTIONS),
    "solutions:criterion_new": Entry(also_hidden_from=_APPROVERS_ONLY),
    "solutions:criterion_edit": Entry(kwargs=_criterion, also_hidden_from=_APPROVERS_ONLY),
    "solutions:criterion_retire": Entry(
        kwargs=_criterion, method="post", insider_status=302, also_hidden_from=_APPROVERS_ONLY
    ),
    "solutions:criterion_restore": Entry(
        kwargs=_retired, method="post", insider_status=302, also_hidden_from=_APPROVERS_ONLY
    ),
}

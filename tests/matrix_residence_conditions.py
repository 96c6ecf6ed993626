"""Access-matrix entries for residence (conditions), merged into tests/test_access_matrix.py.

The list of agreement conditions is read by everyone with ``residence.view`` (partner staff
and analysts get 404); adding, changing and retiring conditions need ``residence.manage``
(clerks such as alice and bob get 404).
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from mehman.residence.services import conditions as services
from tests.matrix_entry import Entry

_NO_RESIDENCE = ("vera", "nasrin")
_MANAGERS_ONLY = ("alice", "bob", "vera", "nasrin")


def _condition(people: dict[str, Any], *, retired: bool = False) -> dict[str, Any]:
    condition = services.add_condition(
        by=people["mona"],
        code=f"c-{uuid4().hex[:8]}",
        text_fa="شرط آزمایشی",
        text_en="A test condition",
    )
    if retired:
        services.retire_condition(condition=condition, by=people["mona"])
    return {"code": condition.code}


def _retired(people: dict[str, Any]) -> dict[str, Any]:
    return _condition(people, retired=True)


ENTRIES: dict[str, Entry] = {
    "residence:conditions": Entry(also_hidden_from=_NO_RESIDENCE),
    "residence:condition_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "residence:condition_edit": Entry(kwargs=_condition, also_hidden_from=_MANAGERS_ONLY),
    "residence:condition_retire": Entry(
        kwargs=_condition, method="post", insider_status=302, also_hidden_from=_MANAGERS_ONLY
    ),
    "residence:condition_restore": Entry(
        kwargs=_retired, method="post", insider_status=302, also_hidden_from=_MANAGERS_ONLY
    ),
}

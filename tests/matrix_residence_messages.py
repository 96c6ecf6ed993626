"""Access-matrix entries for residence (messages), merged into tests/test_access_matrix.py.

The digest and the templates list need residence.view (partner staff and analysts have
none); the log of messages and sending need residence.message (not clerks); editing a
template needs residence.manage. Bob is a clerk of settlement B: a household of A does not
exist for him, and he may not edit templates.
"""

from __future__ import annotations

from typing import Any

from mehman.housing.tests.factories import resident
from tests.matrix_entry import Entry

_NO_RECORDS = ("vera", "nasrin")
_MESSENGERS_ONLY = ("alice", "vera", "nasrin")


def _household_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = resident(people["settlement_a"], by=people["alice"], phone="09121234567")
    return {"reference": household.reference}


ENTRIES: dict[str, Entry] = {
    "residence:digest": Entry(also_hidden_from=_NO_RECORDS),
    "residence:messages": Entry(also_hidden_from=_MESSENGERS_ONLY),
    "residence:message_new": Entry(kwargs=_household_of_a, also_hidden_from=_MESSENGERS_ONLY),
    "residence:message_templates": Entry(also_hidden_from=_NO_RECORDS),
    "residence:message_template_edit": Entry(
        kwargs=lambda p: {"code": "review_due"}, also_hidden_from=_MESSENGERS_ONLY
    ),
}

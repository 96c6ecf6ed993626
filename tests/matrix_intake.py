"""Access-matrix entries for the application pages (merged into tests/test_access_matrix.py).

Reading applications is for settlement staff in scope (partner staff and analysts get
404); starting and correcting need intake.apply; decisions such as screening need
intake.decide, so a clerk gets 404 on them too.
"""

from __future__ import annotations

from typing import Any

from mehman.intake.tests import factories
from tests.matrix_entry import Entry

_NO_RECORDS = ("vera", "nasrin")
_DECIDERS_ONLY = ("alice", "vera", "nasrin")


def _application_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application = factories.application(people["settlement_a"], by=people["alice"])
    return {"reference": application.reference}


def _screening_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application, _pin = factories.submitted(people["settlement_a"], by=people["alice"])
    return {"reference": application.reference, "action": "screen"}


ENTRIES: dict[str, Entry] = {
    "intake:list": Entry(also_hidden_from=_NO_RECORDS),
    "intake:new": Entry(insider="alice", also_hidden_from=_NO_RECORDS),
    "intake:detail": Entry(kwargs=_application_of_a, also_hidden_from=_NO_RECORDS),
    "intake:edit": Entry(insider="alice", kwargs=_application_of_a, also_hidden_from=_NO_RECORDS),
    "intake:action": Entry(kwargs=_screening_of_a, also_hidden_from=_DECIDERS_ONLY),
}

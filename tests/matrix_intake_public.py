"""Access-matrix entries for the intake receipt and letters, and the public status page
(merged into tests/test_access_matrix.py).

The receipt prints the PIN only in the session that was just given it: the matrix's
clerk has none, so she is sent back to the application's page (302). The status page is
public: anonymous visitors and staff alike get the form.
"""

from __future__ import annotations

from typing import Any

from mehman.intake import services
from mehman.intake.tests import factories
from tests.matrix_entry import Entry

_STAFF_ONLY = ("vera", "nasrin")


def _submitted_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application, _pin = factories.submitted(people["settlement_a"], by=people["alice"])
    return {"reference": application.reference}


def _ineligibility_letter_of_a(people: dict[str, Any]) -> dict[str, Any]:
    application, _pin = factories.submitted(people["settlement_a"], by=people["alice"])
    services.screen_application(application=application, by=people["mona"])  # no residence card
    return {"reference": application.reference, "kind": "ineligibility"}


ENTRIES: dict[str, Entry] = {
    "intake:receipt": Entry(
        kwargs=_submitted_of_a, insider="alice", insider_status=302, also_hidden_from=_STAFF_ONLY
    ),
    "intake:letter": Entry(
        kwargs=_ineligibility_letter_of_a, insider="alice", also_hidden_from=_STAFF_ONLY
    ),
    "applicant:status": Entry(public=True),
}

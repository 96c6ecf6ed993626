"""Access-matrix entries for the assistance reports (merged into tests/test_access_matrix.py).

The reports are aggregates: analysts (nasrin) read them too, and clerks of the
settlement (alice). Vera, partner staff of no organisation yet, sees no activity,
pledge or benefactor; Bob of settlement B gets 404 for settlement A's records.
mehman/assistance/tests/test_reports.py checks that no household is named
to nasrin or to the donor's partner staff.
"""

from __future__ import annotations

from typing import Any

from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from tests.matrix_entry import Entry


def _charity_of_a(people: dict[str, Any]) -> Any:
    return pf.organisation(people["settlement_a"], by=people["mona"])


def _activity_of_a(people: dict[str, Any]) -> dict[str, Any]:
    activity = pf.activity(_charity_of_a(people), people["settlement_a"], by=people["mona"])
    return {"activity": activity.uuid}


def _pledge_of_a(people: dict[str, Any]) -> dict[str, Any]:
    pledge = pf.pledge(_charity_of_a(people), people["settlement_a"], by=people["mona"])
    partners.receive_donation(pledge=pledge, by=people["mona"], quantity=10)
    return {"pledge": pledge.uuid}


def _donor_of_a(people: dict[str, Any]) -> dict[str, Any]:
    donor = _charity_of_a(people)
    pf.pledge(donor, people["settlement_a"], by=people["mona"])
    return {"organisation": donor.uuid}


ENTRIES: dict[str, Entry] = {
    "assistance:activity": Entry(kwargs=_activity_of_a, also_hidden_from=("vera",)),
    "assistance:pledge": Entry(kwargs=_pledge_of_a, also_hidden_from=("vera",)),
    "assistance:donor": Entry(kwargs=_donor_of_a, also_hidden_from=("vera",)),
    "assistance:five_w": Entry(),
    "assistance:five_w_export": Entry(),
}

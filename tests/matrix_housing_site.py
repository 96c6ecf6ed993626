"""Access-matrix entries for the site pages (merged into tests/test_access_matrix.py).

The map, the lists, a unit's and a facility's page and the blocks need housing.view:
partner staff get 404, analysts read them (without households). Adding and correcting
units and facilities and changing a unit's state need housing.manage, so a clerk and an
analyst get 404 on them too; moves need housing.allocate (tested in
mehman/housing/tests/test_views_site.py).
"""

from __future__ import annotations

from typing import Any

from mehman.housing.tests import factories
from tests.matrix_entry import Entry

_PARTNERS = ("vera",)
_MANAGERS_ONLY = ("alice", "vera", "nasrin")


def _unit_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    return {"reference": unit.reference}


def _state_of_a_unit(people: dict[str, Any]) -> dict[str, Any]:
    return {**_unit_of_a(people), "action": "state"}


def _facility_of_a(people: dict[str, Any]) -> dict[str, Any]:
    facility = factories.facility(people["settlement_a"], by=people["mona"])
    return {"reference": facility.reference}


ENTRIES: dict[str, Entry] = {
    "housing:map": Entry(also_hidden_from=_PARTNERS),
    "housing:units": Entry(also_hidden_from=_PARTNERS),
    "housing:unit_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "housing:unit": Entry(kwargs=_unit_of_a, also_hidden_from=_PARTNERS),
    "housing:unit_edit": Entry(kwargs=_unit_of_a, also_hidden_from=_MANAGERS_ONLY),
    # Reached: an empty form is shown again with its errors, and nothing changes.
    "housing:unit_action": Entry(
        kwargs=_state_of_a_unit, method="post", also_hidden_from=_MANAGERS_ONLY
    ),
    "housing:facilities": Entry(also_hidden_from=_PARTNERS),
    "housing:facility_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "housing:facility": Entry(kwargs=_facility_of_a, also_hidden_from=_PARTNERS),
    "housing:facility_edit": Entry(kwargs=_facility_of_a, also_hidden_from=_MANAGERS_ONLY),
    "housing:blocks": Entry(also_hidden_from=_PARTNERS),
}

"""Access-matrix entries for residence (conversion), merged into tests/test_access_matrix.py.

Bulk conversion needs residence.manage (managers and administrators): clerks, partner staff
and analysts get 404, and so does Bob for settlement A's conversions. Steps that need input
are tried with an empty body: reached and refused (400).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mehman.registry.models import HouseholdStatus
from mehman.registry.tests import factories as registry
from mehman.residence.services.conversion import prepare_conversion
from tests.matrix_entry import Entry

_MANAGERS_ONLY = ("alice", "vera", "nasrin")


def _conversion_of_a(people: dict[str, Any]) -> dict[str, Any]:
    """A previewed conversion of settlement A's one resident household."""
    settlement, mona = people["settlement_a"], people["mona"]
    registry.household(settlement, by=mona, status=HouseholdStatus.RESIDENT)
    run = prepare_conversion(
        settlement=settlement,
        by=mona,
        filters={},
        term_months=36,
        stagger_years=2,
        start_on=date(2026, 3, 21),
        priorities=[],
    )
    return {"reference": run.reference}


def _page(kwargs: Any = None) -> Entry:
    return Entry(kwargs=kwargs, also_hidden_from=_MANAGERS_ONLY)


def _api(kwargs: Any = None, *, method: str = "get", status: int = 200) -> Entry:
    return Entry(
        api=True,
        kwargs=kwargs,
        method=method,
        insider_status=status,
        also_hidden_from=_MANAGERS_ONLY,
    )


ENTRIES: dict[str, Entry] = {
    "residence:conversions": _page(),
    "residence:conversion_new": _page(),
    "residence:conversion_count": _page(),
    "residence:conversion": _page(_conversion_of_a),
    # The confirmation and reason pages.
    "residence:conversion_commit": _page(_conversion_of_a),
    "residence:conversion_reverse": _page(_conversion_of_a),
    "residence:conversion_discard": _page(_conversion_of_a),
    "api:residence:conversion_list": _api(),
    "api:residence:conversion_detail": _api(_conversion_of_a),
    # Committing a preview is accepted (the work is queued).
    "api:residence:conversion_commit": _api(_conversion_of_a, method="post", status=202),
    "api:residence:conversion_reverse": _api(_conversion_of_a, method="post", status=400),
    "api:residence:conversion_discard": _api(_conversion_of_a, method="post", status=400),
}

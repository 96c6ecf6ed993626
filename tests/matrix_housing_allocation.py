"""Access-matrix entries for batch allocation (merged into tests/test_access_matrix.py).

Every page lists households, so it needs housing.allocate (housing officers, managers,
administrators) and a role that sees personal records: clerks, partner staff and analysts
get 404. Committing needs housing.commit (managers, administrators).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mehman.housing import services
from mehman.housing.models import AllocationRun
from mehman.housing.tests import factories
from mehman.intake.tests.factories import waitlisted
from tests.matrix_entry import Entry

_ALLOCATORS_ONLY = ("alice", "vera", "nasrin")


def _solved_run(people: dict[str, Any]) -> AllocationRun:
    """A run of settlement A proposing its one vacancy to its one waitlisted household."""
    settlement, mona = people["settlement_a"], people["mona"]
    factories.unit(settlement, block_code="B01", floor_area=Decimal("27"), by=mona)
    waitlisted(settlement, by=people["alice"], manager=mona)
    run = services.start_run(settlement=settlement, by=mona)
    return services.solve_run(run)


def _run_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _solved_run(people).reference}


def _proposal_of_a(people: dict[str, Any]) -> dict[str, Any]:
    run = _solved_run(people)
    proposal = run.proposals.select_related("application").get()
    return {"reference": run.reference, "application": proposal.application.reference}


ENTRIES: dict[str, Entry] = {
    "housing:runs": Entry(also_hidden_from=_ALLOCATORS_ONLY),
    # An empty form: reached, and shown again with what is missing.
    "housing:run_new": Entry(method="post", also_hidden_from=_ALLOCATORS_ONLY),
    "housing:run": Entry(kwargs=_run_of_a, also_hidden_from=_ALLOCATORS_ONLY),
    "housing:run_proposal": Entry(kwargs=_proposal_of_a, also_hidden_from=_ALLOCATORS_ONLY),
    # The confirmation page; housing officers may prepare a run but not commit it.
    "housing:run_commit": Entry(kwargs=_run_of_a, also_hidden_from=_ALLOCATORS_ONLY),
    "housing:run_discard": Entry(kwargs=_run_of_a, also_hidden_from=_ALLOCATORS_ONLY),
}

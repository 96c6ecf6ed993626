"""Access-matrix entries for durable solutions (a household's case and every action on it),
merged into tests/test_access_matrix.py.

Reading a case needs ``solutions.view`` and acting on it ``solutions.manage`` (clerks, partner
staff and analysts get 404); deciding an approval needs ``solutions.approve`` (managers).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mehman.core import dates
from mehman.housing.tests import factories as housing_factories
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions import services
from mehman.solutions.models import ApprovalKind, SolutionsCase
from mehman.solutions.tests import factories as f
from tests.matrix_entry import Entry

_NO_SOLUTIONS = ("alice", "vera", "nasrin")


def _case_in_a(people: dict[str, Any], pathway: str = Pathway.LOCAL_INTEGRATION) -> SolutionsCase:
    household = f.housed(people["settlement_a"], by=people["mona"])[0]
    return f.case(household, by=people["mona"], pathway=pathway)


def _case_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _case_in_a(people).reference}


def _resident_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = housing_factories.resident(people["settlement_a"], by=people["mona"])
    return {"reference": household.reference}


def _milestone_of_a(people: dict[str, Any]) -> dict[str, Any]:
    case = _case_in_a(people)
    milestone = services.add_milestone(
        case=case,
        by=people["mona"],
        title="Find a tenancy",
        owner=people["mona"],
        due_on=dates.today(),
    )
    return {"reference": case.reference, "milestone": milestone.uuid}


def _pending_approval_of_a(people: dict[str, Any]) -> dict[str, Any]:
    case = _case_in_a(people, Pathway.REPATRIATION)
    asker = f.manager(people["settlement_a"], username="matrix-asker")
    approval = services.request_approval(
        case=case, by=asker, kind=ApprovalKind.RETURN, justification="The family asked."
    )
    return {"reference": case.reference, "approval": approval.uuid}


def _follow_up_of_a(people: dict[str, Any]) -> dict[str, Any]:
    case = _case_in_a(people)
    case_exit = services.record_exit(
        case=case,
        by=people["mona"],
        exit_type=ExitReason.MOVED_TO_CITY,
        exit_on=dates.today() - timedelta(days=100),
    )
    return {"reference": case.reference, "follow_up": case_exit.follow_ups.first().uuid}


def _on_case(**kwargs: Any) -> Entry:
    return Entry(kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS, **kwargs)


ENTRIES: dict[str, Entry] = {
    "solutions:case_new": Entry(kwargs=_resident_of_a, also_hidden_from=_NO_SOLUTIONS),
    "solutions:case": _on_case(),
    "solutions:case_pathway": _on_case(),
    "solutions:case_stage": _on_case(),
    "solutions:case_owner": _on_case(),
    "solutions:case_close": _on_case(),
    "solutions:survey_new": _on_case(),
    "solutions:milestone_new": _on_case(),
    "solutions:milestone_done": Entry(kwargs=_milestone_of_a, also_hidden_from=_NO_SOLUTIONS),
    "solutions:milestone_drop": Entry(kwargs=_milestone_of_a, also_hidden_from=_NO_SOLUTIONS),
    "solutions:readiness": _on_case(),
    "solutions:approval_new": _on_case(),
    "solutions:approval_decide": Entry(
        kwargs=_pending_approval_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
    "solutions:case_note": Entry(kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS),
    "solutions:repatriation": _on_case(),
    "solutions:counselling": _on_case(),
    "solutions:resettlement": _on_case(),
    "solutions:resettlement_unhcr": _on_case(),
    "solutions:resettlement_outcome": _on_case(),
    "solutions:integration": _on_case(),
    "solutions:referral_new": _on_case(),
    "solutions:exit": _on_case(),
    "solutions:follow_up": Entry(kwargs=_follow_up_of_a, also_hidden_from=_NO_SOLUTIONS),
}

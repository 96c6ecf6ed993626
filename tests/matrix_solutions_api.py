"""Access-matrix entries for the durable-solutions API, merged into tests/test_access_matrix.py.

Every endpoint needs ``solutions.view``: clerks (alice), partner staff (vera) and analysts
(nasrin) get 404. Changes need ``solutions.manage``; deciding an approval
``solutions.approve`` (caseworkers get 404: mehman/solutions/tests/test_api_referrals.py).
Steps are tried with an empty body: they are reached and refused (400), except completing a
milestone, whose fields are all optional.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mehman.core import dates
from mehman.housing.tests import factories as housing_factories
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions import services
from mehman.solutions.models import ApprovalKind, CaseExit, SolutionsCase
from tests.matrix_entry import Entry

_NO_SOLUTIONS = ("alice", "vera", "nasrin")


def _case_in_a(people: dict[str, Any], pathway: str = Pathway.LOCAL_INTEGRATION) -> SolutionsCase:
    household = housing_factories.resident(
        people["settlement_a"],
        home=housing_factories.unit(people["settlement_a"]),
        by=people["mona"],
    )
    return services.open_case(
        household=household,
        by=people["mona"],
        pathway=pathway,
        opened_on=dates.today() - timedelta(days=30),
    )


def _case_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _case_in_a(people).reference}


def _milestone_of_a(people: dict[str, Any]) -> dict[str, Any]:
    milestone = services.add_milestone(
        case=_case_in_a(people),
        by=people["mona"],
        title="Find a tenancy in the city",
        owner=people["mona"],
        due_on=dates.today() + timedelta(days=30),
    )
    return {"uuid": milestone.uuid}


def _approval_of_a(people: dict[str, Any]) -> dict[str, Any]:
    approval = services.request_approval(
        case=_case_in_a(people, Pathway.REPATRIATION),
        by=people["adam"],
        kind=ApprovalKind.RETURN,
        justification="The family asked to go home.",
    )
    return {"uuid": approval.uuid}


def _exit_in_a(people: dict[str, Any]) -> CaseExit:
    return services.record_exit(
        case=_case_in_a(people),
        by=people["mona"],
        exit_type=ExitReason.MOVED_TO_CITY,
        exit_on=dates.today() - timedelta(days=2),
    )


def _exit_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": _exit_in_a(people).uuid}


def _follow_up_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": _exit_in_a(people).follow_ups.order_by("months").first().uuid}


ENTRIES: dict[str, Entry] = {
    "api:solutions:case_list": Entry(api=True, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:case_detail": Entry(api=True, kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:case_pathway": Entry(
        api=True,
        kwargs=_case_of_a,
        method="post",
        insider_status=400,  # reached: the pathway and reason are missing
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:case_stage": Entry(
        api=True,
        kwargs=_case_of_a,
        method="post",
        insider_status=400,  # reached: the stage is missing
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:case_surveys": Entry(
        api=True, kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
    "api:solutions:case_milestones": Entry(
        api=True, kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
    "api:solutions:milestone_complete": Entry(
        api=True,
        kwargs=_milestone_of_a,
        method="post",
        insider_status=200,  # done today
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:milestone_drop": Entry(
        api=True,
        kwargs=_milestone_of_a,
        method="post",
        insider_status=400,  # reached: the reason is missing
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:case_referrals": Entry(
        api=True, kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
    "api:solutions:referral_overdue_list": Entry(api=True, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:case_approvals": Entry(
        api=True, kwargs=_case_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
    "api:solutions:approval_list": Entry(api=True, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:approval_decide": Entry(
        api=True,
        kwargs=_approval_of_a,
        method="post",
        insider_status=400,  # reached: approve or reject is missing
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:case_exit": Entry(
        api=True,
        kwargs=_case_of_a,
        method="post",
        insider_status=400,  # reached: how and when they left are missing
        also_hidden_from=_NO_SOLUTIONS,
    ),
    "api:solutions:exit_list": Entry(api=True, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:exit_detail": Entry(api=True, kwargs=_exit_of_a, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:follow_up_list": Entry(api=True, also_hidden_from=_NO_SOLUTIONS),
    "api:solutions:follow_up_detail": Entry(
        api=True, kwargs=_follow_up_of_a, also_hidden_from=_NO_SOLUTIONS
    ),
}

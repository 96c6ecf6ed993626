"""Second approver: referring for resettlement and supporting a return are decided by a
settlement manager other than the one who asked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mehman.core import dates
from mehman.registry.models import HouseholdEvent
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import Approval, ApprovalKind, ApprovalStatus
from mehman.solutions.tests import factories as f


@pytest.fixture
def case(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    return f.case(household, by=carla, pathway=Pathway.RESETTLEMENT)


@pytest.fixture
def request_(case, carla):
    return services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RESETTLEMENT, justification="Medical needs"
    )


def test_a_request_awaits_a_decision(request_, carla):
    assert request_.status == ApprovalStatus.PENDING
    assert request_.requested_by == carla
    assert not services.is_approved(request_.case, ApprovalKind.RESETTLEMENT)
    assert HouseholdEvent.objects.filter(kind="solutions.approval_requested").exists()


def test_a_manager_other_than_the_requester_approves(request_, mona):
    approval = services.decide_approval(approval=request_, by=mona, approve=True)
    assert (approval.status, approval.decided_by, approval.decided_on) == (
        ApprovalStatus.APPROVED,
        mona,
        dates.today(),
    )
    assert services.is_approved(request_.case, ApprovalKind.RESETTLEMENT)
    assert approval.history.count() == 2


def test_the_requester_cannot_approve_their_own_request(case, mona):
    asked = services.request_approval(
        case=case, by=mona, kind=ApprovalKind.RESETTLEMENT, justification="Protection"
    )
    with pytest.raises(ValidationError) as caught:
        services.decide_approval(approval=asked, by=mona, approve=True)
    assert caught.value.code == "same_person"
    second = f.manager(case.settlement)
    assert services.decide_approval(approval=asked, by=second, approve=True).decided_by == second


def test_only_a_manager_of_the_settlement_decides(request_, settlement_b, alice, carla):
    outsider = f.manager(settlement_b, username="sina")
    for user in (alice, outsider):
        with pytest.raises(ValidationError) as caught:
            services.decide_approval(approval=request_, by=user, approve=True)
        assert caught.value.code == "not_manager"
    request_.refresh_from_db()
    assert request_.status == ApprovalStatus.PENDING


def test_a_rejection_needs_a_reason(request_, mona):
    with pytest.raises(ValidationError) as caught:
        services.decide_approval(approval=request_, by=mona, approve=False)
    assert "note" in caught.value.error_dict
    rejected = services.decide_approval(
        approval=request_, by=mona, approve=False, note="No protection need shown"
    )
    assert rejected.status == ApprovalStatus.REJECTED
    assert not services.is_approved(request_.case, ApprovalKind.RESETTLEMENT)


def test_a_decision_is_taken_once(request_, mona):
    services.decide_approval(approval=request_, by=mona, approve=True)
    with pytest.raises(ValidationError) as caught:
        services.decide_approval(approval=request_, by=mona, approve=False, note="Changed mind")
    assert caught.value.code == "decided"


def test_one_request_of_a_kind_awaits_at_a_time(request_, carla):
    with pytest.raises(ValidationError) as caught:
        services.request_approval(
            case=request_.case, by=carla, kind=ApprovalKind.RESETTLEMENT, justification="Again"
        )
    assert caught.value.code == "pending"
    assert Approval.objects.count() == 1


def test_a_decision_belongs_to_the_cases_pathway(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.request_approval(
            case=case, by=carla, kind=ApprovalKind.RETURN, justification="Going home"
        )
    assert caught.value.code == "pathway"


def test_the_database_refuses_an_approval_by_the_requester(request_, carla):
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.filter(pk=request_.pk).update(
            status=ApprovalStatus.APPROVED, decided_by=carla, decided_on=dates.today()
        )

"""Decisions needing a second approver — asked from the case, decided by a settlement manager
other than the one who asked — and the household's protected case notes.

Asking needs ``solutions.manage``; deciding ``solutions.approve``; a case note
``protection.view`` as well. The services refuse the rest (the asker deciding, a rejection
without its reason) and the page says why.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.permissions import require_capability
from mehman.registry import services as registry_services
from mehman.solutions import services
from mehman.solutions.forms.cases import ApprovalDecideForm, ApprovalRequestForm, CaseNoteForm
from mehman.solutions.models import Approval, ApprovalStatus
from mehman.solutions.views._case import APPROVE, MANAGE, PROTECTION, case_of, data_of, step

# --- Approvals ----------------------------------------------------------------------------------


@login_required
def approval_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = ApprovalRequestForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.request_approval(case=case, by=request.user, **d)

    return step(
        request,
        case,
        form,
        perform,
        title=_("Ask a second approver"),
        done=_("The approval was asked for."),
        testid="approval-new",
    )


@login_required
def approval_decide(request: AuthenticatedRequest, reference: str, approval: Any) -> HttpResponse:
    case = case_of(request, reference, APPROVE)
    request_row = get_object_or_404(
        Approval.objects.filter(case=case, status=ApprovalStatus.PENDING).select_related(
            "requested_by"
        ),
        uuid=approval,
    )
    form = ApprovalDecideForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.decide_approval(
            approval=request_row,
            by=request.user,
            approve=d["decision"] == "approve",
            note=d["note"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Decide the request"),
        done=_("The decision was recorded."),
        testid="approval-decide",
        template="solutions/approval_decide.html",
        approval=request_row,
    )


# --- Case notes ---------------------------------------------------------------------------------


@login_required
def case_note(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, PROTECTION)
    case = case_of(request, reference, MANAGE)
    form = CaseNoteForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return registry_services.add_case_note(
            household=case.household, body=d["body"], by=request.user
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Add a case note"),
        done=_("The case note was added."),
        testid="case-note",
    )


urlpatterns: list[URLPattern] = [
    path("cases/<str:reference>/approvals/new/", approval_new, name="approval_new"),
    path(
        "cases/<str:reference>/approvals/<uuid:approval>/",
        approval_decide,
        name="approval_decide",
    ),
    path("cases/<str:reference>/notes/new/", case_note, name="case_note"),
]

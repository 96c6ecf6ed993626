"""The exit of a case's household (or of some of its members) and the follow-ups after it.

Both need ``solutions.manage`` and the case in scope. ``record_exit`` does everything in one
transaction — the split, the end of the term, the freed home and its offer, the case closed —
or refuses with its reason (an exit needing a missing approval, say), and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from mehman.accounts.requests import AuthenticatedRequest
from mehman.solutions import services
from mehman.solutions.forms.exits import ExitForm, FollowUpForm
from mehman.solutions.models import ExitFollowUp
from mehman.solutions.views._case import MANAGE, case_of, data_of, step


@login_required
def case_exit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = ExitForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.record_exit(case=case, by=request.user, **form.exit_data())

    return step(
        request,
        case,
        form,
        perform,
        title=_("Record the exit"),
        done=_("The exit was recorded; the case is now “Exited”."),
        testid="exit",
        template="solutions/exit.html",
        members=list(case.household.active_members().order_by("pk")),
    )


@login_required
def follow_up(request: AuthenticatedRequest, reference: str, follow_up: Any) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    row = get_object_or_404(
        ExitFollowUp.objects.filter(exit__case=case).select_related("exit"), uuid=follow_up
    )
    form = FollowUpForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.record_follow_up(
            follow_up=row,
            by=request.user,
            reached=d["reached"] == "yes",
            outcome=d["outcome"],
            done_on=d["done_on"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Record the follow-up"),
        done=_("The follow-up was recorded."),
        testid="follow-up",
        template="solutions/follow_up.html",
        follow_up=row,
    )


urlpatterns: list[URLPattern] = [
    path("cases/<str:reference>/exit/", case_exit, name="exit"),
    path(
        "cases/<str:reference>/follow-ups/<uuid:follow_up>/",
        follow_up,
        name="follow_up",
    ),
]

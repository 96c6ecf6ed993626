"""The caseload of durable solutions: the board (open cases by pathway and stage), the list of
cases, the worklists (steps due, referrals overdue, follow-ups due, approvals awaited) and the
time to solution per pathway.

Every page needs ``solutions.view`` and shows one settlement of the user's scope
(``?settlement=CODE``); the approvals worklist shows only to those who decide
(``solutions.approve``). Reads only: the case's own page changes it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from mehman.accounts.models import CAPABILITIES, Role
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.forms import with_blank
from mehman.core.models import Settlement
from mehman.core.permissions import require_capability
from mehman.core.queries import chosen_settlement
from mehman.residence.models import Pathway
from mehman.solutions import queries
from mehman.solutions.models import OPEN_STAGES, CaseExit, CaseReferral, CaseStage, SolutionsCase

VIEW = "solutions.view"
MANAGE = "solutions.manage"
APPROVE = "solutions.approve"
PER_PAGE = 50
WORKLIST_DAYS = 14
ANY = _("Any")
MINE, EVERYONE, NOBODY = "mine", "all", "none"
STATES = [
    ("open", pgettext_lazy("solutions case", "Open")),
    ("finished", _("Exited or closed")),
    ("all", _("All")),
]


def _caseworkers(settlement: Settlement) -> list[Any]:
    """The staff of the settlement who may own a case, by name."""
    roles = [role for role, caps in CAPABILITIES.items() if MANAGE in caps]
    staff = get_user_model().objects.filter(
        memberships__settlement=settlement, role__in=roles, is_active=True
    )
    return sorted(staff, key=lambda user: str(user))


class CaseFilterForm(forms.Form):
    """Narrow the board or the list of cases (a GET form). The caseworker is "my cases" by
    default for a caseworker, everyone's for others."""

    owner = forms.ChoiceField(label=_("Caseworker"), required=False)
    pathway = forms.ChoiceField(
        label=_("Pathway"), required=False, choices=with_blank(Pathway.choices, ANY)
    )

    def __init__(self, data: Any, *, user: Any, settlement: Settlement) -> None:
        self.default_owner = MINE if user.role == Role.CASEWORKER else EVERYONE
        values = data.copy()
        if not values.get("owner"):
            values["owner"] = self.default_owner
        super().__init__(values)
        self.user = user
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (EVERYONE, _("Everyone")),
            (MINE, _("My cases")),
            (NOBODY, _("No caseworker")),
            *((staff.username, str(staff)) for staff in _caseworkers(settlement)),
        ]

    def filter(self, cases: QuerySet[SolutionsCase]) -> QuerySet[SolutionsCase]:
        if not self.is_valid():
            return cases
        owner = self.cleaned_data["owner"]
        if owner == MINE:
            cases = cases.filter(owner=self.user)
        elif owner == NOBODY:
            cases = cases.filter(owner__isnull=True)
        elif owner and owner != EVERYONE:
            cases = cases.filter(owner__username=owner)
        if self.cleaned_data["pathway"]:
            cases = cases.filter(pathway=self.cleaned_data["pathway"])
        return cases

    def query(self, **extra: str) -> str:
        """The filters as a query string, with ``extra`` (for links to the list)."""
        values = {"settlement": extra.pop("settlement", "")}
        values.update({name: self.data.get(name, "") for name in self.fields})
        values.update(extra)
        return urlencode({name: value for name, value in values.items() if value})


class CaseListForm(CaseFilterForm):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=with_blank(CaseStage.choices, ANY)
    )
    state = forms.ChoiceField(label=_("Open or finished"), required=False, choices=STATES)

    def filter(self, cases: QuerySet[SolutionsCase]) -> QuerySet[SolutionsCase]:
        cases = super().filter(cases)
        if not self.is_valid():
            return cases.open()  # type: ignore[attr-defined,no-any-return]
        if self.cleaned_data["stage"]:
            return cases.filter(stage=self.cleaned_data["stage"])
        state = self.cleaned_data["state"] or "open"
        if state == "open":
            return cases.open()  # type: ignore[attr-defined,no-any-return]
        if state == "finished":
            return cases.exclude(stage__in=OPEN_STAGES)
        return cases


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    require_capability(request.user, VIEW)
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


@require_GET
@login_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    form = CaseFilterForm(request.GET, user=request.user, settlement=settlement)
    counts = queries.caseload(form.filter(queries.scoped_cases(request.user, settlement)))
    cases_url = reverse("solutions:cases")
    rows = []
    for value, label in Pathway.choices:
        cells = [
            (
                counts.get((value, stage), 0),
                form.query(settlement=settlement.code, pathway=value, stage=stage),
            )
            for stage in OPEN_STAGES
        ]
        total = sum(count for count, _query in cells)
        link = form.query(settlement=settlement.code, pathway=value)
        rows.append({"label": label, "cells": cells, "total": total, "query": link})
    context = {
        "form": form,
        "settlement": settlement,
        "settlements": settlements,
        "stages": [CaseStage(stage).label for stage in OPEN_STAGES],
        "rows": rows,
        "totals": [
            (
                sum(count for (_pathway, at), count in counts.items() if at == stage),
                form.query(settlement=settlement.code, stage=stage),
            )
            for stage in OPEN_STAGES
        ],
        "total": sum(counts.values()),
        "cases_url": cases_url,
        "all_query": form.query(settlement=settlement.code),
    }
    return render(request, "solutions/board.html", context)


@require_GET
@login_required
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    form = CaseListForm(request.GET, user=request.user, settlement=settlement)
    cases = form.filter(queries.scoped_cases(request.user, settlement)).select_related(
        "household__head", "owner"
    )
    page = Paginator(cases.order_by("-opened_on", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    facts = queries.case_facts(page.object_list)
    context = {
        "form": form,
        "settlement": settlement,
        "settlements": settlements,
        "page_obj": page,
        "rows": [(case, facts[case.pk]) for case in page.object_list],
    }
    return render(request, "solutions/cases.html", context)


@require_GET
@login_required
def worklists(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    user, today = request.user, dates.today()
    can_approve = user.has_capability(APPROVE)
    referrals = queries.overdue_referrals(
        settlement=settlement, base=CaseReferral.objects.for_user(user)
    ).select_related("case__household__head")
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "today": today,
        "days": WORKLIST_DAYS,
        "milestones": list(queries.milestones_due(user, settlement, days=WORKLIST_DAYS)),
        "referrals": list(referrals),
        "follow_ups": list(queries.follow_ups_due(user, settlement)),
        "can_approve": can_approve,
        "approvals": list(queries.approvals_pending(user, settlement)) if can_approve else [],
    }
    return render(request, "solutions/worklists.html", context)


@require_GET
@login_required
def outcomes(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    cases = queries.scoped_cases(request.user, settlement)
    exits = CaseExit.objects.for_user(request.user).filter(case__settlement=settlement)
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "today": dates.today(),
        "times": queries.time_to_solution(cases),
        "quarters": queries.exits_by_quarter(exits),
    }
    return render(request, "solutions/outcomes.html", context)


urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("cases/", case_list, name="cases"),
    path("worklists/", worklists, name="worklists"),
    path("outcomes/", outcomes, name="outcomes"),
]

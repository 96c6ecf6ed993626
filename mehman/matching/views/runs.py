"""Runs across the registry: the runs of the user's settlements with their figures, starting
one (in the background), and a run's page, which follows its progress until it is done.

Reading needs ``matching.review``; starting a run ``matching.run`` (managers). Anyone else
gets 404, and so does a run of a settlement out of the user's scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import digits
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.matching import services
from mehman.matching.forms import StartRunForm
from mehman.matching.models import MatchPair, MatchRun, PairStatus, RunStatus

REVIEW = "matching.review"
RUN = "matching.run"
PER_PAGE = 50
WORKING = (RunStatus.QUEUED, RunStatus.RUNNING)


def _settlements(request: AuthenticatedRequest) -> QuerySet[Settlement]:
    return Settlement.objects.for_user(request.user).filter(is_active=True).order_by("code")


def _runs_page(request: AuthenticatedRequest, form: StartRunForm | None) -> HttpResponse:
    user = request.user
    settlements = _settlements(request)
    runs = (
        MatchRun.objects.for_user(user)
        .select_related("settlement", "started_by", "progress")
        .order_by("-created_at", "-id")
    )
    chosen = digits.to_ascii(request.GET.get("settlement") or "").strip().upper()
    if chosen:
        runs = runs.filter(settlement__code=chosen)
    can_run = user.has_capability(RUN)
    if form is None and can_run:
        form = StartRunForm(settlements=settlements)
    context = {
        "page_obj": Paginator(runs, PER_PAGE).get_page(request.GET.get("page")),
        "settlements": list(settlements),
        "chosen": chosen,
        "form": form,
        "can_run": can_run,
    }
    return render(request, "matching/runs.html", context)


@require_GET
@login_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, REVIEW)
    return _runs_page(request, None)


@require_POST
@login_required
def run_start(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, RUN)
    form = StartRunForm(request.POST, settlements=_settlements(request))
    if form.is_valid():
        try:
            run = services.start_run(settlement=form.cleaned_data["settlement"], by=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The run has started; this page follows it."))
            return redirect("matching:run", reference=run.reference)
    return _runs_page(request, form)


def _run(request: AuthenticatedRequest, reference: str) -> MatchRun:
    require_capability(request.user, REVIEW)
    return get_for_user_or_404(
        MatchRun.objects.select_related("settlement", "started_by", "progress"),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


def _pair_counts(request: AuthenticatedRequest, run: MatchRun) -> dict[str, Any]:
    counts = dict(
        MatchPair.objects.for_user(request.user)
        .filter(run=run)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {value: counts.get(value, 0) for value in PairStatus.values}


@require_GET
@login_required
def run_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    if getattr(request, "htmx", False):
        if found.status in WORKING:
            response = render(request, "matching/run.html#progress", {"run": found})
        else:  # finished meanwhile: the whole page changes
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
    else:
        context = {
            "run": found,
            "working": found.status in WORKING,
            "pairs": _pair_counts(request, found),
        }
        response = render(request, "matching/run.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


urlpatterns: list[URLPattern] = [
    path("runs/", run_list, name="runs"),
    path("runs/start/", run_start, name="run_start"),
    path("runs/<str:reference>/", run_detail, name="run"),
]

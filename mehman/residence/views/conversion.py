"""Bulk conversion of long-term residents: the settlement's conversions, preparing one (with a
live count of the households chosen), its schedule previewed by quarter, committing it in the
background, reversing it within the grace period, or discarding a preview.

Every page needs ``residence.manage`` (managers and administrators); anyone else gets 404,
and so does a conversion out of the user's settlements. A national user picks the settlement
with ``?settlement=CODE``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates, digits
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.residence.forms.conversion import (
    CommitForm,
    ConversionFilterForm,
    ConversionForm,
    ReasonForm,
)
from mehman.residence.models import ConversionRun, ConversionStatus, Priority
from mehman.residence.queries.conversion import quarter_counts, schedule_sample
from mehman.residence.queries.documents import blocks_of
from mehman.residence.services import conversion as services

MANAGE = "residence.manage"
PER_PAGE = 50
WORKING = (ConversionStatus.COMMITTING, ConversionStatus.REVERSING)


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    require_capability(request.user, MANAGE)
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


def _run(request: AuthenticatedRequest, reference: str) -> ConversionRun:
    require_capability(request.user, MANAGE)
    return get_for_user_or_404(
        ConversionRun.objects.select_related(
            "settlement", "progress", "created_by", "committed_by", "reversed_by"
        ),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


def _list_url(settlement: Settlement) -> str:
    return f"{reverse('residence:conversions')}?{urlencode({'settlement': settlement.code})}"


# --- The settlement's conversions --------------------------------------------------------------


@require_GET
@login_required
def conversions(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    found = (
        ConversionRun.objects.for_user(request.user)
        .filter(settlement=settlement)
        .select_related("created_by", "committed_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "page_obj": page,
        "rows": [
            (r, _iso(r.figures.get("first_end")), _iso(r.figures.get("last_end"))) for r in page
        ],
        "eligible": services.eligible_households(settlement, {}).count(),
    }
    return render(request, "residence/conversions.html", context)


# --- Preparing one -------------------------------------------------------------------------------


@login_required
def conversion_new(request: AuthenticatedRequest) -> HttpResponse:
    settlement, _others = _settlement(request)
    form = ConversionForm(_data(request), blocks=blocks_of(request.user, settlement))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.prepare_conversion(
                settlement=settlement, by=request.user, filters=form.filters(), **form.policy()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The schedule is ready to review; nothing changed yet."))
            return redirect("residence:conversion", reference=run.reference)
    context = {
        "settlement": settlement,
        "form": form,
        "eligible": _eligible(settlement, form.valid_filters() if form.is_bound else {}),
    }
    return render(request, "residence/conversion_new.html", context)


def _eligible(settlement: Settlement, filters: dict[str, Any]) -> int | None:
    try:
        return services.eligible_households(settlement, filters).count()
    except ValidationError:
        return None


@require_GET
@login_required
def conversion_count(request: AuthenticatedRequest) -> HttpResponse:
    """The live count of the households the filters choose (an htmx fragment)."""
    settlement, _settlements = _settlement(request)
    form = ConversionFilterForm(request.GET, blocks=blocks_of(request.user, settlement))
    context = {"eligible": _eligible(settlement, form.valid_filters())}
    return render(request, "residence/conversion_new.html#count", context)


# --- One conversion ------------------------------------------------------------------------------


def _run_context(request: AuthenticatedRequest, run: ConversionRun) -> dict[str, Any]:
    quarters = quarter_counts(run)
    first, last = schedule_sample(run)
    figures = run.figures
    labels = dict(Priority.choices)
    chosen = set(run.policy.get("priorities") or [])
    today = dates.today()
    reversible = (
        run.status == ConversionStatus.COMMITTED
        and run.reversible_until is not None
        and today <= run.reversible_until
    )
    return {
        "run": run,
        "policy": run.policy,
        "start_on": services.policy_start(run) if run.policy.get("start_on") else None,
        "filters": run.filters,
        "priorities": [
            (labels[code], code in chosen, (figures.get("priorities") or {}).get(code, 0))
            for code in Priority.values
        ],
        "quarters": quarters,
        "chart": {
            "labels": [label for label, _count in quarters],
            "values": [count for _label, count in quarters],
            "label": _("Terms ending"),
        },
        "first_end": _iso(figures.get("first_end")),
        "last_end": _iso(figures.get("last_end")),
        "first": first,
        "last": last,
        "can_commit": run.status == ConversionStatus.PREVIEW,
        "can_discard": run.status in (ConversionStatus.PREVIEW, ConversionStatus.FAILED),
        "can_reverse": reversible,
        "back": _list_url(run.settlement),
    }


def _iso(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@require_GET
@login_required
def conversion(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    if getattr(request, "htmx", False):
        if found.status in WORKING:
            response = render(request, "residence/conversion.html#progress", {"run": found})
        else:  # finished meanwhile: the whole page changes
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
    else:
        response = render(request, "residence/conversion.html", _run_context(request, found))
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def conversion_commit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    form = CommitForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.start_commit(run=found, by=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The conversion is being committed."))
            return redirect("residence:conversion", reference=found.reference)
    context = {
        "run": found,
        "form": form,
        "decision": "commit",
        "can_decide": found.status == ConversionStatus.PREVIEW,
    }
    return render(request, "residence/conversion_decide.html", context)


@login_required
def conversion_reverse(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    form = ReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.start_reverse(run=found, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The conversion is being reversed."))
            return redirect("residence:conversion", reference=found.reference)
    context = {
        "run": found,
        "form": form,
        "decision": "reverse",
        "can_decide": found.status == ConversionStatus.COMMITTED,
    }
    return render(request, "residence/conversion_decide.html", context)


@login_required
def conversion_discard(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    form = ReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_conversion(
                run=found, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The conversion was discarded; no term was started."))
            return redirect("residence:conversion", reference=found.reference)
    context = {
        "run": found,
        "form": form,
        "decision": "discard",
        "can_decide": found.status in (ConversionStatus.PREVIEW, ConversionStatus.FAILED),
    }
    return render(request, "residence/conversion_decide.html", context)


urlpatterns: list[URLPattern] = [
    path("conversions/", conversions, name="conversions"),
    path("conversions/new/", conversion_new, name="conversion_new"),
    path("conversions/new/count/", conversion_count, name="conversion_count"),
    path("conversions/<str:reference>/", conversion, name="conversion"),
    path("conversions/<str:reference>/commit/", conversion_commit, name="conversion_commit"),
    path("conversions/<str:reference>/reverse/", conversion_reverse, name="conversion_reverse"),
    path("conversions/<str:reference>/discard/", conversion_discard, name="conversion_discard"),
]

"""Batch allocation: the settlement's runs and starting one; a run's proposal beside the
greedy rank-order baseline and the bound on the optimum, with the reasons for each
household; changing a proposal with a reason; committing (offers sent) or discarding.

Every page lists households, so it needs ``housing.allocate`` and a role that sees the
settlement's personal records; committing needs ``housing.commit`` (managers and
administrators). Anything else is 404. A national user picks the settlement with
``?settlement=CODE``. The run is solved in the background: its page polls while it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import digits
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.housing import reasons, services
from mehman.housing.forms.runs import (
    CommitRunForm,
    DiscardRunForm,
    EditProposalForm,
    StartRunForm,
)
from mehman.housing.models import AllocationRun, Proposal, RunStatus, Unit
from mehman.housing.services.offers import needs_step_free, waiting
from mehman.housing.services.runs import family_groups
from mehman.housing.tasks import solve_allocation

ALLOCATE = "housing.allocate"
COMMIT = "housing.commit"
PER_PAGE = 50

METHODS = {
    "greedy": gettext_lazy("Rank order, first unit that fits"),
    "flow": gettext_lazy("Min-cost flow"),
    "flow+cpsat": gettext_lazy("Min-cost flow improved by CP-SAT"),
    "cpsat": gettext_lazy("CP-SAT"),
}


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _require_allocator(request: AuthenticatedRequest) -> None:
    require_capability(request.user, ALLOCATE)
    if not request.user.sees_settlement_records:
        raise Http404


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    _require_allocator(request)
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


def _run(request: AuthenticatedRequest, reference: str) -> AllocationRun:
    _require_allocator(request)
    return get_for_user_or_404(
        AllocationRun.objects.select_related("settlement", "progress", "created_by"),
        request.user,
        reference=reference,
    )


# --- The runs of a settlement, and starting one ---------------------------------------------


def _vacancies_by_block(settlement: Settlement) -> list[tuple[str, int]]:
    counted = (
        Unit.objects.filter(settlement=settlement)
        .vacant()
        .values("block__code")
        .annotate(n=Count("id"))
        .order_by("block__code")
    )
    return [(row["block__code"], row["n"]) for row in counted]


def _runs_page(
    request: AuthenticatedRequest,
    settlement: Settlement,
    settlements: list[Settlement],
    form: StartRunForm,
    vacancies: list[tuple[str, int]],
) -> HttpResponse:
    found = (
        AllocationRun.objects.for_user(request.user)
        .filter(settlement=settlement)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "form": form,
        "vacant": sum(count for _code, count in vacancies),
        "waiting": waiting(settlement).count(),
        "page_obj": page,
        "rows": [(r, _percent(r.figures.get("gap"))) for r in page],
    }
    return render(request, "housing/runs.html", context)


@require_GET
@login_required
def runs(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    vacancies = _vacancies_by_block(settlement)
    form = StartRunForm(vacancies=vacancies)
    return _runs_page(request, settlement, settlements, form, vacancies)


@require_POST
@login_required
def run_new(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    vacancies = _vacancies_by_block(settlement)
    form = StartRunForm(request.POST, vacancies=vacancies)
    if form.is_valid():
        blocks = form.chosen_blocks()
        units = None
        if blocks is not None:
            chosen = Unit.objects.filter(settlement=settlement, block__code__in=blocks)
            units = list(chosen.vacant())
        try:
            run = services.start_run(
                settlement=settlement, by=request.user, units=units, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            solve_allocation.enqueue(str(run.uuid))
            return redirect("housing:run", reference=run.reference)
    return _runs_page(request, settlement, settlements, form, vacancies)


# --- One run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One way of filling the vacancies, as the figures table shows it."""

    key: str
    title: Any
    objective: int | None
    gap: Decimal | None = None
    placed: int | None = None
    waste: int | None = None
    together: int | None = None
    seconds: Decimal | None = None
    method: Any = None


def _percent(fraction: Any) -> Decimal | None:
    if fraction is None:
        return None
    return (Decimal(str(fraction)) * 100).quantize(Decimal("0.01"))


def _seconds(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.001"))


def _columns(figures: dict[str, Any]) -> list[Column]:
    """The optimiser, the greedy rank-order baseline, the bound, and the proposal as edited."""
    if "objective" not in figures:
        return []
    edits = int(figures.get("edits") or 0)
    bound = int(figures.get("bound") or 0)
    # A hand edit recounts the households placed; the optimiser's own count is then unknown
    # unless the edit kept it apart.
    edited_placed = figures.get("edited_placed", figures.get("placed"))
    own_placed = figures.get("placed") if not edits or "edited_placed" in figures else None
    columns = [
        Column(
            "optimiser",
            _("Optimiser"),
            figures["objective"],
            gap=_percent(figures.get("gap")),
            placed=own_placed,
            waste=figures.get("waste"),
            together=figures.get("groups_together"),
            seconds=_seconds(figures.get("solve_s")),
            method=METHODS.get(figures.get("method", ""), figures.get("method")),
        ),
        Column(
            "greedy",
            _("Greedy rank order"),
            figures.get("greedy_objective"),
            gap=_percent(figures.get("greedy_gap")),
            placed=figures.get("greedy_placed"),
            waste=figures.get("greedy_waste"),
            together=figures.get("greedy_groups_together"),
            method=METHODS["greedy"],
        ),
        Column(
            "bound",
            _("Proven optimum") if figures.get("bound_proven") else _("Best bound on the optimum"),
            bound,
            gap=Decimal(0) if figures.get("bound_proven") else None,
        ),
    ]
    if edits and figures.get("edited_objective") is not None:
        edited = int(figures["edited_objective"])
        columns.insert(
            1,
            Column(
                "edited",
                _("As changed by hand"),
                edited,
                gap=_percent((bound - edited) / max(1, bound)),
                placed=edited_placed,
            ),
        )
    return columns


@dataclass(frozen=True)
class Row:
    """One household of the run, as its table row shows it."""

    proposal: Proposal
    step_free: bool
    family: int | None
    reasons: list[SafeString]

    @property
    def differs(self) -> bool:
        return self.proposal.unit_id != self.proposal.greedy_unit_id


def _why(proposal: Proposal) -> list[SafeString]:
    """The optimiser's reasons; a household taken out by hand was not placed for the reason
    given with the change, not for any of the optimiser's."""
    if proposal.edited and proposal.unit_id is None:
        return [conditional_escape(_("Not placed: taken out of the proposal by hand."))]
    return reasons.sentences(proposal.reasons)


def _rows(run: AllocationRun) -> list[Row]:
    proposals = list(
        run.proposals.select_related(
            "application__household", "unit__block", "greedy_unit__block", "offer"
        ).order_by("rank", "id")
    )
    households = [p.application.household_id for p in proposals]
    step_free = needs_step_free(households)
    groups = family_groups(households)
    numbers: dict[str, int] = {}
    for p in proposals:  # families numbered in rank order of their first household
        key = groups.get(p.application.household_id)
        if key is not None:
            numbers.setdefault(key, len(numbers) + 1)
    return [
        Row(
            proposal=p,
            step_free=p.application.household_id in step_free,
            family=numbers.get(groups.get(p.application.household_id, "")),
            reasons=_why(p),
        )
        for p in proposals
    ]


def _run_context(request: AuthenticatedRequest, run: AllocationRun) -> dict[str, Any]:
    rows = _rows(run) if run.status != RunStatus.RUNNING else []
    return {
        "run": run,
        "figures": run.figures,
        "columns": _columns(run.figures),
        "placed": [r for r in rows if r.proposal.unit_id is not None],
        "unplaced": [r for r in rows if r.proposal.unit_id is None],
        "can_edit": run.status == RunStatus.PROPOSED,
        "can_commit": run.status == RunStatus.PROPOSED and request.user.has_capability(COMMIT),
        "can_discard": run.status in (RunStatus.PROPOSED, RunStatus.RUNNING, RunStatus.FAILED),
        "back": f"{reverse('housing:runs')}?{urlencode({'settlement': run.settlement.code})}",
    }


@require_GET
@login_required
def run(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    if getattr(request, "htmx", False):
        if found.status == RunStatus.RUNNING:
            response = render(request, "housing/run.html#progress", {"run": found})
        else:  # solved (or failed) meanwhile: the whole page changes
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
    else:
        response = render(request, "housing/run.html", _run_context(request, found))
    patch_vary_headers(response, ("HX-Request",))
    return response


def _free_units(run: AllocationRun, proposal: Proposal) -> list[Unit]:
    """The run's vacancies not proposed to another household."""
    taken = run.proposals.exclude(pk=proposal.pk).filter(unit__isnull=False).values("unit_id")
    return list(
        Unit.objects.filter(pk__in=run.unit_ids)
        .exclude(pk__in=taken)
        .select_related("block")
        .order_by("block__code", "number")
    )


@login_required
def run_proposal(request: AuthenticatedRequest, reference: str, application: str) -> HttpResponse:
    found = _run(request, reference)
    proposal = get_for_user_or_404(
        Proposal.objects.select_related("application__household", "unit__block", "greedy_unit"),
        request.user,
        run=found,
        application__reference=application,
    )
    form = EditProposalForm(
        _data(request), units=_free_units(found, proposal), current=proposal.unit
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_proposal(
                proposal=proposal,
                unit=form.chosen_unit(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The proposal was changed."))
            url = reverse("housing:run", kwargs={"reference": found.reference})
            return redirect(f"{url}#p-{proposal.application.reference}")
    context = {
        "run": found,
        "proposal": proposal,
        "form": form,
        "reasons": _why(proposal),
        "can_edit": found.status == RunStatus.PROPOSED,
    }
    return render(request, "housing/run_proposal.html", context)


@login_required
def run_commit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, COMMIT)
    found = _run(request, reference)
    form = CommitRunForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = services.commit_run(run=found, by=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            sent = ngettext("%(count)s offer sent.", "%(count)s offers sent.", count)
            messages.success(request, sent % {"count": digits.localize(count)})
            return redirect("housing:run", reference=found.reference)
    context = {
        "run": found,
        "form": form,
        "decision": "commit",
        "offers": found.proposals.filter(unit__isnull=False).count(),
        "edits": found.proposals.filter(edited=True).count(),
        "can_decide": found.status == RunStatus.PROPOSED,
    }
    return render(request, "housing/run_decide.html", context)


@login_required
def run_discard(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    found = _run(request, reference)
    form = DiscardRunForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_run(run=found, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The run was discarded; no offer was sent."))
            return redirect("housing:run", reference=found.reference)
    context = {
        "run": found,
        "form": form,
        "decision": "discard",
        "can_decide": found.status in (RunStatus.PROPOSED, RunStatus.RUNNING, RunStatus.FAILED),
    }
    return render(request, "housing/run_decide.html", context)


urlpatterns: list[URLPattern] = [
    path("allocation/", runs, name="runs"),
    path("allocation/new/", run_new, name="run_new"),
    path("allocation/<str:reference>/", run, name="run"),
    path(
        "allocation/<str:reference>/proposals/<str:application>/",
        run_proposal,
        name="run_proposal",
    ),
    path("allocation/<str:reference>/commit/", run_commit, name="run_commit"),
    path("allocation/<str:reference>/discard/", run_discard, name="run_discard"),
]

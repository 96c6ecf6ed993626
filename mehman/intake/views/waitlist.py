"""The waitlist of a settlement with each score's breakdown and the what-if preview of new
weights; the history of the weights and the re-rankings; the eligibility rules.

Reading needs a role that sees the settlement's personal records (partner staff and
analysts get 404); previewing or publishing weights and editing rules need
``intake.rules``. A national user picks the settlement with ``?settlement=CODE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import require_capability
from mehman.core.queries import chosen_settlement
from mehman.intake import eligibility, queries, scoring, services
from mehman.intake.forms.waitlist import RuleForm, WaitlistFilterForm, WeightsForm
from mehman.intake.models import (
    Application,
    ApplicationQuerySet,
    Ranking,
    RuleKind,
    WeightSet,
)
from mehman.intake.services.ranking import Placed, need_categories
from mehman.registry.models import SpecificNeedCode

RULES = "intake.rules"
PER_PAGE = 50
PREVIEW_TOP = 50
BIGGEST_MOVES = 5
RANKINGS_SHOWN = 50


# --- Settlement and what every list reads once ----------------------------------------------


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    """404 for roles without personal records; else ``core.queries.chosen_settlement``."""
    if not request.user.sees_settlement_records:
        raise Http404
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


def _with_settlement(name: str, settlement: Settlement) -> str:
    return f"{reverse(name)}?{urlencode({'settlement': settlement.code})}"


@dataclass
class Reading:
    """What the waitlist pages read once, whatever the number of rows."""

    user: Any
    settlement: Settlement
    settlements: list[Settlement]
    categories: list[SpecificNeedCode] = field(init=False)
    labels: dict[str, tuple[str, str]] = field(init=False)
    protected: frozenset[str] = field(init=False)
    sees_protected: bool = field(init=False)
    weights: WeightSet = field(init=False)

    def __post_init__(self) -> None:
        self.categories = need_categories()
        self.labels = queries.criterion_labels()
        self.protected = queries.protected_categories()
        self.sees_protected = queries.sees_protected(self.user)
        self.weights = services.current_weights(self.settlement)

    def waitlist(self) -> ApplicationQuerySet:
        scoped = cast(ApplicationQuerySet, Application.objects.for_user(self.user))
        return (
            scoped.ranked()
            .filter(settlement=self.settlement)
            .order_by("rank", "submitted_at", "id")
        )

    def filter_form(self, data: Any) -> WaitlistFilterForm:
        return WaitlistFilterForm(
            data or None,
            categories=self.categories,
            protected=self.protected,
            sees_protected=self.sees_protected,
            settlements=self.settlements,
        )

    def weights_form(self, data: Any = None) -> WeightsForm:
        return WeightsForm(
            data,
            current=self.weights.as_decimals(),
            labels=self.labels,
            categories=self.categories,
        )


def _reading(request: AuthenticatedRequest) -> Reading:
    settlement, settlements = _settlement(request)
    return Reading(request.user, settlement, settlements)


# --- The waitlist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    application: Application
    months: int
    lines: list[queries.BreakdownLine]
    needs: list[str]
    protected_needs: int


def _row(application: Application, reading: Reading, names: dict[str, str]) -> Row:
    categories = scoring.split_categories(application.need_categories)
    hidden = () if reading.sees_protected else reading.protected
    lines = queries.breakdown(
        application,
        reading.weights,
        user=reading.user,
        labels=reading.labels,
        protected=reading.protected,
    )
    return Row(
        application=application,
        months=application.months_waited(),
        lines=lines,
        needs=[names.get(c, c) for c in categories if c not in hidden],
        protected_needs=sum(1 for c in categories if c in hidden),
    )


def _page_context(
    request: AuthenticatedRequest, reading: Reading, whatif: WeightsForm | None = None
) -> dict[str, Any]:
    form = reading.filter_form(request.GET)
    page = Paginator(form.filter(reading.waitlist()), PER_PAGE).get_page(request.GET.get("page"))
    names = {c.code: c.label for c in reading.categories}
    may_change = request.user.has_capability(RULES)
    return {
        "settlement": reading.settlement,
        "form": form,
        "page_obj": page,
        "rows": [_row(a, reading, names) for a in page],
        "weights": reading.weights,
        "can_change": may_change,
        "whatif": whatif or (reading.weights_form() if may_change else None),
        "query": request.GET.urlencode(),
    }


@require_GET
@login_required
def waitlist(request: AuthenticatedRequest) -> HttpResponse:
    context = _page_context(request, _reading(request))
    return render(request, "intake/waitlist.html", context)


# --- What-if: preview and publish new weights ----------------------------------------------


@dataclass(frozen=True)
class Move:
    """Where an application would stand under the new weights, and where it stands now."""

    application: Application
    rank: int
    old_rank: int | None
    score: Decimal
    old_score: Decimal | None

    @property
    def places(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return 0 if self.old_rank is None else self.old_rank - self.rank

    @property
    def places_lost(self) -> int:
        return -self.places

    @property
    def score_change(self) -> Decimal | None:
        return None if self.old_score is None else self.score - self.old_score


@dataclass(frozen=True)
class Preview:
    rows: list[Move]
    total: int
    up: int
    down: int
    biggest_up: list[Move]
    biggest_down: list[Move]
    filtered: bool


def _preview(reading: Reading, weights: dict[str, Decimal], only: set[int] | None) -> Preview:
    """The waitlist under ``weights``: nothing is saved."""
    placed = services.placements(reading.settlement, weights)
    up = [p for p in placed if p.old_rank is not None and p.rank < p.old_rank]
    down = [p for p in placed if p.old_rank is not None and p.rank > p.old_rank]
    shown = [p for p in placed if only is None or p.id in only][:PREVIEW_TOP]
    biggest_up = sorted(up, key=lambda p: (p.rank - (p.old_rank or 0), p.rank))[:BIGGEST_MOVES]
    biggest_down = sorted(down, key=lambda p: ((p.old_rank or 0) - p.rank, p.rank))
    biggest_down = biggest_down[:BIGGEST_MOVES]
    wanted = {p.id for p in [*shown, *biggest_up, *biggest_down]}
    found = Application.objects.for_user(reading.user).in_bulk(wanted)

    def moves(placements: list[Placed]) -> list[Move]:
        return [
            Move(
                application=found[p.id],
                rank=p.rank,
                old_rank=p.old_rank,
                score=scoring.from_centi(p.score),
                old_score=None if p.old_score is None else scoring.from_centi(p.old_score),
            )
            for p in placements
            if p.id in found
        ]

    return Preview(
        moves(shown),
        len(placed),
        len(up),
        len(down),
        moves(biggest_up),
        moves(biggest_down),
        only is not None,
    )


def _publish(request: AuthenticatedRequest, reading: Reading, form: WeightsForm) -> bool:
    try:
        published = services.publish_weights(
            settlement=reading.settlement,
            weights=form.weights,
            note=form.cleaned_data.get("note", ""),
            by=request.user,
        )
    except ValidationError as error:
        show_service_error(form, error)
        return False
    messages.success(
        request,
        _("Version %(number)s of the weights is published and the waitlist re-ranked.")
        % {"number": published.number},
    )
    return True


@require_POST
@login_required
def whatif(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, RULES)
    reading = _reading(request)
    form = reading.weights_form(request.POST)
    if form.is_valid() and "publish" in request.POST and _publish(request, reading, form):
        return redirect(_with_settlement("intake:waitlist", reading.settlement))
    filters = reading.filter_form(request.GET)
    only = None
    if filters.is_filtered:
        only = set(filters.filter(reading.waitlist()).values_list("pk", flat=True))
    weights = {**reading.weights.as_decimals(), **form.weights}
    preview = _preview(reading, weights, only) if form.previewable else None
    if getattr(request, "htmx", False):
        context: dict[str, Any] = {"whatif": form, "preview": preview}
        context.update(settlement=reading.settlement, query=request.GET.urlencode())
        response = render(request, "intake/waitlist.html#whatif", context)
    else:
        context = {**_page_context(request, reading, whatif=form), "preview": preview}
        response = render(request, "intake/waitlist.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Weights and re-rankings ---------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    weights: WeightSet
    lines: list[tuple[str, Decimal]]
    changes: list[tuple[str, Decimal | None, Decimal | None]]


def _code_order(code: str) -> tuple[int, str]:
    codes = [c.code for c in scoring.CRITERIA]
    return (codes.index(code), "") if code in codes else (len(codes), code)


def _versions(found: list[WeightSet], labels: dict[str, tuple[str, str]]) -> list[Version]:
    """Each version with its weights and what changed from the one before (newest first)."""
    shown = []
    for index, version in enumerate(found):
        now = version.as_decimals()
        before = found[index + 1].as_decimals() if index + 1 < len(found) else None
        codes = sorted(set(now) | set(before or {}), key=_code_order)
        name = {code: labels.get(code, (code, ""))[0] for code in codes}
        lines = [(name[code], now[code]) for code in codes if code in now]
        changes = []
        if before is not None:
            changes = [
                (name[code], before.get(code), now.get(code))
                for code in codes
                if before.get(code) != now.get(code)
            ]
        shown.append(Version(version, lines, changes))
    return shown


@require_GET
@login_required
def weights(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    services.current_weights(settlement)  # a settlement starts with the published defaults
    found = list(
        WeightSet.objects.for_user(request.user)
        .filter(settlement=settlement)
        .select_related("created_by")
        .order_by("-number")
    )
    rankings = (
        Ranking.objects.for_user(request.user)
        .filter(settlement=settlement)
        .select_related("weights", "by", "subject")
        .order_by("-at", "-id")[:RANKINGS_SHOWN]
    )
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "versions": _versions(found, queries.criterion_labels()),
        "rankings": list(rankings),
        "can_change": request.user.has_capability(RULES),
    }
    return render(request, "intake/weights.html", context)


# --- Eligibility rules ---------------------------------------------------------------------


def _parameters(kind: str, params: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [(label, params.get(name)) for name, label in eligibility.PARAMETERS.get(kind, ())]


@require_GET
@login_required
def rules(request: AuthenticatedRequest) -> HttpResponse:
    settlement, settlements = _settlement(request)
    found = services.active_rules(settlement)
    in_use = {rule.kind for rule in found}
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "rules": [(rule, _parameters(rule.kind, rule.params)) for rule in found],
        "unused": [(kind, label) for kind, label in RuleKind.choices if kind not in in_use],
        "can_change": request.user.has_capability(RULES),
    }
    return render(request, "intake/rules.html", context)


@login_required
def rule_edit(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    require_capability(request.user, RULES)
    if kind not in RuleKind.values:
        raise Http404
    settlement, _settlements = _settlement(request)
    rule = next((r for r in services.active_rules(settlement) if r.kind == kind), None)
    form = RuleForm(request.POST if request.method == "POST" else None, kind=kind, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(
                settlement=settlement, kind=kind, by=request.user, **form.rule_data()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect(_with_settlement("intake:rules", settlement))
    context = {
        "settlement": settlement,
        "form": form,
        "rule": rule,
        "kind_label": RuleKind(kind).label,
        "back": _with_settlement("intake:rules", settlement),
    }
    return render(request, "intake/rules_edit.html", context)


urlpatterns = [
    path("waitlist/", waitlist, name="waitlist"),
    path("waitlist/what-if/", whatif, name="whatif"),
    path("weights/", weights, name="weights"),
    path("rules/", rules, name="rules"),
    path("rules/<str:kind>/", rule_edit, name="rule_edit"),
]

"""The review queue of possible duplicates, one pair side by side with the model's evidence,
and the reviewer's decisions: the same person (merged, keeping the record registered first),
different people (remembered, never proposed again), or undoing a merge.

Every page needs ``matching.review`` (managers and caseworkers); anyone else gets 404, and so
does a pair unless the user may see both of its people. The services refuse what the pair's
status does not allow; the page says why and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.matching import services
from mehman.matching.forms import DecisionForm, PairFilterForm
from mehman.matching.models import MatchPair, PairStatus
from mehman.matching.views.evidence import Verdict, by_field, percent, strongest
from mehman.registry.models import Individual

REVIEW = "matching.review"
PER_PAGE = 50
# Statuses a reviewer may still decide (same person or different people).
DECIDABLE = (PairStatus.OPEN, PairStatus.UNDONE)


def pairs_for(user: Any) -> QuerySet[MatchPair]:
    """The pairs the user may see, with both people, their households and settlements."""
    found: QuerySet[MatchPair] = MatchPair.objects.for_user(user).select_related(
        "first__household__settlement", "second__household__settlement", "run", "decided_by"
    )
    return found


def ranked(pairs: QuerySet[MatchPair]) -> QuerySet[MatchPair]:
    """Groups of the same people together, the most likely group first, and within a group the
    most likely pair first. A pair found at registration (no group) is a group of its own."""
    group = Coalesce(F("cluster"), -F("id"))
    return pairs.annotate(
        group=group,
        group_top=Window(Max("probability"), partition_by=[group]),
        group_pairs=Window(Count("id"), partition_by=[group]),
    ).order_by("-group_top", "group", "-probability", "id")


def status_counts(pairs: QuerySet[MatchPair]) -> list[tuple[str, StrOrPromise, int]]:
    """(status, label, count) for every status of a pair."""
    counts = dict(
        pairs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in PairStatus.choices]


@dataclass(frozen=True)
class Row:
    """One pair of the queue, with the evidence that weighs most each way."""

    pair: MatchPair
    percent: int
    best: Verdict | None
    worst: Verdict | None


@require_GET
@login_required
def pair_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, REVIEW)
    settlements = list(Settlement.objects.for_user(user).filter(is_active=True))
    form = PairFilterForm(request.GET or None, settlements=settlements)
    narrowed = form.narrow(pairs_for(user))
    page = Paginator(ranked(form.by_status(narrowed)), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "status": form.status_wanted,
        "counts": status_counts(narrowed),
        "page_obj": page,
        "rows": [Row(p, percent(p.probability), *strongest(p.evidence)) for p in page],
        "several_settlements": len(settlements) > 1,
    }
    return render(request, "matching/pairs.html", context)


# --- One pair, side by side ----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """What one record holds for a field: the text as typed, a note beside it, a link."""

    text: str
    note: StrOrPromise = ""
    latin: bool = False
    url: str = ""


@dataclass(frozen=True)
class Line:
    label: StrOrPromise
    first: list[Value]
    second: list[Value]
    verdict: Verdict | None = None
    key: str = ""


ESTIMATED = gettext_lazy("estimated")
HOUSEHOLD_PHONE = gettext_lazy("the household's phone")


def _text(value: str, **kwargs: Any) -> list[Value]:
    return [Value(value, **kwargs)] if value else []


def _birth(person: Individual) -> list[Value]:
    if person.birth_date is None:
        return []
    note = ESTIMATED if person.birth_date_estimated else ""
    return [Value(dates.format_date(person.birth_date), note=note)]


def _documents(person: Individual) -> list[Value]:
    return [
        Value(doc.number_typed, note=doc.get_doc_type_display(), latin=True)
        for doc in person.documents.all()
    ]


def _phone(person: Individual) -> list[Value]:
    if person.phone:
        return [Value(person.phone, latin=True)]
    return _text(person.household.phone, note=HOUSEHOLD_PHONE, latin=True)


def _household(person: Individual) -> list[Value]:
    reference = person.household.reference
    return [Value(reference, latin=True, url=reverse("registry:household", args=[reference]))]


def compare(pair: MatchPair) -> list[Line]:
    """Each field of both people, with the model's verdict where it compared the field."""
    a, b = pair.first, pair.second
    evidence = by_field(pair.evidence)

    def line(key: str, label: StrOrPromise, read: Any) -> Line:
        return Line(label, read(a), read(b), evidence.get(key), key)

    return [
        line("given", _("Given name"), lambda p: _text(p.given_name)),
        line("father", _("Father's name"), lambda p: _text(p.father_name)),
        line("family", _("Family name"), lambda p: _text(p.family_name)),
        line("latin", _("Name in Latin letters"), lambda p: _text(p.latin_name, latin=True)),
        line("birth_date", _("Date of birth"), _birth),
        line("sex", _("Sex"), lambda p: _text(p.get_sex_display())),
        line("document", _("Documents"), _documents),
        line("phone", _("Phone"), _phone),
        line("household", _("Household"), _household),
        line("settlement", _("Settlement"), lambda p: _text(p.household.settlement.name)),
        line(
            "registered",
            _("Registered on"),
            lambda p: _text(dates.format_date(p.created_at)),
        ),
        line("status", _("In the registry"), lambda p: _text(p.get_status_display())),
    ]


def _pair(request: AuthenticatedRequest, uuid: UUID) -> MatchPair:
    require_capability(request.user, REVIEW)
    return get_for_user_or_404(
        pairs_for(request.user).prefetch_related("first__documents", "second__documents"),
        request.user,
        uuid=uuid,
    )


def _others(request: AuthenticatedRequest, pair: MatchPair) -> list[Row]:
    """The other pairs of the same group, most likely first."""
    if pair.cluster is None:
        return []
    found = pairs_for(request.user).filter(cluster=pair.cluster).exclude(pk=pair.pk)
    return [Row(p, percent(p.probability), *strongest(p.evidence)) for p in found]


def _render_pair(
    request: AuthenticatedRequest, pair: MatchPair, form: DecisionForm | None = None
) -> HttpResponse:
    decidable = pair.status in DECIDABLE
    undoable = pair.status == PairStatus.MERGED
    context = {
        "pair": pair,
        "percent": percent(pair.probability),
        "lines": compare(pair),
        "others": _others(request, pair),
        "decidable": decidable,
        "undoable": undoable,
        "form": form or (DecisionForm() if decidable or undoable else None),
    }
    return render(request, "matching/pair.html", context)


@require_GET
@login_required
def pair_detail(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    return _render_pair(request, _pair(request, uuid))


DONE = {
    "confirm": gettext_lazy(
        "Merged: the later record now points to the one registered first. The merge can be undone."
    ),
    "reject": gettext_lazy("Marked as different people: this pair will not be proposed again."),
    "undo": gettext_lazy("The merge was undone: both records are active again."),
}


def _decide(request: AuthenticatedRequest, uuid: UUID, action: str) -> HttpResponse:
    pair = _pair(request, uuid)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = {
            "confirm": services.confirm_pair,
            "reject": services.reject_pair,
            "undo": services.undo_merge,
        }[action]
        try:
            decide(pair=pair, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, DONE[action])
            return redirect("matching:pair", uuid=pair.uuid)
    # Shown again as it is now (another reviewer may have decided meanwhile).
    return _render_pair(request, _pair(request, uuid), form)


@require_POST
@login_required
def pair_confirm(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    return _decide(request, uuid, "confirm")


@require_POST
@login_required
def pair_reject(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    return _decide(request, uuid, "reject")


@require_POST
@login_required
def pair_undo(request: AuthenticatedRequest, uuid: UUID) -> HttpResponse:
    return _decide(request, uuid, "undo")


urlpatterns: list[URLPattern] = [
    path("", pair_list, name="pairs"),
    path("pairs/<uuid:uuid>/", pair_detail, name="pair"),
    path("pairs/<uuid:uuid>/confirm/", pair_confirm, name="pair_confirm"),
    path("pairs/<uuid:uuid>/reject/", pair_reject, name="pair_reject"),
    path("pairs/<uuid:uuid>/undo/", pair_undo, name="pair_undo"),
]

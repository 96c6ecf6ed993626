"""Browse the registry: the household list (one search box and filters) and the profile."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.accounts.services import log_accesses
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404
from mehman.registry import panels, queries
from mehman.registry.forms.browse import HouseholdFilterForm
from mehman.registry.models import (
    CaseNote,
    Household,
    IdentityDocument,
    Individual,
    SpecificNeed,
)
from mehman.registry.views.links import links_context

PER_PAGE = 50
TIMELINE_LENGTH = 50


# --- The list ---------------------------------------------------------------------------------


@require_GET
@login_required
def household_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    households = Household.objects.for_user(user)
    settlements = list(Settlement.objects.for_user(user).filter(is_active=True))
    form = HouseholdFilterForm(
        request.GET or None, user=user, settlements=settlements, households=households
    )
    results = form.filter(households)
    found = form.search(Individual.objects.for_user(user), households)
    if found is not None:
        results = queries.in_rank_order(results, found.household_ids)
    page = Paginator(queries.household_list(results), PER_PAGE).get_page(request.GET.get("page"))
    _mark_matches(page, found, user)
    context = {
        "form": form,
        "page_obj": page,
        "searched": found is not None,
        "truncated": found is not None and found.truncated,
        "search_limit": queries.SEARCH_LIMIT,
        "several_settlements": form.several_settlements,
        "can_register": user.has_capability("registry.edit"),
    }
    response = render(request, _list_template(request), context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _list_template(request: HttpRequest) -> str:
    """htmx refreshes only the results; a restored history entry needs the whole page."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return "registry/household_list.html#results"
    return "registry/household_list.html"


def _mark_matches(page: Page[Household], found: queries.SearchResult | None, user: User) -> None:
    """Name on each household of the page the people the search found in it (one query)."""
    for household in page:
        household.matched_head = False  # type: ignore[attr-defined]
        household.matched_others = []  # type: ignore[attr-defined]
    if found is None or not found.person_ids:
        return
    by_household: dict[int, list[Individual]] = defaultdict(list)
    people = Individual.objects.for_user(user).filter(
        pk__in=found.person_ids, household_id__in=[h.pk for h in page]
    )
    for person in people:
        by_household[person.household_id].append(person)
    for household in page:
        matched = by_household.get(household.pk, [])
        household.matched_head = any(p.pk == household.head_id for p in matched)  # type: ignore[attr-defined]
        household.matched_others = [p for p in matched if p.pk != household.head_id]  # type: ignore[attr-defined]


# --- The profile ------------------------------------------------------------------------------


@dataclass
class ShownNeed:
    """A need as this user may see it: ``need`` is None for a protected need they may not know."""

    need: SpecificNeed | None


@dataclass
class MemberRow:
    person: Individual
    documents: list[IdentityDocument] = field(default_factory=list)
    needs: list[ShownNeed] = field(default_factory=list)


@require_GET
@login_required
def household_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    household = get_for_user_or_404(
        Household.objects.select_related("settlement", "head", "merged_into"),
        user,
        reference=reference,
    )
    sees_protected = user.has_capability("protection.view")
    members = _member_rows(household, sees_protected=sees_protected)
    notes = list(
        CaseNote.objects.for_user(user).filter(household=household).select_related("written_by")
        if sees_protected
        else []
    )
    protected_needs = [
        row.need for m in members for row in m.needs if row.need and row.need.is_protected
    ]
    if protected_needs or notes:
        log_accesses(
            user=user,
            records=[*protected_needs, *notes],
            subject=household.reference,
            settlement=household.settlement,
            via=request.path,
        )
    context = {
        "household": household,
        "members": members,
        "has_documents": any(m.documents for m in members),
        "has_needs": any(m.needs for m in members),
        "sees_protected": sees_protected,
        "can_edit": user.has_capability("registry.edit"),
        "household_merged": queries.household_merge(household) is not None,
        "notes": notes,
        "events": household.events.select_related("by")[:TIMELINE_LENGTH],
        "panels": panels.render_panels(request, household),
        **links_context(request, household),
    }
    return render(request, "registry/household_detail.html", context)


def _member_rows(household: Household, *, sees_protected: bool) -> list[MemberRow]:
    """Members in order with their documents and needs; protected needs stay unnamed
    unless the user has protection access."""
    prefetch_related_objects(
        [household],
        Prefetch("members__documents", IdentityDocument.objects.select_related("verified_by")),
        Prefetch("members__needs", SpecificNeed.objects.select_related("code__parent")),
    )
    return [
        MemberRow(
            person=person,
            documents=list(person.documents.all()),
            needs=[
                ShownNeed(need if sees_protected or not need.is_protected else None)
                for need in person.needs.all()
            ],
        )
        for person in queries.members_in_order(household)
    ]


urlpatterns = [
    path("", household_list, name="households"),
    path("households/<str:reference>/", household_detail, name="household"),
]

"""Renewal campaigns: the list, opening one, its page (renewed, waiting and excused members,
per block, with follow-up due), a member's follow-up and renewal, and closing.

Reading needs ``residence.view``; following up, recording renewals, excusing members and
looking for renewals in the registry need ``residence.documents``; opening and closing a
campaign ``residence.manage``. Out of scope or without the capability: 404. A refused
change re-renders the form with the reason and changes nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates, digits
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.residence.forms.documents import (
    CampaignForm,
    ExcuseForm,
    FollowUpForm,
    RenewalForm,
    TargetFilterForm,
)
from mehman.residence.models import Campaign, CampaignStatus, CampaignTarget, TargetStatus
from mehman.residence.queries.documents import (
    campaign_blocks,
    campaign_tallies,
    campaign_tally,
    campaign_targets,
)
from mehman.residence.services import campaigns as services

VIEW = "residence.view"
DOCUMENTS = "residence.documents"
MANAGE = "residence.manage"
PER_PAGE = 50


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _campaign(request: AuthenticatedRequest, reference: str) -> Campaign:
    return get_for_user_or_404(
        Campaign.objects.select_related("settlement"),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


def _target(request: AuthenticatedRequest, target: UUID) -> CampaignTarget:
    return get_for_user_or_404(
        CampaignTarget.objects.select_related(
            "campaign__settlement", "individual", "household__head", "previous", "renewed"
        ),
        request.user,
        uuid=target,
    )


@require_GET
@login_required
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = chosen_settlement(user, request.GET.get("settlement") or "")
    page = Paginator(
        Campaign.objects.for_user(user).filter(settlement=settlement).order_by("-starts_on", "-id"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    found = list(page)
    tallies = campaign_tallies(found)
    rows = [(campaign, tallies[campaign.pk]) for campaign in found]
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "rows": rows,
        "page_obj": page,
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "residence/campaigns.html", context)


@login_required
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    settlement, _settlements = chosen_settlement(user, request.GET.get("settlement") or "")
    form = CampaignForm(_data(request), initial={"starts_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.open_campaign(settlement=settlement, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The campaign was opened."))
            return redirect("residence:campaign", reference=campaign.reference)
    return render(request, "residence/campaign_new.html", {"form": form, "settlement": settlement})


@require_GET
@login_required
def campaign_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    campaign = _campaign(request, reference)
    form = TargetFilterForm(request.GET or None, blocks=campaign_blocks(campaign))
    total, per_block = campaign_tally(campaign)
    targets = campaign_targets(campaign, **form.filters())
    context = {
        "campaign": campaign,
        "form": form,
        "total": total,
        "per_block": per_block,
        "page_obj": Paginator(targets, PER_PAGE).get_page(request.GET.get("page")),
        "today": dates.today(),
        "is_open": campaign.status == CampaignStatus.OPEN,
        "can_follow": user.has_capability(DOCUMENTS),
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "residence/campaign.html", context)


@require_POST
@login_required
def campaign_refresh(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, DOCUMENTS)
    campaign = _campaign(request, reference)
    try:
        found = services.refresh_campaign(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Renewals found in the registry: %(n)s.") % {"n": found})
    return redirect("residence:campaign", reference=campaign.reference)


@require_POST
@login_required
def campaign_close(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, MANAGE)
    campaign = _campaign(request, reference)
    try:
        services.close_campaign(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign was closed."))
    return redirect("residence:campaign", reference=campaign.reference)


# --- One member of a campaign -----------------------------------------------------------------

FORMS: dict[str, type[forms.Form]] = {
    "follow_up": FollowUpForm,
    "renewal": RenewalForm,
    "excuse": ExcuseForm,
}
DONE = {
    "follow_up": gettext_lazy("The follow-up was recorded."),
    "renewal": gettext_lazy("The renewal was recorded."),
    "excuse": gettext_lazy("The member was excused from renewing."),
}


def _perform(target: CampaignTarget, action: str, by: Any, data: dict[str, Any]) -> None:
    if action == "follow_up":
        services.record_follow_up(target=target, by=by, **data)
    elif action == "renewal":
        services.record_renewal(target=target, by=by, **data)
    else:
        services.excuse_target(target=target, by=by, **data)


@login_required
def campaign_target(
    request: AuthenticatedRequest, target: UUID, action: str = "follow_up"
) -> HttpResponse:
    """The member's page with the follow-up, renewal and excuse forms; each posts here."""
    user = request.user
    require_capability(user, DOCUMENTS)
    found = _target(request, target)
    forms_shown = {name: form(prefix=name) for name, form in FORMS.items()}
    if request.method == "POST":
        bound = FORMS[action](request.POST, prefix=action)
        forms_shown[action] = bound
        if bound.is_valid():
            try:
                _perform(found, action, user, bound.cleaned_data)
            except ValidationError as error:
                show_service_error(bound, error)
            else:
                messages.success(request, DONE[action])
                return redirect("residence:campaign", reference=found.campaign.reference)
    context = {
        "target": found,
        "campaign": found.campaign,
        "forms": forms_shown,
        "pending": found.status == TargetStatus.PENDING
        and found.campaign.status == CampaignStatus.OPEN,
        "today": dates.today(),
    }
    return render(request, "residence/campaign_target.html", context)


@require_POST
@login_required
def campaign_renewal(request: AuthenticatedRequest, target: UUID) -> HttpResponse:
    return campaign_target(request, target, "renewal")


@require_POST
@login_required
def campaign_excuse(request: AuthenticatedRequest, target: UUID) -> HttpResponse:
    return campaign_target(request, target, "excuse")


urlpatterns: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/members/<uuid:target>/", campaign_target, name="campaign_target"),
    path("campaigns/members/<uuid:target>/renewal/", campaign_renewal, name="campaign_renewal"),
    path("campaigns/members/<uuid:target>/excuse/", campaign_excuse, name="campaign_excuse"),
    path("campaigns/<str:reference>/", campaign_detail, name="campaign"),
    path("campaigns/<str:reference>/refresh/", campaign_refresh, name="campaign_refresh"),
    path("campaigns/<str:reference>/close/", campaign_close, name="campaign_close"),
]

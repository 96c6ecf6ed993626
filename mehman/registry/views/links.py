"""Family links between households registered apart (housing keeps related households in
the same block): the household page's "Related households" card, linking and unlinking.

Both actions are posted from that card; a refused one is shown again on its own page
with the error, so the clerk can correct it and send it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.registry import services
from mehman.registry.forms.base import show_service_error
from mehman.registry.forms.links import HouseholdLinkForm, HouseholdUnlinkForm
from mehman.registry.models import Household, HouseholdLink


@dataclass(frozen=True)
class LinkRow:
    link: HouseholdLink
    partner: Household


def links_context(request: HttpRequest, household: Household) -> dict[str, Any]:
    """What the household page's card shows: each related household, and the form to add one."""
    links = (
        HouseholdLink.objects.of(household)
        .for_user(request.user)
        .select_related("household__head", "other__head")
    )
    user = request.user
    can_edit = user.has_capability("registry.edit")  # type: ignore[union-attr]
    form = HouseholdLinkForm(households=Household.objects.for_user(user)) if can_edit else None
    return {
        "household_links": [LinkRow(link, link.partner_of(household)) for link in links],
        "link_form": form,
    }


def _household(request: HttpRequest, reference: str) -> Household:
    require_capability(request.user, "registry.edit")
    return get_for_user_or_404(
        Household.objects.select_related("head", "settlement"), request.user, reference=reference
    )


def _back(request: HttpRequest, household: Household, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("registry:household", reference=household.reference)


@login_required
@require_POST
def household_link(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = HouseholdLinkForm(request.POST, households=Household.objects.for_user(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.link_households(
                household=household,
                other=data["other"],
                kinship=data["kinship"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return _back(request, household, _("The households were linked."))
    context = {"form": form, "household": household, "title": _("Link a related household")}
    return render(request, "registry/action.html", context)


@login_required
@require_POST
def household_unlink(request: HttpRequest, reference: str, link: UUID) -> HttpResponse:
    household = _household(request, reference)
    record = get_for_user_or_404(
        HouseholdLink.objects.of(household).select_related("household", "other"),
        request.user,
        uuid=link,
    )
    form = HouseholdUnlinkForm(request.POST)
    if form.is_valid():
        try:
            services.unlink_households(link=record, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return _back(request, household, _("The link was removed."))
    partner = record.partner_of(household).reference
    title = _("Remove the link with %(reference)s") % {"reference": partner}
    return render(
        request, "registry/action.html", {"form": form, "household": household, "title": title}
    )


urlpatterns = [
    path("households/<str:reference>/links/", household_link, name="household_link"),
    path(
        "households/<str:reference>/links/<uuid:link>/remove/",
        household_unlink,
        name="household_unlink",
    ),
]

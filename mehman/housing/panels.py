"""The household page's housing panel: where the household lives and has lived, and any
open offer of a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from mehman.housing.models import Occupancy, Offer, OfferStatus
from mehman.intake.models import Application, ApplicationStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mehman.registry.models import Household


def household_panel(request: HttpRequest, household: Household) -> SafeString | None:
    user = request.user
    if not user.has_capability("housing.view"):  # type: ignore[union-attr]
        return None
    homes = list(
        Occupancy.objects.for_user(user).filter(household=household).select_related("unit__block")
    )
    offers = list(
        Offer.objects.for_user(user)
        .filter(application__household=household, status=OfferStatus.OPEN)
        .select_related("unit")
    )
    if not homes and not offers:
        return None
    return SafeString(
        render_to_string(
            "housing/_household_panel.html",
            {"homes": homes, "offers": offers, "household": household},
            request=request,
        )
    )


def offer_page(application: Application) -> str | None:
    """Where intake sends the answer to an offer of a unit (``intake.handover``)."""
    if application.status != ApplicationStatus.OFFERED:
        return None
    offer = (
        Offer.objects.filter(application=application, status=OfferStatus.OPEN).only("uuid").first()
    )
    return reverse("housing:offer", kwargs={"offer": offer.uuid}) if offer else None

"""The household page's housing panel: where the household lives and has lived, and any
open offer of a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mehman.housing.models import Occupancy, Offer, OfferStatus

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

"""The household page's residence panel: the household's term, its agreement and reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mehman.core import dates
from mehman.registry.models import HouseholdStatus
from mehman.residence.models import ResidenceTerm

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mehman.registry.models import Household


def household_panel(request: HttpRequest, household: Household) -> SafeString | None:
    user = request.user
    if not user.has_capability("residence.view"):  # type: ignore[union-attr]
        return None
    terms = list(
        ResidenceTerm.objects.for_user(user).filter(household=household).order_by("-started_on")
    )
    if not terms and household.status != HouseholdStatus.RESIDENT:
        return None
    return SafeString(
        render_to_string(
            "residence/_household_panel.html",
            {
                "terms": terms,
                "current": next((term for term in terms if term.is_open), None),
                "past": [term for term in terms if not term.is_open],
                "household": household,
                "today": dates.today(),
            },
            request=request,
        )
    )

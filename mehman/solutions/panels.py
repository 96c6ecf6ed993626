"""The household page's durable-solutions panel: the open case with its pathway, stage and
readiness, earlier cases, or a way to open one (see ``mehman.registry.panels``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mehman.registry.models import HouseholdStatus
from mehman.solutions.models import SolutionsCase
from mehman.solutions.services.readiness import readiness

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mehman.registry.models import Household


def household_panel(request: HttpRequest, household: Household) -> SafeString | None:
    user = request.user
    if not user.has_capability("solutions.view"):  # type: ignore[union-attr]
        return None
    cases = list(
        SolutionsCase.objects.for_user(user).filter(household=household).select_related("owner")
    )
    if not cases and household.status != HouseholdStatus.RESIDENT:
        return None
    current = next((case for case in cases if case.is_open), None)
    return SafeString(
        render_to_string(
            "solutions/_household_panel.html",
            {
                "household": household,
                "current": current,
                "readiness": readiness(current) if current is not None else None,
                "past": [case for case in cases if not case.is_open],
            },
            request=request,
        )
    )

"""The standards page: the settlement and each block measured against the humanitarian
standards, red/amber/green, with the source of each target.

Needs ``housing.view`` (partner staff get 404). Analysts see the figures and the units but no
household references. A national user picks the settlement with ``?settlement=CODE``;
``?block=CODE`` focuses one block.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.housing.compliance import compliance
from mehman.housing.models import Block

LIST_CAP = 50  # units shown in each list (the count says how many there are)


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


def _block(request: AuthenticatedRequest, settlement: Settlement) -> Block | None:
    code = (request.GET.get("block") or "").strip().upper()
    if not code:
        return None
    return get_for_user_or_404(Block.objects, request.user, settlement=settlement, code=code)


@require_GET
@login_required
def standards(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, "housing.view")
    settlement, settlements = _settlement(request)
    report = compliance(settlement, request.user, block=_block(request, settlement))
    context = {
        "report": report,
        "settlement": settlement,
        "settlements": settlements,
        "cap": LIST_CAP,
        "sees_households": request.user.sees_settlement_records,
    }
    return render(request, "housing/standards.html", context)


urlpatterns: list[URLPattern] = [
    path("standards/", standards, name="standards"),
]

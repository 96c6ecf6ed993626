"""Who the registry endpoints answer, and the access log of the protected needs they show."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from mehman.accounts.services import log_accesses
from mehman.core.permissions import get_for_user_or_404
from mehman.registry.models import Household, Individual, SpecificNeed

PROTECTION = "protection.view"
EDIT = "registry.edit"


def sees_protected(request: Request) -> bool:
    return bool(request.user.has_capability(PROTECTION))


def log_protected(request: Request, household: Household, needs: list[SpecificNeed]) -> None:
    """Protected needs shown to protection staff leave a row in the access log."""
    shown = [need for need in needs if need.is_protected]
    if shown and sees_protected(request):
        log_accesses(
            user=request.user,
            records=shown,
            subject=household.reference,
            settlement=household.settlement,
            via=request.path,
        )


def person_for(request: Request, uuid: Any) -> Individual:
    """The member named by its UUID, or 404 out of scope."""
    return get_for_user_or_404(
        Individual.objects.select_related("household__settlement"), request.user, uuid=uuid
    )

"""Who the assistance endpoints answer, and the households and gifts a body names.

Settlement staff name households of their settlements; partner staff only the
households referred to their organisation under a data-sharing agreement live
today (``Referral.objects.for_user``). A household, activity or donation out of
scope is "unknown", in the same words as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from mehman.assistance.models import Referral, is_partner_staff
from mehman.core.names import reference_key
from mehman.partners.models import Donation
from mehman.registry.models import Household

RECORD = "assistance.record"
SPEND = "assistance.spend"
PORTAL = "partners.portal"


class HasAnyCapability(BasePermission):  # type: ignore[misc]
    """One of the view's ``capabilities`` is required; without any the endpoint is 404."""

    def has_permission(self, request: Request, view: Any) -> bool:
        wanted: tuple[str, ...] = getattr(view, "capabilities", ())
        if wanted and not any(request.user.has_capability(name) for name in wanted):
            raise Http404
        return True


def visible_households(user: Any) -> QuerySet[Household]:
    """Staff: their settlements' households; partner staff: those shared with them."""
    if is_partner_staff(user):
        shared = Referral.objects.for_user(user).values("household")
        return Household.objects.filter(pk__in=shared)
    return Household.objects.for_user(user)


def _unknown_household(field: str, text: str) -> ValidationError:
    return ValidationError(
        {
            field: ValidationError(
                _("No household %(reference)s in your scope."),
                code="unknown",
                params={"reference": text},
            )
        }
    )


def household_for(request: Request, text: str, field: str = "household") -> Household:
    """The household named by its reference number (any digit script, any case)."""
    reference = reference_key(text)
    found = (
        visible_households(request.user).filter(reference=reference).first() if reference else None
    )
    if found is None:
        raise _unknown_household(field, text)
    return found


def households_for(
    request: Request, texts: Iterable[str], field: str = "households"
) -> list[Household]:
    """The households named by their reference numbers, in the order given."""
    wanted = [(text, reference_key(text)) for text in texts]
    found = {
        household.reference: household
        for household in visible_households(request.user).filter(
            reference__in=[key for _text, key in wanted if key]
        )
    }
    missing = [text for text, key in wanted if key not in found]
    if missing:
        raise _unknown_household(field, ", ".join(missing))
    return [found[key] for _text, key in wanted]


def donation_for(request: Request, uuid: UUID, field: str = "donation") -> Donation:
    found = (
        Donation.objects.for_user(request.user)
        .select_related("pledge__donor", "pledge__settlement")
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        raise ValidationError(
            {field: ValidationError(_("No such donation in your scope."), code="unknown")}
        )
    return found

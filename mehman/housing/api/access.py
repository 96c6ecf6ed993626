"""Who the housing endpoints answer, and the records a request names.

Every housing endpoint needs ``housing.view`` (settlement staff and analysts; not
partner staff). Blocks, units, facilities, surveys and works hold no one's personal
data: analysts read them nationally, without the names of households. Occupancy,
offers, vacancies with their candidates and allocation runs are about households:
analysts get 404 for them. Site edits, surveys and works are ``housing.manage``;
moves, offers and runs ``housing.allocate``; a household's answer to an offer
``housing.answer``; committing a run ``housing.commit``; spending a donation on a
work ``assistance.spend`` as well. Without the capability, or out of scope, 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from mehman.core import api, digits
from mehman.core.models import Settlement
from mehman.core.names import reference_key
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.housing.models import (
    AllocationRun,
    Block,
    Facility,
    Offer,
    OfferQuerySet,
    Survey,
    Unit,
    WorkOrder,
)
from mehman.intake.models import Application
from mehman.intake.services.status import normalise_reference
from mehman.partners.api.access import settlement_for
from mehman.registry.models import Household

VIEW = "housing.view"
MANAGE = "housing.manage"
ALLOCATE = "housing.allocate"
ANSWER = "housing.answer"
COMMIT = "housing.commit"
SPEND = "assistance.spend"


def sees_households(user: Any) -> bool:
    """Who lives where, offers and runs name households: settlement staff read them."""
    return bool(getattr(user, "sees_settlement_records", False))


class HousingChecks(BasePermission):  # type: ignore[misc]
    """The view's further capabilities (``also_needs``), and for views about households
    (``personal``) a reader of settlement records; otherwise the endpoint is 404."""

    def has_permission(self, request: Request, view: Any) -> bool:
        for capability in getattr(view, "also_needs", ()):
            require_capability(request.user, capability)
        if getattr(view, "personal", False) and not sees_households(request.user):
            raise Http404
        return True


class HousingApi(api.Api):
    """Base of the housing endpoints: ``housing.view`` unless a view names another."""

    permission_classes = [*api.Api.permission_classes, HousingChecks]
    capability = VIEW
    # Capabilities needed besides ``capability`` (e.g. assistance.spend).
    also_needs: tuple[str, ...] = ()
    # The endpoint reads or writes households: analysts get 404.
    personal = False


def key(text: str) -> str:
    """A reference as stored: ASCII digits, upper case (``tj-b01-۰۰۳`` → ``TJ-B01-003``)."""
    return digits.to_ascii(text or "").strip().upper()


# --- Records named in the URL: 404 out of scope --------------------------------------------------


def unit_for(request: Request, reference: str) -> Unit:
    return get_for_user_or_404(
        Unit.objects.select_related("block", "settlement"), request.user, reference=key(reference)
    )


def facility_for(request: Request, reference: str) -> Facility:
    return get_for_user_or_404(
        Facility.objects.select_related("block", "settlement"),
        request.user,
        reference=key(reference),
    )


def work_for(request: Request, reference: str) -> WorkOrder:
    return get_for_user_or_404(
        WorkOrder.objects.select_related(
            "settlement", "unit", "facility", "survey", "funder", "contractor"
        ).prefetch_related("photos"),
        request.user,
        reference=key(reference),
    )


def survey_for(request: Request, uuid: UUID) -> Survey:
    return get_for_user_or_404(
        Survey.objects.select_related("settlement", "unit", "facility", "surveyed_by"),
        request.user,
        uuid=uuid,
    )


def household_for(request: Request, reference: str) -> Household:
    return get_for_user_or_404(
        Household.objects.select_related("settlement"),
        request.user,
        reference=reference_key(reference) or key(reference),
    )


def offers() -> OfferQuerySet:
    """Offers with what their answers show."""
    found: OfferQuerySet = Offer.objects.select_related(
        "settlement", "unit", "application__household", "run"
    )
    return found


def offer_for(request: Request, uuid: UUID) -> Offer:
    return get_for_user_or_404(offers(), request.user, uuid=uuid)


def run_for(request: Request, reference: str) -> AllocationRun:
    return get_for_user_or_404(
        AllocationRun.objects.select_related("settlement", "progress", "created_by", "decided_by"),
        request.user,
        reference=key(reference),
    )


# --- Records named in a body: 400 "unknown" out of scope ----------------------------------------


def _unknown(field: str, message: Any, text: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(message, code="unknown", params={"reference": text})}
    )


def _in_scope(queryset: Any, request: Request, **lookup: Any) -> Model | None:
    found: Model | None = queryset.for_user(request.user).filter(**lookup).first()
    return found


def body_unit(request: Request, text: str, field: str = "unit") -> Unit:
    found = _in_scope(
        Unit.objects.select_related("block", "settlement"), request, reference=key(text)
    )
    if not isinstance(found, Unit):
        raise _unknown(field, _("No unit %(reference)s in your scope."), text)
    return found


def body_facility(request: Request, text: str, field: str = "facility") -> Facility:
    found = _in_scope(Facility.objects.select_related("settlement"), request, reference=key(text))
    if not isinstance(found, Facility):
        raise _unknown(field, _("No facility %(reference)s in your scope."), text)
    return found


def body_block(request: Request, text: str, field: str = "block") -> Block:
    found = _in_scope(Block.objects.select_related("settlement"), request, reference=key(text))
    if not isinstance(found, Block):
        raise _unknown(field, _("No block %(reference)s in your scope."), text)
    return found


def body_application(request: Request, text: str, field: str = "application") -> Application:
    found = _in_scope(
        Application.objects.select_related("household", "settlement"),
        request,
        reference=normalise_reference(text),
    )
    if not isinstance(found, Application):
        raise _unknown(field, _("No application %(reference)s in your scope."), text)
    return found


def body_household(request: Request, text: str, field: str = "household") -> Household:
    wanted = reference_key(text)
    found = _in_scope(Household.objects, request, reference=wanted) if wanted else None
    if not isinstance(found, Household):
        raise _unknown(field, _("No household %(reference)s in your scope."), text)
    return found


def body_survey(request: Request, uuid: UUID, field: str = "survey") -> Survey:
    found = _in_scope(Survey.objects.select_related("unit", "facility"), request, uuid=uuid)
    if not isinstance(found, Survey):
        raise _unknown(field, _("No such survey in your scope."), str(uuid))
    return found


def site_settlement(request: Request, code: str) -> Settlement:
    """The settlement named by its code (404 out of scope), or the caller's only one."""
    try:
        return settlement_for(request, code)
    except ValidationError as exc:
        if code.strip():
            raise Http404 from exc
        raise


def in_settlement(queryset: Any, code: str, path: str = "settlement") -> Any:
    """The records of the settlement named by its code (any case), or all of them."""
    if code.strip():
        return queryset.filter(**{f"{path}__code": code.strip().upper()})
    return queryset

"""Recording what reached households: a delivery, a distribution round, attendance at
an activity, and a donation spent on a work order.

Staff with ``assistance.record`` record for households in their scope; partner staff
record deliveries and attendance for their own organisation's activities, and only for
the households shared with them (``mehman.assistance.sharing.recordable_households``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.assistance import services
from mehman.assistance.forms.deliveries import (
    AttendanceForm,
    DeliveryForm,
    DistributeForm,
    HouseholdLookupForm,
    SpendForm,
    show_error,
)
from mehman.assistance.models import Delivery, is_partner_staff
from mehman.assistance.sharing import recordable_households, shared_categories
from mehman.core import dates
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.partners.models import (
    Activity,
    DataCategory,
    Donation,
    HouseholdCriterion,
    Organisation,
    PledgeStatus,
    partner_organisation_ids,
)
from mehman.registry.models import Household, HouseholdStatus

RECENT = 10
RECEIVING = (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _activity(request: AuthenticatedRequest, activity: UUID, *, partners_too: bool) -> Activity:
    """The activity, if the user records for it: staff with ``assistance.record``, or (where
    allowed) partner staff of the organisation that implements it."""
    user = request.user
    record = get_for_user_or_404(
        Activity.objects.select_related("organisation", "settlement"), user, uuid=activity
    )
    if user.has_capability("assistance.record"):
        return record
    if (
        partners_too
        and is_partner_staff(user)
        and user.has_capability("partners.portal")
        and record.organisation_id in partner_organisation_ids(user)
    ):
        return record
    raise Http404


def _donations(user: User, settlement_id: int) -> QuerySet[Donation]:
    """Donations of pledges in the settlement with something left to give."""
    return (
        Donation.objects.for_user(user)
        .filter(pledge__settlement=settlement_id, used_quantity__lt=F("quantity"))
        .exclude(pledge__status=PledgeStatus.CANCELLED)
        .select_related("pledge__donor")
        .order_by("-received_on", "-id")
    )


# --- One delivery ----------------------------------------------------------------------------


@login_required
def deliver(request: AuthenticatedRequest, activity: UUID) -> HttpResponse:
    user = request.user
    record = _activity(request, activity, partners_too=True)
    form = DeliveryForm(
        _data(request),
        households=recordable_households(user),
        donations=_donations(user, record.settlement_id),
        partner=is_partner_staff(user),
        initial={"delivered_on": dates.today(), "quantity": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.record_delivery(activity=record, by=user, **form.delivery())
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The delivery to %(reference)s was recorded.")
                % {"reference": made.household.reference},
            )
            return redirect("assistance:deliver", activity=record.uuid)
    recent = (
        Delivery.objects.for_user(user)
        .filter(activity=record)
        .select_related("household")
        .order_by("-created_at")[:RECENT]
    )
    context = {"form": form, "activity": record, "recent": recent}
    return render(request, "assistance/deliver.html", context)


# --- A distribution round --------------------------------------------------------------------


@dataclass
class Refusal:
    household: Household
    reason: str


@dataclass
class Preview:
    """What a distribution round would give, before it is confirmed."""

    donation: Donation
    households: list[Household]
    each: Decimal
    day: date
    refused: list[Refusal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.households)

    @property
    def needed(self) -> Decimal:
        return self.each * self.count

    @property
    def left(self) -> Decimal:
        return self.donation.remaining_quantity

    @property
    def enough(self) -> bool:
        return self.needed <= self.left

    @property
    def can_confirm(self) -> bool:
        return self.enough and not self.refused

    @property
    def references(self) -> str:
        return " ".join(h.reference for h in self.households)


def _preview(data: dict[str, Any], activity: Activity) -> Preview:
    donation: Donation = data["donation"]
    day = data["delivered_on"]
    preview = Preview(
        donation=donation, households=data["households"], each=data["quantity_each"], day=day
    )
    for household in preview.households:
        if household.settlement_id != activity.settlement_id:
            reason = _("lives in another settlement")
        elif household.status not in RECEIVING:
            reason = _("no longer an applicant or resident household")
        elif not services.meets_restriction(household, donation.pledge, day):
            reason = _("outside the donor's restriction")
        else:
            continue
        preview.refused.append(Refusal(household, reason))
    return preview


@login_required
def distribute(request: AuthenticatedRequest, activity: UUID) -> HttpResponse:
    user = request.user
    require_capability(user, "assistance.record")
    record = _activity(request, activity, partners_too=False)
    residents = Household.objects.for_user(user).filter(
        settlement=record.settlement_id, status=HouseholdStatus.RESIDENT
    )
    blocks = list(
        residents.exclude(block="").order_by("block").values_list("block", flat=True).distinct()
    )
    form = DistributeForm(
        _data(request),
        donations=_donations(user, record.settlement_id),
        households=Household.objects.for_user(user),
        residents=residents,
        blocks=blocks,
        initial={"delivered_on": dates.today(), "quantity_each": 1},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirmed"]:
            preview = _preview(data, record)
        else:
            try:
                made = services.distribute_donation(
                    donation=data["donation"],
                    activity=record,
                    households=data["households"],
                    by=user,
                    quantity_each=data["quantity_each"],
                    delivered_on=data["delivered_on"],
                )
            except ValidationError as error:
                show_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d household received its share.",
                        "%(count)d households received their share.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                return redirect("assistance:activity", activity=record.uuid)
    context = {"form": form, "activity": record, "preview": preview}
    return render(request, "assistance/distribute.html", context)


# --- Attendance ------------------------------------------------------------------------------


@login_required
def attend(request: AuthenticatedRequest, activity: UUID) -> HttpResponse:
    user = request.user
    record = _activity(request, activity, partners_too=True)
    partner = is_partner_staff(user)
    households = recordable_households(user)

    def shows_names(household: Household) -> bool:
        if not partner:
            return True
        categories = shared_categories(record.organisation_id, household.settlement_id)
        return DataCategory.IDENTITY in categories

    lookup = HouseholdLookupForm(
        request.GET if "household" in request.GET else None, households=households, partner=partner
    )
    options: dict[str, Any] = {"households": households, "partner": partner}
    options["shows_names"] = shows_names
    form: AttendanceForm | None = None
    if request.method == "POST":
        form = AttendanceForm(request.POST, **options)
    elif lookup.is_bound and lookup.is_valid():
        initial = {"household": lookup.cleaned_data["household"].reference}
        initial["attended_on"] = dates.today()
        form = AttendanceForm(initial=initial, **options)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            rows = services.record_attendance(
                activity=record,
                people=list(form.cleaned_data["people"]),
                by=user,
                attended_on=form.cleaned_data["attended_on"],
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance was recorded for %(count)d person.",
                    "Attendance was recorded for %(count)d people.",
                    len(rows),
                )
                % {"count": len(rows)},
            )
            return redirect("assistance:attend", activity=record.uuid)
    context = {"lookup": lookup, "form": form, "activity": record}
    return render(request, "assistance/attend.html", context)


# --- Spending a donation on work -------------------------------------------------------------


@login_required
def spend(request: AuthenticatedRequest, donation: UUID) -> HttpResponse:
    user = request.user
    require_capability(user, "assistance.spend")
    record = get_for_user_or_404(
        Donation.objects.select_related("pledge__donor", "pledge__settlement"),
        user,
        uuid=donation,
    )
    pledge = record.pledge
    contractors = Organisation.objects.for_user(user).filter(
        settlements=pledge.settlement_id, is_active=True
    )
    form = SpendForm(
        _data(request),
        donation=record,
        households=Household.objects.for_user(user),
        contractors=contractors,
        initial={"spent_on": dates.today(), "sector": pledge.restricted_sector},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_expenditure(donation=record, by=user, **form.spending())
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The spending was recorded."))
            return redirect("assistance:pledge", pledge=pledge.uuid)
    context = {
        "form": form,
        "donation": record,
        "pledge": pledge,
        "restriction": (
            HouseholdCriterion(pledge.restricted_to).label if pledge.restricted_to else ""
        ),
    }
    return render(request, "assistance/spend.html", context)


urlpatterns = [
    path("activities/<uuid:activity>/deliver/", deliver, name="deliver"),
    path("activities/<uuid:activity>/distribute/", distribute, name="distribute"),
    path("activities/<uuid:activity>/attendance/", attend, name="attend"),
    path("donations/<uuid:donation>/spend/", spend, name="spend"),
]

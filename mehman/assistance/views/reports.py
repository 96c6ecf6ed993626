"""Where help went: an activity against its targets, a pledge down to the households
it reached, a benefactor's pledges, and the 5W table with its HXL export.

Figures are counts over records in the user's scope (analysts and partner staff
read them too); households are named only through ``Household.objects.for_user``
or ``Delivery.objects.for_user``, so a page never shows a household its reader may
not open.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.assistance import exports, queries
from mehman.assistance.forms.reports import FiveWFilterForm
from mehman.assistance.models import (
    Attendance,
    Delivery,
    Expenditure,
    is_partner_staff,
)
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404
from mehman.partners.models import (
    PLEDGE_TRANSITIONS,
    Activity,
    ActivityStatus,
    Donation,
    GiftKind,
    Organisation,
    Pledge,
    PledgeStatus,
    VolunteerAssignment,
    partner_organisation_ids,
)
from mehman.registry.models import Household

# Rows listed by name on a page; the counts above them cover every row.
LISTED = 100
ATTENDANCE_DAYS = 60
PER_PAGE = 50
RECORDING = (ActivityStatus.ONGOING, ActivityStatus.COMPLETED)


def _visible_organisations(user: User, *organisations: Organisation | None) -> set[int]:
    """Which of these organisations the user may open (their page would 404 otherwise)."""
    ids = [o.pk for o in organisations if o is not None]
    if not ids:
        return set()
    return set(Organisation.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))


# --- An activity ------------------------------------------------------------------------------


@require_GET
@login_required
def activity_detail(request: AuthenticatedRequest, activity: UUID) -> HttpResponse:
    user = request.user
    shown = get_for_user_or_404(
        Activity.objects.select_related("organisation", "funder", "settlement"), user, uuid=activity
    )
    reach = queries.activity_reach([shown.pk])[shown.pk]
    own_partner = is_partner_staff(user) and shown.organisation_id in partner_organisation_ids(user)
    context = {
        "activity": shown,
        "reach": reach,
        "rows": queries.bracket_rows(reach, shown.targets),
        "households_percent": queries.percent(reach.households, shown.target("hh")),
        "people_percent": queries.percent(reach.individuals, shown.targeted_people),
        "assignments": list(
            VolunteerAssignment.objects.for_user(user)
            .filter(activity=shown)
            .select_related("volunteer")
            .annotate(worked=Sum("hours__hours"))
            .order_by("volunteer__name")
        ),
        "volunteering": _volunteering(shown),
        "deliveries": list(
            Delivery.objects.for_user(user)
            .filter(activity=shown)
            .select_related("household")[:LISTED]
        ),
        "delivery_count": Delivery.objects.filter(activity=shown).count(),
        "attendance": Attendance.objects.filter(activity=shown)
        .values("attended_on")
        .annotate(people=Count("person", distinct=True))
        .order_by("-attended_on")[:ATTENDANCE_DAYS],
        "opens_households": user.sees_settlement_records,
        "opens_organisations": _visible_organisations(user, shown.organisation, shown.funder),
        "can_record": shown.status in RECORDING
        and (user.has_capability("assistance.record") or own_partner),
        "can_manage": user.has_capability("partners.manage"),
        "listed": LISTED,
    }
    return render(request, "assistance/activity_detail.html", context)


def _volunteering(activity: Activity) -> dict[str, Any]:
    """How many volunteers work on the activity and the hours they gave (counts only)."""
    assigned = VolunteerAssignment.objects.filter(activity=activity)
    hours = assigned.aggregate(hours=Sum("hours__hours"))["hours"] or Decimal(0)
    return {"volunteers": assigned.count(), "hours": hours}


# --- A pledge ---------------------------------------------------------------------------------


def _stages(pledge: Pledge, donations: list[Donation]) -> list[dict[str, Any]]:
    """Pledged → received → stored → distributed, each with its quantity and share."""
    received = sum((d.quantity for d in donations), Decimal(0))
    stored = sum((d.quantity for d in donations if d.stored_on), Decimal(0))
    used = sum((d.used_quantity for d in donations), Decimal(0))
    stages = [
        (PledgeStatus.PLEDGED, pledge.quantity),
        (PledgeStatus.RECEIVED, received),
        (PledgeStatus.STORED, stored),
        (PledgeStatus.DISTRIBUTED, used),
    ]
    if pledge.kind == GiftKind.CASH:  # money is not stored in a warehouse
        stages = [stage for stage in stages if stage[0] != PledgeStatus.STORED]
    return [
        {
            "status": status,
            "label": PledgeStatus(status).label,
            "quantity": quantity,
            "percent": min(100, round(100 * quantity / pledge.quantity)) if pledge.quantity else 0,
            "reached": quantity > 0,
        }
        for status, quantity in stages
    ]


@require_GET
@login_required
def pledge_detail(request: AuthenticatedRequest, pledge: UUID) -> HttpResponse:
    user = request.user
    shown = get_for_user_or_404(
        Pledge.objects.select_related("donor", "settlement"), user, uuid=pledge
    )
    donations = list(Donation.objects.for_user(user).filter(pledge=shown).order_by("received_on"))
    reach = queries.pledge_reach([shown.pk])[shown.pk]
    # Named only to those who may open the household: never the donor's staff or analysts.
    seen = Household.objects.for_user(user)
    manages = user.has_capability("partners.manage") and shown.status != PledgeStatus.CANCELLED
    through = queries.delivered_through(shown)
    context = {
        "pledge": shown,
        "donations": donations,
        "stages": _stages(shown, donations),
        "received": sum((d.quantity for d in donations), Decimal(0)),
        "received_value": sum(d.value for d in donations),
        "used": sum((d.used_quantity for d in donations), Decimal(0)),
        "used_value": sum(d.used_value for d in donations),
        "reach": reach,
        "rows": queries.bracket_rows(reach),
        "through": through,
        "opens_activities": set(
            Activity.objects.for_user(user)
            .filter(pk__in=[t.activity_id for t in through])
            .values_list("pk", flat=True)
        ),
        "spent_on": queries.spent_on(shown),
        "deliveries": list(
            Delivery.objects.for_user(user)
            .filter(donation__pledge=shown, household__in=seen)
            .select_related("household", "activity")[:LISTED]
        ),
        "spending": Expenditure.objects.for_user(user)
        .filter(Q(household__isnull=True) | Q(household__in=seen), donation__pledge=shown)
        .select_related("household", "contractor")[:LISTED],
        "households": seen.filter(queries.benefited([shown.pk]))
        .select_related("head")
        .order_by("reference")[:LISTED],
        "can_receive": manages,
        "can_cancel": manages and PledgeStatus.CANCELLED in PLEDGE_TRANSITIONS[shown.status],
        "can_store": manages and shown.kind == GiftKind.IN_KIND,
        "can_spend": user.has_capability("assistance.spend")
        and shown.status != PledgeStatus.CANCELLED,
        "opens_donor": bool(_visible_organisations(user, shown.donor)),
        "listed": LISTED,
    }
    return render(request, "assistance/pledge_detail.html", context)


# --- A benefactor -----------------------------------------------------------------------------


@require_GET
@login_required
def donor_detail(request: AuthenticatedRequest, organisation: UUID) -> HttpResponse:
    user = request.user
    donor = get_for_user_or_404(Organisation.objects, user, uuid=organisation)
    # Annotated with their totals and, below, their reach.
    pledges: list[Any] = list(
        queries.with_totals(
            Pledge.objects.for_user(user).filter(donor=donor).select_related("settlement")
        ).order_by("-pledged_on", "-pk")
    )
    per_pledge, total = queries.gift_reach(p.pk for p in pledges)
    for pledge in pledges:
        pledge.reach = per_pledge[pledge.pk]
    live = [p for p in pledges if p.status != PledgeStatus.CANCELLED]
    context = {
        "donor": donor,
        "pledges": pledges,
        "pledged_value": sum(p.value for p in live),
        "received_value": sum(p.received_value for p in pledges),
        "used_value": sum(p.used_value for p in pledges),
        "reach": total,
        "rows": queries.bracket_rows(total),
        "several_settlements": len({p.settlement_id for p in pledges}) > 1,
    }
    return render(request, "assistance/donor.html", context)


# --- The 5W table and its export --------------------------------------------------------------


def _five_w_form(request: AuthenticatedRequest) -> tuple[FiveWFilterForm, QuerySet[Activity]]:
    user = request.user
    settlements = list(Settlement.objects.for_user(user).filter(is_active=True))
    organisations = list(Organisation.objects.for_user(user).order_by("name_en"))
    form = FiveWFilterForm(
        request.GET or None, settlements=settlements, organisations=organisations
    )
    return form, form.filter(Activity.objects.for_user(user))


@require_GET
@login_required
def five_w(request: AuthenticatedRequest) -> HttpResponse:
    form, activities = _five_w_form(request)
    ordered = activities.select_related("organisation", "funder", "settlement").order_by(
        "settlement__code", "organisation__name_en", "starts_on", "name", "pk"
    )
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    reach = queries.activity_reach(a.pk for a in page)
    for activity in page:
        activity.reach = reach[activity.pk]  # type: ignore[attr-defined]
        activity.rows = queries.bracket_rows(reach[activity.pk], activity.targets)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page_obj": page,
        "brackets": [bracket for bracket, _tag in queries.BRACKETS],
        "export_query": request.GET.urlencode(),
    }
    return render(request, "assistance/five_w.html", context)


@require_GET
@login_required
def five_w_export(request: AuthenticatedRequest) -> HttpResponse:
    """The 5W rows the page shows (same filters), as HXL CSV or, on request, XLSX."""
    _form, activities = _five_w_form(request)
    fmt = exports.XLSX if request.GET.get("format") == exports.XLSX else exports.CSV
    out: io.StringIO | io.BytesIO = io.StringIO() if fmt == exports.CSV else io.BytesIO()
    if isinstance(out, io.StringIO):
        out.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
    exports.write_five_w(out, exports.five_w_rows(activities), fmt=fmt)
    response = HttpResponse(out.getvalue(), content_type=exports.CONTENT_TYPES[fmt])
    filename = f"5w-{dates.today().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("activities/<uuid:activity>/", activity_detail, name="activity"),
    path("pledges/<uuid:pledge>/", pledge_detail, name="pledge"),
    path("donors/<uuid:organisation>/", donor_detail, name="donor"),
    path("5w/", five_w, name="five_w"),
    path("5w/export/", five_w_export, name="five_w_export"),
]

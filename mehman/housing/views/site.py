"""The site pages: the map, the units and facilities with their pages, and the blocks.

Reading needs ``housing.view`` (partner staff get 404). Analysts see the site, its
figures and how many live in each unit, never a household. Site edits need
``housing.manage``; recording who lives where (move in, transfer, move out) needs
``housing.allocate``. A national user picks the settlement with ``?settlement=CODE``.
The services refuse what the rules do not allow; the page says why and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.housing import events as housing_events
from mehman.housing import queries, services, standards
from mehman.housing.forms.site import (
    BlockForm,
    EditFacilityForm,
    EditUnitForm,
    FacilityFilterForm,
    MapForm,
    MoveInForm,
    MoveOutForm,
    NewFacilityForm,
    NewUnitForm,
    TransferForm,
    UnitActionForm,
    UnitFilterForm,
    UnitStateForm,
)
from mehman.housing.models import (
    Block,
    Facility,
    MoveReason,
    Occupancy,
    Offer,
    OfferStatus,
    Survey,
    Unit,
    UnitQuerySet,
    WorkOrder,
)
from mehman.housing.queries import UnitRow
from mehman.housing.views._plan import site_plan, site_summary, target
from mehman.registry.models import Household

VIEW = "housing.view"
MANAGE = "housing.manage"
ALLOCATE = "housing.allocate"
PER_PAGE = 50
LIVING, WATER, TOILET = "living_space", "water_point_distance", "toilet_distance"
RECENT = 20  # surveys and work orders shown on a unit's or a facility's page
TIMELINE_LENGTH = 50
# Timeline events naming a household: shown without their details to users who see no one.
PERSONAL_EVENTS = frozenset(
    kind.code
    for kind in (
        housing_events.MOVED_IN,
        housing_events.MOVED_OUT,
        housing_events.UNIT_OFFERED,
        housing_events.OFFER_ANSWERED,
    )
)


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


def _in(name: str, settlement: Settlement) -> str:
    return f"{reverse(name)}?{urlencode({'settlement': settlement.code})}"


def _blocks(user: User, settlement: Settlement) -> QuerySet[Block]:
    return Block.objects.for_user(user).filter(settlement=settlement).order_by("code")


def _units(user: User) -> UnitQuerySet:
    return cast(UnitQuerySet, Unit.objects.for_user(user))


def _unit(request: AuthenticatedRequest, reference: str) -> Unit:
    return get_for_user_or_404(
        Unit.objects.select_related("block", "settlement"),
        request.user,
        reference=reference.upper(),
    )


def _facility(request: AuthenticatedRequest, reference: str) -> Facility:
    return get_for_user_or_404(
        Facility.objects.select_related("block", "settlement"),
        request.user,
        reference=reference.upper(),
    )


@require_GET
@login_required
def site_map(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = _settlement(request)
    blocks = list(_blocks(user, settlement))
    form = MapForm(request.GET, blocks=blocks)
    facilities = list(Facility.objects.for_user(user).filter(settlement=settlement))
    units = (
        _units(user).filter(block__code=form.chosen_block) if form.chosen_block else _units(user)
    )
    rows = queries.unit_rows(settlement, user, units=units, facilities=facilities)
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "form": form,
        "mode": form.chosen_mode,
        "layers": form.chosen_layers,
        "plan": site_plan(rows, facilities, blocks, block=form.chosen_block)
        if rows or facilities
        else None,
        "summary": site_summary(rows),
        "living": target(LIVING),
        "water": target(WATER),
    }
    return render(request, "housing/map.html", context)


# --- Units ----------------------------------------------------------------------------------


def _unit_page(
    request: AuthenticatedRequest, settlement: Settlement, form: UnitFilterForm
) -> Page[Any]:
    """The page of units asked for, each with its occupants and distances. Crowding needs
    every unit's occupants; otherwise only the page's units are read in full."""
    user, number = request.user, request.GET.get("page")
    units = form.filter(_units(user)).filter(settlement=settlement)
    if form.crowded_only:
        rows = [row for row in queries.unit_rows(settlement, user, units=units) if row.crowded]
        return Paginator(rows, PER_PAGE).get_page(number)
    ordered = units.order_by("block__code", "number").values_list("pk", flat=True)
    ids = Paginator(ordered, PER_PAGE).get_page(number)
    rows = queries.unit_rows(settlement, user, units=units.filter(pk__in=list(ids)))
    return Page(rows, ids.number, cast(Any, ids.paginator))


@require_GET
@login_required
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = _settlement(request)
    form = UnitFilterForm(request.GET or None, blocks=_blocks(user, settlement))
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "form": form,
        "page_obj": _unit_page(request, settlement, form),
        "living": target(LIVING),
        "can_manage": user.has_capability(MANAGE),
        "sees_households": user.sees_settlement_records,
    }
    return render(request, "housing/units.html", context)


@dataclass(frozen=True)
class Shown:
    """A timeline event as a user who sees no household may read it."""

    label: StrOrPromise
    summary: str
    at: datetime
    by: Any


def timeline(events: Iterable[Any], user: User) -> list[Any]:
    if user.sees_settlement_records:
        return list(events)
    return [
        Shown(e.label, "" if e.kind in PERSONAL_EVENTS else e.summary, e.at, e.by) for e in events
    ]


def _met(standard: standards.Standard, value: float | None) -> bool | None:
    return None if value is None else standard.met_by(round(value, 1))


def _unit_context(user: User, unit: Unit) -> dict[str, Any]:
    (row,) = queries.unit_rows(unit.settlement, user, units=_units(user).filter(pk=unit.pk))
    homes = list(
        Occupancy.objects.for_user(user).filter(unit=unit).select_related("household__head")
    )
    water, toilet = standards.standard(WATER), standards.standard(TOILET)
    offer = (
        Offer.objects.for_user(user)
        .filter(unit=unit, status=OfferStatus.OPEN)
        .select_related("application__household")
        .first()
    )
    return {
        "unit": unit,
        "row": row,
        "living": target(LIVING),
        "water": target(WATER),
        "toilet": target(TOILET),
        "water_met": _met(water, row.water_m),
        "toilet_met": _met(toilet, row.toilet_m),
        "homes": homes,
        "current": next((home for home in homes if home.ended_on is None), None),
        "offer": offer,
        "surveys": list(Survey.objects.for_user(user).filter(unit=unit)[:RECENT]),
        "works": list(WorkOrder.objects.for_user(user).filter(unit=unit)[:RECENT]),
        "events": timeline(unit.events.select_related("by")[:TIMELINE_LENGTH], user),
        "actions": [
            (name, step)
            for name, step in UNIT_ACTIONS.items()
            if user.has_capability(step.capability) and step.shown(row)
        ],
        "can_manage": user.has_capability(MANAGE),
        "can_offer": user.has_capability(ALLOCATE) and row.vacant,
        "sees_households": user.sees_settlement_records,
    }


@require_GET
@login_required
def unit_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, VIEW)
    unit = _unit(request, reference)
    return render(request, "housing/unit.html", _unit_context(request.user, unit))


@login_required
def unit_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    settlement, _settlements = _settlement(request)
    form = NewUnitForm(_data(request), blocks=_blocks(user, settlement))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.add_unit(
                block=data["block"],
                number=data["number"],
                state=data["state"],
                by=user,
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Unit %(unit)s was added.") % {"unit": unit.reference})
            return redirect("housing:unit", reference=unit.reference)
    context = {
        "form": form,
        "title": _("Add a unit"),
        "unit": None,
        "living": target(LIVING),
        "back": _in("housing:units", settlement),
    }
    return render(request, "housing/unit_form.html", context)


@login_required
def unit_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    unit = _unit(request, reference)
    form = EditUnitForm(_data(request), unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(
                unit=unit,
                by=user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The unit's details were saved."))
            return redirect("housing:unit", reference=unit.reference)
    context = {
        "form": form,
        "title": _("Correct the unit's details"),
        "unit": unit,
        "living": target(LIVING),
        "back": reverse("housing:unit", args=[unit.reference]),
    }
    return render(request, "housing/unit_form.html", context)


# --- A unit's state and who lives there ------------------------------------------------------


def _household_in(unit: Unit, user: User) -> Household:
    home = (
        Occupancy.objects.for_user(user)
        .filter(unit=unit, ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    if home is None:
        raise ValidationError(_("Nobody lives in this unit."), code="vacant")
    return home.household


@dataclass(frozen=True)
class UnitAction:
    capability: str
    title: StrOrPromise
    done: StrOrPromise
    form: type[UnitActionForm]
    perform: Callable[[Unit, User, dict[str, Any]], object]
    shown: Callable[[UnitRow], bool]
    style: str = "btn-outline-primary"


UNIT_ACTIONS: dict[str, UnitAction] = {
    "state": UnitAction(
        MANAGE,
        gettext_lazy("Change the state"),
        gettext_lazy("The unit's state was changed."),
        UnitStateForm,
        lambda u, by, d: services.set_unit_state(
            unit=u, state=d["state"], by=by, reason=d["reason"]
        ),
        lambda row: True,
        "btn-outline-secondary",
    ),
    "move_in": UnitAction(
        ALLOCATE,
        gettext_lazy("Record who lives here"),
        gettext_lazy("The household was recorded as living here."),
        MoveInForm,
        lambda u, by, d: services.move_in(
            unit=u,
            household=d["household"],
            by=by,
            reason=MoveReason.RECORDED,
            day=d["day"],
            note=d["note"],
        ),
        lambda row: row.vacant,
    ),
    "transfer": UnitAction(
        ALLOCATE,
        gettext_lazy("Transfer the household"),
        gettext_lazy("The household was transferred."),
        TransferForm,
        lambda u, by, d: services.transfer(
            household=_household_in(u, by), to=d["to"], by=by, note=d["note"], day=d["day"]
        ),
        lambda row: row.occupied,
    ),
    "move_out": UnitAction(
        ALLOCATE,
        gettext_lazy("Move the household out"),
        gettext_lazy("The household was moved out; the unit is free."),
        MoveOutForm,
        lambda u, by, d: services.move_out(
            household=_household_in(u, by),
            by=by,
            end_reason=d["end_reason"],
            day=d["day"],
            note=d["note"],
        ),
        lambda row: row.occupied,
        "btn-outline-danger",
    ),
}


@login_required
def unit_action(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    user = request.user
    step = UNIT_ACTIONS.get(action)
    if step is None:
        raise Http404
    require_capability(user, step.capability)
    unit = _unit(request, reference)
    form = step.form(_data(request), unit=unit, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            step.perform(unit, user, form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(step.done))
            return redirect("housing:unit", reference=unit.reference)
    context = {
        "form": form,
        "title": step.title,
        "unit": unit,
        "action": action,
        "current": _current(unit, user) if action in ("transfer", "move_out") else None,
        "back": reverse("housing:unit", args=[unit.reference]),
    }
    return render(request, "housing/unit_form.html", context)


def _current(unit: Unit, user: User) -> Occupancy | None:
    return (
        Occupancy.objects.for_user(user)
        .filter(unit=unit, ended_on__isnull=True)
        .select_related("household__head")
        .first()
    )


# --- Facilities -----------------------------------------------------------------------------


@require_GET
@login_required
def facility_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = _settlement(request)
    form = FacilityFilterForm(request.GET or None, blocks=_blocks(user, settlement))
    found = Facility.objects.for_user(user).filter(settlement=settlement).select_related("block")
    context = {
        "settlement": settlement,
        "settlements": settlements,
        "form": form,
        "page_obj": Paginator(form.filter(found), PER_PAGE).get_page(request.GET.get("page")),
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "housing/facilities.html", context)


@require_GET
@login_required
def facility_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    facility = _facility(request, reference)
    context = {
        "facility": facility,
        "surveys": list(Survey.objects.for_user(user).filter(facility=facility)[:RECENT]),
        "works": list(WorkOrder.objects.for_user(user).filter(facility=facility)[:RECENT]),
        "events": list(facility.events.select_related("by")[:TIMELINE_LENGTH]),
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "housing/facility.html", context)


@login_required
def facility_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    settlement, _settlements = _settlement(request)
    form = NewFacilityForm(_data(request), blocks=_blocks(user, settlement))
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.add_facility(
                settlement=settlement, kind=form.cleaned_data["kind"], by=user, **form.details()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The facility was added."))
            return redirect("housing:facility", reference=facility.reference)
    context = {
        "form": form,
        "title": _("Add a facility"),
        "facility": None,
        "back": _in("housing:facilities", settlement),
    }
    return render(request, "housing/facility_form.html", context)


@login_required
def facility_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    facility = _facility(request, reference)
    blocks = _blocks(user, facility.settlement)
    form = EditFacilityForm(_data(request), facility=facility, blocks=blocks)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facility(
                facility=facility,
                by=user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The facility's details were saved."))
            return redirect("housing:facility", reference=facility.reference)
    context = {
        "form": form,
        "title": _("Correct the facility's details"),
        "facility": facility,
        "back": reverse("housing:facility", args=[facility.reference]),
    }
    return render(request, "housing/facility_form.html", context)


# --- Blocks ---------------------------------------------------------------------------------


@login_required
def block_list(request: AuthenticatedRequest) -> HttpResponse:
    """The blocks with their units; a manager adds a block here."""
    user = request.user
    require_capability(user, VIEW)
    if request.method == "POST":
        require_capability(user, MANAGE)
    settlement, settlements = _settlement(request)
    form = BlockForm(_data(request)) if user.has_capability(MANAGE) else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            block = services.create_block(settlement=settlement, by=user, **form.details())
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Block %(block)s was added.") % {"block": block.code})
            return redirect(_in("housing:blocks", settlement))
    lived_in = Q(units__occupancies__ended_on__isnull=True)
    blocks = _blocks(user, settlement).annotate(
        unit_count=Count("units", distinct=True),
        occupied=Count("units__occupancies", filter=lived_in, distinct=True),
        facility_count=Count("facilities", distinct=True),
    )
    context = {"settlement": settlement, "settlements": settlements, "blocks": blocks, "form": form}
    return render(request, "housing/blocks.html", context)


urlpatterns: list[URLPattern] = [
    path("", site_map, name="map"),
    path("units/", unit_list, name="units"),
    path("units/new/", unit_new, name="unit_new"),
    path("units/<str:reference>/", unit_detail, name="unit"),
    path("units/<str:reference>/edit/", unit_edit, name="unit_edit"),
    path("units/<str:reference>/do/<str:action>/", unit_action, name="unit_action"),
    path("facilities/", facility_list, name="facilities"),
    path("facilities/new/", facility_new, name="facility_new"),
    path("facilities/<str:reference>/", facility_detail, name="facility"),
    path("facilities/<str:reference>/edit/", facility_edit, name="facility_edit"),
    path("blocks/", block_list, name="blocks"),
]

"""Pledge pages: the list, recording a pledge, what arrives against it, where goods are
kept, and cancelling a pledge of which nothing arrived.

A pledge's own page, with what it reached, is ``assistance:pledge``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.core.permissions import get_for_user_or_404
from mehman.partners import services
from mehman.partners.forms.pledges import (
    CancelForm,
    PledgeFilterForm,
    PledgeForm,
    ReceiveForm,
    StoreForm,
)
from mehman.partners.models import (
    PLEDGE_TRANSITIONS,
    Donation,
    GiftKind,
    Organisation,
    Pledge,
    PledgeStatus,
)
from mehman.partners.views._common import (
    act,
    can_manage,
    data,
    page_of,
    require_manage,
    settlements_of,
)

_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))


def _pledge(request: HttpRequest, uuid: UUID) -> Pledge:
    return get_for_user_or_404(
        Pledge.objects.select_related("donor", "settlement"), request.user, uuid=uuid
    )


def _page(pledge: Pledge) -> str:
    return reverse("assistance:pledge", args=[pledge.uuid])


def can_receive(pledge: Pledge) -> bool:
    return pledge.status != PledgeStatus.CANCELLED


def can_cancel(pledge: Pledge) -> bool:
    return PledgeStatus.CANCELLED in PLEDGE_TRANSITIONS.get(pledge.status, frozenset())


@require_GET
@login_required
def pledge_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    donors = list(Organisation.objects.for_user(user).order_by("name_en"))
    form = PledgeFilterForm(request.GET or None, donors=donors)
    rows = (
        form.filter(Pledge.objects.for_user(user))
        .select_related("donor", "settlement")
        .annotate(
            received=Coalesce(Sum("donations__quantity"), _ZERO),
            used=Coalesce(Sum("donations__used_quantity"), _ZERO),
        )
        .order_by("-pledged_on", "-pk")
    )
    page = page_of(request, rows)
    for pledge in page:
        pledge.can_receive = can_receive(pledge)
        pledge.can_cancel = can_cancel(pledge)
    context = {
        "form": form,
        "page_obj": page,
        "can_manage": can_manage(request),
        "several_settlements": len(user.settlement_ids()) != 1,
    }
    return render(request, "partners/pledge_list.html", context)


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    require_manage(request)
    form = PledgeForm(
        data(request),
        donors=Organisation.objects.for_user(request.user).filter(is_active=True),
        settlements=settlements_of(request),
    )
    return act(
        request,
        form,
        title=_("Record a pledge"),
        perform=lambda d: services.record_pledge(
            donor=d["donor"], settlement=d["settlement"], by=request.user, **form.pledge_data()
        ),
        done=_("The pledge was recorded."),
        then=_page,
        back=reverse("partners:pledges"),
    )


@login_required
def pledge_receive(request: HttpRequest, pledge: UUID) -> HttpResponse:
    require_manage(request)
    found = _pledge(request, pledge)
    donations = Donation.objects.for_user(request.user).filter(pledge=found)
    return act(
        request,
        ReceiveForm(data(request)),
        title=_("Record what arrived"),
        perform=lambda d: services.receive_donation(pledge=found, by=request.user, **d),
        done=_("The donation was recorded."),
        then=lambda _result: _page(found),
        back=reverse("partners:pledges"),
        template="partners/pledge_receive.html",
        pledge=found,
        donations=donations,
        totals=services.totals(found),
        in_kind=found.kind == GiftKind.IN_KIND,
    )


@login_required
def donation_store(request: HttpRequest, donation: UUID) -> HttpResponse:
    require_manage(request)
    found = get_for_user_or_404(
        Donation.objects.select_related("pledge__donor", "pledge__settlement"),
        request.user,
        uuid=donation,
    )
    return act(
        request,
        StoreForm(data(request), initial={"place": found.stored_at}),
        title=_("Record where the goods are kept"),
        perform=lambda d: services.store_donation(donation=found, by=request.user, **d),
        done=_("The store was recorded."),
        then=lambda _result: _page(found.pledge),
        back=reverse("partners:pledge_receive", args=[found.pledge.uuid]),
        pledge=found.pledge,
        donation=found,
    )


@login_required
def pledge_cancel(request: HttpRequest, pledge: UUID) -> HttpResponse:
    require_manage(request)
    found = _pledge(request, pledge)
    return act(
        request,
        CancelForm(data(request)),
        title=_("Cancel the pledge"),
        perform=lambda d: services.cancel_pledge(pledge=found, by=request.user, **d),
        done=_("The pledge was cancelled."),
        then=lambda _result: reverse("partners:pledges"),
        back=reverse("partners:pledges"),
        pledge=found,
    )


urlpatterns = [
    path("pledges/", pledge_list, name="pledges"),
    path("pledges/new/", pledge_create, name="pledge_create"),
    path("pledges/<uuid:pledge>/receive/", pledge_receive, name="pledge_receive"),
    path("pledges/<uuid:pledge>/cancel/", pledge_cancel, name="pledge_cancel"),
    path("donations/<uuid:donation>/store/", donation_store, name="donation_store"),
]

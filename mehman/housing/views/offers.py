"""Vacancies and offers: the vacant units with the waitlisted households that fit them,
offering a unit, the list of offers, and recording the household's answer.

Every page names households, so it needs ``housing.view`` and a role that sees the
settlement's personal records (partner staff and analysts get 404). Offering a unit needs
``housing.allocate``; recording an answer needs ``housing.answer``. A national user picks
the settlement with ``?settlement=CODE``. The services refuse what the rules do not
allow (an unfit household, a unit already held, households passed over without a
reason); the page says why and nothing changes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.housing import services
from mehman.housing.forms.offers import (
    AcceptForm,
    DeclineForm,
    OfferFilterForm,
    OfferForm,
    VacancyFilterForm,
)
from mehman.housing.models import Block, Occupancy, Offer, OfferStatus, Unit, UnitState
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.services.applications import offer_days
from mehman.intake.views.letters import OFFER, letter_applies

VIEW, ALLOCATE, ANSWER = "housing.view", "housing.allocate", "housing.answer"
APPLY = "intake.apply"  # the offer letter is printed from the application's papers
PER_PAGE = 25
TOP_ON_VACANCIES = 3
TOP_WHEN_OFFERING = 10


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _reader(request: AuthenticatedRequest) -> User:
    """Staff who may see housing and the settlement's households; 404 for anyone else."""
    user = request.user
    require_capability(user, VIEW)
    if not user.sees_settlement_records:
        raise Http404
    return user


def _settlements(user: User) -> list[Settlement]:
    return list(Settlement.objects.for_user(user).filter(is_active=True).order_by("code"))


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


# --- Who fits a unit ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A waitlisted household that fits the unit, and how many rank above it."""

    application: Application
    needs_step_free: bool
    ahead: int | None = None


def _candidates(
    unit: Unit,
    limit: int,
    *,
    count_ahead: bool,
    found: list[tuple[Application, bool]] | None = None,
) -> list[Candidate]:
    """The households of the unit's settlement (in the user's scope with the unit) that fit."""
    if found is None:
        found = services.candidates_for(unit, limit=limit)
    ranks: list[int] = []
    if count_ahead:  # as make_offer counts them: waitlisted households ranked higher
        waitlisted = Application.objects.filter(
            settlement_id=unit.settlement_id, status=ApplicationStatus.WAITLISTED
        )
        ranks = sorted(r for r in waitlisted.values_list("rank", flat=True) if r is not None)
    return [
        Candidate(
            application=a,
            needs_step_free=needs,
            ahead=bisect_left(ranks, a.rank) if count_ahead and a.rank else None,
        )
        for a, needs in found
    ]


# --- Vacancies ------------------------------------------------------------------------------


@require_GET
@login_required
def vacancies(request: AuthenticatedRequest) -> HttpResponse:
    user = _reader(request)
    settlement, settlements = _settlement(request)
    blocks = Block.objects.for_user(user).filter(settlement=settlement).order_by("code")
    form = VacancyFilterForm(request.GET or None, blocks=list(blocks), settlements=settlements)
    vacant = Unit.objects.vacant().for_user(user).filter(settlement=settlement)
    units = form.filter(vacant.select_related("block").order_by("block__code", "number"))
    page = Paginator(units, PER_PAGE).get_page(request.GET.get("page"))
    found = services.candidates_for_units(list(page), limit=TOP_ON_VACANCIES)
    context = {
        "settlement": settlement,
        "form": form,
        "page_obj": page,
        "rows": [
            (u, _candidates(u, TOP_ON_VACANCIES, count_ahead=False, found=found[u.pk]))
            for u in page
        ],
        "open_offers": Offer.objects.open().for_user(user).filter(settlement=settlement).count(),
        "waiting": Application.objects.for_user(user)
        .filter(settlement=settlement, status=ApplicationStatus.WAITLISTED)
        .count(),
        "can_allocate": user.has_capability(ALLOCATE),
    }
    return render(request, "housing/vacancies.html", context)


# --- Offering a unit ------------------------------------------------------------------------


def _why_not_vacant(unit: Unit, user: User) -> tuple[str, Offer | None]:
    """Why the unit cannot be offered now (empty when it can), and the offer holding it."""
    if unit.state != UnitState.READY:
        return _("This unit is not habitable (%(state)s).") % {
            "state": unit.get_state_display()
        }, None
    if Occupancy.objects.filter(unit=unit, ended_on__isnull=True).exists():
        return _("A household lives in this unit."), None
    held = (
        Offer.objects.open()
        .for_user(user)
        .filter(unit=unit, application__status=ApplicationStatus.OFFERED)
        .first()
    )
    if held is not None:
        return _("This unit is held for a household awaiting its answer."), held
    return "", None


@login_required
def offer_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, ALLOCATE)
    unit = get_for_user_or_404(
        Unit.objects.select_related("block", "settlement"), user, reference=reference
    )
    candidates = _candidates(unit, TOP_WHEN_OFFERING, count_ahead=True)
    initial: dict[str, Any] = {"respond_by": dates.today() + timedelta(days=offer_days())}
    if candidates:
        initial["application"] = candidates[0].application.reference
    form = OfferForm(
        _data(request), candidates=[c.application for c in candidates], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = get_for_user_or_404(Application.objects, user, pk=data["application"].pk)
        try:
            made = services.offer_unit(
                unit=unit,
                application=application,
                by=user,
                respond_by=data["respond_by"],
                skip_reason=data["skip_reason"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            params = {"unit": unit.reference, "application": made.application.reference}
            messages.success(request, _("Unit %(unit)s was offered to %(application)s.") % params)
            return redirect("housing:offer", offer=made.uuid)
    blocked, held = _why_not_vacant(unit, user)
    context = {"unit": unit, "candidates": candidates, "form": form}
    context.update(blocked=blocked, held=held, chosen=form["application"].value())
    return render(request, "housing/offer_new.html", context)


# --- The offers -----------------------------------------------------------------------------


def _in_order(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """Open offers first, soonest due first; then the answered ones, latest first."""
    open_first = Case(
        When(status=OfferStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    due = Case(When(status=OfferStatus.OPEN, then=F("respond_by")), default=None)
    return offers.annotate(open_first=open_first, due=due).order_by(
        "open_first", "due", F("answered_on").desc(nulls_last=True), "-offered_on", "-id"
    )


@require_GET
@login_required
def offer_list(request: AuthenticatedRequest) -> HttpResponse:
    user = _reader(request)
    today = dates.today()
    form = OfferFilterForm(request.GET or None, settlements=_settlements(user))
    found = form.filter(Offer.objects.for_user(user), today=today).select_related(
        "unit__block", "application__household", "settlement"
    )
    page = Paginator(_in_order(found), PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "today": today}
    return render(request, "housing/offers.html", context)


def _offer(request: AuthenticatedRequest, uuid: Any) -> Offer:
    related = ("unit__block", "application__household__head", "settlement", "run", "offered_by")
    return get_for_user_or_404(Offer.objects.select_related(*related), request.user, uuid=uuid)


def _offer_context(
    request: AuthenticatedRequest, offer: Offer, forms_shown: dict[str, forms.Form]
) -> dict[str, Any]:
    user = request.user
    application = offer.application
    # The application keeps the reasons of its latest offer only.
    latest = (application.offer_place, application.offered_on) == (
        offer.unit.reference,
        offer.offered_on,
    )
    can_answer = offer.status == OfferStatus.OPEN and user.has_capability(ANSWER)
    return {
        "offer": offer,
        "application": application,
        "household": application.household,
        "unit": offer.unit,
        "latest": latest,
        "overdue": offer.status == OfferStatus.OPEN and offer.respond_by < dates.today(),
        "letter": user.has_capability(APPLY) and letter_applies(application, OFFER),
        "can_answer": can_answer,
        "accept_form": forms_shown.get("accept") or AcceptForm(initial={"day": dates.today()}),
        "decline_form": forms_shown.get("decline") or DeclineForm(),
        "answer": next(iter(forms_shown), ""),
        "posted": next(iter(forms_shown.values()), None),
    }


@require_GET
@login_required
def offer_detail(request: AuthenticatedRequest, offer: Any) -> HttpResponse:
    _reader(request)
    return render(
        request, "housing/offer.html", _offer_context(request, _offer(request, offer), {})
    )


# --- The household's answer -----------------------------------------------------------------


def _accept(request: AuthenticatedRequest, offer: Offer, data: dict[str, Any]) -> HttpResponse:
    services.accept_unit_offer(offer=offer, by=request.user, day=data["day"])
    params = {"unit": offer.unit.reference, "application": offer.application.reference}
    messages.success(
        request,
        _("%(application)s accepted: the household is admitted and lives in %(unit)s.") % params,
    )
    return redirect("housing:unit", reference=offer.unit.reference)


def _decline(request: AuthenticatedRequest, offer: Offer, data: dict[str, Any]) -> HttpResponse:
    services.decline_unit_offer(
        offer=offer,
        by=request.user,
        reason=data["reason"],
        back_to_waitlist=data["back_to_waitlist"],
    )
    if data["back_to_waitlist"]:
        done = _("The offer was declined; the household is back on the waitlist.")
    else:
        done = _("The offer was declined and the application closed.")
    messages.success(request, done)
    return redirect("housing:offer", offer=offer.uuid)


ANSWERS: dict[str, tuple[type[forms.Form], Callable[..., HttpResponse]]] = {
    "accept": (AcceptForm, _accept),
    "decline": (DeclineForm, _decline),
}


@login_required
def offer_answer(request: AuthenticatedRequest, offer: Any, answer: str) -> HttpResponse:
    if answer not in ANSWERS:
        raise Http404
    require_capability(request.user, ANSWER)
    _reader(request)
    found = _offer(request, offer)
    form_class, record = ANSWERS[answer]
    form = form_class(_data(request), initial={"day": dates.today()})
    if request.method == "POST" and form.is_valid():
        try:
            return record(request, found, form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
    context = _offer_context(request, found, {answer: form})
    return render(request, "housing/offer.html", context)


urlpatterns: list[URLPattern] = [
    path("vacancies/", vacancies, name="vacancies"),
    path("units/<str:reference>/offer/", offer_new, name="offer_new"),
    path("offers/", offer_list, name="offers"),
    path("offers/<uuid:offer>/", offer_detail, name="offer"),
    path("offers/<uuid:offer>/<str:answer>/", offer_answer, name="offer_answer"),
]

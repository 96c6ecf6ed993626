"""Referrals: the staff list, referring a household to a partner, a referral's page with
its history, and answering it (accept, decline with a reason, close with an outcome).

Staff with ``assistance.record`` refer and may answer on a partner's behalf; partner
staff answer the referrals shared with them. Both reach a referral only through
``Referral.objects.for_user``: anything else is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.assistance import services
from mehman.assistance.forms.referrals import (
    CloseForm,
    DeclineForm,
    ReferForm,
    ReferralFilterForm,
)
from mehman.assistance.models import Referral, is_partner_staff
from mehman.assistance.sharing import uncovered_organisations
from mehman.core import dates, names
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.partners.models import Organisation
from mehman.registry.models import Household

PER_PAGE = 50


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


# --- The staff list --------------------------------------------------------------------------


@require_GET
@login_required
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.sees_settlement_records:  # partner staff use their portal; analysts see no one
        raise Http404
    organisations = list(Organisation.objects.for_user(user).order_by("name_en"))
    form = ReferralFilterForm(request.GET or None, organisations=organisations)
    referrals = form.filter(Referral.objects.for_user(user)).select_related(
        "household__head", "household__settlement", "organisation"
    )
    page = Paginator(referrals, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "today": dates.today()}
    return render(request, "assistance/referral_list.html", context)


# --- Referring a household -------------------------------------------------------------------


@login_required
def refer(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, "assistance.record")
    household = get_for_user_or_404(
        Household.objects.select_related("settlement", "head"),
        user,
        reference=names.reference_key(reference) or reference,
    )
    organisations = Organisation.objects.for_user(user).filter(
        settlements=household.settlement_id, is_active=True
    )
    unshared = uncovered_organisations(
        organisations.values_list("pk", flat=True), household.settlement_id
    )
    form = ReferForm(
        _data(request),
        organisations=organisations,
        unshared=unshared,
        initial={"due_on": dates.add_months(dates.today(), 1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer_household(
                household=household, by=user, **form.referral_data()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The household was referred."))
            if referral.organisation_id in unshared:
                messages.warning(
                    request,
                    _(
                        "The organisation has no live data-sharing agreement for this "
                        "settlement: its staff will not see the household until there is one."
                    ),
                )
            return redirect("assistance:referral", referral=referral.uuid)
    context = {
        "form": form,
        "household": household,
        "title": _("Refer to a partner"),
        "unshared": [o for o in organisations if o.pk in unshared],
    }
    return render(request, "assistance/referral_new.html", context)


# --- One referral ----------------------------------------------------------------------------


def _referral(request: AuthenticatedRequest, referral: UUID) -> Referral:
    return get_for_user_or_404(
        Referral.objects.select_related(
            "household__head", "household__settlement", "organisation", "referred_by"
        ),
        request.user,
        uuid=referral,
    )


def _may_answer(user: User) -> bool:
    return user.has_capability("assistance.record") or (
        is_partner_staff(user) and user.has_capability("partners.portal")
    )


@require_GET
@login_required
def referral_detail(request: AuthenticatedRequest, referral: UUID) -> HttpResponse:
    user = request.user
    record = _referral(request, referral)
    history = record.history.select_related("history_user").order_by("history_date", "pk")
    context = {
        "referral": record,
        "history": list(history),
        "may_answer": _may_answer(user),
        "partner": is_partner_staff(user),
    }
    return render(request, "assistance/referral_detail.html", context)


def _answer(
    request: AuthenticatedRequest,
    referral: UUID,
    *,
    form_class: type[forms.Form],
    title: StrOrPromise,
    perform: Callable[[Referral, dict[str, Any]], Referral],
    done: StrOrPromise,
    action: str,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service. A partner whose referral is no
    longer open (declined, closed) goes back to the portal: the referral is not theirs to
    see any more."""
    user = request.user
    if not _may_answer(user):
        raise Http404
    record = _referral(request, referral)
    form = form_class(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(record, form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(done))
            if is_partner_staff(user) and not result.is_open:
                return redirect("assistance:portal")
            return redirect("assistance:referral", referral=result.uuid)
    context = {"form": form, "referral": record, "title": title, "action": action}
    return render(request, "assistance/referral_action.html", context)


@login_required
def referral_accept(request: AuthenticatedRequest, referral: UUID) -> HttpResponse:
    return _answer(
        request,
        referral,
        form_class=forms.Form,
        title=_("Accept the referral"),
        perform=lambda r, d: services.accept_referral(referral=r, by=request.user),
        done=_("The referral was accepted."),
        action="accept",
    )


@login_required
def referral_decline(request: AuthenticatedRequest, referral: UUID) -> HttpResponse:
    return _answer(
        request,
        referral,
        form_class=DeclineForm,
        title=_("Decline the referral"),
        perform=lambda r, d: services.decline_referral(
            referral=r, by=request.user, reason=d["reason"]
        ),
        done=_("The referral was declined."),
        action="decline",
    )


@login_required
def referral_close(request: AuthenticatedRequest, referral: UUID) -> HttpResponse:
    return _answer(
        request,
        referral,
        form_class=CloseForm,
        title=_("Close the referral"),
        perform=lambda r, d: services.close_referral(
            referral=r, by=request.user, outcome=d["outcome"]
        ),
        done=_("The referral was closed."),
        action="close",
    )


urlpatterns = [
    path("referrals/", referral_list, name="referrals"),
    path("households/<str:reference>/refer/", refer, name="refer"),
    path("referrals/<uuid:referral>/", referral_detail, name="referral"),
    path("referrals/<uuid:referral>/accept/", referral_accept, name="referral_accept"),
    path("referrals/<uuid:referral>/decline/", referral_decline, name="referral_decline"),
    path("referrals/<uuid:referral>/close/", referral_close, name="referral_close"),
]

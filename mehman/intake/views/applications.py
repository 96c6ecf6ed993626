"""Applications for staff: the list, starting one, its page (screening, score, rank
history, timeline), correcting it, and each step of the status machine.

Reading needs the application in the user's scope (``Application.objects.for_user``);
starting, correcting and the household's own steps need ``intake.apply``; decisions
(screening, the waitlist, offers, admission, expiry, appeals, re-reading) need
``intake.decide``. Anything else is 404. The services refuse a step the status does
not allow; the page says why and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates, names
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.intake import handover, queries, services
from mehman.intake.forms.applications import (
    AppealForm,
    ApplicationFilterForm,
    ConfirmForm,
    DecideAppealForm,
    DeclineForm,
    EditApplicationForm,
    NewApplicationForm,
    OfferForm,
    ReasonForm,
)
from mehman.intake.models import AppealSubject, Application, ApplicationStatus, RuleKind
from mehman.intake.services.applications import offer_days
from mehman.intake.services.status import normalise_reference
from mehman.intake.views._pins import recent_pin, remember_pin
from mehman.partners.models import Organisation
from mehman.registry.models import DocumentType, Household

S = ApplicationStatus
APPLY = "intake.apply"
DECIDE = "intake.decide"
PER_PAGE = 50
TIMELINE_LENGTH = 50


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _require_reader(user: User) -> None:
    """Partner staff and analysts see no application."""
    if not user.sees_settlement_records:
        raise Http404


def _application(request: AuthenticatedRequest, reference: str) -> Application:
    return get_for_user_or_404(
        Application.objects.select_related(
            "household__head", "settlement", "referred_by", "screened_by"
        ),
        request.user,
        reference=normalise_reference(reference),
    )


def _partners(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(user).filter(is_active=True).order_by("name_en")


# --- The list ---------------------------------------------------------------------------------


@require_GET
@login_required
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    form = ApplicationFilterForm(request.GET or None)
    rows = form.filter(Application.objects.for_user(user)).select_related("household__head")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "can_apply": user.has_capability(APPLY)}
    return render(request, "intake/application_list.html", context)


# --- Starting and correcting ------------------------------------------------------------------


@login_required
def application_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, APPLY)
    typed = request.GET.get("household", "")
    form = NewApplicationForm(
        _data(request),
        households=Household.objects.for_user(user),
        organisations=_partners(user),
        initial={"household": names.reference_key(typed) or typed, "applied_on": dates.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                household=form.cleaned_data["household"], by=user, **form.details()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(_("The application was started.")))
            return redirect("intake:detail", reference=application.reference)
    context = {"form": form, "title": _("Start an application"), "application": None}
    return render(request, "intake/application_form.html", context)


@login_required
def application_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, APPLY)
    application = _application(request, reference)
    partners = _partners(user).filter(settlements=application.settlement_id)
    form = EditApplicationForm(_data(request), application=application, organisations=partners)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(
                application=application,
                by=user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(_("The application was corrected.")))
            return redirect("intake:detail", reference=application.reference)
    context = {"form": form, "title": _("Correct the application"), "application": application}
    return render(request, "intake/application_form.html", context)


# --- One application ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule's finding at screening, in the reader's language and the other one."""

    rule: str
    passed: bool
    message: str
    detail: str
    other_message: str
    other_detail: str
    other_language: str


def _findings(application: Application) -> list[Finding]:
    persian = (get_language() or "fa").startswith("fa")
    first, second = ("fa", "en") if persian else ("en", "fa")
    labels = dict(RuleKind.choices)
    return [
        Finding(
            rule=str(labels.get(row.get("kind", ""), row.get("kind", ""))),
            passed=bool(row.get("passed")),
            message=str(row.get(f"message_{first}", "")),
            detail=str(row.get(f"detail_{first}", "")),
            other_message=str(row.get(f"message_{second}", "")),
            other_detail=str(row.get(f"detail_{second}", "")),
            other_language=second,
        )
        for row in application.eligibility or []
    ]


def _pin_shown_key(application: Application) -> str:
    return f"intake_pin_unshown:{application.reference}"


def _letters(application: Application) -> list[tuple[str, StrOrPromise]]:
    if application.status == S.INELIGIBLE or (
        application.status == S.APPEAL and application.appeal_of == AppealSubject.INELIGIBILITY
    ):
        return [("ineligibility", _("Ineligibility letter"))]
    if application.status in (S.OFFERED, S.ACCEPTED):
        return [("offer", _("Offer letter"))]
    return []


@require_GET
@login_required
def application_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    application = _application(request, reference)
    weights = services.current_weights(application.settlement)
    lines = queries.breakdown(application, weights, user=user)
    # The PIN is shown once, right after it was given; the receipt may print it a while longer.
    fresh = request.session.pop(_pin_shown_key(application), False)
    kept_pin = recent_pin(request, application)
    documents = dict(DocumentType.choices)
    context = {
        "application": application,
        "findings": _findings(application),
        "weights": weights,
        "lines": lines,
        "total": sum((line.points for line in lines), Decimal(0)),
        "ahead": queries.households_ahead(application),
        "moves": queries.rank_history(application),
        "events": application.events.select_related("by")[:TIMELINE_LENGTH],
        "actions": _actions_for(user, application),
        "answered_at": handover.answered_at(application),
        "can_apply": user.has_capability(APPLY),
        "pin": kept_pin if fresh else None,
        "pin_kept": kept_pin is not None,
        "letters": _letters(application),
        "documents": gettext(", ").join(
            str(documents.get(code, code)) for code in application.documents_seen
        ),
    }
    return render(request, "intake/application_detail.html", context)


# --- The steps of the status machine -----------------------------------------------------------


Performed = tuple[Application, str | None]


@dataclass(frozen=True)
class Action:
    capability: str
    title: StrOrPromise
    done: StrOrPromise
    form: type[forms.Form]
    perform: Callable[[Application, User, dict[str, Any]], Performed]
    shown: Callable[[Application], bool]
    style: str = "btn-outline-primary"


def _to(status: str) -> Callable[[Application], bool]:
    """Offered when the status machine allows the step (appeals are decided, not redone)."""
    return lambda a: a.allowed(status) and a.status != S.APPEAL


def _only(application: Application) -> Performed:
    return application, None


def _submit(a: Application, by: User, d: dict[str, Any]) -> Performed:
    return services.submit_application(application=a, by=by)


ACTIONS: dict[str, Action] = {
    "submit": Action(
        APPLY,
        _("Submit the application"),
        _("The application was submitted. Give the household its PIN."),
        ConfirmForm,
        _submit,
        _to(S.SUBMITTED),
        "btn-primary",
    ),
    "pin": Action(
        APPLY,
        _("Issue a new PIN"),
        _("A new PIN was issued; the old one no longer works."),
        ConfirmForm,
        lambda a, by, d: (a, services.issue_pin(application=a, by=by)),
        lambda a: a.is_open and a.status != S.DRAFT,
    ),
    "screen": Action(
        DECIDE,
        _("Screen against the eligibility rules"),
        _("The application was screened."),
        ConfirmForm,
        lambda a, by, d: _only(services.screen_application(application=a, by=by)),
        _to(S.ELIGIBLE),
        "btn-primary",
    ),
    "waitlist": Action(
        DECIDE,
        _("Place on the waitlist"),
        _("The household is on the waitlist."),
        ConfirmForm,
        lambda a, by, d: _only(services.place_on_waitlist(application=a, by=by)),
        _to(S.WAITLISTED),
        "btn-primary",
    ),
    "offer": Action(
        DECIDE,
        _("Offer a home"),
        _("The home was offered."),
        OfferForm,
        lambda a, by, d: _only(
            services.make_offer(
                application=a,
                by=by,
                place=d["place"],
                respond_by=d["respond_by"],
                skip_reason=d["skip_reason"],
            )
        ),
        _to(S.OFFERED),
        "btn-primary",
    ),
    "accept": Action(
        APPLY,
        _("Record that the household accepts"),
        _("The acceptance was recorded."),
        ConfirmForm,
        lambda a, by, d: _only(services.accept_offer(application=a, by=by)),
        _to(S.ACCEPTED),
        "btn-success",
    ),
    "decline": Action(
        APPLY,
        _("Record that the household declines"),
        _("The refusal was recorded."),
        DeclineForm,
        lambda a, by, d: _only(
            services.decline_offer(
                application=a, by=by, reason=d["reason"], back_to_waitlist=d["back_to_waitlist"]
            )
        ),
        _to(S.DECLINED),
    ),
    "admit": Action(
        DECIDE,
        _("Admit the household"),
        _("The household was admitted and is now a resident."),
        ConfirmForm,
        lambda a, by, d: _only(services.admit(application=a, by=by)),
        _to(S.ADMITTED),
        "btn-success",
    ),
    "appeal": Action(
        APPLY,
        _("Lodge an appeal"),
        _("The appeal was lodged."),
        AppealForm,
        lambda a, by, d: _only(services.lodge_appeal(application=a, by=by, grounds=d["grounds"])),
        _to(S.APPEAL),
    ),
    "decide": Action(
        DECIDE,
        _("Decide the appeal"),
        _("The appeal was decided."),
        DecideAppealForm,
        lambda a, by, d: _only(
            services.decide_appeal(
                application=a, by=by, upheld=d["upheld"] == "yes", decision=d["decision"]
            )
        ),
        lambda a: a.status == S.APPEAL,
        "btn-primary",
    ),
    "refresh": Action(
        DECIDE,
        _("Re-read the household's information"),
        _("The household's information was re-read."),
        ConfirmForm,
        lambda a, by, d: _only(services.refresh_application(application=a, by=by)),
        lambda a: a.is_open and a.status != S.DRAFT,
    ),
    "withdraw": Action(
        APPLY,
        _("Withdraw the application"),
        _("The application was withdrawn."),
        ReasonForm,
        lambda a, by, d: _only(
            services.withdraw_application(application=a, by=by, reason=d["reason"])
        ),
        lambda a: a.allowed(S.WITHDRAWN),
        "btn-outline-danger",
    ),
    "expire": Action(
        DECIDE,
        _("Close as expired"),
        _("The application was closed as expired."),
        ReasonForm,
        lambda a, by, d: _only(
            services.expire_application(application=a, by=by, reason=d["reason"])
        ),
        lambda a: a.allowed(S.EXPIRED),
        "btn-outline-danger",
    ),
}


def _actions_for(user: User, application: Application) -> list[tuple[str, Action]]:
    held = handover.answered_at(application) is not None
    return [
        (name, action)
        for name, action in ACTIONS.items()
        if user.has_capability(action.capability)
        and action.shown(application)
        and not (held and name in handover.ANSWER_STEPS)
    ]


def _initial(name: str, application: Application) -> dict[str, Any]:
    if name == "offer":
        return {"respond_by": dates.today() + timedelta(days=offer_days())}
    return {}


@login_required
def application_action(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    user = request.user
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    require_capability(user, step.capability)
    application = _application(request, reference)
    form = step.form(_data(request), initial=_initial(action, application))
    if request.method == "POST" and form.is_valid():
        try:
            if action in handover.ANSWER_STEPS:
                handover.refuse_if_held(application)
            result, pin = step.perform(application, user, form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            if pin is not None:
                remember_pin(request, result, pin)
                request.session[_pin_shown_key(result)] = True
            messages.success(request, str(step.done))
            return redirect("intake:detail", reference=result.reference)
    context = {
        "form": form,
        "application": application,
        "action": action,
        "step": step,
        "ahead": queries.households_ahead(application),
    }
    return render(request, "intake/application_action.html", context)


urlpatterns = [
    path("applications/", application_list, name="list"),
    path("applications/new/", application_new, name="new"),
    path("applications/<str:reference>/", application_detail, name="detail"),
    path("applications/<str:reference>/edit/", application_edit, name="edit"),
    re_path(
        rf"^applications/(?P<reference>[^/]+)/(?P<action>{'|'.join(ACTIONS)})/$",
        application_action,
        name="action",
    ),
]

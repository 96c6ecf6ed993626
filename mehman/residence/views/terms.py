"""Residence terms: the list, a term's page, starting one by hand, its agreement (conditions,
the PDF to sign, the signature and its scan), its exit plan, beginning the exit and recording it.

Reading needs ``residence.view`` and the term in the user's scope; the agreement, the plan and
the exit need ``residence.review``; starting a term by hand needs ``residence.manage``.
Anything else is 404. The services refuse what the term's status does not allow, and an edit
made on a stale page (the term's version); the page says why and nothing changes. The scan is
served only through ``agreement_scan``, which checks the term's settlement.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates, digits, pdf
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.registry.models import Household
from mehman.residence import agreement, services
from mehman.residence.forms.terms import (
    AgreementForm,
    BeginExitForm,
    ConditionsForm,
    EndTermForm,
    PlanForm,
    StartTermForm,
    TermFilterForm,
)
from mehman.residence.models import ResidenceTerm, TermStatus
from mehman.residence.queries import terms as queries
from mehman.residence.services.terms import check_can_start, open_review_of

VIEW = "residence.view"
REVIEW = "residence.review"
MANAGE = "residence.manage"
PER_PAGE = 50


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def term_of(request: AuthenticatedRequest, reference: str) -> ResidenceTerm:
    return get_for_user_or_404(
        ResidenceTerm.objects.select_related(
            "settlement", "household__head", "application", "conversion"
        ),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


# --- The list ------------------------------------------------------------------------------


@require_GET
@login_required
def term_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = chosen_settlement(user, request.GET.get("settlement") or "")
    terms = queries.terms_of(user, settlement)
    form = TermFilterForm(request.GET or None, blocks=queries.blocks_of(user, settlement))
    rows = form.filter(terms).order_by("planned_end", "id")
    context = {
        "form": form,
        "page_obj": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "counts": queries.status_counts(terms),
        "settlement": settlement,
        "settlements": settlements,
        "today": dates.today(),
    }
    return render(request, "residence/terms.html", context)


# --- One term -------------------------------------------------------------------------------


def _forms(term: ResidenceTerm) -> dict[str, Form | None]:
    """The forms the term page shows a reviewer, by what the term's status allows."""
    reviewing = open_review_of(term) is not None
    return {
        "sign_form": AgreementForm(term=term) if term.is_open else None,
        "exit_form": (
            BeginExitForm(term=term)
            if term.is_open and term.status != TermStatus.ENDING and not reviewing
            else None
        ),
        "end_form": EndTermForm(term=term) if term.status == TermStatus.ENDING else None,
    }


@require_GET
@login_required
def term_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    term = term_of(request, reference)
    can_review = user.has_capability(REVIEW)
    context = {
        "term": term,
        "household": term.household,
        "today": dates.today(),
        "max_extensions": int(settings.MEHMAN_MAX_EXTENSIONS),
        "reviews": queries.reviews_of(term),
        "events": queries.timeline(term),
        "can_review": can_review,
        "in_review": open_review_of(term) is not None,
        **(_forms(term) if can_review else {}),
    }
    return render(request, "residence/term.html", context)


# --- Starting a term by hand -----------------------------------------------------------------


@login_required
def term_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    household = get_for_user_or_404(
        Household.objects.select_related("head", "settlement"), user, reference=reference
    )
    form = StartTermForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            term = services.start_term(household=household, by=user, **form.values())
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The residence term was started."))
            return redirect("residence:term", reference=term.reference)
    try:
        check_can_start(household)
        refusal = None
    except ValidationError as error:
        refusal = " ".join(error.messages)
    context = {"form": form, "household": household, "refusal": refusal}
    return render(request, "residence/term_new.html", context)


# --- The steps on a term: agreement, plan, exit -------------------------------------------------


def _step(
    request: AuthenticatedRequest,
    term: ResidenceTerm,
    form: Form,
    perform: Callable[[dict[str, Any]], object],
    *,
    name: str,
    title: StrOrPromise,
    done: StrOrPromise,
    **extra: Any,
) -> HttpResponse:
    """Validate the form, call the service, and go back to the term; or show the form again
    with the error, nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(done))
            return redirect("residence:term", reference=term.reference)
    context = {
        "term": term,
        "form": form,
        "title": title,
        "target": reverse(f"residence:{name}", args=[term.reference]),
        "testid": name,
        **extra,
    }
    return render(request, "residence/term_step.html", context)


def _reviewer_term(request: AuthenticatedRequest, reference: str) -> ResidenceTerm:
    require_capability(request.user, REVIEW)
    return term_of(request, reference)


@login_required
def term_conditions(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    term = _reviewer_term(request, reference)
    form = ConditionsForm(_data(request), term=term)

    def perform(d: dict[str, Any]) -> object:
        return services.set_conditions(
            term=term, by=request.user, conditions=d["conditions"], expected_version=d["version"]
        )

    return _step(
        request,
        term,
        form,
        perform,
        name="term_conditions",
        title=_("Conditions of the agreement"),
        done=_("The conditions of the agreement were changed."),
        signed=term.agreement_signed_on is not None,
    )


@login_required
def term_plan(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    term = _reviewer_term(request, reference)
    form = PlanForm(_data(request), term=term)

    def perform(d: dict[str, Any]) -> object:
        return services.update_plan(
            term=term,
            by=request.user,
            pathway=d["pathway"],
            exit_plan=d["exit_plan"],
            expected_version=d["version"],
        )

    return _step(
        request,
        term,
        form,
        perform,
        name="term_plan",
        title=_("Exit plan"),
        done=_("The exit plan was saved."),
    )


@login_required
def agreement_sign(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    term = _reviewer_term(request, reference)
    data = _data(request)
    form = AgreementForm(data, request.FILES if data is not None else None, term=term)

    def perform(d: dict[str, Any]) -> object:
        return services.record_agreement(
            term=term,
            by=request.user,
            signed_on=d["signed_on"],
            scan=d["scan"] or None,
            expected_version=d["version"],
        )

    return _step(
        request,
        term,
        form,
        perform,
        name="agreement_sign",
        title=_("Record the signed agreement"),
        done=_("The signed agreement was recorded."),
        multipart=True,
    )


@login_required
def begin_exit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    term = _reviewer_term(request, reference)
    form = BeginExitForm(_data(request), term=term)

    def perform(d: dict[str, Any]) -> object:
        return services.begin_exit(
            term=term, by=request.user, reason=d["reason"], expected_version=d["version"]
        )

    return _step(
        request,
        term,
        form,
        perform,
        name="begin_exit",
        title=_("Begin the exit"),
        done=_("The exit has begun. Record it when the household leaves."),
    )


@login_required
def term_end(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    term = _reviewer_term(request, reference)
    form = EndTermForm(_data(request), term=term)

    def perform(d: dict[str, Any]) -> object:
        return services.end_term(
            term=term,
            by=request.user,
            exit_reason=d["exit_reason"],
            exit_on=d["exit_on"],
            note=d["note"],
            expected_version=d["version"],
        )

    return _step(
        request,
        term,
        form,
        perform,
        name="term_end",
        title=_("Record the exit"),
        done=_("The exit was recorded and the term ended."),
        not_ending=term.status != TermStatus.ENDING,
    )


# --- The agreement's papers -----------------------------------------------------------------


@require_GET
@login_required
def agreement_pdf(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    require_capability(request.user, VIEW)
    term = term_of(request, reference)
    language = agreement.agreement_language(request)
    document = agreement.agreement_pdf(term, language)
    return pdf.pdf_response(document, filename=f"{term.reference}-agreement-{language}")


@require_GET
@login_required
def agreement_scan(request: AuthenticatedRequest, reference: str) -> FileResponse:
    """The scan of the signed agreement, for whoever may read the term."""
    require_capability(request.user, VIEW)
    term = term_of(request, reference)
    if not term.agreement_scan:
        raise Http404
    try:
        handle = term.agreement_scan.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = term.agreement_scan.name or ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("", term_list, name="terms"),
    path("households/<str:reference>/term/", term_new, name="term_new"),
    path("terms/<str:reference>/", term_detail, name="term"),
    path("terms/<str:reference>/agreement.pdf", agreement_pdf, name="agreement"),
    path("terms/<str:reference>/agreement/sign/", agreement_sign, name="agreement_sign"),
    path("terms/<str:reference>/agreement/scan/", agreement_scan, name="agreement_scan"),
    path("terms/<str:reference>/conditions/", term_conditions, name="term_conditions"),
    path("terms/<str:reference>/plan/", term_plan, name="term_plan"),
    path("terms/<str:reference>/exit/", begin_exit, name="begin_exit"),
    path("terms/<str:reference>/end/", term_end, name="term_end"),
]

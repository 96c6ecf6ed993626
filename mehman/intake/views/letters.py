"""Printed papers of an application: the receipt given at submission (with the PIN for
the status page) and the letters of ineligibility and of an offer, in Persian or English.

They print reference numbers and what the household needs to know, never a protected
need nor the score's details.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mehman.core import dates, pdf, qr
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.intake.models import AppealSubject, Application, ApplicationStatus
from mehman.intake.services.applications import (
    appeal_days,
    appeal_deadline,
    ineligibility_appeal_decided,
)
from mehman.intake.views._pins import recent_pin

S = ApplicationStatus
APPLY = "intake.apply"
DEFAULT_LANGUAGE = "fa"
INELIGIBILITY, OFFER = "ineligibility", "offer"
NO_PIN = _(
    "The PIN is printed only just after it is given. Issue a new PIN to print a receipt; "
    "the old PIN then stops working."
)


def letter_language(request: HttpRequest) -> str:
    """``?lang=en`` prints in English; Persian otherwise, whatever the interface language."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def _application(request: HttpRequest, reference: str) -> Application:
    require_capability(request.user, APPLY)
    return get_for_user_or_404(
        Application.objects.select_related("settlement", "household__head"),
        request.user,
        reference=reference,
    )


# --- The receipt -----------------------------------------------------------------------


def receipt_context(application: Application, *, pin: str, status_url: str) -> dict[str, Any]:
    submitted_at = application.submitted_at or timezone.now()
    return {
        "application": application,
        "settlement": application.settlement,
        "household_reference": application.household.reference,
        "submitted_on": timezone.localtime(submitted_at).date(),
        "pin": pin,
        "status_url": status_url,
        "qr": qr.qr_data_uri(application.reference),  # the reference number only
        "issued_on": dates.today(),
    }


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    pin = recent_pin(request, application)
    if pin is None:
        messages.warning(request, NO_PIN)
        return redirect("intake:detail", reference=application.reference)
    status_url = request.build_absolute_uri(reverse("applicant:status"))
    context = receipt_context(application, pin=pin, status_url=status_url)
    document = pdf.render_pdf("intake/receipt.html", context, language=letter_language(request))
    return pdf.pdf_response(document, filename=f"{application.reference}-receipt")


# --- Letters ------------------------------------------------------------------------------


def letter_applies(application: Application, kind: str) -> bool:
    """An ineligibility letter while the household is found ineligible (appealing or not);
    an offer letter while a home is offered or the offer accepted."""
    if kind == INELIGIBILITY:
        return application.status == S.INELIGIBLE or (
            application.status == S.APPEAL and application.appeal_of == AppealSubject.INELIGIBILITY
        )
    if kind == OFFER:
        return application.status in (S.OFFERED, S.ACCEPTED)
    return False


def _head_name(application: Application, language: str) -> str:
    head = application.household.head
    if head is None:
        return ""
    return (head.latin_name if language == "en" else "") or head.full_name


def letter_context(application: Application, kind: str, language: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "application": application,
        "settlement": application.settlement,
        "household_reference": application.household.reference,
        "head_name": _head_name(application, language),
        "issued_on": dates.today(),
        "qr": qr.qr_data_uri(application.reference),
    }
    if kind == OFFER:
        return context
    screened_on = application.screened_on or dates.today()
    english = language == "en"
    context["screened_on"] = screened_on
    context["reasons"] = [
        {
            "message": item.get("message_en" if english else "message_fa", ""),
            "detail": item.get("detail_en" if english else "detail_fa", ""),
        }
        for item in application.eligibility or ()
        if not item.get("passed")
    ]
    context["appeal_days"] = appeal_days()
    context["appeal_deadline"] = appeal_deadline(application)
    context["appeal_decided"] = ineligibility_appeal_decided(application)
    context["appeal_lodged"] = application.status == S.APPEAL
    return context


@login_required
@require_GET
def letter(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    application = _application(request, reference)
    if not letter_applies(application, kind):
        raise Http404
    language = letter_language(request)
    context = letter_context(application, kind, language)
    document = pdf.render_pdf(f"intake/letter_{kind}.html", context, language=language)
    return pdf.pdf_response(document, filename=f"{application.reference}-{kind}-{language}")


urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/receipt.pdf", receipt, name="receipt"),
    path("applications/<str:reference>/letter/<str:kind>.pdf", letter, name="letter"),
]

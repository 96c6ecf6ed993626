"""The applicant's status page: the application number and PIN from the receipt give the
status, the place on the waitlist and the next step, and nothing else.

No sign-in and no session: the answer is shown in the response to the POST itself and
never cached. Tries are counted by ``services.status.look_up``, which refuses them for a
while after too many failures, whether the PIN is right or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from mehman.core import dates
from mehman.core.clients import client_address
from mehman.intake import queries
from mehman.intake.forms.public import StatusForm
from mehman.intake.models import AppealSubject, Application, ApplicationStatus
from mehman.intake.services import status as lookups
from mehman.intake.services.applications import appeal_deadline, ineligibility_appeal_decided

S = ApplicationStatus
TEMPLATE = "intake/status.html"

# The same words whether the number is unknown or the PIN wrong: nothing tells which.
NOT_FOUND = _(
    "No application was found with this number and PIN. Check both on your receipt and try again."
)

# What each status means to the applicant, in plain words.
HEADLINES: dict[str, StrOrPromise] = {
    S.DRAFT: _("Your application has not been submitted yet."),
    S.SUBMITTED: _("Your application has been received."),
    S.ELIGIBLE: _("Your household meets the conditions to live in the settlement."),
    S.INELIGIBLE: _("Your household does not meet the conditions to live in the settlement."),
    S.WAITLISTED: _("Your household is on the waitlist for a home."),
    S.APPEAL: _("Your appeal is being considered."),
    S.OFFERED: _("A home has been offered to your household."),
    S.ACCEPTED: _("Your household has accepted the home offered."),
    S.DECLINED: _("Your household declined the home offered."),
    S.ADMITTED: _("Your household has been admitted to the settlement."),
    S.WITHDRAWN: _("This application has been withdrawn."),
    S.EXPIRED: _("This application has lapsed."),
}

NEXT_STEPS: dict[str, StrOrPromise] = {
    S.DRAFT: _("Ask the settlement office to complete and submit your application."),
    S.SUBMITTED: _(
        "Your application will be screened against the settlement's conditions. "
        "Come back to this page to see the result."
    ),
    S.ELIGIBLE: _("Your household will be placed on the waitlist by its priority score."),
    S.WAITLISTED: _(
        "You will be called when a home is offered to your household. Your place may change "
        "when other households join or leave the waitlist."
    ),
    S.ACCEPTED: _("The settlement office will tell you when your household can move in."),
    S.DECLINED: _("Ask the settlement office what happens next."),
    S.ADMITTED: _("Nothing more is needed on this application."),
    S.WITHDRAWN: _("To apply again, come to the settlement office."),
    S.EXPIRED: _("To apply again, come to the settlement office."),
}


@dataclass(frozen=True)
class StatusReport:
    """All the status page shows: deliberately no name, household or score."""

    reference: str
    headline: StrOrPromise
    next_step: StrOrPromise
    rank: int | None = None
    ahead: int | None = None


def _ineligible_next_step(application: Application) -> StrOrPromise:
    if ineligibility_appeal_decided(application):
        return gettext("Your appeal has been decided and the decision stands.")
    deadline = appeal_deadline(application)
    if deadline < dates.today():
        return gettext("The time to appeal ended on %(date)s.") % {"date": _long(deadline)}
    return gettext(
        "You may appeal until %(date)s at the settlement office: bring your receipt with the "
        "application number. The office can give you a letter with the reasons."
    ) % {"date": _long(deadline)}


def _long(day: date) -> str:
    return dates.format_date(day, style="long")


def _next_step(application: Application) -> StrOrPromise:
    if application.status == S.INELIGIBLE:
        return _ineligible_next_step(application)
    if application.status == S.OFFERED and application.respond_by:
        return gettext(
            "Give your answer at the settlement office by %(date)s. Without an answer by "
            "then, the offer lapses."
        ) % {"date": _long(application.respond_by)}
    if application.status == S.APPEAL:
        if application.appeal_of == AppealSubject.SCORE:
            return gettext(
                "Your household keeps its place on the waitlist while the appeal against its "
                "score is considered. The settlement office will tell you the decision."
            )
        return gettext("The settlement office will tell you the decision.")
    return NEXT_STEPS.get(application.status, "")


def report(application: Application) -> StatusReport:
    """What the applicant is told about the application, in the active language."""
    ranked = application.on_waitlist and application.rank is not None
    return StatusReport(
        reference=application.reference,
        headline=HEADLINES.get(application.status, ""),
        next_step=_next_step(application),
        rank=application.rank if ranked else None,
        ahead=queries.households_ahead(application) if ranked else None,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form})
    lookup = lookups.look_up(
        reference=form.cleaned_data["reference"],
        pin=form.cleaned_data["pin"],
        client=client_address(request),
    )
    if lookup.throttled:
        minutes = int(lookups.limits().window.total_seconds() // 60)
        context = {"throttled": True, "minutes": minutes}
        return render(request, TEMPLATE, context, status=429)
    if lookup.application is None:
        form.add_error(None, NOT_FOUND)
        return render(request, TEMPLATE, {"form": form})
    return render(request, TEMPLATE, {"report": report(lookup.application)})


urlpatterns: list[URLPattern] = [
    path("", status, name="status"),
]

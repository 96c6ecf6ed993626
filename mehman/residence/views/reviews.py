"""Reviews of residence terms: the worklist of reviews due (overdue first) and the review form,
which records progress against the exit plan and decides: continue, extend or begin the exit.

The worklist needs ``residence.view``; the review form needs ``residence.review`` and the term
in the user's scope. Anything else is 404. The service checks each decision's needs (an
extension's new end and reason, within the policy's limits); the form only carries them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.forms import show_service_error
from mehman.core.permissions import require_capability
from mehman.core.queries import chosen_settlement
from mehman.residence import services
from mehman.residence.forms.terms import ReviewFilterForm, ReviewForm
from mehman.residence.models import Decision
from mehman.residence.queries import terms as queries
from mehman.residence.services.terms import open_review_of
from mehman.residence.views.terms import REVIEW, VIEW, term_of

DONE = {
    Decision.CONTINUE: _("The review was recorded: the term continues."),
    Decision.EXTEND: _("The review was recorded and the term extended."),
    Decision.BEGIN_EXIT: _("The review was recorded and the exit has begun."),
}


@require_GET
@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = chosen_settlement(user, request.GET.get("settlement") or "")
    today = dates.today()
    form = ReviewFilterForm(request.GET or None, blocks=queries.blocks_of(user, settlement))
    rows, counts = queries.due_reviews(user, settlement, today, **form.values())
    context = {
        "form": form,
        "rows": rows,
        "counts": counts,
        "due": form.values()["due"],
        "settlement": settlement,
        "settlements": settlements,
        "today": today,
        "notice_days": queries.notice_days(),
        "can_review": user.has_capability(REVIEW),
    }
    return render(request, "residence/reviews.html", context)


@login_required
def review(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, REVIEW)
    term = term_of(request, reference)
    form = ReviewForm(request.POST if request.method == "POST" else None, term=term)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.complete_review(term=term, by=user, expected_version=d.pop("version"), **d)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(DONE[d["decision"]]))
            return redirect("residence:term", reference=term.reference)
    context = {
        "term": term,
        "form": form,
        "open_review": open_review_of(term),
        "last_review": queries.last_review(term),
        "latest_end": dates.add_months(term.planned_end, int(settings.MEHMAN_MAX_EXTENSION_MONTHS)),
        "max_extensions": int(settings.MEHMAN_MAX_EXTENSIONS),
        "today": dates.today(),
    }
    return render(request, "residence/review.html", context)


urlpatterns: list[URLPattern] = [
    path("reviews/", review_list, name="reviews"),
    path("terms/<str:reference>/review/", review, name="review"),
]

"""The maintained list of agreement conditions: what new agreements may include.

Everyone with ``residence.view`` reads the list (both languages, in order, standard and
retired flags); adding, rewording and retiring a condition need ``residence.manage``. A term
keeps the words it was agreed with, so nothing here changes an agreement already made.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.residence.forms.conditions import EditConditionForm, NewConditionForm
from mehman.residence.models import OPEN_TERM_STATUSES, AgreementCondition, ResidenceTerm
from mehman.residence.services import conditions as services

VIEW = "residence.view"
MANAGE = "residence.manage"


def _condition(request: AuthenticatedRequest, code: str) -> AgreementCondition:
    return get_for_user_or_404(AgreementCondition.objects, request.user, code=code.lower())


def _terms_with(request: AuthenticatedRequest) -> Counter[str]:
    """How many open terms in the user's scope include each condition (one query)."""
    counts: Counter[str] = Counter()
    kept = ResidenceTerm.objects.for_user(request.user).filter(status__in=OPEN_TERM_STATUSES)
    for chosen in kept.values_list("conditions", flat=True):
        counts.update({str(item.get("code")) for item in chosen or [] if isinstance(item, dict)})
    return counts


@require_GET
@login_required
def condition_list(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, VIEW)
    counts = _terms_with(request)
    rows = list(AgreementCondition.objects.for_user(request.user))
    for condition in rows:
        condition.open_terms = counts.get(condition.code, 0)  # type: ignore[attr-defined]
    context = {"conditions": rows, "can_manage": request.user.has_capability(MANAGE)}
    return render(request, "residence/conditions.html", context)


@login_required
def condition_new(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, MANAGE)
    form = NewConditionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            condition = services.add_condition(
                by=request.user, code=form.cleaned_data["code"], **form.details()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Condition %(code)s was added.") % {"code": condition.code})
            return redirect("residence:conditions")
    context = {"form": form, "condition": None, "title": _("Add a condition")}
    return render(request, "residence/condition_form.html", context)


@login_required
def condition_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, MANAGE)
    condition = _condition(request, code)
    data = request.POST if request.method == "POST" else None
    form = EditConditionForm(data, condition=condition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_condition(
                condition=condition,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The condition was saved."))
            return redirect("residence:conditions")
    context = {"form": form, "condition": condition, "title": _("Change a condition")}
    return render(request, "residence/condition_form.html", context)


@require_POST
@login_required
def condition_retire(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, MANAGE)
    condition = services.retire_condition(condition=_condition(request, code), by=request.user)
    messages.success(
        request,
        _("Condition %(code)s is retired: new agreements no longer offer it.")
        % {"code": condition.code},
    )
    return redirect("residence:conditions")


@require_POST
@login_required
def condition_restore(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, MANAGE)
    condition = services.restore_condition(condition=_condition(request, code), by=request.user)
    messages.success(
        request,
        _("Condition %(code)s is in use again.") % {"code": condition.code},
    )
    return redirect("residence:conditions")


urlpatterns: list[URLPattern] = [
    path("conditions/", condition_list, name="conditions"),
    path("conditions/new/", condition_new, name="condition_new"),
    path("conditions/<slug:code>/", condition_edit, name="condition_edit"),
    path("conditions/<slug:code>/retire/", condition_retire, name="condition_retire"),
    path("conditions/<slug:code>/restore/", condition_restore, name="condition_restore"),
]

"""The readiness checklist of each pathway, maintained as data.

Everyone with ``solutions.view`` reads the list (both languages, weights, retired flags);
adding, changing, retiring and restoring a criterion need ``solutions.approve`` (settlement
managers). A retired criterion no longer counts in any case's readiness.
"""

from __future__ import annotations

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
from mehman.residence.models import Pathway
from mehman.solutions.forms.criteria import EditCriterionForm, NewCriterionForm
from mehman.solutions.models import ReadinessCriterion
from mehman.solutions.services import criteria as services

VIEW = "solutions.view"
APPROVE = "solutions.approve"


def _criterion(request: AuthenticatedRequest, code: str) -> ReadinessCriterion:
    return get_for_user_or_404(ReadinessCriterion.objects, request.user, code=code.lower())


@require_GET
@login_required
def criterion_list(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, VIEW)
    rows = list(ReadinessCriterion.objects.for_user(request.user))
    groups = []
    for value, label in Pathway.choices:
        items = [c for c in rows if c.pathway == value]
        if value == Pathway.UNDECIDED:
            continue
        total = sum(c.weight for c in items if c.is_active)
        for item in items:
            item.share = round(100 * item.weight / total) if item.is_active and total else None  # type: ignore[attr-defined]
        groups.append({"pathway": value, "label": label, "criteria": items, "total": total})
    context = {"groups": groups, "can_manage": request.user.has_capability(APPROVE)}
    return render(request, "solutions/criteria.html", context)


@login_required
def criterion_new(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, APPROVE)
    form = NewCriterionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criterion = services.add_criterion(
                by=request.user, pathway=data["pathway"], code=data["code"], **form.details()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Criterion %(code)s was added.") % {"code": criterion.code})
            return redirect("solutions:criteria")
    context = {"form": form, "criterion": None, "title": _("Add a readiness criterion")}
    return render(request, "solutions/criterion_form.html", context)


@login_required
def criterion_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, APPROVE)
    criterion = _criterion(request, code)
    form = EditCriterionForm(
        request.POST if request.method == "POST" else None, criterion=criterion
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_criterion(
                criterion=criterion,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.details(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("solutions:criteria")
    context = {"form": form, "criterion": criterion, "title": _("Change a readiness criterion")}
    return render(request, "solutions/criterion_form.html", context)


@require_POST
@login_required
def criterion_retire(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, APPROVE)
    try:
        criterion = services.retire_criterion(criterion=_criterion(request, code), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Criterion %(code)s is retired: it no longer counts in readiness.")
            % {"code": criterion.code},
        )
    return redirect("solutions:criteria")


@require_POST
@login_required
def criterion_restore(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require_capability(request.user, APPROVE)
    criterion = services.restore_criterion(criterion=_criterion(request, code), by=request.user)
    messages.success(
        request, _("Criterion %(code)s counts in readiness again.") % {"code": criterion.code}
    )
    return redirect("solutions:criteria")


urlpatterns: list[URLPattern] = [
    path("criteria/", criterion_list, name="criteria"),
    path("criteria/new/", criterion_new, name="criterion_new"),
    path("criteria/<slug:code>/", criterion_edit, name="criterion_edit"),
    path("criteria/<slug:code>/retire/", criterion_retire, name="criterion_retire"),
    path("criteria/<slug:code>/restore/", criterion_restore, name="criterion_restore"),
]

"""What every page of one case shares: the scoped fetch of the case by its reference, and the
small form page that validates, calls a service and goes back to the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django_stubs_ext import StrOrPromise

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import digits
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.solutions.models import SolutionsCase

VIEW = "solutions.view"
MANAGE = "solutions.manage"
APPROVE = "solutions.approve"
PROTECTION = "protection.view"


def data_of(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def case_of(request: AuthenticatedRequest, reference: str, capability: str = VIEW) -> SolutionsCase:
    """The case named in the URL, if the user may use the page and the case is in scope."""
    require_capability(request.user, capability)
    return get_for_user_or_404(
        SolutionsCase.objects.select_related("household__head", "settlement", "owner"),
        request.user,
        reference=digits.to_ascii(reference).strip().upper(),
    )


def step(
    request: AuthenticatedRequest,
    case: SolutionsCase,
    form: Form,
    perform: Callable[[dict[str, Any]], object],
    *,
    title: StrOrPromise,
    done: StrOrPromise,
    testid: str,
    template: str = "solutions/case_step.html",
    **extra: Any,
) -> HttpResponse:
    """Validate the form, call the service, and go back to the case; or show the form again
    with the error, nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(done))
            return redirect("solutions:case", reference=case.reference)
    context = {"case": case, "form": form, "title": title, "testid": testid, **extra}
    return render(request, template, context)

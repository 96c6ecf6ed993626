"""The loop every partners page that changes something shares, and small helpers.

``act``: GET shows the form; a valid POST calls the service, says so and goes on;
a service's refusal is shown on the form and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_stubs_ext import StrOrPromise

from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import require_capability
from mehman.partners.models import partner_organisation_ids

MANAGE = "partners.manage"
PER_PAGE = 50
TIMELINE_LENGTH = 50


def data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def require_manage(request: HttpRequest) -> None:
    require_capability(request.user, MANAGE)


def can_manage(request: HttpRequest) -> bool:
    return bool(request.user.has_capability(MANAGE))  # type: ignore[union-attr]


def require_people_reader(request: HttpRequest) -> None:
    """Volunteers are people: settlement staff see them, partner staff their own
    organisation's; analysts (no personal records) do not."""
    user: Any = request.user
    if user.sees_settlement_records or partner_organisation_ids(user):
        return
    raise Http404


def settlements_of(request: HttpRequest) -> QuerySet[Settlement]:
    """The active settlements the user works in (every one for national roles)."""
    return Settlement.objects.for_user(request.user).filter(is_active=True)


def page_of(request: HttpRequest, rows: Any) -> Page[Any]:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def next_url(request: HttpRequest, default: str) -> str:
    """Where the form came from (``next``), if it is on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def act(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: StrOrPromise,
    perform: Callable[[dict[str, Any]], Any],
    done: StrOrPromise,
    then: Callable[[Any], str],
    back: str,
    template: str = "partners/form.html",
    **context: Any,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service and goes to ``then(result)``."""
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(done))
            return redirect(then(result))
    context.update({"form": form, "title": title, "back": back})
    return render(request, template, context)


def post_and_return(
    request: HttpRequest, *, perform: Callable[[], Any], done: StrOrPromise, back: str
) -> HttpResponse:
    """A button's POST: the service runs, its refusal is shown as a message, and back."""
    try:
        perform()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(done))
    return redirect(next_url(request, back))

"""The registration wizard: a household and its members, a duplicate check, then the service.

Nothing is kept between the steps: the confirmation page re-posts the same data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.core.models import Settlement
from mehman.core.permissions import require_capability
from mehman.registry import queries, services
from mehman.registry.forms.base import show_service_error
from mehman.registry.forms.register import (
    MAX_MEMBERS,
    MEMBERS_PREFIX,
    BaseMemberFormSet,
    DuplicatesConfirmForm,
    MemberFormSet,
    RegistrationForm,
    RegistrationMemberForm,
)
from mehman.registry.models import Household, Individual

TOTAL_FIELD = f"{MEMBERS_PREFIX}-TOTAL_FORMS"


@login_required
def register(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, "registry.edit")
    settlements = Settlement.objects.for_user(request.user).filter(is_active=True)
    if request.method != "POST":
        form = RegistrationForm(settlements=settlements)
        return _form_page(request, form, MemberFormSet(prefix=MEMBERS_PREFIX))
    if "add_member" in request.POST:
        return _one_more_row(request, settlements)
    form = RegistrationForm(request.POST, settlements=settlements)
    members = MemberFormSet(request.POST, prefix=MEMBERS_PREFIX)
    if "back" in request.POST or not (form.is_valid() and members.is_valid()):
        return _form_page(request, form, members)
    registration = form.registration(members)
    duplicates = _duplicates(request, members)
    confirm = DuplicatesConfirmForm(request.POST if "confirm" in request.POST else None)
    if duplicates and not confirm.is_valid():
        if error := _refused(registration, by=request.user):
            show_service_error(form, error)
            return _form_page(request, form, members)
        context = {"form": form, "members": members, "duplicates": duplicates, "confirm": confirm}
        return render(request, "registry/register_confirm.html", context)
    try:
        household = services.register_household(**registration, by=request.user)
    except ValidationError as error:
        show_service_error(form, error)
        return _form_page(request, form, members)
    return _registered(request, household)


@login_required
@require_GET
def register_member_row(request: HttpRequest) -> HttpResponse:
    """One more empty member row for the wizard (htmx), with the new row count."""
    require_capability(request.user, "registry.edit")
    index = max(1, _row_count(request.GET))
    if index >= MAX_MEMBERS:
        return HttpResponse("")
    row = RegistrationMemberForm(prefix=f"{MEMBERS_PREFIX}-{index}")
    context = {"row": row, "index": index, "total_field": TOTAL_FIELD, "total": index + 1}
    return render(request, "registry/register.html#member_row", context)


def _form_page(
    request: HttpRequest,
    form: RegistrationForm,
    members: BaseMemberFormSet,
    *,
    quiet: bool = False,
) -> HttpResponse:
    """The first step; ``quiet`` shows the data posted without complaining about it yet."""
    if quiet:
        for each in (form, *members.forms):
            each.errors.clear()
    context = {"form": form, "members": members, "quiet": quiet}
    return render(request, "registry/register.html", context)


def _one_more_row(request: HttpRequest, settlements: QuerySet[Settlement]) -> HttpResponse:
    """The form as posted with one more empty member row (the button without JavaScript)."""
    data = request.POST.copy()
    data[TOTAL_FIELD] = str(min(_row_count(data) + 1, MAX_MEMBERS))
    form = RegistrationForm(data, settlements=settlements)
    return _form_page(request, form, MemberFormSet(data, prefix=MEMBERS_PREFIX), quiet=True)


def _row_count(data: QueryDict) -> int:
    """The member rows the wizard shows now, as its management form says (1 if unreadable)."""
    try:
        return int(data.get(TOTAL_FIELD, "1"))
    except ValueError:
        return 1


def _registered(request: HttpRequest, household: Household) -> HttpResponse:
    # Unicode isolates keep the Latin reference whole inside a Persian sentence.
    reference = "\u2068" + household.reference + "\u2069"
    message = _("Household %(reference)s was registered.") % {"reference": reference}
    messages.success(request, message)
    return redirect("registry:household", reference=household.reference)


def _duplicates(request: HttpRequest, members: BaseMemberFormSet) -> list[dict[str, Any]]:
    """For each member with likely matches in the user's scope: the member and the matches."""
    people = Individual.objects.for_user(request.user)
    found = []
    for row in members.filled_forms():
        data = row.member_data()
        birth = data.get("birth_date")
        matches = queries.likely_duplicates(
            people, data["given_name"], data["father_name"], birth.year if birth else None
        )
        if matches:
            found.append({"member": data, "matches": matches})
    return found


def _refused(registration: dict[str, Any], *, by: Any) -> ValidationError | None:
    """Ask the service whether it would register this household, and keep nothing.

    So the clerk fixes bad input before comparing duplicates, not after.
    """
    with transaction.atomic():
        try:
            services.register_household(**registration, by=by)
        except ValidationError as error:
            return error
        finally:
            transaction.set_rollback(True)
    return None


urlpatterns = [
    path("register/", register, name="register"),
    path("register/member-row/", register_member_row, name="register_member_row"),
]

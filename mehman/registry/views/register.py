"""The registration wizard: a household and its members, a duplicate check, then the service.

Nothing is kept between the steps: the confirmation page re-posts the same data, and the
likely matches are found again (in the user's scope) on every post. For each match the clerk
chooses: the same person (nothing is registered; the record on file opens), register and ask
a reviewer, or different people (register). The last two reach duplicate detection through
``registry.duplicates.record``, in the registration's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from mehman.core import names
from mehman.core.models import Settlement
from mehman.core.permissions import require_capability
from mehman.registry import duplicates, services
from mehman.registry.forms.base import show_service_error
from mehman.registry.forms.register import (
    MAX_MEMBERS,
    MEMBERS_PREFIX,
    BaseMemberFormSet,
    DuplicateDecisionsForm,
    MemberFormSet,
    RegistrationForm,
    RegistrationMemberForm,
)
from mehman.registry.models import Household, Individual, IndividualStatus

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
    found = _likely_matches(request, members)
    keys = [each.key(match) for each in found for match in each.matches]
    decisions = DuplicateDecisionsForm(
        request.POST if "confirm" in request.POST else None, keys=keys
    )
    if found and not decisions.is_valid():
        if error := _refused(registration, by=request.user):
            show_service_error(form, error)
            return _form_page(request, form, members)
        return _confirm_page(request, form, members, found, decisions)
    judged = [
        (each.position, match, decisions.cleaned_data[each.key(match)])
        for each in found
        for match in each.matches
    ]
    if same := next((m.individual for _p, m, d in judged if d == duplicates.SAME), None):
        return _on_file(request, same)
    try:
        with transaction.atomic():
            household = services.register_household(**registration, by=request.user)
            _record_decisions(household, judged, by=request.user)
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


@dataclass(frozen=True)
class _Found:
    """The likely matches of one member row (``row``: its index in the formset,
    ``position``: its index among the members registered)."""

    row: int
    position: int
    member: dict[str, Any]
    matches: list[duplicates.PossibleMatch]

    def key(self, match: duplicates.PossibleMatch) -> str:
        """The name of the clerk's choice about one match."""
        return DuplicateDecisionsForm.key(self.row, match.individual)


def _likely_matches(request: HttpRequest, members: BaseMemberFormSet) -> list[_Found]:
    """For each member with likely matches among the people the user may see: the matches.

    Found again on every post, in the user's scope: nothing posted says who is on file.
    """
    people = Individual.objects.for_user(request.user).exclude(status=IndividualStatus.MERGED)
    found = []
    for position, row in enumerate(members.filled_forms()):
        member = row.member_data()
        documents = [
            (d["doc_type"], names.document_key(d["number_typed"])) for d in row.documents()
        ]
        matches = duplicates.find(people, {**member, "documents": documents})
        if matches:
            found.append(_Found(members.forms.index(row), position, member, matches))
    return found


def _confirm_page(
    request: HttpRequest,
    form: RegistrationForm,
    members: BaseMemberFormSet,
    found: list[_Found],
    decisions: DuplicateDecisionsForm,
) -> HttpResponse:
    """Each member beside the records that resemble it, with a choice for each record."""
    duplicates_shown = [
        {
            "member": each.member,
            "matches": [
                {
                    "person": match.individual,
                    "evidence": match.evidence,
                    "percent": None
                    if match.probability is None
                    else round(match.probability * 100),
                    "choice": decisions[each.key(match)],
                }
                for match in each.matches
            ],
        }
        for each in found
    ]
    context = {
        "form": form,
        "members": members,
        "duplicates": duplicates_shown,
        "decisions": decisions,
    }
    return render(request, "registry/register_confirm.html", context)


def _on_file(request: HttpRequest, person: Individual) -> HttpResponse:
    reference = person.household.reference
    message = _(
        "Nothing was registered: this person is already on file in household %(reference)s."
    ) % {"reference": "\u2068" + reference + "\u2069"}
    messages.info(request, message)
    return redirect("registry:household", reference=reference)


def _record_decisions(
    household: Household,
    judged: list[tuple[int, duplicates.PossibleMatch, str]],
    *,
    by: Any,
) -> None:
    """Hand each judged match to duplicate detection, with the member as registered.

    ``register_household`` creates the members one by one in the order given, so in the
    new household the order of their ids is the order of the rows.
    """
    registered = list(household.members.order_by("pk"))
    for position, match, decision in judged:
        duplicates.record(
            registered[position], match.individual, decision, match.probability, by=by
        )


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

"""Pages that change a household: life events, splits and merges, documents, needs,
corrections and case notes.

Each is the same small loop (``_act``): the household in the user's scope (404
otherwise) → form → service → message → back to the household's profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from mehman.accounts.services import log_access
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.registry import queries, services
from mehman.registry.forms.actions import (
    BirthForm,
    CaseNoteForm,
    ChangeHeadForm,
    DeathForm,
    DocumentForm,
    MarriageForm,
    MergeForm,
    NeedForm,
    ResolveNeedForm,
    SplitForm,
    correction_form_class,
)
from mehman.registry.forms.base import show_service_error
from mehman.registry.forms.register import PersonForm
from mehman.registry.models import Household, IdentityDocument, Individual, SpecificNeed

# --- The loop every action page shares ---------------------------------------------------


def _household(request: HttpRequest, reference: str) -> Household:
    require_capability(request.user, "registry.edit")
    return get_for_user_or_404(
        Household.objects.select_related("head", "settlement"),
        request.user,
        reference=reference,
    )


def _member(request: HttpRequest, household: Household, member: UUID) -> Individual:
    return get_for_user_or_404(
        Individual.objects.filter(household=household), request.user, uuid=member
    )


def _data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _act(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    household: Household,
    title: StrOrPromise,
    perform: Callable[[dict[str, Any]], object],
    done: StrOrPromise,
    template: str = "registry/action.html",
    **context: Any,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service and returns to the profile.

    A household returned by the service (a split's new household) is where the clerk goes next.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(done))
            target = result if isinstance(result, Household) else household
            return redirect("registry:household", reference=target.reference)
    context.update({"form": form, "household": household, "title": title})
    return render(request, template, context)


# --- Members and life events ---------------------------------------------------------------


@login_required
def member_add(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = PersonForm(_data(request), head_allowed=False)
    return _act(
        request,
        form,
        household=household,
        title=_("Add a member"),
        perform=lambda d: services.add_member(
            household=household, by=request.user, **form.member_data()
        ),
        done=_("The member was added."),
        template="registry/action_member.html",
    )


@login_required
def birth(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = BirthForm(_data(request), household=household)
    return _act(
        request,
        form,
        household=household,
        title=_("Record a birth"),
        perform=lambda d: services.record_birth(household=household, by=request.user, **d),
        done=_("The birth was recorded."),
    )


@login_required
def death(request: HttpRequest, reference: str, member: UUID) -> HttpResponse:
    household = _household(request, reference)
    person = _member(request, household, member)
    form = DeathForm(_data(request), person=person)
    return _act(
        request,
        form,
        household=household,
        person=person,
        title=_("Record a death"),
        perform=lambda d: services.record_death(
            person=person, died_on=d["died_on"], new_head=d.get("new_head"), by=request.user
        ),
        done=_("The death was recorded."),
    )


@login_required
def marriage(request: HttpRequest, reference: str, member: UUID) -> HttpResponse:
    household = _household(request, reference)
    person = _member(request, household, member)
    form = MarriageForm(
        _data(request),
        person=person,
        households=Household.objects.for_user(request.user),
        initial=request.GET.dict(),
    )
    return _act(
        request,
        form,
        household=household,
        person=person,
        title=_("Record a marriage"),
        perform=lambda d: services.record_marriage(
            person=person,
            spouse=d["spouse"],
            married_on=d["married_on"],
            new_head=d.get("new_head"),
            by=request.user,
        ),
        done=_("The marriage was recorded."),
        template="registry/action_marriage.html",
    )


@login_required
def split(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = SplitForm(_data(request), household=household)
    return _act(
        request,
        form,
        household=household,
        title=_("Split the household"),
        perform=lambda d: services.split_household(
            household=household,
            members=list(d["members"]),
            new_head=d["new_head"],
            block=d["block"],
            address=d["address"],
            phone=d["phone"],
            by=request.user,
        ),
        done=_("The new household was formed; this is its profile."),
    )


@login_required
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = MergeForm(
        _data(request), household=household, households=Household.objects.for_user(request.user)
    )
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        other = form.cleaned_data["other"]
        context = {
            "form": form,
            "household": household,
            "other": other,
            "keep_members": queries.members_in_order(household),
            "other_members": queries.members_in_order(other),
        }
        return render(request, "registry/action_merge_confirm.html", context)
    return _act(
        request,
        form,
        household=household,
        title=_("Merge another household into this one"),
        perform=lambda d: services.merge_households(
            keep=household,
            absorb=d["other"],
            former_head_relationship=d["former_head_relationship"],
            by=request.user,
        ),
        done=_("The households were merged."),
    )


@login_required
def unmerge(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    return _act(
        request,
        forms.Form(_data(request)),
        household=household,
        title=_("Undo the merge"),
        perform=lambda d: services.unmerge_households(absorbed=household, by=request.user),
        done=_("The merge was undone."),
        template="registry/action_unmerge.html",
        household_merged=queries.household_merge(household) is not None,
    )


@login_required
def change_head(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    form = ChangeHeadForm(_data(request), household=household)
    return _act(
        request,
        form,
        household=household,
        title=_("Change the head of household"),
        perform=lambda d: services.change_head(household=household, by=request.user, **d),
        done=_("The head of household was changed."),
    )


# --- Documents ------------------------------------------------------------------------------


@login_required
def document_add(request: HttpRequest, reference: str, member: UUID) -> HttpResponse:
    household = _household(request, reference)
    person = _member(request, household, member)
    form = DocumentForm(_data(request), request.FILES if request.method == "POST" else None)
    return _act(
        request,
        form,
        household=household,
        person=person,
        title=_("Add a document"),
        perform=lambda d: services.add_document(person=person, by=request.user, **form.document()),
        done=_("The document was added."),
    )


def _document(request: HttpRequest, household: Household, document: UUID) -> IdentityDocument:
    return get_for_user_or_404(
        IdentityDocument.objects.filter(individual__household=household).select_related(
            "individual"
        ),
        request.user,
        uuid=document,
    )


@login_required
@require_POST
def document_verify(request: HttpRequest, reference: str, document: UUID) -> HttpResponse:
    household = _household(request, reference)
    record = _document(request, household, document)
    try:
        services.verify_document(document=record, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The document was marked verified."))
    return redirect("registry:household", reference=household.reference)


# --- Specific needs and case notes -----------------------------------------------------------


@login_required
def need_add(request: HttpRequest, reference: str, member: UUID) -> HttpResponse:
    household = _household(request, reference)
    person = _member(request, household, member)
    form = NeedForm(_data(request), user=request.user)
    return _act(
        request,
        form,
        household=household,
        person=person,
        title=_("Record a specific need"),
        perform=lambda d: services.record_need(person=person, by=request.user, **d),
        done=_("The specific need was recorded."),
    )


@login_required
def need_resolve(request: HttpRequest, reference: str, need: UUID) -> HttpResponse:
    household = _household(request, reference)
    record = get_for_user_or_404(
        SpecificNeed.objects.filter(individual__household=household).select_related(
            "code__parent", "individual"
        ),
        request.user,
        uuid=need,
    )
    if record.is_protected:
        # Who does not see which need it is cannot resolve it; who does, is logged.
        require_capability(request.user, "protection.view")
        log_access(
            user=request.user,
            record=record,
            subject=household.reference,
            settlement=household.settlement,
            via=request.path,
        )
    form = ResolveNeedForm(_data(request))
    return _act(
        request,
        form,
        household=household,
        person=record.individual,
        need=record,
        title=_("Resolve a specific need"),
        perform=lambda d: services.resolve_need(need=record, by=request.user, **d),
        done=_("The specific need was resolved."),
    )


@login_required
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    require_capability(request.user, "protection.view")
    form = CaseNoteForm(_data(request))
    return _act(
        request,
        form,
        household=household,
        title=_("Write a case note"),
        perform=lambda d: services.add_case_note(household=household, by=request.user, **d),
        done=_("The case note was saved."),
    )


# --- Corrections ----------------------------------------------------------------------------


def _correct(
    request: HttpRequest,
    household: Household,
    record: Model,
    title: StrOrPromise,
    **context: Any,
) -> HttpResponse:
    form = correction_form_class(type(record))(_data(request), instance=record)  # type: ignore[arg-type]
    return _act(
        request,
        form,
        household=household,
        title=title,
        perform=lambda d: services.correct(
            record=record,  # type: ignore[arg-type]
            by=request.user,
            reason=d["reason"],
            expected_version=d["version"],
            **form.changes(),
        ),
        done=_("The correction was saved."),
        template="registry/action_correct.html",
        **context,
    )


@login_required
def correct_household(request: HttpRequest, reference: str) -> HttpResponse:
    household = _household(request, reference)
    return _correct(request, household, household, _("Correct the household's details"))


@login_required
def correct_member(request: HttpRequest, reference: str, member: UUID) -> HttpResponse:
    household = _household(request, reference)
    person = _member(request, household, member)
    return _correct(request, household, person, _("Correct a member's details"), person=person)


@login_required
def correct_document(request: HttpRequest, reference: str, document: UUID) -> HttpResponse:
    household = _household(request, reference)
    record = _document(request, household, document)
    title = _("Correct a document")
    return _correct(request, household, record, title, person=record.individual)


_HOUSEHOLD = "households/<str:reference>/"
_MEMBER = _HOUSEHOLD + "members/<uuid:member>/"

urlpatterns = [
    path(_HOUSEHOLD + "members/add/", member_add, name="member_add"),
    path(_HOUSEHOLD + "birth/", birth, name="birth"),
    path(_MEMBER + "death/", death, name="death"),
    path(_MEMBER + "marriage/", marriage, name="marriage"),
    path(_HOUSEHOLD + "split/", split, name="split"),
    path(_HOUSEHOLD + "merge/", merge, name="merge"),
    path(_HOUSEHOLD + "unmerge/", unmerge, name="unmerge"),
    path(_HOUSEHOLD + "head/", change_head, name="change_head"),
    path(_MEMBER + "documents/add/", document_add, name="document_add"),
    path(_HOUSEHOLD + "documents/<uuid:document>/verify/", document_verify, name="document_verify"),
    path(_MEMBER + "needs/add/", need_add, name="need_add"),
    path(_HOUSEHOLD + "needs/<uuid:need>/resolve/", need_resolve, name="need_resolve"),
    path(_HOUSEHOLD + "correct/", correct_household, name="correct_household"),
    path(_MEMBER + "correct/", correct_member, name="correct_member"),
    path(
        _HOUSEHOLD + "documents/<uuid:document>/correct/",
        correct_document,
        name="correct_document",
    ),
    path(_HOUSEHOLD + "notes/add/", note_add, name="note_add"),
]

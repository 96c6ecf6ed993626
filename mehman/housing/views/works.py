"""Condition surveys and works: surveying a unit or a facility, the list of work orders,
opening and planning one, its page (steps, photos, spending from donations, timeline),
and the renovation programme's progress.

Reading needs ``housing.view`` and the record in the user's scope; surveys, work orders
and photos need ``housing.manage``; spending a donation needs ``assistance.spend`` too.
Anything else is 404. The services refuse a step the status does not allow; the page
says why and nothing changes. Photos are served only through ``work_photo_file``, which
checks the work order's settlement: never from a public media URL.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from mehman.accounts.models import User
from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.forms import show_service_error
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.core.queries import chosen_settlement
from mehman.housing import programme as programme_reads
from mehman.housing import services
from mehman.housing.checklists import RATING_LABELS, items_for
from mehman.housing.forms.works import (
    ApproveForm,
    CancelForm,
    CompleteForm,
    PhotoForm,
    SpendForm,
    StartForm,
    StepForm,
    SubjectForm,
    SurveyForm,
    WorkFilterForm,
    WorkOrderForm,
)
from mehman.housing.models import (
    Block,
    Facility,
    PhotoStage,
    Survey,
    Unit,
    WorkKind,
    WorkOrder,
    WorkPhoto,
    WorkPriority,
    WorkStatus,
)
from mehman.partners.models import Donation, Organisation, PledgeStatus

VIEW = "housing.view"
MANAGE = "housing.manage"
SPEND = "assistance.spend"
PER_PAGE = 50
TIMELINE_LENGTH = 50
# Ratings that call for a work order: "needs repair" and "poor or broken".
NEEDS_WORK = ("fair", "poor")
W = WorkStatus


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _order(request: AuthenticatedRequest, reference: str) -> WorkOrder:
    return get_for_user_or_404(
        WorkOrder.objects.select_related(
            "settlement", "unit__block", "facility__block", "funder", "contractor", "survey"
        ),
        request.user,
        reference=reference.strip().upper(),
    )


def _subject(request: AuthenticatedRequest) -> Unit | Facility | None:
    """The unit (``?unit=REF``) or facility (``?facility=REF``) a survey or work is about;
    ``None`` when neither is named yet."""
    unit, facility = request.GET.get("unit", ""), request.GET.get("facility", "")
    if not unit and not facility:
        return None
    if unit and facility:
        raise Http404
    if unit:
        return get_for_user_or_404(
            Unit.objects.select_related("block", "settlement"), request.user, reference=unit
        )
    return get_for_user_or_404(
        Facility.objects.select_related("block", "settlement"), request.user, reference=facility
    )


def _choose(request: AuthenticatedRequest, title: str) -> HttpResponse:
    """Ask which unit or facility (by its number), then come back with ``?unit=`` or
    ``?facility=``."""
    form = SubjectForm(request.GET if "reference" in request.GET else None)
    if form.is_bound and form.is_valid():
        typed = form.typed()
        for model, key in ((Unit, "unit"), (Facility, "facility")):
            if model.objects.for_user(request.user).filter(reference=typed).exists():
                return redirect(f"{request.path}?{urlencode({key: typed})}")
        form.add_error("reference", _("No unit or facility has this number."))
    return render(request, "housing/choose_subject.html", {"form": form, "title": title})


def _about(subject: Unit | Facility) -> dict[str, Any]:
    """The keyword the services take for the subject: ``unit=`` or ``facility=``."""
    return {"unit": subject} if isinstance(subject, Unit) else {"facility": subject}


def _shown(subject: Unit | Facility) -> dict[str, Any]:
    """The subject for the templates, as ``unit`` or ``facility``."""
    unit = subject if isinstance(subject, Unit) else None
    return {"subject": subject, "unit": unit, "facility": None if unit else subject}


def _query(subject: Unit | Facility, **more: str) -> str:
    key = "unit" if isinstance(subject, Unit) else "facility"
    return urlencode({key: subject.reference, **more})


def _partners(
    user: User, settlement_id: int, keep: tuple[int | None, ...] = ()
) -> QuerySet[Organisation]:
    """Active partners of the settlement in the user's scope, and those the order names
    already (so an edit keeps a funder that has since become inactive)."""
    named = [pk for pk in keep if pk is not None]
    return (
        Organisation.objects.for_user(user)
        .filter(settlements=settlement_id)
        .filter(Q(is_active=True) | Q(pk__in=named))
        .order_by("name_en")
    )


# --- Condition surveys ------------------------------------------------------------------------


@login_required
def survey_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    subject = _subject(request)
    if subject is None:
        return _choose(request, _("Condition survey"))
    form = SurveyForm(
        _data(request), unit=isinstance(subject, Unit), initial={"surveyed_on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.record_survey(
                by=user,
                ratings=form.ratings(),
                surveyed_on=form.cleaned_data["surveyed_on"],
                note=form.cleaned_data["note"],
                **_about(subject),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The condition survey was recorded."))
            return redirect("housing:survey", survey=survey.uuid)
    context = {"form": form, "ratings": RATING_LABELS, **_shown(subject)}
    return render(request, "housing/survey_form.html", context)


@dataclass(frozen=True)
class Finding:
    """One checklist item of a survey and how it was rated (empty: not looked at)."""

    label: StrOrPromise
    weight: int
    rating: str
    rating_label: StrOrPromise


@require_GET
@login_required
def survey_detail(request: AuthenticatedRequest, survey: UUID) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    found = get_for_user_or_404(
        Survey.objects.select_related("unit__block", "facility", "surveyed_by", "settlement"),
        user,
        uuid=survey,
    )
    findings = [
        Finding(
            item.label,
            item.weight,
            found.items.get(item.code, ""),
            RATING_LABELS.get(found.items.get(item.code, ""), ""),
        )
        for item in items_for(unit=found.unit_id is not None)
    ]
    needs_work = any(f.rating in NEEDS_WORK for f in findings)
    context = {
        "survey": found,
        **_shown(found.subject),
        "findings": findings,
        "needs_work": needs_work,
        "standard": programme_reads.condition_standard(),
        "work_query": _query(found.subject, survey=str(found.uuid)),
        "orders": list(found.work_orders.all()),
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "housing/survey.html", context)


# --- The list ---------------------------------------------------------------------------------


@require_GET
@login_required
def work_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    form = WorkFilterForm(
        request.GET or None,
        organisations=Organisation.objects.for_user(user).order_by("name_en"),
        blocks=Block.objects.for_user(user).order_by("settlement_id", "code"),
    )
    rows = form.filter(WorkOrder.objects.for_user(user)).select_related(
        "settlement", "unit", "facility", "funder", "contractor"
    )
    page = Paginator(rows.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "today": dates.today(),
        "national": user.has_national_scope or len(user.settlement_ids()) > 1,
        "can_manage": user.has_capability(MANAGE),
    }
    return render(request, "housing/works.html", context)


# --- Opening and planning a work order --------------------------------------------------------


def _survey_for(request: AuthenticatedRequest, subject: Unit | Facility) -> Survey | None:
    """The survey that found the need (``?survey=UUID``), which must be of the same subject."""
    typed = request.GET.get("survey", "")
    if not typed:
        return None
    survey = get_for_user_or_404(Survey.objects.all(), request.user, uuid=typed)
    if survey.subject != subject:
        raise Http404
    return survey


def _from_survey(survey: Survey | None) -> dict[str, Any]:
    """A work order's plan as the survey suggests it: the items needing repair."""
    if survey is None:
        return {}
    items = items_for(unit=survey.unit_id is not None)
    lines = [
        _("%(item)s: %(rating)s")
        % {"item": item.label, "rating": RATING_LABELS[survey.items[item.code]]}
        for item in items
        if survey.items.get(item.code) in NEEDS_WORK
    ]
    return {
        "kind": WorkKind.REPAIR,
        "title": _("Repairs found by the condition survey of %(day)s")
        % {"day": dates.format_date(survey.surveyed_on)},
        "description": "\n".join(lines),
        "priority": WorkPriority.HIGH if "poor" in survey.items.values() else WorkPriority.NORMAL,
    }


@login_required
def work_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    subject = _subject(request)
    if subject is None:
        return _choose(request, _("New work order"))
    survey = _survey_for(request, subject)
    form = WorkOrderForm(
        _data(request),
        organisations=_partners(user, subject.settlement_id),
        initial={"priority": WorkPriority.NORMAL, **_from_survey(survey)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.open_work_order(
                by=user, survey=survey, **_about(subject), **form.plan()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The work order was opened."))
            return redirect("housing:work", reference=order.reference)
    context = {"form": form, "survey": survey, "order": None, **_shown(subject)}
    return render(request, "housing/work_form.html", context)


@login_required
def work_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    order = _order(request, reference)
    form = WorkOrderForm(
        _data(request),
        organisations=_partners(
            user, order.settlement_id, keep=(order.funder_id, order.contractor_id)
        ),
        order=order,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_work_order(
                order=order, by=user, expected_version=form.cleaned_data["version"], **form.plan()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The work order was changed."))
            return redirect("housing:work", reference=order.reference)
    context = {"form": form, "survey": order.survey, "order": order, **_shown(order.subject)}
    return render(request, "housing/work_form.html", context)


# --- The steps of a work order ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    title: StrOrPromise
    done: StrOrPromise
    form: type[StepForm]
    perform: Callable[[WorkOrder, User, dict[str, Any]], WorkOrder]
    target: str
    style: str = "btn-outline-primary"


STEPS: dict[str, Step] = {
    "approve": Step(
        gettext_lazy("Approve the work"),
        gettext_lazy("The work order was approved."),
        ApproveForm,
        lambda o, by, d: services.approve_work(order=o, by=by),
        W.APPROVED,
        "btn-primary",
    ),
    "start": Step(
        gettext_lazy("Start the work"),
        gettext_lazy("The work was started."),
        StartForm,
        lambda o, by, d: services.start_work(order=o, by=by, day=d["day"]),
        W.IN_PROGRESS,
        "btn-primary",
    ),
    "complete": Step(
        gettext_lazy("Complete the work"),
        gettext_lazy("The work was completed."),
        CompleteForm,
        lambda o, by, d: services.complete_work(order=o, by=by, **d),
        W.COMPLETED,
        "btn-success",
    ),
    "cancel": Step(
        gettext_lazy("Cancel the work order"),
        gettext_lazy("The work order was cancelled."),
        CancelForm,
        lambda o, by, d: services.cancel_work(order=o, by=by, reason=d["reason"]),
        W.CANCELLED,
        "btn-outline-danger",
    ),
}


@dataclass(frozen=True)
class NextStep:
    """A step the order's status allows next, with its empty form and where it posts."""

    name: str
    step: Step
    form: StepForm
    target: str


def _next_steps(order: WorkOrder) -> list[NextStep]:
    today = {"day": dates.today()}
    return [
        NextStep(
            name,
            step,
            step.form(order=order, initial=today, prefix=name),
            reverse("housing:work_action", args=[order.reference, name]),
        )
        for name, step in STEPS.items()
        if order.allowed(step.target)
    ]


@login_required
def work_action(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    user = request.user
    step = STEPS.get(action)
    if step is None:
        raise Http404
    require_capability(user, MANAGE)
    order = _order(request, reference)
    form = step.form(_data(request), order=order, initial={"day": dates.today()}, prefix=action)
    if request.method == "POST" and form.is_valid():
        try:
            step.perform(order, user, form.values())
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, str(step.done))
            return redirect("housing:work", reference=order.reference)
    context = {
        "order": order,
        "form": form,
        "title": step.title,
        "submit": step.title,
        "style": step.style,
        "target": reverse("housing:work_action", args=[order.reference, action]),
        "testid": f"step-{action}",
    }
    return render(request, "housing/work_step.html", context)


# --- One work order ---------------------------------------------------------------------------


def _donations(user: User, order: WorkOrder) -> QuerySet[Donation]:
    """Donations of the work's settlement with money or goods left, in the user's scope."""
    return (
        Donation.objects.for_user(user)
        .filter(pledge__settlement=order.settlement_id)
        .exclude(pledge__status=PledgeStatus.CANCELLED)
        .filter(Q(value__gt=F("used_value")) | Q(quantity__gt=F("used_quantity")))
        .select_related("pledge__donor")
        .order_by("received_on", "id")
    )


def _can_spend(user: User) -> bool:
    return user.has_capability(MANAGE) and user.has_capability(SPEND)


@require_GET
@login_required
def work_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    order = _order(request, reference)
    manage = user.has_capability(MANAGE)
    spending = list(services.spending_on(order))
    photos = list(order.photos.all())
    context = {
        "order": order,
        **_shown(order.subject),
        "today": dates.today(),
        "can_manage": manage,
        "steps": _next_steps(order) if manage else [],
        "before": [p for p in photos if p.stage == PhotoStage.BEFORE],
        "after": [p for p in photos if p.stage == PhotoStage.AFTER],
        "photo_form": PhotoForm(initial={"taken_on": dates.today()}) if manage else None,
        "spending": spending,
        "spent": sum(row.amount for row in spending),
        "spend_form": (
            SpendForm(donations=_donations(user, order), initial={"spent_on": dates.today()})
            if _can_spend(user) and order.status != W.CANCELLED
            else None
        ),
        "events": order.events.select_related("by")[:TIMELINE_LENGTH],
    }
    return render(request, "housing/work.html", context)


@login_required
def work_photo(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    order = _order(request, reference)
    data = _data(request)
    form = PhotoForm(
        data, request.FILES if data is not None else None, initial={"taken_on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_work_photo(order=order, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The photo was added."))
            return redirect("housing:work", reference=order.reference)
    context = {
        "order": order,
        "form": form,
        "title": _("Add a photo"),
        "submit": _("Add the photo"),
        "style": "btn-primary",
        "target": reverse("housing:work_photo", args=[order.reference]),
        "testid": "photo-form",
        "multipart": True,
    }
    return render(request, "housing/work_step.html", context)


@require_GET
@login_required
def work_photo_file(request: AuthenticatedRequest, photo: UUID) -> FileResponse:
    """The photo's file, for whoever may read its work order (scoped by its settlement)."""
    user = request.user
    require_capability(user, VIEW)
    found = get_object_or_404(
        WorkPhoto.objects.filter(work_order__in=WorkOrder.objects.for_user(user)), uuid=photo
    )
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(found.image.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def work_spend(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    require_capability(user, SPEND)
    order = _order(request, reference)
    form = SpendForm(
        _data(request), donations=_donations(user, order), initial={"spent_on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.spend_on_work(order=order, by=user, **form.spending())
        except ValidationError as error:
            form.show_error(error)
        else:
            messages.success(request, _("The spending was recorded."))
            return redirect("housing:work", reference=order.reference)
    context = {
        "order": order,
        "form": form,
        "title": _("Pay from a donation"),
        "submit": _("Record the spending"),
        "style": "btn-primary",
        "target": reverse("housing:work_spend", args=[order.reference]),
        "testid": "spend-form",
    }
    return render(request, "housing/work_step.html", context)


# --- The renovation programme -----------------------------------------------------------------


def _settlement(request: AuthenticatedRequest) -> tuple[Settlement, list[Settlement]]:
    return chosen_settlement(request.user, request.GET.get("settlement") or "")


@require_GET
@login_required
def programme(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, VIEW)
    settlement, settlements = _settlement(request)
    reading = programme_reads.programme(settlement)
    context = {
        "p": reading,
        "settlements": settlements,
        "today": dates.today(),
        "chart": {
            "labels": [m.label for m in reading.months],
            "values": [m.completed for m in reading.months],
            "label": _("Works completed"),
        },
    }
    return render(request, "housing/programme.html", context)


urlpatterns: list[URLPattern] = [
    path("surveys/new/", survey_new, name="survey_new"),
    path("surveys/<uuid:survey>/", survey_detail, name="survey"),
    path("works/", work_list, name="works"),
    path("works/new/", work_new, name="work_new"),
    path("works/programme/", programme, name="programme"),
    path("works/<str:reference>/", work_detail, name="work"),
    path("works/<str:reference>/edit/", work_edit, name="work_edit"),
    path("works/<str:reference>/do/<str:action>/", work_action, name="work_action"),
    path("works/<str:reference>/photos/", work_photo, name="work_photo"),
    path("works/photos/<uuid:photo>/", work_photo_file, name="work_photo_file"),
    path("works/<str:reference>/spend/", work_spend, name="work_spend"),
]

"""The household's solutions case: opening one, its page, and the actions on it — pathway,
stage, caseworker, closing, intentions, the plan and readiness.

Reading needs ``solutions.view`` and the case in the user's scope; changing it needs
``solutions.manage``; deciding an approval ``solutions.approve``; case notes are shown and
written only with ``protection.view``. Anything else is 404. The services refuse what the
rules do not allow; the page says why and nothing changes.

Approvals and case notes (``approvals``), the pathway pages (``specifics``) and the exit
(``exits``) add their URLs to this list.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.accounts.requests import AuthenticatedRequest
from mehman.accounts.services import log_accesses
from mehman.core import dates, names
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.registry.models import CaseNote, Household, HouseholdStatus
from mehman.solutions import services
from mehman.solutions.forms.cases import (
    CloseCaseForm,
    MilestoneDoneForm,
    MilestoneDropForm,
    MilestoneForm,
    OpenCaseForm,
    OwnerForm,
    PathwayForm,
    ReadinessForm,
    StageForm,
    SurveyForm,
)
from mehman.solutions.models import (
    CaseExit,
    CaseReferral,
    ExitFollowUp,
    LocalIntegration,
    Milestone,
    RepatriationDetails,
    ResettlementReferral,
    SolutionsCase,
)
from mehman.solutions.services.readiness import checklist
from mehman.solutions.views import approvals, exits, specifics
from mehman.solutions.views._case import APPROVE, MANAGE, PROTECTION, case_of, data_of, step

# --- Opening a case ---------------------------------------------------------------------------


@login_required
def case_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    household = get_for_user_or_404(
        Household.objects.select_related("head", "settlement"),
        user,
        reference=names.reference_key(reference) or reference,
    )
    form = OpenCaseForm(data_of(request), household=household, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(household=household, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The solutions case was opened."))
            return redirect("solutions:case", reference=case.reference)
    existing = SolutionsCase.objects.open().for_user(user).filter(household=household).first()
    context = {
        "form": form,
        "household": household,
        "existing": existing,
        "not_resident": household.status != HouseholdStatus.RESIDENT,
    }
    return render(request, "solutions/case_new.html", context)


# --- The case page ----------------------------------------------------------------------------


def _specifics(case: SolutionsCase) -> dict[str, Any]:
    repatriation = (
        RepatriationDetails.objects.filter(case=case).prefetch_related("members_departing").first()
    )
    sessions = repatriation.counselling_dates if repatriation is not None else []
    return {
        "repatriation": repatriation,
        "counselling_days": [date.fromisoformat(day) for day in sessions],
        "resettlement": ResettlementReferral.objects.filter(case=case).first(),
        "integration": LocalIntegration.objects.filter(case=case).first(),
    }


def _exit(case: SolutionsCase) -> dict[str, Any]:
    found = (
        CaseExit.objects.filter(case=case)
        .select_related("household", "remaining", "freed_unit", "offer__application__household")
        .prefetch_related("members")
        .first()
    )
    follow_ups = (
        list(ExitFollowUp.objects.filter(exit=found).select_related("done_by")) if found else []
    )
    return {"exit": found, "follow_ups": follow_ups}


def _notes(request: AuthenticatedRequest, case: SolutionsCase) -> list[CaseNote] | None:
    """The household's protected case notes, for protection staff only (each read logged)."""
    user = request.user
    if not user.has_capability(PROTECTION):
        return None
    notes = list(
        CaseNote.objects.for_user(user)
        .filter(household=case.household)
        .select_related("written_by")
    )
    if notes:
        log_accesses(
            user=user,
            records=notes,
            subject=case.household.reference,
            settlement=case.settlement,
            via=request.path,
        )
    return notes


@require_GET
@login_required
def case_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    case = case_of(request, reference)
    surveys = list(case.surveys.select_related("respondent", "recorded_by"))
    context = {
        "case": case,
        "household": case.household,
        "today": dates.today(),
        "changes": list(case.pathway_changes.select_related("changed_by")),
        "stages": case.history.order_by("history_date", "history_id"),
        "latest_survey": surveys[0] if surveys else None,
        "surveys": surveys,
        "milestones": list(case.milestones.select_related("owner")),
        "readiness": services.readiness(case),
        "trend": services.trend(case),
        "referrals": list(
            CaseReferral.objects.filter(case=case).select_related("referral__organisation")
        ),
        "approvals": list(case.approvals.select_related("requested_by", "decided_by")),
        "notes": _notes(request, case),
        "can_manage": user.has_capability(MANAGE) and case.is_open,
        "can_approve": user.has_capability(APPROVE) and case.is_open,
        "sees_housing": user.has_capability("housing.view") and user.sees_settlement_records,
        **_specifics(case),
        **_exit(case),
    }
    context["stage_changes"] = _stage_changes(context.pop("stages"))
    return render(request, "solutions/case.html", context)


def _stage_changes(rows: Any) -> list[Any]:
    """The case's history rows where its stage changed, oldest first."""
    out, last = [], None
    for row in rows.select_related("history_user"):
        if row.stage != last:
            out.append(row)
            last = row.stage
    return out


# --- The case itself: pathway, stage, caseworker, closing ----------------------------------------


@login_required
def case_pathway(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = PathwayForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.change_pathway(
            case=case,
            by=request.user,
            pathway=d["pathway"],
            complementary=d["complementary"],
            reason=d["reason"],
            expected_version=d["version"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Change the pathway"),
        done=_("The pathway was changed."),
        testid="case-pathway",
    )


@login_required
def case_stage(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = StageForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.change_stage(
            case=case,
            by=request.user,
            stage=d["stage"],
            reason=d["reason"],
            expected_version=d["version"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Change the stage"),
        done=_("The stage was changed."),
        testid="case-stage",
    )


@login_required
def case_owner(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = OwnerForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.assign_owner(
            case=case, by=request.user, owner=d["owner"], expected_version=d["version"]
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Assign the caseworker"),
        done=_("The caseworker was assigned."),
        testid="case-owner",
    )


@login_required
def case_close(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = CloseCaseForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.close_case(
            case=case,
            by=request.user,
            reason=d["reason"],
            closed_on=d["closed_on"],
            expected_version=d["version"],
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Close the case without an exit"),
        done=_("The case was closed."),
        testid="case-close",
    )


# --- Intentions and the plan -------------------------------------------------------------------


@login_required
def survey_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = SurveyForm(data_of(request), case=case)

    def perform(d: dict[str, Any]) -> object:
        return services.record_survey(case=case, by=request.user, **d)

    return step(
        request,
        case,
        form,
        perform,
        title=_("Record the household's intentions"),
        done=_("The household's intentions were recorded."),
        testid="survey-new",
    )


@login_required
def milestone_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    form = MilestoneForm(data_of(request), case=case, user=request.user)

    def perform(d: dict[str, Any]) -> object:
        return services.add_milestone(case=case, by=request.user, **d)

    return step(
        request,
        case,
        form,
        perform,
        title=_("Add a step to the plan"),
        done=_("The step was added to the plan."),
        testid="milestone-new",
    )


def _milestone(case: SolutionsCase, uuid: Any) -> Milestone:
    found: Milestone = get_object_or_404(Milestone.objects.filter(case=case), uuid=uuid)
    return found


@login_required
def milestone_done(request: AuthenticatedRequest, reference: str, milestone: Any) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    step_row = _milestone(case, milestone)
    form = MilestoneDoneForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.complete_milestone(milestone=step_row, by=request.user, **d)

    return step(
        request,
        case,
        form,
        perform,
        title=_("Mark the step done"),
        done=_("The step was marked done."),
        testid="milestone-done",
        subject=step_row.title,
    )


@login_required
def milestone_drop(request: AuthenticatedRequest, reference: str, milestone: Any) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    step_row = _milestone(case, milestone)
    form = MilestoneDropForm(data_of(request))

    def perform(d: dict[str, Any]) -> object:
        return services.drop_milestone(milestone=step_row, by=request.user, reason=d["reason"])

    return step(
        request,
        case,
        form,
        perform,
        title=_("Drop the step"),
        done=_("The step was dropped."),
        testid="milestone-drop",
        subject=step_row.title,
    )


# --- Readiness ----------------------------------------------------------------------------------


@login_required
def readiness_assess(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = case_of(request, reference, MANAGE)
    current = services.readiness(case)
    form = ReadinessForm(
        data_of(request),
        criteria=checklist(case.pathway),
        met_now=[item.criterion.code for item in current.items if item.met],
    )

    def perform(d: dict[str, Any]) -> object:
        return services.assess_readiness(
            case=case, by=request.user, answers=form.answers(), assessed_on=d["assessed_on"]
        )

    return step(
        request,
        case,
        form,
        perform,
        title=_("Assess readiness"),
        done=_("Readiness was assessed."),
        testid="readiness",
        undecided=not form.criteria,
    )


_MILESTONE = "cases/<str:reference>/milestones/<uuid:milestone>"

urlpatterns: list[URLPattern] = [
    path("households/<str:reference>/case/", case_new, name="case_new"),
    path("cases/<str:reference>/", case_detail, name="case"),
    path("cases/<str:reference>/pathway/", case_pathway, name="case_pathway"),
    path("cases/<str:reference>/stage/", case_stage, name="case_stage"),
    path("cases/<str:reference>/caseworker/", case_owner, name="case_owner"),
    path("cases/<str:reference>/close/", case_close, name="case_close"),
    path("cases/<str:reference>/surveys/new/", survey_new, name="survey_new"),
    path("cases/<str:reference>/milestones/new/", milestone_new, name="milestone_new"),
    path(f"{_MILESTONE}/done/", milestone_done, name="milestone_done"),
    path(f"{_MILESTONE}/drop/", milestone_drop, name="milestone_drop"),
    path("cases/<str:reference>/readiness/", readiness_assess, name="readiness"),
    *approvals.urlpatterns,
    *specifics.urlpatterns,
    *exits.urlpatterns,
]

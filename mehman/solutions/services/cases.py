"""The case itself: opening it, its pathway, its stage, its caseworker, closing it; the
household's stated intentions, the plan of milestones and the protected case notes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.registry.models import Household, HouseholdStatus, Individual
from mehman.residence import services as residence_services
from mehman.residence.models import Pathway
from mehman.solutions import events
from mehman.solutions.models import (
    ALLOWED_TRANSITIONS,
    CaseStage,
    ComplementaryPathway,
    IntentionSurvey,
    Milestone,
    MilestoneStatus,
    PathwayChange,
    SolutionsCase,
)
from mehman.solutions.services._common import (
    by_user,
    check_member,
    check_staff,
    check_version,
    household_event,
    lock_case,
    next_reference,
    not_future,
    refuse,
    require_open,
    require_text,
    save_recorded,
)


def open_case_of(household: Household | int) -> SolutionsCase | None:
    """The household's open case, if it has one."""
    return SolutionsCase.objects.open().filter(household=household).first()


def _check_pathway(pathway: str, complementary: str) -> None:
    if pathway not in Pathway.values:
        refuse("pathway", _("Choose a pathway."), "pathway")
    if complementary not in ComplementaryPathway.values:
        refuse("complementary", _("Choose a complementary pathway."), "complementary")
    if complementary and pathway != Pathway.RESETTLEMENT:
        refuse(
            "complementary",
            _("Complementary pathways are a kind of resettlement."),
            "complementary",
        )


def _sync_term(case: SolutionsCase, by: Any) -> None:
    """The household's residence term aims at the pathway its case follows."""
    term = residence_services.open_term(case.household_id)
    if term is not None and term.pathway != case.pathway:
        residence_services.update_plan(
            term=term, by=by, pathway=case.pathway, exit_plan=term.exit_plan
        )


@transaction.atomic
def open_case(
    *,
    household: Household,
    by: Any,
    pathway: str = Pathway.UNDECIDED,
    complementary: str = "",
    owner: Any = None,
    opened_on: date | None = None,
    reason: str = "",
) -> SolutionsCase:
    """A resident household has one open solutions case at a time, with its pathway (or
    none decided yet) and a caseworker working in its settlement."""
    household = (
        Household.objects.select_for_update().select_related("settlement").get(pk=household.pk)
    )
    if household.status != HouseholdStatus.RESIDENT:
        raise ValidationError(
            _("Only a resident household has a solutions case."), code="not_resident"
        )
    if open_case_of(household) is not None:
        raise ValidationError(
            _("Household %(household)s already has an open solutions case."),
            code="has_case",
            params={"household": household.reference},
        )
    _check_pathway(pathway, complementary)
    if owner is not None:
        check_staff(owner, household.settlement_id, "owner")
    day = opened_on or dates.today()
    not_future(day, "opened_on")
    case = SolutionsCase(
        reference=next_reference(household.settlement),
        settlement_id=household.settlement_id,
        household=household,
        pathway=pathway,
        complementary=complementary,
        owner=owner,
        opened_on=day,
    )
    try:
        with transaction.atomic():
            save_recorded(case, by, "Case opened")
    except IntegrityError as exc:
        raise ValidationError(
            _("Household %(household)s already has an open solutions case."),
            code="has_case",
            params={"household": household.reference},
        ) from exc
    change = PathwayChange(
        case=case,
        previous="",
        pathway=pathway,
        complementary=complementary,
        changed_on=day,
        reason=(reason or "").strip()[:300] or str(_("Chosen when the case was opened")),
        changed_by=by_user(by),
    )
    save_recorded(change, by, "Pathway chosen")
    household_event(
        household, events.CASE_OPENED, by, reference=case.reference, pathway=case.pathway
    )
    _sync_term(case, by)
    return case


@transaction.atomic
def change_pathway(
    *,
    case: SolutionsCase,
    by: Any,
    pathway: str,
    reason: str,
    complementary: str = "",
    changed_on: date | None = None,
    expected_version: int | None = None,
) -> SolutionsCase:
    """A case changes pathway only with a reason; each change is kept, and the household's
    residence term follows it."""
    case = lock_case(case)
    check_version(case, expected_version)
    require_open(case)
    _check_pathway(pathway, complementary)
    reason = require_text(reason, "reason", _("Give the reason for the change."))
    if case.pathway == pathway and case.complementary == complementary:
        return case
    day = changed_on or dates.today()
    not_future(day, "changed_on")
    change = PathwayChange(
        case=case,
        previous=case.pathway,
        pathway=pathway,
        complementary=complementary,
        changed_on=day,
        reason=reason[:300],
        changed_by=by_user(by),
    )
    save_recorded(change, by, "Pathway changed")
    case.pathway = pathway
    case.complementary = complementary
    save_recorded(case, by, reason)
    household_event(
        case.household,
        events.PATHWAY_CHANGED,
        by,
        reference=case.reference,
        pathway=pathway,
        reason=reason,
    )
    _sync_term(case, by)
    return case


@transaction.atomic
def change_stage(
    *,
    case: SolutionsCase,
    by: Any,
    stage: str,
    reason: str = "",
    expected_version: int | None = None,
) -> SolutionsCase:
    """A case moves between its working stages as ALLOWED_TRANSITIONS allows; beyond
    assessing, its pathway must be decided. An exit or a closure has its own service."""
    case = lock_case(case)
    check_version(case, expected_version)
    require_open(case)
    labels = dict(CaseStage.choices)
    if stage == CaseStage.EXITED:
        raise ValidationError(
            _("A case reaches “Exited” only when the household's exit is recorded."),
            code="use_exit",
        )
    if stage == CaseStage.CLOSED:
        raise ValidationError(_("Close the case with its reason."), code="use_close")
    if stage not in ALLOWED_TRANSITIONS[case.stage]:
        raise ValidationError(
            _("This case is “%(current)s”; it cannot become “%(new)s”."),
            code="transition",
            params={"current": labels[case.stage], "new": labels.get(stage, stage)},
        )
    if stage != CaseStage.ASSESSING and case.pathway == Pathway.UNDECIDED:
        raise ValidationError(_("Choose the case's pathway before planning."), code="undecided")
    case.stage = stage
    save_recorded(case, by, reason or stage)
    household_event(case.household, events.STAGE_CHANGED, by, reference=case.reference, stage=stage)
    return case


@transaction.atomic
def assign_owner(
    *, case: SolutionsCase, by: Any, owner: Any, expected_version: int | None = None
) -> SolutionsCase:
    """A case is followed by a caseworker working in its settlement."""
    case = lock_case(case)
    check_version(case, expected_version)
    require_open(case)
    check_staff(owner, case.settlement_id, "owner")
    if case.owner_id == owner.pk:
        return case
    case.owner = owner
    save_recorded(case, by, "Caseworker assigned")
    household_event(
        case.household, events.OWNER_CHANGED, by, reference=case.reference, owner=str(owner)
    )
    return case


@transaction.atomic
def close_case(
    *,
    case: SolutionsCase,
    by: Any,
    reason: str,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> SolutionsCase:
    """A case ends without an exit (the household withdrew, say) only with a reason."""
    case = lock_case(case)
    check_version(case, expected_version)
    require_open(case)
    reason = require_text(reason, "reason", _("Give the reason for closing the case."))
    day = closed_on or dates.today()
    not_future(day, "closed_on")
    if day < case.opened_on:
        refuse("closed_on", _("A case cannot close before it was opened."), "dates")
    case.stage = CaseStage.CLOSED
    case.closed_on = day
    case.close_reason = reason[:300]
    save_recorded(case, by, reason)
    household_event(case.household, events.CASE_CLOSED, by, reference=case.reference, reason=reason)
    return case


# --- Intentions -------------------------------------------------------------------------------


@transaction.atomic
def record_survey(
    *,
    case: SolutionsCase,
    by: Any,
    preferred: str,
    respondent: Individual,
    conditions: str = "",
    complementary: str = "",
    surveyed_on: date | None = None,
) -> IntentionSurvey:
    """A member of the household says which solution it wants and on what conditions;
    asked again over time, each answer is kept."""
    case = lock_case(case)
    require_open(case)
    _check_pathway(preferred, complementary)
    check_member(respondent, case.household, "respondent")
    day = surveyed_on or dates.today()
    not_future(day, "surveyed_on")
    survey = IntentionSurvey(
        case=case,
        surveyed_on=day,
        preferred=preferred,
        complementary=complementary,
        conditions=(conditions or "").strip(),
        respondent=respondent,
        recorded_by=by_user(by),
    )
    save_recorded(survey, by, "Intentions asked")
    household_event(
        case.household, events.SURVEY_RECORDED, by, reference=case.reference, preferred=preferred
    )
    return survey


# --- The plan ---------------------------------------------------------------------------------


@transaction.atomic
def add_milestone(
    *,
    case: SolutionsCase,
    by: Any,
    title: str,
    owner: Any,
    due_on: date,
    note: str = "",
) -> Milestone:
    """A step of the plan has a title, someone responsible in the settlement, and a due
    date no earlier than the case."""
    case = lock_case(case)
    require_open(case)
    title = require_text(title, "title", _("Say what is to be done."))
    check_staff(owner, case.settlement_id, "owner")
    if due_on is None:
        refuse("due_on", _("Give the due date."), "required")
    if due_on < case.opened_on:
        refuse("due_on", _("A step cannot be due before the case was opened."), "dates")
    milestone = Milestone(
        case=case, title=title[:200], owner=owner, due_on=due_on, note=(note or "").strip()[:300]
    )
    save_recorded(milestone, by, "Step added")
    household_event(
        case.household,
        events.MILESTONE_ADDED,
        by,
        title=milestone.title,
        due_on=due_on.isoformat(),
    )
    return milestone


def _lock_milestone(milestone: Milestone) -> Milestone:
    locked: Milestone = (
        Milestone.objects.select_for_update().select_related("case__household").get(pk=milestone.pk)
    )
    require_open(locked.case)
    if locked.status != MilestoneStatus.OPEN:
        raise ValidationError(
            _("This step is already “%(status)s”."),
            code="finished",
            params={"status": locked.get_status_display()},
        )
    return locked


@transaction.atomic
def complete_milestone(
    *, milestone: Milestone, by: Any, done_on: date | None = None, note: str = ""
) -> Milestone:
    """A step is done on a day no later than today."""
    milestone = _lock_milestone(milestone)
    day = done_on or dates.today()
    not_future(day, "done_on")
    milestone.status = MilestoneStatus.DONE
    milestone.done_on = day
    if note.strip():
        milestone.note = note.strip()[:300]
    save_recorded(milestone, by, "Step done")
    household_event(milestone.case.household, events.MILESTONE_DONE, by, title=milestone.title)
    return milestone


@transaction.atomic
def drop_milestone(*, milestone: Milestone, by: Any, reason: str) -> Milestone:
    """A step no longer needed is dropped with the reason."""
    milestone = _lock_milestone(milestone)
    reason = require_text(reason, "reason", _("Say why the step is dropped."))
    milestone.status = MilestoneStatus.CANCELLED
    milestone.note = reason[:300]
    save_recorded(milestone, by, reason)
    household_event(
        milestone.case.household,
        events.MILESTONE_DROPPED,
        by,
        title=milestone.title,
        reason=reason,
    )
    return milestone

"""The exit: how and when a household, or some of its members, left — which ends the
residence term, frees the home, offers it to the next household on the waitlist and closes the
case in one transaction — and the follow-ups 3, 6 and 12 months later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.housing.models import EndReason, Occupancy, Offer, Unit, UnitState
from mehman.housing.services import candidates_for, move_out, offer_unit, transfer
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus, Individual
from mehman.residence import services as residence_services
from mehman.residence.models import Decision as ReviewDecision
from mehman.residence.models import ExitReason, Progress, TermStatus
from mehman.residence.services.terms import open_review_of
from mehman.solutions import events
from mehman.solutions.models import (
    EXIT_TYPES,
    FOLLOW_UP_MONTHS,
    ApprovalKind,
    CaseExit,
    CaseStage,
    ExitFollowUp,
    FollowUpStatus,
    SolutionsCase,
)
from mehman.solutions.services._common import (
    by_user,
    check_version,
    household_event,
    lock_case,
    not_future,
    refuse,
    require_open,
    require_text,
    save_recorded,
)
from mehman.solutions.services.approvals import is_approved

# Exits that carry out a decision needing a second approver.
EXIT_APPROVALS = {
    ExitReason.RETURNED: ApprovalKind.RETURN,
    ExitReason.RESETTLED: ApprovalKind.RESETTLEMENT,
}


def _check_approval(case: SolutionsCase, exit_type: str) -> None:
    kind = EXIT_APPROVALS.get(ExitReason(exit_type))
    if kind is not None and not is_approved(case, kind):
        raise ValidationError(
            _(
                "“%(exit)s” carries out a decision that needs a second approver: ask a "
                "settlement manager to approve “%(decision)s” on case %(case)s, then record "
                "the exit."
            ),
            code="needs_approval",
            params={
                "exit": ExitReason(exit_type).label,
                "decision": ApprovalKind(kind).label,
                "case": case.reference,
            },
        )


def _leaving(
    household: Household, members: Sequence[Individual] | None
) -> tuple[list[Individual], bool]:
    """The members who leave (all when none are named) and whether that is only some."""
    active = list(household.active_members().order_by("pk"))
    if not members:
        return active, False
    active_ids = {person.pk for person in active}
    chosen_ids = {person.pk for person in members}
    if not chosen_ids <= active_ids:
        refuse("members", _("Choose members of this household."), "members")
    chosen = [person for person in active if person.pk in chosen_ids]
    return chosen, chosen_ids != active_ids


def _offer_to_the_waitlist(home: Unit, by: Any) -> Offer | None:
    """The freed home goes to the first household on the waitlist that fits it, if any."""
    home.refresh_from_db()
    if home.state != UnitState.READY:
        return None
    top = candidates_for(home, limit=1)
    if not top:
        return None
    application, _needs_step_free = top[0]
    return offer_unit(unit=home, application=application, by=by)


def _split(
    household: Household,
    leaving: list[Individual],
    new_head: Individual | None,
    staying_head: Individual | None,
    by: Any,
) -> Household:
    """The members leaving become a household of their own; when the head leaves with them, a
    member who stays heads the household first (it keeps its home, term and history)."""
    leaving_ids = {person.pk for person in leaving}
    head_leaves = household.head_id in leaving_ids
    if head_leaves:
        if staying_head is None or staying_head.pk in leaving_ids:
            refuse(
                "staying_head",
                _("The head leaves: choose who heads the members who stay, among them."),
                "staying_head",
            )
        if new_head is None:
            new_head = next(person for person in leaving if person.pk == household.head_id)
        registry_services.change_head(household=household, new_head=staying_head, by=by)
        household.refresh_from_db()
    if new_head is None and len(leaving) == 1:
        new_head = leaving[0]
    if new_head is None or new_head.pk not in leaving_ids:
        refuse("new_head", _("Choose who heads the members leaving, among them."), "new_head")
    return registry_services.split_household(
        household=household, members=leaving, new_head=new_head, by=by
    )


def _end_stay(household: Household, by: Any, exit_type: str, exit_on: date, why: str) -> None:
    """The whole household leaves: its term ends with the exit (begun first if it was not),
    which frees its home and marks it departed; without a term, the same directly."""
    term = residence_services.open_term(household)
    if term is None:
        home = Occupancy.objects.filter(household=household, ended_on__isnull=True).first()
        if home is not None:
            move_out(
                household=household,
                by=by,
                end_reason=EndReason.MOVED_OUT,
                day=max(exit_on, home.started_on),
            )
        registry_services.change_status(
            household=household, status=HouseholdStatus.DEPARTED, by=by, reason=why
        )
        return
    if term.status != TermStatus.ENDING:
        if open_review_of(term) is not None:
            residence_services.complete_review(
                term=term,
                by=by,
                held_on=dates.today(),
                progress=Progress.ON_TRACK,
                decision=ReviewDecision.BEGIN_EXIT,
                reason=why,
            )
        else:
            residence_services.begin_exit(term=term, by=by, reason=why)
    residence_services.end_term(term=term, by=by, exit_reason=exit_type, exit_on=exit_on, note=why)


@transaction.atomic
def record_exit(
    *,
    case: SolutionsCase,
    by: Any,
    exit_type: str,
    exit_on: date | None,
    members: Sequence[Individual] | None = None,
    new_head: Individual | None = None,
    staying_head: Individual | None = None,
    move_remaining_to: Unit | None = None,
    offer_home: bool = True,
    note: str = "",
    expected_version: int | None = None,
) -> CaseExit:
    """A household leaves by a departure type on a day: a return or a resettlement only once
    a second approver approved it. When all leave, the residence term ends and the home is
    freed; when only some leave, they form their own household that departs, and the rest keep
    the term and the home, or move to another (a smaller one), freeing theirs. A freed home is
    offered to the next household on the waitlist that fits it (unless ``offer_home`` is
    off). The case closes; follow-ups fall due at 3, 6 and 12 months."""
    case = lock_case(case)
    check_version(case, expected_version)
    require_open(case)
    if exit_type not in [choice.value for choice in EXIT_TYPES]:
        refuse("exit_type", _("Say how the household left."), "required")
    if exit_on is None:
        refuse("exit_on", _("Give the date the household left."), "required")
    not_future(exit_on, "exit_on")
    if exit_on < case.opened_on:
        refuse("exit_on", _("The exit cannot come before the case was opened."), "dates")
    _check_approval(case, exit_type)
    household = Household.objects.select_for_update().get(pk=case.household_id)
    if household.status != HouseholdStatus.RESIDENT:
        raise ValidationError(
            _("Household %(household)s no longer lives here."),
            code="not_resident",
            params={"household": household.reference},
        )
    leaving, partial = _leaving(household, members)
    why = str(_("Exit recorded on case %(case)s") % {"case": case.reference})
    note = (note or "").strip()[:300]
    remaining: Household | None = None
    home = Occupancy.objects.filter(household=household, ended_on__isnull=True).first()
    freed: Unit | None = None
    if partial:
        if exit_type == ExitReason.DECEASED:
            raise ValidationError(
                _("Record each member's death on the household instead."), code="deceased"
            )
        departed = _split(household, leaving, new_head, staying_head, by)
        departed = registry_services.change_status(
            household=departed, status=HouseholdStatus.DEPARTED, by=by, reason=why
        )
        household.refresh_from_db()  # the split changed its members and size
        remaining = household
        if move_remaining_to is not None:
            if home is None:
                refuse("move_remaining_to", _("The household has no home to leave."), "no_home")
            # A move-in recorded after the exit happened moves on the same day.
            day = max(exit_on, home.started_on)
            transfer(household=household, to=move_remaining_to, by=by, note=why, day=day)
            freed = home.unit
    else:
        if move_remaining_to is not None:
            refuse("move_remaining_to", _("Nobody stays to move."), "nobody_stays")
        _end_stay(household, by, exit_type, exit_on, note or why)
        departed = household
        freed = home.unit if home is not None else None
    offer = _offer_to_the_waitlist(freed, by) if freed is not None and offer_home else None
    case_exit = CaseExit(
        case=case,
        exit_type=exit_type,
        exit_on=exit_on,
        household=departed,
        remaining=remaining,
        member_count=len(leaving),
        freed_unit=freed,
        offer=offer,
        note=note,
        recorded_by=by_user(by),
    )
    save_recorded(case_exit, by, "Exit recorded")
    case_exit.members.set(leaving)
    if exit_type != ExitReason.DECEASED:
        for months in FOLLOW_UP_MONTHS:
            follow_up = ExitFollowUp(
                exit=case_exit, months=months, due_on=dates.add_months(exit_on, months)
            )
            save_recorded(follow_up, by, "Follow-up planned")
    case.stage = CaseStage.EXITED
    case.closed_on = exit_on
    save_recorded(case, by, "Exit recorded")
    params = {
        "reference": case.reference,
        "exit_type": exit_type,
        "exit_on": exit_on.isoformat(),
        "members": len(leaving),
    }
    household_event(departed, events.EXIT_RECORDED, by, **params)
    if remaining is not None:
        household_event(remaining, events.EXIT_RECORDED, by, **params)
    return case_exit


@transaction.atomic
def record_follow_up(
    *,
    follow_up: ExitFollowUp,
    by: Any,
    reached: bool,
    outcome: str,
    done_on: date | None = None,
) -> ExitFollowUp:
    """A follow-up after the exit records, once, whether the household was reached and what
    was found, on a day between the exit and today."""
    follow_up = (
        ExitFollowUp.objects.select_for_update()
        .select_related("exit__case", "exit__household")
        .get(pk=follow_up.pk)
    )
    if follow_up.status != FollowUpStatus.DUE:
        raise ValidationError(_("This follow-up is already recorded."), code="recorded")
    outcome = require_text(outcome, "outcome", _("Record what was found."))
    day = done_on or dates.today()
    not_future(day, "done_on")
    if day < follow_up.exit.exit_on:
        refuse("done_on", _("A follow-up cannot come before the exit."), "dates")
    follow_up.status = FollowUpStatus.REACHED if reached else FollowUpStatus.NOT_REACHED
    follow_up.outcome = outcome
    follow_up.done_on = day
    follow_up.done_by = by_user(by)
    save_recorded(follow_up, by, "Followed up")
    household_event(
        follow_up.exit.household,
        events.FOLLOWED_UP,
        by,
        reference=follow_up.exit.case.reference,
        months=follow_up.months,
        status=follow_up.status,
    )
    return follow_up

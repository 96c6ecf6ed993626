"""Residence terms: starting one, its agreement, its reviews and decisions, and its end.

A term binds a resident household from its start to a planned end under the conditions of a
signed agreement. Reviews at a set interval decide to continue, extend (with a reason, a
limited number of times) or begin the exit. Nothing ends a term but a recorded exit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.housing.models import EndReason, Occupancy
from mehman.housing.services import move_out
from mehman.intake.models import Application
from mehman.registry import departures
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus
from mehman.residence import events as residence_events
from mehman.residence.models import (
    TERM_TRANSITIONS,
    AgreementCondition,
    Decision,
    ExitReason,
    Pathway,
    Progress,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermOrigin,
    TermStatus,
)
from mehman.residence.services._common import (
    check_version,
    household_event,
    next_reference,
    require_text,
    save_recorded,
)

SCAN_TYPES = {"pdf", "jpg", "jpeg", "png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


def term_months() -> int:
    return int(settings.MEHMAN_TERM_MONTHS)


def review_months() -> int:
    return int(settings.MEHMAN_REVIEW_MONTHS)


def open_term(household: Household | int) -> ResidenceTerm | None:
    """The household's open term, if it has one."""
    return ResidenceTerm.objects.open().filter(household=household).first()


def lock_term(term: ResidenceTerm) -> ResidenceTerm:
    locked: ResidenceTerm = (
        ResidenceTerm.objects.select_for_update()
        .select_related("household", "settlement")
        .get(pk=term.pk)
    )
    return locked


def _transition(term: ResidenceTerm, status: str, by: Any, reason: str = "") -> None:
    if status not in TERM_TRANSITIONS[term.status]:
        labels = dict(TermStatus.choices)
        raise ValidationError(
            _("This term is “%(current)s”; it cannot become “%(new)s”."),
            code="transition",
            params={"current": labels[term.status], "new": labels.get(status, status)},
        )
    term.status = status
    save_recorded(term, by, reason or status)
    household_event(
        term.household, residence_events.TERM_STATUS, by, reference=term.reference, status=status
    )


def _refuse(field: str, message: Any, code: str) -> NoReturn:
    raise ValidationError({field: ValidationError(message, code=code)})


def _future(day: date, field: str) -> None:
    if day > dates.today():
        raise ValidationError(
            {field: ValidationError(_("This date is in the future."), code="future")}
        )


def choose_conditions(codes: Iterable[str] | None) -> list[dict[str, str]]:
    """The conditions chosen from the maintained list, in its order (the standard ones when
    none are named), as the agreement keeps them."""
    conditions = AgreementCondition.objects.filter(is_active=True)
    if codes is None:
        return [condition.snapshot() for condition in conditions.filter(standard=True)]
    wanted = {str(code) for code in codes}
    chosen = [condition for condition in conditions if condition.code in wanted]
    unknown = wanted - {condition.code for condition in chosen}
    if unknown:
        raise ValidationError(
            {
                "conditions": ValidationError(
                    _("Unknown or retired condition: %(codes)s."),
                    code="unknown",
                    params={"codes": ", ".join(sorted(unknown))},
                )
            }
        )
    return [condition.snapshot() for condition in chosen]


def _next_review(start: date, months: int, planned_end: date) -> date | None:
    review = dates.add_months(start, months)
    return review if review < planned_end else None


def create_term(
    *,
    household: Household,
    by: Any,
    started_on: date,
    planned_end: date,
    origin: str,
    conditions: Sequence[dict[str, str]],
    application: Application | None = None,
    conversion: Any = None,
    pathway: str = Pathway.UNDECIDED,
    exit_plan: str = "",
) -> ResidenceTerm:
    """Write a new term (callers hold the transaction and have checked the household)."""
    if planned_end <= started_on:
        _refuse("planned_end", _("The term must end after it starts."), "dates")
    if pathway not in Pathway.values:
        _refuse("pathway", _("Choose a pathway."), "pathway")
    months = review_months()
    term = ResidenceTerm(
        reference=next_reference(household.settlement, "term"),
        settlement_id=household.settlement_id,
        household=household,
        origin=origin,
        started_on=started_on,
        planned_end=planned_end,
        first_end=planned_end,
        review_months=months,
        next_review_on=_next_review(started_on, months, planned_end),
        conditions=list(conditions),
        pathway=pathway,
        exit_plan=(exit_plan or "").strip(),
        application=application,
        conversion=conversion,
    )
    try:
        with transaction.atomic():
            save_recorded(term, by, "Term started")
    except IntegrityError as exc:
        raise ValidationError(
            _("Household %(household)s already has an open residence term.")
            % {"household": household.reference},
            code="has_term",
        ) from exc
    household_event(
        household,
        residence_events.TERM_STARTED,
        by,
        reference=term.reference,
        planned_end=planned_end.isoformat(),
        origin=origin,
    )
    return term


def check_can_start(household: Household) -> None:
    if household.status != HouseholdStatus.RESIDENT:
        raise ValidationError(
            _("Only a resident household has a residence term."), code="not_resident"
        )
    if ResidenceTerm.objects.open().filter(household=household).exists():
        raise ValidationError(
            _("Household %(household)s already has an open residence term.")
            % {"household": household.reference},
            code="has_term",
        )


@transaction.atomic
def start_term(
    *,
    household: Household,
    by: Any,
    started_on: date | None = None,
    months: int | None = None,
    planned_end: date | None = None,
    conditions: Iterable[str] | None = None,
    pathway: str = Pathway.UNDECIDED,
    exit_plan: str = "",
    origin: str = TermOrigin.RECORDED,
    application: Application | None = None,
) -> ResidenceTerm:
    """A resident household lives here for a term — from its start to a planned end (the
    policy's length unless decided otherwise) under the agreement's conditions; one at a time."""
    household = (
        Household.objects.select_for_update().select_related("settlement").get(pk=household.pk)
    )
    check_can_start(household)
    start = started_on or dates.today()
    if months is not None and (int(months) < 1 or int(months) > 120):
        _refuse("months", _("A term lasts 1 to 120 months."), "months")
    end = planned_end or dates.add_months(start, int(months or term_months()))
    return create_term(
        household=household,
        by=by,
        started_on=start,
        planned_end=end,
        origin=origin,
        conditions=choose_conditions(conditions),
        application=application,
        pathway=pathway,
        exit_plan=exit_plan,
    )


def start_on_admission(application: Application, by: Any, day: date) -> None:
    """Admission starts the household's term (``intake.admission`` calls this in its
    transaction)."""
    start_term(
        household=application.household,
        by=by,
        started_on=day,
        origin=TermOrigin.ADMISSION,
        application=application,
    )


# --- The agreement ------------------------------------------------------------------------


def _require_open(term: ResidenceTerm) -> None:
    if not term.is_open:
        raise ValidationError(
            _("This term is %(status)s: it can no longer change.")
            % {"status": term.get_status_display()},
            code="closed",
        )


def _check_scan(scan: UploadedFile[bytes]) -> None:
    name = scan.name or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SCAN_TYPES:
        _refuse("scan", _("Upload a PDF, JPEG or PNG file."), "type")
    if (scan.size or 0) > SCAN_MAX_BYTES:
        _refuse("scan", _("The file is larger than 10 MB."), "size")


@transaction.atomic
def record_agreement(
    *,
    term: ResidenceTerm,
    by: Any,
    signed_on: date,
    scan: UploadedFile[bytes] | None = None,
    expected_version: int | None = None,
) -> ResidenceTerm:
    """The household signed the agreement on a day no later than today; its scan is kept."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    _future(signed_on, "signed_on")
    if scan is not None:
        _check_scan(scan)
        term.agreement_scan = scan
    term.agreement_signed_on = signed_on
    save_recorded(term, by, "Agreement signed")
    household_event(
        term.household,
        residence_events.AGREEMENT_SIGNED,
        by,
        reference=term.reference,
        signed_on=signed_on.isoformat(),
    )
    return term


@transaction.atomic
def set_conditions(
    *,
    term: ResidenceTerm,
    by: Any,
    conditions: Iterable[str],
    expected_version: int | None = None,
) -> ResidenceTerm:
    """The conditions change only until the agreement is signed; signed words stay as signed."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    if term.agreement_signed_on is not None:
        raise ValidationError(
            _("The agreement is signed: its conditions can no longer change."), code="signed"
        )
    chosen = choose_conditions(list(conditions))
    if not chosen:
        _refuse("conditions", _("Choose at least one condition."), "required")
    if chosen == term.conditions:
        return term
    term.conditions = chosen
    save_recorded(term, by, "Conditions changed")
    household_event(
        term.household,
        residence_events.TERM_CHANGED,
        by,
        reference=term.reference,
        what=str(_("conditions of the agreement")),
    )
    return term


@transaction.atomic
def update_plan(
    *,
    term: ResidenceTerm,
    by: Any,
    pathway: str,
    exit_plan: str,
    expected_version: int | None = None,
) -> ResidenceTerm:
    """The household's exit plan: the durable solution it aims at and the steps agreed."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    if pathway not in Pathway.values:
        _refuse("pathway", _("Choose a pathway."), "pathway")
    plan = (exit_plan or "").strip()
    if term.pathway == pathway and term.exit_plan == plan:
        return term
    term.pathway = pathway
    term.exit_plan = plan
    save_recorded(term, by, "Exit plan changed")
    household_event(
        term.household, residence_events.PLAN_CHANGED, by, reference=term.reference, pathway=pathway
    )
    return term


# --- Reviews ------------------------------------------------------------------------------


def open_review_of(term: ResidenceTerm) -> Review | None:
    return Review.objects.filter(term=term, status=ReviewStatus.OPEN).first()


@transaction.atomic
def open_review(*, term: ResidenceTerm, by: Any, due_on: date | None = None) -> Review:
    """A review falls due: the term is under review until a decision is recorded."""
    term = lock_term(term)
    _require_open(term)
    existing = open_review_of(term)
    if existing is not None:
        return existing
    due = due_on or term.next_review_on or dates.today()
    review = Review(term=term, due_on=due)
    save_recorded(review, by, "Review due")
    if term.status != TermStatus.UNDER_REVIEW:
        _transition(term, TermStatus.UNDER_REVIEW, by, "Review due")
    household_event(
        term.household,
        residence_events.REVIEW_OPENED,
        by,
        reference=term.reference,
        due_on=due.isoformat(),
    )
    return review


def open_due_reviews(*, settlement: Any, on: date | None = None, by: Any = None) -> int:
    """Reviews are opened as they come within the notice period (``MEHMAN_REVIEW_NOTICE_DAYS``)
    of their date, so the household is reminded and staff see them in their digest before
    they fall due; the number opened."""
    day = on or dates.today()
    horizon = day + timedelta(days=int(settings.MEHMAN_REVIEW_NOTICE_DAYS))
    due = (
        ResidenceTerm.objects.open()
        .filter(settlement=settlement, next_review_on__lte=horizon)
        .exclude(pk__in=Review.objects.filter(status=ReviewStatus.OPEN).values("term_id"))
        .order_by("next_review_on", "id")
    )
    opened = 0
    for term in due:
        try:
            open_review(term=term, by=by)
        except ValidationError:  # closed meanwhile: nothing to review
            continue
        opened += 1
    return opened


def _check_extension(term: ResidenceTerm, new_end: date | None, reason: str) -> date:
    if not reason:
        _refuse("reason", _("Give the reason for the extension."), "required")
    limit = int(settings.MEHMAN_MAX_EXTENSIONS)
    if term.extensions >= limit:
        raise ValidationError(
            _(
                "This term has been extended %(count)s times, the most the policy allows. "
                "Begin the exit, or ask the directorate to change the policy."
            ),
            code="extension_limit",
            params={"count": term.extensions},
        )
    if new_end is None or new_end <= term.planned_end:
        _refuse("new_end", _("The new end must come after the planned end."), "new_end")
    longest = dates.add_months(term.planned_end, int(settings.MEHMAN_MAX_EXTENSION_MONTHS))
    if new_end > longest:
        raise ValidationError(
            {
                "new_end": ValidationError(
                    _("An extension adds at most %(months)s months (until %(latest)s)."),
                    code="extension_length",
                    params={
                        "months": settings.MEHMAN_MAX_EXTENSION_MONTHS,
                        "latest": dates.format_date(longest),
                    },
                )
            }
        )
    return new_end


@transaction.atomic
def complete_review(
    *,
    term: ResidenceTerm,
    by: Any,
    held_on: date,
    progress: str,
    decision: str,
    progress_note: str = "",
    remarks: str = "",
    new_end: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Review:
    """A review records progress against the exit plan and decides: continue, extend (a new
    end and a reason, within the policy's limits) or begin the exit (with a reason)."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    _future(held_on, "held_on")
    if held_on < term.started_on:
        _refuse("held_on", _("A review cannot come before the term began."), "dates")
    if progress not in Progress.values:
        _refuse("progress", _("Say how the exit plan has progressed."), "required")
    if decision not in Decision.values:
        _refuse("decision", _("Choose a decision."), "required")
    reason = (reason or "").strip()
    if decision == Decision.EXTEND:
        new_end = _check_extension(term, new_end, reason)
    elif decision == Decision.BEGIN_EXIT:
        reason = require_text(reason, "reason", _("Give the reason for beginning the exit."))
    review = open_review_of(term)
    if review is None:
        review = open_review(term=term, by=by, due_on=held_on)
        term = lock_term(term)
    review.status = ReviewStatus.DONE
    review.held_on = held_on
    review.progress = progress
    review.progress_note = (progress_note or "").strip()
    review.remarks = (remarks or "").strip()
    review.decision = decision
    review.reason = reason
    review.new_end = new_end if decision == Decision.EXTEND else None
    review.reviewer = by if getattr(by, "is_authenticated", False) else None
    save_recorded(review, by, "Reviewed")
    household_event(
        term.household, residence_events.REVIEWED, by, reference=term.reference, decision=decision
    )
    if decision == Decision.EXTEND:
        assert new_end is not None
        term.planned_end = new_end
        term.extensions += 1
        term.next_review_on = _next_review(held_on, term.review_months, new_end)
        _transition(term, TermStatus.EXTENDED, by, reason)
        household_event(
            term.household,
            residence_events.EXTENDED,
            by,
            reference=term.reference,
            planned_end=new_end.isoformat(),
            reason=reason,
        )
    elif decision == Decision.BEGIN_EXIT:
        term.next_review_on = None
        _transition(term, TermStatus.ENDING, by, reason)
        household_event(
            term.household, residence_events.EXIT_BEGUN, by, reference=term.reference, reason=reason
        )
    else:
        term.next_review_on = _next_review(held_on, term.review_months, term.planned_end)
        status = TermStatus.EXTENDED if term.extensions else TermStatus.ACTIVE
        _transition(term, status, by, "Review: continue")
    return review


@transaction.atomic
def begin_exit(
    *, term: ResidenceTerm, by: Any, reason: str, expected_version: int | None = None
) -> ResidenceTerm:
    """The household is leaving before a review decided it (it announced its return, say):
    the exit begins, with the reason."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    reason = require_text(reason, "reason", _("Give the reason for beginning the exit."))
    if open_review_of(term) is not None:
        raise ValidationError(
            _("A review of this term is open: decide the exit in the review."), code="in_review"
        )
    term.next_review_on = None
    _transition(term, TermStatus.ENDING, by, reason)
    household_event(
        term.household, residence_events.EXIT_BEGUN, by, reference=term.reference, reason=reason
    )
    return term


# --- The end -------------------------------------------------------------------------------


@transaction.atomic
def end_term(
    *,
    term: ResidenceTerm,
    by: Any,
    exit_reason: str,
    exit_on: date | None,
    note: str = "",
    depart: bool = True,
    expected_version: int | None = None,
) -> ResidenceTerm:
    """A term ends only with a recorded exit — how the household left and on what day — once
    its exit has begun; the household leaves its home and the settlement with it."""
    term = lock_term(term)
    check_version(term, expected_version)
    _require_open(term)
    if term.status != TermStatus.ENDING:
        raise ValidationError(
            _("Begin the exit first (at a review, or with a reason), then record it."),
            code="not_ending",
        )
    if exit_reason not in ExitReason.values:
        _refuse("exit_reason", _("Say how the household left."), "required")
    if exit_on is None:
        _refuse("exit_on", _("Give the date the household left."), "required")
    _future(exit_on, "exit_on")
    if exit_on < term.started_on:
        _refuse("exit_on", _("The exit cannot come before the term began."), "dates")
    term.exit_reason = exit_reason
    term.exit_on = exit_on
    term.exit_note = (note or "").strip()[:300]
    term.next_review_on = None
    _transition(term, TermStatus.ENDED, by, "Exit recorded")
    household_event(
        term.household,
        residence_events.TERM_ENDED,
        by,
        reference=term.reference,
        exit_reason=exit_reason,
        exit_on=exit_on.isoformat(),
    )
    if depart:
        _leave(term.household, by, exit_on)
        registry_services.change_status(
            household=term.household,
            status=HouseholdStatus.DEPARTED,
            by=by,
            reason=str(_("Exit recorded on term %(term)s") % {"term": term.reference}),
        )
    return term


def _leave(household: Household, by: Any, day: date) -> None:
    """The household's home is freed for the waitlist."""
    home = Occupancy.objects.filter(household=household, ended_on__isnull=True).first()
    if home is not None:  # a move-in recorded after the exit happened moves out the same day
        day = max(day, home.started_on)
        move_out(household=household, by=by, end_reason=EndReason.MOVED_OUT, day=day)


# --- Households leaving the registry --------------------------------------------------------

_CAUSE_EXITS = {
    departures.DEATH: ExitReason.DECEASED,
    departures.MARRIAGE: ExitReason.JOINED_HOUSEHOLD,
    departures.MERGE: ExitReason.JOINED_HOUSEHOLD,
}


def on_household_leaving(household: Household, status: str, cause: str, by: Any, day: date) -> None:
    """A household leaving the registry (``registry.departures``): when its last member died
    or joined another household, its term ends with that exit and its home is freed; any other
    departure must be recorded as the term's exit, so it is refused while a term is open."""
    term = open_term(household)
    if term is None:
        return
    exit_reason = _CAUSE_EXITS.get(cause)
    if exit_reason is None:
        raise ValidationError(
            _(
                "Household %(household)s has an open residence term (%(term)s): record its "
                "exit on the term, which ends the term and the household's stay together."
            ),
            code="open_term",
            params={"household": household.reference, "term": term.reference},
        )
    term = lock_term(term)
    review = open_review_of(term)
    if review is not None:
        review.status = ReviewStatus.DONE
        review.held_on = day
        review.decision = Decision.BEGIN_EXIT
        review.reason = str(ExitReason(exit_reason).label)
        save_recorded(review, by, "Closed by the exit")
    if term.status != TermStatus.ENDING:
        term.next_review_on = None
        _transition(term, TermStatus.ENDING, by, str(ExitReason(exit_reason).label))
    exit_on = max(min(day, dates.today()), term.started_on)
    end_term(term=term, by=by, exit_reason=exit_reason, exit_on=exit_on, depart=False)
    _leave(household, by, exit_on)

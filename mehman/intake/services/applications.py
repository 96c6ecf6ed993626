"""An application's life: started, submitted, screened, waitlisted, offered a home,
accepted or declined, admitted; or withdrawn, expired, appealed.

Each transition is one service checked against ``ALLOWED_TRANSITIONS`` and
leaves an event on the application's timeline. Transitions that change who
holds a place on the waitlist re-rank it, naming the application as the cause.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits
from mehman.core.models import Settlement
from mehman.intake import admission, eligibility
from mehman.intake import events as intake_events
from mehman.intake.models import (
    AppealSubject,
    Application,
    ApplicationStatus,
    Channel,
    CurrentHousing,
    RankingReason,
)
from mehman.intake.services._common import (
    lock,
    record_event,
    require_status,
    require_text,
    save_recorded,
)
from mehman.intake.services.ranking import rerank, store_features
from mehman.intake.services.rules import active_rules
from mehman.partners.models import Organisation
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Household, HouseholdStatus

S = ApplicationStatus
PIN_DIGITS = 6
EDITABLE_FIELDS = (
    "applied_on",
    "channel",
    "referred_by",
    "current_housing",
    "current_place",
    "reasons",
    "documents_seen",
    "monthly_income",
    "eviction_risk",
    "consent_given",
)


# --- Starting and editing ---------------------------------------------------------------


def _next_reference(household: Household) -> str:
    settlement = household.settlement
    type(settlement).objects.select_for_update().filter(pk=settlement.pk).first()
    number = Application.objects.filter(settlement=settlement).count() + 1
    return f"{settlement.code}-A{number:05d}"


def _check_details(data: dict[str, Any]) -> None:
    errors: dict[str, ValidationError] = {}
    if "channel" in data and data["channel"] not in Channel.values:
        errors["channel"] = ValidationError(
            _("Choose how the application came in."), code="channel"
        )
    if "current_housing" in data and data["current_housing"] not in CurrentHousing.values:
        errors["current_housing"] = ValidationError(
            _("Choose where the household lives now."), code="housing"
        )
    if "current_place" in data and not str(data["current_place"] or "").strip():
        errors["current_place"] = ValidationError(
            _("Say where the household lives now (city, village or district)."), code="required"
        )
    unknown = set(data.get("documents_seen") or ()) - set(DocumentType.values)
    if unknown:
        errors["documents_seen"] = ValidationError(_("Unknown document type."), code="document")
    referred_by = data.get("referred_by")
    if data.get("channel") == Channel.PARTNER and referred_by is None:
        errors["referred_by"] = ValidationError(
            _("Name the partner that referred the household."), code="required"
        )
    if referred_by is not None and not isinstance(referred_by, Organisation):
        errors["referred_by"] = ValidationError(_("Unknown partner."), code="partner")
    income = data.get("monthly_income")
    if income is not None and int(income) < 0:
        errors["monthly_income"] = ValidationError(_("Income cannot be negative."), code="income")
    applied_on = data.get("applied_on")
    if applied_on is not None and applied_on > dates.today():
        errors["applied_on"] = ValidationError(
            _("The application date cannot be in the future."), code="future"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_application(
    *,
    household: Household,
    by: Any,
    channel: str,
    current_housing: str,
    current_place: str,
    applied_on: date | None = None,
    referred_by: Organisation | None = None,
    reasons: str = "",
    documents_seen: list[str] | tuple[str, ...] = (),
    monthly_income: int | None = None,
    eviction_risk: bool = False,
    consent_given: bool = False,
) -> Application:
    """A household on the registry as an applicant may have one open application at a time."""
    household = (
        Household.objects.select_for_update().select_related("settlement").get(pk=household.pk)
    )
    if household.status != HouseholdStatus.APPLICANT:
        raise ValidationError(
            _("Only a household registered as an applicant can apply."), code="household"
        )
    if Application.objects.open().filter(household=household).exists():
        raise ValidationError(
            _("This household already has an open application."), code="duplicate"
        )
    data = {
        "channel": channel,
        "current_housing": current_housing,
        "current_place": current_place,
        "referred_by": referred_by,
        "documents_seen": list(dict.fromkeys(documents_seen)),
        "monthly_income": monthly_income,
        "applied_on": applied_on or dates.today(),
    }
    _check_details(data)
    application = Application(
        reference=_next_reference(household),
        settlement=household.settlement,
        household=household,
        reasons=reasons.strip(),
        eviction_risk=bool(eviction_risk),
        consent_given=bool(consent_given),
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()},
    )
    save_recorded(application, by, "Application started")
    store_features([application], by=None)
    record_event(application, intake_events.CREATED, by, reference=application.reference)
    return application


@transaction.atomic
def update_application(
    *,
    application: Application,
    by: Any,
    expected_version: int | None = None,
    reason: str = "",
    **changes: Any,
) -> Application:
    """Details are corrected until screening; after it, a correction needs a reason."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    application = lock(application, expected_version)
    if not application.is_open:
        raise ValidationError(_("A closed application cannot be changed."), code="closed")
    if application.status not in (S.DRAFT, S.SUBMITTED) and not (reason or "").strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why a screened application is changed."), code="reason"
                )
            }
        )
    merged = {name: getattr(application, name) for name in EDITABLE_FIELDS}
    merged.update(changes)
    _check_details(merged)
    if application.status != S.DRAFT and not merged["consent_given"]:
        raise ValidationError(
            {
                "consent_given": ValidationError(
                    _("A submitted application keeps its consent."), code="consent"
                )
            }
        )
    changed = [name for name in EDITABLE_FIELDS if getattr(application, name) != merged[name]]
    if not changed:
        return application
    for name in changed:
        value = merged[name]
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    save_recorded(application, by, reason or "Details corrected")
    record_event(application, intake_events.UPDATED, by, reason=(reason or "").strip())
    if store_features([application], by=by) and application.on_waitlist:
        _rerank_because(application, RankingReason.DATA, by)
    return application


# --- Submission and the PIN ----------------------------------------------------------------


def _pin_hash(application: Application, pin: str) -> str:
    return salted_hmac("mehman.intake.pin", f"{application.uuid}:{pin}").hexdigest()


def pin_matches(application: Application, pin: str) -> bool:
    return bool(application.pin_hash) and constant_time_compare(
        application.pin_hash, _pin_hash(application, pin)
    )


def _new_pin(application: Application) -> str:
    pin = f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"
    application.pin_hash = _pin_hash(application, pin)
    return pin


@transaction.atomic
def submit_application(*, application: Application, by: Any) -> tuple[Application, str]:
    """A submitted application has the household's consent and at least one member; the
    applicant receives the number and a PIN for the status page (shown only now)."""
    application = lock(application)
    require_status(application, S.SUBMITTED)
    if not application.consent_given:
        raise ValidationError(
            {
                "consent_given": ValidationError(
                    _("Record the household's consent before submitting."), code="consent"
                )
            }
        )
    if not application.household.active_members().exists():
        raise ValidationError(_("The household has no living member."), code="empty")
    application.status = S.SUBMITTED
    application.submitted_at = timezone.now()
    pin = _new_pin(application)
    save_recorded(application, by, "Application submitted")
    store_features([application])
    record_event(application, intake_events.SUBMITTED, by, reference=application.reference)
    return application, pin


@transaction.atomic
def issue_pin(*, application: Application, by: Any) -> str:
    """A lost PIN is replaced by a new one; the old one stops working at once."""
    application = lock(application)
    if application.status == S.DRAFT or not application.is_open:
        raise ValidationError(
            _("A PIN is given only to a submitted application that is still open."), code="pin"
        )
    pin = _new_pin(application)
    save_recorded(application, by, "New PIN issued")
    record_event(application, intake_events.PIN_ISSUED, by)
    return pin


# --- Screening and the waitlist -----------------------------------------------------------


@transaction.atomic
def screen_application(
    *, application: Application, by: Any, day: date | None = None
) -> Application:
    """A submitted application is eligible when every active rule is met, and ineligible,
    with the reasons, when any is not."""
    application = lock(application)
    require_status(application, S.ELIGIBLE, only_from={S.SUBMITTED})
    screening_day = day or dates.today()
    rules = active_rules(application.settlement)
    results = eligibility.evaluate(application, rules, screening_day)
    failed = [r["kind"] for r in results if not r["passed"]]
    application.eligibility = results
    application.status = S.INELIGIBLE if failed else S.ELIGIBLE
    application.screened_on = screening_day
    application.screened_by = by if getattr(by, "is_authenticated", False) else None
    save_recorded(application, by, "Screened")
    store_features([application])
    if failed:
        record_event(application, intake_events.SCREENED_INELIGIBLE, by, failed=failed)
    else:
        record_event(application, intake_events.SCREENED_ELIGIBLE, by)
    return application


def _rerank_because(application: Application, reason: str, by: Any) -> None:
    """Re-rank the application's waitlist, naming the application as the cause."""
    rerank(settlement=application.settlement, reason=reason, subject=application, by=by)


def _refreshed(application: Application) -> Application:
    return Application.objects.select_related("household", "settlement").get(pk=application.pk)


@transaction.atomic
def place_on_waitlist(*, application: Application, by: Any) -> Application:
    """An eligible application takes its place on the waitlist by its score."""
    application = lock(application)
    require_status(application, S.WAITLISTED, only_from={S.ELIGIBLE, S.DECLINED})
    application.status = S.WAITLISTED
    application.waitlisted_on = dates.today()
    save_recorded(application, by, "Placed on the waitlist")
    store_features([application])
    _rerank_because(application, RankingReason.JOINED, by)
    application = _refreshed(application)
    record_event(
        application,
        intake_events.WAITLISTED,
        by,
        rank=application.rank,
        score=str(digits.plain(application.score or Decimal(0))),
    )
    return application


# --- Offers, answers and admission ---------------------------------------------------------


def offer_days() -> int:
    return int(getattr(settings, "MEHMAN_OFFER_DAYS", 14))


@transaction.atomic
def make_offer(
    *,
    application: Application,
    by: Any,
    place: str,
    respond_by: date | None = None,
    skip_reason: str = "",
) -> Application:
    """Homes are offered in rank order: passing over households ranked higher needs a reason."""
    application = lock(application)
    require_status(application, S.OFFERED)
    place = require_text(place, "place", _("Say which home is offered."))
    today = dates.today()
    due = respond_by or today + timedelta(days=offer_days())
    if due < today:
        raise ValidationError(
            {"respond_by": ValidationError(_("The answer cannot be due in the past."), code="past")}
        )
    ahead = (
        Application.objects.filter(
            settlement=application.settlement, status=S.WAITLISTED, rank__lt=application.rank
        ).count()
        if application.rank
        else 0
    )
    if ahead and not skip_reason.strip():
        raise ValidationError(
            {
                "skip_reason": ValidationError(
                    _("%(count)s households rank higher; say why they are passed over."),
                    code="rank_order",
                    params={"count": ahead},
                )
            }
        )
    application.status = S.OFFERED
    application.offered_on = today
    application.offer_place = place
    application.respond_by = due
    application.offer_skip_reason = skip_reason.strip()
    application.answered_on = None
    application.decline_reason = ""
    save_recorded(application, by, "Home offered")
    record_event(application, intake_events.OFFERED, by, place=place, respond_by=due.isoformat())
    _rerank_because(application, RankingReason.LEFT, by)
    return _refreshed(application)


@transaction.atomic
def accept_offer(*, application: Application, by: Any, day: date | None = None) -> Application:
    """The household accepts the home offered to it."""
    application = lock(application)
    require_status(application, S.ACCEPTED)
    application.status = S.ACCEPTED
    application.answered_on = day or dates.today()
    save_recorded(application, by, "Offer accepted")
    record_event(application, intake_events.ACCEPTED, by)
    return application


@transaction.atomic
def decline_offer(
    *, application: Application, by: Any, reason: str, back_to_waitlist: bool = True
) -> Application:
    """A declined offer is recorded with the household's reason; by default the household
    goes back to the waitlist and keeps its score."""
    application = lock(application)
    require_status(application, S.DECLINED)
    reason = require_text(reason, "reason", _("Record the household's reason."))
    application.status = S.DECLINED
    application.answered_on = dates.today()
    application.decline_reason = reason
    save_recorded(application, by, "Offer declined")
    record_event(application, intake_events.DECLINED, by, reason=reason)
    if back_to_waitlist:
        application.status = S.WAITLISTED
        save_recorded(application, by, "Back on the waitlist")
        record_event(application, intake_events.RETURNED, by, reason=reason)
        _rerank_because(application, RankingReason.JOINED, by)
    return _refreshed(application)


@transaction.atomic
def admit(*, application: Application, by: Any, day: date | None = None) -> Application:
    """An accepted offer admits the household: it becomes a resident of the settlement."""
    application = lock(application)
    require_status(application, S.ADMITTED)
    application.status = S.ADMITTED
    application.admitted_on = day or dates.today()
    save_recorded(application, by, "Admitted")
    record_event(application, intake_events.ADMITTED, by)
    registry_services.change_status(
        household=application.household,
        status=HouseholdStatus.RESIDENT,
        by=by,
        reason=str(
            _("Admitted on application %(reference)s") % {"reference": application.reference}
        ),
    )
    admission.admitted(application, by, application.admitted_on)
    return application


# --- Withdrawal, expiry, appeal ---------------------------------------------------------------


def _close(application: Application, status: str, by: Any, reason: str, kind: Any) -> Application:
    was_ranked = application.on_waitlist
    application.status = status
    application.closed_reason = reason
    save_recorded(application, by, reason)
    record_event(application, kind, by, reason=reason)
    if was_ranked:
        _rerank_because(application, RankingReason.LEFT, by)
    return _refreshed(application)


@transaction.atomic
def withdraw_application(*, application: Application, by: Any, reason: str) -> Application:
    """The household may withdraw at any stage before admission; its place is given up."""
    application = lock(application)
    require_status(application, S.WITHDRAWN)
    reason = require_text(reason, "reason", _("Record why the application is withdrawn."))
    return _close(application, S.WITHDRAWN, by, reason, intake_events.WITHDRAWN)


@transaction.atomic
def expire_application(*, application: Application, by: Any, reason: str) -> Application:
    """An application lapses when the household cannot be reached or lets an offer run out."""
    application = lock(application)
    require_status(application, S.EXPIRED)
    reason = require_text(reason, "reason", _("Record why the application lapses."))
    return _close(application, S.EXPIRED, by, reason, intake_events.EXPIRED)


def expire_overdue_offers(
    *, day: date | None = None, by: Any = None, settlement: Settlement | None = None
) -> int:
    """Offers not answered by their due date lapse (run daily)."""
    today = day or dates.today()
    overdue = Application.objects.filter(status=S.OFFERED, respond_by__lt=today)
    if settlement is not None:
        overdue = overdue.filter(settlement=settlement)
    count = 0
    for application in overdue:
        expire_application(
            application=application, by=by, reason=str(_("The offer was not answered in time."))
        )
        count += 1
    return count


def close_orphaned(*, by: Any = None, settlement: Settlement | None = None) -> int:
    """An open application of a household that is no longer an applicant in the registry
    (merged into another, closed, or resident without this admission) lapses, or is
    withdrawn where its status cannot lapse (run daily)."""
    orphaned = Application.objects.open().exclude(household__status=HouseholdStatus.APPLICANT)
    if settlement is not None:
        orphaned = orphaned.filter(settlement=settlement)
    reason = str(_("The household is no longer an applicant in the registry."))
    count = 0
    for application in orphaned:
        if application.allowed(S.EXPIRED):
            expire_application(application=application, by=by, reason=reason)
        else:
            withdraw_application(application=application, by=by, reason=reason)
        count += 1
    return count


def appeal_days() -> int:
    return int(getattr(settings, "MEHMAN_APPEAL_DAYS", 30))


def appeal_deadline(application: Application) -> date:
    """The last day an ineligibility may be appealed (printed on the letter, shown to the
    applicant, enforced by ``lodge_appeal``)."""
    return (application.screened_on or dates.today()) + timedelta(days=appeal_days())


def ineligibility_appeal_decided(application: Application) -> bool:
    """The one appeal an ineligibility allows has been made and decided."""
    return application.appeal_of == AppealSubject.INELIGIBILITY and bool(
        application.appeal_decision
    )


@transaction.atomic
def lodge_appeal(*, application: Application, by: Any, grounds: str) -> Application:
    """An ineligibility may be appealed once, within the appeal period of the screening;
    a waitlisted household may appeal its score and keeps its place meanwhile."""
    application = lock(application)
    require_status(application, S.APPEAL)
    grounds = require_text(grounds, "grounds", _("Record the grounds of the appeal."))
    if application.status == S.INELIGIBLE:
        subject = AppealSubject.INELIGIBILITY
        if ineligibility_appeal_decided(application):
            raise ValidationError(
                _("The ineligibility has already been appealed and decided."), code="appealed"
            )
        deadline = appeal_deadline(application)
        if dates.today() > deadline:
            raise ValidationError(
                _("The appeal period ended on %(date)s."),
                code="late",
                params={"date": dates.format_date(deadline)},
            )
    else:
        subject = AppealSubject.SCORE
    application.status = S.APPEAL
    application.appeal_of = subject
    application.appeal_reason = grounds
    application.appealed_on = dates.today()
    application.appeal_decision = ""
    save_recorded(application, by, "Appeal lodged")
    record_event(application, intake_events.APPEALED, by, subject=subject)
    return application


@transaction.atomic
def decide_appeal(*, application: Application, by: Any, upheld: bool, decision: str) -> Application:
    """An appeal against ineligibility, if upheld, makes the application eligible; an appeal
    against a score returns the household to the waitlist with its information re-read."""
    application = lock(application)
    if application.status != S.APPEAL:
        raise ValidationError(
            _("This application is “%(current)s”; it has no appeal to decide."),
            code="transition",
            params={"current": application.get_status_display()},
        )
    decision = require_text(decision, "decision", _("Record the decision and its reasons."))
    if application.appeal_of == AppealSubject.INELIGIBILITY:
        outcome = S.ELIGIBLE if upheld else S.INELIGIBLE
    else:
        outcome = S.WAITLISTED
    application.status = outcome
    application.appeal_decision = decision
    application.appeals_decided += 1
    save_recorded(application, by, "Appeal decided")
    record_event(application, intake_events.APPEAL_DECIDED, by, outcome=outcome, decision=decision)
    if outcome == S.WAITLISTED:
        store_features([application], by=by)
        _rerank_because(application, RankingReason.DATA, by)
    return _refreshed(application)


@transaction.atomic
def refresh_application(*, application: Application, by: Any) -> Application:
    """Re-read the household's information from the registry; re-rank if its score moves."""
    application = lock(application)
    if not application.is_open:
        raise ValidationError(_("A closed application is not scored any more."), code="closed")
    changed = store_features([application], by=by)
    if changed and application.on_waitlist:
        _rerank_because(application, RankingReason.DATA, by)
    return _refreshed(application)

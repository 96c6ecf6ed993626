"""What each pathway records (DOMAIN.md): a voluntary return's counselling, papers and
departure; a resettlement referral prepared for UNHCR; a move into the host city."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.registry.models import Individual
from mehman.residence.models import Pathway
from mehman.solutions import events
from mehman.solutions.models import (
    ApprovalKind,
    LocalIntegration,
    RepatriationDetails,
    ResettlementCategory,
    ResettlementOutcome,
    ResettlementPriority,
    ResettlementReferral,
    SolutionsCase,
)
from mehman.solutions.services._common import (
    check_member,
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

REPATRIATION_FIELDS = (
    "intended_province",
    "intended_district",
    "deregistered_on",
    "laissez_passer_number",
    "vrf_number",
    "departure_on",
    "crossing_point",
    "cards_surrendered",
    "cards_surrendered_on",
)
# Dates of what has happened (a planned departure may lie ahead).
PAST_DATES = ("deregistered_on", "cards_surrendered_on", "tenancy_start")
INTEGRATION_FIELDS = (
    "city",
    "city_address",
    "tenancy_start",
    "permits",
    "schools",
    "follow_up_on",
    "follow_up_note",
)


def _case_on(case: SolutionsCase, pathway: str) -> SolutionsCase:
    case = lock_case(case)
    require_open(case)
    if case.pathway != pathway:
        raise ValidationError(
            _("This case does not follow the pathway “%(pathway)s”."),
            code="pathway",
            params={"pathway": Pathway(pathway).label},
        )
    return case


def _apply(record: Model, allowed: Sequence[str], changes: dict[str, Any]) -> list[str]:
    """Set the given fields; the names of those that changed."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if name in PAST_DATES and value is not None:
            not_future(value, name)
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _details_saved(case: SolutionsCase, record: Model, by: Any, reason: str) -> None:
    save_recorded(record, by, reason)
    household_event(
        case.household,
        events.DETAILS_SAVED,
        by,
        reference=case.reference,
        what=str(record._meta.verbose_name),
    )


# --- Voluntary return ---------------------------------------------------------------------------


def _repatriation(case: SolutionsCase) -> RepatriationDetails:
    details = RepatriationDetails.objects.select_for_update().filter(case=case).first()
    return details or RepatriationDetails(case=case)


@transaction.atomic
def save_repatriation(
    *,
    case: SolutionsCase,
    by: Any,
    members_departing: Sequence[Individual] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> RepatriationDetails:
    """A voluntary return's details: past events not in the future, cards surrendered only
    with the day, and departing members from the household."""
    case = _case_on(case, Pathway.REPATRIATION)
    details = _repatriation(case)
    if details.pk is not None:
        check_version(details, expected_version)
    changed = _apply(details, REPATRIATION_FIELDS, fields)
    if details.cards_surrendered and details.cards_surrendered_on is None:
        refuse("cards_surrendered_on", _("Give the day the cards were surrendered."), "required")
    if not details.cards_surrendered:
        details.cards_surrendered_on = None
    members = list(members_departing or [])
    for person in members:
        check_member(person, case.household, "members_departing")
    if not changed and members_departing is None and details.pk is not None:
        return details
    _details_saved(case, details, by, "Return details")
    if members_departing is not None:
        details.members_departing.set(members)
    return details


@transaction.atomic
def record_counselling(*, case: SolutionsCase, by: Any, held_on: date) -> RepatriationDetails:
    """A return counselling session is recorded by its day (once per day)."""
    case = _case_on(case, Pathway.REPATRIATION)
    if held_on is None:
        refuse("held_on", _("Give the day of the session."), "required")
    not_future(held_on, "held_on")
    details = _repatriation(case)
    sessions = set(details.counselling_dates) | {held_on.isoformat()}
    details.counselling_dates = sorted(sessions)
    _details_saved(case, details, by, "Counselling")
    return details


# --- Resettlement -------------------------------------------------------------------------------


def _resettlement(case: SolutionsCase) -> ResettlementReferral | None:
    found: ResettlementReferral | None = (
        ResettlementReferral.objects.select_for_update().filter(case=case).first()
    )
    return found


@transaction.atomic
def prepare_resettlement(
    *,
    case: SolutionsCase,
    by: Any,
    primary_category: str,
    secondary_category: str,
    priority: str,
    justification: str,
    expected_version: int | None = None,
) -> ResettlementReferral:
    """A resettlement referral names two different UNHCR categories, a priority and a
    justification."""
    case = _case_on(case, Pathway.RESETTLEMENT)
    for field, value in (
        ("primary_category", primary_category),
        ("secondary_category", secondary_category),
    ):
        if value not in ResettlementCategory.values:
            refuse(field, _("Choose a resettlement category."), "category")
    if primary_category == secondary_category:
        refuse(
            "secondary_category",
            _("The secondary category must differ from the primary one."),
            "same_category",
        )
    if priority not in ResettlementPriority.values:
        refuse("priority", _("Choose a priority."), "priority")
    justification = require_text(justification, "justification", _("Give the justification."))
    referral = _resettlement(case) or ResettlementReferral(case=case)
    if referral.pk is not None:
        check_version(referral, expected_version)
    referral.primary_category = primary_category
    referral.secondary_category = secondary_category
    referral.priority = priority
    referral.justification = justification
    _details_saved(case, referral, by, "Resettlement referral prepared")
    return referral


@transaction.atomic
def refer_to_unhcr(
    *, case: SolutionsCase, by: Any, referred_on: date | None = None
) -> ResettlementReferral:
    """A prepared referral goes to UNHCR only once a second approver approved it."""
    case = _case_on(case, Pathway.RESETTLEMENT)
    referral = _resettlement(case)
    if referral is None:
        raise ValidationError(_("Prepare the resettlement referral first."), code="not_prepared")
    if not is_approved(case, ApprovalKind.RESETTLEMENT):
        raise ValidationError(
            _("Referring for resettlement needs a second approver's approval first."),
            code="needs_approval",
        )
    day = referred_on or dates.today()
    not_future(day, "referred_on")
    referral.referred_on = day
    _details_saved(case, referral, by, "Referred to UNHCR")
    return referral


@transaction.atomic
def record_resettlement_outcome(
    *,
    case: SolutionsCase,
    by: Any,
    outcome: str,
    outcome_on: date | None = None,
    note: str = "",
) -> ResettlementReferral:
    """What UNHCR or the resettlement country decided, once the referral went to UNHCR."""
    case = _case_on(case, Pathway.RESETTLEMENT)
    referral = _resettlement(case)
    if referral is None or referral.referred_on is None:
        raise ValidationError(_("The referral has not gone to UNHCR yet."), code="not_referred")
    if outcome not in ResettlementOutcome.values or outcome == ResettlementOutcome.PENDING:
        refuse("outcome", _("Choose the outcome."), "outcome")
    day = outcome_on or dates.today()
    not_future(day, "outcome_on")
    if day < referral.referred_on:
        refuse("outcome_on", _("The outcome cannot come before the referral."), "dates")
    referral.outcome = outcome
    referral.outcome_on = day
    referral.outcome_note = (note or "").strip()[:300]
    _details_saved(case, referral, by, "Resettlement outcome")
    return referral


# --- Local integration --------------------------------------------------------------------------


@transaction.atomic
def save_integration(
    *, case: SolutionsCase, by: Any, expected_version: int | None = None, **fields: Any
) -> LocalIntegration:
    """A move into the host city: address, tenancy (started no later than today), permits,
    schools and the follow-up planned."""
    case = _case_on(case, Pathway.LOCAL_INTEGRATION)
    record = LocalIntegration.objects.select_for_update().filter(
        case=case
    ).first() or LocalIntegration(case=case)
    if record.pk is not None:
        check_version(record, expected_version)
    changed = _apply(record, INTEGRATION_FIELDS, fields)
    if not changed and record.pk is not None:
        return record
    _details_saved(case, record, by, "Integration details")
    return record

"""Referrals of households to partner organisations."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.assistance import events
from mehman.assistance.models import (
    REFERRAL_TRANSITIONS,
    Referral,
    ReferralStatus,
    is_partner_staff,
)
from mehman.core import dates
from mehman.core import events as timeline
from mehman.core.services import save_recorded
from mehman.partners.models import Organisation, Sector, partner_organisation_ids
from mehman.registry.models import Household, HouseholdEvent, HouseholdStatus


def _event(household: Household, kind: Any, by: Any, **params: Any) -> None:
    timeline.record(HouseholdEvent, aggregate=household, kind=kind, by=by, **params)


@transaction.atomic
def refer_household(
    *,
    household: Household,
    organisation: Organisation,
    by: Any,
    sector: str,
    service: str,
    reason: str = "",
    due_on: date | None = None,
    consent_given: bool = False,
    consent_override: str = "",
    referred_on: date | None = None,
) -> Referral:
    """A household is referred with its consent, or with a written reason to go without,
    to an organisation working in its settlement."""
    if household.status not in (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT):
        raise ValidationError(
            _("Only applicant and resident households can be referred."), code="status"
        )
    if (
        not organisation.is_active
        or not organisation.settlements.filter(pk=household.settlement_id).exists()
    ):
        raise ValidationError(
            {
                "organisation": ValidationError(
                    _("This organisation does not work in the household's settlement."),
                    code="settlement",
                )
            }
        )
    if sector not in Sector.values:
        raise ValidationError({"sector": ValidationError(_("Unknown sector."), code="sector")})
    if not service.strip():
        raise ValidationError(
            {"service": ValidationError(_("Say which service is needed."), code="service")}
        )
    if not consent_given and not consent_override.strip():
        raise ValidationError(
            {
                "consent_override": ValidationError(
                    _("Record the household's consent, or the reason to refer without it."),
                    code="consent",
                )
            }
        )
    day = referred_on or dates.today()
    if due_on is not None and due_on < day:
        raise ValidationError(
            {
                "due_on": ValidationError(
                    _("The follow-up date is before the referral."), code="period"
                )
            }
        )
    if (
        Referral.objects.open()
        .filter(household=household, organisation=organisation, service__iexact=service.strip())
        .exists()
    ):
        raise ValidationError(
            _("This household already has an open referral for this service there."),
            code="duplicate",
        )
    referral = Referral(
        household=household,
        organisation=organisation,
        sector=sector,
        service=service.strip(),
        reason=reason.strip(),
        referred_on=day,
        due_on=due_on,
        consent_given=consent_given,
        consent_override="" if consent_given else consent_override.strip(),
        referred_by=by if getattr(by, "is_authenticated", False) else None,
    )
    save_recorded(referral, by)
    _event(
        household, events.REFERRED, by, organisation=organisation.name_en, service=referral.service
    )
    return referral


def _move(referral: Referral, status: str, by: Any) -> Referral:
    locked = (
        Referral.objects.select_for_update()
        .select_related("household", "organisation")
        .get(pk=referral.pk)
    )
    if is_partner_staff(by) and locked.organisation_id not in partner_organisation_ids(by):
        raise ValidationError(_("This referral is not addressed to you."), code="not_yours")
    if status not in REFERRAL_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            _("A referral that is %(current)s cannot become %(new)s."),
            code="transition",
            params={
                "current": ReferralStatus(locked.status).label,
                "new": ReferralStatus(status).label,
            },
        )
    locked.status = status
    return locked


@transaction.atomic
def accept_referral(*, referral: Referral, by: Any) -> Referral:
    """The organisation takes the household on."""
    locked = _move(referral, ReferralStatus.ACCEPTED, by)
    locked.answered_on = dates.today()
    save_recorded(locked, by)
    _event(
        locked.household,
        events.REFERRAL_ACCEPTED,
        by,
        organisation=locked.organisation.name_en,
        service=locked.service,
    )
    return locked


@transaction.atomic
def decline_referral(*, referral: Referral, by: Any, reason: str) -> Referral:
    """The organisation cannot help, and says why."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for declining."), code="reason")}
        )
    locked = _move(referral, ReferralStatus.DECLINED, by)
    locked.answered_on = dates.today()
    locked.decline_reason = reason.strip()
    save_recorded(locked, by, reason)
    _event(
        locked.household,
        events.REFERRAL_DECLINED,
        by,
        organisation=locked.organisation.name_en,
        reason=locked.decline_reason,
    )
    return locked


@transaction.atomic
def close_referral(*, referral: Referral, by: Any, outcome: str) -> Referral:
    """An accepted referral is closed with its outcome."""
    if not outcome.strip():
        raise ValidationError(
            {"outcome": ValidationError(_("Record the outcome."), code="outcome")}
        )
    locked = _move(referral, ReferralStatus.CLOSED, by)
    locked.closed_on = dates.today()
    locked.outcome = outcome.strip()
    save_recorded(locked, by)
    _event(
        locked.household,
        events.REFERRAL_CLOSED,
        by,
        organisation=locked.organisation.name_en,
        outcome=locked.outcome[:120],
    )
    return locked

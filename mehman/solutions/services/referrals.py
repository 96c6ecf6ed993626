"""Referrals of a case's household to partner organisations (legal aid, vocational training,
health, counselling), each with a follow-up date that makes it overdue until it is closed.

The referral is ``assistance``'s: consent or a documented override, the partner's answer and
the outcome are recorded there (``accept_referral``, ``decline_referral``, ``close_referral``),
and partner staff see it on their portal. A case referral adds the case and the kind of service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.assistance import services as assistance
from mehman.partners.models import Organisation, Sector
from mehman.solutions.models import CaseReferral, ServiceType, SolutionsCase
from mehman.solutions.services._common import (
    lock_case,
    refuse,
    require_open,
    save_recorded,
)

# The partners' sector each kind of service belongs to.
SERVICE_SECTORS = {
    ServiceType.LEGAL_AID: Sector.LEGAL,
    ServiceType.VOCATIONAL: Sector.LIVELIHOODS,
    ServiceType.HEALTH: Sector.HEALTH,
    ServiceType.COUNSELLING: Sector.PROTECTION,
    ServiceType.OTHER: Sector.SOLUTIONS,
}


@transaction.atomic
def refer_to_partner(
    *,
    case: SolutionsCase,
    by: Any,
    organisation: Organisation,
    service_type: str,
    follow_up_on: date | None,
    consent_given: bool = False,
    consent_override: str = "",
    service: str = "",
    reason: str = "",
    referred_on: date | None = None,
) -> CaseReferral:
    """An open case refers its household to a partner for a service, with the household's
    consent or a written reason to go without, and a follow-up date after which the
    referral is overdue until the partner's outcome is recorded."""
    case = lock_case(case)
    require_open(case)
    if service_type not in ServiceType.values:
        refuse("service_type", _("Choose the kind of service."), "service_type")
    if follow_up_on is None:
        refuse("follow_up_on", _("Give the date to follow the referral up."), "follow_up")
    kind = ServiceType(service_type)
    referral = assistance.refer_household(
        household=case.household,
        organisation=organisation,
        by=by,
        sector=SERVICE_SECTORS[kind],
        service=(service or "").strip() or str(kind.label),
        reason=reason,
        due_on=follow_up_on,
        consent_given=consent_given,
        consent_override=consent_override,
        referred_on=referred_on,
    )
    link = CaseReferral(case=case, referral=referral, service_type=service_type)
    # The household's timeline already tells of the referral (assistance's event).
    save_recorded(link, by, "Referred for the case")
    return link

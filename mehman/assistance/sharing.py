"""What partner staff may read of a household referred to their organisation, and
which households a user may record assistance for.

A partner reads a household only through ``Referral.objects.for_user``; what it
reads of it is the union of the categories of its organisation's data-sharing
agreements live today for the household's settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from mehman.assistance.models import Referral, is_partner_staff, live_agreements
from mehman.registry.models import Household


def shared_categories(
    organisation_id: int, settlement_id: int, day: date | None = None
) -> frozenset[str]:
    """The data categories the organisation may read of households in the settlement."""
    rows = (
        live_agreements([organisation_id], day)
        .filter(settlements=settlement_id)
        .values_list("categories", flat=True)
    )
    return frozenset(category for categories in rows for category in categories or ())


def uncovered_organisations(organisation_ids: Iterable[int], settlement_id: int) -> set[int]:
    """Those of the organisations without a data-sharing agreement live today for the
    settlement: a household referred to them stays out of their sight until there is one."""
    wanted = set(organisation_ids)
    covered = set(
        live_agreements(list(wanted))
        .filter(settlements=settlement_id)
        .values_list("organisation_id", flat=True)
    )
    return wanted - covered


def recordable_households(user: Any) -> QuerySet[Household]:
    """Households the user may record assistance for: in their scope for staff, the
    households shared with them for partner staff."""
    if is_partner_staff(user):
        shared = Referral.objects.for_user(user).values("household_id")
        return Household.objects.filter(pk__in=shared)
    scoped: QuerySet[Household] = Household.objects.for_user(user)
    return scoped

"""The document-validity worklist: residence documents expired or expiring, per household.

Right on the day it is read: only active members of resident households count, and for
each member and document type only the document that expires last (a renewed card
supersedes the one it replaces). Documents without an expiry are not followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
)
from mehman.residence.models import WATCHED_DOCUMENTS, Campaign, CampaignTarget, TargetStatus

# The windows of the worklist, in days ahead; "expired" is before the day, "all" either.
WINDOWS = ("expired", "30", "60", "90", "all")
HORIZON = 90


@dataclass(frozen=True)
class Expiring:
    """A member's document on the worklist, and how far its expiry is from the day."""

    member: Individual
    document: IdentityDocument
    days: int  # days left (0: expires on the day), negative when overdue

    @property
    def expired(self) -> bool:
        return self.days < 0

    @property
    def overdue(self) -> int:
        return -self.days


@dataclass
class HouseholdDocuments:
    """One household of the worklist with its members' documents, most urgent first."""

    household: Household
    documents: list[Expiring] = field(default_factory=list)

    @property
    def most_urgent(self) -> date:
        return self.documents[0].document.expires_on or date.max


def current_documents(user: Any, *, doc_type: str = "") -> QuerySet[IdentityDocument]:
    """The documents followed, in the user's scope (see ``followed_documents``)."""
    return followed_documents(IdentityDocument.objects.for_user(user), doc_type=doc_type)


def followed_documents(
    source: QuerySet[IdentityDocument], *, doc_type: str = ""
) -> QuerySet[IdentityDocument]:
    """The documents of ``source`` that are followed: of a watched type, with an expiry, each
    the last to expire of its member and type (a renewed card replaces the old one), held by
    an active member of a resident household."""
    types = [doc_type] if doc_type else list(WATCHED_DOCUMENTS)
    later = IdentityDocument.objects.filter(
        individual=OuterRef("individual"),
        doc_type=OuterRef("doc_type"),
        expires_on__isnull=False,
    ).filter(
        Q(expires_on__gt=OuterRef("expires_on"))
        | Q(expires_on=OuterRef("expires_on"), pk__gt=OuterRef("pk"))
    )
    return source.filter(
        doc_type__in=types,
        expires_on__isnull=False,
        individual__status=IndividualStatus.ACTIVE,
        individual__household__status=HouseholdStatus.RESIDENT,
    ).exclude(Exists(later))


def _in_window(
    documents: QuerySet[IdentityDocument], window: str, on: date
) -> QuerySet[IdentityDocument]:
    if window == "expired":
        return documents.filter(expires_on__lt=on)
    if window in ("30", "60", "90"):
        return documents.filter(
            expires_on__gte=on, expires_on__lte=on + timedelta(days=int(window))
        )
    return documents.filter(expires_on__lte=on + timedelta(days=HORIZON))


def _narrowed(
    documents: QuerySet[IdentityDocument], settlement: Settlement | None, block: str
) -> QuerySet[IdentityDocument]:
    if settlement is not None:
        documents = documents.filter(individual__household__settlement=settlement)
    if block.strip():
        documents = documents.filter(individual__household__block__iexact=block.strip())
    return documents


def expiry_worklist(
    user: Any,
    on: date | None = None,
    *,
    window: str = "all",
    doc_type: str = "",
    settlement: Settlement | None = None,
    block: str = "",
) -> list[HouseholdDocuments]:
    """The households whose members' documents are expired or expire within the window of
    the day ``on`` (today), the most urgent household first; in one query."""
    day = on or dates.today()
    if window not in WINDOWS:
        raise ValueError(f"unknown window: {window}")
    documents = _in_window(
        _narrowed(current_documents(user, doc_type=doc_type), settlement, block), window, day
    )
    rows = documents.select_related(
        "individual__household__settlement", "individual__household__head"
    ).order_by("expires_on", "individual__household_id", "individual_id", "doc_type")
    groups: dict[int, HouseholdDocuments] = {}
    for document in rows:
        member = document.individual
        if document.expires_on is None:  # filtered out above; for the type checker
            continue
        group = groups.setdefault(member.household_id, HouseholdDocuments(member.household))
        group.documents.append(Expiring(member, document, (document.expires_on - day).days))
    # Rows come most urgent first, so households are already in order of their most urgent.
    return list(groups.values())


def expiry_counts(
    user: Any,
    on: date | None = None,
    *,
    doc_type: str = "",
    settlement: Settlement | None = None,
    block: str = "",
) -> dict[str, int]:
    """How many followed documents are expired, and expire within 30, 60 and 90 days of the
    day (each window includes the shorter ones); one query."""
    day = on or dates.today()
    documents = _narrowed(current_documents(user, doc_type=doc_type), settlement, block)

    def within(days: int) -> Q:
        return Q(expires_on__gte=day, expires_on__lte=day + timedelta(days=days))

    found = documents.aggregate(
        expired=Count("pk", filter=Q(expires_on__lt=day)),
        d30=Count("pk", filter=within(30)),
        d60=Count("pk", filter=within(60)),
        d90=Count("pk", filter=within(90)),
    )
    return {
        "expired": found["expired"],
        "30": found["d30"],
        "60": found["d60"],
        "90": found["d90"],
    }


def blocks_of(user: Any, settlement: Settlement) -> list[str]:
    """The blocks the settlement's resident households live in, for the filter."""
    scoped: QuerySet[Household] = Household.objects.for_user(user)
    found = (
        scoped.filter(settlement=settlement, status=HouseholdStatus.RESIDENT)
        .exclude(block="")
        .values_list("block", flat=True)
        .distinct()
        .order_by("block")
    )
    return list(found)


# --- Renewal campaigns ------------------------------------------------------------------------


@dataclass
class Tally:
    """How many members of a campaign (or of one block of it) renewed, wait, or are excused."""

    renewed: int = 0
    pending: int = 0
    excused: int = 0

    @property
    def expected(self) -> int:
        return self.renewed + self.pending

    @property
    def percent(self) -> int:
        """Renewed out of those expected to renew."""
        return round(100 * self.renewed / self.expected) if self.expected else 100


def campaign_tally(campaign: Campaign) -> tuple[Tally, list[tuple[str, Tally]]]:
    """The campaign's counts, overall and per block (blocks in order); one query."""
    rows = (
        CampaignTarget.objects.filter(campaign=campaign)
        .values_list("household__block", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = Tally()
    blocks: dict[str, Tally] = {}
    for block, status, n in rows:
        for tally in (total, blocks.setdefault(block or "", Tally())):
            setattr(tally, status, getattr(tally, status) + n)
    return total, sorted(blocks.items())


def campaign_tallies(campaigns: list[Campaign]) -> dict[int, Tally]:
    """Each campaign's counts; one query for them all."""
    tallies = {campaign.pk: Tally() for campaign in campaigns}
    rows = (
        CampaignTarget.objects.filter(campaign__in=list(tallies))
        .values_list("campaign_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for campaign_id, status, n in rows:
        setattr(tallies[campaign_id], status, n)
    return tallies


def campaign_targets(
    campaign: Campaign,
    on: date | None = None,
    *,
    status: str = "",
    block: str = "",
    due: bool = False,
) -> QuerySet[CampaignTarget]:
    """The campaign's members, filtered; ``due``: waiting, with a follow-up due by the day."""
    day = on or dates.today()
    targets = CampaignTarget.objects.filter(campaign=campaign)
    if status:
        targets = targets.filter(status=status)
    if block:
        targets = targets.filter(household__block__iexact=block)
    if due:
        targets = targets.filter(status=TargetStatus.PENDING, follow_up_on__lte=day)
    return targets.select_related("individual", "household", "previous", "renewed").order_by(
        "household__block", "household__reference", "individual_id"
    )


def campaign_blocks(campaign: Campaign) -> list[str]:
    found = (
        CampaignTarget.objects.filter(campaign=campaign)
        .exclude(household__block="")
        .values_list("household__block", flat=True)
        .distinct()
        .order_by("household__block")
    )
    return list(found)

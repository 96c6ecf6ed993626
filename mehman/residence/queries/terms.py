"""Reads of the terms pages: the list and its counts, the reviews worklist, a term's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mehman.core.models import Settlement
from mehman.registry.models import HouseholdEvent
from mehman.residence.models import (
    OPEN_TERM_STATUSES,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermStatus,
)

TIMELINE_LENGTH = 50


def notice_days() -> int:
    return int(settings.MEHMAN_REVIEW_NOTICE_DAYS)


def terms_of(user: Any, settlement: Settlement) -> QuerySet[ResidenceTerm]:
    """The settlement's terms the user may read, with what the list shows of each."""
    return (
        ResidenceTerm.objects.for_user(user)
        .filter(settlement=settlement)
        .select_related("household__head", "settlement", "application", "conversion")
    )


def status_counts(terms: QuerySet[ResidenceTerm]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the order of the status machine."""
    counts = dict(
        terms.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in TermStatus.choices]


def blocks_of(user: Any, settlement: Settlement) -> list[str]:
    """The blocks where the settlement's households with a term live (for the filters)."""
    blocks = (
        ResidenceTerm.objects.for_user(user)
        .filter(settlement=settlement)
        .exclude(household__block="")
        .order_by("household__block")
        .values_list("household__block", flat=True)
        .distinct()
    )
    return list(blocks)


# --- The reviews worklist ------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    """A term whose review is open or falls due soon (or is overdue)."""

    term: ResidenceTerm
    due_on: date
    opened: bool
    today: date

    @property
    def days_overdue(self) -> int:
        return max((self.today - self.due_on).days, 0)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days


def due_reviews(
    user: Any,
    settlement: Settlement,
    today: date,
    *,
    due: str = "",
    block: str = "",
    household: str = "",
) -> tuple[list[DueReview], dict[str, int]]:
    """Open reviews and reviews due within the notice period or overdue (opened or not),
    overdue first; with the counts of the tabs (overdue, due this fortnight)."""
    horizon = today + timedelta(days=notice_days())
    open_due = Review.objects.filter(term=OuterRef("pk"), status=ReviewStatus.OPEN).values(
        "due_on"
    )[:1]
    terms = (
        terms_of(user, settlement)
        .filter(status__in=OPEN_TERM_STATUSES)
        .annotate(open_due=Subquery(open_due), due=Coalesce(Subquery(open_due), "next_review_on"))
        .filter(Q(open_due__isnull=False) | Q(next_review_on__lte=horizon))
    )
    if block:
        terms = terms.filter(household__block=block)
    if household:
        terms = terms.filter(household__reference=household)
    counts = terms.aggregate(
        overdue=Count("id", filter=Q(due__lt=today)),
        fortnight=Count("id", filter=Q(due__gte=today, due__lte=horizon)),
    )
    if due == "overdue":
        terms = terms.filter(due__lt=today)
    elif due == "fortnight":
        terms = terms.filter(due__gte=today, due__lte=horizon)
    rows = [
        DueReview(term=term, due_on=term.due, opened=term.open_due is not None, today=today)
        for term in terms.order_by("due", "planned_end", "id")
    ]
    return rows, {"overdue": counts["overdue"] or 0, "fortnight": counts["fortnight"] or 0}


# --- One term -------------------------------------------------------------------------------


def timeline(term: ResidenceTerm) -> list[HouseholdEvent]:
    """The household's residence events about this term, newest first."""
    return list(
        HouseholdEvent.objects.filter(
            aggregate=term.household_id,
            kind__startswith="residence.",
            params__reference=term.reference,
        ).select_related("by")[:TIMELINE_LENGTH]
    )


def reviews_of(term: ResidenceTerm) -> list[Review]:
    return list(term.reviews.select_related("reviewer").order_by("-due_on", "-id"))


def last_review(term: ResidenceTerm) -> Review | None:
    return (
        term.reviews.filter(status=ReviewStatus.DONE)
        .select_related("reviewer")
        .order_by("-held_on", "-id")
        .first()
    )

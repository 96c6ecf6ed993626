"""Residence counts on the home and settlement pages (``core.figures``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, Q

from mehman.core import dates
from mehman.residence.models import OPEN_TERM_STATUSES, ResidenceTerm


def count_open_terms(settlement_ids: list[int]) -> Mapping[int, int]:
    rows = (
        ResidenceTerm.objects.filter(
            settlement_id__in=settlement_ids, status__in=OPEN_TERM_STATUSES
        )
        .values("settlement_id")
        .annotate(n=Count("id"))
    )
    return {row["settlement_id"]: row["n"] for row in rows}


def count_reviews_overdue(settlement_ids: list[int]) -> Mapping[int, int]:
    """Open terms whose review date has passed (whether or not the review was opened)."""
    rows = (
        ResidenceTerm.objects.filter(
            Q(next_review_on__lt=dates.today())
            | Q(reviews__status="open", reviews__due_on__lt=dates.today()),
            settlement_id__in=settlement_ids,
            status__in=OPEN_TERM_STATUSES,
        )
        .values("settlement_id")
        .annotate(n=Count("id", distinct=True))
    )
    return {row["settlement_id"]: row["n"] for row in rows}


def register_figures() -> None:
    from django.utils.translation import gettext_lazy as _

    from mehman.core.figures import register_figure

    register_figure("open_terms", _("Residence terms"), count_open_terms, order=45)
    register_figure("reviews_overdue", _("Term reviews overdue"), count_reviews_overdue, order=46)

"""What is due for a staff member today, in their scope and by what their role may do:
reviews, terms at or past their end, documents expired or expiring, campaign follow-ups and
conversions still reversible. The digest page and the daily e-mail show the same.

Items name households by reference and documents by type: no names, no specific needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mehman.core import dates, digits
from mehman.registry.models import DocumentType, IdentityDocument
from mehman.residence.models import (
    CampaignStatus,
    CampaignTarget,
    ConversionRun,
    ConversionStatus,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TargetStatus,
)
from mehman.residence.queries.documents import current_documents, expiry_counts
from mehman.residence.services.messages import (
    DOCUMENT_EXPIRING_DAYS,
    REMINDED_TERM_STATUSES,
    TERM_ENDING_DAYS,
)

VIEW, REVIEW, DOCUMENTS, MANAGE = (
    "residence.view",
    "residence.review",
    "residence.documents",
    "residence.manage",
)
ITEMS_SHOWN = 10

# The worklists a section links to, by the names their pages may have (the first that exists).
# The page with the whole list of each kind of thing due.
WORKLISTS: dict[str, str] = {
    "reviews": "residence:reviews",
    "terms": "residence:terms",
    "documents": "residence:documents",
    "follow_ups": "residence:campaigns",
    "conversions": "residence:conversions",
}


@dataclass(frozen=True)
class Item:
    """One thing due: what it is (a reference), what about it, by when, and where to act."""

    label: str
    detail: str
    day: date | None
    url: str
    overdue: bool = False


@dataclass
class Section:
    key: str
    title: Promise | str
    count: int
    items: list[Item] = field(default_factory=list)
    url: str = ""

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class Due:
    on: date
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def filled(self) -> list[Section]:
        return [section for section in self.sections if section.count]


def _term_url(term: ResidenceTerm) -> str:
    return reverse("residence:term", args=[term.reference])


def _section(
    key: str,
    title: Promise | str,
    rows: QuerySet[Any],
    item: Callable[[Any], Item],
    worklist: str,
) -> Section:
    count = rows.count()
    items = [item(row) for row in rows[:ITEMS_SHOWN]] if count else []
    return Section(key, title, count, items, reverse(WORKLISTS[worklist]))


def _reviews(user: Any, on: date) -> Section:
    notice = int(settings.MEHMAN_REVIEW_NOTICE_DAYS)
    rows = (
        Review.objects.for_user(user)
        .filter(status=ReviewStatus.OPEN, due_on__lte=on + timedelta(days=notice))
        .select_related("term__household")
        .order_by("due_on", "id")
    )

    def item(review: Review) -> Item:
        term = review.term
        return Item(
            term.reference,
            term.household.reference,
            review.due_on,
            _term_url(term),
            review.due_on < on,
        )

    return _section("reviews", _("Reviews due"), rows, item, "reviews")


def _term_item(on: date) -> Callable[[ResidenceTerm], Item]:
    def item(term: ResidenceTerm) -> Item:
        return Item(
            term.reference,
            term.household.reference,
            term.planned_end,
            _term_url(term),
            term.planned_end < on,
        )

    return item


def _terms_past_end(user: Any, on: date) -> Section:
    rows = (
        ResidenceTerm.objects.open()
        .for_user(user)
        .filter(planned_end__lt=on)
        .select_related("household")
        .order_by("planned_end", "id")
    )
    return _section(
        "terms_past_end", _("Terms past their planned end"), rows, _term_item(on), "terms"
    )


def _terms_ending(user: Any, on: date) -> Section:
    rows = (
        ResidenceTerm.objects.for_user(user)
        .filter(
            status__in=REMINDED_TERM_STATUSES,
            planned_end__gte=on,
            planned_end__lte=on + timedelta(days=TERM_ENDING_DAYS),
        )
        .select_related("household")
        .order_by("planned_end", "id")
    )
    return _section("terms_ending", _("Terms ending within 90 days"), rows, _term_item(on), "terms")


def _document_item(on: date) -> Callable[[IdentityDocument], Item]:
    def item(document: IdentityDocument) -> Item:
        household = document.individual.household
        expires = document.expires_on
        return Item(
            household.reference,
            str(DocumentType(document.doc_type).label),
            expires,
            reverse("registry:household", args=[household.reference]),
            expires is not None and expires < on,
        )

    return item


def _documents(user: Any, on: date) -> tuple[Section, Section]:
    """As the expiring-documents worklist counts them (each member's latest of each type)."""
    found = expiry_counts(user, on)
    latest = current_documents(user).select_related("individual__household")
    worklist = reverse(WORKLISTS["documents"])
    expired = Section(
        "documents_expired",
        _("Documents expired"),
        found["expired"],
        [
            _document_item(on)(d)
            for d in latest.filter(expires_on__lt=on).order_by("expires_on", "id")[:ITEMS_SHOWN]
        ]
        if found["expired"]
        else [],
        f"{worklist}?window=expired" if worklist else "",
    )
    soon = latest.filter(
        expires_on__gte=on, expires_on__lte=on + timedelta(days=DOCUMENT_EXPIRING_DAYS)
    )
    expiring = Section(
        "documents_expiring",
        _("Documents expiring within 30 days"),
        found["30"],
        [_document_item(on)(d) for d in soon.order_by("expires_on", "id")[:ITEMS_SHOWN]]
        if found["30"]
        else [],
        f"{worklist}?window=30" if worklist else "",
    )
    return expired, expiring


def _follow_ups(user: Any, on: date) -> Section:
    rows = (
        CampaignTarget.objects.for_user(user)
        .filter(
            status=TargetStatus.PENDING,
            follow_up_on__lte=on,
            campaign__status=CampaignStatus.OPEN,
        )
        .select_related("campaign", "household")
        .order_by("follow_up_on", "id")
    )

    def item(target: CampaignTarget) -> Item:
        campaign = target.campaign
        return Item(
            target.household.reference,
            campaign.reference,
            target.follow_up_on,
            reverse("residence:campaign", args=[campaign.reference]),
            target.follow_up_on is not None and target.follow_up_on < on,
        )

    return _section("follow_ups", _("Campaign follow-ups due"), rows, item, "follow_ups")


def _conversions(user: Any, on: date) -> Section:
    rows = (
        ConversionRun.objects.for_user(user)
        .filter(status=ConversionStatus.COMMITTED, reversible_until__gte=on)
        .order_by("reversible_until", "id")
    )

    def item(run: ConversionRun) -> Item:
        return Item(
            run.reference,
            ngettext("%(count)s household", "%(count)s households", run.households)
            % {"count": digits.localize(run.households)},
            run.reversible_until,
            reverse("residence:conversion", args=[run.reference]),
        )

    return _section("conversions", _("Conversions still reversible"), rows, item, "conversions")


def due_for(user: Any, on: date | None = None) -> Due:
    """What is due for ``user`` on ``on`` (today): only the sections their role acts on, only
    records in their scope; nothing for anyone without residence capabilities."""
    day = on or dates.today()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Due(day, [])
    if not user.sees_settlement_records or not user.has_capability(VIEW):
        return Due(day, [])
    sections: list[Section] = []
    if user.has_capability(REVIEW):
        sections += [_reviews(user, day), _terms_past_end(user, day), _terms_ending(user, day)]
    if user.has_capability(DOCUMENTS):
        sections += [*_documents(user, day), _follow_ups(user, day)]
    if user.has_capability(MANAGE):
        sections.append(_conversions(user, day))
    return Due(day, sections)

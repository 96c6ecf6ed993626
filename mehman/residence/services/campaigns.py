"""Renewal campaigns: an exercise (e.g. Amayesh 18) in which the members holding a document
must renew it; who has, who has not, and the follow-up until they do.

A campaign's members are fixed when it opens: the active members of the settlement's resident
households who hold a document of its type. A member is renewed once they hold a document of
the campaign's cycle (or one issued since it started); excused with a reason (e.g. they left).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from mehman.core import dates, digits
from mehman.core.models import Settlement
from mehman.registry import services as registry_services
from mehman.registry.models import (
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
)
from mehman.residence import events as residence_events
from mehman.residence.models import (
    WATCHED_DOCUMENTS,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    ContactOutcome,
    TargetStatus,
)
from mehman.residence.services._common import (
    household_event,
    next_reference,
    require_text,
    save_recorded,
    settlement_event,
)

_SPACES = re.compile(r"\s+")


def cycle_key(text: str) -> str:
    """A cycle as compared: trimmed, case-folded, ASCII digits, single spaces."""
    return _SPACES.sub(" ", digits.to_ascii(text or "").strip().casefold())


def _refuse(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _latest(documents: list[IdentityDocument]) -> IdentityDocument:
    """The document held last: the latest expiry, then the latest issue, then the newest."""
    return max(
        documents,
        key=lambda d: (d.expires_on or date.min, d.issued_on or date.min, d.pk),
    )


def _renewal_among(
    campaign: Campaign, documents: list[IdentityDocument]
) -> IdentityDocument | None:
    """The document that renews the member for the campaign: of its cycle, or issued since it
    started."""
    wanted = cycle_key(campaign.cycle)
    found = [
        d
        for d in documents
        if (d.cycle and cycle_key(d.cycle) == wanted)
        or (d.issued_on is not None and d.issued_on >= campaign.starts_on)
    ]
    return _latest(found) if found else None


def _documents_by_member(doc_type: str, members: Any) -> dict[int, list[IdentityDocument]]:
    held: dict[int, list[IdentityDocument]] = {}
    for document in IdentityDocument.objects.filter(doc_type=doc_type, individual__in=members):
        held.setdefault(document.individual_id, []).append(document)
    return held


def _lock_campaign(campaign: Campaign) -> Campaign:
    locked: Campaign = (
        Campaign.objects.select_for_update().select_related("settlement").get(pk=campaign.pk)
    )
    return locked


def _lock_target(target: CampaignTarget) -> CampaignTarget:
    locked: CampaignTarget = (
        CampaignTarget.objects.select_for_update()
        .select_related("campaign__settlement", "individual", "household")
        .get(pk=target.pk)
    )
    return locked


def _check_open(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("This campaign is closed."), code="closed")


def _check_pending(target: CampaignTarget) -> None:
    _check_open(target.campaign)
    if target.status != TargetStatus.PENDING:
        raise ValidationError(
            _("This member is no longer waiting to renew (%(status)s)."),
            code="not_pending",
            params={"status": target.get_status_display()},
        )


@transaction.atomic
def open_campaign(
    *,
    settlement: Settlement,
    by: Any,
    title: str,
    doc_type: str,
    cycle: str,
    starts_on: date,
    ends_on: date,
    note: str = "",
) -> Campaign:
    """A campaign expects every active member of the settlement's resident households who holds
    a document of its type to renew it; those already holding one of its cycle count as
    renewed from the start."""
    title = require_text(title, "title", _("Give the campaign a title."))
    cycle = require_text(cycle, "cycle", _("Name the cycle or exercise, e.g. Amayesh 18."))
    if doc_type not in WATCHED_DOCUMENTS:
        raise _refuse("doc_type", _("Campaigns renew residence documents only."), "doc_type")
    if ends_on < starts_on:
        raise _refuse("ends_on", _("The campaign cannot end before it starts."), "dates")
    campaign = Campaign(
        reference=next_reference(settlement, "campaign"),
        settlement=settlement,
        title=title,
        doc_type=doc_type,
        cycle=cycle,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
    )
    save_recorded(campaign, by, "Campaign opened", bump=False)
    members = Individual.objects.filter(
        status=IndividualStatus.ACTIVE,
        household__settlement=settlement,
        household__status=HouseholdStatus.RESIDENT,
    )
    held = _documents_by_member(doc_type, members)
    owners = dict(members.filter(pk__in=list(held)).values_list("pk", "household_id"))
    today = dates.today()
    targets = []
    for member_id, household_id in sorted(owners.items()):
        documents = held[member_id]
        renewal = _renewal_among(campaign, documents)
        targets.append(
            CampaignTarget(
                campaign=campaign,
                individual_id=member_id,
                household_id=household_id,
                previous=_latest(documents),
                renewed=renewal,
                status=TargetStatus.RENEWED if renewal else TargetStatus.PENDING,
                renewed_on=(renewal.issued_on or today) if renewal else None,
            )
        )
    user = by if getattr(by, "is_authenticated", False) else None
    bulk_create_with_history(
        targets, CampaignTarget, default_user=user, default_change_reason="Campaign opened"
    )
    settlement_event(
        settlement,
        residence_events.CAMPAIGN_OPENED,
        by,
        reference=campaign.reference,
        title=campaign.title,
        members=len(targets),
    )
    return campaign


def _mark_renewed(target: CampaignTarget, document: IdentityDocument, by: Any) -> None:
    target.status = TargetStatus.RENEWED
    target.renewed = document
    target.renewed_on = document.issued_on or dates.today()
    target.follow_up_on = None
    save_recorded(target, by, "Renewed")
    household_event(
        target.household,
        residence_events.DOCUMENT_RENEWED,
        by,
        member=target.individual.given_name,
        campaign=target.campaign.reference,
        document=str(document.uuid),
    )


@transaction.atomic
def refresh_campaign(*, campaign: Campaign, by: Any) -> int:
    """Members still waiting who now hold a document of the campaign's cycle (or issued since
    it started) are renewed; returns how many."""
    campaign = _lock_campaign(campaign)
    _check_open(campaign)
    pending = list(
        CampaignTarget.objects.select_for_update()
        .filter(campaign=campaign, status=TargetStatus.PENDING)
        .select_related("individual", "household")
    )
    held = _documents_by_member(campaign.doc_type, [t.individual_id for t in pending])
    renewed = 0
    for target in pending:
        target.campaign = campaign
        renewal = _renewal_among(campaign, held.get(target.individual_id, []))
        if renewal is not None:
            _mark_renewed(target, renewal, by)
            renewed += 1
    return renewed


@transaction.atomic
def record_renewal(
    *,
    target: CampaignTarget,
    by: Any,
    number: str,
    issued_on: date | None,
    expires_on: date | None,
) -> CampaignTarget:
    """The member's new document is recorded in the registry with the campaign's cycle, and
    the member counts as renewed."""
    target = _lock_target(target)
    _check_pending(target)
    number = require_text(number, "number", _("Type the number of the new document."))
    try:
        document = registry_services.add_document(
            person=target.individual,
            by=by,
            doc_type=target.campaign.doc_type,
            number_typed=number,
            issued_on=issued_on,
            expires_on=expires_on,
            cycle=target.campaign.cycle,
        )
    except ValidationError as error:
        # The registry names the number "number_typed"; here the field is "number".
        if hasattr(error, "error_dict") and "number_typed" in error.error_dict:
            error.error_dict["number"] = error.error_dict.pop("number_typed")
        raise
    _mark_renewed(target, document, by)
    return target


@transaction.atomic
def record_follow_up(
    *,
    target: CampaignTarget,
    by: Any,
    outcome: str,
    note: str = "",
    next_on: date | None = None,
) -> CampaignTarget:
    """A contact with a member who has not renewed: its outcome, and when to follow up next."""
    target = _lock_target(target)
    _check_pending(target)
    if outcome not in ContactOutcome.values:
        raise _refuse("outcome", _("Choose how the contact went."), "outcome")
    today = dates.today()
    if next_on is not None and next_on < today:
        raise _refuse("next_on", _("The next follow-up cannot be in the past."), "past")
    target.contacts += 1
    target.last_contact_on = today
    target.last_outcome = outcome
    target.follow_up_on = next_on
    target.note = (note or "").strip()[:300]
    save_recorded(target, by, "Followed up")
    household_event(
        target.household,
        residence_events.FOLLOWED_UP,
        by,
        member=target.individual.given_name,
        campaign=target.campaign.reference,
        outcome=outcome,
    )
    return target


@transaction.atomic
def excuse_target(*, target: CampaignTarget, by: Any, reason: str) -> CampaignTarget:
    """A member who need not renew (e.g. who left the settlement) is excused, with the
    reason."""
    target = _lock_target(target)
    _check_pending(target)
    reason = require_text(reason, "reason", _("Say why this member need not renew."))
    target.status = TargetStatus.EXCUSED
    target.note = reason[:300]
    target.follow_up_on = None
    save_recorded(target, by, reason)
    household_event(
        target.household,
        residence_events.RENEWAL_EXCUSED,
        by,
        member=target.individual.given_name,
        campaign=target.campaign.reference,
    )
    return target


@transaction.atomic
def close_campaign(*, campaign: Campaign, by: Any) -> Campaign:
    """A closed campaign takes no more renewals or follow-ups."""
    campaign = _lock_campaign(campaign)
    _check_open(campaign)
    campaign.status = CampaignStatus.CLOSED
    save_recorded(campaign, by, "Campaign closed")
    settlement_event(
        campaign.settlement,
        residence_events.CAMPAIGN_CLOSED,
        by,
        reference=campaign.reference,
        title=campaign.title,
    )
    return campaign

"""Family links between households registered apart, and where a household lives."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.registry import events as registry_events
from mehman.registry.models import Household, HouseholdLink, HouseholdStatus, Kinship
from mehman.registry.services._common import _by, _event, _lock, _save

OPEN_STATUSES = (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)


@transaction.atomic
def link_households(
    *, household: Household, other: Household, kinship: str, by: Any, note: str = ""
) -> HouseholdLink:
    """Two open households of the same settlement may be linked as one family, once."""
    if kinship not in Kinship.values:
        raise ValidationError(
            {"kinship": ValidationError(_("Choose the kinship."), code="kinship")}
        )
    if household.pk == other.pk:
        raise ValidationError(_("A household cannot be linked to itself."), code="self")
    first, second = sorted((household, other), key=lambda h: h.pk)
    first, second = _lock(first), _lock(second)
    if first.settlement_id != second.settlement_id:
        raise ValidationError(
            _("Related households must be registered in the same settlement."), code="settlement"
        )
    for each in (first, second):
        if each.status not in OPEN_STATUSES:
            raise ValidationError(
                _("%(reference)s is no longer an applicant or a resident.")
                % {"reference": each.reference},
                code="closed",
            )
    if HouseholdLink.objects.filter(household=first, other=second).exists():
        raise ValidationError(_("These households are already linked."), code="duplicate")
    link = HouseholdLink(household=first, other=second, kinship=kinship, note=note.strip())
    link.full_clean()
    _save(link, by, "Households linked")
    _event(first, registry_events.LINKED, by, other=second.reference, kinship=kinship)
    _event(second, registry_events.LINKED, by, other=first.reference, kinship=kinship)
    return link


@transaction.atomic
def unlink_households(*, link: HouseholdLink, by: Any, reason: str) -> None:
    """A link recorded in error is removed with a reason, on both households' timelines."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Say why the link is removed."), code="required")}
        )
    try:
        link = (
            HouseholdLink.objects.select_for_update()
            .select_related("household", "other")
            .get(pk=link.pk)
        )
    except HouseholdLink.DoesNotExist as exc:
        raise ValidationError(_("This link has already been removed."), code="gone") from exc
    link._history_user = _by(by)  # type: ignore[attr-defined]
    link._change_reason = reason  # type: ignore[attr-defined]
    first, second = link.household, link.other
    link.delete()
    _event(first, registry_events.UNLINKED, by, other=second.reference, reason=reason)
    _event(second, registry_events.UNLINKED, by, other=first.reference, reason=reason)


def related_households(household: Household) -> list[Household]:
    """The households linked to this one (directly)."""
    links = HouseholdLink.objects.of(household).select_related("household", "other")
    return [link.partner_of(household) for link in links]


@transaction.atomic
def set_home(*, household: Household, block: str, address: str, by: Any, reason: str) -> Household:
    """Where a household lives is recorded by housing when it moves in, moves or leaves."""
    household = _lock(household)
    if household.block == block and household.address == address:
        return household
    household.block = block
    household.address = address
    # Only these two fields change: check them, not the whole record (a thousand moves in a row).
    household.clean_fields(
        exclude=[f.name for f in Household._meta.fields if f.name not in ("block", "address")]
    )
    _save(household, by, reason)
    _event(household, registry_events.HOME_SET, by, block=block, address=address, reason=reason)
    return household

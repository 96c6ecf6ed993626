"""Pledges and donations: promised, received, stored, used (distributed or spent).

How a donation reaches households is recorded by ``mehman.assistance``; it calls
``use_donation`` here, under the donation's row lock, so nothing is used twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners import events
from mehman.partners.models import (
    PLEDGE_TRANSITIONS,
    Donation,
    GiftKind,
    HouseholdCriterion,
    Organisation,
    Pledge,
    PledgeStatus,
    Sector,
)
from mehman.partners.services._common import (
    jsonable,
    positive_decimal,
    record_event,
    save_recorded,
    today,
)

CASH_ITEM = "cash"
CASH_UNIT = "rial"


def _next_reference(settlement: Settlement) -> str:
    Settlement.objects.select_for_update().filter(pk=settlement.pk).first()
    number = Pledge.objects.filter(settlement=settlement).count() + 1
    return f"PL-{settlement.code}-{number:04d}"


@transaction.atomic
def record_pledge(
    *,
    donor: Organisation,
    settlement: Settlement,
    by: Any,
    kind: str,
    quantity: Decimal | int | str,
    item: str = "",
    unit: str = "",
    value: int | None = None,
    pledged_on: date | None = None,
    expected_on: date | None = None,
    restricted_sector: str = "",
    restricted_to: str = "",
    restricted_need: str = "",
    restriction_note: str = "",
) -> Pledge:
    """A pledge names its donor, what is promised and any restriction the donor sets.

    A cash pledge counts rials: its quantity is its value.
    """
    if kind not in GiftKind.values:
        raise ValidationError({"kind": ValidationError(_("Unknown kind."), code="kind")})
    amount = positive_decimal(quantity, "quantity")
    if kind == GiftKind.CASH:
        # Stored as codes, shown in the reader's language (Pledge.item_label, unit_label).
        item, unit, worth = CASH_ITEM, CASH_UNIT, int(amount)
    else:
        if not item.strip() or not unit.strip():
            raise ValidationError(
                _("Name the item and its unit (kit, blanket, sack…)."), code="item"
            )
        worth = int(value or 0)
    if worth < 0:
        raise ValidationError(
            {"value": ValidationError(_("Enter a number above zero."), code="positive")}
        )
    if restricted_sector and restricted_sector not in Sector.values:
        raise ValidationError(
            {"restricted_sector": ValidationError(_("Unknown sector."), code="sector")}
        )
    if restricted_to and restricted_to not in HouseholdCriterion.values:
        raise ValidationError(
            {"restricted_to": ValidationError(_("Unknown restriction."), code="restriction")}
        )
    if restricted_to == HouseholdCriterion.SPECIFIC_NEED and not restricted_need.strip():
        raise ValidationError(
            {"restricted_need": ValidationError(_("Give the specific need code."), code="need")}
        )
    if not donor.settlements.filter(pk=settlement.pk).exists():
        raise ValidationError(
            {
                "donor": ValidationError(
                    _("The donor does not work in this settlement."), code="settlement"
                )
            }
        )
    day = pledged_on or today()
    if expected_on is not None and expected_on < day:
        raise ValidationError(
            {
                "expected_on": ValidationError(
                    _("The expected date is before the pledge."), code="period"
                )
            }
        )
    pledge = Pledge(
        reference=_next_reference(settlement),
        donor=donor,
        settlement=settlement,
        kind=kind,
        item=item.strip(),
        unit=unit.strip(),
        quantity=amount,
        value=worth,
        pledged_on=day,
        expected_on=expected_on,
        restricted_sector=restricted_sector,
        restricted_to=restricted_to,
        restricted_need=restricted_need.strip().upper() if restricted_to else "",
        restriction_note=restriction_note.strip(),
    )
    save_recorded(pledge, by)
    record_event(
        donor,
        events.PLEDGE_RECORDED,
        by,
        pledge=pledge.reference,
        quantity=str(amount),
        unit=pledge.unit_label,
        item=pledge.item_label,
    )
    return pledge


def _set_status(pledge: Pledge, by: Any) -> None:
    """The status follows what was received, stored and used."""
    donations = list(pledge.donations.all())
    received = sum((d.quantity for d in donations), Decimal(0))
    used = sum((d.used_quantity for d in donations), Decimal(0))
    if not donations:
        status = PledgeStatus.PLEDGED
    elif received >= pledge.quantity and used >= received:
        status = PledgeStatus.DISTRIBUTED
    elif pledge.kind == GiftKind.IN_KIND and all(
        d.stored_on is not None for d in donations if d.remaining_quantity > 0
    ):
        status = PledgeStatus.STORED
    else:
        status = PledgeStatus.RECEIVED
    if status == pledge.status:
        return
    if status not in PLEDGE_TRANSITIONS.get(pledge.status, frozenset()):
        raise ValidationError(_("This pledge cannot change any more."), code="transition")
    pledge.status = status
    save_recorded(pledge, by)
    record_event(pledge.donor, events.PLEDGE_STATUS, by, pledge=pledge.reference, status=status)


@transaction.atomic
def receive_donation(
    *,
    pledge: Pledge,
    by: Any,
    quantity: Decimal | int | str,
    received_on: date | None = None,
    value: int | None = None,
    note: str = "",
) -> Donation:
    """What arrives is recorded against its pledge; a cancelled pledge receives nothing."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.status == PledgeStatus.CANCELLED:
        raise ValidationError(_("This pledge was cancelled."), code="cancelled")
    amount = positive_decimal(quantity, "quantity")
    day = received_on or today()
    if day > today():
        raise ValidationError(
            {"received_on": ValidationError(_("This date is in the future."), code="future")}
        )
    if day < locked.pledged_on:
        raise ValidationError(
            {
                "received_on": ValidationError(
                    _("The gift cannot arrive before it was pledged."), code="period"
                )
            }
        )
    if locked.kind == GiftKind.CASH:
        worth = int(amount)
    elif value is not None:
        worth = int(value)
    else:
        worth = int(Decimal(locked.value) * amount / locked.quantity) if locked.quantity else 0
    donation = Donation(
        pledge=locked, received_on=day, quantity=amount, value=worth, note=note.strip()
    )
    save_recorded(donation, by)
    record_event(
        locked.donor,
        events.DONATION_RECEIVED,
        by,
        pledge=locked.reference,
        quantity=str(amount),
        unit=locked.unit_label,
        received_on=jsonable(day),
    )
    _set_status(locked, by)
    return donation


@transaction.atomic
def store_donation(
    *, donation: Donation, by: Any, place: str, stored_on: date | None = None
) -> Donation:
    """Goods received are put in a named store until they are given out."""
    locked = Donation.objects.select_for_update().select_related("pledge").get(pk=donation.pk)
    if locked.pledge.kind != GiftKind.IN_KIND:
        raise ValidationError(_("Cash is not stored in a warehouse."), code="cash")
    if not place.strip():
        raise ValidationError({"place": ValidationError(_("Name the store."), code="place")})
    day = stored_on or today()
    if day < locked.received_on or day > today():
        raise ValidationError(
            {
                "stored_on": ValidationError(
                    _("Goods are stored on or after the day they arrive, and not in the future."),
                    code="period",
                )
            }
        )
    locked.stored_at = place.strip()
    locked.stored_on = day
    save_recorded(locked, by)
    pledge = Pledge.objects.select_for_update().get(pk=locked.pledge_id)
    record_event(
        pledge.donor, events.DONATION_STORED, by, pledge=pledge.reference, place=locked.stored_at
    )
    _set_status(pledge, by)
    return locked


@transaction.atomic
def cancel_pledge(*, pledge: Pledge, by: Any, reason: str) -> Pledge:
    """Only a pledge of which nothing has arrived can be cancelled, with a reason."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for cancelling."), code="reason")}
        )
    if PledgeStatus.CANCELLED not in PLEDGE_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            _("Part of this pledge has arrived; it can no longer be cancelled."),
            code="transition",
        )
    locked.status = PledgeStatus.CANCELLED
    locked.cancel_reason = reason.strip()
    save_recorded(locked, by, reason)
    record_event(
        locked.donor,
        events.PLEDGE_CANCELLED,
        by,
        pledge=locked.reference,
        reason=locked.cancel_reason,
    )
    return locked


def lock_donation(donation: Donation) -> Donation:
    """The donation, locked for the rest of the transaction."""
    return Donation.objects.select_for_update().select_related("pledge__donor").get(pk=donation.pk)


def use_donation(
    *,
    donation: Donation,
    by: Any,
    quantity: Decimal,
    value: int,
    sector: str,
    purpose: str,
) -> None:
    """Goods and money are used once: never more than what is left, and only for the
    sector the donor allowed. Call inside the caller's transaction, on a locked row."""
    pledge = donation.pledge
    if pledge.status == PledgeStatus.CANCELLED:
        raise ValidationError(_("This pledge was cancelled."), code="cancelled")
    if pledge.restricted_sector and sector != pledge.restricted_sector:
        raise ValidationError(
            _("The donor gave this only for %(sector)s."),
            code="restricted_sector",
            params={"sector": Sector(pledge.restricted_sector).label},
        )
    if quantity <= 0 and value <= 0:
        raise ValidationError(_("Enter a number above zero."), code="positive")
    if quantity > donation.remaining_quantity or value > donation.remaining_value:
        raise ValidationError(
            _("Only %(left)s %(unit)s of this donation is left."),
            code="exhausted",
            params={"left": donation.remaining_quantity.normalize(), "unit": pledge.unit_label},
        )
    donation.used_quantity += quantity
    donation.used_value += value
    save_recorded(donation, by, purpose)
    record_event(
        pledge.donor,
        events.DONATION_USED,
        by,
        pledge=pledge.reference,
        quantity=str(quantity.normalize()),
        unit=pledge.unit_label,
        purpose=purpose,
    )
    _set_status(Pledge.objects.select_for_update().get(pk=pledge.pk), by)


def totals(pledge: Pledge) -> dict[str, Any]:
    """Received and used, in the pledge's unit and in rials."""
    sums = pledge.donations.aggregate(
        received=Sum("quantity"),
        received_value=Sum("value"),
        used=Sum("used_quantity"),
        used_value=Sum("used_value"),
    )
    return {key: value or 0 for key, value in sums.items()}

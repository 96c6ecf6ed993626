"""Deliveries to households, attendance at activities, and donations spent on work."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.assistance import events
from mehman.assistance.models import (
    Attendance,
    Delivery,
    Expenditure,
    Referral,
    is_partner_staff,
)
from mehman.assistance.services.eligibility import meets_restriction, person_key, reached_in
from mehman.assistance.services.referrals import _event
from mehman.core import dates
from mehman.core.services import save_recorded
from mehman.partners import services as partners
from mehman.partners.models import (
    Activity,
    ActivityStatus,
    Donation,
    GiftKind,
    HouseholdCriterion,
    Organisation,
    Sector,
    partner_organisation_ids,
)
from mehman.registry.models import Household, HouseholdStatus, Individual

RECEIVING = (HouseholdStatus.APPLICANT, HouseholdStatus.RESIDENT)


def _check_day(day: date, activity: Activity | None = None) -> None:
    if day > dates.today():
        raise ValidationError(_("This date is in the future."), code="future")
    if activity is not None and day < activity.starts_on:
        raise ValidationError(
            _("The activity had not started on that day."), code="before_activity"
        )


def _check_activity(activity: Activity, by: Any) -> None:
    if activity.status not in (ActivityStatus.ONGOING, ActivityStatus.COMPLETED):
        raise ValidationError(
            _("Deliveries are recorded for ongoing or completed activities only."),
            code="activity_status",
        )
    if is_partner_staff(by) and activity.organisation_id not in partner_organisation_ids(by):
        raise ValidationError(_("This activity is not your organisation's."), code="not_yours")


def _check_household(household: Household, activity: Activity, by: Any) -> None:
    if household.settlement_id != activity.settlement_id:
        raise ValidationError(
            _("%(reference)s lives in another settlement than the activity."),
            code="settlement",
            params={"reference": household.reference},
        )
    if household.status not in RECEIVING:
        raise ValidationError(
            _("%(reference)s is no longer an applicant or resident household."),
            code="household_status",
            params={"reference": household.reference},
        )
    if (
        is_partner_staff(by)
        and not Referral.objects.shared_with(by).filter(household=household).exists()
    ):
        raise ValidationError(
            _("%(reference)s is not referred to your organisation under a live agreement."),
            code="not_shared",
            params={"reference": household.reference},
        )


def _restriction_label(donation: Donation) -> str:
    pledge = donation.pledge
    if pledge.restricted_to == HouseholdCriterion.SPECIFIC_NEED:
        return f"{HouseholdCriterion(pledge.restricted_to).label} {pledge.restricted_need}"
    return str(HouseholdCriterion(pledge.restricted_to).label)


def _check_restriction(donation: Donation, household: Household, day: date) -> None:
    if not meets_restriction(household, donation.pledge, day):
        raise ValidationError(
            _("The donor gave %(pledge)s only to: %(rule)s. %(reference)s is not one."),
            code="restricted_household",
            params={
                "pledge": donation.pledge.reference,
                "rule": _restriction_label(donation),
                "reference": household.reference,
            },
        )


def _worth(donation: Donation, quantity: Decimal) -> int:
    """Rials a quantity of the donation is worth (cash counts rials)."""
    if donation.pledge.kind == GiftKind.IN_KIND:
        return int(donation.unit_value * quantity)
    return int(quantity)


def _deliver(
    *,
    household: Household,
    activity: Activity,
    by: Any,
    item: str,
    unit: str,
    quantity: Decimal,
    value: int,
    day: date,
    donation: Donation | None,
    use: bool = True,
) -> Delivery:
    """One delivery; ``use=False`` when the caller uses the donation once for a whole round."""
    _check_household(household, activity, by)
    if donation is not None:
        _check_restriction(donation, household, day)
        used_value = _worth(donation, quantity)
        if use:
            partners.use_donation(
                donation=donation,
                by=by,
                quantity=quantity,
                value=used_value,
                sector=activity.sector,
                purpose=activity.name,  # the donor's timeline names no household
            )
        value = value or used_value
    delivery = Delivery(
        household=household,
        activity=activity,
        organisation=activity.organisation,
        donation=donation,
        item=item,
        unit=unit,
        quantity=quantity,
        value=value,
        delivered_on=day,
        reached=reached_in(household, day),
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    save_recorded(delivery, by)
    _event(
        household,
        events.DELIVERED,
        by,
        quantity=str(quantity.normalize()),
        unit=unit,
        item=item,
        activity=activity.name,
        organisation=activity.organisation.name_en,
    )
    return delivery


@transaction.atomic
def record_delivery(
    *,
    household: Household,
    activity: Activity,
    by: Any,
    item: str = "",
    unit: str = "",
    quantity: Decimal | int | str = 1,
    value: int = 0,
    delivered_on: date | None = None,
    donation: Donation | None = None,
) -> Delivery:
    """A household received goods, cash or a service from an ongoing activity in its
    settlement; goods from a donation go only where the donor allowed."""
    _check_activity(activity, by)
    day = delivered_on or dates.today()
    _check_day(day, activity)
    amount = partners.positive_decimal(quantity)
    locked = partners.lock_donation(donation) if donation is not None else None
    if locked is not None and locked.pledge.settlement_id != activity.settlement_id:
        raise ValidationError(_("The donation is for another settlement."), code="settlement")
    name = item.strip() or (locked.pledge.item_label if locked is not None else "")
    if not name:
        raise ValidationError({"item": ValidationError(_("Say what was given."), code="item")})
    return _deliver(
        household=household,
        activity=activity,
        by=by,
        item=name,
        unit=unit.strip() or (locked.pledge.unit_label if locked is not None else ""),
        quantity=amount,
        value=int(value or 0),
        day=day,
        donation=locked,
    )


@transaction.atomic
def distribute_donation(
    *,
    donation: Donation,
    activity: Activity,
    households: Iterable[Household],
    by: Any,
    quantity_each: Decimal | int | str = 1,
    delivered_on: date | None = None,
) -> list[Delivery]:
    """A distribution gives each listed household its share of a donation, all or
    nothing: one household the donor did not allow, or too little left, refuses it all."""
    _check_activity(activity, by)
    day = delivered_on or dates.today()
    _check_day(day, activity)
    each = partners.positive_decimal(quantity_each, "quantity_each")
    locked = partners.lock_donation(donation)
    if locked.pledge.settlement_id != activity.settlement_id:
        raise ValidationError(_("The donation is for another settlement."), code="settlement")
    chosen = list(dict.fromkeys(households))
    if not chosen:
        raise ValidationError(_("Choose at least one household."), code="empty")
    if each * len(chosen) > locked.remaining_quantity:
        raise ValidationError(
            _("%(needed)s %(unit)s are needed but only %(left)s are left."),
            code="exhausted",
            params={
                "needed": (each * len(chosen)).normalize(),
                "unit": locked.pledge.unit_label,
                "left": locked.remaining_quantity.normalize(),
            },
        )
    pledge = locked.pledge
    # The whole round uses the donation once: one lock, one ledger line, one status check.
    partners.use_donation(
        donation=locked,
        by=by,
        quantity=each * len(chosen),
        value=sum(_worth(locked, each) for _household in chosen),
        sector=activity.sector,
        purpose=activity.name,
    )
    return [
        _deliver(
            household=household,
            activity=activity,
            by=by,
            item=pledge.item_label,
            unit=pledge.unit_label,
            quantity=each,
            value=0,
            day=day,
            donation=locked,
            use=False,
        )
        for household in chosen
    ]


@transaction.atomic
def record_attendance(
    *, activity: Activity, people: Iterable[Individual], by: Any, attended_on: date | None = None
) -> list[Attendance]:
    """People attended a session of an activity on a day; each counts once a day."""
    _check_activity(activity, by)
    day = attended_on or dates.today()
    _check_day(day, activity)
    chosen = list(dict.fromkeys(people))
    if not chosen:
        raise ValidationError(_("Choose at least one person."), code="empty")
    done = set(
        Attendance.objects.filter(
            activity=activity, attended_on=day, person__in=chosen
        ).values_list("person_id", flat=True)
    )
    rows = []
    for person in chosen:
        household = person.household
        _check_household(household, activity, by)
        if not person.is_active:
            raise ValidationError(
                _("%(name)s is no longer a member."),
                code="inactive",
                params={"name": person.given_name},
            )
        if person.pk in done:
            continue
        sex, _sep, bracket = person_key(person, day).partition("_")
        row = Attendance(
            activity=activity,
            person=person,
            attended_on=day,
            sex=sex.upper(),
            bracket=bracket,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        save_recorded(row, by)
        _event(household, events.ATTENDED, by, name=person.given_name, activity=activity.name)
        rows.append(row)
    return rows


@transaction.atomic
def record_expenditure(
    *,
    donation: Donation,
    by: Any,
    work_order: str,
    description: str,
    sector: str,
    amount: int | str = 0,
    quantity: Decimal | int | str | None = None,
    spent_on: date | None = None,
    household: Household | None = None,
    contractor: Organisation | None = None,
) -> Expenditure:
    """Donated money or goods spent on a work order, only as the donor allowed, and
    never more than what is left."""
    if is_partner_staff(by):
        raise ValidationError(_("Partner staff cannot record spending."), code="not_allowed")
    if sector not in Sector.values:
        raise ValidationError({"sector": ValidationError(_("Unknown sector."), code="sector")})
    if not work_order.strip() or not description.strip():
        raise ValidationError(_("Give the work order and what was done."), code="work_order")
    day = spent_on or dates.today()
    _check_day(day)
    locked = partners.lock_donation(donation)
    pledge = locked.pledge
    if day < locked.received_on:
        raise ValidationError(_("Money cannot be spent before it arrives."), code="before_received")
    if pledge.kind == GiftKind.CASH:
        money = int(partners.positive_decimal(amount, "amount"))
        used = Decimal(money)
    else:
        used = partners.positive_decimal(quantity if quantity is not None else 0)
        money = int(amount or 0) or int(locked.unit_value * used)
    if household is not None:
        if household.settlement_id != pledge.settlement_id:
            raise ValidationError(
                _("%(reference)s lives in another settlement than the donation."),
                code="settlement",
                params={"reference": household.reference},
            )
        _check_restriction(locked, household, day)
    elif pledge.restricted_to:
        raise ValidationError(
            _("The donor restricted this gift to certain households: name the household."),
            code="household_required",
        )
    partners.use_donation(
        donation=locked,
        by=by,
        quantity=used,
        value=money,
        sector=sector,
        purpose=f"{work_order.strip()}: {description.strip()}",
    )
    spending = Expenditure(
        donation=locked,
        household=household,
        sector=sector,
        work_order=work_order.strip(),
        description=description.strip(),
        contractor=contractor,
        quantity=used,
        amount=money,
        spent_on=day,
        reached=reached_in(household, day) if household is not None else {},
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    save_recorded(spending, by)
    if household is not None:
        _event(
            household,
            events.WORK_FUNDED,
            by,
            work_order=spending.work_order,
            description=spending.description,
            donor=pledge.donor.name_en,
        )
    return spending

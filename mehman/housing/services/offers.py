"""Offers of vacant units to the waitlist: who fits, the offer, and the household's answer.

An offer is intake's transition and housing's hold on the unit, written together;
acceptance admits the household and moves it in, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.housing import events as housing_events
from mehman.housing.models import (
    AllocationRun,
    MoveReason,
    Occupancy,
    Offer,
    OfferStatus,
    Unit,
    UnitState,
)
from mehman.housing.services._common import household_event, lock_unit, save_recorded, subject_event
from mehman.housing.services.occupancy import move_in
from mehman.intake import services as intake
from mehman.intake.models import Application, ApplicationStatus
from mehman.registry.models import Difficulty, IndividualStatus, SpecificNeed

# Specific needs that call for a step-free home (physical disability).
STEP_FREE_NEEDS = ("DS-PM", "DS-PS")


def needs_step_free(household_ids: Iterable[int], on: date | None = None) -> set[int]:
    """The households with a member who cannot manage steps: a lot of difficulty walking or
    climbing steps (Washington Group), or a physical disability recorded as a specific need."""
    ids = list(household_ids)
    day = on or dates.today()
    from mehman.registry.models import Individual

    walking = Individual.objects.filter(
        household_id__in=ids, status=IndividualStatus.ACTIVE, wg_walking__gte=Difficulty.A_LOT
    ).values_list("household_id", flat=True)
    needs = SpecificNeed.objects.filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=day),
        individual__household_id__in=ids,
        individual__status=IndividualStatus.ACTIVE,
        code__code__in=STEP_FREE_NEEDS,
    ).values_list("individual__household_id", flat=True)
    return set(walking) | set(needs)


def fits(unit: Unit, size: int, step_free_needed: bool) -> bool:
    return size <= unit.capacity and (unit.step_free or not step_free_needed)


def waiting(settlement: Settlement | int) -> QuerySet[Application]:
    """Waitlisted applications, in rank order (an application holding an offer is "offered",
    not waitlisted; an open offer left of a waitlisted one is stale and holds nothing)."""
    return (
        Application.objects.filter(settlement=settlement, status=ApplicationStatus.WAITLISTED)
        .select_related("household")
        .order_by("rank", "id")
    )


def candidates_for_units(
    units: Sequence[Unit], *, limit: int = 10
) -> dict[int, list[tuple[Application, bool]]]:
    """For each unit, the top-ranked waitlisted households that fit it: all members within
    its capacity, and a step-free unit for a household that needs one. Each comes with
    whether it needs one. Each settlement's waitlist is read once, whatever the units."""
    chosen: dict[int, list[tuple[Application, bool]]] = {unit.pk: [] for unit in units}
    for settlement_id in {unit.settlement_id for unit in units}:
        applications = list(waiting(settlement_id))
        step_free = needs_step_free(a.household_id for a in applications)
        for unit in (u for u in units if u.settlement_id == settlement_id):
            for application in applications:
                needs = application.household_id in step_free
                if fits(unit, application.household.size, needs):
                    chosen[unit.pk].append((application, needs))
                    if len(chosen[unit.pk]) >= limit:
                        break
    return chosen


def candidates_for(unit: Unit, *, limit: int = 10) -> list[tuple[Application, bool]]:
    """The top-ranked waitlisted households that fit the unit (see ``candidates_for_units``)."""
    return candidates_for_units([unit], limit=limit)[unit.pk]


def _refuse_unfit(unit: Unit, application: Application) -> None:
    size = application.household.size
    if size > unit.capacity:
        raise ValidationError(
            _("%(size)s members do not fit in %(unit)s, which holds %(capacity)s.")
            % {"size": size, "unit": unit.reference, "capacity": unit.capacity},
            code="too_small",
        )
    if not unit.step_free and application.household_id in needs_step_free(
        [application.household_id]
    ):
        raise ValidationError(
            _("A member of this household needs a step-free home; %(unit)s is not.")
            % {"unit": unit.reference},
            code="step_free",
        )


@transaction.atomic
def offer_unit(
    *,
    unit: Unit,
    application: Application,
    by: Any,
    respond_by: date | None = None,
    skip_reason: str = "",
    run: AllocationRun | None = None,
) -> Offer:
    """A vacant habitable unit is offered to a waitlisted household that fits it; the unit is
    held until the household answers, and passing over households ranked higher needs a reason."""
    unit = lock_unit(unit)
    if unit.settlement_id != application.settlement_id:
        raise ValidationError(_("The unit is in another settlement."), code="settlement")
    if unit.state != UnitState.READY:
        raise ValidationError(
            _("Unit %(unit)s is not habitable (%(state)s).")
            % {"unit": unit.reference, "state": unit.get_state_display()},
            code="not_habitable",
        )
    if Occupancy.objects.filter(unit=unit, ended_on__isnull=True).exists():
        raise ValidationError(
            _("Unit %(unit)s is already lived in.") % {"unit": unit.reference}, code="occupied"
        )
    _close_stale(Offer.objects.filter(unit=unit, status=OfferStatus.OPEN), by)
    if Offer.objects.filter(unit=unit, status=OfferStatus.OPEN).exists():
        raise ValidationError(
            _("Unit %(unit)s is already offered to a household awaiting its answer.")
            % {"unit": unit.reference},
            code="offered",
        )
    application = Application.objects.select_related("household").get(pk=application.pk)
    _close_stale(Offer.objects.filter(application=application, status=OfferStatus.OPEN), by)
    _refuse_unfit(unit, application)
    intake.make_offer(
        application=application,
        by=by,
        place=unit.reference,
        respond_by=respond_by,
        skip_reason=skip_reason,
    )
    application.refresh_from_db()
    offer = Offer(
        settlement_id=unit.settlement_id,
        unit=unit,
        application=application,
        offered_on=application.offered_on or dates.today(),
        respond_by=application.respond_by or dates.today(),
        run=run,
        offered_by=by if getattr(by, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            save_recorded(offer, by, "Unit offered")
    except IntegrityError as exc:
        raise ValidationError(
            _("This unit or application already has an open offer."), code="offered"
        ) from exc
    params = {"unit": unit.reference, "application": application.reference}
    household_event(application.household, housing_events.UNIT_OFFERED, by, **params)
    subject_event(unit, housing_events.UNIT_OFFERED, by, **params)
    return offer


def _lock_offer(offer: Offer) -> Offer:
    locked = (
        Offer.objects.select_for_update()
        .select_related("unit", "application__household")
        .get(pk=offer.pk)
    )
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(
            _("This offer is already “%(status)s”.") % {"status": locked.get_status_display()},
            code="answered",
        )
    return locked


def _answered(offer: Offer, status: str, by: Any, day: date) -> None:
    offer.status = status
    offer.answered_on = day
    save_recorded(offer, by, f"Offer {status}")
    params = {"unit": offer.unit.reference, "answer": str(OfferStatus(status).label)}
    household_event(offer.application.household, housing_events.OFFER_ANSWERED, by, **params)
    subject_event(offer.unit, housing_events.OFFER_ANSWERED, by, **params)


@transaction.atomic
def accept_unit_offer(*, offer: Offer, by: Any, day: date | None = None) -> Occupancy:
    """Acceptance admits the household: the application is admitted, the household becomes a
    resident and moves into the unit — all or nothing."""
    offer = _lock_offer(offer)
    day = day or dates.today()
    if day > dates.today():
        raise ValidationError(
            {"day": ValidationError(_("This date is in the future."), code="future")}
        )
    application = offer.application
    intake.accept_offer(application=application, by=by, day=day)
    intake.admit(application=application, by=by, day=day)
    application.household.refresh_from_db()
    occupancy = move_in(
        unit=offer.unit,
        household=application.household,
        by=by,
        reason=MoveReason.ADMISSION,
        day=day,
        application=application,
    )
    _answered(offer, OfferStatus.ACCEPTED, by, day)
    return occupancy


@transaction.atomic
def decline_unit_offer(
    *, offer: Offer, by: Any, reason: str, back_to_waitlist: bool = True
) -> Offer:
    """A declined offer frees the unit; the household keeps its place unless it leaves the list."""
    offer = _lock_offer(offer)
    intake.decline_offer(
        application=offer.application, by=by, reason=reason, back_to_waitlist=back_to_waitlist
    )
    _answered(offer, OfferStatus.DECLINED, by, dates.today())
    return offer


def _close_stale(offers: QuerySet[Offer], by: Any, day: date | None = None) -> int:
    """Offers whose application is no longer offered (answered, lapsed or withdrawn through
    intake) are closed: they hold nothing."""
    count = 0
    for offer in offers.exclude(application__status=ApplicationStatus.OFFERED).select_related(
        "unit", "application__household"
    ):
        _answered(offer, OfferStatus.LAPSED, by, day or dates.today())
        count += 1
    return count


@transaction.atomic
def lapse_offers(
    *, by: Any = None, settlement: Settlement | None = None, day: date | None = None
) -> int:
    """Offers not answered in time lapse (the application lapses with them) and free their
    units; offers whose application was withdrawn or lapsed meanwhile are closed (run daily)."""
    today = day or dates.today()
    overdue = Offer.objects.filter(
        status=OfferStatus.OPEN, application__status=ApplicationStatus.OFFERED
    )
    overdue = overdue.filter(application__respond_by__lt=today)
    if settlement is not None:
        overdue = overdue.filter(settlement=settlement)
    for offer in overdue.select_related("application"):
        intake.expire_application(
            application=offer.application,
            by=by,
            reason=str(_("The offer was not answered in time.")),
        )
    stale = Offer.objects.filter(status=OfferStatus.OPEN)
    if settlement is not None:
        stale = stale.filter(settlement=settlement)
    return _close_stale(stale, by, today)

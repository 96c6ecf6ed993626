"""The intake demo's offers of the site's vacant units.

When the site is loaded, each offer the intake demo makes holds a real vacant unit that
fits the household (the unit's reference is the offer's place), through housing's offer
services: an acceptance admits the household and moves it in, a decline frees the unit,
and an offer whose application lapsed is closed as the daily task closes it.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.utils import timezone

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.demo.housing.past import SEED, dated, moment
from mehman.housing import services as housing
from mehman.housing.models import (
    Offer,
    OfferStatus,
    Unit,
    UnitEvent,
)
from mehman.housing.services.offers import needs_step_free
from mehman.intake.models import Application
from mehman.registry.models import HouseholdEvent


class Homes:
    """The vacant homes the intake demo offers, through housing's offer services: each offer
    holds a real unit that fits the household, and its answer admits it or frees the unit."""

    def __init__(self, settlement: Settlement) -> None:
        self.settlement = settlement
        self.rng = random.Random(SEED + 1)
        self.open: dict[int, Offer] = {}  # application id → its offer awaiting an answer
        self.lapsing: dict[int, date] = {}  # application id → the day its offer lapsed

    def _unit_for(self, application: Application, *, ground_floor: bool) -> Unit:
        """The vacant unit wasting least space that fits the household: step-free if a member
        cannot manage steps. Step-free homes go first to households with a disabled member
        (or offered one for that reason), and are kept from the others while others fit."""
        household = application.household
        required = household.pk in needs_step_free([household.pk])
        preferred = required or ground_floor or bool(application.f_disability)
        vacant = Unit.objects.filter(settlement=self.settlement).vacant()
        fitting = [
            u
            for u in vacant.filter(capacity__gte=max(1, household.size)).order_by("reference")
            if u.step_free or not required
        ]
        if not fitting:
            raise ValueError(
                f"no vacant unit of the demo fits {application.reference} "
                f"({household.size} members{', step-free' if required else ''})"
            )
        return min(fitting, key=lambda u: (u.step_free != preferred, u.capacity, self.rng.random()))

    def offer(
        self,
        *,
        application: Application,
        by: Any,
        offered_on: date,
        respond_by: date,
        skip_reason: str = "",
    ) -> Application:
        """Offer a fitting vacant unit; the unit's reference is the offer's place."""
        unit = self._unit_for(application, ground_floor=bool(skip_reason))
        with dated(moment(self.rng, offered_on)):
            offer = housing.offer_unit(
                unit=unit,
                application=application,
                by=by,
                respond_by=max(respond_by, dates.today()),
                skip_reason=skip_reason,
            )
        Offer.objects.filter(pk=offer.pk).update(offered_on=offered_on, respond_by=respond_by)
        self.open[application.pk] = offer
        return Application.objects.select_related("household", "settlement").get(pk=application.pk)

    def accept(self, *, application: Application, by: Any, day: date) -> Application:
        """The household accepts: admitted, it moves in on the day it answered."""
        offer = self.open.pop(application.pk)
        with dated(moment(self.rng, day)):
            housing.accept_unit_offer(offer=offer, by=by, day=day)
        return Application.objects.get(pk=application.pk)

    def decline(self, *, application: Application, by: Any, reason: str, day: date) -> Application:
        """The household declines and goes back to the waitlist; the unit is free again."""
        offer = self.open.pop(application.pk)
        with dated(moment(self.rng, day)):
            housing.decline_unit_offer(offer=offer, by=by, reason=reason)
        Offer.objects.filter(pk=offer.pk).update(answered_on=day)
        return Application.objects.get(pk=application.pk)

    def lapsed(self, *, application: Application, day: date) -> None:
        """The application lapsed with its offer unanswered (``close`` closes the offer)."""
        self.open.pop(application.pk, None)
        self.lapsing[application.pk] = day

    def close(self, *, by: Any) -> None:
        """Offers whose application lapsed meanwhile are closed, as the daily task does."""
        if not self.lapsing:
            return
        since = timezone.now()
        housing.lapse_offers(by=by, settlement=self.settlement)
        for application_id, day in self.lapsing.items():
            offer = Offer.objects.select_related("application").get(
                application_id=application_id, status=OfferStatus.LAPSED
            )
            Offer.objects.filter(pk=offer.pk).update(answered_on=day)
            when = moment(self.rng, day)
            HouseholdEvent.objects.filter(
                aggregate_id=offer.application.household_id, at__gte=since
            ).update(at=when)
            UnitEvent.objects.filter(aggregate_id=offer.unit_id, at__gte=since).update(at=when)
        self.lapsing.clear()

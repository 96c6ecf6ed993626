"""The demo's past: the services stamp today, so the timeline events a step of the demo
writes are moved afterwards to the day it took place (dates of the past only)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

from mehman.housing.models import FacilityEvent, UnitEvent, WorkOrderEvent
from mehman.partners.models import OrganisationEvent
from mehman.registry.models import HouseholdEvent

SEED = 1408

# The timelines the housing services write on (units, facilities, works, households, donors).
TIMELINES = (UnitEvent, FacilityEvent, WorkOrderEvent, HouseholdEvent, OrganisationEvent)


def moment(rng: random.Random, day: date) -> datetime:
    """A moment of office hours on ``day``."""
    minute = rng.randrange(8 * 60, 14 * 60)
    return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))


@contextmanager
def dated(when: datetime) -> Iterator[None]:
    """The timeline events written inside the block took place at ``when``."""
    since = timezone.now()
    yield
    for model in TIMELINES:
        model.objects.filter(at__gte=since).update(at=when)

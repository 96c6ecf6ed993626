"""Condition surveys of the demo site: every home and facility with a work order was
surveyed before the order was opened, and most other built homes and facilities over the
last 18 months, some twice. Each checklist is rated item by item as the place's condition
has it (older blocks worse, the homes not habitable worst), so the scores spread from
about 20 to 100; the surveyor's remark names the worst items.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from mehman.demo.housing.past import moment
from mehman.demo.housing.site import age_of
from mehman.housing import checklists
from mehman.housing import services as housing
from mehman.housing.models import (
    Facility,
    FacilityEvent,
    FacilityKind,
    Survey,
    Unit,
    UnitEvent,
    UnitState,
)

SURVEY_DAYS = 540  # the last 18 months
SURVEYED = 0.66  # of the built units
SURVEYED_AGAIN = 0.1
FACILITIES_SKIPPED = 0.12
# How good a block's houses are, on average and how much they vary (0 to 1).
QUALITY = {"old": (0.5, 0.18), "middle": (0.68, 0.15), "new": (0.85, 0.1)}
NOT_HABITABLE_QUALITY = (0.27, 0.05)
SHARED = (FacilityKind.TOILET, FacilityKind.SHOWER)  # closed from inside: privacy is rated

UNIT_NOTES = {
    "roof": "سقف در بارندگی چکه می‌کند",
    "walls": "دیوارها ترک دارند",
    "damp": "اتاق‌ها نم و کپک دارند",
    "doors_windows": "در و پنجره‌ها بسته نمی‌شوند",
    "floor": "کف شکسته و ناهموار است",
    "insulation": "سقف و دیوارها عایق ندارند",
    "heating": "دودکش بخاری ایمن نیست",
    "electricity": "سیم‌کشی فرسوده و خطرناک است",
    "water": "شیر و لوله‌کشی آب خراب است",
    "toilet": "سرویس بهداشتی خراب است",
    "access": "پله‌های ورودی شکسته است",
}
FACILITY_NOTES = {
    "structure": "سازه آسیب دیده است",
    "function": "درست کار نمی‌کند",
    "hygiene": "تمیز نیست و صابون ندارد",
    "privacy": "در از داخل قفل نمی‌شود",
    "lighting": "شب‌ها روشنایی ندارد",
    "access": "راه رسیدن به آن ناهموار است",
    "drainage": "آب‌رو گرفته است",
}


@dataclass(frozen=True)
class Visit:
    """A surveyor's visit: when, to what, and how good the place is (0 to 1)."""

    day: date
    subject: Unit | Facility
    quality: float


def quality_of(rng: random.Random, unit: Unit) -> float:
    """How good a home is, as its block's age and its state have it."""
    mean, spread = QUALITY[age_of(int(unit.block.code))]
    if unit.state == UnitState.UNINHABITABLE:
        mean, spread = NOT_HABITABLE_QUALITY
    return min(0.99, max(0.2, rng.gauss(mean, spread)))


def _ratings(rng: random.Random, quality: float, subject: Unit | Facility) -> dict[str, str]:
    """Each item good, fair or poor as the place's quality has it; a home without its own tap
    or toilet, or a facility nobody closes from inside, has nothing to rate there."""
    ratings = {}
    if isinstance(subject, Unit):
        items = checklists.items_for(unit=True)
        missing = {"water"} if not subject.own_tap else set()
        missing |= {"toilet"} if not subject.own_toilet else set()
    else:
        items = checklists.items_for(unit=False)
        missing = {"privacy"} if subject.kind not in SHARED else set()
    for item in items:
        if item.code in missing:
            ratings[item.code] = "na"
            continue
        draw = rng.random()
        if draw < quality**2:
            ratings[item.code] = "good"
        elif draw < quality**2 + 2 * quality * (1 - quality):
            ratings[item.code] = "fair"
        else:
            ratings[item.code] = "poor"
    return ratings


def _remark(ratings: dict[str, str], notes: dict[str, str]) -> str:
    poor = [notes[code] for code, rating in ratings.items() if rating == "poor" and code in notes]
    return "؛ ".join(poor[:3]) + "." if poor else ""


def survey_site(
    *,
    rng: random.Random,
    today: date,
    by: Any,
    units: Sequence[Unit],
    facilities: Sequence[Facility],
    first: Sequence[Visit],
) -> tuple[list[Survey], int]:
    """Record the ``first`` visits (of homes and facilities about to get a work order) and
    the settlement's other surveys, each on its day. Returns the surveys of the ``first``
    visits, in their order, and how many surveys were recorded in all."""
    visits: list[tuple[Visit, int | None]] = [(v, n) for n, v in enumerate(first)]
    seen = {(type(v.subject).__name__, v.subject.pk) for v in first}
    built = [u for u in units if u.state != UnitState.PLANNED and ("Unit", u.pk) not in seen]
    share = max(0, round(SURVEYED * (len(built) + len(seen))) - len(seen))
    for unit in rng.sample(built, k=min(share, len(built))):
        quality = quality_of(rng, unit)
        day = today - timedelta(days=rng.randint(1, SURVEY_DAYS))
        visits.append((Visit(day, unit, quality), None))
        if rng.random() < SURVEYED_AGAIN:
            again = today - timedelta(days=rng.randint(1, 120))
            visits.append((Visit(again, unit, min(0.99, quality + 0.05)), None))
    for facility in facilities:
        if ("Facility", facility.pk) in seen or rng.random() < FACILITIES_SKIPPED:
            continue
        quality = 0.2 if not facility.in_service else rng.uniform(0.45, 0.95)
        day = today - timedelta(days=rng.randint(1, SURVEY_DAYS))
        visits.append((Visit(day, facility, quality), None))
    found: list[Survey | None] = [None] * len(first)
    made: dict[str, date] = {}
    since = timezone.now()
    for visit, number in sorted(visits, key=lambda v: (v[0].day, v[0].subject.reference)):
        subject = visit.subject
        ratings = _ratings(rng, visit.quality, subject)
        survey = housing.record_survey(
            by=by,
            ratings=ratings,
            unit=subject if isinstance(subject, Unit) else None,
            facility=subject if isinstance(subject, Facility) else None,
            surveyed_on=visit.day,
            note=_remark(ratings, UNIT_NOTES if isinstance(subject, Unit) else FACILITY_NOTES),
        )
        made[str(survey.uuid)] = visit.day
        if number is not None:
            found[number] = survey
    # Each survey's event on the timeline of its home or facility, on the day of the survey.
    unit_events = list(UnitEvent.objects.filter(at__gte=since, kind="housing.surveyed"))
    for event in unit_events:
        event.at = moment(rng, made[event.params["survey"]])
    UnitEvent.objects.bulk_update(unit_events, ["at"], batch_size=500)
    facility_events = list(FacilityEvent.objects.filter(at__gte=since, kind="housing.surveyed"))
    for facility_event in facility_events:
        facility_event.at = moment(rng, made[facility_event.params["survey"]])
    FacilityEvent.objects.bulk_update(facility_events, ["at"], batch_size=500)
    return [s for s in found if s is not None], len(made)

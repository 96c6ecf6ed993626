"""Families registered apart: waitlisted households of one family name linked in pairs and
threes, and some linked to a resident household of the same name (a grown son's family
applying to live near its parents), so that the batch allocation has family groups to keep
in one block.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from mehman.core.models import Settlement
from mehman.demo.housing.past import dated, moment
from mehman.intake.models import Application, ApplicationStatus
from mehman.registry import services as registry_services
from mehman.registry.models import Household, HouseholdStatus, Individual, Kinship

# For every 528 waitlisted applications (the full demo's waitlist).
WAITLIST = 528
LINKED_PAIRS = 30
LINKED_TRIPLES = 15
LINKED_TO_RESIDENTS = 20
KINSHIPS = ((Kinship.SIBLINGS, 5), (Kinship.PARENT_CHILD, 3), (Kinship.EXTENDED, 2))
LINK_NOTES = {
    Kinship.SIBLINGS: "سرپرستان دو خانوار برادرند.",
    Kinship.PARENT_CHILD: "خانوار پسر بزرگ خانواده، جدا ثبت شده است.",
    Kinship.EXTENDED: "خویشاوندان نزدیک؛ می‌خواهند نزدیک هم زندگی کنند.",
}


def link_families(settlement: Settlement, *, rng: random.Random, today: date, by: Any) -> int:
    """Link the waitlist's families and some of their relatives among the residents, each on
    a day of the last year or so. Returns the number of links made."""
    waiting = list(
        Application.objects.filter(settlement=settlement, status=ApplicationStatus.WAITLISTED)
        .select_related("household__head")
        .order_by("rank", "id")
    )
    applicants = [a.household for a in waiting]
    if not applicants:
        return 0
    share = len(applicants) / WAITLIST
    by_name: dict[str, list[Household]] = defaultdict(list)
    for household in applicants:
        name = _family_name(household.head)
        if name:
            by_name[name].append(household)
    names = sorted(by_name)
    rng.shuffle(names)
    pairs, triples = round(LINKED_PAIRS * share), round(LINKED_TRIPLES * share)
    groups: list[list[Household]] = []
    used: set[int] = set()
    for name in names:
        if not pairs and not triples:
            break
        members = by_name[name]
        size = 3 if triples and len(members) >= 3 else 2 if pairs and len(members) >= 2 else 0
        if not size:
            continue
        group = rng.sample(members, k=size)
        used.update(h.pk for h in group)
        groups.append(group)
        if size == 3:
            triples -= 1
        else:
            pairs -= 1
    made = 0
    for group in groups:
        kinship = rng.choices([k for k, _w in KINSHIPS], weights=[w for _k, w in KINSHIPS])[0]
        for first, second in itertools.pairwise(group):
            made += _link(rng, today, by, first, second, kinship)
    relatives: dict[str, list[Household]] = defaultdict(list)
    for household in (
        Household.objects.filter(settlement=settlement, status=HouseholdStatus.RESIDENT)
        .select_related("head")
        .order_by("reference")
    ):
        name = _family_name(household.head)
        if name:
            relatives[name].append(household)
    wanted = round(LINKED_TO_RESIDENTS * share)
    for household in applicants:
        if wanted <= 0:
            break
        parents = relatives.get(_family_name(household.head), [])
        if household.pk in used or not parents:
            continue
        used.add(household.pk)
        made += _link(rng, today, by, household, rng.choice(parents), Kinship.PARENT_CHILD)
        wanted -= 1
    return made


def _family_name(head: Individual | None) -> str:
    return head.family_name.strip() if head is not None else ""


def _link(
    rng: random.Random, today: date, by: Any, first: Household, second: Household, kinship: str
) -> int:
    day = today - timedelta(days=rng.randint(5, 400))
    try:
        with dated(moment(rng, day)):
            registry_services.link_households(
                household=first,
                other=second,
                kinship=kinship,
                by=by,
                note=LINK_NOTES[Kinship(kinship)],
            )
    except ValidationError:
        return 0
    return 1

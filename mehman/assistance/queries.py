"""Composite reads: who each activity reached, by sex and age bracket.

Reach is counted from deliveries (each household once per activity, with its
members as they were on the first delivery) and attendance (each person once per
activity, unless their household was already counted through a delivery).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from mehman.assistance.models import Attendance, Delivery
from mehman.partners.models import BRACKET_TAGS

PEOPLE_KEYS: tuple[str, ...] = tuple(
    f"{sex}_{tag}" for sex in ("f", "m") for tag in (*BRACKET_TAGS.values(), "unknown")
)


@dataclass
class Reach:
    households: int = 0
    people: dict[str, int] = field(default_factory=dict)

    @property
    def individuals(self) -> int:
        return sum(self.people.values())

    def count(self, key: str) -> int:
        return self.people.get(key, 0)

    def add(self, counts: dict[str, int]) -> None:
        for key, number in counts.items():
            self.people[key] = self.people.get(key, 0) + int(number)

    @property
    def female(self) -> int:
        return sum(n for k, n in self.people.items() if k.startswith("f_"))

    @property
    def male(self) -> int:
        return sum(n for k, n in self.people.items() if k.startswith("m_"))


def activity_reach(activity_ids: Iterable[int]) -> dict[int, Reach]:
    """Reach of each activity, in two queries whatever the number of activities.

    Reads rows without a user scope: callers pass activities already scoped to the
    user, and only counts leave this function.
    """
    ids = list(activity_ids)
    reach: dict[int, Reach] = {pk: Reach() for pk in ids}
    if not ids:
        return reach
    counted: dict[int, set[int]] = defaultdict(set)
    rows = (
        Delivery.objects.filter(activity_id__in=ids)
        .order_by("activity_id", "household_id", "delivered_on", "id")
        .values_list("activity_id", "household_id", "reached")
    )
    for activity_id, household_id, reached in rows:
        if household_id in counted[activity_id]:
            continue
        counted[activity_id].add(household_id)
        reach[activity_id].households += 1
        reach[activity_id].add(reached or {})
    seen: dict[int, set[int]] = defaultdict(set)
    attendance = (
        Attendance.objects.filter(activity_id__in=ids)
        .order_by("activity_id", "person_id", "attended_on")
        .values_list("activity_id", "person_id", "person__household_id", "sex", "bracket")
    )
    for activity_id, person_id, household_id, sex, bracket in attendance:
        if person_id in seen[activity_id] or household_id in counted[activity_id]:
            continue
        seen[activity_id].add(person_id)
        reach[activity_id].add({f"{sex.lower()}_{bracket}": 1})
    for activity_id, households in _attending_households(ids).items():
        reach[activity_id].households += len(households - counted[activity_id])
    return reach


def _attending_households(ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for activity_id, household_id in (
        Attendance.objects.filter(activity_id__in=ids)
        .values_list("activity_id", "person__household_id")
        .distinct()
    ):
        found[activity_id].add(household_id)
    return found

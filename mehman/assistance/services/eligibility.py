"""Who a household counts as: its members by sex and age bracket on a day, and
whether it fits a donor's restriction."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from mehman.core import dates
from mehman.partners.models import BRACKET_TAGS, HouseholdCriterion, Pledge
from mehman.registry.models import (
    Household,
    Individual,
    IndividualStatus,
    MaritalStatus,
    SpecificNeed,
)


def _members_on(household: Household, day: date) -> list[Individual]:
    """Members living in the household on the day (born by then, not died before)."""
    members = household.members.filter(
        Q(status=IndividualStatus.ACTIVE) | Q(died_on__gte=day)
    ).exclude(birth_date__gt=day)
    return list(members)


def reach_key(sex: str, bracket: str) -> str:
    """The 5W key of a person: ``f_age0_4``, ``m_age60plus`` or ``x_unknown``."""
    tag = BRACKET_TAGS.get(bracket, "unknown")
    return f"{(sex or 'x').lower()}_{tag}"


def person_key(person: Individual, day: date) -> str:
    age = person.age_on(day) if person.birth_date and person.birth_date <= day else None
    return reach_key(person.sex, dates.age_bracket(age))


def reached_in(household: Household, day: date) -> dict[str, int]:
    """The household's members on the day, counted by sex and age bracket."""
    counts: dict[str, int] = {}
    for person in _members_on(household, day):
        key = person_key(person, day)
        counts[key] = counts.get(key, 0) + 1
    return counts


def meets_restriction(household: Household, pledge: Pledge, day: date) -> bool:
    """Whether the household is one the donor allowed (no restriction: every household)."""
    criterion = pledge.restricted_to
    if not criterion:
        return True
    members = _members_on(household, day)
    head = household.head
    if criterion == HouseholdCriterion.FEMALE_HEAD:
        return head is not None and head.sex == "F"
    if criterion == HouseholdCriterion.WIDOW_HEAD:
        return head is not None and head.sex == "F" and head.marital_status == MaritalStatus.WIDOWED
    if criterion == HouseholdCriterion.CHILD_UNDER_5:
        return any((m.age_on(day) or 0) <= 4 for m in members if m.birth_date)
    if criterion == HouseholdCriterion.OLDER_PERSON:
        return any((m.age_on(day) or 0) >= 60 for m in members if m.birth_date)
    if criterion == HouseholdCriterion.DISABILITY:
        return any(m.has_disability for m in members)
    if criterion == HouseholdCriterion.SPECIFIC_NEED:
        code = pledge.restricted_need
        return (
            SpecificNeed.objects.open()
            .filter(individual__in=[m.pk for m in members])
            .filter(Q(code__code=code) | Q(code__parent__code=code))
            .exists()
        )
    return False

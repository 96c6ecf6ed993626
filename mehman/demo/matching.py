"""The demo settlement's duplicate records, and the review queue a run fills with them.

A few registrations a clerk really makes twice, entered through the registry's services as a
clerk would: an applicant family registered a second time (Arabic letters from another
keyboard, compound names run together, an honorific, adults' birth years only, the head's
work permit with one digit mistyped); a resident registered again from a UNHCR list, in Latin
letters only; and, as hard cases that are not duplicates, twin brothers with their own
household (same birth date, father and family name: never proposed) and a cousin who shares
a young man's name, father's name and birth year. Then a manager's run compares the whole
registry, and a reviewer has already judged the cousins different people (remembered: never
proposed again). The other pairs are left open for the reviewer.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.matching import services as matching_services
from mehman.matching.models import MatchPair, MatchRun
from mehman.registry import services as registry_services
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    Relationship,
)

SEED = 1410
ZWNJ = "\u200c"
# What a second clerk's keyboard and habits do to a name.
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
COUSIN_NOTE = "پسرعمو هستند: مادر، تلفن و کارت متفاوت؛ هر دو در جلسه حاضر شدند."

TWINS = (
    {"given_name": "سهراب", "sex": "M"},
    {"given_name": "رستم", "sex": "M"},
)


def load_matching(settlement: Settlement, *, manager: Any, clerk: Any) -> dict[str, int]:
    """Plant the second registrations and run the duplicate search once; a settlement that
    has had a run is left alone."""
    if MatchRun.objects.filter(settlement=settlement).exists():
        return {"pairs": 0}
    rng = random.Random(SEED)
    current = (
        Individual.objects.filter(household__settlement=settlement, status=IndividualStatus.ACTIVE)
        .select_related("household")
        .order_by("pk")
    )
    used: set[int] = set()
    family = _family_again(settlement, current, rng, clerk, used)
    latin = _latin_again(settlement, current, rng, clerk, used)
    _twins(settlement, clerk)
    cousin = _cousin(settlement, current, rng, clerk, used)
    run = matching_services.execute_run(
        matching_services.start_run(settlement=settlement, by=manager, enqueue=False)
    )
    if cousin is not None:
        pair = MatchPair.objects.filter(first=cousin[0], second=cousin[1]).first()
        if pair is not None:
            matching_services.reject_pair(pair=pair, by=manager, note=COUSIN_NOTE)
    return {"pairs": run.proposed, "planted": family + latin + (2 if cousin else 0)}


# --- How a second clerk types -------------------------------------------------------------


def _retyped(text: str, rng: random.Random) -> str:
    """Arabic ي and ك, compound names run together or split by a zero-width non-joiner."""
    if not text:
        return text
    out = text.translate(ARABIC_LETTERS)
    if " " in out and rng.random() < 0.7:
        out = out.replace(" ", "" if rng.random() < 0.5 else ZWNJ)
    elif ZWNJ in out:
        out = out.replace(ZWNJ, "")
    return out


def _year_only(person: Individual) -> dict[str, Any]:
    """The birth year only (the Jalali year the person gave), as the wizard records it."""
    if person.birth_date is None:
        return {"birth_date": None, "birth_date_estimated": False}
    year = int(dates.to_jalali(person.birth_date).year)
    return {"birth_date": dates.midyear(year), "birth_date_estimated": True}


def _copy(person: Individual, rng: random.Random, *, adult_year_only: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": _retyped(person.given_name, rng),
        "family_name": _retyped(person.family_name, rng),
        "father_name": _retyped(person.father_name, rng),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_date_estimated": person.birth_date_estimated,
        "relationship": person.relationship,
        "marital_status": person.marital_status,
        "education": person.education,
    }
    adult = (person.age or 0) >= 18
    if adult and adult_year_only:
        data.update(_year_only(person))
    return data


def _one_digit_off(number: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(number) if ch.isdigit()]
    if not positions:
        return number + "1"
    i = rng.choice(positions)
    return number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1 :]


def _registered_on(rng: random.Random) -> date:
    return dates.today() - timedelta(days=rng.randint(5, 60))


# --- The plants ---------------------------------------------------------------------------


def _family_again(
    settlement: Settlement, current: Any, rng: random.Random, clerk: Any, used: set[int]
) -> int:
    """An applicant family registered a second time, by another clerk."""
    candidates = list(
        Household.objects.filter(
            settlement=settlement, status=HouseholdStatus.APPLICANT, size__range=(4, 6)
        )
        .exclude(head=None)
        .order_by("reference")[:200]
    )
    if not candidates:
        return 0
    original = rng.choice(candidates)
    members = list(original.active_members().order_by("pk"))
    head = next((m for m in members if m.pk == original.head_id), members[0])
    ordered = [head, *(m for m in members if m.pk != head.pk)]
    rows = [_copy(person, rng, adult_year_only=True) for person in ordered]
    if rows[0]["father_name"]:
        rows[0]["father_name"] = "حاجی " + rows[0]["father_name"]
    documents: dict[int, list[dict[str, Any]]] = {}
    card = (
        IdentityDocument.objects.filter(individual=head)
        .exclude(doc_type__in=SHARED_DOCUMENT_TYPES)
        .order_by("-created_at")
        .first()
    )
    if card is not None:
        documents[0] = [
            {"doc_type": card.doc_type, "number_typed": _one_digit_off(card.number_typed, rng)}
        ]
    registry_services.register_household(
        settlement=settlement,
        members=rows,
        by=clerk,
        status=HouseholdStatus.APPLICANT,
        registered_on=_registered_on(rng),
        phone=original.phone,
        consent_given=True,
        documents=documents,
    )
    used.update(m.pk for m in members)
    return len(rows)


def _latin_again(
    settlement: Settlement, current: Any, rng: random.Random, clerk: Any, used: set[int]
) -> int:
    """A resident registered again from a UNHCR list: Latin letters only, the birth year only."""
    people = [
        p
        for p in current.filter(
            household__status=HouseholdStatus.RESIDENT,
            birth_date__lt=date(dates.today().year - 20, 1, 1),
        )
        .exclude(given_name_latin="")
        .exclude(family_name_latin="")[:300]
        if p.pk not in used
    ]
    if not people:
        return 0
    person = rng.choice(people)
    latin = {
        "given_name": person.given_name_latin,
        "family_name": person.family_name_latin,
        "given_name_latin": person.given_name_latin,
        "family_name_latin": person.family_name_latin,
        "sex": person.sex,
        "relationship": Relationship.HEAD,
        "marital_status": person.marital_status,
        "phone": person.phone,
        **_year_only(person),
    }
    registry_services.register_household(
        settlement=settlement,
        members=[latin],
        by=clerk,
        status=HouseholdStatus.APPLICANT,
        registered_on=_registered_on(rng),
        consent_given=True,
    )
    used.add(person.pk)
    return 1


def _twins(settlement: Settlement, clerk: Any) -> None:
    """Twin brothers and their parents: everything alike but the boys' given names."""
    born = date(dates.today().year - 9, 4, 14)
    family = {"family_name": "بامیانی", "father_name": "جمشید", "birth_date": born}
    twins = [
        {
            **family,
            **twin,
            "relationship": Relationship.SON,
            "marital_status": "single",
            "birth_date_estimated": False,
        }
        for twin in TWINS
    ]
    registry_services.register_household(
        settlement=settlement,
        members=[
            {
                "given_name": "جمشید",
                "family_name": "بامیانی",
                "father_name": "اسفندیار",
                "sex": "M",
                "birth_date": dates.midyear(1359),
                "birth_date_estimated": True,
                "relationship": Relationship.HEAD,
                "marital_status": "married",
            },
            {
                "given_name": "گلالی",
                "family_name": "بامیانی",
                "father_name": "نورالدین",
                "sex": "F",
                "birth_date": dates.midyear(1366),
                "birth_date_estimated": True,
                "relationship": Relationship.SPOUSE,
                "marital_status": "married",
            },
            *twins,
        ],
        by=clerk,
        status=HouseholdStatus.APPLICANT,
        registered_on=dates.today() - timedelta(days=20),
        consent_given=True,
    )


def _cousin(
    settlement: Settlement, current: Any, rng: random.Random, clerk: Any, used: set[int]
) -> tuple[Individual, Individual] | None:
    """A young man's cousin with his name, his father's name and his birth year: a namesake."""
    young = [
        p
        for p in current.filter(
            sex="M",
            relationship=Relationship.SON,
            birth_date__range=(
                date(dates.today().year - 30, 1, 1),
                date(dates.today().year - 18, 12, 31),
            ),
        )
        .exclude(family_name="")
        .exclude(father_name="")[:300]
        if p.pk not in used
    ]
    if not young:
        return None
    person = rng.choice(young)
    household = registry_services.register_household(
        settlement=settlement,
        members=[
            {
                "given_name": person.given_name,
                "family_name": person.family_name,
                "father_name": person.father_name,
                "sex": "M",
                "relationship": Relationship.HEAD,
                "marital_status": "single",
                **_year_only(person),
            }
        ],
        by=clerk,
        status=HouseholdStatus.APPLICANT,
        registered_on=_registered_on(rng),
        consent_given=True,
    )
    used.add(person.pk)
    return person, household.members.get()

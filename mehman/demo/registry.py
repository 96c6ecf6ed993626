"""The demo settlement's registry: residents, applicants, documents, needs and life events.

Torbat-e Jam scale (DESIGN.md): about 1,000 resident households living in the
settlement's blocks and about 650 applicant households. The population comes
from the synthetic generator, is written to a CSV file and loaded through the
real import service, exactly as a directorate file would be; then a few
hundred everyday events (needs, births, deaths, a marriage, a split, case
notes) go through the same services the pages call, so timelines look lived in.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mehman.core import dates
from mehman.core.digits import to_persian
from mehman.core.models import Settlement
from mehman.demo.people import FIELDS, generate, to_rows
from mehman.registry import services
from mehman.registry.imports import import_households
from mehman.registry.models import (
    Household,
    HouseholdStatus,
    Individual,
    IndividualStatus,
    Relationship,
    Sex,
)

RESIDENTS = 1000
APPLICANTS = 650
BLOCKS = 24
SEED = 1405

# Non-protected needs, roughly as common as in a settlement's caseload.
NEEDS = (
    ("DS-PM", 8),
    ("DS-PS", 2),
    ("DS-BD", 3),
    ("DS-DF", 2),
    ("ER-NF", 5),
    ("ER-FR", 3),
    ("WR-SF", 5),
    ("SP-PT", 6),
    ("CR-SE", 3),
    ("CR-NE", 4),
    ("PG", 4),
)
# Protected needs (SM, SV, LP): only protection staff see which they are.
PROTECTED_NEEDS = (("SM-CI", 6), ("SM-MI", 2), ("LP-ND", 3), ("SV-FM", 1))

EXTRA_COLUMNS = (
    "status",
    "registered_on",
    "block",
    "address",
    "consent",
    "document_type",
    "document_number",
    "document_expiry",
)


def _rows(rng: random.Random, today: date) -> Iterator[dict[str, str]]:
    residents = generate(RESIDENTS, seed=SEED, settlement_code="TJ")
    applicants = generate(APPLICANTS, seed=SEED + 1, settlement_code="TJ", start_serial=50_001)
    for status, households in (
        (HouseholdStatus.RESIDENT, residents),
        (HouseholdStatus.APPLICANT, applicants),
    ):
        for household in households:
            if status == HouseholdStatus.RESIDENT:
                block = str(rng.randint(1, BLOCKS))
                # Typed by a clerk: Persian digits in the address.
                address = to_persian(
                    f"بلوک {block}، کوچه {rng.randint(1, 12)}، پلاک {rng.randint(1, 40)}"
                )
                registered = today - timedelta(days=rng.randint(400, 9000))
            else:
                block, address = "", ""
                registered = today - timedelta(days=rng.randint(1, 700))
            for row in to_rows([household]):
                extra = {
                    "status": str(status),
                    "registered_on": registered.isoformat(),
                    "block": block,
                    "address": address,
                    "consent": "1",
                    "document_type": "",
                    "document_number": "",
                    "document_expiry": "",
                }
                adult = row["birth_date"] < f"{today.year - 18}"
                if adult and row["sex"] == "M" and rng.random() < 0.35:
                    extra["document_type"] = "work_permit"
                    extra["document_number"] = f"WP{rng.randrange(10**7, 10**8)}"
                    expiry = today + timedelta(days=rng.randint(-60, 420))
                    extra["document_expiry"] = expiry.isoformat()
                yield row | extra


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    codes = [code for code, _weight in table]
    weights = [weight for _code, weight in table]
    return rng.choices(codes, weights=weights)[0]


def load_registry(settlement: Settlement, *, by: Any, caseworker: Any) -> dict[str, int]:
    """Fill the settlement's registry once; a settlement that has households is left alone."""
    if Household.objects.filter(settlement=settlement).exists():
        return {"households": 0}
    rng = random.Random(SEED)
    today = dates.today()
    with tempfile.TemporaryDirectory(prefix="mehman-demo-") as tmp:
        path = Path(tmp) / "registry.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*FIELDS, *EXTRA_COLUMNS])
            writer.writeheader()
            writer.writerows(_rows(rng, today))
        result, _report = import_households(path=path, settlement=settlement, by=by, source="demo")
    _everyday_life(settlement, rng, today, by=by, caseworker=caseworker)
    return {"households": result.households, "individuals": result.individuals}


def _everyday_life(
    settlement: Settlement, rng: random.Random, today: date, *, by: Any, caseworker: Any
) -> None:
    households = list(
        Household.objects.filter(settlement=settlement).order_by("reference").select_related("head")
    )
    people = list(
        Individual.objects.filter(household__settlement=settlement).order_by("household_id", "id")
    )
    for person in rng.sample(people, k=len(people) // 14):
        code = _weighted(rng, NEEDS)
        services.record_need(
            person=person,
            code=code,
            by=by,
            recorded_on=today - timedelta(days=rng.randint(0, 900)),
        )
    for person in rng.sample(people, k=len(people) // 60):
        services.record_need(
            person=person,
            code=_weighted(rng, PROTECTED_NEEDS),
            by=caseworker,
            recorded_on=today - timedelta(days=rng.randint(0, 600)),
        )
    residents = [h for h in households if h.status == HouseholdStatus.RESIDENT]
    couples = []
    for household in rng.sample(residents, k=60):
        mothers = household.members.filter(
            relationship__in=[Relationship.HEAD, Relationship.SPOUSE],
            sex=Sex.FEMALE,
            status=IndividualStatus.ACTIVE,
        )
        fathers = household.members.filter(
            relationship__in=[Relationship.HEAD, Relationship.SPOUSE],
            sex=Sex.MALE,
            status=IndividualStatus.ACTIVE,
        )
        mother, father = mothers.first(), fathers.first()
        if mother is not None and father is not None and mother.age and mother.age < 42:
            couples.append((household, mother, father))
    for household, mother, father in couples[:25]:
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        services.record_birth(
            household=household,
            by=by,
            given_name=rng.choice(
                ["آرش", "یاسین", "امید"] if sex == Sex.MALE else ["ریحانه", "ستایش", "نازنین"]
            ),
            sex=sex,
            birth_date=today - timedelta(days=rng.randint(5, 300)),
            mother=mother,
            father=father,
        )
    elders = [p for p in people if p.age and p.age >= 70 and p.relationship != Relationship.HEAD]
    for person in rng.sample(elders, k=min(8, len(elders))):
        services.record_death(
            person=person, died_on=today - timedelta(days=rng.randint(10, 500)), by=by
        )
    for household in rng.sample(residents, k=12):
        services.add_case_note(
            household=household,
            body=rng.choice(
                [
                    "پیگیری وضعیت درمان سرپرست خانوار با درمانگاه مهمانشهر هماهنگ شد.",
                    "خانوار برای مشاوره حقوقی درباره تمدید مدارک معرفی شد.",
                    "بازدید منزل انجام شد؛ نیاز به پیگیری ماهانه دارد.",
                ]
            ),
            by=caseworker,
        )

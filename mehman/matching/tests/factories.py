"""Matching test data: households registered through the registry's services (so the search keys,
skeletons, documents, events and history exist), pairs made through matching's services.

The people: the Rahimi family on file (with Latin names and an Amayesh card), the Nouri
family with twin boys, and a few unrelated households so that names have frequencies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.services import record_registration_decision
from mehman.registry import duplicates
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Household, Individual, Relationship
from mehman.registry.tests import factories as registry_factories

# The Rahimi head's Amayesh card, typed with Persian digits and a dash.
RAHIMI_CARD = "۷۷۱-۲۳۴۵۶۷۸"
# 1365/04/12 in the Jalali calendar.
RAHIMI_BORN = date(1986, 7, 3)
TWINS_BORN = date(2012, 5, 1)


def member(**fields: Any) -> dict[str, Any]:
    """A member as the registration wizard cleans it (``INDIVIDUAL_FIELDS``)."""
    data: dict[str, Any] = {
        "given_name": "علی",
        "family_name": "",
        "father_name": "",
        "sex": "M",
        "birth_date": None,
        "birth_date_estimated": False,
        "relationship": Relationship.HEAD,
        "marital_status": "married",
    }
    data.update(fields)
    return data


def register(
    settlement: Any,
    *members: dict[str, Any],
    by: Any = None,
    documents: dict[int, list[dict[str, Any]]] | None = None,
    **kwargs: Any,
) -> Household:
    return registry_services.register_household(
        settlement=settlement, members=list(members), by=by, documents=documents, **kwargs
    )


def people(household: Household) -> list[Individual]:
    return list(household.members.order_by("pk"))


def rahimi(settlement: Any, by: Any = None) -> Household:
    """محمد حسین رحیمی (Latin names, Amayesh card), his wife and their daughter."""
    return register(
        settlement,
        member(
            given_name="محمد حسین",
            family_name="رحیمی",
            father_name="غلام سخی",
            given_name_latin="Mohammad Hussain",
            family_name_latin="Rahimi",
            birth_date=RAHIMI_BORN,
            phone="0915 123 4567",
        ),
        member(
            given_name="فاطمه",
            family_name="احمدی",
            father_name="عبدالله",
            sex="F",
            birth_date=date(1990, 3, 21),
            relationship=Relationship.SPOUSE,
        ),
        member(
            given_name="زهرا",
            family_name="رحیمی",
            father_name="محمد حسین",
            sex="F",
            birth_date=date(2015, 6, 1),
            relationship=Relationship.DAUGHTER,
            marital_status="single",
        ),
        by=by,
        documents={0: [{"doc_type": DocumentType.AMAYESH, "number_typed": RAHIMI_CARD}]},
    )


def nouri(settlement: Any, by: Any = None) -> Household:
    """Ahmad Nouri's family with twin boys, علی and رضا, born the same day."""
    twin = {
        "family_name": "نوری",
        "father_name": "احمد",
        "birth_date": TWINS_BORN,
        "relationship": Relationship.SON,
        "marital_status": "single",
    }
    return register(
        settlement,
        member(
            given_name="احمد", family_name="نوری", father_name="کریم", birth_date=date(1980, 1, 1)
        ),
        member(given_name="علی", **twin),
        member(given_name="رضا", **twin),
        by=by,
    )


def neighbours(settlement: Any, by: Any = None) -> list[Household]:
    """Unrelated households (common names, so that frequencies mean something)."""
    rows = [
        ("محمد", "حیدری", "علی", date(1975, 3, 1)),
        ("علی", "حیدری", "محمد", date(2001, 8, 9)),
        ("حسن", "صالحی", "رضا", date(1988, 11, 2)),
        ("محمود", "", "حبیب", date(1969, 1, 1)),
        ("عبدالله", "کریمی", "نور محمد", date(1992, 4, 4)),
        ("جواد", "", "محمد", date(1999, 12, 30)),
    ]
    return [
        register(
            settlement,
            member(given_name=given, family_name=family, father_name=father, birth_date=born),
            by=by,
        )
        for given, family, father, born in rows
    ]


def registry(settlement: Any, by: Any = None) -> dict[str, Household]:
    return {
        "rahimi": rahimi(settlement, by),
        "nouri": nouri(settlement, by),
        **{f"n{i}": h for i, h in enumerate(neighbours(settlement, by))},
    }


def flagged(on_file: Individual, registered: Individual, by: Any) -> MatchPair:
    """The pair a clerk flags for review while registering ``registered``."""
    record_registration_decision(registered, on_file, duplicates.REVIEW, None, by)
    first, second = sorted((on_file.pk, registered.pk))
    return MatchPair.objects.get(first_id=first, second_id=second)


# --- Pairs and runs as matching's services leave them (the pages, the API, the access matrix
# and the browser test read them) ----------------------------------------------------------

# The engine's evidence for a man on file as «محمدعلی» and registered again as «علی».
EVIDENCE = [
    {"field": "given", "level": "core", "weight": 3.1},
    {"field": "father", "level": "exact", "weight": 6.4},
    {"field": "family", "level": "null", "weight": 0.0},
    {"field": "birth_date", "level": "year_estimated", "weight": 2.2},
    {"field": "document", "level": "null", "weight": 0.0},
    {"field": "phone", "level": "else", "weight": -1.5},
    {"field": "sex", "level": "exact", "weight": 0.3},
]


def person(settlement: Any, by: Any, **fields: Any) -> Individual:
    """A person alone in a household of their own (a merge may close it)."""
    household = registry_factories.household(
        settlement, by=by, members=[registry_factories.member(**fields)]
    )
    head = household.head
    assert head is not None
    return head


def pair_of(
    settlement: Any,
    by: Any,
    *,
    probability: float = 0.97,
    first: Individual | None = None,
    second: Individual | None = None,
    cluster: int | None = None,
    status: str = PairStatus.OPEN,
    source: str = PairSource.RUN,
) -> MatchPair:
    """An open pair as a run writes it: the person registered first is ``first``."""
    kept = first or person(
        settlement,
        by,
        given_name="محمدعلی",
        father_name="غلامرضا",
        family_name="",
        given_name_latin="Mohammad Ali",
        birth_date=date(1988, 3, 21),
        birth_date_estimated=False,
    )
    duplicate = second or person(
        settlement,
        by,
        given_name="علی",
        father_name="غلامرضا",
        family_name="",
        given_name_latin="Ali",
        birth_date=date(1988, 1, 1),
        birth_date_estimated=True,
        phone="0915 123 4567",
    )
    return MatchPair.objects.create(
        first=kept,
        second=duplicate,
        probability=probability,
        weight=10.5,
        evidence=EVIDENCE,
        cluster=cluster if cluster is not None else kept.pk,
        status=status,
        source=source,
    )


def run_of(settlement: Any, by: Any, *, status: str = RunStatus.DONE) -> MatchRun:
    """A run as the task leaves it (the figures are the run's own)."""
    now = timezone.now()
    serial = MatchRun.objects.count() + 9001
    return MatchRun.objects.create(
        reference=f"{settlement.code}-M{serial:04d}",
        settlement=settlement,
        status=status,
        model_version="test",
        people=1234,
        candidates=5678,
        proposed=12,
        skipped_rejected=3,
        started_by=by,
        started_at=now,
        finished_at=now if status in (RunStatus.DONE, RunStatus.FAILED) else None,
    )

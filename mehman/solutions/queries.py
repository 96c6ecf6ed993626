"""Composite reads of durable solutions: overdue referrals per settlement and partner, the
caseload by pathway and stage, and the time from a case's opening to its exit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from django.db.models import Count, F, QuerySet

from mehman.assistance.models import OPEN_REFERRAL
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.partners.models import Organisation
from mehman.residence.models import Pathway
from mehman.solutions.models import CaseReferral, CaseStage, SolutionsCase


def overdue_referrals(
    *,
    settlement: Settlement | int | None = None,
    organisation: Organisation | int | None = None,
    on: date | None = None,
    base: QuerySet[CaseReferral] | None = None,
) -> QuerySet[CaseReferral]:
    """Case referrals whose follow-up date has passed and that are not closed with an
    outcome (still awaiting the partner's answer, or accepted and open), oldest due first.

    ``base`` is the reader's scoped queryset (``CaseReferral.objects.for_user(user)``)."""
    day = on or dates.today()
    found = (base if base is not None else CaseReferral.objects.all()).filter(
        referral__status__in=OPEN_REFERRAL, referral__due_on__lt=day
    )
    if settlement is not None:
        found = found.filter(case__settlement=settlement)
    if organisation is not None:
        found = found.filter(referral__organisation=organisation)
    return found.select_related(
        "case__household", "referral__organisation", "referral__household"
    ).order_by("referral__due_on", "id")


@dataclass(frozen=True)
class PartnerOverdue:
    organisation_id: int
    name_fa: str
    name_en: str
    count: int


def overdue_by_organisation(
    *, settlement: Settlement | int, on: date | None = None
) -> list[PartnerOverdue]:
    """How many of a settlement's case referrals each partner has overdue, most first."""
    rows = (
        overdue_referrals(settlement=settlement, on=on)
        .order_by()
        .values("referral__organisation")
        .annotate(
            count=Count("id"),
            name_fa=F("referral__organisation__name_fa"),
            name_en=F("referral__organisation__name_en"),
        )
        .order_by("-count", "name_en")
    )
    return [
        PartnerOverdue(
            organisation_id=row["referral__organisation"],
            name_fa=row["name_fa"],
            name_en=row["name_en"],
            count=row["count"],
        )
        for row in rows
    ]


def caseload(cases: QuerySet[SolutionsCase]) -> dict[tuple[str, str], int]:
    """Open cases counted by (pathway, stage), for the board."""
    rows = (
        cases.open().order_by().values("pathway", "stage").annotate(count=Count("id"))  # type: ignore[attr-defined]
    )
    return {(row["pathway"], row["stage"]): row["count"] for row in rows}


@dataclass(frozen=True)
class TimeToSolution:
    pathway: str
    label: str
    count: int
    median_days: float | None


def time_to_solution(
    cases: QuerySet[SolutionsCase], *, since: date | None = None
) -> list[TimeToSolution]:
    """Per pathway, the cases that ended in an exit (since a day, if given), and the median
    number of days from the case's opening to the exit."""
    exited = cases.filter(stage=CaseStage.EXITED, exit__isnull=False)
    if since is not None:
        exited = exited.filter(exit__exit_on__gte=since)
    durations: dict[str, list[int]] = {}
    for pathway, opened_on, exit_on in exited.values_list("pathway", "opened_on", "exit__exit_on"):
        durations.setdefault(pathway, []).append((exit_on - opened_on).days)
    out = []
    for value, label in Pathway.choices:
        days = durations.get(value, [])
        if value == Pathway.UNDECIDED and not days:
            continue
        out.append(
            TimeToSolution(
                pathway=value,
                label=str(label),
                count=len(days),
                median_days=float(median(days)) if days else None,
            )
        )
    return out


def scoped_cases(user: Any, settlement: Settlement | int | None = None) -> QuerySet[SolutionsCase]:
    """The cases the user may read (of one settlement, if given)."""
    cases: QuerySet[SolutionsCase] = SolutionsCase.objects.for_user(user)
    if settlement is not None:
        cases = cases.filter(settlement=settlement)
    return cases

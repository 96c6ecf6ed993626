"""Composite reads of durable solutions: overdue referrals per settlement and partner, the
caseload by pathway and stage, the time from a case's opening to its exit, and what the list
of cases and the worklists show (read in bulk, so a page's queries do not grow with its rows)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from django.db.models import Count, F, Min, QuerySet

from mehman.assistance.models import OPEN_REFERRAL
from mehman.core import dates
from mehman.core.models import Settlement
from mehman.partners.models import Organisation
from mehman.residence.models import Pathway
from mehman.solutions.models import (
    EXIT_TYPES,
    Approval,
    CaseExit,
    CaseReferral,
    CaseStage,
    ExitFollowUp,
    Milestone,
    MilestoneStatus,
    ReadinessAssessment,
    ReadinessCriterion,
    SolutionsCase,
)
from mehman.solutions.services.readiness import score


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


# --- The list of cases, worklists and outcomes (pages) ---------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the list of cases shows beside each case, read in bulk."""

    readiness: int
    next_due: date | None
    milestone_overdue: bool
    referral_overdue: bool


def readiness_scores(cases: Iterable[SolutionsCase], on: date | None = None) -> dict[int, int]:
    """Each case's readiness for its pathway (0-100), in two queries however many cases."""
    wanted = list(cases)
    pathways = {case.pathway for case in wanted} - {Pathway.UNDECIDED}
    if not pathways:
        return dict.fromkeys((case.pk for case in wanted), 0)
    criteria: dict[str, list[ReadinessCriterion]] = {}
    for criterion in ReadinessCriterion.objects.active().filter(pathway__in=pathways):
        criteria.setdefault(criterion.pathway, []).append(criterion)
    assessments: dict[int, list[ReadinessAssessment]] = {}
    for row in ReadinessAssessment.objects.filter(
        case__in=[case.pk for case in wanted],
        criterion__is_active=True,
        criterion__pathway__in=pathways,
    ):
        assessments.setdefault(row.case_id, []).append(row)
    return {
        case.pk: score(criteria.get(case.pathway, []), assessments.get(case.pk, []), on).score
        for case in wanted
    }


def case_facts(cases: Iterable[SolutionsCase], on: date | None = None) -> dict[int, CaseFacts]:
    """Readiness, the next step due and the overdue flags of many cases in four queries."""
    wanted = list(cases)
    ids = [case.pk for case in wanted]
    day = on or dates.today()
    scores = readiness_scores(wanted)
    next_due = dict(
        Milestone.objects.filter(case__in=ids, status=MilestoneStatus.OPEN)
        .order_by()
        .values("case")
        .annotate(first=Min("due_on"))
        .values_list("case", "first")
    )
    late = set(
        overdue_referrals(on=day, base=CaseReferral.objects.filter(case__in=ids))
        .order_by()
        .values_list("case", flat=True)
    )
    return {
        case.pk: CaseFacts(
            readiness=scores[case.pk],
            next_due=next_due.get(case.pk),
            milestone_overdue=case.is_open
            and next_due.get(case.pk) is not None
            and next_due[case.pk] < day,
            referral_overdue=case.pk in late,
        )
        for case in wanted
    }


def milestones_due(
    user: Any, settlement: Settlement | int, *, days: int = 14, on: date | None = None
) -> QuerySet[Milestone]:
    """Steps of open cases still to do, overdue or due within ``days``, earliest first."""
    found: QuerySet[Milestone] = (
        Milestone.objects.for_user(user).filter(case__settlement=settlement).due_within(days, on)  # type: ignore[attr-defined]
    )
    return found.select_related("case__household__head", "owner").order_by("due_on", "id")


def follow_ups_due(
    user: Any, settlement: Settlement | int, on: date | None = None
) -> QuerySet[ExitFollowUp]:
    """Post-exit follow-ups not yet recorded and on or past their date, earliest first."""
    found: QuerySet[ExitFollowUp] = (
        ExitFollowUp.objects.for_user(user).filter(exit__case__settlement=settlement).due(on)  # type: ignore[attr-defined]
    )
    return found.select_related("exit__case", "exit__household__head").order_by("due_on", "id")


def approvals_pending(user: Any, settlement: Settlement | int) -> QuerySet[Approval]:
    """Decisions asked for and not yet taken, oldest first."""
    found: QuerySet[Approval] = (
        Approval.objects.for_user(user).filter(case__settlement=settlement).pending()  # type: ignore[attr-defined]
    )
    return found.select_related("case__household__head", "requested_by").order_by(
        "requested_on", "id"
    )


@dataclass(frozen=True)
class ExitQuarters:
    """Exits counted by type (rows) and quarter (columns), with the totals of both."""

    quarters: list[str]
    rows: list[tuple[str, list[int], int]]
    totals: list[int]
    total: int


def exits_by_quarter(
    exits: QuerySet[CaseExit],
    *,
    quarters: int = 8,
    on: date | None = None,
    calendar: str | None = None,
) -> ExitQuarters:
    """The exits of the last ``quarters`` quarters of the reader's calendar (this one last),
    counted by how the household left."""
    day = on or dates.today()
    keys: list[tuple[int, int]] = []
    year, quarter = dates.quarter_of(day, calendar)
    for _step in range(quarters):
        keys.append((year, quarter))
        year, quarter = (year - 1, 3) if quarter == 0 else (year, quarter - 1)
    keys.reverse()
    position = {key: index for index, key in enumerate(keys)}
    since = dates.add_months(day, -3 * quarters - 3)
    counts = {value: [0] * quarters for value in (str(t.value) for t in EXIT_TYPES)}
    for exit_type, exit_on in exits.filter(exit_on__gte=since, exit_on__lte=day).values_list(
        "exit_type", "exit_on"
    ):
        index = position.get(dates.quarter_of(exit_on, calendar))
        if index is not None and exit_type in counts:
            counts[exit_type][index] += 1
    rows = [(str(t.label), counts[str(t.value)], sum(counts[str(t.value)])) for t in EXIT_TYPES]
    totals = [sum(row[1][index] for row in rows) for index in range(quarters)]
    return ExitQuarters(
        quarters=[dates.quarter_label(y, q, calendar) for y, q in keys],
        rows=rows,
        totals=totals,
        total=sum(totals),
    )

"""Readiness: assessing a case against its pathway's checklist, and the one function that
turns the assessments into a score (0-100, weighted), its breakdown and its trend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.residence.models import Pathway
from mehman.solutions import events
from mehman.solutions.models import ReadinessAssessment, ReadinessCriterion, SolutionsCase
from mehman.solutions.services._common import (
    by_user,
    household_event,
    lock_case,
    not_future,
    refuse,
    require_open,
    save_recorded,
)


@dataclass(frozen=True)
class ReadinessItem:
    """One criterion of the checklist as last assessed (``met`` is None if never assessed)."""

    criterion: ReadinessCriterion
    met: bool | None
    assessed_on: date | None

    @property
    def weight(self) -> int:
        return int(self.criterion.weight)


@dataclass(frozen=True)
class Readiness:
    score: int  # 0-100
    met_weight: int
    total_weight: int
    items: list[ReadinessItem]

    @property
    def complete(self) -> bool:
        return self.total_weight > 0 and self.met_weight == self.total_weight


def checklist(pathway: str) -> list[ReadinessCriterion]:
    """The pathway's criteria in use, in the list's order."""
    if pathway == Pathway.UNDECIDED:
        return []
    return list(ReadinessCriterion.objects.active().filter(pathway=pathway))


def score(
    criteria: Iterable[ReadinessCriterion],
    assessments: Iterable[ReadinessAssessment],
    on: date | None = None,
) -> Readiness:
    """The weighted share of the criteria met, by each criterion's latest assessment on or
    before ``on``, as a whole percentage rounded half up; with its breakdown."""
    latest: dict[int, ReadinessAssessment] = {}
    for row in sorted(assessments, key=lambda a: (a.assessed_on, a.pk or 0)):
        if on is None or row.assessed_on <= on:
            latest[row.criterion_id] = row
    items = []
    met_weight = total_weight = 0
    for criterion in criteria:
        found = latest.get(criterion.pk)
        items.append(
            ReadinessItem(
                criterion=criterion,
                met=found.met if found else None,
                assessed_on=found.assessed_on if found else None,
            )
        )
        total_weight += criterion.weight
        if found is not None and found.met:
            met_weight += criterion.weight
    percent = (200 * met_weight + total_weight) // (2 * total_weight) if total_weight else 0
    return Readiness(score=percent, met_weight=met_weight, total_weight=total_weight, items=items)


def _assessments(case: SolutionsCase, criteria: list[ReadinessCriterion]) -> list[Any]:
    return list(ReadinessAssessment.objects.filter(case=case, criterion__in=criteria))


def readiness(case: SolutionsCase, on: date | None = None) -> Readiness:
    """The case's readiness for its pathway today (or on a past day)."""
    criteria = checklist(case.pathway)
    return score(criteria, _assessments(case, criteria), on)


def trend(case: SolutionsCase) -> list[tuple[date, int]]:
    """The case's score at each day it was assessed, oldest first."""
    criteria = checklist(case.pathway)
    rows = _assessments(case, criteria)
    days = sorted({row.assessed_on for row in rows})
    return [(day, score(criteria, rows, day).score) for day in days]


@transaction.atomic
def assess_readiness(
    *,
    case: SolutionsCase,
    by: Any,
    answers: Mapping[str, bool],
    assessed_on: date | None = None,
    notes: Mapping[str, str] | None = None,
) -> Readiness:
    """A case is assessed against the criteria of its pathway in use (by code: met or not)
    on a day no later than today; the result is its new score."""
    case = lock_case(case)
    require_open(case)
    if case.pathway == Pathway.UNDECIDED:
        raise ValidationError(
            _("Choose the case's pathway before assessing its readiness."), code="undecided"
        )
    if not answers:
        refuse("answers", _("Assess at least one criterion."), "required")
    day = assessed_on or dates.today()
    not_future(day, "assessed_on")
    if day < case.opened_on:
        refuse("assessed_on", _("An assessment cannot come before the case."), "dates")
    criteria = {c.code: c for c in checklist(case.pathway)}
    unknown = sorted(set(answers) - set(criteria))
    if unknown:
        refuse(
            "answers",
            _("Not among the criteria now used for this pathway: %(codes)s."),
            "unknown",
            codes=", ".join(unknown),
        )
    notes = notes or {}
    for code, met in answers.items():
        row = ReadinessAssessment(
            case=case,
            criterion=criteria[code],
            met=bool(met),
            assessed_on=day,
            assessed_by=by_user(by),
            note=(notes.get(code) or "").strip()[:300],
        )
        save_recorded(row, by, "Readiness assessed")
    result = readiness(case)
    household_event(
        case.household,
        events.READINESS_ASSESSED,
        by,
        reference=case.reference,
        score=result.score,
    )
    return result

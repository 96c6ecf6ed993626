"""Batch allocation: many vacancies offered at once, as the optimiser proposes and the
manager decides.

A run reads the vacancies and the waitlist, asks ``mehman.housing.allocation`` for the
best assignment (beside the greedy rank-order one and a bound on the optimum), and
keeps one proposal per waitlisted household with the reasons for it. The manager may
change a proposal with a reason, then commit: every proposed household is offered its
unit in one transaction, or nothing is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.core import events
from mehman.core import services as core_services
from mehman.core.models import Settlement, SettlementEvent, TaskProgress
from mehman.core.progress import Reporter
from mehman.housing import allocation
from mehman.housing import events as housing_events
from mehman.housing.models import AllocationRun, Proposal, RunStatus, Unit
from mehman.housing.services._common import (
    check_version,
    next_serial,
    require_text,
    save_recorded,
)
from mehman.housing.services.offers import needs_step_free, offer_unit, waiting
from mehman.intake.models import Application, ApplicationStatus
from mehman.registry.models import HouseholdLink

PROGRESS_KIND = "housing.allocation"
# Households below the last one placed whose proposal (none, and why) a run keeps.
NEXT_SHOWN = 10


def default_weights() -> allocation.Weights:
    configured = getattr(settings, "MEHMAN_ALLOCATION_WEIGHTS", {}) or {}
    return dataclasses.replace(allocation.Weights(), **{k: int(v) for k, v in configured.items()})


def time_limit() -> float:
    return float(getattr(settings, "MEHMAN_ALLOCATION_SECONDS", 5))


def _settlement_event(
    settlement: Settlement, kind: events.EventKind, by: Any, **params: Any
) -> None:
    events.record(SettlementEvent, aggregate=settlement, kind=kind, by=by, **params)


def family_groups(household_ids: Iterable[int]) -> dict[int, str]:
    """Households linked as one family (directly or through each other), among those given:
    each household's group key, for households with at least one relative among them."""
    ids = set(household_ids)
    parent = {hid: hid for hid in ids}

    def root(hid: int) -> int:
        while parent[hid] != hid:
            parent[hid] = parent[parent[hid]]
            hid = parent[hid]
        return hid

    links = HouseholdLink.objects.filter(household_id__in=ids, other_id__in=ids).values_list(
        "household_id", "other_id"
    )
    linked: set[int] = set()
    for first, second in links:
        linked.update((first, second))
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {hid: f"g{root(hid)}" for hid in linked}


def _score_hundredths(score: Decimal | None) -> int:
    return max(0, int((score or Decimal(0)) * 100))


def inputs(
    settlement: Settlement | int, unit_ids: Sequence[int]
) -> tuple[
    list[allocation.Candidate], list[allocation.Vacancy], dict[int, Application], dict[int, Unit]
]:
    """What the optimiser is given: the waitlist (without those holding an offer) and the
    units, as plain data."""
    applications = {a.pk: a for a in waiting(settlement)}
    step_free = needs_step_free(a.household_id for a in applications.values())
    groups = family_groups(a.household_id for a in applications.values())
    candidates = [
        allocation.Candidate(
            id=a.pk,
            size=max(1, a.household.size),
            priority=_score_hundredths(a.score),
            rank=a.rank or 10**6,
            needs_access=a.household_id in step_free,
            group=groups.get(a.household_id, ""),
        )
        for a in applications.values()
    ]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).select_related("block")}
    vacancies = [
        allocation.Vacancy(id=u.pk, capacity=u.capacity, accessible=u.step_free, block=u.block.code)
        for u in units.values()
    ]
    return candidates, vacancies, applications, units


@transaction.atomic
def start_run(
    *, settlement: Settlement, by: Any, units: Sequence[Unit] | None = None, note: str = ""
) -> AllocationRun:
    """A run takes vacant units (all of the settlement's, or those chosen) and the waitlist."""
    vacant = Unit.objects.filter(settlement=settlement).vacant()
    if units is not None:
        chosen = {u.pk for u in units}
        vacant_ids = set(vacant.filter(pk__in=chosen).values_list("pk", flat=True))
        if chosen - vacant_ids:
            taken = Unit.objects.filter(pk__in=chosen - vacant_ids).values_list(
                "reference", flat=True
            )
            raise ValidationError(
                _("These units are not vacant: %(units)s") % {"units": ", ".join(sorted(taken))},
                code="not_vacant",
            )
        unit_ids = sorted(vacant_ids)
    else:
        unit_ids = sorted(vacant.values_list("pk", flat=True))
    if not unit_ids:
        raise ValidationError(
            _("There is no vacant habitable unit to allocate."), code="no_vacancy"
        )
    if not waiting(settlement).exists():
        raise ValidationError(_("Nobody is waiting for an offer."), code="no_waitlist")
    weights = default_weights()
    reference = f"{settlement.code}-R{next_serial(settlement, 'R'):04d}"
    progress = core_services.start_progress(
        kind=PROGRESS_KIND,
        title=gettext("Batch allocation %(reference)s") % {"reference": reference},
        total=4,
        by=by,
    )
    run = AllocationRun(
        settlement=settlement,
        reference=reference,
        unit_ids=unit_ids,
        weights=dataclasses.asdict(weights),
        note=note.strip(),
        progress=progress,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    save_recorded(run, by, "Run started")
    _settlement_event(
        settlement, housing_events.RUN_STARTED, by, reference=reference, vacancies=len(unit_ids)
    )
    return run


def solve_run(run: AllocationRun, *, reporter: Reporter | None = None) -> AllocationRun:
    """Solve a started run and keep its proposals (the background task calls this)."""
    reporter = reporter or Reporter(run.progress)
    weights = allocation.Weights(**run.weights)
    candidates, vacancies, applications, _units = inputs(run.settlement_id, run.unit_ids)
    reporter.total = 4
    reporter.advance()
    best = allocation.optimise(candidates, vacancies, weights, time_limit_s=time_limit())
    reporter.advance()
    baseline = allocation.greedy(candidates, vacancies, weights)
    bound = allocation.best_bound(
        candidates, vacancies, weights, time_limit_s=time_limit(), hint=best.assignment, workers=1
    )
    reporter.advance()
    top = max(1, bound.bound)
    figures: dict[str, Any] = {
        "vacancies": len(vacancies),
        "candidates": len(candidates),
        "objective": best.objective,
        "greedy_objective": baseline.objective,
        "bound": bound.bound,
        "bound_proven": bound.optimal,
        "gap": round((bound.bound - best.objective) / top, 5),
        "greedy_gap": round((bound.bound - baseline.objective) / top, 5),
        "solve_s": round(best.seconds, 3),
        "method": best.method,
        "placed": len(best.assignment),
        "greedy_placed": len(baseline.assignment),
        "waste": _waste(best.assignment, candidates, vacancies),
        "greedy_waste": _waste(baseline.assignment, candidates, vacancies),
        "groups": len({c.group for c in candidates if c.group}),
        "groups_together": _together(best.assignment, candidates, vacancies),
        "greedy_groups_together": _together(baseline.assignment, candidates, vacancies),
    }
    # Unplaced households worth showing: those ranked above the last one placed, and the
    # next few on the list (who ask why the run stopped before them).
    shown_to = _last_placed_rank(best, candidates) + NEXT_SHOWN
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.RUNNING:  # discarded while it was being solved
            reporter.finish(result={"run": str(run.uuid), "placed": 0})
            return run
        Proposal.objects.bulk_create(
            Proposal(
                run=run,
                application_id=c.id,
                unit_id=best.assignment.get(c.id),
                greedy_unit_id=baseline.assignment.get(c.id),
                rank=applications[c.id].rank,
                reasons=[_reason(r) for r in best.explanations.get(c.id, [])],
            )
            for c in candidates
            if c.id in best.assignment or c.id in baseline.assignment or c.rank <= shown_to
        )
        run.figures = figures
        run.status = RunStatus.PROPOSED
        save_recorded(run, None, "Proposal ready")
    reporter.advance()
    reporter.finish(result={"run": str(run.uuid), "placed": figures["placed"]})
    return run


def _last_placed_rank(best: allocation.Result, candidates: list[allocation.Candidate]) -> int:
    rank = {c.id: c.rank for c in candidates}
    return max((rank[c] for c in best.assignment), default=0)


def _reason(reason: allocation.Reason) -> dict[str, Any]:
    return {"code": reason.code, "params": dict(reason.params)}


def _waste(
    assignment: dict[int, int],
    candidates: list[allocation.Candidate],
    vacancies: list[allocation.Vacancy],
) -> int:
    size = {c.id: c.size for c in candidates}
    capacity = {v.id: v.capacity for v in vacancies}
    return sum(capacity[u] - size[c] for c, u in assignment.items())


def _together(
    assignment: dict[int, int],
    candidates: list[allocation.Candidate],
    vacancies: list[allocation.Vacancy],
) -> int:
    block = {v.id: v.block for v in vacancies}
    used: dict[str, set[str]] = {}
    for c in candidates:
        if c.group and c.id in assignment:
            used.setdefault(c.group, set()).add(block[assignment[c.id]])
    return sum(1 for blocks in used.values() if len(blocks) == 1)


def fail_run(run: AllocationRun, message: str) -> None:
    AllocationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, note=message[:300]
    )


def _lock_run(run: AllocationRun, *statuses: str) -> AllocationRun:
    locked = AllocationRun.objects.select_for_update().select_related("settlement").get(pk=run.pk)
    if locked.status not in statuses:
        raise ValidationError(
            _("This run is “%(status)s”.") % {"status": locked.get_status_display()}, code="status"
        )
    return locked


def current_assignment(run: AllocationRun) -> dict[int, int]:
    return dict(run.proposals.filter(unit__isnull=False).values_list("application_id", "unit_id"))


@transaction.atomic
def edit_proposal(
    *,
    proposal: Proposal,
    unit: Unit | None,
    by: Any,
    reason: str,
    expected_version: int | None = None,
) -> Proposal:
    """A proposal changed by hand keeps the reason; the unit must be one of the run's vacancies,
    fit the household and not be proposed to another."""
    reason = require_text(reason, "reason", _("Say why the proposal is changed."))
    run = _lock_run(proposal.run, RunStatus.PROPOSED)
    check_version(run, expected_version)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if unit is not None:
        if unit.pk not in run.unit_ids:
            raise ValidationError(
                _("This unit is not one of this run's vacancies."), code="not_in_run"
            )
        holder = run.proposals.filter(unit=unit).exclude(pk=proposal.pk).first()
        if holder is not None:
            raise ValidationError(
                _("%(unit)s is proposed to %(application)s; free it first.")
                % {"unit": unit.reference, "application": holder.application.reference},
                code="taken",
            )
    candidates, vacancies, _apps, _units = inputs(run.settlement_id, run.unit_ids)
    assignment = current_assignment(run)
    assignment.pop(proposal.application_id, None)
    if unit is not None:
        assignment[proposal.application_id] = unit.pk
    known = {c.id for c in candidates}
    assignment = {a: u for a, u in assignment.items() if a in known}
    try:
        allocation.validate(assignment, candidates, vacancies)
    except ValueError as exc:
        raise ValidationError(
            _("The household does not fit this unit (size or step-free access)."), code="unfit"
        ) from exc
    weights = allocation.Weights(**run.weights)
    explanations = allocation.explain(assignment, candidates, vacancies)
    proposal.unit = unit
    proposal.edited = True
    proposal.edit_reason = reason
    proposal.reasons = [_reason(r) for r in explanations.get(proposal.application_id, [])]
    proposal.save()
    # Freeing or taking a unit changes why others got theirs (or none): explain them again.
    others = list(run.proposals.exclude(pk=proposal.pk))
    for other in others:
        other.reasons = [_reason(r) for r in explanations.get(other.application_id, [])]
    Proposal.objects.bulk_update(others, ["reasons"], batch_size=500)
    run.figures = {
        **run.figures,
        "edited_objective": allocation.objective(assignment, candidates, vacancies, weights),
        "edited_placed": len(assignment),
        "edits": int(run.figures.get("edits", 0)) + 1,
    }
    save_recorded(run, by, "Proposal changed by hand")
    _settlement_event(
        run.settlement,
        housing_events.RUN_EDITED,
        by,
        reference=run.reference,
        application=proposal.application.reference,
        reason=reason,
    )
    return proposal


@transaction.atomic
def commit_run(*, run: AllocationRun, by: Any) -> int:
    """Committing offers each proposed household its unit, in rank order, all or nothing;
    households passed over are named in each offer's reason."""
    run = _lock_run(run, RunStatus.PROPOSED)
    proposals = list(
        run.proposals.filter(unit__isnull=False)
        .select_related("application__household", "unit")
        .order_by("rank", "id")
    )
    if not proposals:
        raise ValidationError(_("The run proposes no offer."), code="empty")
    stale = [
        p.application.reference
        for p in proposals
        if p.application.status != ApplicationStatus.WAITLISTED
    ]
    gone = set(
        Unit.objects.filter(pk__in=[p.unit_id for p in proposals])
        .vacant()
        .values_list("pk", flat=True)
    )
    stale += [p.unit.reference for p in proposals if p.unit is not None and p.unit_id not in gone]
    if stale:
        raise ValidationError(
            _("The waitlist or the vacancies changed since this run: %(items)s. Start a new run.")
            % {"items": ", ".join(stale)},
            code="stale",
        )
    skip = gettext(
        "Batch allocation %(reference)s: households ranked higher were not placed because no "
        "vacancy of the run fitted them (size or step-free access), or they are placed in the "
        "same run."
    ) % {"reference": run.reference}
    for proposal in proposals:
        offer = offer_unit(
            unit=proposal.unit,  # type: ignore[arg-type]
            application=proposal.application,
            by=by,
            skip_reason=skip,
            run=run,
        )
        proposal.offer = offer
        proposal.save(update_fields=["offer"])
    run.status = RunStatus.COMMITTED
    run.decided_by = by if getattr(by, "is_authenticated", False) else None
    run.decided_at = timezone.now()
    save_recorded(run, by, "Committed")
    _settlement_event(
        run.settlement,
        housing_events.RUN_COMMITTED,
        by,
        reference=run.reference,
        offers=len(proposals),
    )
    return len(proposals)


@transaction.atomic
def discard_run(*, run: AllocationRun, by: Any, reason: str) -> AllocationRun:
    """A run not committed may be discarded, with a reason."""
    reason = require_text(reason, "reason", _("Say why the run is discarded."))
    run = _lock_run(run, RunStatus.PROPOSED, RunStatus.RUNNING, RunStatus.FAILED)
    run.status = RunStatus.DISCARDED
    run.note = reason[:300]
    run.decided_by = by if getattr(by, "is_authenticated", False) else None
    run.decided_at = timezone.now()
    save_recorded(run, by, "Discarded")
    _settlement_event(
        run.settlement, housing_events.RUN_DISCARDED, by, reference=run.reference, reason=reason
    )
    return run


def progress_of(run: AllocationRun) -> TaskProgress | None:
    return run.progress

"""Runs across a settlement's registry: every current person compared with every other one the
blocking rules bring together, clustered, and the likely duplicates queued for review.

Scoring: Splink on DuckDB (``engine.pipeline.score``) from ``SPLINK_FROM`` people up; below
that the same model in Python (``engine.Scorer`` over the blocking keys of ``engine.Index``),
since starting Splink costs more than scoring a few dozen pairs. Both give the same
probabilities (the engine's tests check it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import combinations
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.core import services as core_services
from mehman.core.models import Settlement
from mehman.core.progress import Reporter
from mehman.core.services import save_recorded
from mehman.matching.engine import Index, LatinTable, Prepared, Scorer, prepare
from mehman.matching.engine.cluster import Edge, cluster
from mehman.matching.engine.comparisons import levels, vetoed
from mehman.matching.engine.frame import Frequencies, to_arrow
from mehman.matching.engine.model import MODEL_VERSION
from mehman.matching.engine.pipeline import KEEP_THRESHOLD, match_threshold, mergeable, score
from mehman.matching.engine.prepare import latin_pairs
from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.services._common import MIN_POPULATION, people_rows
from mehman.registry.models import Individual

logger = logging.getLogger(__name__)

PROGRESS_KIND: Final = "matching.run"
# From this many people a run scores with Splink on DuckDB; below, in Python.
SPLINK_FROM: Final = 50
THREADS: Final = 2
# Every pair inside a cluster up to this size is proposed; a larger cluster (rare: a chain
# the clustering let through) proposes only the pairs the model scored.
ALL_PAIRS_UP_TO: Final = 12
# The reviewer's decisions that keep two people apart in a run.
JUDGED: Final = (PairStatus.REJECTED, PairStatus.UNDONE)
# Progress: shares of the work, out of 100.
STEPS: Final = {"load": 15, "prepare": 10, "score": 45, "cluster": 5, "write": 25}
PROGRESS_TOTAL: Final = sum(STEPS.values())
# A running run whose progress has not moved for this long was abandoned by its worker.
ABANDONED_AFTER: Final = timedelta(minutes=30)


def _abandon_stalled(settlement: Settlement) -> None:
    """A run that has not moved for ``ABANDONED_AFTER`` was left behind by a worker that stopped
    (a crash, a restart): it fails, so that it no longer keeps a new run from starting."""
    cutoff = timezone.now() - ABANDONED_AFTER
    stalled = (
        MatchRun.objects.select_for_update(of=("self",))
        .select_related("progress")
        .filter(settlement=settlement, status=RunStatus.RUNNING, progress__updated_at__lt=cutoff)
    )
    message = gettext(
        "The run stopped without finishing (its worker stopped); nothing was proposed."
    )
    for run in stalled:
        _mark_failed(run, message, "Abandoned")
        if run.progress is not None:
            core_services.finish_progress(run.progress, error=message)


def _refuse_if_running(settlement: Settlement) -> None:
    busy = MatchRun.objects.filter(
        settlement=settlement, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).first()
    if busy is not None:
        raise ValidationError(
            _("Run %(reference)s is already comparing this settlement's people: wait for it."),
            code="running",
            params={"reference": busy.reference},
        )


@transaction.atomic
def start_run(*, settlement: Settlement, by: Any, enqueue: bool = True) -> MatchRun:
    """A settlement's registry is compared by one run at a time, in the background.

    ``enqueue=False`` leaves the run queued for the caller to execute (the command line, the
    demo).
    """
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    _abandon_stalled(settlement)
    _refuse_if_running(settlement)
    serial = MatchRun.objects.filter(settlement=settlement).count() + 1
    reference = f"{settlement.code}-M{serial:04d}"
    while MatchRun.objects.filter(reference=reference).exists():
        serial += 1
        reference = f"{settlement.code}-M{serial:04d}"
    run = MatchRun(
        reference=reference,
        settlement=settlement,
        status=RunStatus.QUEUED,
        model_version=MODEL_VERSION,
        started_by=by if getattr(by, "is_authenticated", False) else None,
    )
    run.progress = core_services.start_progress(
        kind=PROGRESS_KIND,
        title=gettext("Duplicate search %(reference)s") % {"reference": reference},
        total=PROGRESS_TOTAL,
        by=by,
    )
    save_recorded(run, by, "Queued", bump=False)
    if enqueue:
        uuid = str(run.uuid)

        def queue() -> None:
            from mehman.matching.tasks import execute_run_task

            execute_run_task.enqueue(uuid)

        transaction.on_commit(queue)
    return run


def _begin(run: MatchRun) -> MatchRun:
    with transaction.atomic():
        locked: MatchRun = (
            MatchRun.objects.select_for_update(of=("self",))
            .select_related("settlement", "progress")
            .get(pk=run.pk)
        )
        if locked.status != RunStatus.QUEUED:
            raise ValidationError(
                _("Run %(reference)s is “%(status)s”: it cannot be run again."),
                code="status",
                params={"reference": locked.reference, "status": locked.get_status_display()},
            )
        locked.status = RunStatus.RUNNING
        locked.started_at = timezone.now()
        save_recorded(locked, locked.started_by, "Running")
    return locked


@dataclass
class Proposal:
    """A pair to queue for review, by uid: the cluster it belongs to (if any)."""

    a: int
    b: int
    cluster: int | None


@dataclass
class Figures:
    people: int = 0
    candidates: int = 0
    proposed: int = 0
    skipped_rejected: int = 0
    pairs: list[Proposal] = field(default_factory=list)


def _score_python(records: Sequence[Prepared], frequencies: Frequencies) -> list[Edge]:
    """The pairs the blocking keys bring together, scored in Python (small registries)."""
    index = Index(list(records))
    scorer = Scorer(n_records=max(len(records), MIN_POPULATION))
    edges = []
    for p in records:
        for uid in index.candidates(p):
            if uid <= p.uid:
                continue
            probability = scorer.compare(p, records[uid], frequencies).probability
            if probability >= KEEP_THRESHOLD:
                edges.append((probability, p.uid, uid))
    return edges


def _score(records: Sequence[Prepared], frequencies: Frequencies) -> list[Edge]:
    if len(records) < 2:
        return []
    if len(records) < SPLINK_FROM:
        return _score_python(records, frequencies)
    table = to_arrow(records)
    scored = score(table, max(len(records), MIN_POPULATION), threads=THREADS)
    return [(float(p), int(a), int(b)) for p, a, b in scored.pairs]


def _settlement_pairs(settlement: Settlement) -> QuerySet[MatchPair]:
    """The pairs with at least one person in the settlement."""
    return MatchPair.objects.filter(
        Q(first__household__settlement=settlement) | Q(second__household__settlement=settlement)
    )


def _judged(settlement: Settlement, person_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """The pairs among these people a reviewer (or a clerk) already decided, by person ids."""
    ids = set(person_ids)
    decided = _settlement_pairs(settlement).exclude(status=PairStatus.OPEN)
    return {
        (first, second): status
        for first, second, status in decided.values_list("first_id", "second_id", "status")
        if first in ids and second in ids
    }


def _proposals(
    records: Sequence[Prepared],
    frequencies: Frequencies,
    edges: Sequence[Edge],
    roots: Sequence[int],
    likely: Sequence[Edge],
) -> list[Proposal]:
    """Every pair inside a cluster, and every ``likely`` pair (at the model's match threshold,
    no veto), that no veto keeps apart (twins, two different documents)."""
    buckets = frequencies.buckets()
    groups: dict[int, list[int]] = defaultdict(list)
    for uid, root in enumerate(roots):
        groups[root].append(uid)
    found: dict[tuple[int, int], Proposal] = {}

    def cluster_of(uid: int) -> int:
        return min(int(records[m].record_id) for m in groups[roots[uid]])

    def add(a: int, b: int) -> None:
        a, b = sorted((a, b), key=lambda uid: int(records[uid].record_id))
        if (a, b) in found or vetoed(
            records[a], records[b], levels(records[a], records[b], buckets)
        ):
            return
        together = roots[a] == roots[b]
        found[(a, b)] = Proposal(a, b, cluster_of(a) if together else None)

    scored_inside: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for _probability, a, b in edges:
        if roots[a] == roots[b]:
            scored_inside[roots[a]].append((a, b))
    for root, members in groups.items():
        if len(members) < 2:
            continue
        if len(members) <= ALL_PAIRS_UP_TO:
            for a, b in combinations(members, 2):
                add(a, b)
        else:
            for a, b in scored_inside[root]:
                add(a, b)
    for _probability, a, b in likely:
        add(a, b)
    return list(found.values())


def _compare(
    run: MatchRun, records: Sequence[Prepared], frequencies: Frequencies, reporter: Reporter
) -> Figures:
    """Score and cluster the settlement's current people; nothing is written."""
    figures = Figures(people=len(records))
    edges = _score(records, frequencies)
    figures.candidates = len(edges)
    reporter.advance(STEPS["score"])
    uid_of = {int(p.record_id): p.uid for p in records}
    judged = _judged(run.settlement, uid_of)
    different = [(uid_of[a], uid_of[b]) for (a, b), status in judged.items() if status in JUDGED]
    threshold = match_threshold()
    likely = mergeable(records, frequencies, edges, threshold)
    roots = cluster(records, likely, threshold=threshold, different=different)
    proposals = _proposals(records, frequencies, edges, roots, likely)
    for proposal in proposals:
        key = (int(records[proposal.a].record_id), int(records[proposal.b].record_id))
        if key in judged:
            figures.skipped_rejected += 1
        else:
            figures.pairs.append(proposal)
    reporter.advance(STEPS["cluster"])
    return figures


def _write(
    run: MatchRun, records: Sequence[Prepared], frequencies: Frequencies, figures: Figures
) -> int:
    """Queue the proposals: new pairs open, open pairs brought up to date. Returns how many."""
    scorer = Scorer(n_records=max(len(records), MIN_POPULATION))
    people = Individual.objects.filter(household__settlement=run.settlement).active()
    current = set(people.values_list("pk", flat=True))
    existing = {
        (pair.first_id, pair.second_id): pair
        for pair in _settlement_pairs(run.settlement).select_for_update(of=("self",))
    }
    written = 0
    for proposal in figures.pairs:
        a, b = records[proposal.a], records[proposal.b]
        first, second = int(a.record_id), int(b.record_id)
        if first not in current or second not in current:
            continue
        pair = existing.get((first, second))
        if pair is not None and pair.status != PairStatus.OPEN:
            figures.skipped_rejected += 1  # decided while the run was comparing
            continue
        match = scorer.compare(a, b, frequencies)
        evidence = [
            {"field": e.field, "level": e.level, "weight": round(e.weight, 3)}
            for e in match.evidence
        ]
        if pair is None:
            pair = MatchPair(first_id=first, second_id=second, source=PairSource.RUN)
            reason = "Proposed"
        else:
            reason = "Scored again"
        pair.run = run
        pair.probability = match.probability
        pair.weight = match.weight
        pair.evidence = evidence
        pair.cluster = proposal.cluster
        save_recorded(pair, run.started_by, reason, bump=pair.pk is not None)
        written += 1
    return written


def execute_run(run: MatchRun, *, reporter: Reporter | None = None) -> MatchRun:
    """A queued run compares the settlement's current people and fills the review queue: every
    likely duplicate not judged before is proposed once, open pairs are scored again, and a pair
    judged different people is never proposed again. All or nothing: a run that fails proposes
    nothing."""
    run = _begin(run)
    reporter = reporter or Reporter(run.progress)
    reporter.total = PROGRESS_TOTAL
    try:
        people = Individual.objects.filter(household__settlement=run.settlement).active()
        rows = list(people_rows(people))
        reporter.advance(STEPS["load"])
        table = LatinTable.learn(latin_pairs(rows))
        records = [prepare(uid, row, table) for uid, row in enumerate(rows)]
        del rows
        frequencies = Frequencies.count(records)
        reporter.advance(STEPS["prepare"])
        figures = _compare(run, records, frequencies, reporter)
        with transaction.atomic():
            run = MatchRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
            if run.status != RunStatus.RUNNING:  # given up as abandoned meanwhile
                raise RuntimeError("run no longer running")
            figures.proposed = _write(run, records, frequencies, figures)
            run.status = RunStatus.DONE
            run.finished_at = timezone.now()
            run.people = figures.people
            run.candidates = figures.candidates
            run.proposed = figures.proposed
            run.skipped_rejected = figures.skipped_rejected
            save_recorded(run, run.started_by, "Done")
        reporter.advance(STEPS["write"])
    except Exception as exc:
        logger.exception("matching run %s failed", run.reference)
        message = gettext(
            "The run stopped because of an error (%(error)s); nothing was proposed."
        ) % {"error": type(exc).__name__}
        if _fail(run, message):
            reporter.finish(error=message)
        raise
    reporter.finish(
        result={
            "run": run.reference,
            "people": run.people,
            "candidates": run.candidates,
            "proposed": run.proposed,
            "skipped_rejected": run.skipped_rejected,
        }
    )
    return run


def _mark_failed(locked: MatchRun, message: str, reason: str) -> None:
    """``locked`` (a row locked for update) ends failed, saying ``message`` without names."""
    locked.status = RunStatus.FAILED
    locked.finished_at = timezone.now()
    locked.error = message[:300]
    save_recorded(locked, locked.started_by, reason)


def _fail(run: MatchRun, message: str) -> bool:
    """The run fails with ``message``; False when it had already failed (given up as
    abandoned: its message, and its progress's, stay)."""
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if locked.status == RunStatus.FAILED:
            return False
        _mark_failed(locked, message, "Failed")
        return True

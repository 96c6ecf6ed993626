"""Batch allocation of vacant housing units to waitlisted households.

Pure Python: the standard library and OR-Tools (with numpy, which OR-Tools
needs and whose arrays its flow solver takes). The Django layer turns its rows
into :class:`Candidate` and :class:`Vacancy` values, calls :func:`optimise`
(or :func:`greedy`), shows the :class:`Result` with its reasons and, when a
manager edits the proposal, checks it again with :func:`validate`.

Hard rules: a household goes only to a unit whose capacity is at least its
size; a household with ``needs_access`` only to an accessible unit; one
household per unit and one unit per household. Nobody has to be placed.

The objective (maximised), defined once in :func:`objective`::

    sum over placed households of
        placement + priority_weight * priority - waste * (capacity - size)
    - split * sum over family groups of (distinct blocks its placed households use - 1)

A family group is the households sharing a non-empty ``Candidate.group``; a
group with nobody placed costs nothing.

Methods (``Result.method``):

- ``"greedy"``: what a clerk does by hand, :func:`greedy`.
- ``"flow"``: min-cost flows (OR-Tools) choosing who is placed and in which
  kind of unit, family groups gathered into blocks by moving and swapping
  units, and home blocks for the groups (see :func:`optimise`).
- ``"flow+cpsat"``: the same, improved by a CP-SAT model.
- ``"cpsat"``: CP-SAT proved the optimum (small batches).

Reason codes (``Result.explanations[candidate_id]``, a list of :class:`Reason`;
the codes and parameter names are stable, the Django layer translates them):

Placed households, in this order:

- ``"rank"`` ``{rank: int, priority: int}``: its place on the waitlist and its
  score in hundredths.
- ``"fits"`` ``{size: int, capacity: int, spare: int}``: the unit holds all
  ``size`` members; ``spare`` places stay unused.
- ``"accessible"`` ``{}``: a member needs a step-free unit and this one is.
- ``"family"`` ``{group_block: str, placed_together: int, group_size: int}``:
  ``placed_together`` households of its family group (this one included) live
  in block ``group_block``; the group has ``group_size`` households on the list.
  Given when at least two of the group share the block.
- ``"family_split"`` ``{blocks: int}``: the group's placed households could
  not be kept together; they are spread over ``blocks`` blocks.
- ``"smallest_fit"`` ``{}``: no smaller vacancy that fits the household was
  left (every smaller fitting unit went to another household, or none exists).

Households not placed:

- ``"not_placed"`` ``{why: str, size: int, fitting: int}``: ``fitting`` is the
  number of vacancies that would hold the household (capacity and access);
  ``why`` is

  - ``"no_fit"``: no vacancy is big enough (or accessible when needed);
  - ``"outranked"``: every fitting vacancy went to another household;
  - ``"not_worth"``: a fitting vacancy stayed empty, but it would leave so
    many places unused that placing the household would lower the objective
    (only with weights where ``waste * spare > placement + priority``).

Bounds: :func:`upper_bound` is the min-cost-flow optimum without split costs
(valid, since split costs are never negative); :func:`best_bound` tries to
prove the optimum with CP-SAT and reports the best bound it got.

The solver works on kinds of unit (capacity, accessible) and, for the households
of family groups, on (kind, block): units of one kind are interchangeable for
everyone else, so the models stay small. :func:`optimise` is deterministic: the
same input (in any order) gives the same answer; its search is sized by counts
and CP-SAT's deterministic time (one worker), and the clock only cuts it short
on a machine several times slower than the one it was tuned on.
"""

from __future__ import annotations

import bisect
import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

# How much the optimiser does (tuned on 2 cores; see bench/allocation.py).
FULL_MODEL_VARIABLES = 20_000  # up to which the whole problem is handed to CP-SAT
POLISH_OTHER_BLOCKS = 2  # blocks besides its own that a group may move to
POLISH_VARIABLES_PER_S = 20_000  # models larger than this per second left are skipped
NEAR_FIT = 4  # spare places up to which a unit counts as room for a household
REHOME_ROUNDS = 12  # rounds of step 2, at most
RESERVED_SHARE = 0.05  # of the time limit, kept for the explanations
SEARCH_SHARE = 0.5  # of the time limit, for flows with home blocks (steps 2 and 3)
POLISH_SHARE = 0.4  # of the time limit, for CP-SAT (step 4)
# Estimated time of a flow with home blocks and its gathering, on 2 cores (on
# the high side, so that the clock seldom has to cut the search short).
FLOW_FIXED_S = 0.008
FLOW_PER_ARC_S = 4e-6
HOME_CHOICES = 6  # blocks with most room a group may try as its home
MAX_EVALUATIONS = 2_000  # flows in the search over home blocks, at most
# CP-SAT on one worker did 0.2-0.3 deterministic seconds per wall second on
# these models; asking for 0.15 leaves room for a slower or busier machine.
DETERMINISTIC_SHARE = 0.15

__all__ = [
    "Bound",
    "Candidate",
    "Reason",
    "Result",
    "Vacancy",
    "Weights",
    "best_bound",
    "explain",
    "greedy",
    "objective",
    "optimise",
    "upper_bound",
    "validate",
]


# --- Values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A waitlisted household (one application)."""

    id: int  # application id
    size: int  # persons in the household (>= 1)
    priority: int  # score in hundredths, >= 0 (higher = more urgent)
    rank: int  # 1 = top of the waitlist
    needs_access: bool  # a member needs a step-free (accessible) unit
    group: str = ""  # family group key; households sharing one should share a block


@dataclass(frozen=True, slots=True)
class Vacancy:
    """A vacant housing unit."""

    id: int  # unit id
    capacity: int  # persons the unit may hold by the living-space standard
    accessible: bool
    block: str  # block code


@dataclass(frozen=True, slots=True)
class Weights:
    """Terms of the objective (integers, none negative)."""

    placement: int = 10_000  # value of housing any household
    priority: int = 1  # multiplier on Candidate.priority
    waste: int = 400  # cost per unused person-place in a unit
    split: int = 3_000  # cost per extra block a family group is spread over

    def __post_init__(self) -> None:
        for name in ("placement", "priority", "waste", "split"):
            if getattr(self, name) < 0:
                raise ValueError(f"weight {name} must not be negative")


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a proposal; ``code`` is stable, see the module docstring."""

    code: str
    params: dict[str, int | str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Result:
    """A proposal: which household goes to which unit, and why."""

    assignment: dict[int, int]  # candidate id -> vacancy id
    objective: int
    seconds: float
    method: str
    explanations: dict[int, list[Reason]]  # candidate id -> reasons (every candidate)
    unplaced: list[int]  # candidate ids not placed, in waitlist order


@dataclass(frozen=True, slots=True)
class Bound:
    """An upper bound on the optimum objective.

    ``bound`` is never below the optimum; ``objective`` is the best solution the
    bounding solver found (``None`` if it found none); when ``optimal`` is true,
    ``bound == objective`` is the proven optimum.
    """

    bound: int
    objective: int | None
    optimal: bool
    method: str  # "flow" (no split costs) or "cpsat"
    seconds: float
    assignment: dict[int, int] | None = None


# --- Objective and rules -----------------------------------------------------------------


def _value(candidate: Candidate, vacancy: Vacancy, weights: Weights) -> int:
    return (
        weights.placement
        + weights.priority * candidate.priority
        - weights.waste * (vacancy.capacity - candidate.size)
    )


def _fits(candidate: Candidate, vacancy: Vacancy) -> bool:
    return vacancy.capacity >= candidate.size and (vacancy.accessible or not candidate.needs_access)


def objective(
    assignment: Mapping[int, int],
    candidates: Iterable[Candidate],
    vacancies: Iterable[Vacancy],
    weights: Weights | None = None,
) -> int:
    """The value of ``assignment`` (candidate id -> vacancy id); higher is better.

    Does not check the hard rules (see :func:`validate`).
    """
    weights = weights or Weights()
    by_candidate = {c.id: c for c in candidates}
    by_vacancy = {v.id: v for v in vacancies}
    total = 0
    blocks: dict[str, set[str]] = {}
    for candidate_id, vacancy_id in assignment.items():
        candidate = by_candidate[candidate_id]
        vacancy = by_vacancy[vacancy_id]
        total += _value(candidate, vacancy, weights)
        if candidate.group:
            blocks.setdefault(candidate.group, set()).add(vacancy.block)
    return total - weights.split * sum(len(used) - 1 for used in blocks.values())


def validate(
    assignment: Mapping[int, int],
    candidates: Iterable[Candidate],
    vacancies: Iterable[Vacancy],
) -> None:
    """Raise ``ValueError`` naming the first broken hard rule in ``assignment``."""
    by_candidate = {c.id: c for c in candidates}
    by_vacancy = {v.id: v for v in vacancies}
    holder: dict[int, int] = {}
    for candidate_id, vacancy_id in assignment.items():
        candidate = by_candidate.get(candidate_id)
        if candidate is None:
            raise ValueError(f"unknown candidate {candidate_id}")
        vacancy = by_vacancy.get(vacancy_id)
        if vacancy is None:
            raise ValueError(f"unknown vacancy {vacancy_id} (candidate {candidate_id})")
        if vacancy_id in holder:
            raise ValueError(
                f"vacancy {vacancy_id} given to candidates {holder[vacancy_id]} and {candidate_id}"
            )
        holder[vacancy_id] = candidate_id
        if vacancy.capacity < candidate.size:
            raise ValueError(
                f"vacancy {vacancy_id} holds {vacancy.capacity}, "
                f"candidate {candidate_id} has {candidate.size} persons"
            )
        if candidate.needs_access and not vacancy.accessible:
            raise ValueError(
                f"candidate {candidate_id} needs an accessible unit, vacancy {vacancy_id} is not"
            )


def _check_input(candidates: Sequence[Candidate], vacancies: Sequence[Vacancy]) -> None:
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("candidate ids are not unique")
    if len({v.id for v in vacancies}) != len(vacancies):
        raise ValueError("vacancy ids are not unique")
    for c in candidates:
        if c.size < 1 or c.priority < 0:
            raise ValueError(f"candidate {c.id}: size must be >= 1 and priority >= 0")
    for v in vacancies:
        if v.capacity < 0:
            raise ValueError(f"vacancy {v.id}: capacity must not be negative")


# --- Explanations --------------------------------------------------------------------------


def explain(
    assignment: Mapping[int, int],
    candidates: Iterable[Candidate],
    vacancies: Iterable[Vacancy],
) -> dict[int, list[Reason]]:
    """Reasons for every candidate (placed or not); codes in the module docstring."""
    cands = sorted(candidates, key=lambda c: (c.rank, c.id))
    vacs = sorted(vacancies, key=lambda v: v.id)
    by_vacancy = {v.id: v for v in vacs}
    taken = set(assignment.values())
    # Units by kind (capacity, accessible): all of them, and those left free.
    every: Counter[tuple[int, bool]] = Counter((v.capacity, v.accessible) for v in vacs)
    free: Counter[tuple[int, bool]] = Counter(
        (v.capacity, v.accessible) for v in vacs if v.id not in taken
    )
    group_size = Counter(c.group for c in cands if c.group)
    group_blocks: dict[str, Counter[str]] = {}
    for c in cands:
        if c.group and c.id in assignment:
            group_blocks.setdefault(c.group, Counter())[by_vacancy[assignment[c.id]].block] += 1

    def fitting(c: Candidate, kinds: Counter[tuple[int, bool]]) -> tuple[int, int | None]:
        """How many of these units fit ``c``, and the smallest capacity among them."""
        count, smallest = 0, None
        for (capacity, accessible), n in kinds.items():
            if n and capacity >= c.size and (accessible or not c.needs_access):
                count += n
                smallest = capacity if smallest is None else min(smallest, capacity)
        return count, smallest

    out: dict[int, list[Reason]] = {}
    for c in cands:
        free_fits, smallest_free = fitting(c, free)
        if c.id not in assignment:
            fits, _ = fitting(c, every)
            why = "no_fit" if not fits else "not_worth" if free_fits else "outranked"
            out[c.id] = [Reason("not_placed", {"why": why, "size": c.size, "fitting": fits})]
            continue
        unit = by_vacancy[assignment[c.id]]
        reasons = [
            Reason("rank", {"rank": c.rank, "priority": c.priority}),
            Reason(
                "fits",
                {"size": c.size, "capacity": unit.capacity, "spare": unit.capacity - c.size},
            ),
        ]
        if c.needs_access:
            reasons.append(Reason("accessible"))
        if c.group:
            blocks = group_blocks[c.group]
            if blocks[unit.block] >= 2:
                reasons.append(
                    Reason(
                        "family",
                        {
                            "group_block": unit.block,
                            "placed_together": blocks[unit.block],
                            "group_size": group_size[c.group],
                        },
                    )
                )
            if len(blocks) >= 2:
                reasons.append(Reason("family_split", {"blocks": len(blocks)}))
        if smallest_free is None or smallest_free >= unit.capacity:
            reasons.append(Reason("smallest_fit"))
        out[c.id] = reasons
    return out


def _result(
    assignment: dict[int, int],
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    weights: Weights,
    started: float,
    method: str,
) -> Result:
    validate(assignment, candidates, vacancies)
    order = sorted(candidates, key=lambda c: (c.rank, c.id))
    return Result(
        assignment=dict(sorted(assignment.items())),
        objective=objective(assignment, candidates, vacancies, weights),
        seconds=time.perf_counter() - started,
        method=method,
        explanations=explain(assignment, candidates, vacancies),
        unplaced=[c.id for c in order if c.id not in assignment],
    )


# --- Greedy baseline ---------------------------------------------------------------------


def greedy(
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    weights: Weights | None = None,
) -> Result:
    """The clerk's way: down the waitlist, each household takes the smallest
    fitting unit left (ties: a block where its family already lives, then the
    lowest unit id)."""
    started = time.perf_counter()
    weights = weights or Weights()
    _check_input(candidates, vacancies)
    free = sorted(vacancies, key=lambda v: (v.capacity, v.id))
    family_blocks: dict[str, set[str]] = {}
    assignment: dict[int, int] = {}
    for c in sorted(candidates, key=lambda c: (c.rank, c.id)):
        near = family_blocks.get(c.group, set()) if c.group else set()
        best: tuple[int, int, int] | None = None
        for position, v in enumerate(free):
            if best is not None and v.capacity > best[0]:
                break
            if _fits(c, v):
                key = (v.capacity, 0 if v.block in near else 1, position)
                if best is None or key < best:
                    best = key
        if best is None:
            continue
        unit = free.pop(best[2])
        assignment[c.id] = unit.id
        if c.group:
            family_blocks.setdefault(c.group, set()).add(unit.block)
    return _result(assignment, candidates, vacancies, weights, started, "greedy")


# --- The problem, by kinds of unit ---------------------------------------------------------


class _Problem:
    """Candidates and vacancies indexed, with units grouped into kinds.

    A kind is (capacity, accessible): units of one kind are interchangeable for
    every household, except that the households of family groups also care
    about the block.
    """

    def __init__(
        self, candidates: Sequence[Candidate], vacancies: Sequence[Vacancy], weights: Weights
    ) -> None:
        _check_input(candidates, vacancies)
        self.weights = weights
        self.cands = sorted(candidates, key=lambda c: (c.rank, c.id))
        self.vacs = sorted(vacancies, key=lambda v: v.id)
        self.kinds = sorted({(v.capacity, v.accessible) for v in self.vacs})
        kind_index = {k: i for i, k in enumerate(self.kinds)}
        self.kind_of = [kind_index[(v.capacity, v.accessible)] for v in self.vacs]
        self.blocks = sorted({v.block for v in self.vacs})
        self.block_of = [v.block for v in self.vacs]
        self.count = [0] * len(self.kinds)
        self.count_kb: dict[tuple[int, str], int] = {}
        self.units_kb: dict[tuple[int, str], list[int]] = {}
        for u, v in enumerate(self.vacs):
            k = self.kind_of[u]
            self.count[k] += 1
            self.count_kb[(k, v.block)] = self.count_kb.get((k, v.block), 0) + 1
            self.units_kb.setdefault((k, v.block), []).append(u)
        # Feasible kinds of each candidate, with the value of placing it there.
        self.options: list[list[tuple[int, int]]] = []
        for c in self.cands:
            row = []
            for k, (capacity, accessible) in enumerate(self.kinds):
                if capacity >= c.size and (accessible or not c.needs_access):
                    row.append((k, self.kind_value(c, k)))
            self.options.append(row)
        members: dict[str, list[int]] = {}
        for h, c in enumerate(self.cands):
            if c.group:
                members.setdefault(c.group, []).append(h)
        # Only groups of two or more households can be split.
        self.groups = {g: hs for g, hs in sorted(members.items()) if len(hs) >= 2}
        self.group_of: list[str | None] = [None] * len(self.cands)
        for g, hs in self.groups.items():
            for h in hs:
                self.group_of[h] = g
        # The household -> kind options as arrays, for the flow.
        self.block_index = {b: i for i, b in enumerate(self.blocks)}
        self.arc_h = np.array([h for h, row in enumerate(self.options) for _ in row], np.int32)
        self.arc_k = np.array([k for row in self.options for k, _v in row], np.int32)
        self.arc_value = np.array([v for row in self.options for _k, v in row], np.int64)
        self.kb_pairs = sorted(self.count_kb, key=lambda kb: (kb[0], self.block_index[kb[1]]))
        self.kb_matrix = np.full((len(self.kinds), len(self.blocks)), -1, np.int32)
        for i, (k, block) in enumerate(self.kb_pairs):
            self.kb_matrix[k, self.block_index[block]] = i
        self._room: dict[str, list[str]] = {}

    def room(self, g: str) -> list[str]:
        """Blocks by how many of their units would hold the households of group
        ``g`` with at most ``NEAR_FIT`` places to spare (most first, then by code)."""
        if g not in self._room:
            room: Counter[str] = Counter()
            for h in self.groups[g]:
                c = self.cands[h]
                for (k, b), n in self.count_kb.items():
                    capacity, accessible = self.kinds[k]
                    if (
                        capacity >= c.size
                        and capacity - c.size <= NEAR_FIT
                        and (accessible or not c.needs_access)
                    ):
                        room[b] += n
            self._room[g] = sorted(room, key=lambda b: (-room[b], b))
        return self._room[g]

    def kind_value(self, c: Candidate, k: int) -> int:
        w = self.weights
        return w.placement + w.priority * c.priority - w.waste * (self.kinds[k][0] - c.size)

    def unit_value(self, h: int, u: int) -> int:
        return _value(self.cands[h], self.vacs[u], self.weights)

    def to_ids(self, placed: Mapping[int, int]) -> dict[int, int]:
        return {self.cands[h].id: self.vacs[u].id for h, u in placed.items()}

    def from_ids(self, assignment: Mapping[int, int]) -> dict[int, int]:
        h_of = {c.id: h for h, c in enumerate(self.cands)}
        u_of = {v.id: u for u, v in enumerate(self.vacs)}
        return {h_of[c]: u_of[v] for c, v in assignment.items()}

    def score(self, placed: Mapping[int, int]) -> int:
        total = sum(self.unit_value(h, u) for h, u in placed.items())
        blocks: dict[str, set[str]] = {}
        for h, u in placed.items():
            g = self.group_of[h]
            if g is not None:
                blocks.setdefault(g, set()).add(self.block_of[u])
        return total - self.weights.split * sum(len(b) - 1 for b in blocks.values())


# --- Min-cost flow -----------------------------------------------------------------------


def _flow(
    p: _Problem, homes: Mapping[str, str] | None = None
) -> tuple[dict[int, int], dict[int, str]]:
    """Who is placed in which kind of unit, maximising the value; without
    ``homes``, split costs are left out (the bound). With ``homes`` (group ->
    block), a household of such a group pays the split cost for a unit outside
    its home block (an upper estimate of what leaving it costs).

    Nodes: the households (supply 1 each), the sink, one node per kind and one
    per (kind, block). Arcs: household -> kind; household -> (kind, its home
    block), without the split cost; (kind, block) -> kind (capacity: its units
    there); kind -> sink (capacity: its units); household -> sink (not placed,
    no value). Costs are ``top - value`` so that none is negative. Returns
    (household -> kind, household -> home block for those placed there by the
    home arc).
    """
    homes = homes or {}
    n, kinds_n = len(p.cands), len(p.kinds)
    sink, kind0, kb0 = n, n + 1, n + 1 + len(p.kinds)
    top = max(0, int(p.arc_value.max())) if len(p.arc_value) else 0
    home_of = np.full(n, -1, np.int32)
    for g, block in homes.items():
        for h in p.groups[g]:
            home_of[h] = p.block_index[block]
    arc_home = home_of[p.arc_h]
    penalty = np.where(arc_home >= 0, p.weights.split, 0).astype(np.int64)
    ones = np.ones(len(p.arc_h), np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        p.arc_h, p.arc_k + kind0, ones, top - p.arc_value + penalty
    )
    with_home = np.nonzero(arc_home >= 0)[0]
    kb = p.kb_matrix[p.arc_k[with_home], arc_home[with_home]]
    home_arcs = with_home[kb >= 0]
    kb = kb[kb >= 0]
    if len(home_arcs):
        flow.add_arcs_with_capacity_and_unit_cost(
            p.arc_h[home_arcs],
            (kb + kb0).astype(np.int32),
            np.ones(len(home_arcs), np.int64),
            top - p.arc_value[home_arcs],
        )
    if p.kb_pairs:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(kb0, kb0 + len(p.kb_pairs), dtype=np.int32),
            np.array([kind0 + k for k, _b in p.kb_pairs], np.int32),
            np.array([p.count_kb[pair] for pair in p.kb_pairs], np.int64),
            np.zeros(len(p.kb_pairs), np.int64),
        )
    if kinds_n:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(kind0, kind0 + kinds_n, dtype=np.int32),
            np.full(kinds_n, sink, np.int32),
            np.array(p.count, np.int64),
            np.zeros(kinds_n, np.int64),
        )
    if n:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(n, dtype=np.int32),
            np.full(n, sink, np.int32),
            np.ones(n, np.int64),
            np.full(n, top, np.int64),
        )
        flow.set_nodes_supplies(np.arange(n + 1, dtype=np.int32), np.array([1] * n + [-n]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    kinds: dict[int, int] = {}
    at_home: dict[int, str] = {}
    used = np.asarray(flow.flows(np.arange(len(p.arc_h), dtype=np.int32)))
    for i in np.nonzero(used)[0]:
        kinds[int(p.arc_h[i])] = int(p.arc_k[i])
    if len(home_arcs):
        first = len(p.arc_h)
        used = np.asarray(flow.flows(np.arange(first, first + len(home_arcs), dtype=np.int32)))
        for i in np.nonzero(used)[0]:
            h = int(p.arc_h[home_arcs[i]])
            kinds[h] = int(p.arc_k[home_arcs[i]])
            at_home[h] = p.blocks[int(home_of[h])]
    return kinds, at_home


def upper_bound(
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    weights: Weights | None = None,
) -> int:
    """The optimum without split costs (min-cost flow): never below the optimum."""
    p = _Problem(candidates, vacancies, weights or Weights())
    kinds, _ = _flow(p)
    return sum(p.kind_value(p.cands[h], k) for h, k in kinds.items())


# --- From kinds to units, and gathering families -----------------------------------------


def _arrange(p: _Problem, kinds: Mapping[int, int], at_home: Mapping[int, str]) -> dict[int, int]:
    """Concrete units for households placed by kind: those that took their home
    block, then the rest of each family into the block that takes most of it,
    then everyone else (lowest unit ids first)."""
    free: dict[tuple[int, str], list[int]] = {
        key: sorted(units, reverse=True) for key, units in p.units_kb.items()
    }
    placed: dict[int, int] = {}
    for h, block in at_home.items():  # the flow kept (kind, home block) within its units
        placed[h] = free[(kinds[h], block)].pop()
    for hs in p.groups.values():
        waiting = [h for h in hs if h in kinds and h not in placed]
        while waiting:
            here = Counter(p.block_of[placed[h]] for h in hs if h in placed)
            need = Counter(kinds[h] for h in waiting)
            best: tuple[int, int, str] | None = None
            for b in p.blocks:
                fit = sum(min(n, len(free.get((k, b), ()))) for k, n in need.items())
                if fit and (best is None or (fit, here[b]) > best[:2]):
                    best = (fit, here[b], b)
            if best is None:
                raise RuntimeError("no unit left of a kind the flow chose")
            b = best[2]
            rest = []
            for h in waiting:
                units = free.get((kinds[h], b))
                if units:
                    placed[h] = units.pop()
                else:
                    rest.append(h)
            waiting = rest
    by_kind: dict[int, list[int]] = {}
    for (k, _b), units in free.items():
        by_kind.setdefault(k, []).extend(units)
    for units in by_kind.values():
        units.sort(reverse=True)
    for h, k in kinds.items():
        if h not in placed:
            placed[h] = by_kind[k].pop()
    return placed


class _Gather:
    """Local search that gathers family groups into fewer blocks.

    A move takes the placed households of a group that live outside a target
    block into units of that block: a free unit there, or the unit of another
    household, which then takes the unit left behind (a swap) or, if better, the
    smallest free unit that fits it anywhere (an ejection). Every such change
    alters the waste only by the capacities freed and newly used. A move is
    kept if the objective rises; the search stops when no move helps (or at
    ``deadline``, a safety net).
    """

    def __init__(self, p: _Problem, placed: Mapping[int, int], deadline: float) -> None:
        self.p = p
        self.placed = dict(placed)
        self.holder = {u: h for h, u in self.placed.items()}
        self.deadline = deadline
        self.cap = [v.capacity for v in p.vacs]
        self.accessible = [v.accessible for v in p.vacs]
        self.size = [c.size for c in p.cands]
        self.needs = [c.needs_access for c in p.cands]
        self.by_block: dict[str, list[int]] = {}
        for u in range(len(p.vacs)):
            self.by_block.setdefault(p.block_of[u], []).append(u)
        for units in self.by_block.values():
            units.sort(key=lambda u: (self.cap[u], u))
        self.block_caps = {b: [self.cap[u] for u in units] for b, units in self.by_block.items()}
        # Free units by capacity, for ejections; answers cached until it changes.
        self.free = sorted((self.cap[u], u) for u in range(len(p.vacs)) if u not in self.holder)
        self.cache: dict[tuple[int, bool], int | None] = {}

    def fits(self, h: int, u: int) -> bool:
        return self.cap[u] >= self.size[h] and (self.accessible[u] or not self.needs[h])

    def split(self, g: str) -> int:
        p = self.p
        blocks = {p.block_of[self.placed[h]] for h in p.groups[g] if h in self.placed}
        return max(0, len(blocks) - 1)

    def _smallest_free(self, h: int) -> int | None:
        key = (self.size[h], self.needs[h])
        if key not in self.cache:
            found = None
            for i in range(bisect.bisect_left(self.free, (key[0], -1)), len(self.free)):
                u = self.free[i][1]
                if self.accessible[u] or not key[1]:
                    found = u
                    break
            self.cache[key] = found
        return self.cache[key]

    def _take(self, u: int) -> None:
        self.free.remove((self.cap[u], u))
        self.cache.clear()

    def _release(self, u: int) -> None:
        bisect.insort(self.free, (self.cap[u], u))
        self.cache.clear()

    def _relocate(self, h: int, u: int) -> None:
        """Put ``h`` into ``u`` (free or already vacated)."""
        old = self.placed.get(h)
        if old is not None and self.holder.get(old) == h:
            del self.holder[old]
        self.placed[h] = u
        self.holder[u] = h

    def _option(self, g: str, h: int, cur: int, b: str) -> tuple[int, int, int, int] | None:
        """The best way for ``h`` (of group ``g``, in unit ``cur``) into block
        ``b``: (waste change as a gain, preference, -unit, where the unit's
        holder goes or -1), the largest tuple being the best."""
        group_of = self.p.group_of
        waste = self.p.weights.waste
        cap = self.cap
        best: tuple[int, int, int, int] | None = None
        units = self.by_block[b]
        needs = self.needs[h]
        accessible = self.accessible
        for i in range(bisect.bisect_left(self.block_caps[b], self.size[h]), len(units)):
            u = units[i]
            if needs and not accessible[u]:
                continue
            other = self.holder.get(u)
            if other is None:
                option = (waste * (cap[cur] - cap[u]), 0, -u, -1)
                if best is None or option > best:
                    best = option
                continue
            other_group = group_of[other]
            if other_group == g:
                continue
            rank = -1 if other_group is None else -2
            if self.fits(other, cur):
                option = (0, rank, -u, cur)
                if best is None or option > best:
                    best = option
            f = self._smallest_free(other)
            if f is not None:
                option = (waste * (cap[cur] - cap[f]), rank, -u, f)
                if best is None or option > best:
                    best = option
        return best

    def _move(self, g: str, b: str) -> tuple[int, list[tuple[int, int]]]:
        """Move group ``g`` into block ``b``: (objective change, undo log of
        (household, its previous unit))."""
        p = self.p
        undo: list[tuple[int, int]] = []
        before = {g: self.split(g)}
        delta = 0
        for h in p.groups[g]:
            cur = self.placed.get(h)
            if cur is None or p.block_of[cur] == b:
                continue
            best = self._option(g, h, cur, b)
            if best is None:
                continue
            gain, _rank, u, dest = best
            u = -u
            other = self.holder.get(u)
            if other is not None:
                og = p.group_of[other]
                if og is not None and og not in before:
                    before[og] = self.split(og)
                undo.append((other, u))
                if dest != cur:
                    self._take(dest)
                self._relocate(other, dest)
            else:
                self._take(u)
            undo.append((h, cur))
            self._relocate(h, u)
            if cur not in self.holder:
                self._release(cur)
            delta += gain
        gain = delta + p.weights.split * sum(n - self.split(o) for o, n in before.items())
        return gain, undo

    def _estimate(self, g: str, b: str) -> int:
        """What moving ``g`` into ``b`` would gain if its households did not
        compete for units and nobody else's family were split by it (mostly an
        overestimate: only moves estimated worth it are tried)."""
        p = self.p
        stay: set[str] = set()
        moved = False
        gain = 0
        for h in p.groups[g]:
            cur = self.placed.get(h)
            if cur is None:
                continue
            if p.block_of[cur] == b:
                moved = True
                continue
            option = self._option(g, h, cur, b)
            if option is None:
                stay.add(p.block_of[cur])
            else:
                moved = True
                gain += option[0]
        after = len(stay) + (1 if moved else 0) - 1
        return gain + p.weights.split * (self.split(g) - after)

    def _undo(self, undo: list[tuple[int, int]]) -> None:
        original: dict[int, int] = {}
        for h, u in undo:
            original.setdefault(h, u)
        for h in original:
            now = self.placed[h]
            del self.holder[now]
            self._release(now)
        for h, u in original.items():
            self._take(u)
            self.placed[h] = u
            self.holder[u] = h

    def run(self) -> dict[int, int]:
        p = self.p
        improved = True
        while improved and time.perf_counter() < self.deadline:
            improved = False
            for g, hs in p.groups.items():
                if self.split(g) == 0:
                    continue
                here = Counter(p.block_of[self.placed[h]] for h in hs if h in self.placed)
                targets = sorted(here, key=lambda b: (-here[b], b))
                targets += [b for b in p.room(g) if b not in here]
                best: tuple[int, str] | None = None
                for b in targets:
                    if self._estimate(g, b) <= (0 if best is None else best[0]):
                        continue
                    gain, undo = self._move(g, b)
                    self._undo(undo)
                    if gain > 0 and (best is None or gain > best[0]):
                        best = (gain, b)
                if best is not None:
                    self._move(g, best[1])
                    improved = True
        return self.placed


# --- CP-SAT --------------------------------------------------------------------------------


class _Model:
    """The problem by kinds, exactly, as a CP-SAT model.

    A household outside family groups chooses a kind (x[h, k, ""]); a household
    of a group chooses a kind and a block (x[h, k, b]). Per kind, at most its
    units are used; per (kind, block), the households of groups use at most its
    units there (the others fill whatever is left of the kind, wherever it is,
    so this is exact). y[g, b]: group g uses block b; z[g]: g has somebody placed.
    """

    def __init__(
        self,
        p: _Problem,
        fixed: Mapping[int, int] | None = None,
        blocks: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """The whole problem; or, for the polish, with ``fixed`` (household ->
        kind) for the households outside groups, kept as they are (only their
        kinds count, not their units), and ``blocks``: the blocks each group
        may use."""
        self.p = p
        self.status = cp_model.UNKNOWN
        self.fixed = dict(fixed or {})
        m = self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, str], cp_model.IntVar] = {}
        used_by_kind: list[list[cp_model.IntVar]] = [[] for _ in p.kinds]
        used_by_kb: dict[tuple[int, str], list[cp_model.IntVar]] = {}
        in_block: dict[tuple[int, str], list[cp_model.IntVar]] = {}
        terms: list[cp_model.IntVar] = []
        coefs: list[int] = []
        left = list(p.count)
        for k in self.fixed.values():
            left[k] -= 1
        for h, row in enumerate(p.options):
            g = p.group_of[h]
            mine = []
            if g is None:
                if fixed is not None:
                    continue
                for k, value in row:
                    var = m.new_bool_var(f"x{h}_{k}")
                    self.x[(h, k, "")] = var
                    used_by_kind[k].append(var)
                    mine.append(var)
                    terms.append(var)
                    coefs.append(value)
            else:
                for k, value in row:
                    if left[k] <= 0:
                        continue
                    for b in p.blocks if blocks is None else blocks[g]:
                        if (k, b) not in p.count_kb:
                            continue
                        var = m.new_bool_var(f"x{h}_{k}_{b}")
                        self.x[(h, k, b)] = var
                        used_by_kind[k].append(var)
                        used_by_kb.setdefault((k, b), []).append(var)
                        in_block.setdefault((h, b), []).append(var)
                        mine.append(var)
                        terms.append(var)
                        coefs.append(value)
            if len(mine) > 1:
                m.add_at_most_one(mine)
        for k, used in enumerate(used_by_kind):
            if len(used) > left[k]:
                m.add(sum(used) <= left[k])
        for (k, b), used in used_by_kb.items():
            if len(used) > p.count_kb[(k, b)]:
                m.add(sum(used) <= p.count_kb[(k, b)])
        self.y: dict[tuple[str, str], cp_model.IntVar] = {}
        split = p.weights.split
        if split:
            for g, hs in p.groups.items():
                ys = []
                for b in p.blocks:
                    if not any((h, b) in in_block for h in hs):
                        continue
                    y = m.new_bool_var(f"y{g}_{b}")
                    self.y[(g, b)] = y
                    ys.append(y)
                    for h in hs:
                        if (h, b) in in_block:
                            m.add(sum(in_block[(h, b)]) <= y)
                    terms.append(y)
                    coefs.append(-split)
                if ys:
                    z = m.new_bool_var(f"z{g}")
                    m.add(z <= sum(ys))
                    terms.append(z)
                    coefs.append(split)
        m.maximize(cp_model.LinearExpr.weighted_sum(terms, coefs))

    def hint(self, placed: Mapping[int, int]) -> None:
        p = self.p
        chosen: set[tuple[int, int, str]] = set()
        blocks: set[tuple[str, str]] = set()
        for h, u in placed.items():
            g = p.group_of[h]
            chosen.add((h, p.kind_of[u], "" if g is None else p.block_of[u]))
            if g is not None:
                blocks.add((g, p.block_of[u]))
        for key, var in self.x.items():
            self.model.add_hint(var, key in chosen)
        for gb, var in self.y.items():
            self.model.add_hint(var, gb in blocks)

    def solve(
        self, seconds: float, *, deterministic_s: float | None = None, workers: int = 0
    ) -> cp_model.CpSolver:
        """Solve within ``seconds`` of wall time. With ``deterministic_s``: one
        worker, stopped after that much deterministic time, so that the same
        model always gives the same answer (the wall-clock limit is then only a
        safety net); else ``workers`` threads (0: all cores)."""
        solver = cp_model.CpSolver()
        solver.parameters.random_seed = 7
        if deterministic_s is not None:
            solver.parameters.num_workers = 1
            solver.parameters.max_deterministic_time = deterministic_s
        else:
            solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = seconds
        self.status = solver.solve(self.model)
        return solver

    def solution(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """Units for the solution: households of groups into their (kind, block),
        then the others (and the fixed ones) into what is left of their kind."""
        p = self.p
        free: dict[tuple[int, str], list[int]] = {
            key: sorted(units, reverse=True) for key, units in p.units_kb.items()
        }
        placed: dict[int, int] = {}
        rest = sorted(self.fixed.items())
        for (h, k, b), var in self.x.items():
            if solver.boolean_value(var):
                if b:
                    placed[h] = free[(k, b)].pop()
                else:
                    rest.append((h, k))
        by_kind: dict[int, list[int]] = {}
        for (k, _b), units in free.items():
            by_kind.setdefault(k, []).extend(units)
        for units in by_kind.values():
            units.sort(reverse=True)
        for h, k in sorted(rest):
            placed[h] = by_kind[k].pop()
        return placed


def best_bound(
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    weights: Weights | None = None,
    time_limit_s: float = 60.0,
    hint: Mapping[int, int] | None = None,
    workers: int = 0,
) -> Bound:
    """The best upper bound on the optimum found in about ``time_limit_s``.

    The min-cost flow without split costs (:func:`upper_bound`) first: if a
    solution reaches it (``hint``, candidate id -> vacancy id, or the flow's
    own answer with families gathered), that is the proven optimum. Otherwise
    CP-SAT on the exact model, started from ``hint``, on ``workers`` threads (0:
    all cores); it proves the optimum when it can, else gives its best bound
    (never above the flow's). Not deterministic when CP-SAT runs.
    """
    started = time.perf_counter()
    weights = weights or Weights()
    p = _Problem(candidates, vacancies, weights)
    kinds, _ = _flow(p)
    flow_bound = sum(p.kind_value(p.cands[h], k) for h, k in kinds.items())
    if hint:
        validate(hint, candidates, vacancies)
    start = p.from_ids(hint) if hint else {}
    quick = _Gather(p, _arrange(p, kinds, {}), started + time_limit_s / 10).run()
    if not start or p.score(quick) > p.score(start):
        start = quick
    value = p.score(start)
    if value >= flow_bound:
        return Bound(
            flow_bound, value, True, "flow", time.perf_counter() - started, p.to_ids(start)
        )
    model = _Model(p)
    model.hint(start)
    left = max(0.1, time_limit_s - (time.perf_counter() - started))
    solver = model.solve(left, workers=workers)
    seconds = time.perf_counter() - started
    bound = flow_bound
    if model.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.solution(solver)
        if p.score(found) > value:
            start, value = found, p.score(found)
        bound = min(flow_bound, math.floor(solver.best_objective_bound + 1e-6))
    optimal = model.status == cp_model.OPTIMAL or value >= bound
    method = "cpsat" if optimal or bound < flow_bound else "flow"
    return Bound(value if optimal else bound, value, optimal, method, seconds, p.to_ids(start))


# --- The optimiser -------------------------------------------------------------------------


def optimise(
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    weights: Weights | None = None,
    time_limit_s: float = 5.0,
) -> Result:
    """The best allocation found within about ``time_limit_s`` seconds.

    1. A min-cost flow places households into kinds of unit without split
       costs; units are then chosen so that families gather (:class:`_Gather`).
       If no family is split (nor moved to a worse unit), this is the optimum.
    2. Each group gets a home block (where most of it lives) and the flow is
       solved again with units outside the home block dearer by the split cost;
       the result is gathered again. Groups still split get the next candidate
       home (blocks where they live, then those with most room for them) in the
       next round. The best true objective is kept.
    3. A local search over home blocks (:func:`_home_search`).
    4. CP-SAT: the whole problem when it is small (proving the optimum),
       otherwise the households of groups with everyone else kept.

    Steps 2-4 are sized from ``time_limit_s`` by a count of flows and CP-SAT's
    deterministic time, not by the clock, so the same input gives the same
    answer; the clock only cuts them short on a machine several times slower
    than the one they were tuned on.
    """
    started = time.perf_counter()
    weights = weights or Weights()
    p = _Problem(candidates, vacancies, weights)
    deadline = started + time_limit_s * (1 - RESERVED_SHARE)  # a safety net
    method = "flow"

    kinds, at_home = _flow(p)
    flow_bound = sum(p.kind_value(p.cands[h], k) for h, k in kinds.items())
    best = _Gather(p, _arrange(p, kinds, at_home), deadline).run()
    best_score = p.score(best)
    if p.groups and weights.split and best_score < flow_bound:
        cost = FLOW_FIXED_S + FLOW_PER_ARC_S * len(p.arc_h)
        evaluations = min(MAX_EVALUATIONS, int(time_limit_s * SEARCH_SHARE / cost))
        rounds = min(REHOME_ROUNDS, evaluations // 3)
        best, best_score = _rehome(p, best, best_score, flow_bound, deadline, rounds)
        free = {h: p.kind_value(p.cands[h], k) for h, k in kinds.items()}
        best, best_score = _home_search(
            p, best, best_score, flow_bound, free, deadline, evaluations - rounds
        )
    if p.groups and weights.split and best_score < flow_bound:
        improved = _polish(p, best, best_score, time_limit_s * POLISH_SHARE, deadline)
        if improved is not None:
            best, method = improved
    chosen = _rank_order_among_twins(p.to_ids(best), candidates)
    return _result(chosen, candidates, vacancies, weights, started, method)


def _rank_order_among_twins(
    assignment: dict[int, int], candidates: Sequence[Candidate]
) -> dict[int, int]:
    """Households the objective cannot tell apart (same score, size and access need, no
    family group) take units in waitlist order: a household is never left out while a twin
    ranked below it is placed. Swapping twins leaves the objective as it was."""
    solo = sorted((c for c in candidates if not c.group), key=lambda c: (c.rank, c.id))
    result = dict(assignment)
    for higher in solo:
        if higher.id in result:
            continue
        twin = (higher.priority, higher.size, higher.needs_access)
        for lower in reversed(solo):
            if (lower.rank, lower.id) <= (higher.rank, higher.id):
                break
            if lower.id in result and (lower.priority, lower.size, lower.needs_access) == twin:
                result[higher.id] = result.pop(lower.id)
                break
    return result


def _rehome(
    p: _Problem,
    best: dict[int, int],
    best_score: int,
    flow_bound: int,
    deadline: float,
    rounds: int,
) -> tuple[dict[int, int], int]:
    """Step 2 of :func:`optimise`: up to ``rounds`` flows with home blocks."""
    choices = {g: p.room(g) for g in p.groups}
    tried: dict[str, set[str]] = {g: set() for g in p.groups}
    homes: dict[str, str] = {}
    source = best
    for _round in range(rounds):
        if time.perf_counter() > deadline or best_score >= flow_bound:
            break
        # Groups together stay where they are; split ones try a new home.
        for g, hs in p.groups.items():
            here = Counter(p.block_of[source[h]] for h in hs if h in source)
            if not here:
                homes.pop(g, None)
                continue
            order = sorted(here, key=lambda b: (-here[b], b))
            if len(here) == 1 or g not in homes:
                homes[g] = order[0]
            else:
                untried = [b for b in order + choices[g] if b not in tried[g]]
                if untried:
                    homes[g] = untried[0]
            tried[g].add(homes[g])
        kinds, at_home = _flow(p, homes)
        placed = _Gather(p, _arrange(p, kinds, at_home), deadline).run()
        score = p.score(placed)
        if score > best_score:
            best, best_score = placed, score
            source = placed
        else:
            source = placed if score >= best_score - p.weights.split else best
    return best, best_score


def _home_search(
    p: _Problem,
    best: dict[int, int],
    best_score: int,
    flow_bound: int,
    free: Mapping[int, int],
    deadline: float,
    evaluations: int,
) -> tuple[dict[int, int], int]:
    """Step 3 of :func:`optimise`: local search over the home blocks.

    Each group lives in one home block (where most of it is); the groups whose
    households lost most against the flow without split costs (``free``:
    household -> its value there) try, one after the other, the blocks with most
    room for them as their home. A change is kept when the flow with the new
    homes, gathered, scores better. At most ``evaluations`` flows.
    """
    homes: dict[str, str] = {}
    for g, hs in p.groups.items():
        here = Counter(p.block_of[best[h]] for h in hs if h in best)
        if here:
            homes[g] = min(here, key=lambda b: (-here[b], b))

    def loss(g: str) -> int:
        hs = p.groups[g]
        return sum(free.get(h, 0) for h in hs) - sum(
            p.unit_value(h, best[h]) for h in hs if h in best
        )

    improved = True
    while improved and evaluations > 0 and best_score < flow_bound:
        improved = False
        losses = {g: loss(g) for g in p.groups}
        for g in sorted(p.groups, key=lambda g: (-losses[g], g)):
            if losses[g] <= 0 or evaluations <= 0 or time.perf_counter() > deadline:
                break
            for b in p.room(g)[:HOME_CHOICES]:
                if b == homes.get(g) or evaluations <= 0:
                    continue
                evaluations -= 1
                trial = {**homes, g: b}
                kinds, at_home = _flow(p, trial)
                placed = _Gather(p, _arrange(p, kinds, at_home), deadline).run()
                score = p.score(placed)
                if score > best_score:
                    best, best_score, homes = placed, score, trial
                    improved = True
                    break
    return best, best_score


def _polish(
    p: _Problem, placed: dict[int, int], score: int, seconds: float, deadline: float
) -> tuple[dict[int, int], str] | None:
    """Step 4 of :func:`optimise`, CP-SAT for about ``seconds``: the whole
    problem when it is small, else the households of groups, each group within
    a few blocks (those it lives in and the roomiest others for it), everyone
    else kept in their kind of unit; skipped when the model is too large for
    the time. Returns an improvement (and its method) or None."""
    size = sum(len(row) for row in p.options) + sum(
        len(p.options[h]) * len(p.blocks) for hs in p.groups.values() for h in hs
    )
    if size <= FULL_MODEL_VARIABLES:
        model = _Model(p)
    else:
        blocks = _candidate_blocks(p, placed, POLISH_OTHER_BLOCKS)
        size = sum(len(p.options[h]) * len(blocks[g]) for g, hs in p.groups.items() for h in hs)
        if size > POLISH_VARIABLES_PER_S * seconds:
            return None
        keep = {h: p.kind_of[u] for h, u in placed.items() if p.group_of[h] is None}
        model = _Model(p, fixed=keep, blocks=blocks)
    model.hint(placed)
    wall = deadline - time.perf_counter()
    if wall < 0.05:
        return None
    solver = model.solve(wall, deterministic_s=seconds * DETERMINISTIC_SHARE)
    if model.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = model.solution(solver)
    value = p.score(found)
    if model.status == cp_model.OPTIMAL and not model.fixed and value >= score:
        return found, "cpsat"
    if value > score:
        return found, "flow+cpsat"
    return None


def _candidate_blocks(p: _Problem, placed: Mapping[int, int], others: int) -> dict[str, list[str]]:
    """For each group: the blocks it lives in, and the ``others`` blocks with most
    room for it."""
    out: dict[str, list[str]] = {}
    for g, hs in p.groups.items():
        mine = sorted({p.block_of[placed[h]] for h in hs if h in placed})
        out[g] = mine + [b for b in p.room(g) if b not in mine][:others]
    return out

"""The trained model in plain Python: one pair, or one record against an in-memory index.

The levels are those of ``comparisons`` and the weights those of the Splink artefact, so a
pair scores the same here as in a batch run. The index keeps the blocking keys of every
record (``frame.BLOCK_KEYS``) in dictionaries: a check looks up the new record's keys, scores
the few hundred candidates at most, and returns the likely matches with their evidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mehman.matching.engine.comparisons import COMPARISONS, TF_MINIMUM, levels, vetoed
from mehman.matching.engine.frame import BLOCK_CAPS, BLOCK_KEYS, Frequencies
from mehman.matching.engine.model import artefact, level_weights, tf_bases
from mehman.matching.engine.prepare import LatinTable, Prepared, latin_pairs, prepare


@dataclass(frozen=True)
class Evidence:
    """How one field compared: the comparison, the level's label and its weight (bits)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True)
class Match:
    record_id: str
    probability: float
    weight: float
    evidence: tuple[Evidence, ...] = field(default=())


class Scorer:
    """Match weight and probability of a pair, from the trained parameters."""

    def __init__(self, model: dict[str, Any] | None = None, *, n_records: int = 1000) -> None:
        self.model = model or artefact()
        self.weights = level_weights(self.model)
        self.tf_bases = tf_bases(self.model)
        rate = float(self.model.get("mehman", {}).get("duplicates_per_record", 0.1))
        self.set_size(n_records, rate)

    def set_size(self, n_records: int, rate: float | None = None) -> None:
        """The prior for a registry of ``n_records`` (expected duplicates per record: rate)."""
        if rate is None:
            rate = float(self.model.get("mehman", {}).get("duplicates_per_record", 0.1))
        prior = min(max(2 * rate / max(n_records - 1, 1), 1e-12), 0.5)
        self.prior_weight = math.log2(prior / (1 - prior))

    def level_weight(
        self, index: int, level: int, a: Prepared, frequencies: Frequencies | None
    ) -> float:
        """The weight of one comparison's level, adjusted by the name's frequency if exact."""
        weight = self.weights[index][level]
        base = self.tf_bases[index][level]
        if base is None or frequencies is None:
            return weight
        tf = frequencies.tf(index, a)
        if tf is None:
            return weight
        return weight + base - math.log2(max(tf, TF_MINIMUM))

    def weigh(
        self, pair_levels: Sequence[int], a: Prepared, frequencies: Frequencies | None
    ) -> float:
        return self.prior_weight + sum(
            self.level_weight(i, level, a, frequencies) for i, level in enumerate(pair_levels)
        )

    @staticmethod
    def probability(weight: float) -> float:
        odds = float(2.0**weight)
        return odds / (1.0 + odds)

    def evidence(
        self, pair_levels: Sequence[int], a: Prepared, frequencies: Frequencies | None
    ) -> tuple[Evidence, ...]:
        return tuple(
            Evidence(
                comparison.name,
                comparison.levels[level].label,
                self.level_weight(i, level, a, frequencies),
            )
            for i, (comparison, level) in enumerate(zip(COMPARISONS, pair_levels, strict=True))
        )

    def compare(self, a: Prepared, b: Prepared, frequencies: Frequencies) -> Match:
        pair_levels = levels(a, b, frequencies.buckets())
        weight = self.weigh(pair_levels, a, frequencies)
        evidence = self.evidence(pair_levels, a, frequencies)
        return Match(b.record_id, self.probability(weight), weight, evidence)


class Index:
    """Records held in memory for instant checks of one new record."""

    def __init__(
        self,
        records: list[Prepared],
        *,
        table: LatinTable | None = None,
        model: dict[str, Any] | None = None,
    ) -> None:
        self.records = records
        self.table = table or LatinTable()
        self.frequencies = Frequencies.count(records)
        self._buckets = self.frequencies.buckets()
        self.scorer = Scorer(model, n_records=len(records))
        self.keys: dict[str, dict[str, list[int]]] = {rule: {} for rule in BLOCK_KEYS}
        for p in records:
            for rule, key_of in BLOCK_KEYS.items():
                key = key_of(p)
                if key is not None:
                    self.keys[rule].setdefault(key, []).append(p.uid)

    @classmethod
    def build(cls, rows: Iterable[Mapping[str, str]], **kwargs: Any) -> Index:
        rows = list(rows)
        table = LatinTable.learn(latin_pairs(rows))
        records = [prepare(i, row, table) for i, row in enumerate(rows)]
        return cls(records, table=table, **kwargs)

    @classmethod
    def from_csv(cls, path: Path | str, **kwargs: Any) -> Index:
        from mehman.matching.engine.pipeline import read_rows

        return cls.build(read_rows(Path(path)), **kwargs)

    def prepare(self, row: Mapping[str, str]) -> Prepared:
        return prepare(-1, row, self.table)

    def candidates(self, p: Prepared) -> set[int]:
        found: set[int] = set()
        for rule, key_of in BLOCK_KEYS.items():
            key = key_of(p)
            if key is None:
                continue
            uids = self.keys[rule].get(key)
            # The same budget as in batch runs: a key shared by too many records finds nothing.
            if uids and len(uids) < BLOCK_CAPS[rule]:
                found.update(uids)
        return found

    def check(
        self, row: Mapping[str, str], *, limit: int = 10, threshold: float = 0.2
    ) -> list[Match]:
        """The records most likely to be the person in ``row``, most likely first."""
        p = self.prepare(row)
        matches = []
        for uid in self.candidates(p):
            other = self.records[uid]
            pair_levels = levels(p, other, self._buckets)
            if vetoed(p, other, pair_levels):
                continue
            weight = self.scorer.weigh(pair_levels, p, self.frequencies)
            probability = self.scorer.probability(weight)
            if probability >= threshold:
                evidence = self.scorer.evidence(pair_levels, p, self.frequencies)
                matches.append(Match(other.record_id, probability, weight, evidence))
        matches.sort(key=lambda m: -m.weight)
        return matches[:limit]

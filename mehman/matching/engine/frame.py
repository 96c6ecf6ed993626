"""Prepared records as one columnar table, with name frequencies and budgeted blocking keys.

Blocking decides which pairs are compared at all. Afghan names are concentrated, so a key
made of names alone can gather thousands of people at a million records; each blocking key
therefore has a budget (``BLOCK_CAPS``): a key shared by more records than that is dropped
for that rule, and those records are still found by the rules with narrower keys (document,
phone, names with the year or the full date). The number of pairs stays close to linear in
the number of records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

from mehman.matching.engine.comparisons import (
    COMMON,
    COMMON_SHARE,
    MID,
    RARE,
    RARE_SHARE,
    alike_key,
)
from mehman.matching.engine.prepare import Prepared


@dataclass(frozen=True)
class Rule:
    """A blocking rule: records with the same key are compared, if the key has few records."""

    name: str
    cap: int  # the most records one key may gather
    sql: str  # the key over the table's columns (NULL: not blocked by this rule)
    key: Callable[[Prepared], str | None]  # the same key in Python


def _year(p: Prepared) -> str:
    return str(p.dob.year) if p.dob else ""


def _date(p: Prepared) -> str:
    # Exact dates only: estimated ones follow a few conventions (1 July, Nowruz) and gather
    # too many people under one key.
    if p.dob and p.dob.month and not p.dob.estimated:
        return f"{p.dob.year}-{p.dob.month}-{p.dob.day}"
    return ""


def _key(*parts: str) -> str | None:
    return "|".join(parts) if all(parts) else None


_SQL_YEAR = "cast(dy AS VARCHAR)"
_SQL_DATE = (
    "CASE WHEN de = 0 AND dm > 0 THEN cast(dy AS VARCHAR) || '-' || cast(dm AS VARCHAR) || '-' "
    "|| cast(dd AS VARCHAR) END"
)


def _sql(*parts: str) -> str:
    return " || '|' || ".join(parts)


def _names(p: Prepared) -> str | None:
    """Given and family name skeletons in either order: swapped names meet."""
    if p.given.skel and p.family.skel:
        return "|".join(sorted((p.given.skel, p.family.skel)))
    return None


_SQL_NAMES = (
    "CASE WHEN g_skel < s_skel THEN g_skel || '|' || s_skel ELSE s_skel || '|' || g_skel END"
)
# A document number's halves: a number mistyped in one half meets its original on the other.
_SQL_HALF = "CAST(floor(length(doc) / 2) AS INTEGER)"


def _half(p: Prepared, second: bool) -> str | None:
    if len(p.document) < 4:
        return None
    h = len(p.document) // 2
    return p.document[h:] if second else p.document[:h]


RULES: Final = (
    Rule("b_doc", 20, "doc", lambda p: p.document or None),
    Rule("b_tel", 20, "tel", lambda p: p.phone or None),
    # Two characters of a number swapped, or one half of it mistyped.
    Rule("b_docs", 20, "doc_sorted", lambda p: "".join(sorted(p.document)) or None),
    Rule(
        "b_doc1",
        20,
        f"CASE WHEN length(doc) >= 4 THEN substr(doc, 1, {_SQL_HALF}) END",
        lambda p: _half(p, False),
    ),
    Rule(
        "b_doc2",
        20,
        f"CASE WHEN length(doc) >= 4 THEN substr(doc, {_SQL_HALF} + 1) END",
        lambda p: _half(p, True),
    ),
    Rule("b_gs", 30, _SQL_NAMES, _names),
    Rule(
        "b_gfy",
        50,
        _sql("g_skel", "f_skel", _SQL_YEAR),
        lambda p: _key(p.given.skel, p.father.skel, _year(p)),
    ),
    Rule(
        "b_gsy",
        50,
        _sql("g_skel", "s_skel", _SQL_YEAR),
        lambda p: _key(p.given.skel, p.family.skel, _year(p)),
    ),
    Rule("b_gd", 50, _sql("g_skel", _SQL_DATE), lambda p: _key(p.given.skel, _date(p))),
    Rule(
        "b_fsd",
        50,
        _sql("f_skel", "s_skel", _SQL_DATE),
        lambda p: _key(p.father.skel, p.family.skel, _date(p)),
    ),
    Rule("b_fd", 30, _sql("f_skel", _SQL_DATE), lambda p: _key(p.father.skel, _date(p))),
    Rule("b_sd", 30, _sql("s_skel", _SQL_DATE), lambda p: _key(p.family.skel, _date(p))),
    Rule(
        "b_gfs",
        30,
        _sql("g_skel", "f_skel", "s_skel"),
        lambda p: _key(p.given.skel, p.father.skel, p.family.skel),
    ),
    Rule(
        "b_cfy",
        50,
        _sql("g_core", "f_skel", _SQL_YEAR),
        lambda p: _key(p.given.core, p.father.skel, _year(p)),
    ),
    Rule("b_gf", 30, _sql("g_skel", "f_skel"), lambda p: _key(p.given.skel, p.father.skel)),
    Rule("b_gy", 30, _sql("g_skel", _SQL_YEAR), lambda p: _key(p.given.skel, _year(p))),
    Rule(
        "b_fsy",
        50,
        _sql("f_skel", "s_skel", _SQL_YEAR),
        lambda p: _key(p.father.skel, p.family.skel, _year(p)),
    ),
)
BLOCK_CAPS: Final = {rule.name: rule.cap for rule in RULES}
BLOCK_KEYS: Final = {rule.name: rule.key for rule in RULES}


def blocking_rules() -> list[str]:
    return [f"l.{rule.name} = r.{rule.name}" for rule in RULES]


@dataclass
class Frequencies:
    """How often each name key occurs, as a frequency class (rare, mid, common)."""

    given: dict[str, int]
    father: dict[str, int]
    family: dict[str, int]
    total: int
    alike: dict[str, int]  # alike_key → records sharing it

    @classmethod
    def count(cls, records: Sequence[Prepared]) -> Frequencies:
        given: Counter[str] = Counter(p.given.key for p in records if p.given.key)
        father: Counter[str] = Counter(p.father.key for p in records if p.father.key)
        family: Counter[str] = Counter(p.family.key for p in records if p.family.key)
        alike: Counter[str] = Counter(alike_key(p) for p in records)
        alike.pop("", None)
        return cls(dict(given), dict(father), dict(family), len(records), dict(alike))

    def _bucket(self, counts: dict[str, int]) -> Callable[[str], int]:
        rare = RARE_SHARE * max(self.total, 1)
        common = COMMON_SHARE * max(self.total, 1)

        def bucket(key: str) -> int:
            n = counts.get(key, 0)
            return RARE if n <= max(rare, 1) else MID if n <= common else COMMON

        return bucket

    def tf(self, index: int, p: Prepared) -> float | None:
        """Term frequency of the name compared by comparison ``index`` (given, father, family)."""
        counts, key = (
            (self.given, p.given.key),
            (self.father, p.father.key),
            (self.family, p.family.key),
        )[index]
        if not key:
            return None
        total = self._totals[index]
        return counts.get(key, 0) / total if total else None

    @property
    def _totals(self) -> tuple[int, int, int]:
        cached = self.__dict__.get("_totals_cache")
        if cached is None:
            cached = (
                sum(self.given.values()),
                sum(self.father.values()),
                sum(self.family.values()),
            )
            self.__dict__["_totals_cache"] = cached
        return cached

    def buckets(
        self,
    ) -> tuple[
        Callable[[str], int], Callable[[str], int], Callable[[str], int], Callable[[str], int]
    ]:
        alike = self.alike
        return (
            self._bucket(self.given),
            self._bucket(self.father),
            self._bucket(self.family),
            lambda key: alike.get(key, 0),
        )


def _none(text: str) -> str | None:
    return text or None


BASE_COLUMNS: Final = {
    "unique_id": pa.int64(),
    "g": pa.string(),
    "g_core": pa.string(),
    "g_skel": pa.string(),
    "g_lat": pa.int8(),
    "f": pa.string(),
    "f_core": pa.string(),
    "f_skel": pa.string(),
    "f_lat": pa.int8(),
    "s": pa.string(),
    "s_skel": pa.string(),
    "dy": pa.int16(),
    "dm": pa.int8(),
    "dd": pa.int8(),
    "de": pa.int8(),
    "doc": pa.string(),
    "doc_sorted": pa.string(),
    "tel": pa.string(),
    "sex": pa.string(),
}


def to_arrow(records: Sequence[Prepared]) -> pa.Table:
    """The prepared records as columns (``derive`` adds frequencies and blocking keys)."""
    columns: dict[str, list[Any]] = {name: [] for name in BASE_COLUMNS}
    for p in records:
        given, father, family, dob = p.given, p.father, p.family, p.dob
        columns["unique_id"].append(p.uid)
        columns["g"].append(given.key or None)
        columns["g_core"].append(given.core or None)
        columns["g_skel"].append(given.skel or None)
        columns["g_lat"].append(1 if p.given_latin else 0)
        columns["f"].append(father.key or None)
        columns["f_core"].append(father.core or None)
        columns["f_skel"].append(father.skel or None)
        columns["f_lat"].append(1 if p.father_latin else 0)
        columns["s"].append(family.key or None)
        columns["s_skel"].append(family.skel or None)
        if dob is None:
            columns["dy"].append(None)
            columns["dm"].append(None)
            columns["dd"].append(None)
            columns["de"].append(None)
        else:
            columns["dy"].append(dob.year)
            columns["dm"].append(dob.month)
            columns["dd"].append(dob.day)
            columns["de"].append(1 if dob.estimated else 0)
        columns["doc"].append(p.document or None)
        columns["doc_sorted"].append("".join(sorted(p.document)) if p.document else None)
        columns["tel"].append(p.phone or None)
        columns["sex"].append(p.sex or None)
    return pa.table(
        {name: pa.array(values, type=BASE_COLUMNS[name]) for name, values in columns.items()}
    )


def derive_sql(source: str) -> list[str]:
    """SQL statements making table ``records`` from ``source``: what the comparisons and
    blocking rules read beyond the prepared values — name frequency classes, the ``alike``
    combination and its count, and each rule's key (NULL where the key gathers more records
    than the rule's cap). Counts are hash aggregates joined back (one pass each)."""
    keyed = ", ".join(f"{rule.sql} AS {rule.name}_key" for rule in RULES)
    counted = ["g", "f", "s", "gfy", *(f"{rule.name}_key" for rule in RULES)]
    statements = [
        f"CREATE TEMP TABLE keyed AS SELECT *, g || '|' || f || '|' || cast(dy AS VARCHAR) AS gfy,"
        f" {keyed} FROM {source}",
        "CREATE TEMP TABLE total AS SELECT count(*) AS n FROM keyed",
    ]
    for column in counted:
        statements.append(
            f"CREATE TEMP TABLE n_{column} AS SELECT {column} AS key, count(*) AS n "
            f"FROM keyed WHERE {column} IS NOT NULL GROUP BY {column}"
        )
    rare = f"greatest({RARE_SHARE} * total.n, 1)"
    common = f"{COMMON_SHARE} * total.n"

    def bucket(column: str) -> str:
        n = f"n_{column}.n"
        return (
            f"CASE WHEN n_{column}.n IS NULL THEN NULL WHEN {n} <= {rare} THEN {RARE} "
            f"WHEN {n} <= {common} THEN {MID} ELSE {COMMON} END AS {column}_fb"
        )

    capped = ", ".join(
        f"CASE WHEN n_{rule.name}_key.n <= {rule.cap} THEN keyed.{rule.name}_key END AS {rule.name}"
        for rule in RULES
    )
    joins = " ".join(
        f"LEFT JOIN n_{column} ON keyed.{column} = n_{column}.key" for column in counted
    )
    keys = ", ".join(f"{rule.name}_key" for rule in RULES)
    statements.append(
        f"CREATE TABLE records AS SELECT keyed.* EXCLUDE ({keys}), "
        f"{bucket('g')}, {bucket('f')}, {bucket('s')}, n_gfy.n AS gfy_n, {capped} "
        f"FROM keyed CROSS JOIN total {joins}"
    )
    statements.append("DROP TABLE keyed")
    statements.extend(f"DROP TABLE n_{column}" for column in counted)
    return statements


def block_keys(records: Sequence[Prepared]) -> dict[str, list[str | None]]:
    """Each rule's key per record, with keys over the rule's budget dropped."""
    out: dict[str, list[str | None]] = {}
    for rule in RULES:
        keys = [rule.key(p) for p in records]
        counts = Counter(k for k in keys if k is not None)
        out[rule.name] = [k if k is not None and counts[k] <= rule.cap else None for k in keys]
    return out

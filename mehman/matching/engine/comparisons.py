"""What the model compares, written once for SQL (Splink on DuckDB or Spark) and for Python.

Each comparison is a list of levels, most similar first; a pair takes the first level whose
condition holds. Splink learns a match probability m and a chance probability u per level;
the Python scorer (``scoring``) uses the same levels and parameters to check one record
instantly. ``tests/test_comparisons`` checks that both forms agree on many pairs.

Names are frequency-aware: an exact match of a rare name says more than one of محمد (the
exact level is weighed by the name's frequency), and a one-letter difference counts as a typo
only where one of the two names is rare (a typo of a common name makes a rare one, while حسن
and حسین are two common names, often of twins). A
skeleton match (the same consonants) counts only across scripts, where nothing better exists.
Conflicting document numbers are strong evidence against a match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from mehman.matching.engine.prepare import BirthDate, Prepared

# Share of records above which a name is "common", and below which it is "rare".
COMMON_SHARE: Final = 0.01
RARE_SHARE: Final = 0.001
RARE, MID, COMMON = 0, 1, 2


# An exact match of a name is weighed by how common that name is (Splink's term-frequency
# adjustment): log2(m / tf) instead of log2(m / u), tf no smaller than this.
TF_MINIMUM: Final = 1e-5


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    null: bool = False
    tf: str = ""  # the column whose term frequency adjusts this level


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]


def _name_levels(c: str) -> tuple[Level, ...]:
    """Levels of a given or father's name, column prefix ``c``."""
    return (
        Level("null", f"{c}_skel_l IS NULL OR {c}_skel_r IS NULL", null=True),
        Level("exact", f"{c}_l = {c}_r", tf=c),
        # The same name with and without محمد/غلام in front (not two different prefixes).
        Level("core", f"{c}_core_l = {c}_core_r AND ({c}_l = {c}_core_l OR {c}_r = {c}_core_r)"),
        Level(
            "typo",
            f"levenshtein({c}_l, {c}_r) <= 1 AND ({c}_fb_l = 0 OR {c}_fb_r = 0)",
        ),
        Level("skeleton", f"{c}_skel_l = {c}_skel_r AND ({c}_lat_l = 1 OR {c}_lat_r = 1)"),
        Level("else", "ELSE"),
    )


COMPARISONS: Final = (
    Comparison("given", _name_levels("g")),
    Comparison("father", _name_levels("f")),
    Comparison(
        "family",
        (
            Level("null", "s_skel_l IS NULL OR s_skel_r IS NULL", null=True),
            Level("exact", "s_l = s_r", tf="s"),
            Level("typo", "levenshtein(s_l, s_r) <= 1 AND (s_fb_l = 0 OR s_fb_r = 0)"),
            Level("skeleton", "s_skel_l = s_skel_r"),
            Level("else", "ELSE"),
        ),
    ),
    Comparison(
        "birth_date",
        (
            Level("null", "dy_l IS NULL OR dy_r IS NULL", null=True),
            Level(
                "exact",
                "dy_l = dy_r AND dm_l > 0 AND dm_l = dm_r AND dd_l = dd_r"
                " AND de_l = 0 AND de_r = 0",
            ),
            Level("exact_estimated", "dy_l = dy_r AND dm_l > 0 AND dm_l = dm_r AND dd_l = dd_r"),
            Level(
                "one_part",
                "de_l = 0 AND de_r = 0 AND ("
                "(dy_l = dy_r AND (dm_l = dm_r OR dd_l = dd_r OR (dm_l = dd_r AND dd_l = dm_r)))"
                " OR (dm_l = dm_r AND dd_l = dd_r AND abs(dy_l - dy_r) <= 1))",
            ),
            Level("year_estimated", "dy_l = dy_r AND (de_l = 1 OR de_r = 1)"),
            Level("near_estimated", "abs(dy_l - dy_r) <= 1 AND (de_l = 1 OR de_r = 1)"),
            Level("same_year", "dy_l = dy_r"),
            Level("near", "abs(dy_l - dy_r) <= 2"),
            Level("else", "ELSE"),
        ),
    ),
    Comparison(
        "document",
        (
            Level("null", "doc_l IS NULL OR doc_r IS NULL", null=True),
            Level("exact", "doc_l = doc_r"),
            # One character wrong, or two neighbours swapped (the same characters sorted).
            Level(
                "typo",
                "length(doc_l) = length(doc_r) AND (levenshtein(doc_l, doc_r) <= 1"
                " OR (doc_sorted_l = doc_sorted_r AND levenshtein(doc_l, doc_r) <= 2))",
            ),
            Level("else", "ELSE"),
        ),
    ),
    Comparison(
        "phone",
        (
            Level("null", "tel_l IS NULL OR tel_r IS NULL", null=True),
            Level("exact", "tel_l = tel_r"),
            Level("else", "ELSE"),
        ),
    ),
    Comparison(
        "sex",
        (
            Level("null", "sex_l IS NULL OR sex_r IS NULL", null=True),
            Level("exact", "sex_l = sex_r"),
            Level("else", "ELSE"),
        ),
    ),
    # How many records share the given name, father's name and birth year of both: two
    # people alone with a combination are more likely one person than two among thirty.
    Comparison(
        "alike",
        (
            Level("null", "gfy_l IS NULL OR gfy_r IS NULL OR gfy_l <> gfy_r", null=True),
            Level("two", "gfy_n_l <= 2"),
            Level("few", "gfy_n_l <= 4"),
            Level("some", "gfy_n_l <= 10"),
            Level("else", "ELSE"),
        ),
    ),
)


def splink_comparisons() -> list[dict[str, Any]]:
    """The comparisons as Splink settings (without parameters)."""
    out = []
    for comparison in COMPARISONS:
        levels = []
        for level in comparison.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.null:
                entry["is_null_level"] = True
            if level.tf:
                entry["tf_adjustment_column"] = level.tf
                entry["tf_adjustment_weight"] = 1.0
                entry["tf_minimum_u_value"] = TF_MINIMUM
            levels.append(entry)
        out.append({"output_column_name": comparison.name, "comparison_levels": levels})
    return out


# --- The same levels in Python --------------------------------------------------------------


def lev1(a: str, b: str) -> bool:
    """Levenshtein distance at most 1 (insert, delete or replace one letter; no swaps)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


Buckets = Callable[[str], int]


def _name_level(
    a_key: str,
    a_core: str,
    a_skel: str,
    a_lat: bool,
    b_key: str,
    b_core: str,
    b_skel: str,
    b_lat: bool,
    bucket: Buckets,
) -> int:
    if not a_skel or not b_skel:
        return 0
    if a_key and a_key == b_key:
        return 1
    if a_core and a_core == b_core and (a_key == a_core or b_key == b_core):
        return 2
    if a_key and b_key and lev1(a_key, b_key) and (bucket(a_key) == RARE or bucket(b_key) == RARE):
        return 3
    if a_skel == b_skel and (a_lat or b_lat):
        return 4
    return 5


def _family_level(a: Prepared, b: Prepared, bucket: Buckets) -> int:
    x, y = a.family, b.family
    if not x.skel or not y.skel:
        return 0
    if x.key and x.key == y.key:
        return 1
    if x.key and y.key and lev1(x.key, y.key) and (bucket(x.key) == RARE or bucket(y.key) == RARE):
        return 2
    if x.skel == y.skel:
        return 3
    return 4


def _date_level(x: BirthDate | None, y: BirthDate | None) -> int:
    if x is None or y is None:
        return 0
    estimated = x.estimated or y.estimated
    if x.year == y.year and x.month > 0 and x.month == y.month and x.day == y.day:
        return 2 if estimated else 1
    if not estimated and (
        (
            x.year == y.year
            and (x.month == y.month or x.day == y.day or (x.month == y.day and x.day == y.month))
        )
        or (x.month == y.month and x.day == y.day and abs(x.year - y.year) <= 1)
    ):
        return 3
    if x.year == y.year and estimated:
        return 4
    if abs(x.year - y.year) <= 1 and estimated:
        return 5
    if x.year == y.year:
        return 6
    if abs(x.year - y.year) <= 2:
        return 7
    return 8


def _simple(a: str, b: str) -> int:
    if not a or not b:
        return 0
    return 1 if a == b else 2


def levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, replace one character) from ``a`` to ``b``, as SQL's levenshtein."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def document_typo(a: str, b: str) -> bool:
    """One character wrong, or two swapped (at most two edits, the same characters)."""
    if len(a) != len(b):
        return False
    if lev1(a, b):
        return True
    return sorted(a) == sorted(b) and levenshtein(a, b) <= 2


def _document_level(a: str, b: str) -> int:
    if not a or not b:
        return 0
    if a == b:
        return 1
    if document_typo(a, b):
        return 2
    return 3


def alike_key(p: Prepared) -> str:
    """Given name, father's name and birth year: the combination ``alike`` counts."""
    if p.given.key and p.father.key and p.dob:
        return f"{p.given.key}|{p.father.key}|{p.dob.year}"
    return ""


def _alike_level(a: Prepared, b: Prepared, crowd: Buckets) -> int:
    key = alike_key(a)
    if not key or key != alike_key(b):
        return 0
    n = crowd(key)
    return 1 if n <= 2 else 2 if n <= 4 else 3 if n <= 10 else 4


def levels(
    a: Prepared, b: Prepared, buckets: tuple[Buckets, Buckets, Buckets, Buckets]
) -> tuple[int, ...]:
    """The level of each comparison (index into ``COMPARISONS[i].levels``) for a pair.

    ``buckets`` give the frequency class of a given, father's and family name key, and the
    number of records sharing an ``alike_key``.
    """
    g, h = a.given, b.given
    f, e = a.father, b.father
    given_bucket, father_bucket, family_bucket, crowd = buckets
    return (
        _name_level(
            g.key, g.core, g.skel, a.given_latin, h.key, h.core, h.skel, b.given_latin, given_bucket
        ),
        _name_level(
            f.key,
            f.core,
            f.skel,
            a.father_latin,
            e.key,
            e.core,
            e.skel,
            b.father_latin,
            father_bucket,
        ),
        _family_level(a, b, family_bucket),
        _date_level(a.dob, b.dob),
        _document_level(a.document, b.document),
        _simple(a.phone, b.phone),
        _simple(a.sex, b.sex),
        _alike_level(a, b, crowd),
    )


# Levels (by index) that the veto reads.
NAME_EXACT: Final = 1
GIVEN_TYPO: Final = 3
GIVEN_ELSE: Final = 5
FAMILY_NULL: Final = 0
DATE_EXACT: Final = 1
DOCUMENT_EXACT: Final = 1
DOCUMENT_ELSE: Final = 3


def vetoed(
    a: Prepared, b: Prepared, pair_levels: tuple[int, ...], *, documents_reliable: bool = True
) -> bool:
    """Evidence no weight may outvote: the pair is never merged without a reviewer.

    The model adds evidence as if fields were independent, but siblings share the father,
    the family name, the household phone, and twins the birth date too: all of it agrees
    and only the given name differs. So a given name written in Persian on both sides that
    differs outright (not a typo, a prefix or an honorific) keeps two records apart unless
    they carry the same document number (and so do twins whose given names are one letter
    apart); two different document numbers always do (in a
    file whose numbers are reliable: see ``pipeline.Calibration``).
    """
    document = pair_levels[4]
    if document == DOCUMENT_ELSE and documents_reliable:
        return True
    if document == DOCUMENT_EXACT or a.given_latin or b.given_latin:
        return False
    if pair_levels[0] == GIVEN_ELSE:
        return True
    # Twins: the same exact birth date, father and family name, and given names one letter
    # apart (ظاهر/طاهر) look like a typo; without a shared number they stay apart.
    return (
        pair_levels[0] == GIVEN_TYPO
        and pair_levels[3] == DATE_EXACT
        and pair_levels[1] == NAME_EXACT
        and pair_levels[2] in (FAMILY_NULL, NAME_EXACT)
    )

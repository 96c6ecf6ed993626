"""The arithmetic of scores and ranks (mehman.intake.scoring): no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mehman.core import dates
from mehman.intake import scoring
from mehman.intake.scoring import Features, Line, months_between

# --- Weights as typed ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "points"),
    [
        ("5", "5.00"),
        ("۱۲٫۵", "12.50"),
        ("۱۲.۵", "12.50"),
        ("12,5", "12.50"),
        ("\u200f۷\u200e", "7.00"),  # direction marks copied from a right-to-left page
        ("1,000", "1000.00"),
        ("۱٬۰۰۰", "1000.00"),
        ("0.10", "0.10"),
        (3, "3.00"),
    ],
)
def test_a_weight_is_read_in_any_digits(typed, points):
    assert scoring.parse_weight(typed) == Decimal(points)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("-1", "out of range"),
        ("1000.01", "out of range"),
        ("12,345", "out of range"),  # grouped by threes: twelve thousand
        ("1.005", "too precise"),
        ("۱٫۰۰۵", "too precise"),
        ("", "not a number"),
        ("ده", "not a number"),
        ("NaN", "out of range"),
        ("-Infinity", "out of range"),
    ],
)
def test_a_weight_outside_the_range_or_too_precise_is_refused(typed, problem):
    with pytest.raises(ValueError, match=problem):
        scoring.parse_weight(typed)


def test_hundredths_are_exact():
    assert scoring.to_centi(Decimal("12.35")) == 1235
    assert scoring.to_centi("0.1") == 10
    assert scoring.from_centi(1235) == Decimal("12.35")
    assert scoring.from_centi(0) == Decimal("0.00")


# --- Codes and categories ---------------------------------------------------------------------


def test_need_categories_are_stored_sorted_once_between_commas():
    stored = scoring.join_categories(["SM", "DS", "SM"])

    assert stored == ",DS,SM,"
    assert scoring.split_categories(stored) == ("DS", "SM")
    assert scoring.join_categories([]) == ""
    assert scoring.split_categories("") == ()


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("female_head", True),
        ("waiting_month", True),
        ("need:DS", True),
        ("need:XX", False),
        ("need:", False),
        ("DS", False),
        ("points", False),
    ],
)
def test_a_weight_is_given_to_a_published_criterion_or_a_need_category(code, known):
    assert scoring.is_known_code(code, ["DS", "SM"]) is known


def test_every_criterion_but_waiting_time_reads_an_application_field():
    fields = {c.code: c.field for c in scoring.CRITERIA}

    assert fields.pop("waiting_month") == ""
    assert all(name.startswith("f_") for name in fields.values())
    assert set(fields) | {"waiting_month"} == set(scoring.CRITERION_CODES)
    assert set(scoring.CRITERION_CODES) <= set(scoring.DEFAULT_WEIGHTS)


# --- Months waited ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 3, 15), date(2026, 3, 15), 0),  # the same day
        (date(2026, 3, 15), date(2026, 4, 14), 0),
        (date(2026, 3, 15), date(2026, 4, 15), 1),  # the same day a month later
        (date(2026, 3, 15), date(2027, 3, 15), 12),
        (date(2026, 3, 15), date(2026, 3, 1), 0),  # the end before the start
        (date(2026, 3, 15), date(2025, 1, 1), 0),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # the end of a shorter month
        (date(2028, 1, 31), date(2028, 2, 28), 0),  # not the end of February in a leap year
        (date(2028, 1, 31), date(2028, 2, 29), 1),
        (date(2028, 1, 29), date(2028, 2, 29), 1),
        (date(2026, 3, 31), date(2026, 4, 30), 1),
        (date(2026, 3, 31), date(2026, 5, 30), 1),
        (date(2026, 3, 31), date(2026, 5, 31), 2),
        (date(2026, 12, 31), date(2027, 1, 31), 1),  # across a new year
        (date(2026, 12, 31), date(2027, 1, 30), 0),
        (date(2026, 2, 28), date(2026, 3, 28), 1),
        (date(2026, 2, 28), date(2026, 3, 27), 0),
    ],
)
def test_full_months_are_counted_from_day_to_day(start, end, months):
    assert months_between(start, end) == months


DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@given(start=DAYS, n=st.integers(min_value=0, max_value=600))
@example(start=date(2026, 1, 31), n=1)
@example(start=date(2026, 8, 31), n=6)
def test_a_month_after_a_day_is_one_full_month(start, n):
    assert months_between(start, dates.add_months(start, n)) == n


@given(start=DAYS, end=DAYS)
def test_the_months_counted_are_the_most_that_fit_before_the_end(start, end):
    months = months_between(start, end)

    assert months >= 0
    if end >= start:
        assert dates.add_months(start, months) <= end
        assert dates.add_months(start, months + 1) > end
    else:
        assert months == 0


@given(start=DAYS, end=DAYS, later=st.integers(min_value=0, max_value=400))
def test_the_months_counted_never_go_down_as_time_passes(start, end, later):
    assert months_between(start, end + timedelta(days=later)) >= months_between(start, end)


# --- Breakdown and score ---------------------------------------------------------------------


def test_the_breakdown_lists_the_lines_that_earn_points_largest_first():
    features = Features(
        female_head=True, older_person=2, under_five=0, eviction_risk=True, need_categories=("DS",)
    )
    weights = {**scoring.DEFAULT_WEIGHTS, "eviction_risk": Decimal("12.5")}

    lines = scoring.breakdown(features, weights, months=7)

    assert lines == [
        Line("eviction_risk", 1, Decimal("12.5"), Decimal("12.50")),
        Line("female_head", 1, Decimal("10"), Decimal("10.00")),
        Line("need:DS", 1, Decimal("8"), Decimal("8.00")),
        Line("older_person", 2, Decimal("4"), Decimal("8.00")),
        Line("waiting_month", 7, Decimal("1"), Decimal("7.00")),
    ]
    assert scoring.score(features, weights, months=7) == Decimal("45.50")


def test_a_criterion_weighted_zero_or_not_weighted_earns_nothing():
    features = Features(no_income=True, need_categories=("ZZ",))

    assert scoring.breakdown(features, {"no_income": Decimal(0)}, months=3) == []
    assert scoring.score(features, {}, months=3) == Decimal("0.00")


# --- Ranking many rows ----------------------------------------------------------------------

CATEGORIES = st.lists(st.sampled_from(["CR", "DS", "ER", "LP", "SM", "ZZ"]), max_size=3)
# Hypothesis takes naive bounds and makes the times aware in the zone given.
INSTANTS = st.datetimes(
    min_value=datetime(2023, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 11, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
WEIGHT = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def rows(draw: st.DrawFn, max_size: int = 40) -> list[scoring.Row]:
    ids = draw(st.lists(st.integers(1, 10**6), unique=True, max_size=max_size))
    # Few distinct submission times, so ties on score and time both happen.
    times = draw(st.lists(INSTANTS, min_size=1, max_size=4))
    return [
        (
            pk,
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.integers(0, 3)),
            draw(st.integers(0, 3)),
            draw(st.integers(0, 4)),
            draw(st.booleans()),
            draw(st.booleans()),
            scoring.join_categories(draw(CATEGORIES)),
            draw(st.sampled_from(times)),
        )
        for pk in ids
    ]


WEIGHTS = st.dictionaries(
    st.sampled_from(sorted(scoring.DEFAULT_WEIGHTS)), WEIGHT, min_size=0, max_size=8
).map(lambda chosen: {**scoring.DEFAULT_WEIGHTS, **chosen})
AS_OF = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))


def features_of(row: scoring.Row) -> Features:
    _pk, female, child, older, disability, under5, no_income, eviction, needs, _at = row
    return Features(
        female_head=female,
        child_head=child,
        older_person=older,
        disability=disability,
        under_five=under5,
        no_income=no_income,
        eviction_risk=eviction,
        need_categories=scoring.split_categories(needs),
    )


@settings(max_examples=200, deadline=None)
@given(batch=rows(), weights=WEIGHTS, as_of=AS_OF)
def test_ranking_orders_every_row_once_by_score_then_submission_then_number(batch, weights, as_of):
    order = scoring.rank_rows(batch, weights, as_of)

    assert sorted(pk for pk, _points in order) == sorted(row[0] for row in batch)
    submitted = {row[0]: row[9] for row in batch}
    keys = [(-points, submitted[pk], pk) for pk, points in order]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None)
@given(batch=rows(max_size=1), weights=WEIGHTS, as_of=AS_OF)
def test_the_score_of_one_row_is_the_score_ranking_gives_it(batch, weights, as_of):
    for row in batch:
        months = months_between(timezone.localtime(row[9]).date(), as_of)

        [(pk, points)] = scoring.rank_rows([row], weights, as_of)

        assert pk == row[0]
        assert scoring.from_centi(points) == scoring.score(features_of(row), weights, months)


def test_waiting_time_counts_from_the_local_day_of_submission():
    # 00:30 on 1 March in Tehran is still 28 February in UTC.
    night = datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
    row: scoring.Row = (1, False, False, 0, 0, 0, False, False, "", night)

    with timezone.override("Asia/Tehran"):
        assert scoring.rank_rows([row], {"waiting_month": Decimal(1)}, date(2026, 3, 31)) == [
            (1, 0)
        ]
    with timezone.override("UTC"):
        assert scoring.rank_rows([row], {"waiting_month": Decimal(1)}, date(2026, 3, 31)) == [
            (1, 100)
        ]


def test_an_empty_waitlist_ranks_nothing():
    assert scoring.rank_rows([], scoring.DEFAULT_WEIGHTS, date(2026, 1, 1)) == []

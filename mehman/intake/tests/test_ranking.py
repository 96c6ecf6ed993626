"""Weights, features, re-ranking and rank history (mehman.intake.services.ranking and
mehman.intake.queries)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from mehman.core import dates
from mehman.core.models import SettlementEvent
from mehman.intake import events as intake_events
from mehman.intake import queries, scoring, services
from mehman.intake.models import (
    Application,
    CurrentHousing,
    RankEntry,
    Ranking,
    RankingReason,
    WeightSet,
)
from mehman.intake.tests import factories
from mehman.intake.tests.test_services import (
    couple,
    fresh,
    kinds,
    last_ranking,
    ranks,
    recorded,
    refused,
    waitlisted,
)
from mehman.registry import services as registry_services
from mehman.registry.models import Individual
from mehman.registry.tests.factories import member

TEHRAN = ZoneInfo("Asia/Tehran")


def born(years: int, days: int = 0) -> date:
    """The birth date of someone ``years`` old today, ``days`` short of the next year."""
    return dates.add_months(dates.today(), -12 * years) + timedelta(days=days)


def features_of(settlement: Any, by: Any, people: list[dict[str, Any]], **details: Any) -> Any:
    """The criteria read from the registry for a new application of these people."""
    return factories.application(settlement, by=by, members=people, **details)


def head(**overrides: Any) -> dict[str, Any]:
    return member(**{"birth_date": born(40), **overrides})


def relative(**overrides: Any) -> dict[str, Any]:
    data = {"given_name": "مریم", "relationship": "other_relative", "birth_date": born(30)}
    data.update(overrides)
    return member(**data)


# --- Features read from the registry ----------------------------------------------------------


def test_a_woman_head_of_household_is_counted(settlement_a, alice):
    woman = features_of(settlement_a, alice, [head(sex="F", given_name="مریم")])
    man = features_of(settlement_a, alice, [head(sex="M")])

    assert (woman.f_female_head, man.f_female_head) == (True, False)


@pytest.mark.parametrize(
    ("birth", "child"),
    [(born(17), True), (born(18), False), (born(18, days=1), True)],
    ids=["seventeen", "eighteen-today", "eighteen-tomorrow"],
)
def test_a_head_under_eighteen_is_a_child_head(settlement_a, alice, birth, child):
    app = features_of(settlement_a, alice, [head(birth_date=birth, marital_status="single")])

    assert app.f_child_head is child


def test_a_head_of_unknown_age_is_not_a_child_head(settlement_a, alice):
    app = features_of(settlement_a, alice, [head(birth_date=None)])

    assert app.f_child_head is False


def test_older_persons_are_those_sixty_or_over(settlement_a, alice):
    app = features_of(
        settlement_a,
        alice,
        [
            head(),
            relative(birth_date=born(60)),  # sixty today
            relative(given_name="رضا", birth_date=born(60, days=1)),  # sixty tomorrow
            relative(given_name="زینب", birth_date=born(75)),
        ],
    )

    assert app.f_older == 2


def test_persons_with_a_lot_of_difficulty_or_an_open_disability_need_are_counted_once_each(
    settlement_a, alice, carla
):
    app = features_of(
        settlement_a,
        alice,
        [
            head(wg_walking=3),  # a lot of difficulty
            relative(wg_seeing=2),  # some difficulty: not counted
            relative(given_name="رضا", wg_hearing=4, wg_walking=3),  # cannot do at all
            relative(given_name="زینب"),
            relative(given_name="نرگس"),
        ],
    )
    assert app.f_disability == 2
    people = {p.given_name: p for p in Individual.objects.filter(household=app.household)}
    registry_services.record_need(person=people["زینب"], code="DS-PM", by=carla)
    registry_services.record_need(person=people["رضا"], code="DS-BD", by=carla)
    resolved = registry_services.record_need(person=people["نرگس"], code="DS-SD", by=carla)
    registry_services.resolve_need(need=resolved, by=carla)

    app = services.refresh_application(application=app, by=carla)

    assert app.f_disability == 3
    assert app.need_categories == ",DS,"


def test_children_under_five_are_counted(settlement_a, alice):
    app = features_of(
        settlement_a,
        alice,
        [
            head(),
            relative(given_name="حسین", relationship="son", birth_date=born(4)),
            relative(given_name="زهرا", relationship="daughter", birth_date=dates.today()),
            relative(given_name="علی", relationship="son", birth_date=born(5)),  # five today
        ],
    )

    assert app.f_under_five == 2


@pytest.mark.parametrize(
    ("income", "no_income"), [(0, True), (None, False), (1, False), (35_000_000, False)]
)
def test_no_income_means_an_income_of_zero_not_an_unknown_one(
    settlement_a, alice, income, no_income
):
    app = features_of(settlement_a, alice, [head()], monthly_income=income)

    assert app.f_no_income is no_income


@pytest.mark.parametrize(
    ("flag", "housing", "at_risk"),
    [
        (True, CurrentHousing.RENTED, True),
        (False, CurrentHousing.HOMELESS, True),
        (False, CurrentHousing.INFORMAL, False),
        (False, CurrentHousing.RENTED, False),
    ],
    ids=["flagged", "homeless", "informal", "renting"],
)
def test_eviction_risk_is_the_flag_or_homelessness(settlement_a, alice, flag, housing, at_risk):
    app = features_of(settlement_a, alice, [head()], eviction_risk=flag, current_housing=housing)

    assert app.f_eviction_risk is at_risk


def test_need_categories_are_the_top_level_codes_of_open_needs(settlement_a, alice, carla):
    app = features_of(settlement_a, alice, [head(), relative()])
    assert app.household.head is not None
    registry_services.record_need(person=app.household.head, code="ER-NF", by=carla)
    registry_services.record_need(person=app.household.head, code="SM", by=carla)
    registry_services.record_need(person=app.household.head, code="LP-AN", by=carla)

    app = services.refresh_application(application=app, by=carla)

    assert app.need_categories == ",ER,LP,SM,"
    assert app.features.need_categories == ("ER", "LP", "SM")


def test_members_who_died_are_not_counted(settlement_a, alice):
    app = features_of(settlement_a, alice, [head(), relative(birth_date=born(70))])
    elder = Individual.objects.get(household=app.household, given_name="مریم")
    registry_services.record_death(person=elder, by=alice, died_on=dates.today())

    app = services.refresh_application(application=app, by=alice)

    assert (app.f_older, app.household_size) == (0, 1)


# --- Weights ----------------------------------------------------------------------------------


def test_a_settlement_starts_with_the_published_default_weights(settlement_a):
    weights = services.current_weights(settlement_a)

    assert weights.number == 1
    assert weights.as_decimals() == scoring.DEFAULT_WEIGHTS
    assert services.current_weights(settlement_a) == weights  # made once


def test_published_weights_are_a_new_version_that_re_ranks_the_waitlist(settlement_a, alice, mona):
    older = waitlisted(settlement_a, by=alice, manager=mona, members=couple())
    at_risk = waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    assert ranks(older, at_risk) == [2, 1]

    published = services.publish_weights(
        settlement=settlement_a,
        weights={"eviction_risk": "0", "waiting_month": "۲"},
        note="  Directorate circular 12  ",
        by=mona,
    )

    assert published.number == 2
    assert published.note == "Directorate circular 12"
    assert published.created_by == mona
    assert published.as_decimals()["eviction_risk"] == Decimal("0")
    assert published.as_decimals()["waiting_month"] == Decimal("2")
    assert published.as_decimals()["female_head"] == Decimal("10")  # kept from version 1
    assert services.current_weights(settlement_a) == published
    assert ranks(older, at_risk) == [1, 2]
    ranking = last_ranking()
    assert (ranking.reason, ranking.weights, ranking.by) == (RankingReason.WEIGHTS, published, mona)
    event = SettlementEvent.objects.get(kind=intake_events.WEIGHTS_PUBLISHED.code)
    assert event.params == {"number": 2, "note": "Directorate circular 12"}

    third = services.publish_weights(
        settlement=settlement_a, weights={"eviction_risk": "5"}, note="Review", by=mona
    )
    assert third.number == 3


@pytest.mark.parametrize(
    ("typed", "points"),
    [
        ("12.5", "12.50"),
        ("۱۲٫۵", "12.50"),  # Persian digits, Persian decimal separator
        ("۱۲.۵", "12.50"),  # Persian digits, Latin point
        ("١٢٫٥", "12.50"),  # Arabic-Indic digits
        ("12,5", "12.50"),  # a decimal comma
        (" 7 ", "7.00"),
        ("0", "0.00"),
        ("1000", "1000.00"),
        ("۱٬۰۰۰", "1000.00"),  # thousands grouped with the Persian separator
        ("1,000", "1000.00"),
        ("12.34", "12.34"),
        (9, "9.00"),
        (Decimal("2.5"), "2.50"),
    ],
)
def test_weights_are_read_as_typed_in_any_digits(settlement_a, mona, typed, points):
    published = services.publish_weights(
        settlement=settlement_a, weights={"female_head": typed}, note="Change", by=mona
    )

    assert published.as_decimals()["female_head"] == Decimal(points)


@pytest.mark.parametrize(
    "typed",
    ["-1", "-0.01", "1000.01", "1001", "12.345", "۱۲٫۳۴۵", "", "abc", "NaN", "Infinity", "1,0,0"],
)
def test_weights_outside_0_to_1000_or_finer_than_hundredths_are_refused(settlement_a, mona, typed):
    services.current_weights(settlement_a)

    with refused("weight") as info:
        services.publish_weights(
            settlement=settlement_a, weights={"female_head": typed}, note="Change", by=mona
        )

    assert set(info.value.error_dict) == {"female_head"}


@pytest.mark.parametrize("code", ["comfort", "need:ZZ", "need:", "need:DS-PM", "Female_head"])
def test_weights_of_unknown_criteria_are_refused(settlement_a, mona, code):
    services.current_weights(settlement_a)

    with refused("criterion") as info:
        services.publish_weights(
            settlement=settlement_a, weights={code: "5"}, note="Change", by=mona
        )

    assert set(info.value.error_dict) == {code}


def test_every_need_category_can_be_weighted(settlement_a, mona):
    published = services.publish_weights(
        settlement=settlement_a, weights={"need:DS": "9", "need:TR": "1"}, note="x", by=mona
    )

    assert published.as_decimals()["need:DS"] == Decimal(9)


def test_weights_equal_to_those_in_force_are_not_published(settlement_a, mona):
    services.current_weights(settlement_a)

    with refused("unchanged"):
        services.publish_weights(
            settlement=settlement_a,
            weights={"female_head": "10.00", "child_head": "۱۵"},
            note="Nothing",
            by=mona,
        )
    with refused("unchanged"):
        services.publish_weights(settlement=settlement_a, weights={}, note="Nothing", by=mona)


def test_publishing_weights_needs_a_reason(settlement_a, mona):
    services.current_weights(settlement_a)

    with refused("required") as info:
        services.publish_weights(
            settlement=settlement_a, weights={"female_head": "11"}, note="  ", by=mona
        )

    assert set(info.value.error_dict) == {"note"}


def test_weights_are_per_settlement(settlement_a, settlement_b, mona, bob):
    services.publish_weights(
        settlement=settlement_a, weights={"female_head": "11"}, note="x", by=mona
    )

    assert services.current_weights(settlement_b).number == 1
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 2


# --- What-if ------------------------------------------------------------------------------------


def test_the_what_if_preview_orders_the_waitlist_without_changing_anything(
    settlement_a, alice, mona
):
    plain = waitlisted(settlement_a, by=alice, manager=mona)
    at_risk = waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    rankings = Ranking.objects.count()
    weights = {**services.current_weights(settlement_a).as_decimals(), "eviction_risk": Decimal(0)}

    placed = services.placements(settlement_a, weights)

    assert [(p.id, p.rank, p.score, p.old_rank, p.old_score) for p in placed] == [
        (plain.pk, 1, 0, 2, 0),
        (at_risk.pk, 2, 0, 1, 1200),
    ]
    assert ranks(plain, at_risk) == [2, 1]
    assert Ranking.objects.count() == rankings


# --- Re-ranking --------------------------------------------------------------------------------


def test_equal_scores_go_to_the_earlier_submission(settlement_a, alice, mona):
    apps = [waitlisted(settlement_a, by=alice, manager=mona) for _ in range(3)]

    assert ranks(*apps) == [1, 2, 3]
    assert len({fresh(a).score for a in apps}) == 1


def test_equal_scores_submitted_in_the_same_instant_go_to_the_earlier_application(
    settlement_a, alice, mona
):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    assert ranks(first, second, third) == [2, 3, 1]
    # Paper forms entered together (an import) may carry one submission time.
    Application.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(
        submitted_at=fresh(first).submitted_at
    )

    services.update_application(
        application=third, by=alice, eviction_risk=False, reason="Found a new landlord"
    )

    assert ranks(first, second, third) == [1, 2, 3]


def test_a_higher_score_goes_ahead_of_an_earlier_submission(settlement_a, alice, mona):
    early = waitlisted(settlement_a, by=alice, manager=mona)
    needy = waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)

    assert ranks(early, needy) == [2, 1]
    assert (fresh(early).score, fresh(needy).score) == (Decimal("0.00"), Decimal("8.00"))


def test_waiting_time_is_counted_in_full_months(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    later = waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)
    submitted_on = timezone.localtime(fresh(first).submitted_at).date()
    nine_months = dates.add_months(submitted_on, 9)
    four_months = dates.add_months(submitted_on, 4) - submitted_on
    Application.objects.filter(pk=later.pk).update(
        submitted_at=fresh(first).submitted_at + four_months
    )

    ranking = services.rerank(
        settlement=settlement_a, reason=RankingReason.WAITING, as_of=nine_months
    )

    assert (ranking.as_of, ranking.ranked) == (nine_months, 2)
    assert fresh(first).score == Decimal("9.00")
    assert fresh(later).score == Decimal("13.00")  # 8 for no income and 5 full months
    assert ranks(first, later) == [2, 1]


def test_a_re_ranking_records_only_the_applications_it_moved(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)
    assert ranks(first, second, third) == [2, 3, 1]

    ranking = services.rerank(settlement=settlement_a, reason=RankingReason.DATA)
    assert ranking.moved == 0
    assert not ranking.entries.exists()

    services.withdraw_application(application=third, by=alice, reason="Moved")
    ranking = last_ranking()
    assert ranking.moved == 3
    assert {(e.application_id, e.rank) for e in ranking.entries.all()} == {
        (first.pk, 1),
        (second.pk, 2),
        (third.pk, None),
    }


def test_refreshing_the_settlement_picks_up_a_new_registry_need_and_re_ranks(
    settlement_a, alice, mona, carla
):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    assert services.refresh_settlement(settlement=settlement_a, by=mona) is None
    assert second.household.head is not None
    registry_services.record_need(person=second.household.head, code="ER-NF", by=carla)

    with recorded() as events:
        ranking = services.refresh_settlement(settlement=settlement_a, by=mona)

    assert ranking is not None
    assert (ranking.reason, ranking.subject, ranking.moved) == (RankingReason.DATA, None, 2)
    assert ranks(first, second) == [2, 1]
    assert fresh(second).need_categories == ",ER,"
    assert fresh(second).score == Decimal("8.00")
    assert kinds(events) == [intake_events.FEATURES_READ.code]
    assert events[0].aggregate_id == second.pk
    assert events[0].params == {"fields": ["need_categories"]}


def test_refreshing_the_settlement_reads_only_its_waitlist(settlement_a, alice, mona, carla):
    draft = factories.application(settlement_a, by=alice, members=couple())
    assert draft.household.head is not None
    registry_services.record_need(person=draft.household.head, code="ER-NF", by=carla)

    assert services.refresh_settlement(settlement=settlement_a, by=mona) is None
    assert fresh(draft).need_categories == ""


# --- Score breakdown --------------------------------------------------------------------------


def test_the_breakdown_of_a_score_adds_up_to_the_score(settlement_a, alice, mona, carla):
    app = waitlisted(
        settlement_a,
        by=alice,
        manager=mona,
        members=[
            head(sex="F", given_name="مریم", wg_walking=3),
            relative(given_name="رضا", relationship="son", birth_date=born(3)),
            relative(given_name="زینب", relationship="mother", birth_date=born(66)),
        ],
        monthly_income=0,
        current_housing=CurrentHousing.HOMELESS,
    )
    assert app.household.head is not None
    registry_services.record_need(person=app.household.head, code="LP-AN", by=carla)
    registry_services.record_need(person=app.household.head, code="ER-NF", by=carla)
    services.refresh_settlement(settlement=settlement_a, by=mona)
    weights = services.current_weights(settlement_a)
    app = fresh(app)

    for reader in (alice, carla):
        lines = queries.breakdown(app, weights, user=reader)
        assert sum(line.points for line in lines) == app.score
    # 10 woman head + 4 older + 6 disability + 3 under five + 8 no income + 12 homeless
    # + 10 protected (LP) + 8 older person at risk (ER)
    assert app.score == Decimal("61.00")
    with translation.override("en"):
        hidden = queries.breakdown(app, weights, user=alice)
        shown = queries.breakdown(app, weights, user=carla)
    labels = [line.label for line in hidden]
    assert "Protected specific needs (confidential)" in labels
    assert not any("legal and physical protection" in label for label in labels)
    assert any("legal and physical protection" in line.label for line in shown)
    assert len(shown) == len(hidden)


def test_the_breakdown_counts_waiting_months_as_the_ranking_does_for_a_night_submission(
    settlement_a, alice, mona
):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    # Submitted half an hour after midnight in Tehran: still the day before in UTC.
    night = datetime(2026, 3, 1, 0, 30, tzinfo=TEHRAN)
    Application.objects.filter(pk=app.pk).update(submitted_at=night)
    as_of = date(2026, 3, 31)

    services.rerank(settlement=settlement_a, reason=RankingReason.WAITING, as_of=as_of)

    app = fresh(app)
    lines = queries.breakdown(app, services.current_weights(settlement_a), user=mona, on=as_of)
    assert sum(line.points for line in lines) == app.score == Decimal("0.00")
    assert app.months_waited(as_of) == 0


def test_the_score_of_one_application_is_the_score_it_is_ranked_by(settlement_a, alice, mona):
    app = fresh(waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True))
    weights = services.current_weights(settlement_a).as_decimals()

    assert scoring.score(app.features, weights, app.months_waited()) == app.score


# --- Rank history ----------------------------------------------------------------------------


def test_every_move_in_the_rank_history_is_explained(settlement_a, alice, mona, carla):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    second = waitlisted(settlement_a, by=alice, manager=mona)
    third = waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    services.publish_weights(
        settlement=settlement_a, weights={"eviction_risk": "0"}, note="Circular", by=mona
    )
    assert first.household.head is not None
    registry_services.record_need(person=first.household.head, code="SM", by=carla)
    services.refresh_settlement(settlement=settlement_a, by=mona)
    services.rerank(
        settlement=settlement_a,
        reason=RankingReason.WAITING,
        as_of=dates.add_months(dates.today(), 2),
    )
    services.make_offer(application=first, by=mona, place="C-12")
    services.decline_offer(application=first, by=alice, reason="Too far")
    services.withdraw_application(application=second, by=alice, reason="Moved")

    for app in (first, second, third):
        moves = queries.rank_history(app)
        entries = RankEntry.objects.filter(application=app).count()
        assert len(moves) == entries
        assert all(str(move.explanation) for move in moves), app
        oldest_first = list(reversed(moves))
        assert oldest_first[0].old_rank is None
        for before, after in pairwise(oldest_first):
            assert (after.old_rank, after.old_score) == (before.new_rank, before.new_score)
    assert fresh(second).rank is None
    assert queries.rank_history(second)[0].direction == "out"
    assert queries.households_ahead(fresh(third)) == fresh(third).rank - 1


def test_the_rank_history_says_why_each_move_happened(settlement_a, alice, mona):
    first = waitlisted(settlement_a, by=alice, manager=mona)
    with translation.override("en"):
        assert [str(m.explanation) for m in queries.rank_history(first)] == [
            "This household took its place on the waitlist."
        ]
    waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)
    services.publish_weights(settlement=settlement_a, weights={"no_income": "0"}, note="x", by=mona)
    services.rerank(
        settlement=settlement_a,
        reason=RankingReason.WAITING,
        as_of=dates.add_months(dates.today(), 2),
    )

    with translation.override("en"):
        moves = queries.rank_history(first)
        assert [(m.old_rank, m.new_rank, m.direction) for m in moves] == [
            (1, 1, "same"),
            (2, 1, "up"),
            (1, 2, "down"),
            (None, 1, "in"),
        ]
        assert [(m.old_score, m.new_score) for m in moves][:2] == [
            (Decimal("0.00"), Decimal("2.00")),
            (Decimal("0.00"), Decimal("0.00")),
        ]
        assert [str(m.explanation) for m in moves] == [
            "Another month of waiting was counted.",
            "New weights were published and changed other households' scores.",
            "A household with a higher score joined the waitlist ahead of this one.",
            "This household took its place on the waitlist.",
        ]
        assert [m.weights_number for m in moves] == [2, 2, 1, 1]

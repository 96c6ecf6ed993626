"""Bulk conversion of long-term residents: the stagger, the order, preparing, committing in
chunks (all or nothing), reversing within the grace period, and discarding."""

from __future__ import annotations

import itertools
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mehman.core import dates
from mehman.core.models import SettlementEvent, TaskProgress, TaskStatus
from mehman.registry import services as registry_services
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    HouseholdStatus,
    Relationship,
    SpecificNeedCode,
)
from mehman.registry.services._common import format_reference
from mehman.registry.tests import factories as registry
from mehman.residence import services
from mehman.residence.models import (
    ConversionRun,
    ConversionStatus,
    Decision,
    Priority,
    Progress,
    ResidenceTerm,
    TermOrigin,
    TermStatus,
)
from mehman.residence.queries.conversion import quarter_counts
from mehman.residence.services import conversion
from mehman.residence.services.conversion import (
    commit_conversion,
    discard_conversion,
    eligible_households,
    prepare_conversion,
    reverse_conversion,
    schedule_ends,
    start_commit,
    start_reverse,
)

START = date(2026, 3, 21)


def bulk_residents(
    settlement: Any, count: int, *, block: str = "B01", first: date = date(2000, 1, 1), size=4
) -> list[Household]:
    """Resident households without members, written in one statement (fast for hundreds);
    household i registered i days after ``first``."""
    base = Household.objects.filter(settlement=settlement).count() + 500_000
    households = Household.objects.bulk_create(
        Household(
            reference=format_reference(settlement.code, base + i),
            settlement=settlement,
            status=HouseholdStatus.RESIDENT,
            size=size,
            block=block,
            registered_on=first + timedelta(days=i),
        )
        for i in range(count)
    )
    return list(Household.objects.filter(pk__in=[h.pk for h in households]).order_by("pk"))


def prepare(settlement, by, **overrides):
    params = {
        "filters": {},
        "term_months": 36,
        "stagger_years": 2,
        "start_on": START,
        "priorities": [],
    }
    params.update(overrides)
    return prepare_conversion(settlement=settlement, by=by, **params)


def resident(settlement, by, *, registered_on=date(2010, 1, 1), members=None, block="B01"):
    return registry.household(
        settlement,
        by=by,
        members=members,
        status=HouseholdStatus.RESIDENT,
        registered_on=registered_on,
        block=block,
    )


def alone(**head: Any) -> list[dict[str, Any]]:
    """A household of one man of 40 (the head's fields may be overridden)."""
    return [registry.member(**{"birth_date": date(1986, 1, 1), **head})]


# --- The stagger ------------------------------------------------------------------------------


def test_ends_are_spread_evenly_over_the_last_years_of_the_term():
    ends = schedule_ends(4, start_on=START, term_months=36, stagger_years=2)
    earliest, latest = date(2027, 3, 21), date(2029, 3, 21)
    span = (latest - earliest).days
    assert ends == [earliest + timedelta(days=round((i + 0.5) * span / 4)) for i in range(4)]
    assert ends == sorted(ends)
    assert earliest < ends[0] and ends[-1] < latest
    gaps = {(b - a).days for a, b in itertools.pairwise(ends)}
    assert max(gaps) - min(gaps) <= 1


def test_without_stagger_every_term_ends_after_its_full_length():
    assert (
        schedule_ends(3, start_on=START, term_months=36, stagger_years=0) == [date(2029, 3, 21)] * 3
    )


def test_one_household_ends_in_the_middle_of_the_stagger():
    (end,) = schedule_ends(1, start_on=START, term_months=36, stagger_years=2)
    span = (date(2029, 3, 21) - date(2027, 3, 21)).days
    assert end == date(2027, 3, 21) + timedelta(days=round(span / 2))


def test_a_stagger_leaving_less_than_the_shortest_term_is_refused(settings):
    settings.MEHMAN_MIN_TERM_MONTHS = 12
    with pytest.raises(ValidationError) as caught:
        schedule_ends(10, start_on=START, term_months=36, stagger_years=3)
    error = caught.value.error_dict["stagger_years"][0]
    assert error.code == "stagger_too_long"
    assert error.params["most"] == 2
    # Two years is the most: the earliest end leaves exactly the shortest term.
    ends = schedule_ends(10, start_on=START, term_months=36, stagger_years=2)
    assert min(ends) > dates.add_months(START, 12)


@pytest.mark.parametrize(
    ("months", "years", "field"),
    [(11, 0, "term_months"), (121, 0, "term_months"), (120, 11, "stagger_years")],
)
def test_term_length_and_stagger_outside_the_policy_are_refused(months, years, field):
    with pytest.raises(ValidationError) as caught:
        schedule_ends(5, start_on=START, term_months=months, stagger_years=years)
    assert field in caught.value.error_dict


# --- Who is eligible, and in what order ----------------------------------------------------------


def test_only_resident_households_without_an_open_term_are_eligible(settlement_a, mona):
    kept = resident(settlement_a, mona)
    registry.household(settlement_a, by=mona)  # an applicant
    with_term = resident(settlement_a, mona)
    services.start_term(household=with_term, by=mona, started_on=START)
    assert list(eligible_households(settlement_a, {})) == [kept]


def test_filters_choose_by_block_registration_and_size(settlement_a, mona):
    old = resident(settlement_a, mona, registered_on=date(2005, 1, 1), block="B01")
    resident(settlement_a, mona, registered_on=date(2020, 1, 1), block="B01")
    resident(settlement_a, mona, registered_on=date(2005, 1, 1), block="B02", members=alone())
    assert list(
        eligible_households(settlement_a, {"blocks": ["B01"], "resident_before": "2010-01-01"})
    ) == [old]
    assert eligible_households(settlement_a, {"min_size": 2, "max_size": 4}).count() == 2
    assert eligible_households(settlement_a, {"max_size": 1}).count() == 1
    with pytest.raises(ValidationError) as caught:
        eligible_households(settlement_a, {"min_size": 5, "max_size": 2})
    assert "max_size" in caught.value.error_dict


def test_the_longest_resident_end_earliest(settlement_a, mona):
    newer = resident(settlement_a, mona, registered_on=date(2015, 1, 1), members=alone())
    older = resident(settlement_a, mona, registered_on=date(2001, 1, 1), members=alone())
    run = prepare(settlement_a, mona)
    assert list(run.schedule) == [str(older.pk), str(newer.pk)]
    ends = list(run.schedule.values())
    assert ends[0] < ends[1]


def test_households_matching_chosen_priorities_get_later_ends(settlement_a, mona):
    need = SpecificNeedCode.objects.filter(is_active=True).first()
    vulnerable = resident(settlement_a, mona, registered_on=date(2001, 1, 1), members=alone())
    registry_services.record_need(person=vulnerable.head, code=need, by=mona)
    disabled = resident(
        settlement_a, mona, registered_on=date(2002, 1, 1), members=alone(wg_walking=3)
    )
    woman = resident(settlement_a, mona, registered_on=date(2003, 1, 1), members=alone(sex="F"))
    elder = resident(
        settlement_a,
        mona,
        registered_on=date(2004, 1, 1),
        members=alone(birth_date=date(1960, 1, 1)),
    )
    # A child of 6 on the start date, and the woman head: two rules at once.
    child = registry.member(
        given_name="مریم",
        sex="F",
        birth_date=date(2020, 3, 21),
        relationship=Relationship.DAUGHTER,
        marital_status="single",
    )
    family = resident(
        settlement_a,
        mona,
        registered_on=date(2000, 1, 1),
        members=[*alone(sex="F"), child],
    )
    plain = resident(settlement_a, mona, registered_on=date(2009, 1, 1), members=alone())

    unprioritised = prepare(settlement_a, mona)
    assert [int(pk) for pk in unprioritised.schedule] == [
        family.pk,
        vulnerable.pk,
        disabled.pk,
        woman.pk,
        elder.pk,
        plain.pk,
    ]
    run = prepare(settlement_a, mona, priorities=list(Priority.values))
    assert [int(pk) for pk in run.schedule] == [
        plain.pk,
        vulnerable.pk,
        disabled.pk,
        woman.pk,
        elder.pk,
        family.pk,
    ]
    assert run.figures["priorities"] == {
        "vulnerable": 2,
        "children": 1,
        "woman_headed": 2,
        "elderly": 1,
    }
    assert run.figures["prioritised"] == 5
    only_elderly = prepare(settlement_a, mona, priorities=[Priority.ELDERLY])
    assert int(list(only_elderly.schedule)[-1]) == elder.pk


def test_a_child_of_18_on_the_start_date_is_no_longer_a_child(settlement_a, mona):
    grown = registry.member(
        given_name="رضا",
        birth_date=date(2008, 3, 21),
        relationship=Relationship.SON,
        marital_status="single",
    )
    resident(settlement_a, mona, members=[*alone(), grown])
    run = prepare(settlement_a, mona, priorities=[Priority.CHILDREN])
    assert run.figures["priorities"]["children"] == 0


def test_features_are_read_in_a_few_queries(settlement_a, mona, django_assert_max_num_queries):
    bulk_residents(settlement_a, 50)
    # Four reads (households, heads, vulnerable members, ages), then the writes.
    with django_assert_max_num_queries(14):
        prepare(settlement_a, mona, priorities=list(Priority.values))


# --- Preparing --------------------------------------------------------------------------------


def test_preparing_keeps_the_filters_policy_and_schedule_and_writes_the_timeline(
    settlement_a, mona
):
    households = bulk_residents(settlement_a, 8)
    run = prepare(settlement_a, mona, filters={"blocks": ["B01"], "min_size": "2"})
    assert run.status == ConversionStatus.PREVIEW
    assert run.reference == "TJ-C001"
    assert run.filters == {"blocks": ["B01"], "min_size": 2}
    assert run.policy == {
        "term_months": 36,
        "stagger_years": 2,
        "start_on": "2026-03-21",
        "priorities": [],
    }
    assert list(run.schedule) == [str(h.pk) for h in households]
    assert run.households == 8
    assert run.figures["first_end"] == min(run.schedule.values())
    assert run.figures["last_end"] == max(run.schedule.values())
    assert run.history.count() == 1
    event = SettlementEvent.objects.get(
        aggregate=settlement_a, kind="residence.conversion_prepared"
    )
    assert event.params == {"reference": "TJ-C001", "households": 8}
    assert not ResidenceTerm.objects.exists()


def test_preparing_with_no_household_eligible_is_refused(settlement_a, mona):
    with pytest.raises(ValidationError) as caught:
        prepare(settlement_a, mona)
    assert caught.value.code == "none_eligible"
    assert not ConversionRun.objects.exists()


def test_an_unknown_priority_is_refused(settlement_a, mona):
    bulk_residents(settlement_a, 2)
    with pytest.raises(ValidationError) as caught:
        prepare(settlement_a, mona, priorities=["tall"])
    assert "priorities" in caught.value.error_dict


def test_ends_are_counted_per_quarter_with_empty_quarters_between(settlement_a, mona):
    bulk_residents(settlement_a, 8)
    run = prepare(settlement_a, mona)
    run.schedule = {"1": "2027-02-01", "2": "2027-03-30", "3": "2027-11-05"}
    with translation.override("en"):
        english = quarter_counts(run)
    assert english == [
        ("2027 Q1", 2),
        ("2027 Q2", 0),
        ("2027 Q3", 0),
        ("2027 Q4", 1),
    ]
    # 1405/11/12 (winter), 1406/01/09 (spring), 1406/08/14 (autumn).
    with translation.override("fa"):
        labels = quarter_counts(run)
    assert [count for _label, count in labels] == [1, 1, 0, 1]
    assert labels[0][0] == "زمستان ۱۴۰۵"
    assert labels[-1][0] == "پاییز ۱۴۰۶"


# --- Committing ---------------------------------------------------------------------------------


def test_nine_hundred_households_are_converted_with_their_planned_ends(settlement_a, mona):
    bulk_residents(settlement_a, 900)
    run = prepare(settlement_a, mona)
    began = time.monotonic()
    run = commit_conversion(run=run, by=mona)
    assert time.monotonic() - began < 40
    assert run.status == ConversionStatus.COMMITTED
    assert run.figures["created"] == 900 and run.figures["skipped"] == 0
    assert run.committed_by == mona and run.committed_at is not None
    assert run.reversible_until == dates.today() + timedelta(days=30)
    terms = {t.household_id: t for t in ResidenceTerm.objects.filter(conversion=run)}
    assert len(terms) == 900
    for pk, end in run.schedule.items():
        term = terms[int(pk)]
        assert term.planned_end.isoformat() == end
        assert term.started_on == START
        assert term.origin == TermOrigin.CONVERSION
        assert term.status == TermStatus.ACTIVE
    assert HouseholdEvent.objects.filter(kind="residence.term_started").count() == 900
    assert SettlementEvent.objects.filter(kind="residence.conversion_committed").get().params == {
        "reference": run.reference,
        "households": 900,
    }
    quarters = quarter_counts(run, "gregorian")
    assert sum(count for _label, count in quarters) == 900
    assert max(c for _l, c in quarters) - min(c for _l, c in quarters[1:-1]) <= 3


def test_households_that_changed_since_the_preview_are_skipped(settlement_a, mona):
    first, gone, taken, last = bulk_residents(settlement_a, 4)
    run = prepare(settlement_a, mona)
    Household.objects.filter(pk=gone.pk).update(status=HouseholdStatus.DEPARTED)
    services.start_term(household=taken, by=mona, started_on=START)
    run = commit_conversion(run=run, by=mona)
    assert run.figures["created"] == 2 and run.figures["skipped"] == 2
    assert set(run.terms.values_list("household_id", flat=True)) == {first.pk, last.pk}


def test_the_background_commit_reports_progress(
    settlement_a, mona, django_capture_on_commit_callbacks
):
    bulk_residents(settlement_a, 120)
    run = prepare(settlement_a, mona)
    with django_capture_on_commit_callbacks(execute=True):
        run = start_commit(run=run, by=mona)
        assert run.status == ConversionStatus.COMMITTING
    run.refresh_from_db()
    assert run.status == ConversionStatus.COMMITTED
    assert run.committed_by == mona
    progress = TaskProgress.objects.get(pk=run.progress_id)
    assert progress.kind == "residence.conversion"
    assert progress.status == TaskStatus.DONE
    assert progress.done == progress.total == 120
    assert progress.result["created"] == 120


def test_only_a_preview_is_committed(settlement_a, mona):
    bulk_residents(settlement_a, 2)
    run = commit_conversion(run=prepare(settlement_a, mona), by=mona)
    for attempt in (start_commit, commit_conversion):
        with pytest.raises(ValidationError) as caught:
            attempt(run=run, by=mona)
        assert caught.value.code == "status"
    assert ResidenceTerm.objects.count() == 2


def test_a_failure_midway_withdraws_the_terms_already_started(settlement_a, mona, monkeypatch):
    bulk_residents(settlement_a, 250)
    run = prepare(settlement_a, mona)
    real = conversion.create_term
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 230:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(conversion, "create_term", failing)
    with pytest.raises(RuntimeError):
        commit_conversion(run=run, by=mona)
    run.refresh_from_db()
    assert run.status == ConversionStatus.FAILED
    assert run.message == translation.gettext(
        "The conversion stopped because of an error; the terms it had started were "
        "withdrawn and no household was converted."
    )
    assert not ResidenceTerm.objects.open().exists()
    # The two chunks committed before the failure were withdrawn; the third rolled back.
    assert ResidenceTerm.objects.filter(status=TermStatus.REVOKED).count() == 200
    assert HouseholdEvent.objects.filter(kind="residence.term_revoked").count() == 200
    assert eligible_households(settlement_a, {}).count() == 250
    # A failed conversion may be discarded and a new one prepared.
    discard_conversion(run=run, by=mona, reason="retry")
    monkeypatch.setattr(conversion, "create_term", real)
    again = commit_conversion(run=prepare(settlement_a, mona), by=mona)
    assert again.figures["created"] == 250


def test_a_failed_background_commit_shows_the_message_on_its_progress(
    settlement_a, mona, monkeypatch, django_capture_on_commit_callbacks
):
    bulk_residents(settlement_a, 3)
    run = prepare(settlement_a, mona)

    def failing(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(conversion, "create_term", failing)
    with django_capture_on_commit_callbacks(execute=True):
        start_commit(run=run, by=mona)
    run.refresh_from_db()
    assert run.status == ConversionStatus.FAILED
    progress = TaskProgress.objects.get(pk=run.progress_id)
    assert progress.status == TaskStatus.FAILED
    assert progress.message == run.message


# --- Reversing ----------------------------------------------------------------------------------


@pytest.fixture
def committed(settlement_a, mona):
    bulk_residents(settlement_a, 5)
    return commit_conversion(run=prepare(settlement_a, mona), by=mona)


def test_a_conversion_is_reversed_within_the_grace_period(committed, mona, settlement_a):
    run = reverse_conversion(run=committed, by=mona, reason="wrong start date")
    assert run.status == ConversionStatus.REVERSED
    assert run.reversed_by == mona and run.reason == "wrong start date"
    assert run.figures["revoked"] == 5
    assert set(run.terms.values_list("status", flat=True)) == {TermStatus.REVOKED}
    assert HouseholdEvent.objects.filter(kind="residence.term_revoked").count() == 5
    event = SettlementEvent.objects.get(kind="residence.conversion_reversed")
    assert event.params == {"reference": run.reference, "reason": "wrong start date"}
    assert eligible_households(settlement_a, {}).count() == 5


def test_the_last_day_of_the_grace_period_is_included(committed, mona, time_machine):
    time_machine.move_to(committed.reversible_until)
    run = reverse_conversion(run=committed, by=mona, reason="late but in time")
    assert run.status == ConversionStatus.REVERSED


def test_after_the_grace_period_a_conversion_is_not_reversed(committed, mona, time_machine):
    time_machine.move_to(committed.reversible_until + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        start_reverse(run=committed, by=mona, reason="too late")
    assert caught.value.code == "grace_over"
    committed.refresh_from_db()
    assert committed.status == ConversionStatus.COMMITTED
    assert not ResidenceTerm.objects.filter(status=TermStatus.REVOKED).exists()


def test_a_reversal_needs_a_reason(committed, mona):
    with pytest.raises(ValidationError) as caught:
        start_reverse(run=committed, by=mona, reason="  ")
    assert "reason" in caught.value.error_dict


def test_a_conversion_whose_term_moved_on_is_not_reversed(committed, mona, time_machine):
    term = committed.terms.order_by("planned_end").first()
    time_machine.move_to(START + timedelta(days=200))
    committed.reversible_until = dates.today()
    committed.save()
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress=Progress.values[0],
        decision=Decision.CONTINUE,
    )
    term.refresh_from_db()
    assert term.status == TermStatus.ACTIVE  # back to active, but reviewed
    with pytest.raises(ValidationError) as caught:
        reverse_conversion(run=committed, by=mona, reason="changed our minds")
    assert caught.value.code == "moved_on"
    assert caught.value.params == {"count": 1}
    assert not committed.terms.filter(status=TermStatus.REVOKED).exists()


def test_the_background_reversal_reports_progress(
    committed, mona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_reverse(run=committed, by=mona, reason="duplicate")
        assert run.status == ConversionStatus.REVERSING
    run.refresh_from_db()
    assert run.status == ConversionStatus.REVERSED
    assert run.reversed_by == mona
    progress = TaskProgress.objects.get(pk=run.progress_id)
    assert progress.status == TaskStatus.DONE and progress.result["revoked"] == 5


def test_a_queued_reversal_stops_if_a_term_moved_on_meanwhile(committed, mona):
    started = start_reverse(run=committed, by=mona, reason="duplicate")  # the task not run yet
    term = committed.terms.order_by("planned_end").first()
    services.open_review(term=term, by=mona)  # the daily round opened a review since
    with pytest.raises(ValidationError) as caught:
        reverse_conversion(run=started, by=mona, reason="duplicate")
    assert caught.value.code == "moved_on"
    started.refresh_from_db()
    assert started.status == ConversionStatus.COMMITTED
    assert started.message == caught.value.messages[0]
    assert not committed.terms.filter(status=TermStatus.REVOKED).exists()


# --- Discarding ---------------------------------------------------------------------------------


def test_a_preview_is_discarded_with_a_reason(settlement_a, mona):
    bulk_residents(settlement_a, 2)
    run = prepare(settlement_a, mona)
    with pytest.raises(ValidationError):
        discard_conversion(run=run, by=mona, reason="")
    run = discard_conversion(run=run, by=mona, reason="wrong blocks")
    assert run.status == ConversionStatus.DISCARDED and run.reason == "wrong blocks"
    with pytest.raises(ValidationError) as caught:
        commit_conversion(run=run, by=mona)
    assert caught.value.code == "status"
    assert not ResidenceTerm.objects.exists()


def test_a_committed_conversion_is_not_discarded(committed, mona):
    with pytest.raises(ValidationError) as caught:
        discard_conversion(run=committed, by=mona, reason="oops")
    assert caught.value.code == "status"

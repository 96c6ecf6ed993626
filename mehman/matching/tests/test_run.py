"""Runs across a settlement's registry: what they propose, what they never propose again, and how
they start, report and fail."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from mehman.core.models import TaskProgress, TaskStatus
from mehman.matching.management.commands import match_registry
from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.services import execute_run, reject_pair, start_run
from mehman.matching.services import runs as run_services
from mehman.matching.tests.factories import (
    RAHIMI_BORN,
    member,
    nouri,
    people,
    register,
    registry,
)
from mehman.registry import services as registry_services
from mehman.registry.models import DocumentType, Individual, Relationship


def run_now(settlement: Any, by: Any) -> MatchRun:
    return execute_run(start_run(settlement=settlement, by=by, enqueue=False))


def pairs_of(run: MatchRun) -> set[tuple[str, str]]:
    """The pairs the run wrote, as (given name, given name) in id order."""
    return {
        (pair.first.given_name, pair.second.given_name)
        for pair in MatchPair.objects.filter(run=run).select_related("first", "second")
    }


def rahimi_again(settlement: Any, by: Any) -> Any:
    """The Rahimi family registered a second time by another clerk: Arabic letters, no space
    in the compound name, the mother's father with an honorific, the daughter's year only."""
    return register(
        settlement,
        member(
            given_name="محمدحسين",
            family_name="رحيمي",
            father_name="غلام سخي",
            birth_date=RAHIMI_BORN,
        ),
        member(
            given_name="فاطمه",
            family_name="احمدي",
            father_name="حاجی عبدالله",
            sex="F",
            birth_date=date(1990, 3, 21),
            relationship=Relationship.SPOUSE,
        ),
        member(
            given_name="زهرا",
            family_name="رحيمي",
            father_name="محمدحسين",
            sex="F",
            birth_date=date(2015, 6, 1),
            relationship=Relationship.DAUGHTER,
            marital_status="single",
        ),
        by=by,
    )


@pytest.fixture
def on_file(settlement_a: Any, mona: Any) -> dict[str, Any]:
    households = registry(settlement_a, mona)
    households["again"] = rahimi_again(settlement_a, mona)
    return households


def test_a_family_registered_twice_is_proposed_member_by_member(on_file, settlement_a, mona):
    run = run_now(settlement_a, mona)
    assert run.status == RunStatus.DONE
    assert pairs_of(run) == {
        ("محمد حسین", "محمدحسين"),
        ("فاطمه", "فاطمه"),
        ("زهرا", "زهرا"),
    }
    first, again = people(on_file["rahimi"]), people(on_file["again"])
    for original, duplicate in zip(first, again, strict=True):
        pair = MatchPair.objects.get(first=original, second=duplicate)
        assert pair.status == PairStatus.OPEN
        assert pair.source == PairSource.RUN
        assert pair.cluster == original.pk
        assert pair.probability >= 0.5
        assert {item["field"] for item in pair.evidence} >= {"given", "father", "birth_date"}
        assert pair.history.count() == 1
    assert (run.people, run.proposed, run.skipped_rejected) == (
        Individual.objects.filter(household__settlement=settlement_a).count(),
        3,
        0,
    )
    assert run.candidates >= 3
    assert run.reference == "TJ-M0001"
    assert run.progress is not None and run.progress.status == TaskStatus.DONE
    assert run.progress.result["proposed"] == 3


def test_twins_are_not_proposed(settlement_a, mona):
    nouri(settlement_a, mona)
    nouri(settlement_a, mona)  # the whole family twice: the twins' records are each proposed
    run = run_now(settlement_a, mona)
    assert pairs_of(run) == {("احمد", "احمد"), ("علی", "علی"), ("رضا", "رضا")}


def test_a_person_entered_twice_in_one_household_is_proposed(settlement_a, mona):
    household = register(
        settlement_a,
        member(
            given_name="نادر", family_name="امینی", father_name="صابر", birth_date=date(1979, 5, 5)
        ),
        member(
            given_name="گل‌بی‌بی",
            family_name="امینی",
            father_name="نادر",
            sex="F",
            birth_date=date(2004, 2, 2),
            relationship=Relationship.DAUGHTER,
        ),
        member(
            given_name="گل بي بي",
            family_name="اميني",
            father_name="نادر",
            sex="F",
            birth_date=date(2004, 2, 2),
            relationship=Relationship.DAUGHTER,
        ),
        by=mona,
    )
    run = run_now(settlement_a, mona)
    daughter, again = people(household)[1:]
    assert set(MatchPair.objects.values_list("first", "second")) == {(daughter.pk, again.pk)}
    assert run.proposed == 1


def test_a_rejected_pair_is_never_proposed_again(on_file, settlement_a, mona):
    run_now(settlement_a, mona)
    pair = MatchPair.objects.get(first__given_name="زهرا")
    reject_pair(pair=pair, by=mona, note="two cousins")
    second = run_now(settlement_a, mona)
    assert second.reference == "TJ-M0002"
    assert (second.proposed, second.skipped_rejected) == (2, 1)
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED
    assert pair.run is not None and pair.run != second
    assert MatchPair.objects.count() == 3


def test_a_second_run_brings_open_pairs_up_to_date_without_repeating_them(
    on_file, settlement_a, mona
):
    first = run_now(settlement_a, mona)
    pair = MatchPair.objects.get(first__given_name="فاطمه")
    second = run_now(settlement_a, mona)
    assert MatchPair.objects.count() == 3
    pair.refresh_from_db()
    assert pair.run == second != first
    assert pair.status == PairStatus.OPEN
    assert pair.history.count() == 2


def test_a_merged_record_is_no_longer_compared(on_file, settlement_a, mona):
    original, again = people(on_file["rahimi"])[2], people(on_file["again"])[2]
    registry_services.merge_individuals(keep=original, duplicate=again, by=mona)
    run = run_now(settlement_a, mona)
    assert ("زهرا", "زهرا") not in pairs_of(run)
    assert run.people == Individual.objects.filter(household__settlement=settlement_a).count() - 1


def test_two_different_documents_of_one_kind_keep_two_people_apart(settlement_a, mona):
    card = {"doc_type": DocumentType.AMAYESH}
    for number in ("5512345678", "5598765432"):
        register(
            settlement_a,
            member(
                given_name="یوسف",
                family_name="قاسمی",
                father_name="رحیم",
                birth_date=date(1983, 3, 3),
            ),
            by=mona,
            documents={0: [{**card, "number_typed": number}]},
        )
    assert run_now(settlement_a, mona).proposed == 0


def test_splink_and_python_propose_the_same_pairs(on_file, settlement_a, mona, monkeypatch):
    """Below ``SPLINK_FROM`` people a run scores in Python; from it, with Splink on DuckDB."""
    in_python = run_now(settlement_a, mona)
    expected = {(p.first_id, p.second_id): p.probability for p in MatchPair.objects.all()}
    MatchPair.objects.all().delete()
    monkeypatch.setattr(run_services, "SPLINK_FROM", 2)
    with_splink = run_now(settlement_a, mona)
    found = {(p.first_id, p.second_id): p.probability for p in MatchPair.objects.all()}
    assert found.keys() == expected.keys()
    assert found == pytest.approx(expected)
    assert with_splink.candidates == in_python.candidates


def test_one_run_at_a_time_per_settlement(settlement_a, settlement_b, mona, bob):
    run = start_run(settlement=settlement_a, by=mona, enqueue=False)
    with pytest.raises(ValidationError) as refused:
        start_run(settlement=settlement_a, by=mona)
    assert refused.value.code == "running"
    assert start_run(settlement=settlement_b, by=bob, enqueue=False).reference == "SV-M0001"
    execute_run(run)
    with pytest.raises(ValidationError) as again:
        execute_run(run)
    assert again.value.code == "status"
    assert start_run(settlement=settlement_a, by=mona, enqueue=False).reference == "TJ-M0002"


def test_a_run_abandoned_by_a_stopped_worker_no_longer_blocks_a_new_one(settlement_a, mona):
    stuck = run_services._begin(start_run(settlement=settlement_a, by=mona, enqueue=False))
    with pytest.raises(ValidationError):  # still moving: it is waited for
        start_run(settlement=settlement_a, by=mona, enqueue=False)
    assert stuck.progress is not None
    long_ago = timezone.now() - run_services.ABANDONED_AFTER - timedelta(minutes=1)
    TaskProgress.objects.filter(pk=stuck.progress.pk).update(updated_at=long_ago)

    fresh = start_run(settlement=settlement_a, by=mona, enqueue=False)
    assert fresh.status == RunStatus.QUEUED
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert stuck.error == gettext(
        "The run stopped without finishing (its worker stopped); nothing was proposed."
    )
    stuck.progress.refresh_from_db()
    assert stuck.progress.status == TaskStatus.FAILED
    assert stuck.history.first().history_change_reason == "Abandoned"


def test_a_worker_that_comes_back_after_its_run_was_abandoned_proposes_nothing(
    on_file, settlement_a, mona, monkeypatch
):
    run = start_run(settlement=settlement_a, by=mona, enqueue=False)
    compare = run_services._compare

    def slow(run: MatchRun, *args: Any) -> Any:
        figures = compare(run, *args)
        # Meanwhile the run was given up as abandoned.
        MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="abandoned")
        return figures

    monkeypatch.setattr(run_services, "_compare", slow)
    with pytest.raises(RuntimeError):
        execute_run(run)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "abandoned")
    assert not MatchPair.objects.exists()


def test_a_run_started_from_a_page_runs_in_the_background(
    on_file, settlement_a, mona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(settlement=settlement_a, by=mona)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.started_by == mona
    assert run.proposed == 3


def test_a_failed_run_proposes_nothing_and_says_so_without_names(
    on_file, settlement_a, mona, monkeypatch
):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("محمد حسین رحیمی")  # an error that happens to carry a name

    monkeypatch.setattr(run_services, "_write", broken)
    run = start_run(settlement=settlement_a, by=mona, enqueue=False)
    with pytest.raises(RuntimeError):
        execute_run(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "RuntimeError" in run.error
    assert "رحیمی" not in run.error
    assert not MatchPair.objects.exists()
    assert run.progress is not None
    run.progress.refresh_from_db()
    assert run.progress.status == TaskStatus.FAILED
    # Another run may start after a failed one.
    assert start_run(settlement=settlement_a, by=mona, enqueue=False).status == RunStatus.QUEUED


def test_the_command_line_runs_a_pass_and_prints_a_summary(on_file, settlement_a):
    out = io.StringIO()
    with translation.override("en"):
        call_command("match_registry", "tj", stdout=out, stderr=io.StringIO())
    run = MatchRun.objects.get()
    assert run.status == RunStatus.DONE and run.started_by is None
    with translation.override("en"):
        summary = gettext(match_registry.SUMMARY) % {
            "reference": run.reference,
            "people": run.people,
            "candidates": run.candidates,
            "proposed": 3,
            "skipped": 0,
        }
    assert summary in out.getvalue()


def test_the_command_line_refuses_an_unknown_settlement(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("match_registry", "XX", stdout=io.StringIO(), stderr=io.StringIO())

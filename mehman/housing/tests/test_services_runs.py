"""Batch allocation runs, against the real database: starting, solving (the background task
runs at once in tests), family groups, changes by hand, committing and discarding."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mehman.core.models import SettlementEvent, TaskProgress
from mehman.housing import services, tasks
from mehman.housing.models import (
    AllocationRun,
    Offer,
    OfferStatus,
    Proposal,
    RunStatus,
    Unit,
)
from mehman.housing.services.runs import family_groups
from mehman.housing.tests import factories as hf
from mehman.intake import services as intake
from mehman.intake.models import Application, ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry import services as registry_services
from mehman.registry.models import Kinship
from mehman.registry.tests.factories import member


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.MEHMAN_ALLOCATION_SECONDS = 1


def _ranked(settlement, by, manager, count):
    made = [waitlisted(settlement, by=by, manager=manager) for _ in range(count)]
    return sorted(Application.objects.filter(pk__in=[a.pk for a in made]), key=lambda a: a.rank)


def _solved(run):
    tasks.solve_allocation.enqueue(str(run.uuid))
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED, run.note
    return run


def _placed(run):
    return dict(
        Proposal.objects.filter(run=run, unit__isnull=False).values_list(
            "application_id", "unit_id"
        )
    )


def _run_events(settlement, kind):
    return list(
        SettlementEvent.objects.filter(aggregate=settlement, kind=kind).values_list(
            "params", flat=True
        )
    )


@pytest.fixture
def two_waiting(settlement_a, alice, mona):
    return _ranked(settlement_a, alice, mona, 2)


@pytest.fixture
def two_units(settlement_a, mona):
    return [hf.unit(settlement_a, by=mona), hf.unit(settlement_a, by=mona)]


# --- Starting -------------------------------------------------------------------------------


def test_a_run_takes_every_vacancy_and_the_waitlist(settlement_a, two_waiting, two_units, mona):
    run = services.start_run(settlement=settlement_a, by=mona, note=" Phase 1 ")
    assert run.reference == "TJ-R0001"
    assert run.status == RunStatus.RUNNING
    assert run.unit_ids == sorted(u.pk for u in two_units)
    assert run.note == "Phase 1"
    assert run.created_by == mona
    assert set(run.weights) == {"placement", "priority", "waste", "split"}
    assert run.progress.kind == "housing.allocation"
    assert _run_events(settlement_a, "housing.run_started") == [
        {"reference": "TJ-R0001", "vacancies": 2}
    ]
    assert services.start_run(settlement=settlement_a, by=mona).reference == "TJ-R0002"


def test_a_run_may_take_only_the_units_chosen(settlement_a, two_waiting, two_units, mona):
    run = services.start_run(settlement=settlement_a, by=mona, units=[two_units[1]])
    assert run.unit_ids == [two_units[1].pk]


def test_a_run_needs_a_vacancy(settlement_a, two_waiting, alice, mona):
    lived_in = hf.unit(settlement_a, by=mona)
    hf.resident(settlement_a, home=lived_in, by=alice)
    with pytest.raises(ValidationError) as caught:
        services.start_run(settlement=settlement_a, by=mona)
    assert caught.value.code == "no_vacancy"
    assert not AllocationRun.objects.exists()
    assert not _run_events(settlement_a, "housing.run_started")


def test_a_run_needs_somebody_waiting(settlement_a, two_units, mona):
    with pytest.raises(ValidationError) as caught:
        services.start_run(settlement=settlement_a, by=mona)
    assert caught.value.code == "no_waitlist"
    assert not AllocationRun.objects.exists()
    assert not TaskProgress.objects.exists()


def test_households_holding_an_offer_are_not_waiting(settlement_a, two_units, alice, mona):
    only = waitlisted(settlement_a, by=alice, manager=mona)
    services.offer_unit(unit=two_units[0], application=only, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_run(settlement=settlement_a, by=mona)
    assert caught.value.code == "no_waitlist"


def test_a_chosen_unit_that_is_not_vacant_is_named(
    settlement_a, two_waiting, two_units, alice, mona
):
    hf.resident(settlement_a, home=two_units[0], by=alice)
    with pytest.raises(ValidationError) as caught:
        services.start_run(settlement=settlement_a, by=mona, units=two_units)
    assert caught.value.code == "not_vacant"
    assert two_units[0].reference in caught.value.messages[0]
    assert two_units[1].reference not in caught.value.messages[0]
    assert not AllocationRun.objects.exists()


# --- Solving --------------------------------------------------------------------------------


def test_solving_proposes_a_unit_to_each_household_with_reasons(
    settlement_a, two_waiting, two_units, mona
):
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    assert _placed(run).keys() == {a.pk for a in two_waiting}
    assert set(_placed(run).values()) == {u.pk for u in two_units}
    proposals = list(Proposal.objects.filter(run=run).order_by("rank"))
    assert [p.rank for p in proposals] == [1, 2]
    assert all(p.greedy_unit_id for p in proposals)
    assert all("rank" in [r["code"] for r in p.reasons] for p in proposals)
    figures = run.figures
    assert (figures["placed"], figures["vacancies"], figures["candidates"]) == (2, 2, 2)
    assert figures["objective"] <= figures["bound"]
    assert figures["gap"] >= 0
    progress = TaskProgress.objects.get(pk=run.progress_id)
    assert progress.finished_at is not None
    assert progress.result == {"run": str(run.uuid), "placed": 2}


def test_a_household_too_big_for_every_vacancy_is_not_placed(settlement_a, alice, mona):
    app = waitlisted(settlement_a, by=alice, manager=mona)
    small = hf.unit(settlement_a, by=mona, floor_area="13.5")  # 3 persons for 4
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    assert run.unit_ids == [small.pk]
    assert _placed(run) == {}
    assert run.figures["placed"] == 0
    assert app.pk not in _placed(run)


def test_a_run_that_cannot_be_solved_fails_and_says_so(settlement_a, two_waiting, two_units, mona):
    run = services.start_run(settlement=settlement_a, by=mona)
    AllocationRun.objects.filter(pk=run.pk).update(weights={"placement": -1})
    tasks.solve_allocation.enqueue(str(run.uuid))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.note
    assert not Proposal.objects.filter(run=run).exists()
    assert TaskProgress.objects.get(pk=run.progress_id).finished_at is not None


def test_related_households_are_kept_in_one_block_when_room_allows(settlement_a, alice, mona):
    first, _other, second = _ranked(settlement_a, alice, mona, 3)
    registry_services.link_households(
        household=first.household, other=second.household, kinship=Kinship.SIBLINGS, by=alice
    )
    hf.unit(settlement_a, by=mona, block_code="B01")
    pair = [hf.unit(settlement_a, by=mona, block_code="B02") for _ in range(2)]
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    placed = _placed(run)
    assert len(placed) == 3
    assert {placed[first.pk], placed[second.pk]} == {u.pk for u in pair}
    assert run.figures["groups"] == 1
    assert run.figures["groups_together"] == 1
    reasons = Proposal.objects.get(run=run, application=first).reasons
    assert "family" in [r["code"] for r in reasons]


def test_family_groups_follow_links_through_each_other(settlement_a, alice):
    a, b, c, d = (hf.resident(settlement_a, by=alice) for _ in range(4))
    registry_services.link_households(household=a, other=b, kinship=Kinship.SIBLINGS, by=alice)
    registry_services.link_households(household=c, other=b, kinship=Kinship.PARENT_CHILD, by=alice)
    groups = family_groups([a.pk, b.pk, c.pk, d.pk])
    assert groups[a.pk] == groups[b.pk] == groups[c.pk]
    assert d.pk not in groups
    # A relative not among the households given does not make a group.
    assert family_groups([a.pk, d.pk]) == {}


# --- Changes by hand ------------------------------------------------------------------------


@pytest.fixture
def proposed(settlement_a, two_waiting, two_units, mona):
    """A solved run: two households of four, two units of ten, and a unit of three."""
    small = hf.unit(settlement_a, by=mona, floor_area="13.5")
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    assert small.pk in run.unit_ids
    return run, small


def _proposal(run, application):
    return Proposal.objects.get(run=run, application=application)


def test_a_proposal_changed_by_hand_keeps_the_reason(settlement_a, proposed, two_waiting, mona):
    run, _small = proposed
    top = _proposal(run, two_waiting[0])
    unit = top.unit
    freed = services.edit_proposal(proposal=top, unit=None, by=mona, reason="Household asked")
    assert (freed.unit, freed.edited, freed.edit_reason) == (None, True, "Household asked")
    run.refresh_from_db()
    assert (run.figures["placed"], run.figures["edited_placed"], run.figures["edits"]) == (2, 1, 1)
    back = services.edit_proposal(proposal=top, unit=unit, by=mona, reason="Changed its mind")
    assert back.unit == unit
    assert "rank" in [r["code"] for r in back.reasons]
    run.refresh_from_db()
    assert (run.figures["placed"], run.figures["edits"]) == (2, 2)
    assert "edited_objective" in run.figures
    events = _run_events(settlement_a, "housing.run_edited")
    assert {e["reason"] for e in events} == {"Household asked", "Changed its mind"}
    assert all(e["application"] == two_waiting[0].reference for e in events)


def _refused_edit(run, proposal, unit, by, code, reason="Because"):
    before = (proposal.unit_id, proposal.edited)
    with pytest.raises(ValidationError) as caught:
        services.edit_proposal(proposal=proposal, unit=unit, by=by, reason=reason)
    codes = (
        [e.code for errors in caught.value.error_dict.values() for e in errors]
        if hasattr(caught.value, "error_dict")
        else [caught.value.code]
    )
    assert code in codes
    proposal.refresh_from_db()
    assert (proposal.unit_id, proposal.edited) == before
    assert not SettlementEvent.objects.filter(kind="housing.run_edited").exists()


def test_a_change_by_hand_needs_a_reason(proposed, two_waiting, mona):
    run, _small = proposed
    _refused_edit(run, _proposal(run, two_waiting[0]), None, mona, "required", reason=" ")


def test_a_unit_outside_the_run_cannot_be_proposed(settlement_a, proposed, two_waiting, mona):
    run, _small = proposed
    later = hf.unit(settlement_a, by=mona)
    _refused_edit(run, _proposal(run, two_waiting[0]), later, mona, "not_in_run")


def test_a_unit_proposed_to_another_household_must_be_freed_first(proposed, two_waiting, mona):
    run, _small = proposed
    second = _proposal(run, two_waiting[1])
    _refused_edit(run, _proposal(run, two_waiting[0]), second.unit, mona, "taken")


def test_a_unit_too_small_for_the_household_cannot_be_proposed(proposed, two_waiting, mona):
    run, small = proposed
    _refused_edit(run, _proposal(run, two_waiting[0]), small, mona, "unfit")


def test_a_step_free_need_is_checked_on_a_change_by_hand(settlement_a, alice, mona):
    walking = waitlisted(settlement_a, by=alice, manager=mona, members=[member(wg_walking=3)])
    step_free = hf.unit(settlement_a, by=mona, ramp=True)
    steps = hf.unit(settlement_a, by=mona)
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    proposal = _proposal(run, walking)
    assert proposal.unit == step_free
    _refused_edit(run, proposal, steps, mona, "unfit")


def test_a_committed_run_cannot_be_changed(proposed, two_waiting, mona):
    run, _small = proposed
    services.commit_run(run=run, by=mona)
    _refused_edit(run, _proposal(run, two_waiting[0]), None, mona, "status")


# --- Committing and discarding --------------------------------------------------------------


def test_committing_offers_each_household_its_unit_in_rank_order(
    settlement_a, proposed, two_waiting, mona
):
    run, _small = proposed
    placed = _placed(run)
    assert services.commit_run(run=run, by=mona) == 2
    offers = list(Offer.objects.filter(run=run).order_by("id"))
    assert [o.application_id for o in offers] == [a.pk for a in two_waiting]
    assert all(o.status == OfferStatus.OPEN for o in offers)
    assert {o.application_id: o.unit_id for o in offers} == placed
    for proposal in Proposal.objects.filter(run=run, unit__isnull=False):
        assert proposal.offer.unit_id == proposal.unit_id
    for app in two_waiting:
        app.refresh_from_db()
        assert app.status == ApplicationStatus.OFFERED
        assert run.reference in app.offer_skip_reason
    run.refresh_from_db()
    assert run.status == RunStatus.COMMITTED
    assert run.decided_by == mona
    assert run.decided_at is not None
    assert _run_events(settlement_a, "housing.run_committed") == [
        {"reference": run.reference, "offers": 2}
    ]
    reasons = list(
        run.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Run started", "Proposal ready", "Committed"]
    assert run.history.first().history_user == mona
    assert not Unit.objects.filter(pk__in=placed.values()).vacant().exists()
    with pytest.raises(ValidationError) as caught:
        services.commit_run(run=run, by=mona)
    assert caught.value.code == "status"


def _refused_commit(run, by, code):
    with pytest.raises(ValidationError) as caught:
        services.commit_run(run=run, by=by)
    assert caught.value.code == code
    assert not Offer.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED
    assert not SettlementEvent.objects.filter(kind="housing.run_committed").exists()
    return caught.value


def test_a_household_that_left_the_waitlist_meanwhile_stops_the_whole_commit(
    proposed, two_waiting, alice, mona
):
    run, _small = proposed
    intake.withdraw_application(application=two_waiting[1], by=alice, reason="Moved to Mashhad")
    error = _refused_commit(run, mona, "stale")
    assert two_waiting[1].reference in error.messages[0]
    two_waiting[0].refresh_from_db()
    assert two_waiting[0].status == ApplicationStatus.WAITLISTED


def test_a_unit_taken_meanwhile_stops_the_whole_commit(
    settlement_a, proposed, two_waiting, alice, mona
):
    run, _small = proposed
    unit = _proposal(run, two_waiting[1]).unit
    hf.resident(settlement_a, home=unit, by=alice)
    error = _refused_commit(run, mona, "stale")
    assert unit.reference in error.messages[0]


def test_a_household_grown_too_big_meanwhile_stops_the_whole_commit(settlement_a, alice, mona):
    first, second = _ranked(settlement_a, alice, mona, 2)
    for _ in range(2):
        hf.unit(settlement_a, by=mona, floor_area="18")  # 4 persons each
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    assert len(_placed(run)) == 2
    registry_services.add_member(
        household=second.household,
        by=alice,
        **member(given_name="رضا", relationship="son", marital_status="single"),
    )
    with pytest.raises(ValidationError) as caught:
        services.commit_run(run=run, by=mona)
    assert caught.value.code == "too_small"
    assert not Offer.objects.exists()  # the first household's offer was undone too
    first.refresh_from_db()
    assert first.status == ApplicationStatus.WAITLISTED
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED


def test_a_run_proposing_nothing_cannot_be_committed(settlement_a, alice, mona):
    waitlisted(settlement_a, by=alice, manager=mona)
    hf.unit(settlement_a, by=mona, floor_area="9")  # 2 persons
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    _refused_commit(run, mona, "empty")


def test_a_run_is_discarded_with_a_reason(settlement_a, proposed, mona):
    run, _small = proposed
    with pytest.raises(ValidationError) as caught:
        services.discard_run(run=run, by=mona, reason="")
    assert caught.value.error_dict["reason"][0].code == "required"
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED
    discarded = services.discard_run(run=run, by=mona, reason="Wrong vacancies")
    assert (discarded.status, discarded.note, discarded.decided_by) == (
        RunStatus.DISCARDED,
        "Wrong vacancies",
        mona,
    )
    assert _run_events(settlement_a, "housing.run_discarded") == [
        {"reference": run.reference, "reason": "Wrong vacancies"}
    ]
    with pytest.raises(ValidationError) as caught:
        services.commit_run(run=run, by=mona)
    assert caught.value.code == "status"


def test_a_running_run_may_be_discarded_and_then_is_not_solved(
    settlement_a, two_waiting, two_units, mona
):
    run = services.start_run(settlement=settlement_a, by=mona)
    services.discard_run(run=run, by=mona, reason="Started by mistake")
    tasks.solve_allocation.enqueue(str(run.uuid))
    run.refresh_from_db()
    assert run.status == RunStatus.DISCARDED
    assert not Proposal.objects.filter(run=run).exists()


def test_a_committed_run_cannot_be_discarded(proposed, mona):
    run, _small = proposed
    services.commit_run(run=run, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.discard_run(run=run, by=mona, reason="Too late")
    assert caught.value.code == "status"
    assert Offer.objects.filter(run=run, status=OfferStatus.OPEN).count() == 2


def test_a_run_keeps_the_next_households_below_the_last_placed_with_why(settlement_a, alice, mona):
    hf.unit(settlement_a, by=mona)
    ranked = _ranked(settlement_a, alice, mona, 3)
    run = _solved(services.start_run(settlement=settlement_a, by=mona))
    kept = {p.application_id: p for p in run.proposals.all()}
    assert set(kept) == {a.pk for a in ranked}
    unplaced = [p for p in kept.values() if p.unit_id is None]
    assert len(unplaced) == 2
    assert all(p.reasons[0]["code"] == "not_placed" for p in unplaced)

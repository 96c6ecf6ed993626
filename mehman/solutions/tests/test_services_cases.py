"""The case: opening one per household, its pathway and history, its stages, its caseworker,
closing it; intentions, the plan of milestones and protected case notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mehman.core import dates
from mehman.registry.models import HouseholdEvent
from mehman.registry.tests import factories as registry
from mehman.residence.models import Pathway, ResidenceTerm
from mehman.solutions import services
from mehman.solutions.models import (
    CaseStage,
    ComplementaryPathway,
    Milestone,
    MilestoneStatus,
    PathwayChange,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f


@pytest.fixture
def household(settlement_a, mona):
    return f.housed(settlement_a, by=mona)[0]


@pytest.fixture
def case(household, carla):
    return f.case(household, by=carla, owner=carla)


def _kinds(household):
    return list(
        HouseholdEvent.objects.filter(aggregate=household, kind__startswith="solutions.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


# --- Opening ------------------------------------------------------------------------------------


def test_a_case_opens_with_a_reference_its_pathway_history_and_an_event(household, carla):
    case = services.open_case(
        household=household, by=carla, pathway=Pathway.LOCAL_INTEGRATION, owner=carla
    )
    assert case.reference == "TJ-S00001"
    assert case.stage == CaseStage.ASSESSING
    assert case.owner == carla
    assert case.opened_on == dates.today()
    change = PathwayChange.objects.get(case=case)
    assert (change.previous, change.pathway, change.changed_by) == (
        "",
        Pathway.LOCAL_INTEGRATION,
        carla,
    )
    assert case.history.count() == 1
    assert _kinds(household) == ["solutions.case_opened"]


def test_a_household_has_one_open_case_at_a_time(case, household, carla):
    with pytest.raises(ValidationError) as caught:
        services.open_case(household=household, by=carla)
    assert caught.value.code == "has_case"
    assert SolutionsCase.objects.count() == 1


def test_the_database_refuses_a_second_open_case(case, household):
    with pytest.raises(IntegrityError), transaction.atomic():
        SolutionsCase.objects.create(
            reference="TJ-X1", settlement=case.settlement, household=household
        )


def test_a_closed_case_makes_room_for_a_new_one(case, household, carla):
    services.close_case(case=case, by=carla, reason="The family withdrew")
    again = services.open_case(household=household, by=carla)
    assert again.reference == "TJ-S00002"
    assert SolutionsCase.objects.open().get() == again


def test_only_a_resident_household_has_a_case(settlement_a, carla):
    applicant = registry.household(settlement_a, by=carla)
    with pytest.raises(ValidationError) as caught:
        services.open_case(household=applicant, by=carla)
    assert caught.value.code == "not_resident"


def test_the_caseworker_works_in_the_households_settlement(household, carla, bob):
    with pytest.raises(ValidationError) as caught:
        services.open_case(household=household, by=carla, owner=bob)
    assert caught.value.error_dict["owner"][0].code == "staff"


def test_a_case_cannot_open_in_the_future(household, carla):
    with pytest.raises(ValidationError) as caught:
        services.open_case(
            household=household, by=carla, opened_on=dates.today() + timedelta(days=1)
        )
    assert caught.value.error_dict["opened_on"][0].code == "future"


def test_opening_with_a_pathway_sets_the_residence_terms_pathway(household, carla):
    services.open_case(household=household, by=carla, pathway=Pathway.REPATRIATION)
    assert ResidenceTerm.objects.get(household=household).pathway == Pathway.REPATRIATION


def test_cases_are_read_in_scope_only(case, carla, bob, vera, adam):
    assert list(SolutionsCase.objects.for_user(carla)) == [case]
    assert list(SolutionsCase.objects.for_user(adam)) == [case]
    assert not SolutionsCase.objects.for_user(bob).exists()
    assert not SolutionsCase.objects.for_user(vera).exists()


# --- Pathway ------------------------------------------------------------------------------------


def test_a_pathway_change_needs_a_reason(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.change_pathway(case=case, by=carla, pathway=Pathway.RESETTLEMENT, reason=" ")
    assert caught.value.error_dict["reason"][0].code == "required"
    case.refresh_from_db()
    assert case.pathway == Pathway.UNDECIDED


def test_pathway_changes_are_kept_with_their_reasons_and_follow_the_term(case, household, carla):
    services.change_pathway(
        case=case, by=carla, pathway=Pathway.REPATRIATION, reason="Wants to go home"
    )
    services.change_pathway(
        case=case, by=carla, pathway=Pathway.LOCAL_INTEGRATION, reason="Found work in Mashhad"
    )
    changes = list(
        PathwayChange.objects.filter(case=case).values_list("previous", "pathway", "reason")
    )
    assert changes[1:] == [
        (Pathway.UNDECIDED, Pathway.REPATRIATION, "Wants to go home"),
        (Pathway.REPATRIATION, Pathway.LOCAL_INTEGRATION, "Found work in Mashhad"),
    ]
    case.refresh_from_db()
    assert case.pathway == Pathway.LOCAL_INTEGRATION
    assert ResidenceTerm.objects.get(household=household).pathway == Pathway.LOCAL_INTEGRATION
    assert _kinds(household).count("solutions.pathway_changed") == 2


def test_a_complementary_pathway_is_a_kind_of_resettlement(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.change_pathway(
            case=case,
            by=carla,
            pathway=Pathway.REPATRIATION,
            complementary=ComplementaryPathway.LABOUR,
            reason="Work visa",
        )
    assert caught.value.error_dict["complementary"][0].code == "complementary"
    case = services.change_pathway(
        case=case,
        by=carla,
        pathway=Pathway.RESETTLEMENT,
        complementary=ComplementaryPathway.FAMILY_REUNIFICATION,
        reason="Brother in Germany",
    )
    assert case.complementary == ComplementaryPathway.FAMILY_REUNIFICATION


def test_the_database_refuses_a_complementary_pathway_outside_resettlement(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        SolutionsCase.objects.filter(pk=case.pk).update(complementary="labour")


def test_an_edit_from_a_stale_copy_is_refused(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.change_pathway(
            case=case,
            by=carla,
            pathway=Pathway.REPATRIATION,
            reason="x",
            expected_version=case.version - 1,
        )
    assert caught.value.code == "stale"


# --- Stages -------------------------------------------------------------------------------------


def test_a_case_moves_through_its_stages(case, carla):
    services.change_pathway(case=case, by=carla, pathway=Pathway.SELF_RELIANCE, reason="Shop")
    for stage in (CaseStage.PLANNING, CaseStage.IN_PROGRESS, CaseStage.READY):
        case = services.change_stage(case=case, by=carla, stage=stage)
        assert case.stage == stage
    case = services.change_stage(case=case, by=carla, stage=CaseStage.IN_PROGRESS)
    assert case.stage == CaseStage.IN_PROGRESS


def test_a_stage_out_of_order_is_refused(case, carla):
    services.change_pathway(case=case, by=carla, pathway=Pathway.SELF_RELIANCE, reason="Shop")
    with pytest.raises(ValidationError) as caught:
        services.change_stage(case=case, by=carla, stage=CaseStage.READY)
    assert caught.value.code == "transition"


def test_planning_needs_a_decided_pathway(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.change_stage(case=case, by=carla, stage=CaseStage.PLANNING)
    assert caught.value.code == "undecided"


@pytest.mark.parametrize(
    ("stage", "code"), [(CaseStage.EXITED, "use_exit"), (CaseStage.CLOSED, "use_close")]
)
def test_exit_and_closure_have_their_own_services(case, carla, stage, code):
    with pytest.raises(ValidationError) as caught:
        services.change_stage(case=case, by=carla, stage=stage)
    assert caught.value.code == code


def test_closing_needs_a_reason_and_freezes_the_case(case, carla):
    with pytest.raises(ValidationError):
        services.close_case(case=case, by=carla, reason="")
    case = services.close_case(case=case, by=carla, reason="Household withdrew")
    assert (case.stage, case.closed_on, case.close_reason) == (
        CaseStage.CLOSED,
        dates.today(),
        "Household withdrew",
    )
    with pytest.raises(ValidationError) as caught:
        services.change_pathway(case=case, by=carla, pathway=Pathway.REPATRIATION, reason="x")
    assert caught.value.code == "closed"


def test_the_caseworker_is_reassigned_within_the_settlement(case, mona, carla, bob):
    case = services.assign_owner(case=case, by=mona, owner=mona)
    assert case.owner == mona
    with pytest.raises(ValidationError):
        services.assign_owner(case=case, by=mona, owner=bob)


# --- Intentions ---------------------------------------------------------------------------------


def test_intentions_are_asked_again_over_time(case, household, carla):
    head = household.head
    services.record_survey(
        case=case,
        by=carla,
        preferred=Pathway.REPATRIATION,
        respondent=head,
        conditions="Only if Herat is safe",
        surveyed_on=dates.today() - timedelta(days=90),
    )
    latest = services.record_survey(
        case=case, by=carla, preferred=Pathway.LOCAL_INTEGRATION, respondent=head
    )
    assert list(case.surveys.values_list("preferred", flat=True)) == [
        Pathway.LOCAL_INTEGRATION,
        Pathway.REPATRIATION,
    ]
    assert latest.recorded_by == carla
    assert _kinds(household).count("solutions.survey_recorded") == 2


def test_the_respondent_is_a_member_of_the_household(case, settlement_a, carla):
    stranger = registry.household(settlement_a, by=carla).head
    with pytest.raises(ValidationError) as caught:
        services.record_survey(
            case=case, by=carla, preferred=Pathway.REPATRIATION, respondent=stranger
        )
    assert caught.value.error_dict["respondent"][0].code == "member"


# --- Milestones ---------------------------------------------------------------------------------


def test_a_step_past_its_due_date_is_overdue_until_done(case, carla):
    late = services.add_milestone(
        case=case, by=carla, title="Rent contract", owner=carla, due_on=dates.today() - timedelta(1)
    )
    ahead = services.add_milestone(
        case=case, by=carla, title="Work permit", owner=carla, due_on=dates.today() + timedelta(9)
    )
    assert list(Milestone.objects.overdue()) == [late]
    assert late.is_overdue and not ahead.is_overdue
    assert list(Milestone.objects.due_within(14)) == [late, ahead]
    done = services.complete_milestone(milestone=late, by=carla)
    assert (done.status, done.done_on) == (MilestoneStatus.DONE, dates.today())
    assert not Milestone.objects.overdue().exists()


def test_a_finished_step_cannot_be_finished_again(case, carla):
    step = services.add_milestone(
        case=case, by=carla, title="Counselling", owner=carla, due_on=dates.today()
    )
    services.drop_milestone(milestone=step, by=carla, reason="Not needed")
    with pytest.raises(ValidationError) as caught:
        services.complete_milestone(milestone=step, by=carla)
    assert caught.value.code == "finished"


def test_a_step_needs_an_owner_in_the_settlement_and_a_date_after_the_case(case, carla, bob):
    with pytest.raises(ValidationError) as caught:
        services.add_milestone(case=case, by=carla, title="x", owner=bob, due_on=dates.today())
    assert "owner" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.add_milestone(
            case=case, by=carla, title="x", owner=carla, due_on=case.opened_on - timedelta(1)
        )
    assert caught.value.error_dict["due_on"][0].code == "dates"


def test_steps_of_a_closed_case_leave_the_worklists(case, carla):
    services.add_milestone(
        case=case, by=carla, title="Tazkira", owner=carla, due_on=dates.today() - timedelta(3)
    )
    services.close_case(case=case, by=carla, reason="Withdrew")
    assert not Milestone.objects.overdue().exists()

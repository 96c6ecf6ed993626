"""The demo's durable solutions: cases in every pathway and stage, exits over the last two
years with their follow-ups, and referrals overdue on both sides, on the full demo settlement
loaded once for the folder (``conftest.demo``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from mehman.accounts.models import User
from mehman.assistance.models import Referral
from mehman.core import dates
from mehman.demo.settlement import load_demo
from mehman.housing.models import Occupancy, Unit
from mehman.registry.models import HouseholdStatus
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions import queries
from mehman.solutions.models import (
    Approval,
    ApprovalStatus,
    CaseExit,
    CaseStage,
    ExitFollowUp,
    FollowUpStatus,
    Milestone,
    SolutionsCase,
)
from mehman.solutions.services import readiness, trend


def test_open_cases_cover_every_pathway_and_stage(demo):
    assert demo["cases"] == SolutionsCase.objects.count() >= 150
    open_cases = SolutionsCase.objects.open()
    cells = Counter(open_cases.values_list("pathway", "stage"))
    for pathway in (
        Pathway.SELF_RELIANCE,
        Pathway.LOCAL_INTEGRATION,
        Pathway.REPATRIATION,
        Pathway.RESETTLEMENT,
    ):
        for stage in (CaseStage.PLANNING, CaseStage.IN_PROGRESS):
            assert cells[(pathway, stage)] >= 2, (pathway, stage)
    assert cells[(Pathway.UNDECIDED, CaseStage.ASSESSING)] >= 10
    assert open_cases.filter(stage=CaseStage.READY).count() >= 5
    assert SolutionsCase.objects.filter(stage=CaseStage.CLOSED).exists()
    # Every open case belongs to a resident household, with its survey and its plan.
    assert not open_cases.exclude(household__status=HouseholdStatus.RESIDENT).exists()
    assert not open_cases.filter(surveys__isnull=True).exists()
    assert not open_cases.filter(milestones__isnull=True).exists()


def test_plans_have_overdue_and_upcoming_steps_and_ready_cases_are_fully_ready(demo):
    assert Milestone.objects.overdue().count() >= 10
    assert Milestone.objects.due_within(14).exclude(pk__in=Milestone.objects.overdue()).exists()
    for case in SolutionsCase.objects.filter(stage=CaseStage.READY):
        assert readiness(case).score == 100, case
        assert len(trend(case)) == 2
    working = SolutionsCase.objects.filter(stage=CaseStage.IN_PROGRESS)
    assert any(0 < readiness(case).score < 100 for case in working)


def test_exits_over_the_last_two_years_free_homes_and_close_cases(demo):
    exits = CaseExit.objects.select_related("case", "household")
    assert exits.count() >= 25
    today = dates.today()
    assert exits.filter(exit_on__lt=today - timedelta(days=400)).exists()
    assert not exits.filter(exit_on__lt=today - timedelta(days=731)).exists()
    assert set(exits.values_list("exit_type", flat=True)) >= {
        ExitReason.RETURNED,
        ExitReason.RESETTLED,
        ExitReason.MOVED_TO_CITY,
        ExitReason.OTHER_SETTLEMENT,
        ExitReason.WHEREABOUTS_UNKNOWN,
    }
    for case_exit in exits:
        assert case_exit.case.stage == CaseStage.EXITED
        assert case_exit.household.status == HouseholdStatus.DEPARTED
    # Returns and resettlements were approved by someone other than the caseworker who asked.
    needing = exits.filter(exit_type__in=(ExitReason.RETURNED, ExitReason.RESETTLED))
    for case_exit in needing:
        approval = Approval.objects.get(case=case_exit.case, status=ApprovalStatus.APPROVED)
        assert approval.decided_by != approval.requested_by
    # One family of which only some left; the rest kept their home.
    (partial,) = exits.filter(remaining__isnull=False)
    assert partial.remaining.status == HouseholdStatus.RESIDENT
    assert Occupancy.objects.filter(household=partial.remaining, ended_on__isnull=True).exists()
    # The other homes stand vacant for the housing officer.
    freed = Unit.objects.filter(pk__in=exits.values("freed_unit"))
    assert freed.count() == exits.count() - 1
    assert set(freed) <= set(Unit.objects.vacant())


def test_follow_ups_are_recorded_where_due_and_the_latest_wait(demo):
    follow_ups = ExitFollowUp.objects.all()
    assert follow_ups.filter(status=FollowUpStatus.REACHED).count() >= 10
    assert follow_ups.filter(status=FollowUpStatus.NOT_REACHED).exists()
    assert follow_ups.due().exists()
    # Only the latest wait: any older follow-up is recorded.
    late = dates.today() - timedelta(days=20)
    assert not follow_ups.filter(status=FollowUpStatus.DUE, due_on__lt=late).exists()


def test_an_overdue_referral_shows_on_the_worklist_and_on_the_partners_portal(demo):
    overdue = queries.overdue_referrals()
    assert overdue.count() >= 3
    partner = User.objects.get(username="partner")
    on_portal = Referral.objects.for_user(partner).overdue()
    nrc_overdue = overdue.filter(referral__organisation=partner.partner_link.organisation)
    assert nrc_overdue.count() == 1
    assert on_portal.filter(pk=nrc_overdue.get().referral_id).exists()


def test_loading_the_demo_again_adds_no_case(demo):
    before = (SolutionsCase.objects.count(), CaseExit.objects.count())
    assert load_demo()["cases"] == 0
    assert (SolutionsCase.objects.count(), CaseExit.objects.count()) == before

"""The caseload pages: the board of open cases by pathway and stage, the list of cases with
their readiness and overdue flags, the worklists and the time to solution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from conftest import signed_in
from mehman.assistance import services as assistance
from mehman.core import dates
from mehman.partners.tests import factories as pf
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions import services
from mehman.solutions.models import ApprovalKind, CaseStage, ServiceType
from mehman.solutions.tests import factories as f
from mehman.solutions.views import board as board_views

BOARD = reverse("solutions:board")
CASES = reverse("solutions:cases")
WORKLISTS = reverse("solutions:worklists")
OUTCOMES = reverse("solutions:outcomes")
LOCAL = Pathway.LOCAL_INTEGRATION
TODAY = dates.today


def _case(settlement, by, *, pathway=LOCAL, owner=None, stage=None, term=False, days_ago=200):
    household = f.housed(settlement, by=by, term=term)[0]
    case = f.case(household, by=by, pathway=pathway, owner=owner, days_ago=days_ago)
    if stage is not None:
        case = services.change_stage(case=case, by=by, stage=stage)
    return case


def _url(case):
    return reverse("solutions:case", kwargs={"reference": case.reference})


@pytest.fixture
def english(mona, carla):
    for user in (mona, carla):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def lawyers(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, org_type="NNGO", name_en="Legal Aid Centre", name_fa="مرکز حقوقی"
    )


def _refer(case, by, organisation, days, service_type=ServiceType.LEGAL_AID):
    return services.refer_to_partner(
        case=case,
        by=by,
        organisation=organisation,
        service_type=service_type,
        follow_up_on=TODAY() + timedelta(days=days),
        consent_given=True,
        referred_on=TODAY() - timedelta(days=30),
    )


@pytest.fixture
def caseload(settlement_a, settlement_b, mona, carla, bob):
    """Three open cases in A (two of Carla's), one closed, and one in B."""
    carlas = _case(settlement_a, mona, owner=carla)
    planning = _case(settlement_a, mona, owner=carla, stage=CaseStage.PLANNING)
    unowned = _case(settlement_a, mona, pathway=Pathway.REPATRIATION)
    closed = _case(settlement_a, mona, owner=carla)
    services.close_case(case=closed, by=mona, reason="The family changed its mind.")
    elsewhere = _case(settlement_b, bob)
    return {
        "carlas": carlas,
        "planning": planning,
        "unowned": unowned,
        "closed": closed,
        "elsewhere": elsewhere,
    }


def _listed(response):
    return {case.reference for case, _facts in response.context["rows"]}


# --- Who sees the pages -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [BOARD, CASES, WORKLISTS, OUTCOMES])
@pytest.mark.parametrize("persona", ["alice", "bob", "vera", "nasrin"])
def test_those_outside_solutions_get_404(url, persona, settlement_a, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(url, {"settlement": settlement_a.code}).status_code == 404


@pytest.mark.parametrize("url", [BOARD, CASES, WORKLISTS, OUTCOMES])
def test_a_settlement_out_of_scope_is_404(url, settlement_b, carla):
    assert signed_in(carla).get(url, {"settlement": settlement_b.code}).status_code == 404


# --- The board ----------------------------------------------------------------------------------


def _cells(response):
    """The board as {(pathway label, stage label): count}."""
    stages = response.context["stages"]
    return {
        (str(row["label"]), str(stage)): count
        for row in response.context["rows"]
        for stage, (count, _query) in zip(stages, row["cells"], strict=True)
    }


def test_the_board_counts_open_cases_by_pathway_and_stage_for_a_manager(caseload, mona):
    response = signed_in(mona).get(BOARD)
    assert response.status_code == 200
    counts = {key: count for key, count in _cells(response).items() if count}
    assert counts == {
        (str(Pathway.LOCAL_INTEGRATION.label), str(CaseStage.ASSESSING.label)): 1,
        (str(Pathway.LOCAL_INTEGRATION.label), str(CaseStage.PLANNING.label)): 1,
        (str(Pathway.REPATRIATION.label), str(CaseStage.ASSESSING.label)): 1,
    }
    assert response.context["total"] == 3
    assert [count for count, _query in response.context["totals"]] == [2, 1, 0, 0]
    assert response.context["form"]["owner"].value() == board_views.EVERYONE


def test_a_caseworker_sees_her_own_cases_by_default_and_everyones_on_request(caseload, carla):
    client = signed_in(carla)
    mine = client.get(BOARD)
    assert mine.context["form"]["owner"].value() == board_views.MINE
    assert mine.context["total"] == 2
    assert client.get(BOARD, {"owner": board_views.EVERYONE}).context["total"] == 3
    assert client.get(BOARD, {"owner": board_views.NOBODY}).context["total"] == 1
    assert client.get(BOARD, {"owner": "carla"}).context["total"] == 2


def test_the_board_is_filtered_by_pathway(caseload, mona):
    response = signed_in(mona).get(BOARD, {"pathway": Pathway.REPATRIATION})
    assert response.context["total"] == 1


def test_each_number_links_to_the_list_of_those_cases(caseload, mona, settlement_a):
    client = signed_in(mona)
    html = client.get(BOARD).content.decode()
    query = f"settlement={settlement_a.code}&amp;owner=all&amp;pathway={LOCAL}&amp;stage=planning"
    assert f"{CASES}?{query}" in html
    listed = client.get(CASES, {"owner": "all", "pathway": LOCAL, "stage": "planning"})
    assert _listed(listed) == {caseload["planning"].reference}


# --- The list of cases ------------------------------------------------------------------------


def test_the_list_shows_open_cases_of_the_settlement_with_links_to_each(caseload, mona):
    response = signed_in(mona).get(CASES)
    assert response.status_code == 200
    open_ones = {caseload[key].reference for key in ("carlas", "planning", "unowned")}
    assert _listed(response) == open_ones
    html = response.content.decode()
    for key in ("carlas", "planning", "unowned"):
        case = caseload[key]
        assert _url(case) in html
        assert case.household.reference in html
        assert case.household.head.full_name in html


def test_the_list_is_filtered_by_stage_owner_and_state(caseload, mona, carla):
    client = signed_in(mona)

    def listed(**query):
        return _listed(client.get(CASES, query))

    assert listed(stage=CaseStage.PLANNING) == {caseload["planning"].reference}
    assert listed(state="finished") == {caseload["closed"].reference}
    assert listed(state="all", owner="carla") == {
        caseload[key].reference for key in ("carlas", "planning", "closed")
    }
    assert listed(owner=board_views.NOBODY) == {caseload["unowned"].reference}
    assert listed(pathway=Pathway.REPATRIATION) == {caseload["unowned"].reference}
    assert _listed(signed_in(carla).get(CASES)) == {
        caseload[key].reference for key in ("carlas", "planning")
    }


def test_an_unknown_caseworker_shows_a_translated_error(caseload, mona, english):
    response = signed_in(mona).get(CASES, {"owner": "nobody-here"})
    assert response.status_code == 200
    with override("en"):
        # Django's own message (not in the project's catalogue).
        message = forms.ChoiceField.default_error_messages["invalid_choice"]
        expected = str(message) % {"value": "nobody-here"}
        assert response.context["form"].errors["owner"] == [expected]


def test_each_case_shows_its_readiness_next_step_and_overdue_flags(
    settlement_a, mona, carla, lawyers
):
    late = _case(settlement_a, mona, owner=carla)
    services.assess_readiness(case=late, by=carla, answers={"local-income": True})
    services.add_milestone(
        case=late, by=carla, title="Visit a landlord", owner=carla, due_on=TODAY() - timedelta(1)
    )
    services.add_milestone(
        case=late, by=carla, title="Enrol the children", owner=carla, due_on=TODAY()
    )
    _refer(late, carla, lawyers, days=-1)
    on_time = _case(settlement_a, mona, owner=carla)
    services.add_milestone(
        case=on_time, by=carla, title="Open a bank account", owner=carla, due_on=TODAY()
    )
    _refer(on_time, carla, lawyers, days=5)
    response = signed_in(mona).get(CASES)
    facts = {case.reference: fact for case, fact in response.context["rows"]}
    assert facts[late.reference].readiness == services.readiness(late).score == 30
    assert facts[late.reference].next_due == TODAY() - timedelta(1)
    assert facts[late.reference].milestone_overdue
    assert facts[late.reference].referral_overdue
    assert facts[on_time.reference].readiness == 0
    assert facts[on_time.reference].next_due == TODAY()
    assert not facts[on_time.reference].milestone_overdue
    assert not facts[on_time.reference].referral_overdue
    html = response.content.decode()
    assert html.count('data-testid="milestone-overdue"') == 1
    assert html.count('data-testid="referral-overdue"') == 1


def test_the_list_reads_in_as_many_queries_for_many_cases_as_for_few(
    settlement_a, mona, carla, lawyers
):
    def busy_case():
        case = _case(settlement_a, mona, owner=carla)
        services.assess_readiness(case=case, by=carla, answers={"local-income": True})
        services.add_milestone(
            case=case, by=carla, title="Visit", owner=carla, due_on=TODAY() - timedelta(1)
        )
        _refer(case, carla, lawyers, days=-1)

    busy_case()
    client = signed_in(mona)
    client.get(CASES)  # warm the session and the user
    with CaptureQueriesContext(connection) as few:
        assert client.get(CASES).status_code == 200
    for _ in range(3):
        busy_case()
    with CaptureQueriesContext(connection) as many:
        page = client.get(CASES)
    assert len(page.context["rows"]) == 4
    assert len(many) == len(few)
    assert len(many) <= 16


def test_the_list_is_paginated(settlement_a, mona, monkeypatch):
    monkeypatch.setattr(board_views, "PER_PAGE", 2)
    for _ in range(3):
        _case(settlement_a, mona)
    client = signed_in(mona)
    first = client.get(CASES)
    assert len(first.context["rows"]) == 2
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(client.get(CASES, {"page": "2"}).context["rows"]) == 1


def test_a_national_administrator_chooses_the_settlement(caseload, adam, settlement_b):
    response = signed_in(adam).get(CASES, {"settlement": settlement_b.code})
    assert _listed(response) == {caseload["elsewhere"].reference}


# --- Worklists ----------------------------------------------------------------------------------


def test_the_worklist_shows_steps_overdue_and_due_within_two_weeks(settlement_a, mona, carla):
    case = _case(settlement_a, mona, owner=carla)

    def step(title, days):
        return services.add_milestone(
            case=case, by=carla, title=title, owner=carla, due_on=TODAY() + timedelta(days)
        )

    overdue, soon, later, done = step("Late", -3), step("Soon", 10), step("Later", 30), step("D", 1)
    services.complete_milestone(milestone=done, by=carla)
    response = signed_in(carla).get(WORKLISTS)
    assert response.status_code == 200
    assert response.context["milestones"] == [overdue, soon]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert _url(case) in html
    assert str(later.uuid) not in html


def test_the_worklist_shows_referrals_overdue_until_closed(settlement_a, mona, carla, lawyers):
    case = _case(settlement_a, mona, owner=carla)
    late = _refer(case, carla, lawyers, days=-2)
    _refer(case, carla, lawyers, days=3, service_type=ServiceType.COUNSELLING)
    client = signed_in(carla)
    assert client.get(WORKLISTS).context["referrals"] == [late]
    assert _url(case) in client.get(WORKLISTS).content.decode()
    assistance.accept_referral(referral=late.referral, by=mona)
    assistance.close_referral(referral=late.referral, by=mona, outcome="Permit obtained")
    assert client.get(WORKLISTS).context["referrals"] == []


def test_the_worklist_shows_follow_ups_due_after_an_exit(settlement_a, mona, carla):
    case = _case(settlement_a, mona, owner=carla, term=True)
    exit_ = services.record_exit(
        case=case, by=carla, exit_type=ExitReason.MOVED_TO_CITY, exit_on=TODAY() - timedelta(100)
    )
    response = signed_in(carla).get(WORKLISTS)
    due = response.context["follow_ups"]
    assert [(row.exit, row.months) for row in due] == [(exit_, 3)]
    assert _url(case) in response.content.decode()


def test_approvals_awaiting_a_decision_show_only_to_those_who_decide(settlement_a, mona, carla):
    case = _case(settlement_a, mona, pathway=Pathway.REPATRIATION, owner=carla)
    asked = services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RETURN, justification="The family asked."
    )
    manager = signed_in(mona).get(WORKLISTS)
    assert manager.context["approvals"] == [asked]
    assert 'data-testid="approvals"' in manager.content.decode()
    caseworker = signed_in(carla).get(WORKLISTS)
    assert caseworker.context["approvals"] == []
    assert 'id="approvals-heading"' not in caseworker.content.decode()


def test_the_worklists_do_not_show_another_settlements_work(settlement_b, bob, mona, carla):
    case = _case(settlement_b, bob)
    services.add_milestone(
        case=case, by=bob, title="Elsewhere", owner=bob, due_on=TODAY() - timedelta(1)
    )
    response = signed_in(carla).get(WORKLISTS)
    assert response.context["milestones"] == []
    assert case.reference not in response.content.decode()


# --- Time to solution -------------------------------------------------------------------------


def test_time_to_solution_gives_the_median_days_and_the_exits_per_quarter(
    settlement_a, mona, carla
):
    for opened, left in ((200, 100), (150, 10)):
        case = _case(settlement_a, mona, owner=carla, term=True, days_ago=opened)
        services.record_exit(
            case=case,
            by=carla,
            exit_type=ExitReason.MOVED_TO_CITY,
            exit_on=TODAY() - timedelta(left),
        )
    _case(settlement_a, mona, pathway=Pathway.REPATRIATION)
    response = signed_in(mona).get(OUTCOMES)
    assert response.status_code == 200
    times = {row.pathway: row for row in response.context["times"]}
    assert (times[LOCAL].count, times[LOCAL].median_days) == (2, 120.0)
    assert (times[Pathway.REPATRIATION].count, times[Pathway.REPATRIATION].median_days) == (
        0,
        None,
    )
    quarters = response.context["quarters"]
    assert len(quarters.quarters) == 8
    assert quarters.total == 2
    moved = next(row for row in quarters.rows if row[0] == str(ExitReason.MOVED_TO_CITY.label))
    assert moved[2] == 2

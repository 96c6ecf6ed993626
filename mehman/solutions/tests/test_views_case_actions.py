"""The actions on a case through the client, each a small form page calling its service:
pathway, stage, caseworker, closing, intentions, the plan, readiness, pathway specifics,
referrals to partners and approvals. Bad input shows a translated error and changes nothing;
a clerk and an outsider get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from conftest import signed_in
from mehman.assistance.models import Referral
from mehman.core import dates
from mehman.partners.tests import factories as pf
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CaseReferral,
    CaseStage,
    IntentionSurvey,
    LocalIntegration,
    Milestone,
    MilestoneStatus,
    ReadinessAssessment,
    RepatriationDetails,
    ResettlementOutcome,
    ResettlementReferral,
    ServiceType,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture(autouse=True)
def english(alice, mona, carla, bob):
    for user in (alice, mona, carla, bob):
        user.language = "en"
        user.save(update_fields=["language"])


def _case(settlement, by, pathway=Pathway.LOCAL_INTEGRATION, **kwargs) -> SolutionsCase:
    household = f.housed(settlement, by=by)[0]
    return f.case(household, by=by, pathway=pathway, **kwargs)


@pytest.fixture
def case(settlement_a, carla):
    return _case(settlement_a, carla)


def _url(name: str, case: SolutionsCase, *args) -> str:
    return reverse(f"solutions:{name}", args=[case.reference, *args])


def _form_errors(response) -> dict[str, list[str]]:
    return {
        name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()
    }


def _fresh(case: SolutionsCase) -> SolutionsCase:
    return SolutionsCase.objects.get(pk=case.pk)


# --- Pathway, stage, caseworker, closing ------------------------------------------------------


def test_the_pathway_changes_with_a_reason(case, carla):
    url = _url("case_pathway", case)
    assert signed_in(carla).get(url).status_code == 200
    response = signed_in(carla).post(
        url,
        {"pathway": Pathway.SELF_RELIANCE, "reason": "Found work here", "version": case.version},
    )
    assert response.status_code == 302
    assert _fresh(case).pathway == Pathway.SELF_RELIANCE
    assert case.pathway_changes.last().reason == "Found work here"


def test_a_pathway_change_without_a_reason_changes_nothing(case, carla):
    response = signed_in(carla).post(
        _url("case_pathway", case), {"pathway": Pathway.SELF_RELIANCE, "version": case.version}
    )
    assert response.status_code == 200
    # Django's own message (not in the project's catalogue).
    assert str(forms.Field.default_error_messages["required"]) in _form_errors(response)["reason"]
    assert _fresh(case).pathway == Pathway.LOCAL_INTEGRATION


def test_an_edit_made_on_a_stale_page_is_refused(case, carla):
    stale = case.version
    services.change_stage(case=case, by=carla, stage=CaseStage.PLANNING)
    response = signed_in(carla).post(
        _url("case_pathway", case),
        {"pathway": Pathway.SELF_RELIANCE, "reason": "x", "version": stale},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _fresh(case).pathway == Pathway.LOCAL_INTEGRATION


def test_the_stage_moves_as_the_transitions_allow(case, carla):
    client = signed_in(carla)
    response = client.post(
        _url("case_stage", case), {"stage": CaseStage.READY, "version": case.version}
    )
    assert response.status_code == 200
    expected = gettext("This case is “%(current)s”; it cannot become “%(new)s”.") % {
        "current": CaseStage.ASSESSING.label,
        "new": CaseStage.READY.label,
    }
    assert expected in response.content.decode()
    assert _fresh(case).stage == CaseStage.ASSESSING
    response = client.post(
        _url("case_stage", case), {"stage": CaseStage.PLANNING, "version": case.version}
    )
    assert response.status_code == 302
    assert _fresh(case).stage == CaseStage.PLANNING


def test_a_caseworker_of_the_settlement_is_assigned(case, carla, mona, bob):
    client = signed_in(carla)
    form = client.get(_url("case_owner", case)).context["form"]
    choices = set(form.fields["owner"].queryset)
    assert {carla, mona} <= choices and bob not in choices
    response = client.post(_url("case_owner", case), {"owner": "mona", "version": case.version})
    assert response.status_code == 302
    assert _fresh(case).owner == mona


def test_a_case_closes_without_exit_only_with_a_reason(case, carla):
    client = signed_in(carla)
    response = client.post(_url("case_close", case), {"reason": "", "version": case.version})
    assert response.status_code == 200 and _fresh(case).is_open
    response = client.post(
        _url("case_close", case), {"reason": "Household withdrew", "version": case.version}
    )
    assert response.status_code == 302
    closed = _fresh(case)
    assert (closed.stage, closed.close_reason, closed.closed_on) == (
        CaseStage.CLOSED,
        "Household withdrew",
        TODAY(),
    )
    page = client.get(_url("case", case)).content.decode()
    assert 'data-testid="case-actions"' not in page


# --- Intentions and the plan -------------------------------------------------------------------


def test_the_households_intentions_are_recorded(case, carla):
    head = case.household.head
    response = signed_in(carla).post(
        _url("survey_new", case),
        {
            "surveyed_on": dates.format_date(TODAY()),
            "respondent": str(head.uuid),
            "preferred": Pathway.LOCAL_INTEGRATION,
            "conditions": "A rented flat near the school",
        },
    )
    assert response.status_code == 302
    survey = IntentionSurvey.objects.get(case=case)
    assert (survey.respondent, survey.conditions) == (head, "A rented flat near the school")


def test_a_survey_date_in_the_future_is_refused(case, carla):
    response = signed_in(carla).post(
        _url("survey_new", case),
        {
            "surveyed_on": dates.format_date(TODAY() + timedelta(days=2)),
            "respondent": str(case.household.head.uuid),
            "preferred": Pathway.LOCAL_INTEGRATION,
        },
    )
    assert _form_errors(response)["surveyed_on"] == [gettext("This date is in the future.")]
    assert not IntentionSurvey.objects.exists()


def test_a_step_is_added_done_and_another_dropped(case, carla, mona):
    client = signed_in(carla)
    due = dates.format_date(TODAY() + timedelta(days=10))
    for title in ("Find a flat", "Ask for a work permit"):
        response = client.post(
            _url("milestone_new", case), {"title": title, "owner": "mona", "due_on": due}
        )
        assert response.status_code == 302
    first, second = Milestone.objects.filter(case=case).order_by("id")
    assert first.owner == mona

    client.post(_url("milestone_done", case, first.uuid), {"done_on": dates.format_date(TODAY())})
    client.post(_url("milestone_drop", case, second.uuid), {"reason": "Not needed"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.done_on) == (MilestoneStatus.DONE, TODAY())
    assert (second.status, second.note) == (MilestoneStatus.CANCELLED, "Not needed")


def test_a_step_with_a_date_typed_wrong_is_refused(case, carla):
    response = signed_in(carla).post(
        _url("milestone_new", case), {"title": "Find a flat", "owner": "carla", "due_on": "soon"}
    )
    assert response.status_code == 200 and "due_on" in _form_errors(response)
    assert not Milestone.objects.exists()


def test_a_step_of_another_case_is_404(settlement_a, case, carla):
    other = _case(settlement_a, carla)
    step = services.add_milestone(case=other, by=carla, title="x", owner=carla, due_on=TODAY())
    url = _url("milestone_done", case, step.uuid)
    assert signed_in(carla).get(url).status_code == 404


# --- Readiness ----------------------------------------------------------------------------------


def test_readiness_is_assessed_from_the_pathways_checklist(case, carla):
    client = signed_in(carla)
    form = client.get(_url("readiness", case)).context["form"]
    assert [code for code, _label in form.fields["met"].choices] == [
        "local-income",
        "local-tenancy",
        "local-work-permit",
        "local-schooling",
    ]
    response = client.post(
        _url("readiness", case),
        {"met": ["local-income", "local-tenancy"], "assessed_on": dates.format_date(TODAY())},
    )
    assert response.status_code == 302
    assert services.readiness(case).score == 60
    assert ReadinessAssessment.objects.filter(case=case, met=False).count() == 2


def test_readiness_is_not_assessed_before_the_pathway_is_chosen(settlement_a, carla):
    undecided = _case(settlement_a, carla, Pathway.UNDECIDED)
    page = signed_in(carla).get(_url("readiness", undecided)).content.decode()
    assert 'data-testid="undecided"' in page
    signed_in(carla).post(_url("readiness", undecided), {"assessed_on": dates.format_date(TODAY())})
    assert not ReadinessAssessment.objects.exists()


# --- Pathway specifics --------------------------------------------------------------------------


def test_the_return_details_and_counselling_are_saved(settlement_a, carla):
    case = _case(settlement_a, carla, Pathway.REPATRIATION)
    head = case.household.head
    client = signed_in(carla)
    response = client.post(
        _url("repatriation", case),
        {
            "intended_province": "Herat",
            "intended_district": "Injil",
            "members_departing": [str(head.uuid)],
            "crossing_point": "Dogharoun",
            "vrf_number": "VRF-۱۲۳",
        },
    )
    assert response.status_code == 302
    details = RepatriationDetails.objects.get(case=case)
    assert (details.intended_province, list(details.members_departing.all())) == ("Herat", [head])
    day = TODAY() - timedelta(days=4)
    client.post(_url("counselling", case), {"held_on": dates.format_date(day)})
    details.refresh_from_db()
    assert details.counselling_dates == [day.isoformat()]
    assert dates.format_date(day) in client.get(_url("case", case)).content.decode()


def test_cards_surrendered_without_the_day_are_refused(settlement_a, carla):
    case = _case(settlement_a, carla, Pathway.REPATRIATION)
    response = signed_in(carla).post(_url("repatriation", case), {"cards_surrendered": "on"})
    assert _form_errors(response)["cards_surrendered_on"] == [
        gettext("Give the day the cards were surrendered.")
    ]
    assert not RepatriationDetails.objects.exists()


def test_a_page_of_another_pathway_says_so(case, carla):
    response = signed_in(carla).post(
        _url("counselling", case), {"held_on": dates.format_date(TODAY())}
    )
    assert response.status_code == 200
    expected = gettext("This case does not follow the pathway “%(pathway)s”.") % {
        "pathway": Pathway.REPATRIATION.label
    }
    assert expected in response.content.decode()


def test_resettlement_is_prepared_sent_to_unhcr_once_approved_and_its_outcome_recorded(
    settlement_a, carla, mona
):
    case = _case(settlement_a, carla, Pathway.RESETTLEMENT)
    client = signed_in(carla)
    response = client.post(
        _url("resettlement", case),
        {
            "primary_category": "medical",
            "secondary_category": "survivors",
            "priority": "urgent",
            "justification": "Needs surgery not available here",
        },
    )
    assert response.status_code == 302
    today = dates.format_date(TODAY())
    refused = client.post(_url("resettlement_unhcr", case), {"referred_on": today})
    expected = gettext("Referring for resettlement needs a second approver's approval first.")
    assert escape(expected) in refused.content.decode()
    assert ResettlementReferral.objects.get(case=case).referred_on is None

    f.approved(case, ApprovalKind.RESETTLEMENT, asked_by=carla, decided_by=mona)
    assert client.post(_url("resettlement_unhcr", case), {"referred_on": today}).status_code == 302
    client.post(
        _url("resettlement_outcome", case),
        {"outcome": ResettlementOutcome.SUBMITTED, "outcome_on": today},
    )
    referral = ResettlementReferral.objects.get(case=case)
    assert (referral.referred_on, referral.outcome) == (TODAY(), ResettlementOutcome.SUBMITTED)


def test_the_same_resettlement_category_twice_is_refused(settlement_a, carla):
    case = _case(settlement_a, carla, Pathway.RESETTLEMENT)
    response = signed_in(carla).post(
        _url("resettlement", case),
        {
            "primary_category": "medical",
            "secondary_category": "medical",
            "priority": "normal",
            "justification": "x",
        },
    )
    assert _form_errors(response)["secondary_category"] == [
        gettext("The secondary category must differ from the primary one.")
    ]
    assert not ResettlementReferral.objects.exists()


def test_the_move_into_the_city_is_saved(case, carla):
    response = signed_in(carla).post(
        _url("integration", case),
        {"city": "Mashhad", "city_address": "Tabarsi St. 12", "schools": "Shahed school"},
    )
    assert response.status_code == 302
    record = LocalIntegration.objects.get(case=case)
    assert (record.city, record.schools) == ("Mashhad", "Shahed school")
    assert "Mashhad" in signed_in(carla).get(_url("case", case)).content.decode()


# --- Referrals to partners ----------------------------------------------------------------------


@pytest.fixture
def lawyers(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona, name_en="Legal Aid Centre", name_fa="حقوقی")


def test_a_household_is_referred_with_its_consent(case, carla, lawyers):
    due = TODAY() + timedelta(days=14)
    response = signed_in(carla).post(
        _url("referral_new", case),
        {
            "organisation": str(lawyers.uuid),
            "service_type": ServiceType.LEGAL_AID,
            "follow_up_on": dates.format_date(due),
            "consent": "yes",
        },
    )
    assert response.status_code == 302
    link = CaseReferral.objects.get(case=case)
    assert (link.referral.organisation, link.referral.due_on, link.referral.consent_given) == (
        lawyers,
        due,
        True,
    )


def test_a_referral_without_consent_needs_the_reason(case, carla, lawyers):
    response = signed_in(carla).post(
        _url("referral_new", case),
        {
            "organisation": str(lawyers.uuid),
            "service_type": ServiceType.LEGAL_AID,
            "follow_up_on": dates.format_date(TODAY()),
            "consent": "no",
        },
    )
    assert _form_errors(response)["consent_override"] == [
        gettext("Record the household's consent, or the reason to refer without it.")
    ]
    assert not Referral.objects.exists()


def test_a_referral_needs_its_follow_up_date(case, carla, lawyers):
    response = signed_in(carla).post(
        _url("referral_new", case),
        {
            "organisation": str(lawyers.uuid),
            "service_type": ServiceType.LEGAL_AID,
            "consent": "yes",
        },
    )
    assert "follow_up_on" in _form_errors(response)
    assert not Referral.objects.exists()


# --- Approvals ------------------------------------------------------------------------------------


@pytest.fixture
def return_case(settlement_a, carla):
    return _case(settlement_a, carla, Pathway.REPATRIATION)


def test_a_caseworker_asks_and_a_manager_approves(return_case, carla, mona):
    response = signed_in(carla).post(
        _url("approval_new", return_case),
        {"kind": ApprovalKind.RETURN, "justification": "Papers ready"},
    )
    assert response.status_code == 302
    approval = Approval.objects.get(case=return_case)
    url = _url("approval_decide", return_case, approval.uuid)
    assert signed_in(carla).get(url).status_code == 404  # a caseworker does not decide
    response = signed_in(mona).post(url, {"decision": "approve"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by) == (ApprovalStatus.APPROVED, mona)


def test_the_requester_cannot_decide_their_own_request(return_case, mona):
    services.request_approval(
        case=return_case, by=mona, kind=ApprovalKind.RETURN, justification="Papers ready"
    )
    approval = Approval.objects.get()
    response = signed_in(mona).post(
        _url("approval_decide", return_case, approval.uuid), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert gettext("A second person decides: you asked for this decision.") in (
        response.content.decode()
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_a_rejection_needs_its_reason(return_case, carla, mona):
    approval = services.request_approval(
        case=return_case, by=carla, kind=ApprovalKind.RETURN, justification="Papers ready"
    )
    url = _url("approval_decide", return_case, approval.uuid)
    response = signed_in(mona).post(url, {"decision": "reject"})
    assert _form_errors(response)["note"] == [gettext("Give the reason for rejecting.")]
    signed_in(mona).post(url, {"decision": "reject", "note": "Unsafe district"})
    approval.refresh_from_db()
    assert (approval.status, approval.decision_note) == (ApprovalStatus.REJECTED, "Unsafe district")


def test_an_approval_of_another_pathway_is_refused(case, carla):
    response = signed_in(carla).post(
        _url("approval_new", case), {"kind": ApprovalKind.RETURN, "justification": "x"}
    )
    assert response.status_code == 200
    assert not Approval.objects.exists()


# --- Who may act --------------------------------------------------------------------------------

ACTIONS = (
    "case_pathway",
    "case_stage",
    "case_owner",
    "case_close",
    "survey_new",
    "milestone_new",
    "readiness",
    "approval_new",
    "case_note",
    "repatriation",
    "counselling",
    "resettlement",
    "resettlement_unhcr",
    "resettlement_outcome",
    "integration",
    "referral_new",
    "exit",
)


@pytest.mark.parametrize("name", ACTIONS)
def test_clerks_partners_and_outsiders_get_404_and_change_nothing(name, case, alice, bob, vera):
    version = case.version
    for user in (alice, bob, vera):
        client = signed_in(user)
        assert client.get(_url(name, case)).status_code == 404
        assert client.post(_url(name, case), {"reason": "x"}).status_code == 404
    assert _fresh(case).version == version

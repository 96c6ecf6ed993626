"""The solutions API for referrals to partners and second-approver decisions, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import signed_in
from mehman.assistance import services as assistance
from mehman.assistance.models import Referral, ReferralStatus
from mehman.core import dates
from mehman.partners.tests import factories as pf
from mehman.registry.tests.test_api import codes, fields, post
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import Approval, ApprovalKind, ApprovalStatus, CaseReferral
from mehman.solutions.tests import factories as f
from mehman.solutions.tests.test_api_cases import fa, messages, url

TODAY = dates.today


@pytest.fixture
def lawyers(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, org_type="NNGO", name_en="Legal Aid Centre", name_fa="مرکز حقوقی"
    )


@pytest.fixture
def case(settlement_a, mona, carla):
    return f.case(f.housed(settlement_a, by=mona)[0], by=carla, pathway=Pathway.REPATRIATION)


def _body(organisation, **changes) -> dict:
    body = {
        "organisation": str(organisation.uuid),
        "service_type": "legal_aid",
        "follow_up_on": (TODAY() + timedelta(days=14)).isoformat(),
        "consent_given": True,
    }
    body.update(changes)
    return body


# --- Referrals ----------------------------------------------------------------------------------


def test_a_case_refers_its_household_to_a_partner_with_consent(case, carla, lawyers):
    response = post(
        signed_in(carla), url("case_referrals", reference=case.reference), _body(lawyers)
    )
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get()
    assert (body["case"], body["service_type"], body["overdue"]) == (
        case.reference,
        "legal_aid",
        False,
    )
    assert body["referral"]["uuid"] == str(referral.uuid)
    assert body["referral"]["organisation"]["uuid"] == str(lawyers.uuid)
    assert (referral.household, referral.status) == (case.household, ReferralStatus.REFERRED)
    assert CaseReferral.objects.get().case == case


def test_a_referral_without_consent_or_a_reason_is_refused(case, carla, lawyers):
    response = post(
        signed_in(carla),
        url("case_referrals", reference=case.reference),
        _body(lawyers, consent_given=False),
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["consent"], ["consent_override"])
    assert messages(response) == [
        fa("Record the household's consent, or the reason to refer without it.")
    ]
    assert not Referral.objects.exists() and not CaseReferral.objects.exists()


def test_a_referral_needs_its_follow_up_date(case, carla, lawyers):
    response = post(
        signed_in(carla),
        url("case_referrals", reference=case.reference),
        _body(lawyers, follow_up_on=None),
    )
    assert response.status_code == 400
    assert (codes(response), fields(response)) == (["follow_up"], ["follow_up_on"])
    assert messages(response) == [fa("Give the date to follow the referral up.")]
    follow_up_first = post(
        signed_in(carla),
        url("case_referrals", reference=case.reference),
        _body(lawyers, referred_on=TODAY().isoformat(), follow_up_on="2020-01-01"),
    )
    assert fields(follow_up_first) == ["follow_up_on"]  # the API's name for due_on
    assert not Referral.objects.exists()


def test_an_unknown_organisation_is_refused(case, carla, settlement_b, adam):
    elsewhere = pf.organisation(settlement_b, by=adam, org_type="NNGO", name_en="Far Away")
    response = post(
        signed_in(carla), url("case_referrals", reference=case.reference), _body(elsewhere)
    )
    assert response.status_code == 400
    assert fields(response) == ["organisation"]
    assert not Referral.objects.exists()


def test_an_overdue_referral_is_flagged_and_on_the_worklist_until_closed(case, carla, lawyers):
    link = services.refer_to_partner(
        case=case,
        by=carla,
        organisation=lawyers,
        service_type="legal_aid",
        follow_up_on=TODAY() - timedelta(days=3),
        consent_given=True,
        referred_on=TODAY() - timedelta(days=30),
    )
    client = signed_in(carla)
    listed = client.get(url("case_referrals", reference=case.reference)).json()
    assert [(row["referral"]["uuid"], row["overdue"]) for row in listed] == [
        (str(link.referral.uuid), True)
    ]
    overdue = client.get(url("referral_overdue_list")).json()
    assert [row["referral"]["uuid"] for row in overdue["results"]] == [str(link.referral.uuid)]
    assistance.accept_referral(referral=link.referral, by=carla)
    assistance.close_referral(referral=link.referral, by=carla, outcome="Papers obtained")
    assert client.get(url("referral_overdue_list")).json()["count"] == 0
    listed = client.get(url("case_referrals", reference=case.reference)).json()
    assert listed[0]["overdue"] is False


def test_an_outsider_gets_404_for_referrals(case, bob, lawyers):
    client = signed_in(bob)
    assert client.get(url("case_referrals", reference=case.reference)).status_code == 404
    response = post(client, url("case_referrals", reference=case.reference), _body(lawyers))
    assert response.status_code == 404
    assert client.get(url("referral_overdue_list")).status_code == 404  # no solutions.view
    assert not Referral.objects.exists()


# --- Approvals ----------------------------------------------------------------------------------


def test_a_caseworker_asks_and_a_manager_approves_a_return(case, carla, mona):
    asked = post(
        signed_in(carla),
        url("case_approvals", reference=case.reference),
        {"kind": ApprovalKind.RETURN, "justification": "Counselled twice; papers in order"},
    )
    assert asked.status_code == 201
    body = asked.json()
    assert (body["status"], body["requested_by"], body["case"]) == (
        ApprovalStatus.PENDING,
        "carla",
        case.reference,
    )
    pending = signed_in(mona).get(url("approval_list"), {"status": "pending"}).json()
    assert [row["uuid"] for row in pending["results"]] == [body["uuid"]]
    decided = post(signed_in(mona), url("approval_decide", uuid=body["uuid"]), {"approve": True})
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decided_by"]) == (
        ApprovalStatus.APPROVED,
        "mona",
    )
    assert services.is_approved(case, ApprovalKind.RETURN)
    listed = signed_in(carla).get(url("case_approvals", reference=case.reference)).json()
    assert [row["status"] for row in listed] == [ApprovalStatus.APPROVED]


def test_a_decision_of_another_pathway_cannot_be_asked(case, carla):
    response = post(
        signed_in(carla),
        url("case_approvals", reference=case.reference),
        {"kind": ApprovalKind.RESETTLEMENT, "justification": "Vulnerable"},
    )
    assert response.status_code == 400
    assert codes(response) == ["pathway"]
    assert messages(response) == [
        fa(
            "“%(kind)s” belongs to another pathway than this case's.",
            kind=fa(ApprovalKind.RESETTLEMENT.label),
        )
    ]
    assert not Approval.objects.exists()


def test_the_one_who_asked_cannot_decide(case, mona):
    approval = services.request_approval(
        case=case, by=mona, kind=ApprovalKind.RETURN, justification="Wants to go home"
    )
    response = post(signed_in(mona), url("approval_decide", uuid=approval.uuid), {"approve": True})
    assert response.status_code == 400
    assert codes(response) == ["same_person"]
    assert messages(response) == [fa("A second person decides: you asked for this decision.")]
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_a_rejection_needs_its_reason(case, carla, mona):
    approval = services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RETURN, justification="Wants to go home"
    )
    client = signed_in(mona)
    address = url("approval_decide", uuid=approval.uuid)
    refused = post(client, address, {"approve": False})
    assert (refused.status_code, codes(refused), fields(refused)) == (400, ["required"], ["note"])
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    rejected = post(client, address, {"approve": False, "note": "The district is unsafe"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == ApprovalStatus.REJECTED


def test_caseworkers_and_outsiders_do_not_decide(case, carla, bob):
    approval = services.request_approval(
        case=case, by=carla, kind=ApprovalKind.RETURN, justification="Wants to go home"
    )
    for user in (carla, bob):
        response = post(signed_in(user), url("approval_decide", uuid=approval.uuid), {"approve": 1})
        assert response.status_code == 404
    assert signed_in(bob).get(url("case_approvals", reference=case.reference)).status_code == 404
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING

"""Referrals to partners for a case: consent or a documented override, a follow-up date that
is enforced, the partner's answer, and overdue referrals per settlement and per partner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mehman.assistance import services as assistance
from mehman.assistance.models import Referral, ReferralStatus
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.models import Sector
from mehman.partners.tests import factories as pf
from mehman.residence.models import Pathway
from mehman.solutions import queries, services
from mehman.solutions.models import CaseReferral, ServiceType
from mehman.solutions.tests import factories as f

TODAY = dates.today


@pytest.fixture
def lawyers(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, org_type="NNGO", name_en="Legal Aid Centre", name_fa="مرکز حقوقی"
    )


@pytest.fixture
def trainers(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, org_type="INGO", name_en="Skills For All", name_fa="مهارت"
    )


@pytest.fixture
def case(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    return f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)


def _refer(case, by, organisation, days=14, **kwargs):
    data = {
        "service_type": ServiceType.LEGAL_AID,
        "follow_up_on": TODAY() + timedelta(days=days),
        "consent_given": True,
        "referred_on": TODAY() - timedelta(days=30),
    }
    data.update(kwargs)
    return services.refer_to_partner(case=case, by=by, organisation=organisation, **data)


def test_a_referral_with_consent_reaches_the_partner(case, carla, lawyers):
    link = _refer(case, carla, lawyers)
    referral = link.referral
    assert (referral.organisation, referral.household) == (lawyers, case.household)
    assert referral.sector == Sector.LEGAL
    assert referral.consent_given
    assert referral.due_on == TODAY() + timedelta(days=14)
    assert referral.status == ReferralStatus.REFERRED
    assert link.case == case


def test_without_consent_the_override_needs_a_reason(case, carla, lawyers):
    with pytest.raises(ValidationError) as caught:
        _refer(case, carla, lawyers, consent_given=False)
    assert "consent_override" in caught.value.error_dict
    assert not Referral.objects.exists()
    link = _refer(
        case,
        carla,
        lawyers,
        consent_given=False,
        consent_override="Head detained; urgent legal help agreed by the manager",
    )
    assert link.referral.consent_override.startswith("Head detained")


def test_a_referral_needs_a_follow_up_date(case, carla, lawyers):
    with pytest.raises(ValidationError) as caught:
        _refer(case, carla, lawyers, follow_up_on=None)
    assert caught.value.error_dict["follow_up_on"][0].code == "follow_up"
    assert not CaseReferral.objects.exists()


def test_a_referral_is_overdue_until_closed_with_an_outcome(case, carla, mona, lawyers):
    link = _refer(case, carla, lawyers, days=-1)
    assert list(queries.overdue_referrals(settlement=case.settlement)) == [link]
    assistance.accept_referral(referral=link.referral, by=mona)
    assert list(queries.overdue_referrals(settlement=case.settlement)) == [link]
    with pytest.raises(ValidationError):
        assistance.close_referral(referral=link.referral, by=mona, outcome=" ")
    assert queries.overdue_referrals(settlement=case.settlement).exists()
    assistance.close_referral(referral=link.referral, by=mona, outcome="Permit obtained")
    assert not queries.overdue_referrals(settlement=case.settlement).exists()


def test_a_referral_not_yet_due_is_not_overdue(case, carla, lawyers):
    _refer(case, carla, lawyers, days=0)
    assert not queries.overdue_referrals().exists()
    assert queries.overdue_referrals(on=TODAY() + timedelta(days=1)).count() == 1


def test_overdue_referrals_are_listed_per_partner_and_per_settlement(
    case, carla, lawyers, trainers, settlement_b
):
    legal = _refer(case, carla, lawyers, days=-3)
    _refer(case, carla, trainers, days=-1, service_type=ServiceType.VOCATIONAL)
    _refer(case, carla, trainers, days=5, service_type=ServiceType.COUNSELLING)
    assert list(queries.overdue_referrals(organisation=lawyers)) == [legal]
    assert queries.overdue_referrals(organisation=trainers).count() == 1
    assert not queries.overdue_referrals(settlement=settlement_b).exists()
    rows = queries.overdue_by_organisation(settlement=case.settlement)
    counts = {row.name_en: row.count for row in rows}
    assert counts == {"Legal Aid Centre": 1, "Skills For All": 1}


def test_the_partner_sees_the_overdue_referral_on_its_side(case, carla, mona, vera, lawyers):
    partners.link_staff(organisation=lawyers, user=vera, by=mona)
    pf.data_agreement(lawyers, case.settlement, by=mona)
    link = _refer(case, carla, lawyers, days=-2)
    assert list(Referral.objects.for_user(vera).overdue()) == [link.referral]
    assistance.decline_referral(referral=link.referral, by=vera, reason="No lawyer free")
    assert not Referral.objects.for_user(vera).overdue().exists()


def test_case_referrals_are_read_in_scope_only(case, carla, bob, vera, lawyers):
    link = _refer(case, carla, lawyers)
    assert list(CaseReferral.objects.for_user(carla)) == [link]
    assert not CaseReferral.objects.for_user(bob).exists()
    assert not CaseReferral.objects.for_user(vera).exists()


def test_a_closed_case_refers_no_one(case, carla, lawyers):
    services.close_case(case=case, by=carla, reason="Withdrew")
    with pytest.raises(ValidationError) as caught:
        _refer(case, carla, lawyers)
    assert caught.value.code == "closed"

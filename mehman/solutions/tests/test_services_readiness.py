"""Readiness: the seeded checklists, assessing a case, the weighted score with its breakdown,
and its trend over time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mehman.core import dates
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import ReadinessAssessment, ReadinessCriterion
from mehman.solutions.services.readiness import checklist
from mehman.solutions.tests import factories as f


@pytest.fixture
def case(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    return f.case(household, by=carla, pathway=Pathway.LOCAL_INTEGRATION)


def _weights(pathway):
    return {c.code: c.weight for c in checklist(pathway)}


def test_every_pathway_has_a_seeded_checklist(db):
    for pathway in (
        Pathway.SELF_RELIANCE,
        Pathway.REPATRIATION,
        Pathway.RESETTLEMENT,
        Pathway.LOCAL_INTEGRATION,
    ):
        assert len(checklist(pathway)) >= 3
    assert set(_weights(Pathway.LOCAL_INTEGRATION)) == {
        "local-income",
        "local-tenancy",
        "local-work-permit",
        "local-schooling",
    }
    assert checklist(Pathway.UNDECIDED) == []


def test_a_new_case_is_not_ready_and_lists_every_criterion_unassessed(case):
    result = services.readiness(case)
    assert result.score == 0
    assert result.total_weight == sum(_weights(Pathway.LOCAL_INTEGRATION).values())
    assert [item.met for item in result.items] == [None] * 4


def test_the_score_is_the_weighted_share_of_criteria_met(case, carla):
    weights = _weights(Pathway.LOCAL_INTEGRATION)
    result = services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True, "local-tenancy": False, "local-work-permit": True},
    )
    met = weights["local-income"] + weights["local-work-permit"]
    total = sum(weights.values())
    assert result.met_weight == met
    assert result.score == round(100 * met / total)
    breakdown = {item.criterion.code: item.met for item in result.items}
    assert breakdown == {
        "local-income": True,
        "local-tenancy": False,
        "local-work-permit": True,
        "local-schooling": None,
    }
    assert ReadinessAssessment.objects.filter(case=case, assessed_by=carla).count() == 3


def test_the_latest_assessment_of_a_criterion_counts(case, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True},
        assessed_on=dates.today() - timedelta(days=30),
    )
    result = services.assess_readiness(case=case, by=carla, answers={"local-income": False})
    assert result.score == 0


def test_readiness_reaches_100_when_every_criterion_is_met(case, carla):
    result = services.assess_readiness(
        case=case, by=carla, answers=dict.fromkeys(_weights(Pathway.LOCAL_INTEGRATION), True)
    )
    assert result.score == 100
    assert result.complete


def test_the_trend_gives_the_score_at_each_assessment(case, carla):
    today = dates.today()
    weights = _weights(Pathway.LOCAL_INTEGRATION)
    total = sum(weights.values())
    services.assess_readiness(
        case=case, by=carla, answers={"local-income": True}, assessed_on=today - timedelta(60)
    )
    services.assess_readiness(
        case=case, by=carla, answers={"local-tenancy": True}, assessed_on=today - timedelta(20)
    )
    services.assess_readiness(
        case=case, by=carla, answers=dict.fromkeys(weights, True), assessed_on=today
    )
    first = (200 * weights["local-income"] + total) // (2 * total)
    second = (200 * (weights["local-income"] + weights["local-tenancy"]) + total) // (2 * total)
    assert services.trend(case) == [
        (today - timedelta(60), first),
        (today - timedelta(20), second),
        (today, 100),
    ]


def test_a_retired_criterion_leaves_the_score(case, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={c: c != "local-schooling" for c in _weights(Pathway.LOCAL_INTEGRATION)},
    )
    ReadinessCriterion.objects.filter(code="local-schooling").update(is_active=False)
    assert services.readiness(case).score == 100


def test_criteria_of_another_pathway_are_refused(case, carla):
    with pytest.raises(ValidationError) as caught:
        services.assess_readiness(case=case, by=carla, answers={"return-counselling": True})
    assert caught.value.error_dict["answers"][0].code == "unknown"
    assert not ReadinessAssessment.objects.exists()


def test_a_case_without_a_pathway_is_not_assessed(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    undecided = f.case(household, by=carla)
    with pytest.raises(ValidationError) as caught:
        services.assess_readiness(case=undecided, by=carla, answers={"local-income": True})
    assert caught.value.code == "undecided"


def test_an_assessment_is_not_in_the_future_nor_before_the_case(case, carla):
    for day in (dates.today() + timedelta(1), case.opened_on - timedelta(1)):
        with pytest.raises(ValidationError) as caught:
            services.assess_readiness(
                case=case, by=carla, answers={"local-income": True}, assessed_on=day
            )
        assert "assessed_on" in caught.value.error_dict


def test_a_pathway_change_scores_against_the_new_checklist(case, carla):
    services.assess_readiness(
        case=case, by=carla, answers=dict.fromkeys(_weights(Pathway.LOCAL_INTEGRATION), True)
    )
    case = services.change_pathway(
        case=case, by=carla, pathway=Pathway.REPATRIATION, reason="Changed their mind"
    )
    result = services.readiness(case)
    assert result.score == 0
    assert {item.criterion.pathway for item in result.items} == {Pathway.REPATRIATION}

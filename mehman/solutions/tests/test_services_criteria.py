"""The readiness checklist maintained as data: adding a criterion, rewording and reweighting
it, retiring and restoring it — and readiness counting only the criteria in use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import ReadinessCriterion
from mehman.solutions.services.readiness import checklist
from mehman.solutions.tests import factories as f

LOCAL = Pathway.LOCAL_INTEGRATION


def _add(by, **kwargs):
    data = {
        "pathway": LOCAL,
        "code": "local-bank-account",
        "text_fa": "خانوار حساب بانکی دارد",
        "text_en": "The household has a bank account",
        "weight": 2,
        "position": 50,
    }
    data.update(kwargs)
    return services.add_criterion(by=by, **data)


def _codes(error):
    return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}


@pytest.fixture
def case(settlement_a, mona, carla):
    household = f.housed(settlement_a, by=mona)[0]
    return f.case(household, by=carla, pathway=LOCAL)


def test_a_new_criterion_joins_its_pathways_checklist_with_a_history_row(mona):
    criterion = _add(mona, code=" Local-Bank-Account ")
    assert criterion.code == "local-bank-account"
    assert criterion.is_active
    assert criterion in checklist(LOCAL)
    assert criterion not in checklist(Pathway.REPATRIATION)
    row = criterion.history.get()
    assert row.history_user == mona
    assert row.history_change_reason == "Readiness criterion added"


def test_a_new_criterion_counts_in_readiness_from_then_on(case, mona, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={c.code: True for c in checklist(LOCAL)},
    )
    assert services.readiness(case).score == 100
    _add(mona, weight=10)
    result = services.readiness(case)
    assert result.score < 100
    assert [item.met for item in result.items if item.criterion.code == "local-bank-account"] == [
        None
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"code": ""}, "code", "required"),
        ({"code": "بانک"}, "code", "slug"),
        ({"code": "x" * 41}, "code", "length"),
        ({"code": "local-income"}, "code", "unique"),
        ({"pathway": Pathway.UNDECIDED}, "pathway", "pathway"),
        ({"pathway": "elsewhere"}, "pathway", "pathway"),
        ({"text_fa": "  "}, "text_fa", "required"),
        ({"text_en": ""}, "text_en", "required"),
        ({"weight": 0}, "weight", "weight"),
        ({"weight": 101}, "weight", "weight"),
        ({"position": -1}, "position", "position"),
    ],
)
def test_a_criterion_with_broken_details_is_refused_and_nothing_is_added(
    mona, changes, field, code
):
    before = ReadinessCriterion.objects.count()
    with pytest.raises(ValidationError) as caught:
        _add(mona, **changes)
    assert _codes(caught.value) == {field: [code]}
    assert ReadinessCriterion.objects.count() == before


def test_a_reweighted_criterion_changes_every_cases_score(case, mona, carla):
    income = ReadinessCriterion.objects.get(code="local-income")
    services.assess_readiness(case=case, by=carla, answers={"local-income": True})
    before = services.readiness(case)
    updated = services.update_criterion(
        criterion=income,
        by=mona,
        expected_version=income.version,
        weight=income.weight + 4,
        text_en="The household earns enough to live on",
    )
    assert updated.version == income.version + 1
    after = services.readiness(case)
    assert after.met_weight == before.met_weight + 4
    assert after.total_weight == before.total_weight + 4
    assert updated.history.first().history_change_reason == (
        "Readiness criterion changed: text_en, weight"
    )


def test_an_update_from_a_stale_page_is_refused(mona):
    income = ReadinessCriterion.objects.get(code="local-income")
    services.update_criterion(
        criterion=income, by=mona, expected_version=income.version, position=5
    )
    with pytest.raises(ValidationError) as caught:
        services.update_criterion(
            criterion=income, by=mona, expected_version=income.version, weight=9
        )
    assert caught.value.code == "stale"
    income.refresh_from_db()
    assert (income.position, income.weight) == (5, 3)


def test_an_update_with_a_zero_weight_is_refused(mona):
    income = ReadinessCriterion.objects.get(code="local-income")
    with pytest.raises(ValidationError) as caught:
        services.update_criterion(
            criterion=income, by=mona, expected_version=income.version, weight=0
        )
    assert _codes(caught.value) == {"weight": ["weight"]}
    income.refresh_from_db()
    assert income.weight == 3


def test_an_update_changing_nothing_writes_no_history(mona):
    income = ReadinessCriterion.objects.get(code="local-income")
    rows = income.history.count()
    services.update_criterion(
        criterion=income, by=mona, expected_version=income.version, weight=income.weight
    )
    assert income.history.count() == rows


def test_the_code_and_pathway_cannot_be_changed(mona):
    income = ReadinessCriterion.objects.get(code="local-income")
    with pytest.raises(ValueError, match="not editable"):
        services.update_criterion(
            criterion=income, by=mona, expected_version=None, pathway=Pathway.REPATRIATION
        )


def test_a_retired_criterion_no_longer_counts_in_readiness(case, mona, carla):
    services.assess_readiness(
        case=case,
        by=carla,
        answers={"local-income": True, "local-tenancy": True, "local-work-permit": True},
    )
    assert services.readiness(case).score < 100
    schooling = ReadinessCriterion.objects.get(code="local-schooling")
    retired = services.retire_criterion(criterion=schooling, by=mona)
    assert not retired.is_active
    assert retired.history.first().history_change_reason == "Readiness criterion retired"
    result = services.readiness(case)
    assert result.score == 100
    assert "local-schooling" not in {item.criterion.code for item in result.items}
    with pytest.raises(ValidationError) as caught:
        services.assess_readiness(case=case, by=carla, answers={"local-schooling": True})
    assert _codes(caught.value) == {"answers": ["unknown"]}


def test_a_restored_criterion_counts_again_with_its_earlier_assessments(case, mona, carla):
    schooling = ReadinessCriterion.objects.get(code="local-schooling")
    services.assess_readiness(case=case, by=carla, answers={"local-schooling": True})
    with_it = services.readiness(case)
    services.retire_criterion(criterion=schooling, by=mona)
    assert services.readiness(case).met_weight == 0
    restored = services.restore_criterion(criterion=schooling, by=mona)
    assert restored.is_active
    assert services.readiness(case) == with_it


def test_retiring_twice_or_restoring_an_active_criterion_changes_nothing(mona):
    schooling = ReadinessCriterion.objects.get(code="local-schooling")
    services.retire_criterion(criterion=schooling, by=mona)
    rows = schooling.history.count()
    services.retire_criterion(criterion=schooling, by=mona)
    assert schooling.history.count() == rows
    income = ReadinessCriterion.objects.get(code="local-income")
    rows = income.history.count()
    assert services.restore_criterion(criterion=income, by=mona).is_active
    assert income.history.count() == rows


def test_the_last_criterion_in_use_of_a_pathway_cannot_be_retired(mona):
    *others, last = checklist(LOCAL)
    for criterion in others:
        services.retire_criterion(criterion=criterion, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.retire_criterion(criterion=last, by=mona)
    assert caught.value.code == "last"
    assert last.code in caught.value.messages[0]
    last.refresh_from_db()
    assert last.is_active

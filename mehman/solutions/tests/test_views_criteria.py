"""The readiness criteria pages: everyone working on cases reads the checklist of each
pathway; only managers add, change, retire and restore a criterion."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from conftest import signed_in
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.models import ReadinessCriterion

LIST = reverse("solutions:criteria")
NEW = reverse("solutions:criterion_new")
FA = "خانوار حساب بانکی دارد"
EN = "The household has a bank account"


def _edit(code):
    return reverse("solutions:criterion_edit", args=[code])


@pytest.fixture
def english(mona):
    """Mona reads English, so the messages compared below are the English ones."""
    mona.language = "en"
    mona.save(update_fields=["language"])


@pytest.fixture
def bank(mona):
    return services.add_criterion(
        by=mona,
        pathway=Pathway.SELF_RELIANCE,
        code="bank",
        text_fa=FA,
        text_en=EN,
        weight=2,
        position=15,
    )


def test_the_list_shows_each_pathways_criteria_with_weight_and_share(bank, carla):
    response = signed_in(carla).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert FA in html and EN in html
    groups = {group["pathway"]: group for group in response.context["groups"]}
    assert Pathway.UNDECIDED not in groups
    local = groups[Pathway.LOCAL_INTEGRATION]
    assert [c.code for c in local["criteria"]] == [
        "local-income",
        "local-tenancy",
        "local-work-permit",
        "local-schooling",
    ]
    assert local["total"] == 10
    assert [c.share for c in local["criteria"]] == [30, 30, 20, 20]
    assert bank in groups[Pathway.SELF_RELIANCE]["criteria"]
    assert NEW not in html  # a caseworker reads, a manager changes


def test_a_manager_sees_the_links_to_change_the_list(bank, mona):
    html = signed_in(mona).get(LIST).content.decode()
    assert NEW in html
    assert _edit("bank") in html
    assert reverse("solutions:criterion_retire", args=["bank"]) in html


def test_a_retired_criterion_is_flagged_and_has_no_share(bank, mona):
    services.retire_criterion(criterion=bank, by=mona)
    response = signed_in(mona).get(LIST)
    html = response.content.decode()
    assert 'data-testid="retired"' in html
    assert reverse("solutions:criterion_restore", args=["bank"]) in html
    bank_row = next(
        c for group in response.context["groups"] for c in group["criteria"] if c.code == "bank"
    )
    assert bank_row.share is None


def test_the_list_does_not_query_per_criterion(mona, django_assert_max_num_queries):
    for number in range(12):
        services.add_criterion(
            by=mona, pathway=Pathway.REPATRIATION, code=f"extra-{number}", text_fa=FA, text_en=EN
        )
    client = signed_in(mona)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "bob", "vera", "nasrin"])
def test_those_outside_solutions_do_not_see_the_list(persona, request):
    assert signed_in(request.getfixturevalue(persona)).get(LIST).status_code == 404


@pytest.mark.parametrize("persona", ["carla", "alice", "bob", "vera", "nasrin"])
def test_only_managers_change_the_list(persona, bank, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 404
    assert client.get(_edit("bank")).status_code == 404
    data = {"text_fa": "x", "text_en": "y", "weight": "5", "position": "1", "version": "1"}
    assert client.post(_edit("bank"), data).status_code == 404
    assert client.post(reverse("solutions:criterion_retire", args=["bank"])).status_code == 404
    bank.refresh_from_db()
    assert (bank.text_fa, bank.weight, bank.is_active) == (FA, 2, True)


def test_a_manager_adds_a_criterion_typed_with_persian_digits(mona):
    data = {
        "pathway": Pathway.SELF_RELIANCE,
        "code": "bank",
        "text_fa": FA,
        "text_en": EN,
        "weight": "۳",
        "position": "۱۵",
    }
    response = signed_in(mona).post(NEW, data)
    assert response.status_code == 302
    assert response["Location"] == LIST
    criterion = ReadinessCriterion.objects.get(code="bank")
    assert (criterion.pathway, criterion.weight, criterion.position) == (
        Pathway.SELF_RELIANCE,
        3,
        15,
    )
    assert criterion.history.get().history_user == mona


def test_a_duplicate_code_is_shown_on_the_form_and_nothing_changes(bank, mona, english):
    data = {
        "pathway": Pathway.REPATRIATION,
        "code": "bank",
        "text_fa": "x",
        "text_en": "y",
        "weight": "1",
        "position": "1",
    }
    response = signed_in(mona).post(NEW, data)
    assert response.status_code == 200
    with override("en"):
        expected = gettext("A criterion with the code %(code)s exists already.") % {"code": "bank"}
        assert response.context["form"].errors["code"] == [expected]
    assert expected in response.content.decode()
    assert ReadinessCriterion.objects.filter(code="bank").count() == 1
    bank.refresh_from_db()
    assert (bank.pathway, bank.text_fa) == (Pathway.SELF_RELIANCE, FA)


def test_a_zero_weight_is_refused_on_the_form(mona):
    data = {
        "pathway": Pathway.SELF_RELIANCE,
        "code": "bank",
        "text_fa": FA,
        "text_en": EN,
        "weight": "0",
        "position": "1",
    }
    response = signed_in(mona).post(NEW, data)
    assert response.status_code == 200
    assert response.context["form"].errors["weight"]
    assert not ReadinessCriterion.objects.filter(code="bank").exists()


def test_the_undecided_pathway_is_not_offered(mona):
    form = signed_in(mona).get(NEW).context["form"]
    assert Pathway.UNDECIDED not in dict(form.fields["pathway"].choices)


def test_a_manager_reweights_a_criterion(bank, mona):
    client = signed_in(mona)
    assert client.get(_edit("bank")).context["form"].initial["weight"] == 2
    data = {"text_fa": FA, "text_en": "Has a bank account", "weight": "۵", "position": "15"}
    response = client.post(_edit("bank"), {**data, "version": str(bank.version)})
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.text_en, bank.weight) == ("Has a bank account", 5)


def test_a_stale_form_is_refused_and_nothing_changes(bank, mona, english):
    services.update_criterion(criterion=bank, by=mona, expected_version=bank.version, position=3)
    data = {"text_fa": FA, "text_en": "Late edit", "weight": "2", "position": "15", "version": "1"}
    response = signed_in(mona).post(_edit("bank"), data)
    assert response.status_code == 200
    with override("en"):
        expected = gettext("Someone else changed this record meanwhile. Reload and try again.")
        assert response.context["form"].non_field_errors() == [expected]
    bank.refresh_from_db()
    assert bank.text_en == EN


def test_a_manager_retires_and_restores_a_criterion(bank, mona):
    client = signed_in(mona)
    response = client.post(reverse("solutions:criterion_retire", args=["bank"]))
    assert response["Location"] == LIST
    bank.refresh_from_db()
    assert bank.is_active is False
    client.post(reverse("solutions:criterion_restore", args=["bank"]))
    bank.refresh_from_db()
    assert bank.is_active is True


def test_retiring_the_last_criterion_of_a_pathway_says_why_and_changes_nothing(bank, mona, english):
    others = ReadinessCriterion.objects.filter(pathway=Pathway.SELF_RELIANCE).exclude(code="bank")
    for criterion in others:
        services.retire_criterion(criterion=criterion, by=mona)
    response = signed_in(mona).post(
        reverse("solutions:criterion_retire", args=["bank"]), follow=True
    )
    with override("en"):
        expected = gettext(
            "%(code)s is the last criterion in use for its pathway: add another first."
        ) % {"code": "bank"}
    assert [str(message) for message in response.context["messages"]] == [expected]
    bank.refresh_from_db()
    assert bank.is_active is True


def test_retiring_needs_a_post(bank, mona):
    response = signed_in(mona).get(reverse("solutions:criterion_retire", args=["bank"]))
    assert response.status_code == 405


def test_an_unknown_criterion_is_404(mona):
    assert signed_in(mona).get(_edit("nothing")).status_code == 404

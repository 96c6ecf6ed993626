"""The maintained list of agreement conditions: its service and its pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import signed_in
from mehman.housing.tests import factories as housing
from mehman.residence import services
from mehman.residence.models import AgreementCondition, ResidenceTerm
from mehman.residence.services import conditions

FA = "پرداخت به‌موقع هزینهٔ آب و برق."
EN = "Pay for water and electricity on time."


@pytest.fixture
def english(mona, alice, carla, bob, vera, nasrin):
    for user in (mona, alice, carla, bob, vera, nasrin):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def bills(mona):
    return conditions.add_condition(by=mona, code="bills", text_fa=FA, text_en=EN, position=15)


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- The service --------------------------------------------------------------------------


def test_a_condition_is_added_in_both_languages_with_a_history(bills, mona):
    bills.refresh_from_db()
    assert (bills.code, bills.text_fa, bills.text_en, bills.position) == ("bills", FA, EN, 15)
    assert bills.standard is True and bills.is_active is True
    record = bills.history.latest()
    assert record.history_user == mona
    assert record.history_change_reason == "Condition added"


def test_a_code_is_kept_in_lower_case(mona):
    condition = conditions.add_condition(by=mona, code=" Water-Use ", text_fa=FA, text_en=EN)
    assert condition.code == "water-use"


@pytest.mark.parametrize("code", ["", "no spaces", "حروف", "x" * 41])
def test_a_code_must_be_a_short_slug(mona, code):
    with pytest.raises(ValidationError) as caught:
        conditions.add_condition(by=mona, code=code, text_fa=FA, text_en=EN)
    assert "code" in caught.value.error_dict
    assert not AgreementCondition.objects.filter(text_en=EN).exists()


def test_a_code_is_used_once(bills, mona):
    with pytest.raises(ValidationError) as caught:
        conditions.add_condition(by=mona, code="BILLS", text_fa="x", text_en="y")
    assert _codes(caught.value) == {"code": ["unique"]}


def test_both_texts_are_required(mona):
    with pytest.raises(ValidationError) as caught:
        conditions.add_condition(by=mona, code="empty", text_fa=" ", text_en=EN)
    assert _codes(caught.value) == {"text_fa": ["required"]}
    with pytest.raises(ValidationError) as caught:
        conditions.add_condition(by=mona, code="empty", text_fa=FA, text_en="")
    assert _codes(caught.value) == {"text_en": ["required"]}
    assert not AgreementCondition.objects.filter(code="empty").exists()


def test_a_condition_is_reworded_and_reordered_from_the_version_seen(bills, mona):
    changed = conditions.update_condition(
        condition=bills,
        by=mona,
        expected_version=bills.version,
        text_en="Pay the bills on time.",
        position=5,
        standard=False,
    )
    changed.refresh_from_db()
    assert (changed.text_en, changed.position, changed.standard) == (
        "Pay the bills on time.",
        5,
        False,
    )
    assert changed.text_fa == FA
    assert changed.version == bills.version + 1
    assert "text_en" in changed.history.latest().history_change_reason


def test_a_stale_edit_is_refused(bills, mona):
    conditions.update_condition(
        condition=bills, by=mona, expected_version=bills.version, position=20
    )
    with pytest.raises(ValidationError) as caught:
        conditions.update_condition(
            condition=bills, by=mona, expected_version=bills.version, position=30
        )
    assert caught.value.code == "stale"
    bills.refresh_from_db()
    assert bills.position == 20


def test_an_edit_cannot_empty_a_text(bills, mona):
    with pytest.raises(ValidationError) as caught:
        conditions.update_condition(
            condition=bills, by=mona, expected_version=bills.version, text_fa=""
        )
    assert _codes(caught.value) == {"text_fa": ["required"]}
    bills.refresh_from_db()
    assert bills.text_fa == FA


def test_an_edit_changing_nothing_writes_nothing(bills, mona):
    before = bills.history.count()
    conditions.update_condition(
        condition=bills, by=mona, expected_version=bills.version, text_en=EN
    )
    bills.refresh_from_db()
    assert bills.version == 1
    assert bills.history.count() == before


def test_a_retired_condition_is_offered_to_no_new_agreement(bills, mona, settlement_a):
    conditions.retire_condition(condition=bills, by=mona)
    bills.refresh_from_db()
    assert bills.is_active is False
    household = housing.resident(settlement_a, by=mona)
    with pytest.raises(ValidationError) as caught:
        services.start_term(household=household, by=mona, conditions=["bills"])
    assert _codes(caught.value) == {"conditions": ["unknown"]}
    term = services.start_term(household=household, by=mona)
    assert "bills" not in [item["code"] for item in term.conditions]
    conditions.restore_condition(condition=bills, by=mona)
    bills.refresh_from_db()
    assert bills.is_active is True


def test_editing_the_list_never_changes_an_agreement_already_made(bills, mona, settlement_a):
    household = housing.resident(settlement_a, by=mona)
    term = services.start_term(household=household, by=mona, conditions=["bills"])
    conditions.update_condition(
        condition=bills, by=mona, expected_version=bills.version, text_fa="دیگر", text_en="Other"
    )
    conditions.retire_condition(condition=bills, by=mona)
    term = ResidenceTerm.objects.get(pk=term.pk)
    assert term.conditions == [{"code": "bills", "fa": FA, "en": EN}]


# --- The pages ----------------------------------------------------------------------------


def test_the_list_shows_both_languages_the_flags_and_the_order(bills, mona, english):
    conditions.retire_condition(condition=bills, by=mona)
    response = signed_in(mona).get(reverse("residence:conditions"))
    assert response.status_code == 200
    page = response.content.decode()
    assert FA in page and EN in page
    assert 'data-testid="retired"' in page
    rows = [c.code for c in response.context["conditions"]]
    assert rows == list(
        AgreementCondition.objects.order_by("position", "code").values_list("code", flat=True)
    )
    assert 'data-testid="standard"' in page


def test_the_list_counts_the_open_terms_that_include_each_condition(bills, mona, settlement_a):
    services.start_term(
        household=housing.resident(settlement_a, by=mona), by=mona, conditions=["bills"]
    )
    response = signed_in(mona).get(reverse("residence:conditions"))
    counts = {c.code: c.open_terms for c in response.context["conditions"]}
    assert counts["bills"] == 1


def test_a_clerk_reads_the_list_without_the_managers_links(bills, alice, english):
    response = signed_in(alice).get(reverse("residence:conditions"))
    assert response.status_code == 200
    assert reverse("residence:condition_new") not in response.content.decode()


def test_the_list_does_not_query_per_condition(mona, settlement_a, django_assert_max_num_queries):
    for number in range(12):
        conditions.add_condition(by=mona, code=f"extra-{number}", text_fa=FA, text_en=EN)
    client = signed_in(mona)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("residence:conditions")).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "carla", "bob", "vera", "nasrin"])
def test_only_managers_change_the_list(persona, bills, request):
    client = signed_in(request.getfixturevalue(persona))
    edit = reverse("residence:condition_edit", args=["bills"])
    assert client.get(reverse("residence:condition_new")).status_code == 404
    assert client.get(edit).status_code == 404
    data = {"text_fa": "x", "text_en": "y", "position": "1", "version": "1"}
    assert client.post(edit, data).status_code == 404
    retire = reverse("residence:condition_retire", args=["bills"])
    assert client.post(retire).status_code == 404
    bills.refresh_from_db()
    assert (bills.text_fa, bills.is_active) == (FA, True)


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partner_staff_and_analysts_do_not_see_the_list(persona, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("residence:conditions")).status_code == 404


def test_a_manager_adds_a_condition_typed_with_persian_digits(mona):
    data = {"code": "bills", "text_fa": FA, "text_en": EN, "position": "۱۵", "standard": "on"}
    response = signed_in(mona).post(reverse("residence:condition_new"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("residence:conditions")
    condition = AgreementCondition.objects.get(code="bills")
    assert (condition.position, condition.standard) == (15, True)


def test_a_duplicate_code_is_shown_on_the_form_and_nothing_changes(bills, mona, english):
    data = {"code": "bills", "text_fa": "x", "text_en": "y", "position": "1"}
    response = signed_in(mona).post(reverse("residence:condition_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert AgreementCondition.objects.filter(code="bills").count() == 1
    bills.refresh_from_db()
    assert bills.text_fa == FA


def test_a_manager_rewords_a_condition(bills, mona):
    url = reverse("residence:condition_edit", args=["bills"])
    client = signed_in(mona)
    assert client.get(url).context["form"].initial["text_en"] == EN
    data = {"text_fa": FA, "text_en": "Pay every bill.", "position": "15", "version": "1"}
    response = client.post(url, data)
    assert response.status_code == 302
    bills.refresh_from_db()
    assert bills.text_en == "Pay every bill."
    assert bills.standard is False  # the box was left unticked


def test_a_stale_form_is_refused_with_a_message(bills, mona, english):
    conditions.update_condition(condition=bills, by=mona, expected_version=1, position=3)
    data = {"text_fa": FA, "text_en": "Late edit", "position": "15", "version": "1"}
    response = signed_in(mona).post(reverse("residence:condition_edit", args=["bills"]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    bills.refresh_from_db()
    assert bills.text_en == EN


def test_an_empty_text_re_renders_the_form(bills, mona, english):
    data = {"text_fa": "", "text_en": EN, "position": "15", "version": "1"}
    response = signed_in(mona).post(reverse("residence:condition_edit", args=["bills"]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["text_fa"]


def test_a_manager_retires_and_restores_a_condition(bills, mona):
    client = signed_in(mona)
    client.post(reverse("residence:condition_retire", args=["bills"]))
    bills.refresh_from_db()
    assert bills.is_active is False
    client.post(reverse("residence:condition_restore", args=["bills"]))
    bills.refresh_from_db()
    assert bills.is_active is True


def test_an_unknown_condition_is_404(mona):
    response = signed_in(mona).get(reverse("residence:condition_edit", args=["nothing"]))
    assert response.status_code == 404

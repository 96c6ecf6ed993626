"""Conversion pages: a manager prepares, previews, commits and reverses; nobody else sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.residence.models import ConversionRun, ConversionStatus, ResidenceTerm, TermStatus
from mehman.residence.services.conversion import commit_conversion
from mehman.residence.tests.test_services_conversion import bulk_residents, prepare


@pytest.fixture
def manager(mona):
    mona.language = "en"
    mona.save()
    return signed_in(mona)


@pytest.fixture
def households(settlement_a):
    return bulk_residents(settlement_a, 12, block="B01") + bulk_residents(
        settlement_a, 3, block="B02"
    )


@pytest.fixture
def preview(settlement_a, mona, households):
    return prepare(settlement_a, mona)


def _form(**overrides):
    data = {
        "blocks": ["B01"],
        "resident_before": "",
        "min_size": "",
        "max_size": "",
        "term_months": "36",
        "stagger_years": "2",
        "start_on": "2026-03-21",
        "priorities": [],
    }
    data.update(overrides)
    return data


def test_a_manager_prepares_previews_commits_and_reverses(
    manager, households, django_capture_on_commit_callbacks
):
    page = manager.get(reverse("residence:conversion_new"))
    assert page.status_code == 200
    assert "B02" in page.content.decode()
    response = manager.post(reverse("residence:conversion_new"), _form())
    run = ConversionRun.objects.get()
    assert response["Location"] == reverse("residence:conversion", args=[run.reference])
    assert run.households == 12 and run.filters == {"blocks": ["B01"]}

    detail = manager.get(response["Location"]).content.decode()
    assert 'data-testid="quarters"' in detail and 'data-testid="commit"' in detail
    assert "2027 Q" in detail
    assert 'id="quarters-data"' in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("residence:conversion_commit", args=[run.reference]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ConversionStatus.COMMITTED
    assert ResidenceTerm.objects.filter(conversion=run, status=TermStatus.ACTIVE).count() == 12
    detail = manager.get(reverse("residence:conversion", args=[run.reference])).content.decode()
    assert 'data-testid="committed"' in detail and 'data-testid="reverse"' in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("residence:conversion_reverse", args=[run.reference]),
            {"reason": "the start date was wrong"},
        )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ConversionStatus.REVERSED
    assert not ResidenceTerm.objects.open().exists()


def test_the_live_count_follows_the_filters(manager, households):
    url = reverse("residence:conversion_count")
    response = manager.get(url, {"blocks": "B02"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="eligible-count"' in response.content.decode()
    with override("en"):
        assert "3 resident households without a term match." in response.content.decode()
    everyone = manager.get(url, {"min_size": "x"}, HTTP_HX_REQUEST="true").content.decode()
    assert "15 resident households" in everyone


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"stagger_years": "3"}, "at most 2 years"),
        ({"term_months": "200"}, "12 to 120 months"),
        ({"start_on": "not a date"}, "Enter a valid date"),
        ({"blocks": ["B09"]}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_the_form_again_and_prepares_nothing(
    manager, households, changes, field_error
):
    response = manager.post(reverse("residence:conversion_new"), _form(**changes))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not ConversionRun.objects.exists()


def test_no_household_matching_is_said_on_the_form(manager, households):
    response = manager.post(reverse("residence:conversion_new"), _form(min_size="9"))
    assert response.status_code == 200
    with override("en"):
        message = _("No resident household without a residence term matches these filters.")
    assert message in response.content.decode()
    assert not ConversionRun.objects.exists()


def test_a_preview_is_discarded_with_a_reason(manager, preview):
    url = reverse("residence:conversion_discard", args=[preview.reference])
    assert manager.post(url, {"reason": ""}).status_code == 200
    response = manager.post(url, {"reason": "wrong blocks"})
    assert response.status_code == 302
    preview.refresh_from_db()
    assert preview.status == ConversionStatus.DISCARDED
    page = manager.get(reverse("residence:conversion", args=[preview.reference]))
    assert 'data-testid="discarded"' in page.content.decode()


def test_a_reversal_after_a_term_moved_on_is_refused_on_the_form(manager, preview, mona):
    run = commit_conversion(run=preview, by=mona)
    ResidenceTerm.objects.filter(conversion=run).filter(pk=run.terms.first().pk).update(
        extensions=1
    )
    response = manager.post(
        reverse("residence:conversion_reverse", args=[run.reference]), {"reason": "oops"}
    )
    assert response.status_code == 200
    assert "1 term of this conversion has moved on" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ConversionStatus.COMMITTED


def test_the_run_page_polls_while_the_work_runs(manager, preview):
    ConversionRun.objects.filter(pk=preview.pk).update(status=ConversionStatus.COMMITTING)
    url = reverse("residence:conversion", args=[preview.reference])
    assert 'data-testid="run-progress"' in manager.get(url).content.decode()
    fragment = manager.get(url, HTTP_HX_REQUEST="true")
    assert 'id="run-progress"' in fragment.content.decode()
    ConversionRun.objects.filter(pk=preview.pk).update(status=ConversionStatus.COMMITTED)
    done = manager.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_the_list_shows_the_settlements_conversions_in_few_queries(
    manager, settlement_a, mona, households, django_assert_max_num_queries
):
    for _i in range(4):
        prepare(settlement_a, mona)
    with django_assert_max_num_queries(12):
        response = manager.get(reverse("residence:conversions"))
    assert response.content.decode().count("data-reference=") == 4


@pytest.mark.parametrize("persona", ["alice", "carla", "vera", "nasrin", "bob"])
def test_only_managers_see_the_conversion_pages(request, persona, preview):
    client = signed_in(request.getfixturevalue(persona))
    for name in ("residence:conversions", "residence:conversion_new"):
        assert client.get(reverse(name)).status_code == 404
    for name in ("residence:conversion", "residence:conversion_commit"):
        assert client.get(reverse(name, args=[preview.reference])).status_code == 404
    client.post(reverse("residence:conversion_commit", args=[preview.reference]))
    preview.refresh_from_db()
    assert preview.status == ConversionStatus.PREVIEW


def test_a_manager_of_another_settlement_gets_404(settlement_b, preview):
    other = signed_in(UserFactory(role=Role.MANAGER, settlements=[settlement_b]))
    assert other.get(reverse("residence:conversion", args=[preview.reference])).status_code == 404
    response = other.post(
        reverse("residence:conversion_discard", args=[preview.reference]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert (
        other.get(reverse("residence:conversions")).content.decode().count("data-reference=") == 0
    )

"""Matching pages through the client: the review queue, a pair side by side, confirming,
rejecting and undoing; runs and their progress. Only reviewers in scope see any of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import dates, digits
from mehman.matching.models import MatchPair, MatchRun, PairSource, PairStatus, RunStatus
from mehman.matching.tests.factories import pair_of, person, run_of
from mehman.registry import services as registry_services
from mehman.registry.models import Individual, IndividualStatus
from mehman.registry.tests import factories as registry


@pytest.fixture
def reviewer(carla):
    return signed_in(carla)


@pytest.fixture
def pair(settlement_a, mona):
    return pair_of(settlement_a, mona)


def _in_persian(call: Any) -> str:
    with override("fa"), digits.override("fa"):
        return str(call())


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_ranks_open_pairs_with_names_dates_and_evidence_in_persian(
    settlement_a, mona, reviewer
):
    likely = pair_of(settlement_a, mona, probability=0.62)
    surest = pair_of(settlement_a, mona, probability=0.975)
    pair_of(settlement_a, mona, probability=0.99, status=PairStatus.REJECTED)

    response = reviewer.get(reverse("matching:pairs"))
    assert response.status_code == 200
    html = response.content.decode()
    # Open pairs only, the most likely first.
    assert html.index(str(surest.uuid)) < html.index(str(likely.uuid))
    assert html.count('data-pair="') == 2
    assert "محمدعلی" in html and "غلامرضا" in html
    assert likely.first.household.reference in html
    assert _in_persian(lambda: dates.format_date(date(1988, 3, 21))) in html
    assert digits.to_persian("97") in html  # 0.975 shown as 97, never rounded up
    with override("fa"):
        # The strongest evidence each way: the father's name for, the phone against.
        assert escape(_("the same")) in html
        assert escape(_("different")) in html
    counts = response.context["counts"]
    assert {value: count for value, _label, count in counts} == {
        "open": 2,
        "merged": 0,
        "rejected": 1,
        "undone": 0,
    }


def test_the_queue_filters_by_status_source_and_probability(settlement_a, mona, reviewer):
    low = pair_of(settlement_a, mona, probability=0.3)
    high = pair_of(settlement_a, mona, probability=0.95, source=PairSource.REGISTRATION)
    rejected = pair_of(settlement_a, mona, probability=0.8, status=PairStatus.REJECTED)
    url = reverse("matching:pairs")

    def shown(**query: str) -> set[MatchPair]:
        return {row.pair for row in reviewer.get(url, query).context["rows"]}

    assert shown() == {low, high}
    assert shown(status="rejected") == {rejected}
    assert shown(status="all") == {low, high, rejected}
    assert shown(band="high") == {high}
    assert shown(band="possible") == {low}
    assert shown(source="registration") == {high}
    assert shown(status="all", band="likely") == {rejected}


def test_pairs_of_one_group_are_shown_together(settlement_a, mona, reviewer):
    a = person(settlement_a, mona, given_name="حسن", father_name="قربان")
    b = person(settlement_a, mona, given_name="حسن", father_name="قربانعلی")
    c = person(settlement_a, mona, given_name="حسین", father_name="قربان")
    group = [
        pair_of(settlement_a, mona, first=a, second=b, cluster=a.pk, probability=0.9),
        pair_of(settlement_a, mona, first=a, second=c, cluster=a.pk, probability=0.55),
    ]
    between = pair_of(settlement_a, mona, probability=0.7)
    rows = [row.pair for row in reviewer.get(reverse("matching:pairs")).context["rows"]]
    # The group's best pair leads it, and its weaker pair follows it before the next group.
    assert rows == [*group, between]
    assert 'data-testid="group"' in reviewer.get(reverse("matching:pairs")).content.decode()


def test_the_queue_reads_a_bounded_number_of_queries(
    settlement_a, mona, reviewer, django_assert_max_num_queries
):
    for _n in range(6):
        pair_of(settlement_a, mona, probability=0.5 + _n / 20)
    with django_assert_max_num_queries(12):
        response = reviewer.get(reverse("matching:pairs"))
    assert len(response.context["rows"]) == 6


@pytest.mark.parametrize("persona", ["alice", "bob", "vera", "nasrin"])
def test_the_queue_is_404_without_the_capability(persona, request):
    user = request.getfixturevalue(persona)
    assert signed_in(user).get(reverse("matching:pairs")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("matching:pairs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- A pair, side by side ----------------------------------------------------------------------


def test_the_pair_page_compares_the_two_people_field_by_field(settlement_a, mona, reviewer, pair):
    registry_services.add_document(
        person=pair.second, by=mona, doc_type="amayesh", number_typed="۱۲۳۴۵۶۷۸۹"
    )
    response = reviewer.get(reverse("matching:pair", args=[pair.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    lines = {line.key: line for line in response.context["lines"]}
    assert [v.text for v in lines["given"].first] == ["محمدعلی"]
    assert [v.text for v in lines["given"].second] == ["علی"]
    assert [v.text for v in lines["document"].second] == ["۱۲۳۴۵۶۷۸۹"]
    assert lines["document"].first == []
    assert lines["household"].first[0].text == pair.first.household.reference
    assert lines["given"].verdict.level == "core" and lines["given"].verdict.tone == "for"
    assert lines["phone"].verdict.tone == "against"
    assert lines["latin"].verdict is None
    with override("fa"):
        for label in (
            _("the same without Mohammad or Gholam"),
            _("the same"),
            _("the same year (estimated)"),
            _("not recorded"),
            _("different"),
        ):
            assert escape(label) in html
    assert _in_persian(lambda: dates.format_date(date(1988, 1, 1))) in html
    assert 'data-testid="confirm"' in html and 'data-testid="reject"' in html
    assert 'data-testid="undo"' not in html


def test_other_pairs_of_the_group_are_listed(settlement_a, mona, reviewer, pair):
    third = person(settlement_a, mona, given_name="علی", father_name="غلام‌رضا")
    other = pair_of(settlement_a, mona, first=pair.first, second=third, cluster=pair.cluster)
    response = reviewer.get(reverse("matching:pair", args=[pair.uuid]))
    assert [row.pair for row in response.context["others"]] == [other]


def test_a_reviewer_of_another_settlement_gets_404_for_the_pair(settlement_b, pair):
    manager_b = UserFactory(username="mina", role=Role.MANAGER, settlements=[settlement_b])
    client = signed_in(manager_b)
    assert client.get(reverse("matching:pair", args=[pair.uuid])).status_code == 404
    response = client.post(reverse("matching:pair_confirm", args=[pair.uuid]), {"note": ""})
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN
    assert pair.uuid not in {
        row.pair.uuid for row in client.get(reverse("matching:pairs")).context["rows"]
    }


def test_a_clerk_cannot_open_or_decide_a_pair(alice, pair):
    client = signed_in(alice)
    assert client.get(reverse("matching:pair", args=[pair.uuid])).status_code == 404
    assert client.post(reverse("matching:pair_reject", args=[pair.uuid])).status_code == 404
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


# --- Decisions ---------------------------------------------------------------------------------


def test_confirming_merges_keeping_the_first_record_and_undoing_restores_it(reviewer, carla, pair):
    url = reverse("matching:pair", args=[pair.uuid])
    response = reviewer.post(
        reverse("matching:pair_confirm", args=[pair.uuid]), {"note": "همان شخص؛ تذکره یکی است"}
    )
    assert response.status_code == 302 and response["Location"] == url
    pair.refresh_from_db()
    duplicate = Individual.objects.get(pk=pair.second_id)
    assert pair.status == PairStatus.MERGED and pair.decided_by == carla
    assert pair.note == "همان شخص؛ تذکره یکی است"
    assert duplicate.status == IndividualStatus.MERGED
    assert duplicate.merged_into_id == pair.first_id
    assert Individual.objects.get(pk=pair.first_id).status == IndividualStatus.ACTIVE

    page = reviewer.get(url).content.decode()
    assert 'data-testid="undo"' in page and 'data-testid="confirm"' not in page
    assert 'data-testid="decision"' in page

    response = reviewer.post(reverse("matching:pair_undo", args=[pair.uuid]), {"note": ""})
    assert response.status_code == 302
    pair.refresh_from_db()
    duplicate.refresh_from_db()
    assert pair.status == PairStatus.UNDONE
    assert duplicate.status == IndividualStatus.ACTIVE and duplicate.merged_into_id is None
    # Undone, the pair may be decided again.
    assert 'data-testid="reject"' in reviewer.get(url).content.decode()


def test_rejecting_marks_them_different_people_and_offers_nothing_more(reviewer, pair):
    response = reviewer.post(reverse("matching:pair_reject", args=[pair.uuid]), {"note": ""})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED
    assert Individual.objects.get(pk=pair.second_id).status == IndividualStatus.ACTIVE
    page = reviewer.get(reverse("matching:pair", args=[pair.uuid])).content.decode()
    assert 'data-testid="decide-form"' not in page and 'data-testid="undo-form"' not in page


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PairStatus.OPEN, "matching:pair_undo"),
        (PairStatus.REJECTED, "matching:pair_confirm"),
        (PairStatus.REJECTED, "matching:pair_reject"),
    ],
)
def test_a_decision_the_status_does_not_allow_is_refused_and_changes_nothing(
    settlement_a, mona, reviewer, status, action
):
    pair = pair_of(settlement_a, mona, status=status)
    response = reviewer.post(reverse(action, args=[pair.uuid]), {"note": ""})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and all(str(e).strip() for e in errors)
    assert 'data-testid="errors"' in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == status and pair.decided_by is None
    assert Individual.objects.get(pk=pair.second_id).status == IndividualStatus.ACTIVE


def test_a_note_too_long_is_refused_on_the_form(reviewer, pair):
    response = reviewer.post(
        reverse("matching:pair_confirm", args=[pair.uuid]), {"note": "x" * 301}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("note", "max_length")
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_a_merge_the_registry_refuses_is_said_on_the_page(settlement_a, mona, reviewer):
    """The duplicate heads a household with other members: it needs another head first."""
    kept = person(settlement_a, mona, given_name="علی")
    family = registry.household(settlement_a, by=mona)
    assert family.head is not None
    pair = pair_of(settlement_a, mona, first=kept, second=family.head)
    response = reviewer.post(reverse("matching:pair_confirm", args=[pair.uuid]), {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_decisions_are_posted_never_got(reviewer, pair):
    response = reviewer.get(reverse("matching:pair_confirm", args=[pair.uuid]))
    assert response.status_code == 405
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


# --- Runs --------------------------------------------------------------------------------------


def test_the_runs_page_lists_runs_with_their_figures(settlement_a, settlement_b, mona, reviewer):
    run = run_of(settlement_a, mona)
    run_of(settlement_b, mona)
    response = reviewer.get(reverse("matching:runs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert run.reference in html and "SV-M" not in html
    assert _in_persian(lambda: digits.localize(5678)) in html
    # A caseworker reviews; only a manager starts a run.
    assert response.context["form"] is None and 'data-testid="start-form"' not in html


def test_a_manager_starts_a_run_and_follows_it(settlement_a, mona):
    client = signed_in(mona)
    assert 'data-testid="start-form"' in client.get(reverse("matching:runs")).content.decode()
    response = client.post(reverse("matching:run_start"), {"settlement": settlement_a.code})
    run = MatchRun.objects.get(settlement=settlement_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:run", args=[run.reference])
    assert run.started_by == mona
    page = client.get(response["Location"])
    assert page.status_code == 200 and run.reference in page.content.decode()


def test_a_run_while_another_is_under_way_is_refused(settlement_a, mona):
    running = run_of(settlement_a, mona, status=RunStatus.RUNNING)
    client = signed_in(mona)
    response = client.post(reverse("matching:run_start"), {"settlement": settlement_a.code})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert list(MatchRun.objects.all()) == [running]


def test_a_run_cannot_be_started_in_a_settlement_out_of_scope(settlement_b, mona):
    response = signed_in(mona).post(
        reverse("matching:run_start"), {"settlement": settlement_b.code}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("settlement", "invalid_choice")
    assert not MatchRun.objects.exists()


def test_a_caseworker_cannot_start_a_run(settlement_a, reviewer):
    response = reviewer.post(reverse("matching:run_start"), {"settlement": settlement_a.code})
    assert response.status_code == 404
    assert not MatchRun.objects.exists()


def test_a_running_run_is_polled_until_it_is_done(settlement_a, mona, reviewer):
    run = run_of(settlement_a, mona, status=RunStatus.RUNNING)
    url = reverse("matching:run", args=[run.reference])
    page = reviewer.get(url).content.decode()
    assert 'data-testid="run-progress"' in page and f'hx-get="{url}"' in page
    polled = reviewer.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and 'id="run-progress"' in polled.content.decode()
    assert "<html" not in polled.content.decode()

    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    polled = reviewer.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
    done = reviewer.get(url).content.decode()
    assert 'data-testid="done"' in done and 'data-testid="run-progress"' not in done


def test_a_manager_of_another_settlement_gets_404_for_the_run(settlement_a, settlement_b, mona):
    run = run_of(settlement_a, mona)
    manager_b = signed_in(
        UserFactory(username="mina", role=Role.MANAGER, settlements=[settlement_b])
    )
    assert manager_b.get(reverse("matching:run", args=[run.reference])).status_code == 404
    listed = manager_b.get(reverse("matching:runs")).content.decode()
    assert run.reference not in listed

"""Reviews through the client: the worklist of reviews due (overdue first, with the tabs'
counts) and the review form — a caseworker completes a due review and extends a term with a
reason; an extension without a reason, beyond the limit or on a stale page changes nothing.
A clerk sees the worklist but not the form; outsiders see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import signed_in
from mehman.core import dates
from mehman.housing.tests import factories as hf
from mehman.residence import services
from mehman.residence.models import Decision, ResidenceTerm, Review, ReviewStatus, TermStatus

REVIEWS = reverse("residence:reviews")


@pytest.fixture(autouse=True)
def english(alice, mona, carla):
    for user in (alice, mona, carla):
        user.language = "en"
        user.save(update_fields=["language"])


def _term(settlement, by, *, days_ago: int = 0, **kwargs) -> ResidenceTerm:
    household = hf.resident(settlement, by=by)
    start = dates.today() - timedelta(days=days_ago)
    return services.start_term(household=household, by=by, started_on=start, **kwargs)


def _review_url(term: ResidenceTerm) -> str:
    return reverse("residence:review", args=[term.reference])


def _decide(term: ResidenceTerm, **data) -> dict:
    return {
        "held_on": dates.today().isoformat(),
        "progress": "some",
        "progress_note": "",
        "remarks": "",
        "new_end": "",
        "reason": "",
        "version": term.version,
        **data,
    }


# --- The worklist -----------------------------------------------------------------------------


def test_the_worklist_lists_overdue_reviews_first_then_those_due_soon(settlement_a, mona, alice):
    overdue = _term(settlement_a, mona, days_ago=200)  # review fell due ~17 days ago
    soon = _term(settlement_a, mona, days_ago=175)  # review falls due in ~8 days
    _term(settlement_a, mona)  # review in six months: not on the list
    opened = _term(settlement_a, mona)
    services.open_review(term=opened, by=mona, due_on=dates.today() + timedelta(days=40))

    response = signed_in(alice).get(REVIEWS)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.term.reference for row in rows] == [
        overdue.reference,
        soon.reference,
        opened.reference,
    ]
    assert rows[0].overdue and rows[0].days_overdue == (dates.today() - overdue.next_review_on).days
    assert response.context["counts"] == {"overdue": 1, "fortnight": 1}
    page = response.content.decode()
    assert 'data-testid="overdue"' in page
    # A clerk reads the worklist but is not offered the review form.
    assert _review_url(overdue) not in page


def test_the_worklist_tabs_show_overdue_or_due_this_fortnight(settlement_a, mona, carla):
    overdue = _term(settlement_a, mona, days_ago=200)
    soon = _term(settlement_a, mona, days_ago=175)
    client = signed_in(carla)

    late_rows = client.get(REVIEWS, {"due": "overdue"}).context["rows"]
    soon_rows = client.get(REVIEWS, {"due": "fortnight"}).context["rows"]

    assert [row.term.reference for row in late_rows] == [overdue.reference]
    assert [row.term.reference for row in soon_rows] == [soon.reference]
    assert _review_url(overdue) in client.get(REVIEWS).content.decode()


def test_the_worklist_reads_a_bounded_number_of_queries(
    settlement_a, mona, carla, django_assert_max_num_queries
):
    for _ in range(5):
        _term(settlement_a, mona, days_ago=200)
    client = signed_in(carla)
    client.get(REVIEWS)
    with django_assert_max_num_queries(12):
        response = client.get(REVIEWS)
    assert len(response.context["rows"]) == 5


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
def test_partners_and_analysts_get_404_on_the_worklist(persona, request):
    assert signed_in(request.getfixturevalue(persona)).get(REVIEWS).status_code == 404


# --- The review form ---------------------------------------------------------------------------


def test_a_caseworker_completes_a_due_review_and_extends_a_term_with_a_reason(
    settlement_a, mona, carla
):
    term = _term(settlement_a, mona, days_ago=200, exit_plan="Vocational training")
    review = services.open_review(term=term, by=mona)
    term.refresh_from_db()
    client = signed_in(carla)
    form_page = client.get(_review_url(term))
    assert form_page.status_code == 200
    assert "Vocational training" in form_page.content.decode()
    new_end = dates.add_months(term.planned_end, 6)

    response = client.post(
        _review_url(term),
        _decide(
            term,
            decision=Decision.EXTEND,
            new_end=new_end.isoformat(),
            reason="Child in hospital treatment",
            progress_note="Training started",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("residence:term", args=[term.reference])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The review was recorded and the term extended." in messages
    term.refresh_from_db()
    review.refresh_from_db()
    assert term.status == TermStatus.EXTENDED
    assert (term.planned_end, term.extensions) == (new_end, 1)
    assert review.status == ReviewStatus.DONE
    assert (review.decision, review.reason, review.reviewer) == (
        Decision.EXTEND,
        "Child in hospital treatment",
        carla,
    )
    page = client.get(reverse("residence:term", args=[term.reference])).content.decode()
    assert "Child in hospital treatment" in page


def test_an_extension_without_a_reason_is_refused_and_changes_nothing(settlement_a, mona, carla):
    term = _term(settlement_a, mona, days_ago=200)
    end = term.planned_end

    response = signed_in(carla).post(
        _review_url(term),
        _decide(term, decision=Decision.EXTEND, new_end=dates.add_months(end, 6).isoformat()),
    )

    assert response.status_code == 200
    assert "Give the reason for the extension." in response.context["form"].errors["reason"]
    term.refresh_from_db()
    assert (term.planned_end, term.extensions, term.status) == (end, 0, TermStatus.ACTIVE)
    assert not Review.objects.filter(term=term).exists()


def test_an_extension_beyond_the_limit_is_refused_with_the_policy(
    settings, settlement_a, mona, carla
):
    settings.MEHMAN_MAX_EXTENSIONS = 1
    term = _term(settlement_a, mona, days_ago=200)
    services.complete_review(
        term=term,
        by=mona,
        held_on=dates.today(),
        progress="some",
        decision=Decision.EXTEND,
        new_end=dates.add_months(term.planned_end, 3),
        reason="First extension",
    )
    term.refresh_from_db()
    end = term.planned_end

    response = signed_in(carla).post(
        _review_url(term),
        _decide(
            term,
            decision=Decision.EXTEND,
            new_end=dates.add_months(end, 3).isoformat(),
            reason="Once more",
        ),
    )

    assert response.status_code == 200
    assert "the most the policy allows" in response.content.decode()
    term.refresh_from_db()
    assert (term.planned_end, term.extensions) == (end, 1)


def test_a_new_end_past_the_latest_allowed_is_refused(settlement_a, mona, carla):
    term = _term(settlement_a, mona, days_ago=200)
    too_late = dates.add_months(term.planned_end, 13)

    response = signed_in(carla).post(
        _review_url(term),
        _decide(term, decision=Decision.EXTEND, new_end=too_late.isoformat(), reason="Why"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_end"]
    term.refresh_from_db()
    assert term.extensions == 0


def test_a_review_can_begin_the_exit_with_a_reason(settlement_a, mona, carla):
    term = _term(settlement_a, mona, days_ago=200)

    response = signed_in(carla).post(
        _review_url(term),
        _decide(term, decision=Decision.BEGIN_EXIT, reason="Resettlement accepted"),
    )

    assert response.status_code == 302
    term.refresh_from_db()
    assert term.status == TermStatus.ENDING


def test_a_review_on_a_stale_page_is_refused(settlement_a, mona, carla):
    term = _term(settlement_a, mona, days_ago=200)
    stale = term.version
    services.update_plan(term=term, by=mona, pathway="repatriation", exit_plan="Return")

    data = _decide(term, decision=Decision.CONTINUE)
    data["version"] = stale
    response = signed_in(carla).post(_review_url(term), data)

    assert response.status_code == 200
    assert "Someone else changed this record meanwhile" in response.content.decode()
    assert not Review.objects.filter(term=term, status=ReviewStatus.DONE).exists()


def test_a_clerk_gets_404_on_the_review_form(settlement_a, mona, alice):
    term = _term(settlement_a, mona, days_ago=200)
    client = signed_in(alice)
    assert client.get(_review_url(term)).status_code == 404
    assert client.post(_review_url(term), _decide(term, decision="continue")).status_code == 404


def test_bob_gets_404_on_the_review_of_a_term_of_settlement_a(settlement_a, mona, bob):
    term = _term(settlement_a, mona, days_ago=200)
    assert signed_in(bob).get(_review_url(term)).status_code == 404

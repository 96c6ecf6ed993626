"""Batch allocation through the client: starting a run, its proposal beside the greedy
baseline and the bound with the reasons for each household, changing a proposal with a
reason, committing (offers sent) and discarding; who may do what."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, pgettext

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.core import digits
from mehman.housing import reasons, services
from mehman.housing.models import AllocationRun, Offer, OfferStatus, Proposal, RunStatus
from mehman.housing.tests import factories
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry import services as registry_services
from mehman.registry.models import Kinship, Relationship
from mehman.registry.tests.factories import family, member

RUNS = reverse("housing:runs")
NEW = reverse("housing:run_new")
HTMX = {"HTTP_HX_REQUEST": "true"}
# 27 m² hold 6 persons, 18 m² hold 4 (4.5 m² a person).
SIX = Decimal("27")
FOUR = Decimal("18")


def shown(message: str, language: str = "fa") -> str:
    with translation.override(language):
        return escape(gettext(message))


def run_url(run: AllocationRun, name: str = "housing:run") -> str:
    return reverse(name, kwargs={"reference": run.reference})


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "housing:run_proposal",
        kwargs={"reference": proposal.run.reference, "application": proposal.application.reference},
    )


def row(body: str, reference: str) -> str:
    found = re.search(rf'<tr id="p-{re.escape(reference)}"(.*?)</tr>', body, re.S)
    assert found, reference
    return found.group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def hugo(settlement_a):
    return UserFactory(username="hugo", role=Role.HOUSING_OFFICER, settlements=[settlement_a])


@pytest.fixture
def vacancies(settlement_a, mona):
    """Three vacant units: two in block B01 (6 and 4 places), one in B02 (6 places)."""
    return [
        factories.unit(settlement_a, block_code="B01", floor_area=SIX, by=mona),
        factories.unit(settlement_a, block_code="B01", floor_area=FOUR, by=mona),
        factories.unit(settlement_a, block_code="B02", floor_area=SIX, by=mona),
    ]


def big_family(size: int) -> list[dict]:
    children = [
        member(
            given_name="حسن",
            relationship=Relationship.SON,
            marital_status="single",
            birth_date=date(2010 + n, 1, 1),
            birth_date_estimated=False,
        )
        for n in range(size - 4)
    ]
    return [*family(), *children]


@pytest.fixture
def waiting(settlement_a, alice, mona):
    """On the waitlist in rank order: a household of eight that no vacancy holds, then three
    households of four."""
    first = waitlisted(settlement_a, by=alice, manager=mona, members=big_family(8))
    return [first, *(waitlisted(settlement_a, by=alice, manager=mona) for _ in range(3))]


def start(client, **data) -> AllocationRun:
    response = client.post(NEW, {"scope": "all", "note": "", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = AllocationRun.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert response["Location"] == run_url(run)
    return run


@pytest.fixture
def solved(vacancies, waiting, mona) -> AllocationRun:
    run = start(signed_in(mona))
    assert run.status == RunStatus.PROPOSED
    return run


# --- The runs page and starting a run ---------------------------------------------------------


def test_the_runs_page_offers_every_block_with_its_vacancies(vacancies, waiting, mona):
    body = signed_in(mona).get(RUNS).content.decode()
    with translation.override("fa"):
        b01 = ngettext("%(block)s (%(count)s vacancy)", "%(block)s (%(count)s vacancies)", 2) % {
            "block": "B01",
            "count": "۲",
        }
        b02 = ngettext("%(block)s (%(count)s vacancy)", "%(block)s (%(count)s vacancies)", 1) % {
            "block": "B02",
            "count": "۱",
        }
    assert escape(b01) in body and escape(b02) in body
    assert 'data-testid="start-run"' in body
    assert shown("No run yet in this settlement.") in body


def test_starting_a_run_solves_it_and_shows_the_figures_and_the_reasons(solved, mona):
    response = signed_in(mona).get(run_url(solved))
    body = response.content.decode()
    assert response.status_code == 200
    for title in ("Optimiser", "Greedy rank order", "Gap to the optimum", "Households placed"):
        assert shown(title) in body
    bound = "Proven optimum" if solved.figures["bound_proven"] else "Best bound on the optimum"
    assert shown(bound) in body
    assert solved.figures["placed"] == 3
    placed = solved.proposals.filter(unit__isnull=False).select_related("application", "unit")
    assert placed.count() == 3
    with translation.override("fa"):
        for proposal in placed:
            html = row(body, proposal.application.reference)
            assert proposal.unit.reference in html
            for reason in proposal.reasons:
                assert str(reasons.sentence_html(reason)) in html
    assert reverse("intake:detail", args=[placed[0].application.reference]) in body
    assert reverse("housing:unit", args=[placed[0].unit.reference]) in body
    unplaced = solved.proposals.get(unit__isnull=True)
    with translation.override("fa"):
        why = str(reasons.sentence_html(unplaced.reasons[0]))
    assert why in row(body, unplaced.application.reference)
    assert 'data-testid="unplaced"' in body


def test_the_runs_page_lists_the_run_with_its_figures(solved, mona):
    body = signed_in(mona).get(RUNS).content.decode()
    assert f'data-reference="{solved.reference}"' in body
    assert solved.get_status_display() in body


def test_a_run_of_chosen_blocks_takes_only_their_vacancies(vacancies, waiting, mona):
    run = start(signed_in(mona), scope="blocks", blocks=["B02"])
    assert run.unit_ids == [vacancies[2].pk]
    assert run.proposals.filter(unit__isnull=False).count() == 1


def test_choosing_blocks_needs_at_least_one(vacancies, waiting, mona):
    response = signed_in(mona).post(NEW, {"scope": "blocks", "note": ""})
    assert response.status_code == 200
    assert shown("Choose at least one block.") in response.content.decode()
    assert not AllocationRun.objects.exists()


def test_without_a_vacancy_the_services_refusal_is_shown(waiting, mona):
    response = signed_in(mona).post(NEW, {"scope": "all", "note": ""})
    assert response.status_code == 200
    assert shown("There is no vacant habitable unit to allocate.") in response.content.decode()
    assert not AllocationRun.objects.exists()


def test_with_nobody_waiting_the_services_refusal_is_shown(vacancies, mona):
    response = signed_in(mona).post(NEW, {"scope": "all", "note": ""})
    assert response.status_code == 200
    assert shown("Nobody is waiting for an offer.") in response.content.decode()


def test_the_run_page_polls_while_the_run_is_solved(settlement_a, vacancies, waiting, mona):
    run = services.start_run(settlement=settlement_a, by=mona)  # not solved yet
    client = signed_in(mona)
    body = client.get(run_url(run)).content.decode()
    assert 'data-testid="run-progress"' in body
    assert f'hx-get="{run_url(run)}"' in body
    assert 'data-testid="figures"' not in body
    poll = client.get(run_url(run), **HTMX)
    assert poll.status_code == 200
    assert 'id="run-progress"' in poll.content.decode()
    assert "<html" not in poll.content.decode()
    services.solve_run(run)
    poll = client.get(run_url(run), **HTMX)
    assert poll["HX-Refresh"] == "true"
    assert 'data-testid="figures"' in client.get(run_url(run)).content.decode()


# --- Related households and step-free homes ---------------------------------------------------


def test_family_groups_and_step_free_needs_are_marked_and_explained(settlement_a, alice, mona):
    ramped = factories.unit(settlement_a, block_code="B03", floor_area=SIX, ramp=True, by=mona)
    factories.unit(settlement_a, block_code="B04", floor_area=SIX, by=mona)
    factories.unit(settlement_a, block_code="B04", floor_area=SIX, by=mona)
    needs, first, second = (waitlisted(settlement_a, by=alice, manager=mona) for _ in range(3))
    registry_services.record_need(person=needs.household.head, code="DS-PM", by=mona)
    registry_services.link_households(
        household=first.household, other=second.household, kinship=Kinship.SIBLINGS, by=mona
    )
    run = start(signed_in(mona))
    body = signed_in(mona).get(run_url(run)).content.decode()
    assert run.proposals.get(application=needs).unit == ramped
    with translation.override("fa"):
        needed = escape(pgettext("step-free home", "Needed"))
    assert needed in row(body, needs.reference)
    assert "accessible" in [r["code"] for r in run.proposals.get(application=needs).reasons]
    for application in (first, second):
        html = row(body, application.reference)
        assert 'data-testid="family"' in html
        codes = [r["code"] for r in run.proposals.get(application=application).reasons]
        assert "family" in codes
    assert 'data-testid="family"' not in row(body, needs.reference)
    assert run.figures["groups"] == 1 and run.figures["groups_together"] == 1


# --- Changing a proposal ----------------------------------------------------------------------


def test_a_proposal_changed_without_a_reason_is_refused(solved, mona):
    proposal = solved.proposals.filter(unit__isnull=False).order_by("rank").first()
    response = signed_in(mona).post(proposal_url(proposal), {"unit": "none", "reason": ""})
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.unit is not None and not proposal.edited


def test_a_proposal_changed_to_no_unit_keeps_the_reason_and_frees_the_unit(solved, hugo):
    proposal = solved.proposals.filter(unit__isnull=False).order_by("rank").first()
    freed = proposal.unit
    client = signed_in(hugo)
    response = client.post(proposal_url(proposal), {"unit": "none", "reason": "Moving to Mashhad"})
    assert response.status_code == 302
    assert response["Location"] == f"{run_url(solved)}#p-{proposal.application.reference}"
    proposal.refresh_from_db()
    assert proposal.unit is None and proposal.edited
    body = client.get(run_url(solved)).content.decode()
    html = row(body, proposal.application.reference)
    assert "Moving to Mashhad" in html
    assert shown("Changed by hand") in html
    assert shown("Not placed: taken out of the proposal by hand.") in html
    assert 'data-testid="unplaced"' in body
    assert shown("As changed by hand") in body
    # The unit freed is now offered when changing another household's proposal.
    other = solved.proposals.get(unit__isnull=True, edited=False)
    form = client.get(proposal_url(other)).content.decode()
    assert f'value="{freed.reference}"' in form


def test_only_free_vacancies_of_the_run_are_offered_when_changing(solved, vacancies, mona):
    unplaced = solved.proposals.get(unit__isnull=True)
    taken = solved.proposals.filter(unit__isnull=False).select_related("unit")
    client = signed_in(mona)
    body = client.get(proposal_url(unplaced)).content.decode()
    for proposal in taken:
        assert f'value="{proposal.unit.reference}"' not in body
    response = client.post(
        proposal_url(unplaced), {"unit": taken[0].unit.reference, "reason": "Preferred"}
    )
    assert response.status_code == 200
    unplaced.refresh_from_db()
    assert unplaced.unit is None


def test_a_unit_too_small_shows_the_services_refusal(settlement_a, alice, mona):
    factories.unit(settlement_a, block_code="B01", floor_area=SIX, by=mona)
    small = factories.unit(settlement_a, block_code="B01", floor_area=Decimal("9"), by=mona)
    waitlisted(settlement_a, by=alice, manager=mona)
    run = start(signed_in(mona))
    proposal = run.proposals.get(unit__isnull=False)
    response = signed_in(mona).post(
        proposal_url(proposal), {"unit": small.reference, "reason": "Closer to the school"}
    )
    assert response.status_code == 200
    assert shown("The household does not fit this unit (size or step-free access).") in (
        response.content.decode()
    )
    proposal.refresh_from_db()
    assert proposal.unit != small and not proposal.edited


# --- Committing and discarding ----------------------------------------------------------------


def test_a_manager_commits_and_the_offers_are_sent(solved, mona):
    client = signed_in(mona)
    page = client.get(run_url(solved)).content.decode()
    assert reverse("housing:run_commit", args=[solved.reference]) in page
    confirm = client.get(run_url(solved, "housing:run_commit")).content.decode()
    with translation.override("fa"):
        send = ngettext("Send %(count)s offer", "Send %(count)s offers", 3) % {"count": "۳"}
    assert escape(send) in confirm
    response = client.post(run_url(solved, "housing:run_commit"))
    assert response.status_code == 302
    assert response["Location"] == run_url(solved)
    with translation.override("fa"):
        sent = ngettext("%(count)s offer sent.", "%(count)s offers sent.", 3) % {
            "count": digits.localize(3)
        }
    assert messages_of(response) == [sent]
    solved.refresh_from_db()
    assert solved.status == RunStatus.COMMITTED
    offers = Offer.objects.filter(run=solved)
    assert offers.count() == 3
    assert set(offers.values_list("status", flat=True)) == {OfferStatus.OPEN}
    for offer in offers.select_related("application"):
        assert offer.application.status == ApplicationStatus.OFFERED
    body = client.get(run_url(solved)).content.decode()
    assert 'data-testid="committed"' in body
    assert reverse("housing:offers") in body
    for offer in offers:
        assert reverse("housing:offer", args=[offer.uuid]) in body
    assert 'data-testid="commit"' not in body and 'data-testid="change"' not in body


def test_a_housing_officer_starts_and_changes_but_may_not_commit(vacancies, waiting, hugo):
    client = signed_in(hugo)
    run = start(client)
    body = client.get(run_url(run)).content.decode()
    assert 'data-testid="change"' in body
    assert 'data-testid="commit"' not in body
    assert client.get(run_url(run, "housing:run_commit")).status_code == 404
    assert client.post(run_url(run, "housing:run_commit")).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED
    assert not Offer.objects.exists()


def test_a_stale_run_is_refused_and_nothing_is_sent(settlement_a, solved, mona):
    taken = solved.proposals.filter(unit__isnull=False).select_related("unit").first().unit
    factories.resident(settlement_a, home=taken, by=mona)
    response = signed_in(mona).post(run_url(solved, "housing:run_commit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="errors"' in body
    assert taken.reference in body
    solved.refresh_from_db()
    assert solved.status == RunStatus.PROPOSED
    assert not Offer.objects.exists()


def test_discarding_needs_a_reason_and_sends_nothing(solved, hugo):
    client = signed_in(hugo)
    url = run_url(solved, "housing:run_discard")
    assert client.post(url, {"reason": ""}).status_code == 200
    solved.refresh_from_db()
    assert solved.status == RunStatus.PROPOSED
    response = client.post(url, {"reason": "Vacancies promised to the flood victims"})
    assert response.status_code == 302
    solved.refresh_from_db()
    assert solved.status == RunStatus.DISCARDED
    body = client.get(run_url(solved)).content.decode()
    assert "Vacancies promised to the flood victims" in body
    assert 'data-testid="change"' not in body
    assert not Offer.objects.exists()


# --- Who may see what -------------------------------------------------------------------------


def test_outsiders_get_404_on_a_run_of_settlement_a(solved, bob, settlement_b):
    bobs_manager = UserFactory(username="max", role=Role.MANAGER, settlements=[settlement_b])
    proposal = solved.proposals.first()
    for user in (bob, bobs_manager):
        client = signed_in(user)
        assert client.get(run_url(solved)).status_code == 404
        assert client.get(proposal_url(proposal)).status_code == 404
        assert client.post(run_url(solved, "housing:run_commit")).status_code == 404
        assert (
            client.post(run_url(solved, "housing:run_discard"), {"reason": "x"}).status_code == 404
        )
    solved.refresh_from_db()
    assert solved.status == RunStatus.PROPOSED


@pytest.mark.parametrize("persona", ["vera", "nasrin", "alice"])
def test_partner_staff_analysts_and_clerks_get_404(persona, solved, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(RUNS).status_code == 404
    assert client.post(NEW, {"scope": "all"}).status_code == 404
    assert client.get(run_url(solved)).status_code == 404
    assert AllocationRun.objects.count() == 1


def test_a_national_administrator_picks_the_settlement(solved, adam, settlement_a, settlement_b):
    client = signed_in(adam)
    body = client.get(f"{RUNS}?settlement={settlement_a.code}").content.decode()
    assert f'data-reference="{solved.reference}"' in body
    other = client.get(f"{RUNS}?settlement={settlement_b.code}").content.decode()
    assert f'data-reference="{solved.reference}"' not in other
    assert client.get(f"{RUNS}?settlement=NOPE").status_code == 404


# --- Cost -------------------------------------------------------------------------------------


def test_the_run_page_reads_a_bounded_number_of_queries(settlement_a, alice, mona):
    for number in range(40):
        block = f"B{number % 5:02d}"
        factories.unit(settlement_a, block_code=block, floor_area=SIX, by=mona)
    households = [waitlisted(settlement_a, by=alice, manager=mona) for _ in range(40)]
    registry_services.link_households(
        household=households[0].household,
        other=households[1].household,
        kinship=Kinship.PARENT_CHILD,
        by=mona,
    )
    client = signed_in(mona)
    run = start(client)
    assert run.proposals.count() == 40
    client.get(run_url(run))  # the first visit stores the session
    with CaptureQueriesContext(connection) as queries:
        body = client.get(run_url(run)).content.decode()
    assert body.count('<tr id="p-') == 40
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_households_of_other_sizes_are_shown_with_their_members(settlement_a, alice, mona):
    factories.unit(settlement_a, block_code="B01", floor_area=SIX, by=mona)
    pair = waitlisted(settlement_a, by=alice, manager=mona, members=family()[:2])
    run = start(signed_in(mona))
    body = signed_in(mona).get(run_url(run)).content.decode()
    html = row(body, pair.reference)
    assert '<td class="text-end">۲</td>' in html
    with translation.override("fa"):
        fits = reasons.sentence_html({"code": "fits", "params": {"size": 2, "spare": 4}})
    assert str(fits) in html


def test_an_english_speaking_manager_reads_the_reasons_in_english(solved, settlement_a):
    emma = UserFactory(
        username="emma", role=Role.MANAGER, language="en", settlements=[settlement_a]
    )
    body = signed_in(emma).get(run_url(solved)).content.decode()
    proposal = solved.proposals.filter(unit__isnull=False).order_by("rank").first()
    html = row(body, proposal.application.reference)
    assert f"Rank {proposal.rank} on the waitlist" in html
    assert "All 4 members fit;" in html
    assert "Not placed: no vacancy of this run holds its 8 members" in body
    assert "Proven optimum" in body or "Best bound on the optimum" in body

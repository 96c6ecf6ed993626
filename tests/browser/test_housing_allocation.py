"""Issue 6, batch allocation, tried as a new user would: the manager starts a run for the
settlement's vacancies, reads the optimiser's proposal beside the rank-order baseline and
why each household got its unit, commits it, and the offers are sent.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from mehman.core import digits
from mehman.housing.models import AllocationRun, Offer, OfferStatus, RunStatus
from mehman.housing.tests import factories
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests.factories import waitlisted
from mehman.registry import services as registry_services
from mehman.registry.models import Kinship, Relationship
from mehman.registry.tests import factories as registry_factories
from mehman.registry.tests.factories import family, member
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUN = re.compile(r"/housing/allocation/TJ-R\d+/$")


def big_family(size: int) -> list[dict]:
    sons = [
        member(
            given_name="حسن",
            relationship=Relationship.SON,
            marital_status="single",
            birth_date=date(2010 + n, 1, 1),
            birth_date_estimated=False,
        )
        for n in range(size - 4)
    ]
    return [*family(), *sons]


def test_a_manager_runs_a_batch_allocation_reads_why_and_commits(
    live_server, page, screenshot, settlement_a, alice, mona, password
):
    # Nine vacancies in three blocks (one step-free) holding 4 or 6 persons; eleven households
    # waiting: first a household of eight that no vacancy holds, then two related households,
    # one with a member who cannot manage steps, and two couples.
    for block, area, count in (("B01", "27", 3), ("B02", "18", 3), ("B03", "27", 2)):
        for _ in range(count):
            factories.unit(settlement_a, block_code=block, floor_area=Decimal(area), by=mona)
    factories.unit(settlement_a, block_code="B03", floor_area=Decimal("27"), ramp=True, by=mona)
    sizes = [8, 4, 4, 2, 4, 4, 4, 2, 4, 4, 4]
    registered = []
    for n, size in enumerate(sizes):
        members = big_family(size) if size > 4 else family()[:size]
        target = registry_factories.household(settlement_a, by=alice, members=members)
        if n == 5:
            registry_services.record_need(person=target.head, code="DS-PM", by=mona)
        registered.append(target)
    registry_services.link_households(
        household=registered[1], other=registered[2], kinship=Kinship.SIBLINGS, by=mona
    )
    households = [
        waitlisted(settlement_a, by=alice, manager=mona, household_obj=target)
        for target in registered
    ]
    errors = page_errors(page)

    # 1. The manager opens batch allocation from the menu and starts a run for every vacancy.
    sign_in(page, live_server, "mona", password)
    page.get_by_test_id("nav-housing").click()
    page.get_by_test_id("nav-allocation").click()
    page.wait_for_url(re.compile(r"/housing/allocation/$"))
    expect(page.get_by_test_id("run-inputs")).to_contain_text("۹")
    expect(page.get_by_test_id("run-inputs")).to_contain_text("۱۱")
    page.check("[name=scope][value=all]")
    page.fill("[name=note]", "پس از نوسازی مرحله اول")
    page.get_by_test_id("start").click()
    page.wait_for_url(RUN)
    run = AllocationRun.objects.get()
    assert run.status == RunStatus.PROPOSED

    # 2. She reads the proposal: the figures beside the greedy baseline and the bound, and
    #    why each household got its unit.
    figures = page.get_by_test_id("figures")
    expect(figures).to_be_visible()
    expect(figures.locator("[data-column=greedy]")).to_have_count(1)
    expect(figures.locator("[data-column=bound]")).to_have_count(1)
    placed = page.get_by_test_id("placed")
    expect(placed.locator("tbody tr")).to_have_count(run.figures["placed"])
    step_free = placed.locator(f"tr[data-reference='{households[5].reference}']")
    expect(step_free.get_by_test_id("reasons").locator("li")).to_have_count(4)
    related = placed.locator(f"tr[data-reference='{households[1].reference}']")
    expect(related.get_by_test_id("family")).to_be_visible()
    expect(related.get_by_test_id("reasons")).to_contain_text("B0")
    big = page.get_by_test_id("unplaced").locator(f"tr[data-reference='{households[0].reference}']")
    expect(big.get_by_test_id("reasons")).to_contain_text("۸")
    screenshot(page, "housing-allocation-fa")

    # 3. She commits: after the confirmation, every placed household is offered its unit.
    page.get_by_test_id("commit").click()
    page.wait_for_url(re.compile(r"/commit/$"))
    page.get_by_test_id("confirm").click()
    page.wait_for_url(RUN)
    with translation.override("fa"):
        sent = ngettext("%(count)s offer sent.", "%(count)s offers sent.", 9) % {
            "count": digits.localize(9)
        }
    expect(page.locator("main")).to_contain_text(sent)
    expect(page.get_by_test_id("committed")).to_be_visible()
    expect(page.get_by_test_id("offer")).to_have_count(run.figures["placed"])
    run.refresh_from_db()
    assert run.status == RunStatus.COMMITTED
    offers = Offer.objects.filter(run=run, status=OfferStatus.OPEN).select_related("application")
    assert offers.count() == run.figures["placed"] == 9
    assert not offers.filter(application=households[0]).exists()
    assert {o.application.status for o in offers} == {ApplicationStatus.OFFERED}
    assert errors == []

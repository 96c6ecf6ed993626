"""Issue 9, tried as a new user would: a caseworker opens a case for a family of seven that
wants to move to the city, records its intention, tracks readiness to 100 %, records the exit
of five of its seven members (the two who stay move to a smaller home) and sees the freed home
offered to the first household on the waitlist; an exit that needs an approval is refused
with a clear message until a manager approves it.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mehman.housing.models import Occupancy, Offer, OfferStatus
from mehman.housing.tests import factories as housing_factories
from mehman.intake.tests.factories import waitlisted
from mehman.registry.models import HouseholdStatus, Relationship
from mehman.residence.models import ExitReason, Pathway
from mehman.solutions.models import (
    ApprovalKind,
    CaseExit,
    CaseStage,
    ReadinessCriterion,
    SolutionsCase,
)
from mehman.solutions.tests import factories as f
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECKLIST = Path(__file__).resolve().parents[2] / "mehman" / "solutions" / "reference"


@pytest.fixture
def checklist(settlement_a):
    """The shipped readiness checklist (a data migration), put back: an earlier browser test
    emptied the database after itself, migrations' data included."""
    with (CHECKLIST / "readiness.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ReadinessCriterion.objects.get_or_create(
                code=row["code"],
                defaults={
                    "pathway": row["pathway"],
                    "position": int(row["position"]),
                    "weight": int(row["weight"]),
                    "text_fa": row["text_fa"],
                    "text_en": row["text_en"],
                },
            )


def test_a_family_moves_to_the_city_and_its_home_is_offered_to_the_waitlist(
    live_server, page, screenshot, checklist, settlement_a, alice, mona, carla, password
):
    household, home, _term = f.housed(settlement_a, by=mona, members=f.seven_members())
    first = waitlisted(settlement_a, by=alice, manager=mona)
    smaller = housing_factories.unit(settlement_a, by=mona, floor_area=Decimal("12"))
    errors = page_errors(page)

    # 1. From the household's page, the caseworker opens a case toward the city.
    sign_in(page, live_server, "carla", password)
    page.goto(f"{live_server.url}{reverse('registry:household', args=[household.reference])}")
    expect(page.get_by_test_id("solutions-panel")).to_be_visible()
    page.get_by_test_id("open-case-link").click()
    page.wait_for_url(re.compile(r"/solutions/households/.+/case/$"))
    page.select_option("select[name=pathway]", Pathway.LOCAL_INTEGRATION)
    page.get_by_test_id("case-new-save").click()
    page.wait_for_url(re.compile(r"/solutions/cases/[^/]+/$"))
    case = SolutionsCase.objects.get(household=household)
    case_url = f"{live_server.url}{reverse('solutions:case', args=[case.reference])}"

    # 2. The household says it wants to live in the city, once work is found.
    page.goto(f"{live_server.url}{reverse('solutions:survey_new', args=[case.reference])}")
    page.select_option("select[name=respondent]", str(household.head.uuid))
    page.select_option("select[name=preferred]", Pathway.LOCAL_INTEGRATION)
    page.fill("textarea[name=conditions]", "کار برای دو پسر بزرگ‌تر")
    page.get_by_test_id("survey-new-save").click()
    page.wait_for_url(case_url)
    expect(page.get_by_test_id("latest-survey")).to_be_visible()

    # 3. Readiness: one criterion met, then all of them.
    readiness = f"{live_server.url}{reverse('solutions:readiness', args=[case.reference])}"
    page.goto(readiness)
    page.check("input[name=met][value=local-income]")
    page.get_by_test_id("readiness-save").click()
    page.wait_for_url(case_url)
    expect(page.get_by_test_id("readiness-score")).not_to_contain_text("100")
    page.goto(readiness)
    for box in page.locator("input[name=met]").all():
        box.check()
    page.get_by_test_id("readiness-save").click()
    page.wait_for_url(case_url)
    expect(page.get_by_test_id("readiness-score")).to_contain_text(re.compile("100|۱۰۰"))
    expect(page.get_by_test_id("readiness-trend")).to_be_visible()
    screenshot(page, "solutions-case-fa")

    # 4. Five of the seven leave; the head's mother and the youngest daughter stay and move to
    #    a smaller home, and the family home is offered to the waitlist.
    mother = household.active_members().get(relationship=Relationship.MOTHER)
    daughter = household.active_members().get(given_name="زینب")
    leaving = [m for m in household.active_members() if m.pk not in (mother.pk, daughter.pk)]
    page.goto(f"{live_server.url}{reverse('solutions:exit', args=[case.reference])}")
    page.select_option("select[name=exit_type]", ExitReason.MOVED_TO_CITY)
    for person in leaving:
        page.check(f"input[name=members][value='{person.uuid}']")
    page.select_option("select[name=staying_head]", str(mother.uuid))
    page.select_option("select[name=move_remaining_to]", smaller.reference)
    expect(page.locator("input[name=offer_home]")).to_be_checked()
    page.get_by_test_id("exit-save").click()
    page.wait_for_url(case_url)

    expect(page.get_by_test_id("freed-unit")).to_contain_text(home.reference)
    expect(page.get_by_test_id("offer")).to_contain_text(first.reference)
    case_exit = CaseExit.objects.get(case=case)
    assert case_exit.member_count == 5
    offer = Offer.objects.get(unit=home)
    assert (offer.application, offer.status) == (first, OfferStatus.OPEN)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT and household.head == mother
    assert Occupancy.objects.get(household=household, ended_on__isnull=True).unit == smaller
    assert SolutionsCase.objects.get(pk=case.pk).stage == CaseStage.EXITED
    screenshot(page, "solutions-exit-fa")
    assert errors == []


def test_a_return_waits_for_a_managers_approval(
    live_server, page, settlement_a, mona, carla, password
):
    household, _home, _term = f.housed(settlement_a, by=mona)
    case = f.case(household, by=carla, pathway=Pathway.REPATRIATION, days_ago=30)
    exit_url = f"{live_server.url}{reverse('solutions:exit', args=[case.reference])}"
    errors = page_errors(page)

    # Without the approval, the exit is refused and nothing changes.
    sign_in(page, live_server, "carla", password)
    page.goto(exit_url)
    page.select_option("select[name=exit_type]", ExitReason.RETURNED)
    page.get_by_test_id("exit-save").click()
    expect(page.get_by_test_id("errors")).to_contain_text(case.reference)
    assert SolutionsCase.objects.get(pk=case.pk).is_open
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RESIDENT

    # The manager approves the return the caseworker asked for; then the exit goes through.
    f.approved(case, ApprovalKind.RETURN, asked_by=carla, decided_by=mona)
    page.goto(exit_url)
    page.select_option("select[name=exit_type]", ExitReason.RETURNED)
    page.get_by_test_id("exit-save").click()
    page.wait_for_url(f"{live_server.url}{reverse('solutions:case', args=[case.reference])}")
    expect(page.get_by_test_id("exit-type")).to_be_visible()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.DEPARTED
    assert errors == []

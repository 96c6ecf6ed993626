"""Issue 6, point 5, tried as a new user would: a manager opens the vacancies, offers a
vacant unit to the top waitlisted household that fits it, records the household's
acceptance, and finds the unit occupied by it.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mehman.housing.models import Occupancy, Offer, OfferStatus
from mehman.housing.tests import factories
from mehman.intake.models import ApplicationStatus
from mehman.intake.tests import factories as intake_factories
from mehman.registry.tests.factories import member
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _couple() -> list[dict]:
    return [member(), member(given_name="فاطمه", sex="F", relationship="spouse")]


def test_a_manager_offers_a_vacant_unit_to_the_top_household_and_records_its_acceptance(
    live_server, page, screenshot, settlement_a, alice, mona, password
):
    unit = factories.unit(settlement_a, by=mona)
    factories.unit(settlement_a, block_code="B02", by=mona, ramp=True)
    top, *_others = [
        intake_factories.waitlisted(settlement_a, by=alice, manager=mona, members=_couple())
        for _n in range(3)
    ]
    errors = page_errors(page)

    # 1. The manager opens the vacancies: each unit with the households that fit it.
    sign_in(page, live_server, "mona", password)
    page.goto(f"{live_server.url}{reverse('housing:vacancies')}")
    row = page.locator(f"[data-unit='{unit.reference}']")
    expect(row.locator(f"[data-candidate='{top.reference}']")).to_be_visible()
    expect(page.get_by_test_id("waiting")).to_be_visible()
    screenshot(page, "housing-vacancies-fa")

    # 2. She offers the unit: the top household is chosen already, the answer due in the
    #    usual days; no reason is needed for the first on the list.
    page.get_by_test_id(f"offer-{unit.reference}").click()
    page.wait_for_url(re.compile(rf"/units/{unit.reference}/offer/$"))
    expect(page.get_by_test_id(f"choose-{top.reference}")).to_be_checked()
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/offers/[0-9a-f-]{36}/$"))
    offer = Offer.objects.get()
    assert (offer.unit, offer.application, offer.status) == (unit, top, OfferStatus.OPEN)
    expect(page.get_by_test_id("letter-offer")).to_be_visible()

    # 3. The household comes back and accepts: it is admitted and moves in today.
    page.get_by_test_id("accept").click()
    page.wait_for_url(re.compile(rf"/units/{unit.reference}/$"))
    expect(page.get_by_test_id("current-household")).to_contain_text(top.household.reference)
    top.refresh_from_db()
    assert top.status == ApplicationStatus.ADMITTED
    assert Occupancy.objects.get(ended_on__isnull=True).unit == unit

    # 4. The unit is no longer among the vacancies.
    page.goto(f"{live_server.url}{reverse('housing:vacancies')}")
    expect(page.locator(f"[data-unit='{unit.reference}']")).to_have_count(0)
    assert errors == []

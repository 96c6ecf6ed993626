"""The site map tried as a manager would: she opens it, colours the units by crowding and
hides the facilities without a reload, then clicks a crowded unit and lands on its page.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from mehman.housing.models import FacilityKind
from mehman.housing.tests import factories as hf
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _site(settlement, mona):
    """Three blocks of units, some lived in (one crowded), a few facilities."""
    crowded = None
    for row, code in enumerate(("B01", "B02", "B03")):
        for number in range(1, 9):
            area = Decimal("12") if (row, number) == (1, 3) else Decimal(30 + 5 * (number % 4))
            unit = hf.unit(
                settlement,
                block_code=code,
                number=number,
                floor_area=area,
                by=mona,
                x=20.0 + 16 * number,
                y=30.0 + 60 * row,
                ramp=number % 3 == 0,
                state="works" if number == 8 else "ready",
            )
            if number % 2 and number != 8:
                hf.resident(settlement, home=unit, by=mona)
            if area == Decimal("12"):
                crowded = unit
    for kind, name, x, y in (
        (FacilityKind.TAP, "Tap 1", 60.0, 60.0),
        (FacilityKind.HANDPUMP, "Well", 150.0, 120.0),
        (FacilityKind.TOILET, "Toilets", 100.0, 60.0),
        (FacilityKind.SCHOOL, "School", 180.0, 10.0),
        (FacilityKind.CLINIC, "Clinic", 10.0, 160.0),
    ):
        hf.facility(settlement, kind, by=mona, name=name, x=x, y=y)
    return crowded


def test_a_manager_colours_the_map_by_crowding_and_opens_a_crowded_unit(
    live_server, page, screenshot, settlement_a, mona, password
):
    crowded = _site(settlement_a, mona)
    errors = page_errors(page)
    sign_in(page, live_server, "mona", password)

    page.goto(f"{live_server.url}/housing/")
    site_map = page.locator("[data-site-map]")
    expect(site_map).to_have_attribute("data-mode", "occupancy")
    expect(page.locator("[data-layer=units] a")).to_have_count(24)

    # Crowding, at once and without a reload: the address keeps the choice.
    page.get_by_test_id("mode-crowding").click()
    expect(site_map).to_have_attribute("data-mode", "crowding")
    expect(page.get_by_test_id("legend-crowding")).to_be_visible()
    expect(page.get_by_test_id("legend-occupancy")).to_be_hidden()
    assert "mode=crowding" in page.url
    screenshot(page, "housing-map-fa")

    # The facilities layer off.
    facilities = page.locator("[data-layer=facilities]")
    expect(facilities).to_be_visible()
    page.uncheck("input[name=layer][value=facilities]")
    expect(facilities).to_be_hidden()
    expect(site_map).not_to_have_attribute("data-layers", re.compile("facilities"))

    # The crowded unit opens its page.
    page.locator(f'[data-layer=units] a[href$="/{crowded.reference}/"]').click()
    page.wait_for_url(re.compile(rf"/housing/units/{crowded.reference}/$"))
    expect(page.get_by_test_id("crowded")).to_be_visible()

    # Back: the map keeps the mode and the layers chosen.
    page.go_back()
    expect(page.locator("[data-site-map]")).to_have_attribute("data-mode", "crowding")
    expect(page.locator("[data-layer=facilities]")).to_be_hidden()
    assert errors == []

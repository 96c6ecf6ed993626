"""Issue 6, point 3, tried as a new user would: the manager opens a work order for a unit,
names a benefactor as its funder, approves it, starts it and completes it with its actual
cost; the programme page shows it done.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mehman.housing.models import WorkOrder, WorkStatus
from mehman.housing.tests import factories as housing_factories
from mehman.partners.tests import factories as partner_factories
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORK = re.compile(r"/housing/works/TJ-W\d+/$")


def test_a_manager_opens_funds_and_completes_a_work_order(
    live_server, page, screenshot, settlement_a, mona, password
):
    unit = housing_factories.unit(settlement_a, by=mona)
    charity = partner_factories.organisation(settlement_a, by=mona)
    errors = page_errors(page)

    # 1. From the unit's "new work order" link, the manager plans a repair with a funder.
    sign_in(page, live_server, "mona", password)
    page.goto(f"{live_server.url}/housing/works/new/?unit={unit.reference}")
    page.select_option("[name=kind]", "repair")
    page.fill("[name=title]", "تعمیر سقف و عایق‌کاری")
    page.select_option("[name=priority]", "high")
    page.fill("[name=estimate]", "۱۵٬۰۰۰٬۰۰۰")
    page.select_option("[name=funder]", str(charity.uuid))
    page.get_by_test_id("save").click()
    page.wait_for_url(WORK)
    order = WorkOrder.objects.get(unit=unit)
    assert (order.estimate, order.funder) == (15_000_000, charity)

    # 2. She approves it, then starts it today.
    page.get_by_test_id("step-approve-save").click()
    page.wait_for_url(WORK)
    expect(page.locator("[data-status=approved]").first).to_be_visible()
    page.get_by_test_id("open-start").locator("summary").click()
    page.get_by_test_id("step-start-save").click()
    page.wait_for_url(WORK)
    order.refresh_from_db()
    assert order.status == WorkStatus.IN_PROGRESS

    # 3. She completes it with the actual cost and the condition it left the unit in.
    page.get_by_test_id("open-complete").locator("summary").click()
    page.fill("[name=complete-actual_cost]", "۱۴٬۲۰۰٬۰۰۰")
    page.fill("[name=complete-condition_after]", "۸۵")
    page.check("[name=complete-own_toilet]")
    page.get_by_test_id("step-complete-save").click()
    page.wait_for_url(WORK)
    order.refresh_from_db()
    assert (order.status, order.actual_cost) == (WorkStatus.COMPLETED, 14_200_000)
    expect(page.get_by_test_id("actual-cost")).to_contain_text("۱۴٬۲۰۰٬۰۰۰")
    expect(page.get_by_test_id("funder")).to_contain_text(charity.name_fa)
    expect(page.get_by_test_id("steps")).to_have_count(0)
    screenshot(page, "housing-work-fa")

    # 4. The renovation programme counts it, with its chart drawn.
    page.goto(f"{live_server.url}/housing/works/programme/")
    expect(
        page.locator("[data-testid=by-status] [data-code=completed] [data-testid=count]")
    ).to_have_text("۱")
    expect(page.locator("#months-chart")).to_be_visible()

    assert errors == []

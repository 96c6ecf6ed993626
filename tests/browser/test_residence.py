"""Issue 7, tried as a new user would: the manager converts long-term residents to staggered
terms after previewing the schedule; a caseworker completes a due review and extends a term
with a reason.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from mehman.core import dates
from mehman.housing.tests import factories as housing_factories
from mehman.residence import services
from mehman.residence.models import ConversionRun, ConversionStatus, ResidenceTerm, TermStatus
from mehman.residence.tests.test_services_conversion import bulk_residents
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUN = re.compile(r"/residence/conversions/TJ-C\d+/$")
TERM = re.compile(r"/residence/terms/TJ-T\d+/$")


def _jalali(day):
    j = dates.to_jalali(day)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def test_a_manager_previews_and_commits_a_staggered_conversion(
    live_server, page, screenshot, settlement_a, mona, password
):
    bulk_residents(settlement_a, 48, block="B07")
    errors = page_errors(page)
    sign_in(page, live_server, "mona", password)

    # 1. From the menu, a new conversion: 36-month terms whose ends spread over two years.
    page.get_by_test_id("nav-residence").click()
    page.get_by_test_id("nav-conversions").click()
    page.goto(f"{live_server.url}/residence/conversions/new/")
    page.fill("[name=term_months]", "۳۶")
    page.fill("[name=stagger_years]", "۲")
    page.get_by_test_id("prepare").click()
    page.wait_for_url(RUN)
    run = ConversionRun.objects.get()
    assert run.status == ConversionStatus.PREVIEW and run.households == 48

    # 2. The preview: a chart and a table of ends per quarter, nothing committed yet.
    expect(page.get_by_test_id("preview")).to_be_visible()
    expect(page.locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("quarter")).to_have_count(9)
    assert not ResidenceTerm.objects.exists()
    page.wait_for_timeout(1500)  # the bars finish growing before the picture
    screenshot(page, "residence-conversion-fa")

    # 3. She commits; the background task starts every term and the page says so.
    page.get_by_test_id("commit").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(RUN)
    expect(page.get_by_test_id("committed")).to_be_visible()
    run.refresh_from_db()
    assert run.status == ConversionStatus.COMMITTED
    ends = sorted(ResidenceTerm.objects.values_list("planned_end", flat=True))
    assert len(ends) == 48
    start = run.terms.first().started_on
    assert ends[0] >= dates.add_months(start, 12) and ends[-1] <= dates.add_months(start, 36)
    assert errors == []


def test_a_caseworker_completes_a_due_review_and_extends_the_term(
    live_server, page, screenshot, settlement_a, mona, carla, password
):
    household = housing_factories.resident(settlement_a, by=mona)
    term = services.start_term(
        household=household, by=mona, started_on=dates.today() - timedelta(days=200)
    )
    assert term.next_review_on < dates.today()  # the six-month review is overdue
    errors = page_errors(page)
    sign_in(page, live_server, "carla", password)

    # 1. The worklist of reviews due shows the term; she opens its review.
    page.get_by_test_id("nav-residence").click()
    page.get_by_test_id("nav-reviews").click()
    page.wait_for_url(f"{live_server.url}/residence/reviews/")
    page.locator(f"a[href$='/residence/terms/{term.reference}/review/']").first.click()

    # 2. Extending without a reason is refused and changes nothing.
    new_end = dates.add_months(term.planned_end, 6)
    page.check("[name=progress][value=some]")
    page.check("[name=decision][value=extend]")
    page.fill("[name=new_end]", _jalali(new_end))
    page.get_by_test_id("review-save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    term.refresh_from_db()
    assert term.extensions == 0

    # 3. With the reason, the term is extended to the new end.
    page.check("[name=decision][value=extend]")
    page.fill("[name=new_end]", _jalali(new_end))
    page.fill("[name=reason]", "فرزندان تا پایان سال تحصیلی در مدرسهٔ مهمانشهر درس می‌خوانند.")
    page.get_by_test_id("review-save").click()
    page.wait_for_url(TERM)
    term.refresh_from_db()
    assert (term.status, term.extensions, term.planned_end) == (TermStatus.EXTENDED, 1, new_end)
    screenshot(page, "residence-term-fa")
    assert errors == []

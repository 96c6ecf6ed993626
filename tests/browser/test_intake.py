"""Issue 5 tried as a new user would: a clerk submits an application from the household
page, the manager screens it and places it on the waitlist, previews a change of weight
and publishes it, and the applicant reads their rank on the public page with their PIN;
wrong PINs are throttled.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from mehman.core import digits
from mehman.intake.models import Application, ApplicationStatus, RankEntry, WeightSet
from mehman.intake.tests import factories
from mehman.registry.tests import factories as registry_factories
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DETAIL = re.compile(r"/intake/applications/TJ-A\d+/$")


def _act(page, action: str) -> None:
    page.get_by_test_id(f"action-{action}").click()
    page.get_by_test_id("save").click()
    page.wait_for_url(DETAIL)


@override_settings(MEHMAN_STATUS_ATTEMPTS=3)
def test_an_application_goes_from_the_clerk_to_the_waitlist_and_the_applicant_sees_the_rank(
    live_server, browser, page, screenshot, settlement_a, alice, mona, password
):
    # Two households facing eviction already wait; the new one has no income, which the
    # manager will weigh more.
    for _ in range(2):
        factories.waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    household = registry_factories.household(settlement_a, by=alice)
    factories.with_residence_card(household, by=alice)
    errors = page_errors(page)

    # 1. The clerk opens the household and starts an application from its panel.
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/registry/households/{household.reference}/")
    page.get_by_test_id("start-application").click()
    page.select_option("[name=channel]", "walk_in")
    page.select_option("[name=current_housing]", "rented")
    page.fill("[name=current_place]", "مشهد، گلشهر")
    page.fill("[name=monthly_income]", "۰")
    page.check("[name=consent_given]")
    page.get_by_test_id("save").click()
    page.wait_for_url(DETAIL)
    application = Application.objects.get(household=household)
    assert application.status == ApplicationStatus.DRAFT

    # 2. She submits it: the PIN is shown once, for the receipt.
    _act(page, "submit")
    pin = digits.to_ascii(page.get_by_test_id("pin-digits").inner_text().strip())
    assert re.fullmatch(r"\d{6}", pin)
    screenshot(page, "intake-application-pin-fa")

    # 3. The manager screens it (eligible) and places it on the waitlist.
    manager = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    mona_page = manager.new_page()
    errors += page_errors(mona_page)
    sign_in(mona_page, live_server, "mona", password)
    mona_page.goto(f"{live_server.url}/intake/applications/{application.reference}/")
    _act(mona_page, "screen")
    expect(mona_page.get_by_test_id("screening")).to_be_visible()
    _act(mona_page, "waitlist")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    rank_before = application.rank
    assert rank_before == 3  # eviction risk weighs more than no income, for now

    # 4. On the waitlist, she raises the weight of "no income" and previews the order.
    mona_page.get_by_test_id("nav-intake").click()
    mona_page.get_by_test_id("nav-waitlist").click()
    mona_page.wait_for_url(re.compile(r"/intake/waitlist/"))
    mona_page.get_by_test_id("whatif").locator("summary").click()
    mona_page.fill("[name=w_no_income]", "۵۰")
    mona_page.get_by_test_id("preview").click()
    expect(mona_page.get_by_test_id("preview-result")).to_be_visible()
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 1  # nothing saved
    screenshot(mona_page, "intake-whatif-fa")

    # 5. She publishes it with a reason: the application moves to the top, and its rank
    #    history says why.
    mona_page.fill("[name=note]", "اولویت بیشتر برای خانوارهای بدون درآمد")
    mona_page.get_by_test_id("publish").click()
    mona_page.wait_for_url(re.compile(r"/intake/waitlist/"))
    application.refresh_from_db()
    assert application.rank == 1
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 2
    assert RankEntry.objects.filter(application=application).count() == 2
    mona_page.goto(f"{live_server.url}/intake/applications/{application.reference}/")
    expect(mona_page.get_by_test_id("rank-history").locator("[data-testid=move]")).to_have_count(2)
    screenshot(mona_page, "intake-application-fa")
    manager.close()

    # 6. The applicant, signed out, looks up the application with its PIN.
    public = browser.new_context(viewport={"width": 800, "height": 800}, locale="fa-IR")
    applicant = public.new_page()
    errors += page_errors(applicant)
    applicant.goto(f"{live_server.url}/status/")
    applicant.fill("[name=reference]", digits.to_persian(application.reference))
    applicant.fill("[name=pin]", digits.to_persian(pin))
    applicant.get_by_test_id("look-up").click()
    expect(applicant.get_by_test_id("rank")).to_contain_text("۱")
    expect(applicant.get_by_test_id("next-step")).to_be_visible()
    body = applicant.content()
    assert household.head.given_name not in body
    assert household.reference not in body
    screenshot(applicant, "intake-status-fa")

    # 7. Wrong PINs are throttled: after three, even the right PIN is refused for a while.
    wrong = "111111" if pin != "111111" else "222222"
    for _ in range(3):
        applicant.goto(f"{live_server.url}/status/")
        applicant.fill("[name=reference]", application.reference)
        applicant.fill("[name=pin]", wrong)
        applicant.get_by_test_id("look-up").click()
        expect(applicant.get_by_test_id("rank")).to_have_count(0)
    applicant.goto(f"{live_server.url}/status/")
    applicant.fill("[name=reference]", application.reference)
    applicant.fill("[name=pin]", pin)
    applicant.get_by_test_id("look-up").click()
    expect(applicant.get_by_test_id("throttled")).to_be_visible()
    expect(applicant.get_by_test_id("rank")).to_have_count(0)
    public.close()

    assert errors == []

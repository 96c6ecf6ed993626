"""A Persian clerk signs in: RTL, Vazirmatn, Jalali date; English on switch is LTR."""

import pytest
from django.utils import translation

from mehman.core import dates
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_persian_clerk_works_right_to_left_in_vazirmatn_with_jalali_dates(
    live_server, page, screenshot, alice, mona, password
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "login-fa")

    sign_in(page, live_server, "alice", password)
    html = page.locator("html")
    assert html.get_attribute("lang") == "fa"
    assert html.get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # Vazirmatn is the font in use, and it was really loaded from our static files.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Vazirmatn")
    page.evaluate("document.fonts.ready")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded')"
    )

    # Today's date in the Jalali calendar, with Persian month name and digits.
    with translation.override("fa"):
        today = dates.format_date(dates.today(), style="long")
    assert today in page.get_by_test_id("today").inner_text()
    assert page.get_by_test_id("figure-capacity").inner_text() == "۱۰٬۰۰۰"
    screenshot(page, "home-fa")

    page.get_by_test_id("switch-language").click()
    page.wait_for_load_state()
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.get_by_test_id("figure-capacity").inner_text() == "10,000"
    assert "Torbat-e Jam guest city" in page.content()
    screenshot(page, "home-en")


def test_a_manager_enters_a_jalali_date_in_persian_digits(
    live_server, page, screenshot, mona, password
):
    sign_in(page, live_server, "mona", password)
    page.goto(f"{live_server.url}/settlements/TJ/edit/")
    page.fill("input[name=opened_on]", "۱۳۷۷/۰۱/۰۱")
    page.fill("input[name=capacity]", "۱۰۵۰۰")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"{live_server.url}/settlements/TJ/")
    assert page.get_by_test_id("opened-on").inner_text() == "۱۳۷۷/۰۱/۰۱"
    assert page.get_by_test_id("capacity").inner_text() == "۱۰٬۵۰۰"
    screenshot(page, "settlement-fa")

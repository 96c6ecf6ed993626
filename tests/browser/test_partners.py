"""Issue 4 tried as a new user would: a benefactor's roof-repair pledge received, spent
on work orders and shown on its page; a volunteer without PSEA training refused; a
partner whose data-sharing agreement ended yesterday sees nothing today; the 5W export
read back as HXL.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import hxl
import pytest
from playwright.sync_api import expect

from mehman.assistance import services as assistance
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.models import Pledge, PledgeStatus
from mehman.partners.tests import factories
from mehman.registry.tests import factories as registry_factories
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLEDGE_PAGE = re.compile(r"/assistance/pledges/[0-9a-f-]+/$")


def test_a_roof_repair_pledge_is_received_spent_on_work_orders_and_shown_on_its_page(
    live_server, page, screenshot, settlement_a, mona, alice, password
):
    benefactors = factories.organisation(
        settlement_a,
        by=mona,
        name_fa="انجمن خیّرین جام",
        name_en="Jam Benefactors",
        acronym="JBA",
        sectors=["shelter"],
    )
    homes = [
        registry_factories.household(settlement_a, by=alice, status="resident") for _ in range(2)
    ]
    errors = page_errors(page)
    sign_in(page, live_server, "mona", password)

    # 1. The navbar's Partners menu → pledges → record a cash pledge for roof repairs,
    #    the amount typed in Persian digits with Persian separators.
    page.goto(f"{live_server.url}/partners/pledges/")
    page.get_by_test_id("pledge-create").click()
    page.select_option("[name=donor]", str(benefactors.uuid))
    page.check("[name=kind][value=cash]")
    page.fill("[name=quantity]", "۲۰۰٬۰۰۰٬۰۰۰")
    page.select_option("[name=restricted_sector]", "shelter")
    page.fill("[name=restriction_note]", "برای تعمیر سقف‌ها")
    page.get_by_test_id("save").click()
    page.wait_for_url(PLEDGE_PAGE)
    pledge = Pledge.objects.get(donor=benefactors)
    assert pledge.value == 200_000_000
    assert pledge.restricted_sector == "shelter"

    # 2. The money arrives.
    page.get_by_test_id("receive").click()
    page.fill("[name=quantity]", "۲۰۰۰۰۰۰۰۰")
    page.get_by_test_id("save").click()
    page.wait_for_url(PLEDGE_PAGE)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RECEIVED

    # 3. Spent on two work orders, one roof each; a third outside the restriction is refused.
    for number, (home, amount) in enumerate(
        ((homes[0], "۱۲۰٬۰۰۰٬۰۰۰"), (homes[1], "۸۰٬۰۰۰٬۰۰۰")), start=1
    ):
        page.get_by_test_id("spend").first.click()
        page.fill("[name=work_order]", f"WO-TJ-{number}")
        page.fill("[name=description]", "تعمیر سقف")
        page.select_option("[name=sector]", "shelter")
        page.fill("[name=amount]", amount)
        page.fill("[name=spent_on]", dates.format_date(dates.today(), calendar="jalali"))
        page.fill("[name=household]", home.reference)
        page.get_by_test_id("save").click()
        page.wait_for_url(PLEDGE_PAGE)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DISTRIBUTED

    # 4. The pledge's page shows where the money went: both work orders and both
    #    households, counted by age and sex.
    expect(page.get_by_test_id("stages")).to_be_visible()
    spending = page.get_by_test_id("spending")
    expect(spending).to_contain_text("WO-TJ-1")
    expect(spending).to_contain_text("WO-TJ-2")
    for home in homes:
        expect(page.get_by_test_id("households")).to_contain_text(home.reference)
    expect(page.get_by_test_id("households-reached")).to_contain_text("۲")
    screenshot(page, "partners-pledge-fa")
    assert errors == []


def test_a_volunteer_without_psea_training_cannot_be_assigned(
    live_server, page, screenshot, settlement_a, mona, password
):
    group = factories.organisation(
        settlement_a,
        by=mona,
        org_type="volunteer",
        name_fa="گروه داوطلب دانشجویان",
        name_en="Student Volunteers",
    )
    activity = factories.activity(
        group, settlement_a, by=mona, name="کلاس سوادآموزی", sector="education"
    )
    volunteer = factories.volunteer(
        group, settlement_a, by=mona, psea_trained_on=None, name="سارا احمدی"
    )
    sign_in(page, live_server, "mona", password)
    page.goto(f"{live_server.url}/partners/volunteers/{volunteer.uuid}/")
    expect(page.get_by_test_id("safeguarding-gaps")).to_be_visible()
    page.goto(f"{live_server.url}/partners/volunteers/{volunteer.uuid}/assign/")
    page.select_option("[name=activity]", str(activity.uuid))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("errors")).to_be_visible()
    assert not volunteer.assignments.exists()
    screenshot(page, "partners-volunteer-refused-fa")


def test_a_partner_whose_agreement_ended_yesterday_sees_nothing_today(
    live_server, page, screenshot, settlement_a, mona, alice, vera, password
):
    ngo = factories.organisation(
        settlement_a, by=mona, org_type="INGO", name_fa="شورای پناهندگان", name_en="Refugee Council"
    )
    partners.link_staff(organisation=ngo, user=vera, by=mona)
    home = registry_factories.household(settlement_a, by=alice, status="resident")
    referral = assistance.refer_household(
        household=home,
        organisation=ngo,
        by=alice,
        sector="livelihoods",
        service="Tailoring course",
        consent_given=True,
    )
    agreement = factories.data_agreement(
        ngo,
        settlement_a,
        by=mona,
        valid_from=dates.today() - timedelta(days=200),
        valid_to=dates.today() + timedelta(days=30),
    )
    sign_in(page, live_server, "vera", password)
    household_page = f"{live_server.url}/assistance/portal/referrals/{referral.uuid}/household/"

    # While the agreement is live the partner sees the referred household.
    page.goto(f"{live_server.url}/assistance/portal/")
    expect(page.get_by_test_id("referrals")).to_contain_text(home.reference)
    page.goto(household_page)
    expect(page.locator("body")).to_contain_text(home.reference)
    screenshot(page, "partners-portal-household-en")

    # The agreement ended yesterday: today the same pages show nothing.
    type(agreement).objects.filter(pk=agreement.pk).update(
        valid_to=dates.today() - timedelta(days=1)
    )
    page.goto(f"{live_server.url}/assistance/portal/")
    expect(page.get_by_test_id("no-agreement")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(home.reference)
    response = page.goto(household_page)
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/registry/households/{home.reference}/")
    expect(page.locator("body")).not_to_contain_text(home.reference)


def test_the_5w_export_reads_back_with_a_valid_hxl_row(
    live_server, page, settlement_a, mona, alice, password
):
    charity = factories.organisation(settlement_a, by=mona)
    activity = factories.activity(charity, settlement_a, by=mona)
    home = registry_factories.household(settlement_a, by=alice, status="resident")
    assistance.record_delivery(household=home, activity=activity, by=alice, item="Winter kit")
    sign_in(page, live_server, "mona", password)
    page.goto(f"{live_server.url}/assistance/5w/")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, tags, data = rows[0], rows[1], rows[2:]
    assert len(header) == len(tags)
    assert all(tag.startswith("#") for tag in tags)
    assert {"#org+impl+name", "#sector+cluster", "#activity+name", "#reached+hh"} <= set(tags)
    assert len(data) == 1
    assert data[0][tags.index("#reached+hh")] == "1"
    parsed = hxl.data(io.BytesIO(text.encode("utf-8")))  # libhxl reads the tag row as HXL
    assert [row.get("#activity") for row in parsed] == [activity.name]

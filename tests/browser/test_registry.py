"""A new clerk registers a family, finds it again, records a birth and a death, prints the card.

Persian throughout (the default language): Jalali dates typed in Persian digits, names
typed with Arabic letters found again. Elements are found by ``name``, ``data-testid``
or URL, never by label text (translations change); expected text that is data (dates,
ages, names) is computed here in Persian the way the pages should show it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from mehman.core import dates, digits
from mehman.matching.models import MatchPair
from mehman.registry import events as registry_events
from mehman.registry import services
from mehman.registry.models import Household, Individual
from mehman.registry.tests.factories import member
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFILE = re.compile(r"/registry/households/(TJ-\d+)/$")

# The family as the clerk types it: (given, family, father, sex, relationship, marital,
# date of birth or None, year of birth or None). Dates and years in Persian digits.
FAMILY = [
    ("علی", "کریمی", "محمد", "M", "head", "married", "۱۳۶۴/۰۵/۱۲", None),
    ("فاطمه", "احمدی", "غلام", "F", "spouse", "married", "۱۳۶۸/۰۲/۲۰", None),
    ("عبدالله", "کریمی", "علی", "M", "son", "single", "۱۳۸۸/۰۷/۰۱", None),
    ("زهرا", "کریمی", "علی", "F", "daughter", "single", "۱۳۹۲/۰۳/۱۵", None),
    ("محمد", "کریمی", "علی", "M", "son", "single", None, "۱۳۹۵"),
    ("مریم", "کریمی", "علی", "F", "daughter", "single", "۱۳۹۹/۱۰/۰۵", None),
    ("حسن", "کریمی", "علی", "M", "son", "single", "۱۴۰۲/۰۱/۲۰", None),
]
AMAYESH_TYPED = "۱۲۳۴-۵۶۷۸-۹۰"  # on the head's card, typed with Persian digits and dashes


def _persian(value) -> str:
    """What the page shows for a date or a number, in Persian."""
    with translation.override("fa"):
        if isinstance(value, date):
            return dates.format_date(value)
        if isinstance(value, int):
            return digits.localize(value)
        return digits.localize_digits(str(value))


def _label(kind) -> str:
    with translation.override("fa"):
        return str(kind.label)


def _fill_member(page, index, person):
    given, family, father, sex, relationship, marital, born, year = person
    field = f'[name="members-{index}-{{}}"]'.format
    page.fill(field("given_name"), given)
    page.fill(field("family_name"), family)
    page.fill(field("father_name"), father)
    page.select_option(field("sex"), sex)
    page.select_option(field("relationship"), relationship)
    page.select_option(field("marital_status"), marital)
    if born:
        page.fill(field("birth_date"), born)
    if year:
        page.fill(field("birth_year"), year)


def _search(page, text, *, expect_row, gone_row):
    """Search from the list's box; htmx replaces the results, so wait for new ones."""
    page.evaluate("document.getElementById('household-results').dataset.stale = 'yes'")
    page.fill("input[name=q]", text)
    page.get_by_test_id("search").click()
    results = page.locator("#household-results:not([data-stale])")
    expect(results).to_have_count(1)
    expect(results.locator(f'tr[data-reference="{gone_row}"]')).to_have_count(0)
    row = results.locator(f'tr[data-reference="{expect_row}"]')
    expect(row).to_have_count(1)
    return row


def test_a_new_clerk_registers_a_family_finds_it_and_records_its_life_events(
    live_server, browser, page, screenshot, settlement_a, alice, bob, password
):
    # The daughter may already be on record, with her aunt's household, her names typed
    # with Arabic letters (kaf, yeh): the duplicate step will ask.
    earlier = services.register_household(
        settlement=settlement_a,
        members=[
            member(given_name="رضا", family_name="رحیمی", father_name="نور"),
            member(
                given_name="زهرا",
                family_name="كريمي",
                father_name="علي",
                sex="F",
                birth_date=date(2013, 6, 5),  # ۱۳۹۲/۰۳/۱۵
                birth_date_estimated=False,
                relationship="other_relative",
                marital_status="single",
            ),
        ],
        by=None,
    )
    script_errors = page_errors(page)

    # 1. Sign in, open the registry from the navbar, start a registration.
    sign_in(page, live_server, "alice", password)
    page.locator('nav a[href="/registry/"]').click()
    page.wait_for_url(f"{live_server.url}/registry/")
    page.get_by_test_id("register-household").click()
    page.wait_for_url(f"{live_server.url}/registry/register/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    # 2. Seven members, rows added with the page's own button (htmx, no reload).
    rows = page.get_by_test_id("member-row")
    expect(rows).to_have_count(1)
    assert page.input_value('[name="members-0-relationship"]') == "head"
    for count in range(2, len(FAMILY) + 1):
        page.locator("button[name=add_member]").click()
        expect(rows).to_have_count(count)
    assert page.input_value('[name="members-TOTAL_FORMS"]') == str(len(FAMILY))
    for index, person in enumerate(FAMILY):
        _fill_member(page, index, person)
    page.select_option('[name="members-0-doc_type"]', "amayesh")
    page.fill('[name="members-0-doc_number"]', AMAYESH_TYPED)
    page.fill("[name=block]", "B-12")
    page.check("[name=consent_given]")
    screenshot(page, "registry-register-fa")
    page.get_by_test_id("save").click()

    # The daughter resembles someone on record: compare; the clerk is unsure, so the family
    # is registered and a reviewer is asked.
    page.wait_for_load_state()
    duplicates = page.get_by_test_id("duplicate")
    expect(duplicates).to_have_count(1)
    expect(duplicates.locator(f'a[href$="/{earlier.reference}/"]')).to_have_count(1)
    for choice in duplicates.locator('input[type=radio][value="review"]').all():
        choice.check()
    page.get_by_test_id("save").click()
    page.wait_for_url(PROFILE)

    reference = PROFILE.search(page.url).group(1)
    household = Household.objects.get(reference=reference)
    assert household.pk != earlier.pk
    assert page.get_by_test_id("reference").inner_text() == reference
    assert page.get_by_test_id("size").inner_text().strip() == _persian(7)
    people = {p.given_name: p for p in Individual.objects.filter(household=household)}
    assert len(people) == 7
    # The pair waits in the reviewers' queue.
    on_file = Individual.objects.get(household=earlier, given_name="زهرا")
    queued = MatchPair.objects.get(first=on_file)
    assert (queued.second, queued.status) == (people["زهرا"], "open")
    today = dates.today()
    for given, *_rest, born, year in FAMILY:
        birth = dates.parse_date(born) if born else dates.midyear(digits.parse_int(year))
        row = page.locator(f'tr[data-member="{people[given].uuid}"]')
        shown_birth = row.get_by_test_id("birth-date").inner_text()
        assert shown_birth.startswith(_persian(birth)), (given, shown_birth)
        age = dates.age_on(birth, today)
        shown_age = " ".join(row.get_by_test_id("age").inner_text().split())
        assert shown_age == f"{_persian(age)} ({_persian(dates.age_bracket(age))})", shown_age
    assert people["محمد"].birth_date_estimated
    assert not people["علی"].birth_date_estimated
    head_documents = page.locator("tr[data-document]")
    expect(head_documents).to_have_count(1)
    assert AMAYESH_TYPED in head_documents.inner_text()

    # 3. Back to the list; the head is found by a variant spelling, a son by a split compound.
    page.locator('nav a[href="/registry/"]').click()
    page.wait_for_url(f"{live_server.url}/registry/")
    found = _search(page, "علي كريمي", expect_row=reference, gone_row=earlier.reference)
    expect(found.locator("mark")).to_have_count(1)
    assert "علی کریمی" in found.locator("mark").inner_text()
    assert "q=" in page.url  # the search is in the address, so Back returns to it
    found = _search(page, "عبد الله كريمي", expect_row=reference, gone_row=earlier.reference)
    expect(found.get_by_test_id("matched")).to_contain_text("عبدالله کریمی")
    screenshot(page, "registry-list-fa")
    # The Amayesh number typed the other way (Latin digits, no dashes) finds it too.
    found = _search(page, "1234567890", expect_row=reference, gone_row=earlier.reference)
    found.locator(f'a[href="/registry/households/{reference}/"]').click()
    page.wait_for_url(PROFILE)

    # 4. A birth: the mother and the father chosen among the members.
    born_on = today - timedelta(days=20)
    page.get_by_test_id("record-birth").click()
    page.wait_for_url(f"{live_server.url}/registry/households/{reference}/birth/")
    page.fill("[name=given_name]", "یاسین")
    page.select_option("[name=sex]", "M")
    page.fill("[name=birth_date]", _persian(born_on))
    page.select_option("[name=mother]", str(people["فاطمه"].uuid))
    page.select_option("[name=father]", str(people["علی"].uuid))
    page.get_by_test_id("save").click()
    page.wait_for_url(PROFILE)
    baby = Individual.objects.get(household=household, given_name="یاسین")
    assert (baby.family_name, baby.father_name) == ("کریمی", "علی")
    baby_row = page.locator(f'tr[data-member="{baby.uuid}"]')
    expect(baby_row.get_by_test_id("birth-date")).to_have_text(_persian(born_on))
    expect(baby_row.get_by_test_id("age")).to_have_text(f"{_persian(0)} ({_persian('0-4')})")
    expect(page.get_by_test_id("size")).to_have_text(_persian(8))

    # A death: the head, from his row's menu; his wife becomes the head.
    died_on = today - timedelta(days=3)
    head_row = page.locator(f'tr[data-member="{people["علی"].uuid}"]')
    head_row.get_by_test_id("member-actions").click()
    death_link = head_row.get_by_test_id("record-death")
    expect(death_link).to_be_visible()
    death_link.click()
    page.wait_for_url(re.compile(rf"/registry/households/{reference}/members/[0-9a-f-]+/death/$"))
    page.fill("[name=died_on]", _persian(died_on))
    page.select_option("[name=new_head]", str(people["فاطمه"].uuid))
    page.get_by_test_id("save").click()
    page.wait_for_url(PROFILE)
    expect(head_row.get_by_test_id("member-status")).to_contain_text(_persian(died_on))
    expect(head_row.get_by_test_id("member-actions")).to_have_count(0)
    expect(page.get_by_test_id("size")).to_have_text(_persian(7))
    expect(page.get_by_test_id("household-head")).to_contain_text("فاطمه احمدی")
    household.refresh_from_db()
    assert household.head_id == people["فاطمه"].pk

    timeline = page.locator(".timeline")
    for kind, who in (
        (registry_events.BIRTH, "یاسین"),
        (registry_events.DEATH, "علی"),
        (registry_events.HEAD_CHANGED, "فاطمه"),
        (registry_events.REGISTERED, _persian(7)),
    ):
        item = timeline.locator(".timeline-item", has_text=_label(kind))
        expect(item).to_have_count(1)
        expect(item).to_contain_text(who)
    screenshot(page, "registry-household-fa")

    # 5. The printable card is a PDF.
    card_url = page.get_by_test_id("print-card").get_attribute("href")
    card = page.request.get(f"{live_server.url}{card_url}")
    assert card.status == 200
    assert card.headers["content-type"].startswith("application/pdf")
    assert card.body().startswith(b"%PDF")
    assert script_errors == []

    # 6. A clerk of another settlement gets the 404 page for the same address.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fa-IR")
    try:
        outsider = context.new_page()
        sign_in(outsider, live_server, "bob", password)
        response = outsider.goto(f"{live_server.url}/registry/households/{reference}/")
        assert response is not None
        assert response.status == 404
        main = outsider.locator("main").inner_text()
        assert _persian(404) in main
        assert reference not in main
        assert "کریمی" not in outsider.content()
        assert outsider.request.get(f"{live_server.url}{card_url}").status == 404
    finally:
        context.close()


def test_a_members_menu_opens_whole_in_a_small_household_and_phones_do_not_scroll_sideways(
    live_server, page, settlement_a, alice, password
):
    household = services.register_household(
        settlement=settlement_a,
        members=[
            member(),
            member(given_name="فاطمه", sex="F", relationship="spouse", birth_date=date(1990, 1, 1)),
        ],
        by=None,
    )
    spouse = Individual.objects.get(household=household, given_name="فاطمه")
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/registry/households/{household.reference}/")
    row = page.locator(f'tr[data-member="{spouse.uuid}"]')
    row.get_by_test_id("member-actions").click()
    death_link = row.get_by_test_id("record-death")
    expect(death_link).to_be_visible()
    # The menu is not cut off by the two-row table it opens from: its last item is on top
    # where it is drawn, so a click there reaches it.
    assert death_link.evaluate(
        """link => {
            const box = link.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return hit !== null && (hit === link || link.contains(hit));
        }"""
    )

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

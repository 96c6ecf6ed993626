"""Issue 8, tried as a reviewer would: from the menu to the queue of possible duplicates, a
pair side by side with the evidence in Persian, confirmed (merged, keeping the record
registered first), then the merge undone.

Elements are found by ``name``, ``data-testid`` or URL, never by label text.
"""

from __future__ import annotations

import re

import pytest
from django.utils.translation import gettext as _
from django.utils.translation import override
from playwright.sync_api import expect

from mehman.matching.models import PairStatus
from mehman.matching.tests.factories import pair_of
from mehman.registry.models import Individual, IndividualStatus
from tests.browser.conftest import page_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAIR = re.compile(r"/matching/pairs/[0-9a-f-]{36}/$")


def test_a_reviewer_confirms_a_duplicate_then_undoes_the_merge(
    live_server, page, screenshot, settlement_a, mona, carla, password
):
    pair = pair_of(settlement_a, mona, probability=0.97)
    errors = page_errors(page)
    sign_in(page, live_server, "carla", password)

    # 1. From the menu, the queue: the pair, its probability and its strongest evidence.
    page.get_by_test_id("nav-matching").click()
    page.wait_for_url(f"{live_server.url}/matching/")
    row = page.locator(f"tr[data-pair='{pair.uuid}']")
    expect(row).to_contain_text("محمدعلی")
    expect(row.get_by_test_id("probability")).to_contain_text("۹۷")
    with override("fa"):
        expect(row.get_by_test_id("best-evidence")).to_contain_text(_("the same"))
    row.get_by_test_id("open-pair").click()
    page.wait_for_url(PAIR)

    # 2. Side by side: each field of both people, the model's verdict in Persian.
    table = page.get_by_test_id("comparison")
    given = table.locator("tr[data-field='given']")
    expect(given).to_contain_text("محمدعلی")
    expect(given).to_contain_text("علی")
    with override("fa"):
        expect(given.get_by_test_id("evidence")).to_contain_text(
            _("the same without Mohammad or Gholam")
        )
        expect(table.locator("tr[data-field='birth_date']")).to_contain_text(
            _("the same year (estimated)")
        )
    expect(table.locator("tr[data-field='birth_date']")).to_contain_text("۱۳۶۷/۰۱/۰۱")
    expect(table.locator("[data-tone='against']")).to_have_count(1)  # the phones differ
    screenshot(page, "matching-pair-fa")

    # 3. The same person: merged into the record registered first.
    page.fill("[name=note]", "همان شخص است؛ نام پدر و سال تولد یکی است.")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(PAIR)
    expect(page.get_by_test_id("decision")).to_be_visible()
    expect(page.get_by_test_id("undo")).to_be_visible()
    pair.refresh_from_db()
    duplicate = Individual.objects.get(pk=pair.second_id)
    assert pair.status == PairStatus.MERGED
    assert duplicate.status == IndividualStatus.MERGED
    assert duplicate.merged_into_id == pair.first_id

    # 4. The merge undone: the duplicate record is active again, the pair may be decided anew.
    page.get_by_test_id("undo").click()
    page.wait_for_url(PAIR)
    expect(page.get_by_test_id("confirm")).to_be_visible()
    pair.refresh_from_db()
    duplicate.refresh_from_db()
    assert pair.status == PairStatus.UNDONE
    assert duplicate.status == IndividualStatus.ACTIVE
    assert errors == []

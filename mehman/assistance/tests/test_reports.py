"""The assistance reports end to end: an activity, a pledge, a benefactor, the 5W table.

Counts are for everyone who may see the activity or pledge; households are named
only to those who may open them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in
from mehman.assistance import queries, services
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.tests import factories as pf
from mehman.registry.tests import factories as rf

TODAY = dates.today


def activity_url(activity) -> str:
    return reverse("assistance:activity", kwargs={"activity": activity.uuid})


def pledge_url(pledge) -> str:
    return reverse("assistance:pledge", kwargs={"pledge": pledge.uuid})


def donor_url(organisation) -> str:
    return reverse("assistance:donor", kwargs={"organisation": organisation.uuid})


FIVE_W = reverse("assistance:five_w")


def page_of(user, url: str, **params) -> str:
    response = signed_in(user).get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def text_of(page: str, name: str, until: str = "</") -> str:
    """The text of the element with ``data-testid=name`` (up to ``until``), squeezed."""
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?){until}', page, re.S)
    assert found, name
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def table_of(page: str, name: str) -> str:
    return text_of(page, name, "</table>")


def big_number(page: str, name: str) -> str:
    """The figure of a summary box (its second line)."""
    found = re.search(rf'data-testid="{name}".*?class="fs-\d">([^<]*)<', page, re.S)
    assert found, name
    return found.group(1).strip()


def cell(page: str, bracket: str, sex: str) -> str:
    """The people table's cell for an age bracket and sex ("f", "m", "all")."""
    row = re.search(rf'<tr data-bracket="{re.escape(bracket)}">(.*?)</tr>', page, re.S)
    assert row, bracket
    found = re.search(rf'data-sex="{sex}">(.*?)</td>', row.group(1), re.S)
    assert found
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def other_ngo(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, name_en="Other NGO", name_fa="سازمان دیگر", acronym="ONG"
    )


@pytest.fixture
def karimi(settlement_a, alice):
    """A family of four: a man and a woman of 18-59, a boy of 5-11, a girl of 0-4."""
    return rf.household(settlement_a, by=alice, status="resident")


@pytest.fixture
def rahimi(settlement_a, alice):
    return rf.household(
        settlement_a,
        by=alice,
        status="resident",
        members=[rf.member(given_name="مریم", family_name="رحیمی", sex="F")],
    )


@pytest.fixture
def winter_kits(charity, settlement_a, mona):
    return pf.activity(charity, settlement_a, by=mona, block="B-3")


@pytest.fixture
def partner_vera(vera, charity, mona):
    partners.link_staff(organisation=charity, user=vera, by=mona)
    return vera


@pytest.fixture
def kits_pledge(charity, settlement_a, mona):
    pledge = pf.pledge(charity, settlement_a, by=mona, quantity=10)
    partners.receive_donation(pledge=pledge, by=mona, quantity=10)
    return pledge


def _donation(pledge):
    return pledge.donations.get()


# --- Reach ----------------------------------------------------------------------------------


def test_a_household_counts_once_even_with_two_deliveries(winter_kits, karimi, alice, mona):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Blanket")
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Stove")
    reach = queries.activity_reach([winter_kits.pk])[winter_kits.pk]
    assert (reach.households, reach.individuals) == (1, 4)
    page = page_of(mona, activity_url(winter_kits))
    assert big_number(page, "households-reached") == "۱"
    assert big_number(page, "people-reached") == "۴"
    assert text_of(page, "delivery-count").startswith("۲")


def test_attendance_of_a_member_of_a_delivered_household_is_not_counted_twice(
    winter_kits, karimi, rahimi, alice
):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    services.record_attendance(
        activity=winter_kits, people=list(karimi.active_members())[:2], by=alice
    )
    reach = queries.activity_reach([winter_kits.pk])[winter_kits.pk]
    assert (reach.households, reach.individuals) == (1, 4)
    services.record_attendance(activity=winter_kits, people=[rahimi.head], by=alice)
    reach = queries.activity_reach([winter_kits.pk])[winter_kits.pk]
    assert (reach.households, reach.individuals) == (2, 5)
    assert reach.count("f_age18_59") == 2


def test_people_are_counted_by_sex_and_age_bracket_against_the_targets(
    winter_kits, karimi, alice, mona
):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    rows = {
        row.bracket: row
        for row in queries.bracket_rows(
            queries.activity_reach([winter_kits.pk])[winter_kits.pk], winter_kits.targets
        )
    }
    assert (rows["0-4"].female, rows["0-4"].male) == (1, 0)
    assert (rows["5-11"].female, rows["5-11"].male) == (0, 1)
    assert (rows["18-59"].female, rows["18-59"].male) == (1, 1)
    assert rows["0-4"].female_target == 80
    assert rows["0-4"].female_percent == 1  # 1 of 80
    assert "unknown" not in rows
    page = page_of(mona, activity_url(winter_kits))
    assert cell(page, "0-4", "f").startswith("۱ / ۸۰")
    assert cell(page, "18-59", "m").startswith("۱")
    assert cell(page, "12-17", "all").startswith("۰")


def test_a_pledge_counts_each_household_once_across_deliveries_and_work(
    charity, settlement_a, mona, alice, karimi, rahimi, winter_kits
):
    cash = pf.pledge(charity, settlement_a, by=mona, kind="cash", quantity=50_000_000)
    money = partners.receive_donation(pledge=cash, by=mona, quantity=50_000_000)
    kits = pf.pledge(charity, settlement_a, by=mona, quantity=5)
    goods = partners.receive_donation(pledge=kits, by=mona, quantity=5)
    services.distribute_donation(
        donation=goods, activity=winter_kits, households=[karimi, rahimi], by=alice
    )
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, donation=goods)
    for order in ("WO-1", "WO-2"):
        services.record_expenditure(
            donation=money,
            by=mona,
            work_order=order,
            description="Roof repair",
            sector="shelter",
            amount=1_000_000,
            household=karimi,
        )
    per_pledge, total = queries.gift_reach([cash.pk, kits.pk])
    assert (per_pledge[kits.pk].households, per_pledge[kits.pk].individuals) == (2, 5)
    assert (per_pledge[cash.pk].households, per_pledge[cash.pk].individuals) == (1, 4)
    assert (total.households, total.individuals) == (2, 5)


# --- The activity page ----------------------------------------------------------------------


def test_the_activity_page_shows_the_5w_and_links_households_for_staff(
    winter_kits, karimi, alice, mona
):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    page = page_of(mona, activity_url(winter_kits))
    five_w = text_of(page, "five-w", "</dl>")
    assert "خیریه امام رضا" in five_w
    assert "B-۳" in five_w
    assert reverse("registry:household", args=[karimi.reference]) in page
    assert f'data-reference="{karimi.reference}"' in page
    assert reverse("assistance:deliver", kwargs={"activity": winter_kits.uuid}) in page
    assert reverse("partners:activity_edit", kwargs={"activity": winter_kits.uuid}) in page
    clerk = page_of(alice, activity_url(winter_kits))
    assert reverse("assistance:attend", kwargs={"activity": winter_kits.uuid}) in clerk
    assert 'data-testid="edit"' not in clerk  # recording, not managing


def test_an_analyst_reads_an_activity_as_counts_without_names(
    winter_kits, karimi, alice, nasrin, charity, settlement_a, mona
):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    services.record_attendance(activity=winter_kits, people=[karimi.head], by=alice)
    helper = pf.volunteer(charity, settlement_a, by=mona, name="Sara Ahmadi")
    assignment = partners.assign_volunteer(volunteer=helper, activity=winter_kits, by=mona)
    partners.record_hours(assignment=assignment, by=mona, worked_on=TODAY(), hours="3.5")
    page = page_of(nasrin, activity_url(winter_kits))
    assert big_number(page, "households-reached") == "۱"
    assert karimi.reference not in page
    assert karimi.head.given_name not in page
    assert "Sara Ahmadi" not in page
    assert "۳٫۵" in text_of(page, "volunteering")
    assert 'data-testid="deliver"' not in page
    assert 'data-testid="attendance"' in page


def test_volunteers_are_named_with_their_hours_to_staff(winter_kits, charity, settlement_a, mona):
    helper = pf.volunteer(charity, settlement_a, by=mona, name="Sara Ahmadi")
    assignment = partners.assign_volunteer(volunteer=helper, activity=winter_kits, by=mona)
    partners.record_hours(assignment=assignment, by=mona, worked_on=TODAY(), hours=4)
    page = page_of(mona, activity_url(winter_kits))
    assert "Sara Ahmadi" in page
    assert reverse("partners:volunteer", kwargs={"volunteer": helper.uuid}) in page


def test_a_partner_sees_its_own_activity_and_only_its_own_deliveries(
    winter_kits, karimi, rahimi, alice, mona, partner_vera, charity, settlement_a
):
    pf.data_agreement(charity, settlement_a, by=mona)
    services.refer_household(
        household=karimi,
        organisation=charity,
        by=alice,
        sector="nfi",
        service="Winter kit",
        consent_given=True,
    )
    services.record_delivery(household=karimi, activity=winter_kits, by=partner_vera, item="Kit")
    services.record_delivery(household=rahimi, activity=winter_kits, by=alice, item="Kit")
    page = page_of(partner_vera, activity_url(winter_kits))
    assert big_number(page, "households-reached") == "2"  # English, Latin digits
    assert f'data-reference="{karimi.reference}"' in page
    assert rahimi.reference not in page
    assert reverse("registry:household", args=[karimi.reference]) not in page
    assert 'data-testid="deliver"' in page  # partner staff of the implementing organisation


def test_another_organisations_activity_is_hidden_from_a_partner(
    other_ngo, settlement_a, mona, partner_vera, bob
):
    theirs = pf.activity(other_ngo, settlement_a, by=mona)
    assert signed_in(partner_vera).get(activity_url(theirs)).status_code == 404
    assert signed_in(bob).get(activity_url(theirs)).status_code == 404


def test_a_planned_activity_offers_no_delivery_links(charity, settlement_a, mona):
    planned = pf.activity(charity, settlement_a, by=mona, status="planned")
    page = page_of(mona, activity_url(planned))
    assert 'data-testid="deliver"' not in page


# --- The pledge page ------------------------------------------------------------------------


@pytest.fixture
def delivered_pledge(kits_pledge, winter_kits, karimi, rahimi, alice):
    services.distribute_donation(
        donation=_donation(kits_pledge),
        activity=winter_kits,
        households=[karimi, rahimi],
        by=alice,
    )
    return kits_pledge


def test_the_donors_staff_see_counts_but_no_household(
    delivered_pledge, partner_vera, karimi, rahimi
):
    page = page_of(partner_vera, pledge_url(delivered_pledge))
    assert big_number(page, "households-reached") == "2"
    assert big_number(page, "people-reached") == "5"
    assert cell(page, "18-59", "f") == "2"
    for household in (karimi, rahimi):
        assert household.reference not in page
        assert household.head.given_name not in page
    assert 'data-testid="households"' not in page
    assert "Winter kits 1405" in table_of(page, "through")


def test_a_manager_sees_which_households_benefited(delivered_pledge, mona, karimi, rahimi):
    page = page_of(mona, pledge_url(delivered_pledge))
    listed = text_of(page, "households", "</ul>")
    assert karimi.reference in listed
    assert rahimi.reference in page
    assert "مریم" in page
    assert big_number(page, "households-reached") == "۲"


def test_an_analyst_sees_the_pledge_without_names(delivered_pledge, nasrin, karimi):
    page = page_of(nasrin, pledge_url(delivered_pledge))
    assert big_number(page, "households-reached") == "۲"
    assert karimi.reference not in page
    assert karimi.head.given_name not in page


def test_the_stage_bar_follows_the_gift(delivered_pledge, mona):
    page = page_of(mona, pledge_url(delivered_pledge))
    stages = re.findall(r'data-stage="(\w+)"', page)
    assert stages == ["pledged", "received", "stored", "distributed"]
    assert 'aria-valuenow="100"' in page  # all ten received
    assert 'aria-valuenow="20"' in page  # two of ten given out


def test_spending_on_work_is_shown_in_full_to_staff_and_added_up_for_the_donor(
    charity, settlement_a, mona, partner_vera, karimi
):
    cash = pf.pledge(
        charity,
        settlement_a,
        by=mona,
        kind="cash",
        quantity=90_000_000,
        restricted_sector="shelter",
    )
    money = partners.receive_donation(pledge=cash, by=mona, quantity=90_000_000)
    services.record_expenditure(
        donation=money,
        by=mona,
        work_order="WO-17",
        description="Roof repair",
        sector="shelter",
        amount=60_000_000,
        household=karimi,
    )
    staff = page_of(mona, pledge_url(cash))
    assert "WO-17" in table_of(staff, "spending")
    assert karimi.reference in staff
    assert reverse("assistance:spend", kwargs={"donation": money.uuid}) in staff
    donor = page_of(partner_vera, pledge_url(cash))
    assert "60,000,000" in table_of(donor, "spent-on")
    assert "WO-17" not in donor
    assert karimi.reference not in donor
    assert 'data-testid="spend"' not in donor
    assert big_number(donor, "households-reached") == "1"


def test_write_links_follow_the_capabilities(kits_pledge, mona, alice, partner_vera):
    donation = _donation(kits_pledge)
    store = reverse("partners:donation_store", kwargs={"donation": donation.uuid})
    receive = reverse("partners:pledge_receive", kwargs={"pledge": kits_pledge.uuid})
    spend = reverse("assistance:spend", kwargs={"donation": donation.uuid})
    manager = page_of(mona, pledge_url(kits_pledge))
    assert store in manager and receive in manager and spend in manager
    assert 'data-testid="cancel"' not in manager  # something arrived: no longer cancellable
    for reader in (alice, partner_vera):
        page = page_of(reader, pledge_url(kits_pledge))
        assert store not in page and receive not in page and spend not in page


def test_a_pledge_of_which_nothing_arrived_can_be_cancelled(charity, settlement_a, mona):
    pledge = pf.pledge(charity, settlement_a, by=mona)
    page = page_of(mona, pledge_url(pledge))
    assert reverse("partners:pledge_cancel", kwargs={"pledge": pledge.uuid}) in page


def test_another_settlements_pledge_is_hidden(kits_pledge, bob, other_ngo, vera, mona):
    assert signed_in(bob).get(pledge_url(kits_pledge)).status_code == 404
    partners.link_staff(organisation=other_ngo, user=vera, by=mona)
    assert signed_in(vera).get(pledge_url(kits_pledge)).status_code == 404


# --- The benefactor's page ------------------------------------------------------------------


def test_the_benefactors_page_adds_up_its_pledges(
    charity, settlement_a, mona, alice, karimi, rahimi, winter_kits, partner_vera
):
    first = pf.pledge(charity, settlement_a, by=mona, quantity=4, value=40_000_000)
    second = pf.pledge(charity, settlement_a, by=mona, quantity=2, value=20_000_000)
    for pledge, homes in ((first, [karimi, rahimi]), (second, [karimi])):
        donation = partners.receive_donation(pledge=pledge, by=mona, quantity=pledge.quantity)
        services.distribute_donation(
            donation=donation, activity=winter_kits, households=homes, by=alice
        )
    page = page_of(mona, donor_url(charity))
    assert big_number(page, "pledged-value") == "۶۰٬۰۰۰٬۰۰۰"
    assert big_number(page, "households-reached") == "۲"  # karimi once
    assert pledge_url(first) in page and pledge_url(second) in page
    assert karimi.reference not in page
    vera_page = page_of(partner_vera, donor_url(charity))
    assert big_number(vera_page, "households-reached") == "2"
    assert big_number(vera_page, "people-reached") == "5"


def test_a_partner_reads_only_its_own_benefactors_page(other_ngo, partner_vera, bob, charity):
    assert signed_in(partner_vera).get(donor_url(other_ngo)).status_code == 404
    assert signed_in(bob).get(donor_url(charity)).status_code == 404


# --- The 5W table ---------------------------------------------------------------------------


def _rows(page: str) -> list[str]:
    return re.findall(r'data-activity="([0-9a-f-]+)"', page)


def test_the_5w_table_filters_by_sector_status_organisation_and_period(
    charity, other_ngo, settlement_a, mona
):
    kits = pf.activity(charity, settlement_a, by=mona)
    course = pf.activity(
        other_ngo,
        settlement_a,
        by=mona,
        sector="livelihoods",
        name="Tailoring",
        status="planned",
        starts_on=TODAY() + timedelta(days=30),
    )
    old = pf.activity(
        other_ngo,
        settlement_a,
        by=mona,
        name="Summer water",
        sector="wash",
        starts_on=TODAY() - timedelta(days=300),
        ends_on=TODAY() - timedelta(days=200),
    )
    everything = _rows(page_of(mona, FIVE_W))
    assert sorted(everything) == sorted(str(a.uuid) for a in (kits, course, old))
    assert _rows(page_of(mona, FIVE_W, sector="livelihoods")) == [str(course.uuid)]
    assert _rows(page_of(mona, FIVE_W, status="planned")) == [str(course.uuid)]
    assert _rows(page_of(mona, FIVE_W, organisation=str(charity.uuid))) == [str(kits.uuid)]
    since = dates.format_date(TODAY() - timedelta(days=10))
    assert sorted(_rows(page_of(mona, FIVE_W, since=since))) == sorted(
        [str(kits.uuid), str(course.uuid)]
    )
    until = dates.format_date(TODAY() - timedelta(days=100))
    assert _rows(page_of(mona, FIVE_W, until=until)) == [str(old.uuid)]


def test_the_5w_table_shows_reach_against_targets(winter_kits, karimi, alice, mona):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    page = page_of(mona, FIVE_W)
    assert re.search(r'data-cell="hh">\s*۱ / ۳۰۰', page)
    assert re.search(r'data-cell="f-0-4">۱ / ۸۰', page)
    assert re.search(r'data-cell="m-18-59">۱ / —', page)  # no target set
    assert re.search(r'data-cell="people">\s*۴ / ۱۶۵', page)


def test_each_reader_sees_the_5w_rows_of_their_scope(
    winter_kits, other_ngo, settlement_a, settlement_b, mona, bob, partner_vera, nasrin
):
    theirs = pf.activity(other_ngo, settlement_a, by=mona, name="Other")
    assert _rows(page_of(bob, FIVE_W)) == []
    assert _rows(page_of(partner_vera, FIVE_W)) == [str(winter_kits.uuid)]
    assert sorted(_rows(page_of(nasrin, FIVE_W))) == sorted(
        [str(winter_kits.uuid), str(theirs.uuid)]
    )


def test_the_5w_table_makes_a_fixed_number_of_queries(
    charity, settlement_a, mona, alice, django_assert_max_num_queries
):
    client = signed_in(mona)
    pf.activity(charity, settlement_a, by=mona)
    client.get(FIVE_W)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(FIVE_W).status_code == 200
    for number in range(6):
        made = pf.activity(charity, settlement_a, by=mona, name=f"Activity {number}")
        home = rf.household(settlement_a, by=alice, status="resident")
        services.record_delivery(household=home, activity=made, by=alice, item="Kit")
        services.record_attendance(activity=made, people=[home.head], by=alice)
    with django_assert_max_num_queries(len(captured)):
        response = client.get(FIVE_W)
    assert len(_rows(response.content.decode())) == 7


def test_the_activity_page_makes_a_fixed_number_of_queries(
    winter_kits, settlement_a, mona, alice, django_assert_max_num_queries
):
    client = signed_in(mona)
    client.get(activity_url(winter_kits))
    with CaptureQueriesContext(connection) as captured:
        client.get(activity_url(winter_kits))
    for _ in range(5):
        home = rf.household(settlement_a, by=alice, status="resident")
        services.record_delivery(household=home, activity=winter_kits, by=alice, item="Kit")
        services.record_attendance(activity=winter_kits, people=[home.head], by=alice)
    with django_assert_max_num_queries(len(captured)):
        client.get(activity_url(winter_kits))


def test_an_analyst_reads_every_report_and_no_name(
    delivered_pledge, winter_kits, charity, nasrin, karimi, rahimi
):
    for url in (
        activity_url(winter_kits),
        pledge_url(delivered_pledge),
        donor_url(charity),
        FIVE_W,
        reverse("assistance:five_w_export"),
    ):
        response = signed_in(nasrin).get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        for household in (karimi, rahimi):
            assert household.reference not in body, url
            assert household.head.given_name not in body, url
            assert household.head.family_name not in body, url

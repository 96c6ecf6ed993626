"""The 5W table out as HXL CSV and Excel: the rows of the page, counts only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import hxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import signed_in
from mehman.assistance import exports, services
from mehman.core import dates
from mehman.partners import services as partners
from mehman.partners.models import Activity
from mehman.partners.tests import factories as pf
from mehman.registry.tests import factories as rf

EXPORT = reverse("assistance:five_w_export")
TODAY = dates.today


@pytest.fixture
def charity(settlement_a, mona):
    return pf.organisation(settlement_a, by=mona)


@pytest.fixture
def unhcr(settlement_a, mona):
    return pf.organisation(
        settlement_a, by=mona, org_type="UN", name_en="UNHCR", name_fa="کمیساریا", acronym="UNHCR"
    )


@pytest.fixture
def winter_kits(charity, unhcr, settlement_a, mona):
    return pf.activity(
        charity,
        settlement_a,
        by=mona,
        funder=unhcr,
        block="B-3",
        name="کیت زمستانی",
        ends_on=TODAY() + timedelta(days=60),
    )


@pytest.fixture
def karimi(settlement_a, alice):
    return rf.household(settlement_a, by=alice, status="resident")


def download(user, **params) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """The export's header row, hashtag row and data rows (by header)."""
    response = signed_in(user).get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())  # a byte-order mark for spreadsheet programs
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, tags, *data = lines
    return header, tags, [dict(zip(header, row, strict=True)) for row in data]


def test_the_hashtag_row_sits_right_under_the_header(winter_kits, mona):
    header, tags, rows = download(mona)
    assert header[0] == "Implementing organisation"
    assert len(tags) == len(header) == len(exports.COLUMNS)
    assert all(tag.startswith("#") for tag in tags)
    assert len(set(tags)) == len(tags)
    assert "#targeted+ind+f+age0_4" in tags
    assert "#reached+ind+m+age60plus" in tags
    assert tags[header.index("Settlement code")] == "#loc+camp+code"
    assert len(rows) == 1


def test_a_row_says_who_what_where_when_and_for_whom(winter_kits, karimi, alice, mona):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Stove")
    _header, _tags, [row] = download(mona)
    assert row["Implementing organisation"] == "Imam Reza Charity"
    assert row["Organisation type"] == "charity"
    assert row["Funding organisation"] == "UNHCR"
    assert row["Sector"] == "Non-food items and winterisation"
    assert row["Sector code"] == "nfi"
    assert row["Activity"] == "کیت زمستانی"  # as typed, read back through UTF-8
    assert row["Activity id"] == str(winter_kits.uuid)
    assert row["Province"] == "Khorasan Razavi"
    assert row["Settlement"] == "Torbat-e Jam guest city"
    assert row["Settlement code"] == "TJ"
    assert row["Block"] == "B-3"
    assert row["Status"] == "Ongoing"
    assert row["Start date"] == winter_kits.starts_on.isoformat()
    assert row["End date"] == winter_kits.ends_on.isoformat()
    assert row["Targeted households"] == "300"
    assert row["Targeted people"] == "165"
    assert row["Targeted women and girls 0-4"] == "80"
    assert row["Targeted men and boys 18-59"] == "0"
    assert row["Reached households"] == "1"  # two deliveries, one household
    assert row["Reached people"] == "4"
    assert row["Reached women and girls 0-4"] == "1"
    assert row["Reached men and boys 5-11"] == "1"
    assert row["Reached women and girls 18-59"] == "1"
    assert row["Reached men and boys 18-59"] == "1"
    assert row["Reached, age or sex not recorded"] == "0"
    assert karimi.reference not in str(row)


def test_the_export_takes_the_filters_of_the_page(winter_kits, charity, settlement_a, mona):
    course = pf.activity(charity, settlement_a, by=mona, sector="livelihoods", name="Tailoring")
    _header, _tags, rows = download(mona, sector="livelihoods")
    assert [row["Activity id"] for row in rows] == [str(course.uuid)]
    _header, _tags, rows = download(mona, sector="not-a-sector")  # refused: left out
    assert len(rows) == 2


def test_the_export_is_in_english_whatever_the_users_language(winter_kits, mona):
    assert mona.language == "fa"
    _header, _tags, [row] = download(mona)
    assert row["Status"] == "Ongoing"
    assert row["Implementing organisation"] == "Imam Reza Charity"


def test_each_reader_exports_only_the_rows_they_see(
    winter_kits, settlement_a, settlement_b, mona, bob, vera, nasrin, unhcr
):
    other = pf.organisation(settlement_b, by=None, name_en="Fars NGO", name_fa="سمن فارس")
    pf.activity(other, settlement_b, by=None, name="Fars kits")
    assert [r["Activity"] for r in download(bob)[2]] == ["Fars kits"]
    assert download(vera)[2] == []  # not yet linked to an organisation
    partners.link_staff(organisation=unhcr, user=vera, by=mona)  # the funder's staff
    assert [r["Activity"] for r in download(vera)[2]] == ["کیت زمستانی"]
    assert len(download(nasrin)[2]) == 2


def test_the_excel_export_has_the_same_two_header_rows(winter_kits, karimi, alice, mona):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    response = signed_in(mona).get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES[exports.XLSX]
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, tags, row = (list(values) for values in sheet.iter_rows(values_only=True))
    assert header == [column.header for column in exports.COLUMNS]
    assert tags == [column.tag for column in exports.COLUMNS]
    assert row[header.index("Reached people")] == 4  # a number, not text
    assert row[header.index("Activity")] == "کیت زمستانی"


def test_the_hashtags_parse_as_hxl(winter_kits, karimi, alice, mona):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    response = signed_in(mona).get(EXPORT)
    dataset = hxl.data(io.BytesIO(response.content))
    tags = [column.get_display_tag() for column in dataset.columns]
    assert tags == [column.tag for column in exports.COLUMNS]
    rows = list(dataset)
    assert len(rows) == 1
    assert rows[0].get("#reached+hh") == "1"
    assert rows[0].get("#reached+ind") == "4"
    assert rows[0].get("#targeted+ind+f+age0_4") == "80"
    assert rows[0].get("#loc+camp+code") == "TJ"
    assert rows[0].get("#org+funding+name") == "UNHCR"


def test_the_export_makes_a_fixed_number_of_queries(
    charity, settlement_a, mona, alice, django_assert_max_num_queries
):
    client = signed_in(mona)
    pf.activity(charity, settlement_a, by=mona)
    client.get(EXPORT)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(EXPORT).status_code == 200
    for number in range(5):
        made = pf.activity(charity, settlement_a, by=mona, name=f"Activity {number}")
        home = rf.household(settlement_a, by=alice, status="resident")
        services.record_delivery(household=home, activity=made, by=alice, item="Kit")
        services.record_attendance(activity=made, people=[home.head], by=alice)
    with django_assert_max_num_queries(len(captured)):
        response = client.get(EXPORT)
    assert response.content.decode("utf-8-sig").count("\n") == 8  # two header rows, six rows


def test_the_rows_are_a_pure_function_of_the_activities(winter_kits, karimi, alice):
    services.record_delivery(household=karimi, activity=winter_kits, by=alice, item="Kit")
    rows = exports.five_w_rows(Activity.objects.all())
    header = [column.key for column in exports.COLUMNS]
    [row] = [dict(zip(header, values, strict=True)) for values in rows]
    assert row["reached_hh"] == 1
    assert row["targeted_f_age0_4"] == 80
    assert exports.five_w_rows(Activity.objects.none()) == []

"""`mehman export_5w`: the 5W table from the command line, HXL row under the header."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from mehman.assistance import services
from mehman.partners.tests import factories
from mehman.registry.tests import factories as registry_factories


@pytest.fixture
def delivered(settlement_a, settlement_b, mona, alice, bob):
    charity = factories.organisation(settlement_a, by=mona)
    activity = factories.activity(charity, settlement_a, by=mona)
    home = registry_factories.household(settlement_a, by=alice, status="resident")
    services.record_delivery(household=home, activity=activity, by=alice, item="Winter kit")
    elsewhere = factories.organisation(settlement_b, by=bob, name_en="Fars Relief")
    factories.activity(elsewhere, settlement_b, by=bob, name="Elsewhere")
    return activity


def test_the_5w_of_one_settlement_is_written_as_hxl_csv(delivered, tmp_path, capsys):
    out = tmp_path / "5w.csv"
    call_command("export_5w", str(out), "--settlement", "tj")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    header, tags, data = rows[0], rows[1], rows[2:]
    assert len(header) == len(tags) and all(tag.startswith("#") for tag in tags)
    assert [row[tags.index("#activity+name")] for row in data] == [delivered.name]
    assert data[0][tags.index("#reached+hh")] == "1"
    assert "1 activities written" in capsys.readouterr().out


def test_an_excel_file_carries_the_same_two_header_rows(delivered, tmp_path):
    out = tmp_path / "5w.xlsx"
    call_command("export_5w", str(out))
    rows = list(load_workbook(out, read_only=True)["5W"].iter_rows(values_only=True))
    assert str(rows[1][0]).startswith("#")
    assert len(rows) == 4  # header, hashtags, both settlements' activities


def test_an_unknown_settlement_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_5w", str(tmp_path / "x.csv"), "--settlement", "ZZ")

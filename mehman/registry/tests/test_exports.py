"""Exporting households: the import's columns, the user's scope, nothing protected."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from mehman.registry import exports, imports, services
from mehman.registry.models import Household, IdentityDocument, Individual
from mehman.registry.tests.factories import family, household, member


def exported_csv(people, **options) -> list[list[str]]:
    out = io.StringIO()
    exports.export_households(out, people, fmt=exports.CSV, **options)
    return list(csv.reader(io.StringIO(out.getvalue())))


def as_dicts(lines: list[list[str]], *, hxl: bool = False) -> list[dict[str, str]]:
    header, body = lines[0], lines[2:] if hxl else lines[1:]
    return [dict(zip(header, line, strict=True)) for line in body]


@pytest.fixture
def karimi(settlement_a, mona) -> Household:
    """A family of four with a family passport, a block, a phone and consent."""
    return services.register_household(
        settlement=settlement_a,
        members=family(given_name_latin="Ali", wg_walking=3),
        by=mona,
        status="resident",
        block="C-2",
        phone="0912 345 6789",
        consent_given=True,
        documents={
            0: [
                {"doc_type": "family_passport", "number_typed": "P-778899"},
                {"doc_type": "amayesh", "number_typed": "123456789"},
            ],
            1: [{"doc_type": "family_passport", "number_typed": "P-778899"}],
        },
    )


def test_one_row_per_living_member_head_first_in_the_import_columns(karimi, mona):
    rows = as_dicts(exported_csv(exports.people_to_export(mona), with_settlement=False))
    assert [r["given_name"] for r in rows] == ["علی", "فاطمه", "حسین", "زهرا"]
    head = rows[0]
    assert head["household"] == karimi.reference
    assert (head["person_index"], head["is_head"], head["relationship"]) == ("0", "1", "head")
    assert (head["birth_date"], head["birth_date_estimated"]) == ("1985-09-23", "1")
    assert (head["status"], head["block"], head["consent"]) == ("resident", "C-2", "1")
    assert head["household_phone"] == "0912 345 6789"
    assert (head["latin_given"], head["wg_walking"], head["wg_seeing"]) == ("Ali", "3", "")
    assert (head["amayesh_number"], head["document_type"]) == ("123456789", "family_passport")
    assert head["document_number"] == "P-778899"
    assert head["age"] == str(Individual.objects.get(pk=karimi.head_id).age)
    assert [r["person_index"] for r in rows] == ["0", "1", "2", "3"]
    assert rows[1]["is_head"] == "0"
    assert "settlement" not in head  # one settlement: the file imports anywhere


def test_the_settlement_column_is_there_when_the_export_spans_settlements(karimi, adam):
    header = exported_csv(exports.people_to_export(adam))[0]
    assert header[:2] == ["household", "settlement"]
    assert header[-1] == "age"
    assert set(header) - {"age"} == set(imports.COLUMNS)


def test_the_hxl_row_sits_under_the_header(karimi, mona):
    lines = exported_csv(exports.people_to_export(mona), hxl=True)
    header, hashtags = lines[0], lines[1]
    assert hashtags == [exports.HXL_TAGS[name] for name in header]
    tags = dict(zip(header, hashtags, strict=True))
    assert tags["household"] == "#x_household+id"
    assert tags["sex"] == "#affected+sex"
    assert tags["age"] == "#affected+age"
    assert tags["settlement"] == "#loc+camp+code"
    assert all(tag.startswith("#") for tag in hashtags)
    assert len(lines) == 2 + 4


def test_a_user_exports_only_their_scope_and_only_with_the_capability(
    karimi, settlement_b, bob, alice, nasrin, adam
):
    household(settlement_b, by=bob, members=[member(given_name="کریم")])
    assert exports.people_to_export(bob).count() == 0  # a clerk: no export capability
    assert exports.people_to_export(alice).count() == 0
    assert exports.people_to_export(nasrin).count() == 0  # analysts see no names
    assert exports.people_to_export(adam).count() == 5
    assert exports.people_to_export(adam, settlement=settlement_b).count() == 1


def test_the_list_filters_apply(karimi, settlement_a, mona):
    household(settlement_a, by=mona, members=[member(given_name="رضا")])
    people = exports.people_to_export(mona, filters={"status": "resident"})
    assert {p.household_id for p in people} == {karimi.pk}
    people = exports.people_to_export(mona, filters={"size_max": 1, "ignored": "x"})
    assert [p.given_name for p in people] == ["رضا"]


def test_departed_members_and_specific_needs_never_leave(karimi, mona):
    son = karimi.members.get(given_name="حسین")
    services.record_death(person=son, died_on=date(2024, 1, 1), by=mona)
    services.record_need(person=karimi.head, code="SV-VF", by=mona, note="confidential")
    services.add_case_note(household=karimi, body="very private", by=mona)
    text = "\n".join(",".join(line) for line in exported_csv(exports.people_to_export(mona)))
    assert "حسین" not in text
    for word in ("SV-VF", "confidential", "very private", "need"):
        assert word not in text


def test_an_xlsx_export_imports_into_another_settlement(karimi, settlement_b, mona, adam, tmp_path):
    path = tmp_path / "households.xlsx"
    people = exports.people_to_export(mona, settlement=karimi.settlement)
    written = exports.export_households(
        path, people, fmt=exports.XLSX, hxl=True, with_settlement=False
    )
    assert written == 4
    sheet = load_workbook(path, read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[1][0] == "#x_household+id"
    assert lines[2][lines[0].index("amayesh_number")] == "123456789"  # text, not a number

    # The Amayesh number belongs to a person already registered: refused in SV too.
    report = imports.check_households(path=path, settlement=settlement_b)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (3, "amayesh_number", "duplicate_in_registry")
    ]
    IdentityDocument.objects.filter(doc_type="amayesh").update(number="999")

    result, _report = imports.import_households(path=path, settlement=settlement_b, by=adam)
    assert (result.households, result.individuals) == (1, 4)
    copy = Household.objects.get(settlement=settlement_b)
    assert copy.external_id == karimi.reference
    assert (copy.status, copy.block, copy.phone, copy.consent_given) == (
        "resident",
        "C-2",
        "0912 345 6789",
        True,
    )
    fields = (
        "given_name",
        "family_name",
        "father_name",
        "sex",
        "birth_date",
        "birth_date_estimated",
        "relationship",
        "marital_status",
        "given_name_latin",
        "wg_walking",
    )
    original = list(karimi.members.order_by("pk").values_list(*fields))
    assert list(copy.members.order_by("pk").values_list(*fields)) == original
    assert copy.head.given_name == "علی"
    passports = IdentityDocument.objects.filter(
        individual__household=copy, doc_type="family_passport"
    )
    assert passports.count() == 2


def test_the_command_writes_an_excel_file_with_hxl(karimi, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    with translation.override("en"):
        call_command("export_households", str(out), settlement="TJ", hxl=True)
    assert "Wrote 4 people" in capsys.readouterr().out
    lines = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert lines[0][0] == "household"
    assert lines[1][0] == "#x_household+id"
    assert len(lines) == 6


def test_the_command_refuses_a_user_without_the_export_capability(karimi, bob, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="may not export"):
        call_command("export_households", str(tmp_path / "x.csv"), user="bob")


def test_a_csv_export_by_path_carries_a_byte_order_mark(karimi, mona, tmp_path):
    path = tmp_path / "households.csv"
    exports.export_households(Path(path), exports.people_to_export(mona))
    assert path.read_bytes().startswith("\ufeff".encode())

"""Importing households from a file: checked row by row, imported whole, never twice."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from mehman.core.dates import to_gregorian
from mehman.core.names import name_key
from mehman.registry import events as registry_events
from mehman.registry import imports, queries, services
from mehman.registry.imports import checks
from mehman.registry.imports import service as import_service
from mehman.registry.imports.bulk import Inserter
from mehman.registry.models import (
    Household,
    HouseholdEvent,
    HouseholdSerial,
    IdentityDocument,
    Individual,
    NameVariant,
)

HEADER = [
    "household",
    "settlement",
    "is_head",
    "relationship",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "marital_status",
    "amayesh_number",
]


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def person(household: str = "X-1", **values: str) -> dict[str, str]:
    row = {
        "household": household,
        "settlement": "TJ",
        "is_head": "1",
        "relationship": "head",
        "given_name": "علی",
        "family_name": "کریمی",
        "father_name": "محمد",
        "sex": "M",
        "birth_date": "1985-09-23",
        "marital_status": "married",
        "amayesh_number": "",
    }
    row.update(values)
    return row


def wife(household: str = "X-1", **values: str) -> dict[str, str]:
    return person(
        household,
        **{
            "is_head": "0",
            "relationship": "spouse",
            "given_name": "فاطمه",
            "family_name": "احمدی",
            "sex": "F",
            **values,
        },
    )


@pytest.fixture
def generated(tmp_path, db) -> Path:
    """What `mehman generate` writes, as it writes it."""
    path = tmp_path / "people.csv"
    call_command("generate", households=50, seed=1, output=str(path), no_progress=True)
    return path


def generated_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def problems_of(report: imports.Report) -> list[str]:
    with translation.override("en"):
        return [str(p) for p in report.sorted_problems()]


def nothing_in_the_registry() -> None:
    assert not Household.objects.exists()
    assert not Individual.objects.exists()
    assert not IdentityDocument.objects.exists()
    assert not HouseholdEvent.objects.exists()
    assert not Individual.history.exists()
    assert not NameVariant.objects.exists()


# --- The dry run ---------------------------------------------------------------------------


def test_a_malformed_file_changes_nothing_and_names_each_problem_by_row(
    settlement_a, mona, tmp_path
):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            person("A", sex="X"),  # row 2
            wife("A", birth_date="1990-13-45"),  # row 3
            person("B"),  # row 4
            person("B", given_name="حسن"),  # row 5: a second head
            person("C", settlement="SV"),  # row 6
        ],
    )
    with path.open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(
            ["D", "TJ", "1", "head", "رضا", "", "", "M", "1980-01-01", "single", ""]
        )
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == [
        "Row 2, sex: Use F or M.",
        "Row 3, birth_date: Not a date: use YYYY-MM-DD, a Jalali YYYY/MM/DD or a year.",
        "Row 4: Household B has more than one head (rows 4, 5).",
        "Row 6, settlement: This row belongs to settlement SV, not TJ.",
    ]
    assert not report.ok
    assert report.by_column["sex"] == 1
    nothing_in_the_registry()


def test_an_invalid_national_code_is_reported_on_its_row_and_column(settlement_a, tmp_path):
    header = [*HEADER, "document_type", "document_number"]
    path = write_csv(
        tmp_path / "codes.csv",
        [
            {**person("A"), "document_type": "national_code", "document_number": "1234567890"},
            {**wife("A"), "document_type": "national_code", "document_number": "0499370899"},
        ],
        header,
    )
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == [
        "Row 2, document_number: An Iranian national code has 10 digits and a valid check digit.",
    ]


def test_a_file_without_a_required_column_is_refused_whole(settlement_a, tmp_path):
    rows = [{k: v for k, v in person("A").items() if k != "sex"}]
    path = write_csv(tmp_path / "nosex.csv", rows)
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == ["Row 1: The file lacks the required columns: sex."]
    with pytest.raises(imports.ImportRefused):
        imports.import_households(path=path, settlement=settlement_a, by=None)
    nothing_in_the_registry()


def test_a_household_without_a_head_is_reported(settlement_a, tmp_path):
    path = write_csv(tmp_path / "nohead.csv", [wife("A"), person("B")])
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == ["Row 2: Household A has no head."]


def test_the_rows_of_a_household_must_be_together(settlement_a, tmp_path):
    path = write_csv(tmp_path / "apart.csv", [person("A"), person("B"), wife("A")])
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == [
        "Row 4, household: The rows of household A are not together: it also appears on row 2.",
        "Row 4: Household A has no head.",
    ]


def test_a_birth_date_in_the_future_is_refused(settlement_a, tmp_path):
    path = write_csv(tmp_path / "future.csv", [person("A", birth_date="2099-01-01")])
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == ["Row 2, birth_date: The date is in the future."]


def test_unknown_words_are_quoted_back(settlement_a, tmp_path):
    path = write_csv(
        tmp_path / "words.csv", [person("A"), wife("A", relationship="cousin", marital_status="?")]
    )
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == [
        "Row 3, relationship: Unknown relationship to the head: cousin.",
        "Row 3, marital_status: Unknown marital status: ?.",
    ]


def test_a_personal_document_number_may_not_repeat_in_the_file_or_the_registry(
    settlement_a, mona, tmp_path
):
    registered = services.register_household(
        settlement=settlement_a,
        members=[
            {
                "given_name": "رضا",
                "sex": "M",
                "relationship": "head",
                "birth_date": date(1980, 1, 1),
            }
        ],
        documents={0: [{"doc_type": "amayesh", "number_typed": "111222333"}]},
        by=mona,
    )
    header = [*HEADER, "document_type", "document_number"]
    path = write_csv(
        tmp_path / "dupes.csv",
        [
            {**person("A", amayesh_number="444555666"), "document_type": "", "document_number": ""},
            {**wife("A", amayesh_number="444 555 666"), "document_type": "", "document_number": ""},
            {**person("B", amayesh_number="111222333"), "document_type": "", "document_number": ""},
            # A family passport is shared: the same number on two people is fine.
            {**person("C"), "document_type": "family_passport", "document_number": "P123"},
            {**wife("C"), "document_type": "family_passport", "document_number": "P123"},
        ],
        header,
    )
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == [
        "Row 3, amayesh_number: This number is also given to another person on row 2.",
        "Row 4, amayesh_number: This number is already registered to another person.",
    ]
    assert Household.objects.get() == registered


def test_the_dry_run_counts_what_would_be_imported_and_changes_nothing(generated, settlement_a):
    rows = generated_rows(generated)
    report = imports.check_households(path=generated, settlement=settlement_a)
    assert report.ok, problems_of(report)
    assert (report.rows, report.households) == (len(rows), 50)
    assert (report.new_households, report.new_individuals) == (50, len(rows))
    nothing_in_the_registry()


def test_a_problem_reads_in_persian_digits_for_persian_users(settlement_a, tmp_path):
    path = write_csv(tmp_path / "fa.csv", [person("A"), wife("A", sex="?")])
    report = imports.check_households(path=path, settlement=settlement_a)
    with translation.override("fa"):
        assert "۳" in str(report.problems[0])


# --- What the columns accept ---------------------------------------------------------------


def test_persian_words_digits_and_jalali_dates_are_understood(settlement_a, mona, tmp_path):
    header = [
        "External ID",
        "Is_Head",
        "Relationship",
        "Given_Name",
        "Sex",
        "Birth_Date",
        "Status",
        "Consent",
        "Block",
        "WG_Seeing",
        "Given Name Latin",
    ]
    rows = [
        ["۱۲", "بله", "سرپرست", "علی", "مرد", "۱۳۶۴/۰۷/۰۱", "ساکن", "بله", "B-3", "۳", "Ali"],
        ["۱۲", "0", "همسر", "فاطمه", "زن", "1369", "", "", "", "", ""],
        ["۱۲", "", "دختر", "زهرا", "F", "2015/06/01", "", "", "", "", ""],
    ]
    path = tmp_path / "fa.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    _result, report = imports.import_households(path=path, settlement=settlement_a, by=mona)
    assert report.ok, problems_of(report)
    household = Household.objects.get()
    assert household.external_id == "12"  # the same household whatever digits it is typed in
    assert (household.status, household.block, household.consent_given) == ("resident", "B-3", True)
    head, spouse, daughter = household.members.order_by("pk")
    assert household.head == head
    assert head.birth_date == to_gregorian(1364, 7, 1)
    assert (head.birth_date_estimated, head.wg_seeing, head.given_name_latin) == (False, 3, "Ali")
    assert (spouse.sex, spouse.relationship) == ("F", "spouse")
    assert spouse.birth_date == to_gregorian(1369, 7, 1)
    assert spouse.birth_date_estimated  # only the year was known
    assert (daughter.relationship, daughter.birth_date) == ("daughter", date(2015, 6, 1))


def test_the_example_of_the_documentation_imports(settlement_a, mona, tmp_path):
    text = (Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    result, report = imports.import_households(path=path, settlement=settlement_a, by=mona)
    assert (result.households, result.individuals) == (2, 4), problems_of(report)
    widow = Household.objects.get(external_id="K-18").head
    assert (widow.sex, widow.birth_date) == ("F", to_gregorian(1350, 5, 12))


def test_an_hxl_row_under_the_header_is_skipped(settlement_a, mona, tmp_path):
    hashtags = dict.fromkeys(HEADER, "#x_tag")
    path = write_csv(tmp_path / "hxl.csv", [hashtags, person("A"), wife("A")], HEADER)
    result, _report = imports.import_households(path=path, settlement=settlement_a, by=mona)
    assert (result.households, result.individuals) == (1, 2)


# --- The real run --------------------------------------------------------------------------


def test_generator_output_is_imported_with_heads_keys_events_and_history(
    generated, settlement_a, mona
):
    rows = generated_rows(generated)
    result, _report = imports.import_households(
        path=generated, settlement=settlement_a, by=mona, status="resident", source="people.csv"
    )
    assert (result.households, result.individuals, result.skipped) == (50, len(rows), 0)
    assert result.references == ["TJ-000001", "TJ-000050"]
    assert HouseholdSerial.objects.get(settlement=settlement_a).last == 50
    connection.check_constraints()  # foreign keys are deferred: check them now

    sizes = Counter(row["household"] for row in rows)
    for household in Household.objects.select_related("head"):
        assert household.size == sizes[household.external_id] == household.members.count()
        assert household.head.household_id == household.pk
        assert household.head.relationship == "head"
        assert household.status == "resident"
        event = household.events.get()
        assert event.kind == registry_events.IMPORTED.code
        assert event.by == mona
        assert event.params == {"size": household.size, "source": "people.csv"}
        assert household.history.get().history_user == mona

    first = rows[0]
    ali = Individual.objects.get(
        household__external_id=first["household"], given_name=first["given_name"]
    )
    assert ali.given_key and ali.given_key == name_key(first["given_name"])
    assert ali.birth_date == date.fromisoformat(first["birth_date"])
    assert ali.uuid.version == 7  # time-ordered: cheap to index at a million people
    history = ali.history.get()
    assert (history.history_type, history.history_user) == ("+", mona)
    assert "people.csv" in history.history_change_reason

    amayesh = {row["amayesh_number"] for row in rows if row["amayesh_number"]}
    fida = {row["fida_code"] for row in rows if row["fida_code"]}
    assert (
        set(IdentityDocument.objects.filter(doc_type="amayesh").values_list("number", flat=True))
        == amayesh
    )
    assert IdentityDocument.objects.filter(doc_type="fida").count() == len(fida)
    assert IdentityDocument.history.count() == len(amayesh) + len(fida)
    assert NameVariant.objects.filter(key=ali.given_key).exists()

    found = queries.search(
        Individual.objects.all(),
        Household.objects.all(),
        f"{first['given_name']} {first['family_name']}",
    )
    assert ali.pk in found.person_ids
    phone = next(row["phone"] for row in rows if row["phone"])
    assert queries.search(Individual.objects.all(), Household.objects.all(), phone).person_ids


def test_importing_the_same_file_again_imports_nothing_new(generated, settlement_a, mona):
    imports.import_households(path=generated, settlement=settlement_a, by=mona)
    result, report = imports.import_households(path=generated, settlement=settlement_a, by=mona)
    assert (result.households, result.individuals, result.skipped) == (0, 0, 50)
    assert report.already_imported == 50
    assert Household.objects.count() == 50
    assert HouseholdSerial.objects.get(settlement=settlement_a).last == 50


def test_the_same_file_imports_into_another_settlement_as_new_households(
    tmp_path, settlement_a, settlement_b, mona
):
    path = write_csv(tmp_path / "plain.csv", [person("A", settlement=""), wife("A", settlement="")])
    imports.import_households(path=path, settlement=settlement_a, by=mona)
    result, _report = imports.import_households(path=path, settlement=settlement_b, by=None)
    assert result.households == 1
    assert sorted(Household.objects.values_list("reference", flat=True)) == [
        "SV-000001",
        "TJ-000001",
    ]


def test_an_error_part_way_rolls_everything_back(generated, settlement_a, mona, monkeypatch):
    monkeypatch.setattr(checks, "BATCH_HOUSEHOLDS", 10)
    written = []
    original = import_service._Writer.write

    def fail_in_the_third_batch(self, batch):
        written.append(len(batch))
        if len(written) == 3:
            raise RuntimeError("disk full")
        original(self, batch)

    monkeypatch.setattr(import_service._Writer, "write", fail_in_the_third_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        imports.import_households(path=generated, settlement=settlement_a, by=mona)
    assert written == [10, 10, 10]
    nothing_in_the_registry()
    assert not HouseholdSerial.objects.filter(settlement=settlement_a, last__gt=0).exists()


def test_a_database_constraint_part_way_rolls_everything_back(
    generated, settlement_a, mona, monkeypatch
):
    monkeypatch.setattr(checks, "BATCH_HOUSEHOLDS", 10)
    original = import_service._Writer._household

    def same_external_id_in_the_last_batch(self, data, reference, *args):
        if reference == "TJ-000045":
            data.external_id = "TJ-dup"
        if reference == "TJ-000046":
            data.external_id = "TJ-dup"  # the unique constraint of the settlement's ids
        return original(self, data, reference, *args)

    monkeypatch.setattr(import_service._Writer, "_household", same_external_id_in_the_last_batch)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        imports.import_households(path=generated, settlement=settlement_a, by=mona)
    nothing_in_the_registry()


def test_without_the_precheck_a_late_problem_still_undoes_everything(
    generated, settlement_a, mona, monkeypatch
):
    monkeypatch.setattr(checks, "BATCH_HOUSEHOLDS", 10)
    rows = generated_rows(generated)
    with generated.open("a", encoding="utf-8", newline="") as out:
        csv.DictWriter(out, fieldnames=list(rows[0])).writerow(
            {**rows[0], "household": "late", "sex": "?"}
        )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_households(path=generated, settlement=settlement_a, by=mona, precheck=False)
    assert problems_of(refused.value.report) == [f"Row {len(rows) + 2}, sex: Use F or M."]
    nothing_in_the_registry()


def test_a_real_run_with_problems_imports_nothing(settlement_a, mona, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [person("A"), person("B", sex="?")])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_households(path=path, settlement=settlement_a, by=mona)
    assert problems_of(refused.value.report) == ["Row 3, sex: Use F or M."]
    nothing_in_the_registry()


def test_imports_on_a_database_other_than_postgresql_or_sqlite_are_a_configuration_error(
    monkeypatch,
):
    monkeypatch.setattr(connection, "vendor", "mysql")
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL or SQLite, not mysql"):
        Inserter()


def test_progress_is_reported_per_batch(generated, settlement_a, mona):
    class Progress:
        total = 0
        done = 0

        def advance(self, step: int = 1) -> None:
            self.done += step

    progress = Progress()
    imports.import_households(path=generated, settlement=settlement_a, by=mona, progress=progress)
    rows = len(generated_rows(generated))
    assert (progress.done, progress.total) == (2 * rows, 2 * rows)


# --- Excel ---------------------------------------------------------------------------------


def test_an_excel_workbook_is_read_like_csv(settlement_a, mona, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(list(person("A", amayesh_number="123456789").values()))
    values: list[Any] = list(wife("A").values())
    values[HEADER.index("birth_date")] = date(1990, 3, 21)  # a real date cell
    sheet.append(values)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    result, _report = imports.import_households(path=path, settlement=settlement_a, by=mona)
    assert (result.households, result.individuals) == (1, 2)
    spouse = Individual.objects.get(relationship="spouse")
    assert spouse.birth_date == date(1990, 3, 21)
    assert IdentityDocument.objects.get().number == "123456789"


def test_a_file_that_is_not_a_spreadsheet_is_refused(settlement_a, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    report = imports.check_households(path=path, settlement=settlement_a)
    assert problems_of(report) == ["The file is neither a CSV file nor an Excel workbook (.xlsx)."]


def test_a_csv_file_in_another_encoding_is_refused(settlement_a, tmp_path):
    path = tmp_path / "cp1256.csv"
    path.write_bytes(",".join(HEADER).encode() + "\nA,TJ,1,head,علي".encode("cp1256"))
    report = imports.check_households(path=path, settlement=settlement_a)
    assert [p.code for p in report.problems] == ["not_utf8"]


# --- The command line ----------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(generated, settlement_a, mona, capsys):
    with translation.override("en"):
        call_command("import_households", str(generated), settlement="tj", user="mona")
    out = capsys.readouterr().out
    assert "Imported 50 households" in out
    assert Household.history.filter(history_user=mona).count() == 50


def test_the_command_dry_run_prints_the_report_and_fails_on_problems(
    settlement_a, tmp_path, capsys
):
    path = write_csv(tmp_path / "bad.csv", [person("A", sex="?")])
    with translation.override("en"), pytest.raises(CommandError, match="problems"):
        call_command("import_households", str(path), settlement="TJ", dry_run=True)
    assert "Row 2, sex: Use F or M." in capsys.readouterr().out
    nothing_in_the_registry()

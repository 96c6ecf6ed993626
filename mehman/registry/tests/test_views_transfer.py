"""The import and export pages: upload, dry-run report, confirm, result; export and download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import signed_in
from mehman.core.models import TaskProgress
from mehman.registry import exports, tasks
from mehman.registry.imports.report import MESSAGES
from mehman.registry.models import Household, HouseholdEvent
from mehman.registry.tests.factories import household
from mehman.registry.tests.test_imports import person, wife

HEADER = list(person())


def upload(name: str, rows: list[dict[str, str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


def uploads(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def post_file(client, file, settlement="TJ", status="applicant"):
    return client.post(
        reverse("registry:import"), {"settlement": settlement, "file": file, "status": status}
    )


def test_a_manager_checks_a_file_then_imports_it(mona, settlement_a, settings):
    client = signed_in(mona)
    response = post_file(client, upload("families.csv", [person("A"), wife("A"), person("B")]))
    check = TaskProgress.objects.get(kind=tasks.CHECK_KIND)
    assert response["Location"] == reverse("registry:import_task", args=[check.uuid])
    assert not Household.objects.exists()  # a dry run only
    [stored] = uploads(settings)
    assert stored.name != "families.csv" and stored.suffix == ".csv"

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-report"' in page
    assert reverse("registry:import_run", args=[check.uuid]) in page

    response = client.post(reverse("registry:import_run", args=[check.uuid]))
    run = TaskProgress.objects.get(kind=tasks.IMPORT_KIND)
    assert response["Location"] == reverse("registry:import_task", args=[run.uuid])
    assert run.result["households"] == 2
    assert Household.objects.filter(settlement=settlement_a, status="applicant").count() == 2
    event = HouseholdEvent.objects.filter(kind="household.imported").first()
    assert event.params["source"] == "families.csv"
    assert event.by == mona
    assert uploads(settings) == []  # imported: the personal data leaves the disk

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-result"' in page
    assert "TJ-000001" in page


def test_the_report_lists_each_problem_and_offers_no_import(mona, settlement_a, settings):
    client = signed_in(mona)
    response = post_file(client, upload("bad.csv", [person("A", sex="Q"), wife("A", sex="")]))
    check = TaskProgress.objects.get(kind=tasks.CHECK_KIND)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-problems"' in page
    with translation.override(mona.language):  # the page speaks the manager's language
        assert escape(str(MESSAGES["sex"])) in page
        assert escape(str(MESSAGES["required"])) in page
    assert reverse("registry:import_run", args=[check.uuid]) not in page
    assert uploads(settings) == []  # it cannot be imported: not kept

    response = client.post(reverse("registry:import_run", args=[check.uuid]))
    assert response.status_code == 302
    assert not TaskProgress.objects.filter(kind=tasks.IMPORT_KIND).exists()
    assert not Household.objects.exists()


def test_the_page_polls_its_status_with_htmx(mona, settlement_a):
    client = signed_in(mona)
    response = post_file(client, upload("a.csv", [person("A")]))
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="import-status"')
    assert "<html" not in partial


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(mona, settlement_a, settings):
    client = signed_in(mona)
    response = post_file(client, SimpleUploadedFile("people.xlsx", b"\x00\x01binary"))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    response = post_file(client, SimpleUploadedFile("people.txt", b"household\n"))
    assert response.context["form"].errors["file"]
    assert uploads(settings) == []
    assert not TaskProgress.objects.exists()


def test_a_settlement_out_of_scope_is_not_found(mona, settlement_b):
    response = post_file(signed_in(mona), upload("a.csv", [person("A")]), settlement="SV")
    assert response.status_code == 404
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "vera", "nasrin"])
def test_import_and_export_are_hidden_without_the_capability(persona, request, settlement_a):
    client = signed_in(request.getfixturevalue(persona))
    assert post_file(client, upload("a.csv", [person("A")])).status_code == 404
    assert client.get(reverse("registry:import")).status_code == 404
    assert client.post(reverse("registry:export"), {"format": "csv"}).status_code == 404


def test_another_users_import_is_not_found(mona, adam, settlement_a):
    response = post_file(signed_in(mona), upload("a.csv", [person("A")]))
    check = TaskProgress.objects.get(kind=tasks.CHECK_KIND)
    assert signed_in(adam).get(response["Location"]).status_code == 404
    assert (
        signed_in(adam).post(reverse("registry:import_run", args=[check.uuid])).status_code == 404
    )


def test_a_small_export_is_answered_at_once(mona, settlement_a):
    household(settlement_a, by=mona)
    response = signed_in(mona).post(
        reverse("registry:export"), {"settlement": "TJ", "format": "csv", "hxl": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="households-TJ-' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[1][0] == "#x_household+id"
    assert len(lines) == 2 + 4


def test_the_export_form_takes_the_list_filters_from_the_address(mona, settlement_a):
    response = signed_in(mona).get(reverse("registry:export") + "?status=resident&block=A-1")
    form = response.context["form"]
    assert (form["status"].value(), form["block"].value()) == ("resident", "A-1")


def test_a_large_export_runs_in_the_background_and_is_downloaded(
    mona, bob, settlement_a, monkeypatch
):
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 3)
    household(settlement_a, by=mona)
    client = signed_in(mona)
    response = client.post(reverse("registry:export"), {"format": "xlsx"})
    progress = TaskProgress.objects.get(kind=tasks.EXPORT_KIND)
    assert response["Location"] == reverse("core:task", args=[progress.uuid])
    assert progress.status == "done"
    assert progress.result["rows"] == 4
    page = client.get(response["Location"]).content.decode()
    download = reverse("registry:export_download", args=[progress.uuid])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert signed_in(bob).get(download).status_code == 404


def test_an_export_of_a_settlement_out_of_scope_is_not_found(mona, settlement_b):
    response = signed_in(mona).post(
        reverse("registry:export"), {"settlement": "SV", "format": "csv"}
    )
    assert response.status_code == 404

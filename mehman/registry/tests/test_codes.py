"""The UNHCR specific-needs code table, seeded and reloaded from its CSV file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import translation

from mehman.registry.codes import SPECIFIC_NEEDS_CSV, load_specific_needs, read_specific_needs
from mehman.registry.models import SpecificNeedCode

PROTECTED_CATEGORIES = {"SV", "TR", "LP", "SM"}


def _table() -> list[tuple[str, str | None, str, str, bool, bool]]:
    return list(
        SpecificNeedCode.objects.order_by("code").values_list(
            "code", "parent__code", "label_en", "label_fa", "sensitive", "is_active"
        )
    )


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["code", "parent", "label_en", "label_fa", "sensitive"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_seeded_table_has_every_code_of_the_file(db):
    assert SpecificNeedCode.objects.count() == 113
    assert SpecificNeedCode.objects.filter(is_active=True).count() == 113
    assert {row["code"] for row in read_specific_needs()} == set(
        SpecificNeedCode.objects.values_list("code", flat=True)
    )


def test_every_code_belongs_to_a_category_named_by_its_prefix(db):
    for code in SpecificNeedCode.objects.filter(parent__isnull=False).select_related("parent"):
        assert code.parent.code == code.category_code
        assert code.parent.parent_id is None
    assert SpecificNeedCode.objects.get(code="DS").category_code == "DS"


def test_protected_categories_and_all_their_codes_are_sensitive(db):
    for code in SpecificNeedCode.objects.all():
        assert code.sensitive == (code.category_code in PROTECTED_CATEGORIES), code.code
    assert SpecificNeedCode.objects.filter(sensitive=True, parent__isnull=False).count() > 0


@pytest.mark.parametrize(
    ("code", "language", "label"),
    [
        ("DS-PM", "fa", "معلولیت جسمی (متوسط)"),
        ("DS-PM", "en", "Physical disability - moderate"),
        ("CR", "fa", "کودک در معرض خطر"),
        ("CR", "en", "Child at risk"),
    ],
)
def test_a_code_is_labelled_in_the_active_language(db, code, language, label):
    with translation.override(language):
        assert SpecificNeedCode.objects.get(code=code).label == label


@pytest.mark.parametrize(
    ("language", "label"), [("fa", "کودک در معرض خطر (CR-CH)"), ("en", "Child at risk (CR-CH)")]
)
def test_a_code_without_labels_is_named_by_its_category_and_code(db, language, label):
    code = SpecificNeedCode.objects.get(code="CR-CH")
    assert (code.label_en, code.label_fa) == ("", "")

    with translation.override(language):
        assert code.label == label
        assert str(code) == f"CR-CH {label}"


def test_a_label_in_one_language_only_serves_both(db):
    with translation.override("fa"):
        assert SpecificNeedCode(code="XX-EN", label_en="English only").label == "English only"
    with translation.override("en"):
        assert SpecificNeedCode(code="XX-FA", label_fa="فقط فارسی").label == "فقط فارسی"


def test_a_category_without_labels_is_named_by_its_code(db):
    with translation.override("en"):
        assert SpecificNeedCode(code="XX").label == "XX"


def test_reloading_the_same_file_changes_nothing(db):
    before = _table()

    assert load_specific_needs(SpecificNeedCode) == 113
    assert load_specific_needs(SpecificNeedCode, SPECIFIC_NEEDS_CSV) == 113

    assert _table() == before


def test_codes_missing_from_a_new_file_are_deactivated_not_deleted(db, tmp_path):
    rows = [row for row in read_specific_needs() if row["code"] not in {"CR-CH", "ER-NF"}]
    for row in rows:
        if row["code"] == "DS-PM":
            row["label_en"] = "Physical impairment - moderate"
    rows.append(
        {"code": "XX", "parent": "", "label_en": "New category", "label_fa": "", "sensitive": "yes"}
    )
    rows.append(
        {"code": "XX-NW", "parent": "XX", "label_en": "", "label_fa": "", "sensitive": "YES"}
    )

    assert load_specific_needs(SpecificNeedCode, _write(tmp_path / "codes.csv", rows)) == 113

    codes = {code.code: code for code in SpecificNeedCode.objects.select_related("parent")}
    assert len(codes) == 115
    assert not codes["CR-CH"].is_active
    assert not codes["ER-NF"].is_active
    assert codes["CR"].is_active
    assert codes["DS-PM"].label_en == "Physical impairment - moderate"
    assert codes["XX-NW"].parent == codes["XX"]
    assert codes["XX-NW"].sensitive
    with translation.override("en"):
        assert codes["XX-NW"].label == "New category (XX-NW)"


def test_a_code_back_in_the_file_is_active_again(db, tmp_path):
    rows = [row for row in read_specific_needs() if row["code"] != "CR-CH"]
    load_specific_needs(SpecificNeedCode, _write(tmp_path / "codes.csv", rows))
    assert not SpecificNeedCode.objects.get(code="CR-CH").is_active

    load_specific_needs(SpecificNeedCode)

    assert SpecificNeedCode.objects.get(code="CR-CH").is_active
    assert SpecificNeedCode.objects.filter(is_active=True).count() == 113


def test_a_code_under_a_protected_category_is_protected_whatever_its_row_says(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "code,parent,label_en,label_fa,sensitive\n"
        "SV,,Sexual and gender-based violence,,yes\n"
        "SV-ZZ,SV,A new code,,no\n",
        encoding="utf-8",
    )
    load_specific_needs(SpecificNeedCode, path)
    assert SpecificNeedCode.objects.get(code="SV-ZZ").sensitive

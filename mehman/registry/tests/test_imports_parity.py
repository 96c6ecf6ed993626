"""An imported household is the same record a registration makes (decision 0010).

The import writes set-based, outside ``Model.save()``; a field added to the
registry models but not to ``imports/bulk.py`` would be silently left at odds.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models

from mehman.registry import imports, services
from mehman.registry.models import Household, IdentityDocument, Individual

SKIP = {"id", "uuid", "created_at", "updated_at", "household", "individual", "head", "settlement"}
SKIP_HOUSEHOLD = SKIP | {"reference", "external_id"}

MEMBERS = [
    {
        "given_name": "عبدالله",
        "family_name": "کریمی",
        "father_name": "محمد",
        "grandfather_name": "غلام",
        "given_name_latin": "Abdullah",
        "family_name_latin": "Karimi",
        "sex": "M",
        "birth_date": date(1985, 9, 23),
        "birth_date_estimated": True,
        "relationship": "head",
        "marital_status": "married",
        "phone": "09123456789",
        "education": "primary",
        "occupation": "بنا",
        "wg_walking": 3,
    },
    {
        "given_name": "فاطمه",
        "family_name": "احمدی",
        "father_name": "حسن",
        "sex": "F",
        "birth_date": date(1990, 3, 21),
        "relationship": "spouse",
        "marital_status": "married",
    },
]
# A personal document number is unique in the whole registry: the twin gets another.
AMAYESH = {"doc_type": "amayesh", "number_typed": "987654321"}


def _values(record: models.Model, skip: set[str]) -> dict[str, Any]:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.name not in skip and field.attname not in {f"{name}_id" for name in skip}
    }


def _write(path: Path) -> Path:
    columns = {
        "given_name_latin": "latin_given",
        "family_name_latin": "latin_family",
        "birth_date_estimated": "birth_date_estimated",
    }
    rows = []
    for index, member in enumerate(MEMBERS):
        row = {columns.get(k, k): v for k, v in member.items()}
        row["birth_date"] = member["birth_date"].isoformat()
        row["birth_date_estimated"] = "1" if member.get("birth_date_estimated") else "0"
        row.update(
            household="F-1",
            is_head="1" if index == 0 else "0",
            status="resident",
            block="7",
            address="کوچه ۳",
            household_phone="+98 912 000 1111",
            consent="1",
            registered_on="2026-01-10",
            amayesh_number="123456789" if index == 0 else "",
            document_type="",
            document_number="",
            document_expiry="",
        )
        rows.append(row)
    header = sorted({key for row in rows for key in row})
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows({key: row.get(key, "") for key in header} for row in rows)
    return path


def test_an_imported_household_equals_a_registered_one(settlement_a, settlement_b, mona, tmp_path):
    imports.import_households(path=_write(tmp_path / "f.csv"), settlement=settlement_a, by=mona)
    imported = Household.objects.get(settlement=settlement_a)
    registered = services.register_household(
        settlement=settlement_b,
        members=MEMBERS,
        by=mona,
        status="resident",
        block="7",
        address="کوچه ۳",
        phone="+98 912 000 1111",
        consent_given=True,
        registered_on=date(2026, 1, 10),
        documents={0: [AMAYESH]},
    )

    assert _values(imported, SKIP_HOUSEHOLD) == _values(registered, SKIP_HOUSEHOLD)
    assert imported.head.given_name == registered.head.given_name
    pairs = zip(
        Individual.objects.filter(household=imported).order_by("id"),
        Individual.objects.filter(household=registered).order_by("id"),
        strict=True,
    )
    for mine, theirs in pairs:
        assert _values(mine, SKIP) == _values(theirs, SKIP)
        assert mine.history.count() == theirs.history.count() == 1
        assert mine.history.get().history_user == mona
    documents = [
        [
            _values(d, SKIP | {"number", "number_typed"})
            for d in IdentityDocument.objects.filter(individual__household=h)
        ]
        for h in (imported, registered)
    ]
    assert documents[0] == documents[1]

"""The maintained list of agreement conditions and the text-message templates, as shipped
(reference/conditions.csv, reference/messages.csv); staff edit them afterwards."""

import csv
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference"


def load(apps, schema_editor):
    Condition = apps.get_model("residence", "AgreementCondition")
    Template = apps.get_model("residence", "MessageTemplate")
    with (REFERENCE / "conditions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Condition.objects.update_or_create(
                code=row["code"],
                defaults={
                    "position": int(row["position"]),
                    "standard": row["standard"] == "1",
                    "text_fa": row["text_fa"],
                    "text_en": row["text_en"],
                },
            )
    with (REFERENCE / "messages.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Template.objects.update_or_create(
                code=row["code"],
                defaults={
                    "title": row["title"],
                    "body_fa": row["body_fa"],
                    "body_en": row["body_en"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("residence", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

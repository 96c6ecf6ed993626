"""The readiness checklist of each pathway, as shipped (reference/readiness.csv); staff edit
it afterwards."""

import csv
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference"


def load(apps, schema_editor):
    Criterion = apps.get_model("solutions", "ReadinessCriterion")
    with (REFERENCE / "readiness.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Criterion.objects.update_or_create(
                code=row["code"],
                defaults={
                    "pathway": row["pathway"],
                    "position": int(row["position"]),
                    "weight": int(row["weight"]),
                    "text_fa": row["text_fa"],
                    "text_en": row["text_en"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("solutions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

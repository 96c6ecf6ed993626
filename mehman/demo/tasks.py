"""Background work of the demo tools: a synthetic population as a CSV file."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from mehman.core.models import TaskProgress
from mehman.core.progress import Reporter
from mehman.demo import people


def export_path(progress_uuid: str) -> Path:
    return Path(settings.DATA_DIR) / "exports" / f"synthetic-{progress_uuid}.csv"


@task()
def generate_synthetic(progress_uuid: str, households: int, seed: int) -> int:
    """Write a synthetic population to a CSV file, reporting progress as it goes."""
    progress = TaskProgress.objects.get(uuid=progress_uuid)
    path = export_path(progress_uuid)
    path.parent.mkdir(parents=True, exist_ok=True)
    persons = 0
    with Reporter(progress, total=households) as reporter, path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=people.FIELDS)
        writer.writeheader()
        population = people.generate(households, seed=seed, progress=reporter.advance)
        for row in people.to_rows(population):
            writer.writerow(row)
            persons += 1
        reporter.finish(
            result={
                "households": households,
                "persons": persons,
                "download": reverse("demo:synthetic_download", args=[progress_uuid]),
            }
        )
    return persons

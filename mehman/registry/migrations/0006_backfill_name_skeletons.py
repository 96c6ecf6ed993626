"""Fill the consonant skeletons of the people already on file (see ``set_search_keys``).

In batches by id, so a national registry is not read into memory at once; the same on
SQLite and PostgreSQL (``bulk_update`` writes one CASE statement per batch).
"""

from django.db import migrations

BATCH = 2000
FIELDS = ("given_skel", "father_skel", "family_skel", "latin_skel")
LENGTH = 80


def backfill(apps, schema_editor):
    from mehman.core.names import skeleton

    Individual = apps.get_model("registry", "Individual")
    names = ("given_name", "father_name", "family_name", "given_name_latin")
    last = 0
    while True:
        batch = list(
            Individual.objects.filter(pk__gt=last).order_by("pk").only("pk", *names, *FIELDS)[
                :BATCH
            ]
        )
        if not batch:
            return
        for person in batch:
            person.given_skel = skeleton(person.given_name)[:LENGTH]
            person.father_skel = skeleton(person.father_name)[:LENGTH]
            person.family_skel = skeleton(person.family_name)[:LENGTH]
            person.latin_skel = skeleton(person.given_name_latin)[:LENGTH]
        Individual.objects.bulk_update(batch, FIELDS)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_individual_merge_and_skeletons")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

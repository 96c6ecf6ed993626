from django.db import migrations


def load(apps, schema_editor):
    from mehman.registry.codes import load_specific_needs

    load_specific_needs(apps.get_model("registry", "SpecificNeedCode"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Room on each page of the applications table for new versions of its rows.

A re-ranking rewrites rank and score of most waitlisted applications. Neither is
indexed, so PostgreSQL can keep each new row version on the page of the old one
("heap-only tuple" updates) and write no index entries — if the page has room.
Filling pages only half full at insert leaves that room. SQLite has no such setting.
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE intake_application SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE intake_application RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]

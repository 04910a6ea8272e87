"""PostgreSQL: move the tsvectors of the search rows out of line (TOAST) even when they
are small, so the heap of arsip_arsipindeks holds ~100-byte rows (dozens per page) and a
bitmap heap scan over matches touches few pages. Ranking de-TOASTs only the candidates."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE arsip_arsipindeks SET (toast_tuple_target = 128)")
        schema_editor.execute("ALTER TABLE arsip_arsipindeks ALTER COLUMN tsv SET STORAGE EXTERNAL")
        schema_editor.execute(
            "ALTER TABLE arsip_arsipindeks ALTER COLUMN tsv_exact SET STORAGE EXTERNAL"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE arsip_arsipindeks RESET (toast_tuple_target)")
        schema_editor.execute("ALTER TABLE arsip_arsipindeks ALTER COLUMN tsv SET STORAGE EXTENDED")
        schema_editor.execute(
            "ALTER TABLE arsip_arsipindeks ALTER COLUMN tsv_exact SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("arsip", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]

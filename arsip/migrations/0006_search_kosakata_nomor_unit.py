"""Search (issue 16, branch `search`): the search vocabulary for "did you mean"
suggestions (`ArsipKata`, with a pg_trgm GIN index on PostgreSQL) and a btree on the
number's unit part (`nomor_unit`) for unit-code fragments.

The index words and stems changed (PySastrawi stems made in Python for both engines,
`arsip.search.index.INDEX_VERSION` = 2): run `python manage.py arsip_reindex` after
this migration; it redoes every record (the source hash includes the version) and fills
the vocabulary. Until then PostgreSQL rows still hold the old `indonesian` stems.
"""

from django.db import migrations, models

PG_FORWARD = (
    "CREATE INDEX IF NOT EXISTS arsip_kata_trgm ON arsip_arsipkata USING gin (kata gin_trgm_ops)"
)
PG_BACKWARD = "DROP INDEX IF EXISTS arsip_kata_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0005_ltv_lta"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArsipKata",
            fields=[
                ("kata", models.CharField(max_length=40, primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "search vocabulary word",
            },
        ),
        migrations.AddIndex(
            model_name="arsiprecord",
            index=models.Index(fields=["nomor_unit"], name="arsip_rec_nomor_unit"),
        ),
        migrations.RunPython(forwards, backwards),
    ]

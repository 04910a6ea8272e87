"""Search (issue 16, item 3): the number's classification and unit parts on the search
row (`ArsipIndeks.nomor_kode`, `nomor_unit`), with btree indexes (prefix ranges on the
code part), filled here from the records. A fragment such as
`000.1` becomes a prefix range on them instead of a trigram scan of every record's number.

Numbers without structured parts (other organisations' numbers on incoming letters) are
still searched anywhere in the number: on PostgreSQL a partial trigram index covers just
those records (`arsip_rec_nomor_bebas_trgm`).
"""

from django.db import migrations, models

BACKFILL = (
    "UPDATE arsip_arsipindeks SET "
    "nomor_kode = (SELECT r.nomor_kode FROM arsip_arsiprecord r "
    "WHERE r.id = arsip_arsipindeks.record_id), "
    "nomor_unit = (SELECT r.nomor_unit FROM arsip_arsiprecord r "
    "WHERE r.id = arsip_arsipindeks.record_id)"
)
PG_FREE_TRGM = (
    "CREATE INDEX IF NOT EXISTS arsip_rec_nomor_bebas_trgm ON arsip_arsiprecord "
    "USING gin ((UPPER(nomor::text)) gin_trgm_ops) WHERE nomor_kode = ''"
)


def forwards(apps, schema_editor):
    schema_editor.execute(BACKFILL)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FREE_TRGM)
        # The backfill left a dead version of every search row; until they are vacuumed
        # a bitmap scan of the new indexes visits them all.
        schema_editor.execute("VACUUM ANALYZE arsip_arsipindeks")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS arsip_rec_nomor_bebas_trgm")


class Migration(migrations.Migration):
    # VACUUM cannot run in a transaction; every step here can be run again.
    atomic = False

    dependencies = [
        ("arsip", "0010_vocabulary_labels"),
        ("core", "0010_vocabulary_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="arsipindeks",
            name="nomor_kode",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.AddField(
            model_name="arsipindeks",
            name="nomor_unit",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.AddIndex(
            model_name="arsipindeks",
            index=models.Index(
                fields=["nomor_kode"],
                name="arsip_idx_nomor_kode",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="arsipindeks",
            index=models.Index(fields=["nomor_unit"], name="arsip_idx_nomor_unit"),
        ),
        migrations.RunPython(forwards, backwards),
    ]

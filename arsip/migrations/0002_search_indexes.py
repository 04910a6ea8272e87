"""Engine-specific search structures.

PostgreSQL: pg_trgm (TrigramExtension), GIN indexes on both tsvector columns of the
search rows (arsip_arsipindeks) and a
trigram GIN index on UPPER(nomor) for number fragments (`nomor__icontains` compiles to
UPPER(nomor::text) LIKE UPPER(...)).
SQLite: the FTS5 table `arsip_fts` with external content `arsip_arsipindeksteks`
(exact words and stems per field); the index task keeps both in step.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS arsip_idx_tsv_gin ON arsip_arsipindeks USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS arsip_idx_tsv_exact_gin ON arsip_arsipindeks USING gin (tsv_exact)",
    "CREATE INDEX IF NOT EXISTS arsip_rec_nomor_trgm ON arsip_arsiprecord "
    "USING gin ((UPPER(nomor::text)) gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS arsip_idx_tsv_gin",
    "DROP INDEX IF EXISTS arsip_idx_tsv_exact_gin",
    "DROP INDEX IF EXISTS arsip_rec_nomor_trgm",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS arsip_fts USING fts5("
    "hal, isi, lain, hal_s, isi_s, lain_s, "
    "content='arsip_arsipindeksteks', content_rowid='record_id', "
    "tokenize=\"unicode61 remove_diacritics 2\")",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS arsip_fts"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


ROLE_GROUPS = ["Arsiparis", "Panitia Penilai Arsip", "Pejabat Kearsipan"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]

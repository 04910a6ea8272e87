"""Search on SQLite (issue 16, item 4): covering indexes on the search rows.

On SQLite `arsip_arsipindeks.record_id` is a `bigint PRIMARY KEY`, not an `INTEGER
PRIMARY KEY`, so it is not the table's rowid: every search row found through its record
id (each FTS5 match joined to its search row) cost two B-tree searches, the primary-key
index and then the table, and every row found through another index one random read of
the table. These indexes hold every column the search reads from a search row (the
visibility columns: unit, security class and classification code; the date and the
letter key for the page), so those statements never read the table:

- `arsip_sq_rekaman`: by record id, for the FTS5 joins (`arsip.search.query.sqlite`);
- `arsip_sq_nomor_unit`, `arsip_sq_nomor_kode`: the number's unit and classification
  parts (`/DISKOMINFOTIK/`, `000.1`) without words;
- `arsip_sq_tanggal`: the date order and year filters without words.

Nothing on PostgreSQL (its search rows are read through its own indexes; see
`arsip.search.query.postgres`). Django does not know these indexes: a later migration
that makes SQLite rebuild `arsip_arsipindeks` (an AlterField) drops them, which
`tests/arsip/test_search_sqlite_indexes.py` catches; such a migration must create them
again.
"""

from django.db import migrations

_VISIBLE = "unit_id, klasifikasi_keamanan, kode_klasifikasi_id"
INDEXES = {
    "arsip_sq_rekaman": f"record_id, {_VISIBLE}, tanggal, surat_kunci",
    "arsip_sq_nomor_unit": f"nomor_unit, {_VISIBLE}, tanggal, record_id, surat_kunci",
    "arsip_sq_nomor_kode": f"nomor_kode, {_VISIBLE}, tanggal, record_id, surat_kunci",
    "arsip_sq_tanggal": f"tanggal DESC, record_id DESC, {_VISIBLE}, surat_kunci",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON arsip_arsipindeks ({columns})"
        )
    # Statistics for the new indexes (the planner compares them with the others'); a
    # database that was never analysed stays so, as before.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = cursor.fetchone() is not None
    if analysed:
        schema_editor.execute("ANALYZE arsip_arsipindeks")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0012_search_word_pairs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

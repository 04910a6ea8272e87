"""Search on SQLite (issue 16, item 4): a trigram index of the letter numbers.

A number fragment searched anywhere in the number (`118/DISKOMINFOTIK`, `/2024`) was
`nomor LIKE '%…%'` over every record's number: 10-14 ms at 100,000 records per
statement, and a search without words runs two. `arsip_nomor_trgm` is an FTS5 table with
the trigram tokenizer (SQLite 3.34+) over `arsip_arsiprecord.nomor` (external content, the
record id as rowid); a quoted fragment of three or more characters matches the numbers
that hold it, case-folded as LIKE folds ASCII (`arsip.search.query.filters._number_q`).
PostgreSQL has its trigram GIN index on UPPER(nomor) (migration 0002).

The table is kept by triggers on `arsip_arsiprecord` (every insert, delete and change
of the number, whoever makes it: the services, bulk loads, raw SQL). Django does not
know them: a later migration that makes SQLite rebuild `arsip_arsiprecord` (an
AlterField) drops them with the old table, which
`tests/arsip/test_search_sqlite_paths.py` catches; such a migration must create them
again and rebuild the table (`INSERT INTO arsip_nomor_trgm(arsip_nomor_trgm) VALUES
('rebuild')`).
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS arsip_nomor_trgm USING fts5(nomor, "
    "content='arsip_arsiprecord', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS arsip_nomor_trgm_ins AFTER INSERT ON arsip_arsiprecord "
    "BEGIN INSERT INTO arsip_nomor_trgm(rowid, nomor) VALUES (new.id, new.nomor); END",
    "CREATE TRIGGER IF NOT EXISTS arsip_nomor_trgm_del AFTER DELETE ON arsip_arsiprecord "
    "BEGIN INSERT INTO arsip_nomor_trgm(arsip_nomor_trgm, rowid, nomor) "
    "VALUES ('delete', old.id, old.nomor); END",
    "CREATE TRIGGER IF NOT EXISTS arsip_nomor_trgm_upd AFTER UPDATE OF id, nomor "
    "ON arsip_arsiprecord BEGIN "
    "INSERT INTO arsip_nomor_trgm(arsip_nomor_trgm, rowid, nomor) "
    "VALUES ('delete', old.id, old.nomor); "
    "INSERT INTO arsip_nomor_trgm(rowid, nomor) VALUES (new.id, new.nomor); END",
    "INSERT INTO arsip_nomor_trgm(arsip_nomor_trgm) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS arsip_nomor_trgm_ins",
    "DROP TRIGGER IF EXISTS arsip_nomor_trgm_del",
    "DROP TRIGGER IF EXISTS arsip_nomor_trgm_upd",
    "DROP TABLE IF EXISTS arsip_nomor_trgm",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in CREATE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0013_search_sqlite_covering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

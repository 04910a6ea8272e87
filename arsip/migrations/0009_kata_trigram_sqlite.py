"""Search (issue 16): on SQLite, a trigram table of the search vocabulary
(`arsip_kata_trgm`: trigram, word, the word's trigram count), so that "did you mean"
finds the same candidates as pg_trgm's `%` on PostgreSQL (same trigrams, same
similarity, same threshold) instead of words sharing the first two letters. Filled from
the existing vocabulary here; kept by `arsip.search.index`. Nothing on PostgreSQL.
"""

from django.db import migrations

CREATE = (
    "CREATE TABLE IF NOT EXISTS arsip_kata_trgm (trigram TEXT NOT NULL, kata TEXT NOT NULL, "
    "n INTEGER NOT NULL, PRIMARY KEY (trigram, kata)) WITHOUT ROWID"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from arsip.search.index import vocabulary_trigram_rows

    schema_editor.execute(CREATE)
    words = list(apps.get_model("arsip", "ArsipKata").objects.values_list("kata", flat=True))
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT OR IGNORE INTO arsip_kata_trgm (trigram, kata, n) VALUES (%s, %s, %s)",
            vocabulary_trigram_rows(words),
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS arsip_kata_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("arsip", "0008_records_files_search_archive"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

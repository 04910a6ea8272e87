"""Search (issue 16): the word pairs of every record (`ArsipFrasa`), so that a phrase is
looked up by its pairs instead of testing every record holding its words, and the
record's unit as a lexeme of its stem vector, so a reader's units are part of the text
index lookup. PostgreSQL only (both): a GIN index over the pairs, and the pairs of the records indexed before this
migration, made in batches from their text the way the index makes them (the same
tokens and stems, `arsip.search.stemmer.word_pairs`), so no phrase is missed between the
migration and the next reindex. SQLite's FTS5 index answers phrases itself; the table
stays empty there."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

PG_GIN = "CREATE INDEX IF NOT EXISTS arsip_frasa_gin ON arsip_arsipfrasa USING gin (pasangan)"
BATCH = 5000
# The record's unit as a lexeme of the stem vector (`arsip.search.stemmer.text_unit_token`),
# with the text index rebuilt around the update (quicker than updating it row by row).
PG_UNIT_LEXEME = (
    "DROP INDEX IF EXISTS arsip_idx_tsv_gin",
    "UPDATE arsip_arsipindeks SET tsv = coalesce(tsv, ''::tsvector) "
    "|| array_to_tsvector(ARRAY['_u' || unit_id])",
    "CREATE INDEX IF NOT EXISTS arsip_idx_tsv_gin ON arsip_arsipindeks USING gin (tsv)",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from arsip.search.index import PG_PAIRS_UPSERT
    from arsip.search.stemmer import stem, tokenize, word_pairs

    ArsipIndeks = apps.get_model("arsip", "ArsipIndeks")
    ArsipRecord = apps.get_model("arsip", "ArsipRecord")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        for sql in PG_UNIT_LEXEME:
            cursor.execute(sql)
        while True:
            ids = list(
                ArsipIndeks.objects.filter(record_id__gt=last)
                .order_by("record_id")
                .values_list("record_id", flat=True)[:BATCH]
            )
            if not ids:
                break
            rows = ArsipRecord.objects.filter(pk__in=ids).values_list(
                "pk", "hal", "isi_teks", "ocr_teks", "lampiran_teks"
            )
            pks, pairs = [], []
            for pk, hal, isi, ocr, lampiran in rows:
                lain = f"{ocr or ''}\n{lampiran or ''}".strip()
                fields = [[stem(t) for t in tokenize(text)] for text in (hal, isi, lain)]
                pks.append(pk)
                pairs.append(" ".join(word_pairs(fields)))
            cursor.execute(PG_PAIRS_UPSERT, [pks, pairs])
            last = ids[-1]
        cursor.execute(PG_GIN)
        cursor.execute("ANALYZE arsip_arsipfrasa")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS arsip_frasa_gin")


class Migration(migrations.Migration):

    dependencies = [
        ('arsip', '0011_search_number_parts'),
        ('core', '0010_vocabulary_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArsipFrasa',
            fields=[
                ('record', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='indeks_frasa', serialize=False, to='arsip.arsiprecord')),
                ('klasifikasi_keamanan', models.CharField(max_length=20)),
                ('pasangan', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('kode_klasifikasi', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.kodeklasifikasi')),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.unitkerja')),
            ],
            options={
                'verbose_name': 'search index word pairs',
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]

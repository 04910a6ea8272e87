"""Records archived before every letter's readers were named (only Rahasia / Sangat
Rahasia had readers): ask the sync to name the readers of every letter record. The
scheduled `arsip_sync` works the requests off in batches."""

from django.db import migrations

SOURCES = ("naskah.naskah", "masuk.suratmasuk")


def enqueue(apps, schema_editor):
    ArsipRecord = apps.get_model("arsip", "ArsipRecord")
    Antrian = apps.get_model("arsip", "ArsipPembacaAntrian")
    rows = (
        ArsipRecord.objects.filter(source_type__in=SOURCES)
        .exclude(status="dimusnahkan")
        .order_by("pk")
        .values_list("source_type", "source_id")
    )
    batch = []
    for source_type, source_id in rows.iterator(chunk_size=2000):
        batch.append(Antrian(source_type=source_type, source_id=source_id))
        if len(batch) >= 2000:
            Antrian.objects.bulk_create(batch)
            batch = []
    Antrian.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("arsip", "0003_pembaca_antrian")]

    operations = [migrations.RunPython(enqueue, migrations.RunPython.noop)]

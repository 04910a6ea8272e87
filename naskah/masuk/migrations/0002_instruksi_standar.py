"""Standard disposition instructions (domain.md 7.3). Data, not constants: an
administrator may rename, reorder, add or retire them."""

from django.db import migrations

INSTRUKSI = [
    ("diketahui", "Untuk diketahui"),
    ("ditindaklanjuti", "Untuk ditindaklanjuti"),
    ("siapkan-jawaban", "Siapkan jawaban"),
    ("koordinasikan", "Koordinasikan"),
    ("pelajari", "Pelajari/kaji"),
    ("wakili", "Wakili/hadiri"),
    ("pantau", "Pantau"),
    ("arsipkan", "Arsipkan"),
    ("tanggapan-saran", "Tanggapan dan saran"),
    ("proses-lanjut", "Proses lebih lanjut"),
]


def seed(apps, schema_editor):
    Instruksi = apps.get_model("masuk", "InstruksiDisposisi")
    for order, (kode, nama) in enumerate(INSTRUKSI, start=1):
        Instruksi.objects.get_or_create(kode=kode, defaults={"nama": nama, "urutan": order * 10})


class Migration(migrations.Migration):
    dependencies = [("masuk", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

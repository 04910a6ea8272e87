"""Load the full Permendagri 83/2022 Bagian B code list (2,980 codes, no JRA values: those
come from the region's own JRA and are entered or imported by an archivist)."""

from django.db import migrations


def load(apps, schema_editor):
    from core.services.klasifikasi import DEFAULT_DATA_FILE, klasifikasi_load_rows, klasifikasi_parse_csv

    Skema = apps.get_model("core", "SkemaKlasifikasi")
    Kode = apps.get_model("core", "KodeKlasifikasi")
    skema, _ = Skema.objects.get_or_create(
        kode="permendagri-83-2022",
        defaults={
            "nama": "Kode Klasifikasi Arsip Pemerintah Daerah (Permendagri 83/2022, Lampiran B)",
            "dasar_hukum": "Permendagri Nomor 83 Tahun 2022",
            "aktif": True,
        },
    )
    rows = klasifikasi_parse_csv(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))
    klasifikasi_load_rows(rows=rows, skema=skema, kode_model=Kode)


def unload(apps, schema_editor):
    Skema = apps.get_model("core", "SkemaKlasifikasi")
    Kode = apps.get_model("core", "KodeKlasifikasi")
    skema = Skema.objects.filter(kode="permendagri-83-2022").first()
    if skema:
        for level in (4, 3, 2, 1):
            Kode.objects.filter(skema=skema, level=level).delete()
        skema.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

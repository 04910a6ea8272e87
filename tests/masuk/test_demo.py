"""The demo letter for seed_demo: registered, disposed to two recipients, re-disposed once,
and idempotent."""

from __future__ import annotations

from naskah.masuk.demo import demo_seed_masuk
from naskah.masuk.models import Disposisi, DisposisiPenerima, SuratMasuk


def test_demo_seed_masuk_is_idempotent(demo):
    first = demo_seed_masuk(run_ocr=False)
    assert first["created"] is True
    again = demo_seed_masuk(run_ocr=False)
    assert again == {"created": False, "surat": first["surat"]}
    surat = SuratMasuk.objects.get()
    assert surat.unit.kode == "BIRO-UMUM" and surat.berkas.get().jenis == "image/png"
    roots = Disposisi.objects.filter(induk__isnull=True)
    assert roots.count() == 1 and roots.get().dari_pegawai.username == "karoumum"
    assert roots.get().penerima.count() == 2
    sub = Disposisi.objects.get(induk__isnull=False)
    assert sub.dari_pegawai.username == "kabagtu"
    assert DisposisiPenerima.objects.count() == 3

"""Numbering per family (issue 13, item 6): the kepala daerah's Keputusan is numbered by
the legal bureau's book in its own series, in the configured format, with the drafting
unit's official code; a changed setting changes new numbers only."""

from __future__ import annotations

import pytest

from core.models import UnitKerja
from naskah.models import JenisNaskah, SeriNomor
from naskah.samples import samples
from naskah.services.signing import naskah_sign
from penomoran.models import BukuNomor, Nomor
from tests.naskah.tte_helpers import PASSPHRASE, enroll, kode, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def keputusan(demo, hal="Pembentukan Tim"):
    sample = samples()["keputusan_gubernur"]
    return ready_letter(
        demo,
        user=sample.konseptor,
        signer=sample.signer,
        jenis=JenisNaskah.objects.get(kode="keputusan_gubernur"),
        hal=hal,
        fields=sample.fields,
        kode_klasifikasi=kode("100.3.3.1"),
    )


def test_seed_rows():
    rows = dict(SeriNomor.objects.values_list("jenis__kode", "seri"))
    assert rows == {
        "keputusan_gubernur": "produk_hukum_keputusan",
        "instruksi": "produk_hukum_instruksi",
        "surat_edaran": "produk_hukum_surat_edaran",
    }


def test_keputusan_gubernur_numbered_by_the_legal_bureau_in_the_configured_format(demo, settings):
    settings.NASKAH_NOMOR_FORMAT_PRODUK_HUKUM = "G/{nomor}/{unit}/HK/{tahun}"
    enroll(demo["gubernur"])
    first = keputusan(demo, hal="Tim Satu")
    naskah_sign(naskah=first, signer=demo["gubernur"], passphrase=PASSPHRASE)
    nomor = Nomor.objects.get(object_id=str(first.pk))
    assert nomor.buku.unit.kode == "BIRO-HUKUM" and nomor.buku.jenis == "produk_hukum_keputusan"
    # The unit part is the drafting unit's official code (Biro Hukum: II.02 in the demo),
    # never its database code.
    unit = UnitKerja.objects.get(pk=first.unit_id)
    assert unit.kode_resmi and nomor.teks == f"G/1/{unit.kode_resmi}/HK/{nomor.tahun}"
    assert "BIRO-HUKUM" not in nomor.teks

    # A changed setting: new numbers only.
    settings.NASKAH_NOMOR_FORMAT_PRODUK_HUKUM = "{kode}/{nomor}/{unit}/HK/{tahun}"
    second = keputusan(demo, hal="Tim Dua")
    naskah_sign(naskah=second, signer=demo["gubernur"], passphrase=PASSPHRASE)
    nomor2 = Nomor.objects.get(object_id=str(second.pk))
    assert nomor2.buku_id == nomor.buku_id
    assert nomor2.teks == f"100.3.3.1/2/{unit.kode_resmi}/HK/{nomor2.tahun}"
    nomor.refresh_from_db()
    first.refresh_from_db()
    assert nomor.teks == first.nomor == f"G/1/{unit.kode_resmi}/HK/{nomor.tahun}"
    assert BukuNomor.objects.get(pk=nomor.buku_id).format == "{kode}/{nomor}/{unit}/HK/{tahun}"


def test_ordinary_letters_print_the_official_code_of_the_numbering_unit(demo):
    enroll(demo["kadiskominfo"])
    letter = ready_letter(demo, hal="Surat biasa")
    naskah_sign(naskah=letter, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    nomor = Nomor.objects.get(object_id=str(letter.pk))
    assert nomor.buku.unit.kode == "DISKOMINFOTIK"
    assert nomor.teks == f"000.1.2.3/1/V.25/{nomor.tahun}"


def test_surat_edaran_of_a_sekda_is_not_in_the_legal_series(demo):
    seri = SeriNomor.objects.get(jenis__kode="surat_edaran")
    from naskah.selectors.seri_nomor import seri_nomor_for

    letter = ready_letter(demo, hal="Surat biasa")
    assert seri_nomor_for(letter) is None  # surat_dinas has no series
    letter.jenis = seri.jenis
    assert seri_nomor_for(letter) is None  # signed by a Kepala Dinas, not the head of region
    seri.hanya_kepala_daerah = False
    seri.save()
    assert seri_nomor_for(letter) == seri

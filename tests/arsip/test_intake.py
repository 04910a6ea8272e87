"""Signed letters and registered incoming letters become archive records."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from arsip.models import ArsipRecord
from arsip.services.intake import arsip_sync_sources
from naskah.services.signing import naskah_sign
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _signed(demo, **kw):
    from signing.models import SignerCertificate

    if not SignerCertificate.objects.filter(pegawai=demo["kadiskominfo"]).exists():
        enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo, **kw)
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    return naskah


def test_signed_letter_is_archived_with_its_text_file_and_code(demo):
    naskah = _signed(demo, hal="Permohonan Data Statistik Sektoral")
    unsigned = ready_letter(demo, hal="Belum ditandatangani")
    result = arsip_sync_sources()
    assert result.naskah == 1
    record = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(naskah.pk))
    assert record.nomor == naskah.nomor and record.hal == naskah.hal
    assert record.kode_klasifikasi_id == naskah.kode_klasifikasi_id
    assert "permohonan data" in record.isi_teks.lower()
    assert record.berkas_pdf and len(record.berkas_pdf_sha256) == 64
    assert record.berkas is not None  # filed into a berkas under its code
    assert not ArsipRecord.objects.filter(source_id=str(unsigned.pk)).exists()
    # idempotent: running again archives nothing twice
    assert arsip_sync_sources().naskah == 0
    assert ArsipRecord.objects.filter(source_type="naskah.naskah").count() == 1


def test_confidential_letter_names_its_readers(demo):
    naskah = _signed(demo, klasifikasi="rahasia", hal="Laporan Insiden Rahasia")
    arsip_sync_sources()
    record = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(naskah.pk))
    readers = {p.username for p in record.pembaca.all()}
    assert {"prakommuda", "kadiskominfo"} <= readers


def test_incoming_letter_is_archived_and_refreshed_when_ocr_arrives(demo):
    from naskah.masuk.demo import demo_seed_masuk
    from naskah.masuk.models import SuratMasuk

    demo_seed_masuk(run_ocr=False)
    surat = SuratMasuk.objects.get()
    call_command("arsip_sync")
    record = ArsipRecord.objects.get(source_type="masuk.suratmasuk", source_id=str(surat.pk))
    assert record.hal == surat.hal and record.pengirim == surat.pengirim
    assert record.ocr_teks == ""
    SuratMasuk.objects.filter(pk=surat.pk).update(ocr_teks="Undangan rapat koordinasi perizinan")
    assert arsip_sync_sources().masuk == 1
    record.refresh_from_db()
    assert "perizinan" in record.ocr_teks


def test_schedule_is_created_once():
    from django_q.models import Schedule

    call_command("arsip_sync", "--schedule")
    call_command("arsip_sync", "--schedule")
    assert Schedule.objects.filter(name="arsip_sync").count() == 1

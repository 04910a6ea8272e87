"""OCR in the background: a generated scan is read back, suggestions are offered but never
saved without the registrar's confirmation, missing OCR shows a visible state."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError, ConflictError
from naskah.masuk import ocr
from naskah.masuk.models import SuratMasuk
from naskah.masuk.services import suratmasuk_apply_saran, suratmasuk_ocr_run

from .conftest import make_pdf, make_scan

OCR_MISSING = ocr.ocr_availability()
needs_ocr = pytest.mark.skipif(
    OCR_MISSING is not None, reason=f"OCR cannot run on this machine: {OCR_MISSING}"
)


def test_suggestions_from_indonesian_letter_text():
    text = (
        "PEMERINTAH KABUPATEN PESAWARAN\n"
        "Gedong Tataan, 3 Nopember 2026\n"
        "Nomor   : 005/412/IV.02/2026\n"
        "Lampiran: -\n"
        "Perihal : Permohonan Narasumber\n"
        "          Rapat Evaluasi SPBE\n"
        "Yth. Kepala Dinas\n"
    )
    assert ocr.suggest_metadata(text) == {
        "nomor_surat": "005/412/IV.02/2026",
        "hal": "Permohonan Narasumber Rapat Evaluasi SPBE",
        "tanggal_surat": "2026-11-03",
        "pengirim": "Pemerintah Kabupaten Pesawaran",  # the letterhead
        "kepada": "Kepala Dinas",
        "kode_klasifikasi": "005",  # the code that opens the number
    }
    assert ocr.suggest_metadata("Bandar Lampung, 31-12-2025\nHal: Undangan") == {
        "hal": "Undangan",
        "tanggal_surat": "2025-12-31",
    }
    # impossible dates are ignored, nothing invented
    assert ocr.suggest_metadata("tanggal 31 Februari 2026 tanpa nomor") == {}


@needs_ocr
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["PNG", "PDF"])
def test_scanned_letter_is_ocred_and_suggestions_wait_for_confirmation(register, org, fmt):
    name = "scan.png" if fmt == "PNG" else "scan.pdf"
    surat = register(
        files=[(name, make_scan(fmt))],
        nomor_surat="",
        tanggal_surat=None,
        hal="Undangan sosialisasi",
    )
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    surat.refresh_from_db()
    for word in ("SANDI", "Sosialisasi", "Sertifikat", "B-1234/BSSN/D3/PP.01.01/11/2026"):
        assert word in surat.ocr_teks
    assert surat.berkas_pdf  # the searchable PDF
    assert surat.ocr_saran == {
        "nomor_surat": "B-1234/BSSN/D3/PP.01.01/11/2026",
        "tanggal_surat": "2026-11-18",
        "hal": "Sosialisasi Sertifikat Elektronik",
    }
    # nothing was filled in: the metadata is what the registrar typed
    assert (surat.nomor_surat, surat.tanggal_surat, surat.hal) == ("", None, "Undangan sosialisasi")
    # running the task again changes nothing (idempotent)
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    # the registrar confirms two of the three suggestions
    suratmasuk_apply_saran(surat=surat, actor=org["agendaris"], fields=["nomor_surat", "hal"])
    surat.refresh_from_db()
    assert surat.nomor_surat == "B-1234/BSSN/D3/PP.01.01/11/2026"
    assert surat.hal == "Sosialisasi Sertifikat Elektronik"
    assert surat.tanggal_surat is None
    assert surat.ocr_saran == {"tanggal_surat": "2026-11-18"}


def test_text_pdf_needs_no_ocr_and_text_is_stored(register):
    surat = register(files=[("digital.pdf", make_pdf("Surat elektronik Dinas Kominfotik"))])
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    surat.refresh_from_db()
    assert "Surat elektronik Dinas Kominfotik" in surat.ocr_teks
    assert surat.ocr_pesan == "text layer present"


def test_missing_ocr_tools_show_unavailable_not_a_crash(register, monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    surat = register(files=[("scan.png", make_scan("PNG"))])
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.TIDAK_TERSEDIA
    surat.refresh_from_db()
    assert "tesseract is missing" in surat.ocr_pesan
    assert surat.berkas_pdf  # the images were still joined into a PDF for preview
    assert surat.ocr_saran == {}


def test_ocr_failure_is_retried_then_visible_and_retried_on_request(
    register, org, monkeypatch, settings, client
):
    from django.urls import reverse
    from django_q.models import OrmQ, Schedule

    from core.models import AuditEvent

    settings.TASK_MAX_ATTEMPTS = 2
    surat = register(files=[("scan.png", make_scan("PNG"))])

    def broken(pdf):
        raise RuntimeError("tesseract crashed at 0xdeadbeef")

    monkeypatch.setattr(ocr, "run_ocrmypdf", broken)
    monkeypatch.setattr(ocr, "needs_ocr", lambda pages: True)
    # First failure: waiting again, the next try scheduled in the slow queue.
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.MENUNGGU
    surat.refresh_from_db()
    assert surat.ocr_percobaan == 1 and surat.ocr_coba_lagi_pada and surat.ocr_sewa == ""
    retry = Schedule.objects.get(func="naskah.masuk.tasks.suratmasuk_ocr_task")
    assert retry.args == repr((surat.pk,)) and retry.cluster == settings.Q_SLOW_CLUSTER
    assert retry.next_run == surat.ocr_coba_lagi_pada
    # The last attempt fails: "failed" with a readable message (no internals shown).
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.GAGAL
    surat.refresh_from_db()
    assert surat.ocr_percobaan == 2 and "2 of 2" in surat.ocr_pesan
    assert "deadbeef" not in surat.ocr_pesan
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.GAGAL  # not redone
    failures = AuditEvent.objects.filter(action="masuk.suratmasuk.ocr_failed")
    assert failures.count() == 2
    # The letter page shows the state and the retry action to the agendaris.
    client.force_login(org["agendaris"])
    page = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert 'id="form-ocr-ulang"' in page and surat.ocr_pesan in page
    OrmQ.objects.all().delete()
    client.post(reverse("masuk:suratmasuk_ocr_retry", args=[surat.pk]))
    surat.refresh_from_db()
    assert (surat.ocr_status, surat.ocr_percobaan, surat.ocr_pesan) == ("menunggu", 0, "")
    assert [q.func() for q in OrmQ.objects.all()] == ["naskah.masuk.tasks.suratmasuk_ocr_task"]
    assert AuditEvent.objects.filter(action="masuk.suratmasuk.ocr_retry").count() == 1
    monkeypatch.setattr(ocr, "run_ocrmypdf", lambda pdf: make_pdf("Nomor : 12/AB/2026"))
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    # Only failed OCR can be retried.
    with pytest.raises(ConflictError):
        from naskah.masuk.services import suratmasuk_ocr_retry

        suratmasuk_ocr_retry(surat=surat, actor=org["agendaris"])


def test_ocr_retry_is_for_the_agendaris_only(register, org, client):
    from django.urls import reverse

    from naskah.masuk.services import suratmasuk_ocr_retry

    surat = register()
    SuratMasuk.objects.filter(pk=surat.pk).update(ocr_status="gagal", ocr_pesan="x")
    with pytest.raises(ApplicationError):
        suratmasuk_ocr_retry(surat=surat, actor=org["karoumum"])  # the head, not an agendaris
    client.force_login(org["karoumum"])
    response = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk]))
    assert response.status_code == 200 and 'id="form-ocr-ulang"' not in response.content.decode()
    surat.refresh_from_db()
    assert surat.ocr_status == "gagal"


def test_apply_suggestions_rules(register, org, monkeypatch):
    surat = register(nomor_surat="", files=[("s.pdf", make_pdf())])
    SuratMasuk.objects.filter(pk=surat.pk).update(
        ocr_saran={"nomor_surat": "B-1234/BSSN/D3/PP.01.01/11/2026", "tanggal_surat": "2099-01-01"}
    )
    surat.refresh_from_db()
    with pytest.raises(ApplicationError):
        suratmasuk_apply_saran(surat=surat, actor=org["karoumum"], fields=["nomor_surat"])
    with pytest.raises(ApplicationError, match="Choose"):
        suratmasuk_apply_saran(surat=surat, actor=org["agendaris"], fields=["pengirim"])
    with pytest.raises(ApplicationError, match="after the date received"):
        suratmasuk_apply_saran(surat=surat, actor=org["agendaris"], fields=["tanggal_surat"])
    # a suggested number that duplicates an earlier letter needs confirmation too
    register(confirm=True)
    with pytest.raises(ConflictError):
        suratmasuk_apply_saran(surat=surat, actor=org["agendaris"], fields=["nomor_surat"])
    surat.refresh_from_db()
    assert surat.nomor_surat == ""
    suratmasuk_apply_saran(
        surat=surat, actor=org["agendaris"], fields=["nomor_surat"], konfirmasi_duplikat=True
    )
    surat.refresh_from_db()
    assert surat.nomor_surat == "B-1234/BSSN/D3/PP.01.01/11/2026"

"""Invariant 10 for incoming letters: scans, follow-up files and the OCR output are stored
without active content; the registrar/reporter is told what was removed; the original
scan is kept unchanged as evidence and only ever served as a download, to readers."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent, Jabatan
from core.pdfsafe import pdf_active_content
from naskah.masuk import ocr as ocr_lib
from naskah.masuk.models import DisposisiPenerima, InstruksiDisposisi, SuratMasuk
from naskah.masuk.services import suratmasuk_ocr_run
from naskah.masuk.uploads import check_upload
from tests.pdfsafe_corpus import CORPUS, combined, raw_active_names

from .test_views import form_data

pytestmark = pytest.mark.django_db


def _clean(data: bytes) -> bool:
    return pdf_active_content(data) == [] and raw_active_names(data) == set()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_attack_is_removed_from_an_incoming_scan(name):
    original = CORPUS[name]()
    checked = check_upload(f"{name}.pdf", original)
    assert _clean(checked.data) and checked.dihapus
    assert checked.asli == original
    assert checked.sha256_asli == hashlib.sha256(original).hexdigest()
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_register_stores_the_clean_copy_keeps_the_original_and_tells_the_registrar(client, org):
    client.force_login(org["agendaris"])
    data = form_data()
    files = {"surat.pdf": combined(), "lampiran.pdf": CORPUS["submit_form_field"]()}
    data["berkas"] = [SimpleUploadedFile(n, b, "application/pdf") for n, b in files.items()]
    response = client.post("/surat-masuk/surat/baru/", data, follow=True)
    page = response.content.decode()
    surat = SuratMasuk.objects.get()
    assert "surat.pdf" in page and "lampiran.pdf" in page and "JavaScript (2)" in page
    for item in surat.berkas.all():
        stored, original = _read(item.berkas), _read(item.berkas_asli)
        assert _clean(stored) and item.sha256 == hashlib.sha256(stored).hexdigest()
        assert original == files[item.nama_asli]  # evidence: unchanged
        assert item.sha256_asli == hashlib.sha256(original).hexdigest()
    event = AuditEvent.objects.get(action="masuk.suratmasuk.register")
    entry = next(f for f in event.details["files"] if f["name"] == "surat.pdf")
    assert entry["konten_aktif_dihapus"]["launch"] == 1
    assert entry["sha256_asli"] == hashlib.sha256(files["surat.pdf"]).hexdigest()

    item = surat.berkas.get(nama_asli="surat.pdf")
    # The scan shown in the page is the clean copy.
    shown = client.get(f"/surat-masuk/surat/{surat.pk}/berkas/{item.pk}/")
    assert _clean(b"".join(shown.streaming_content))
    # The original: a download only, never rendered by the browser.
    url = f"/surat-masuk/surat/{surat.pk}/berkas/{item.pk}/asli/"
    assert url in client.get(f"/surat-masuk/surat/{surat.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == files["surat.pdf"]
    client.force_login(org["agendakominfo"])  # not a reader of this letter
    assert client.get(url).status_code == 404


def test_an_image_scan_has_no_separate_original(register):
    from .conftest import make_scan

    surat = register(files=[("foto.png", make_scan("PNG"))])
    item = surat.berkas.get()
    assert not item.berkas_asli and item.sha256_asli == ""


def test_the_searchable_pdf_is_cleaned_whatever_ocr_returns(register, monkeypatch):
    surat = register(files=[("surat.pdf", combined())])
    malicious = combined()
    monkeypatch.setattr(
        ocr_lib,
        "ocr_files",
        lambda files, **kw: ocr_lib.OcrResult(pdf=malicious, text="Hal: Uji", ocr_applied=True),
    )
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    surat.refresh_from_db()
    assert _clean(_read(surat.berkas_pdf))


def test_ocr_of_a_cleaned_scan_is_clean(register):
    surat = register(files=[("surat.pdf", CORPUS["object_stream_javascript"]())])
    suratmasuk_ocr_run(surat_id=surat.pk)
    surat.refresh_from_db()
    assert surat.berkas_pdf and _clean(_read(surat.berkas_pdf))


def test_follow_up_report_files_are_cleaned_and_the_reporter_told(client, register, org):
    surat = register()
    kabag = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    instr = InstruksiDisposisi.objects.get(kode="ditindaklanjuti")
    client.force_login(org["karoumum"])
    client.post(
        f"/surat-masuk/surat/{surat.pk}/disposisi/",
        {
            "root-penerima": [f"j:{kabag.pk}"],
            "root-utama": f"j:{kabag.pk}",
            "root-instruksi": [str(instr.pk)],
            "root-catatan": "Mohon ditindaklanjuti",
            "root-batas_waktu": "",
        },
    )
    cabang = DisposisiPenerima.objects.get()
    client.force_login(org["kabagtu"])
    response = client.post(
        f"/surat-masuk/cabang/{cabang.pk}/lapor/",
        {
            f"l{cabang.pk}-teks": "Sudah dikerjakan",
            f"l{cabang.pk}-selesai": "on",
            f"l{cabang.pk}-berkas": [
                SimpleUploadedFile("hasil.pdf", CORPUS["launch_cmd"](), "application/pdf")
            ],
        },
        follow=True,
    )
    assert "hasil.pdf" in response.content.decode()
    (item,) = cabang.laporan.get().berkas.all()
    stored = _read(item.berkas)
    assert _clean(stored) and item.sha256 == hashlib.sha256(stored).hexdigest()
    event = AuditEvent.objects.get(action="masuk.disposisi.report")
    assert event.details["files"][0]["konten_aktif_dihapus"] == {"launch": 1}

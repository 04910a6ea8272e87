"""Upload first, then the form fills itself: the scan is kept in the pending area, read
at once (text layer) or in the slow queue (OCR), and its suggestions prefill the form as
editable values; nothing is saved until the agendaris registers."""

from __future__ import annotations

import io
import socket

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from core.models import KodeKlasifikasi
from naskah.masuk import unggah as unggah_lib
from naskah.masuk.models import SuratMasuk, UnggahanMasuk
from naskah.masuk.ocr import suggest_metadata

from .conftest import make_scan

LINES = [
    "PEMERINTAH KOTA METRO",
    "DINAS KOMUNIKASI DAN INFORMATIKA",
    "Jalan AH Nasution No. 1 Metro",
    "",
    "Nomor : 000.1.2.3/77/D.KOM/2026",
    "Sifat : Biasa",
    "Lampiran : -",
    "Hal : Permohonan Data Layanan Aplikasi",
    "Persuratan Elektronik Metro, 2 Desember 2026",
    "",
    "Yth. Kepala Biro Umum",
    "di Bandar Lampung",
]
URL = "/surat-masuk/surat/baru/"


def letter_pdf(lines=LINES) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 780
    for line in lines:
        c.drawString(72, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def agendaris(client, org):
    client.force_login(org["agendaris"])
    return client


def _pk(token: str) -> int:
    return UnggahanMasuk.objects.get(token=token).pk


def _upload(client, name="surat.pdf", data=None, kind="application/pdf"):
    response = client.post(
        "/surat-masuk/surat/baru/unggah/",
        {"berkas": [SimpleUploadedFile(name, data or letter_pdf(), kind)]},
    )
    assert response.status_code == 302, response.content
    assert response.url.startswith(URL + "?unggah=")
    return response.url.split("=", 1)[1]


def test_subject_stops_before_the_place_and_date_line():
    found = suggest_metadata("\n".join(LINES))
    assert found["hal"] == "Permohonan Data Layanan Aplikasi Persuratan Elektronik"
    assert found["nomor_surat"] == "000.1.2.3/77/D.KOM/2026"
    assert found["kode_klasifikasi"] == "000.1.2.3"
    assert found["kepada"] == "Kepala Biro Umum"
    assert found["pengirim"] == "Dinas Komunikasi dan Informatika, Pemerintah Kota Metro"


def test_a_born_digital_pdf_prefills_the_form_and_saves_nothing(agendaris, org):
    token = _upload(agendaris)
    page = agendaris.get(f"{URL}?unggah={token}").content.decode()
    assert SuratMasuk.objects.count() == 0  # suggestions only
    form = agendaris.get(f"{URL}?unggah={token}").context["form"]
    assert form.initial["nomor_surat"] == "000.1.2.3/77/D.KOM/2026"
    assert form.initial["hal"] == "Permohonan Data Layanan Aplikasi Persuratan Elektronik"
    assert form.initial["kode_klasifikasi"] == "000.1.2.3"
    assert form.initial["pengirim"].startswith("Dinas Komunikasi")
    assert str(form.initial["tanggal_surat"]) == "2026-12-02"
    assert "from the scan" in page and "surat.pdf" in page
    assert 'name="konfirmasi_duplikat"' not in page  # only when there is a duplicate
    assert "Register the letter" in page


def _register_data(org, token, **over):
    from core.models import UnitKerja

    data = {
        "unggah": token,
        "unit": str(UnitKerja.objects.get(kode="BIRO-UMUM").pk),
        "pengirim": "Dinas Komunikasi dan Informatika Kota Metro",
        "nomor_surat": "000.1.2.3/77/D.KOM/2026",
        "tanggal_surat": "2026-12-02",
        "tanggal_diterima": "2026-12-03",
        "hal": "Permohonan Data Layanan Aplikasi Persuratan Elektronik",
        "urgensi": "biasa",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": KodeKlasifikasi.objects.filter(kode="000.1.2.3").first().kode,
        "jumlah_lampiran": "0",
        "jabatan_tujuan": str(
            __import__("core.models", fromlist=["Jabatan"])
            .Jabatan.objects.get(nama="Kepala Biro Umum")
            .pk
        ),
    }
    data.update(over)
    return data


def test_a_duplicate_warning_keeps_the_uploaded_file(agendaris, org, register):
    register(
        nomor_surat="000.1.2.3/77/D.KOM/2026",
        pengirim="Dinas Komunikasi dan Informatika Kota Metro",
    )
    token = _upload(agendaris)
    warned = agendaris.post(URL, _register_data(org, token))
    html = warned.content.decode()
    assert warned.status_code == 200 and 'name="konfirmasi_duplikat"' in html
    assert f'value="{token}"' in html  # the file is kept: no need to pick it again
    done = agendaris.post(URL, _register_data(org, token, konfirmasi_duplikat="on"))
    assert done.status_code == 302
    surat = SuratMasuk.objects.latest("pk")
    assert [b.nama_asli for b in surat.berkas.all()] == ["surat.pdf"]
    assert unggah_lib.unggah_get(actor=org["agendaris"], token=token) is None  # cleaned up


def test_a_scan_is_read_in_the_slow_queue_with_a_progress_indicator(agendaris, org, monkeypatch):
    token = _upload(agendaris, "scan.png", make_scan("PNG"), "image/png")
    page = agendaris.get(f"{URL}?unggah={token}").content.decode()
    assert "progress-bar" in page and "/surat-masuk/surat/baru/bacaan/" in page
    status = f"/surat-masuk/surat/baru/bacaan/?unggah={token}"
    assert agendaris.get(status).status_code == 204  # still reading: keep polling

    from naskah.masuk import ocr as ocr_lib

    monkeypatch.setattr(
        ocr_lib,
        "ocr_files",
        lambda files, **kw: ocr_lib.OcrResult(pdf=b"", text="\n".join(LINES), ocr_applied=True),
    )
    assert unggah_lib.unggah_ocr_run(pk=_pk(token)) == "selesai"
    # what the agendaris typed meanwhile is kept; the rest fills itself
    filled = agendaris.get(status + "&hal=Typed+by+hand")
    assert filled.status_code == 200
    form = filled.context["form"]
    assert form.initial["hal"] == "Typed by hand"
    assert form.initial["nomor_surat"] == "000.1.2.3/77/D.KOM/2026"
    assert "progress-bar" not in filled.content.decode()


def test_ocr_unavailable_is_said_in_a_sentence(agendaris, org, monkeypatch):
    token = _upload(agendaris, "scan.png", make_scan("PNG"), "image/png")
    from naskah.masuk import ocr as ocr_lib

    def unavailable(files, **kw):
        raise ocr_lib.OcrUnavailable("Reading scans (OCR) is switched off on this server.")

    monkeypatch.setattr(ocr_lib, "ocr_files", unavailable)
    assert unggah_lib.unggah_ocr_run(pk=_pk(token)) == "tidak_tersedia"
    html = agendaris.get(f"/surat-masuk/surat/baru/bacaan/?unggah={token}").content.decode()
    assert "switched off" in html and "Error" not in html


def test_an_upload_is_only_its_uploaders(client, agendaris, org):
    token = _upload(agendaris)
    assert unggah_lib.unggah_get(actor=org["agendakominfo"], token=token) is None
    staged = unggah_lib.unggah_get(actor=org["agendaris"], token=token)
    assert all(default_storage.exists(f["stored"]) for f in staged.files)
    assert all(f["stored"].startswith("pending/") for f in staged.files)


# --- The reading is an attempt recorded on the staged upload (DESIGN invariant 11) ---------


def _scan(agendaris):
    return _upload(agendaris, "scan.png", make_scan("PNG"), "image/png")


def _read_lines(files, **kw):
    from naskah.masuk import ocr as ocr_lib

    return ocr_lib.OcrResult(pdf=b"", text="\n".join(LINES), ocr_applied=True)


def test_the_reading_goes_to_the_slow_queue_by_its_row(agendaris, org, settings):
    from django_q.models import OrmQ

    token = _scan(agendaris)
    (queued,) = [q for q in OrmQ.objects.all() if q.func() == unggah_lib.TASK]
    assert queued.key == settings.Q_SLOW_CLUSTER and queued.task["args"] == (_pk(token),)
    row = UnggahanMasuk.objects.get(token=token)
    assert row.baca_status == "menunggu" and row.baca_percobaan == 0


def test_a_failed_reading_is_recorded_retried_with_backoff_then_shown_with_a_retry(
    agendaris, org, settings, monkeypatch
):
    from django_q.models import Schedule

    from naskah.masuk import ocr as ocr_lib

    settings.TASK_MAX_ATTEMPTS = 2
    token = _scan(agendaris)
    pk = _pk(token)

    def broken(files, **kw):
        raise RuntimeError("tesseract: cannot open /tmp/x")

    monkeypatch.setattr(ocr_lib, "ocr_files", broken)
    # attempt 1: a transient failure goes back to waiting, the next try is scheduled
    assert unggah_lib.unggah_ocr_run(pk=pk) == "menunggu"
    row = UnggahanMasuk.objects.get(pk=pk)
    assert row.baca_percobaan == 1 and row.baca_coba_lagi_pada is not None
    assert row.baca_pesan == "Reading the scan failed (attempt 1 of 2)."
    retry = Schedule.objects.get(func=unggah_lib.TASK)
    assert retry.args == repr((pk,)) and retry.next_run == row.baca_coba_lagi_pada
    page = agendaris.get(f"{URL}?unggah={token}").content.decode()
    assert 'id="bacaan-coba-lagi"' in page and "attempt 1 of 2" in page
    # attempt 2, the last: failed, said in a sentence with a way to read it again
    assert unggah_lib.unggah_ocr_run(pk=pk) == "gagal"
    status = agendaris.get(f"/surat-masuk/surat/baru/bacaan/?unggah={token}")
    html = status.content.decode()
    assert status.status_code == 200 and 'id="bacaan-gagal"' in html
    assert "attempt 2 of 2" in html and 'id="bacaan-ulang"' in html
    assert "RuntimeError" not in html and "tesseract" not in html
    # the retry keeps what was typed, queues the reading again with a fresh count
    monkeypatch.setattr(ocr_lib, "ocr_files", _read_lines)
    retried = agendaris.post(
        "/surat-masuk/surat/baru/bacaan/ulang/", {"unggah": token, "hal": "Diketik sendiri"}
    )
    assert retried.status_code == 200
    assert retried.context["form"].initial["hal"] == "Diketik sendiri"
    assert 'id="bacaan-proses"' in retried.content.decode()
    row.refresh_from_db()
    assert row.baca_status == "menunggu" and row.baca_percobaan == 0 and row.baca_pesan == ""
    assert unggah_lib.unggah_ocr_run(pk=pk) == "selesai"
    row.refresh_from_db()
    assert row.saran["nomor_surat"] == "000.1.2.3/77/D.KOM/2026" and row.baca_percobaan == 1
    # nothing left to retry once it is read
    again = agendaris.post("/surat-masuk/surat/baru/bacaan/ulang/", {"unggah": token})
    assert again.status_code == 200 and "nothing to retry" in again.content.decode()
    assert not SuratMasuk.objects.exists()  # suggestions only: nothing was registered


def test_ocr_unavailable_is_recorded_without_retries_and_can_be_retried(
    agendaris, org, monkeypatch
):
    from django_q.models import Schedule

    from naskah.masuk import ocr as ocr_lib

    token = _scan(agendaris)

    def unavailable(files, **kw):
        raise ocr_lib.OcrUnavailable("Reading scans (OCR) is switched off on this server.")

    monkeypatch.setattr(ocr_lib, "ocr_files", unavailable)
    assert unggah_lib.unggah_ocr_run(pk=_pk(token)) == "tidak_tersedia"
    assert not Schedule.objects.filter(func=unggah_lib.TASK).exists()
    html = agendaris.get(f"{URL}?unggah={token}").content.decode()
    assert "switched off" in html and 'id="bacaan-ulang"' in html


def test_a_duplicate_delivery_reads_once(agendaris, org, monkeypatch):
    from naskah.masuk import ocr as ocr_lib
    from naskah.masuk.tasks import suratmasuk_unggah_ocr_task

    token = _scan(agendaris)
    pk = _pk(token)
    calls = []

    def read(files, **kw):
        calls.append(1)
        # a second delivery while this attempt runs (outside a worker: this process holds
        # the lease) leaves the work to it
        assert suratmasuk_unggah_ocr_task(pk) == "diproses"
        return _read_lines(files)

    monkeypatch.setattr(ocr_lib, "ocr_files", read)
    assert suratmasuk_unggah_ocr_task(pk) == "selesai"
    assert suratmasuk_unggah_ocr_task(pk) == "selesai"  # delivered again after it finished
    assert len(calls) == 1
    assert UnggahanMasuk.objects.get(pk=pk).baca_percobaan == 1


def test_a_reading_after_registration_does_nothing(agendaris, org, monkeypatch):
    from naskah.masuk import ocr as ocr_lib

    token = _scan(agendaris)
    pk = _pk(token)
    unggah_lib.unggah_discard(unggah_lib.unggah_get(actor=org["agendaris"], token=token))
    monkeypatch.setattr(ocr_lib, "ocr_files", lambda *a, **k: pytest.fail("read a gone upload"))
    assert unggah_lib.unggah_ocr_run(pk=pk) == "expired"


def test_a_reading_whose_worker_died_is_redone(agendaris, org, monkeypatch):
    """The process that held the attempt is gone (killed mid-OCR): the next delivery
    claims the row again and reads it, counting both attempts."""
    from naskah.masuk import ocr as ocr_lib

    token = _scan(agendaris)
    pk = _pk(token)
    gone = f"pid:{socket.gethostname()}:999999999:0"  # no such process on this host
    UnggahanMasuk.objects.filter(pk=pk).update(
        baca_status="diproses", baca_percobaan=1, baca_token="dead", baca_sewa=gone
    )
    monkeypatch.setattr(ocr_lib, "ocr_files", _read_lines)
    assert unggah_lib.unggah_ocr_run(pk=pk) == "selesai"
    row = UnggahanMasuk.objects.get(pk=pk)
    assert row.baca_percobaan == 2 and row.baca_sewa == "" and row.saran

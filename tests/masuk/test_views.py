"""The pages: registering through the form (good, bad and duplicate uploads), disposing,
re-disposing, reporting and closing through the forms, the sheet PDF and the dashboard."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Jabatan
from naskah.masuk.models import DisposisiPenerima, InstruksiDisposisi, SuratMasuk

from .conftest import make_pdf, make_scan


def media_files():
    found = []
    for _dirpath, _dirs, names in os.walk(settings.MEDIA_ROOT):
        found += names
    return found


def form_data(**over):
    data = {
        "unit": "",
        "pengirim": "Badan Siber dan Sandi Negara",
        "nomor_surat": "B-77/BSSN/2026",
        "tanggal_surat": "",
        "tanggal_diterima": timezone.localdate().isoformat(),
        "hal": "Sosialisasi Sertifikat Elektronik",
        "urgensi": "segera",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.2.3",
        "jumlah_lampiran": "0",
        "jabatan_tujuan": str(Jabatan.objects.get(nama="Kepala Biro Umum").pk),
    }
    from core.models import UnitKerja

    data["unit"] = str(UnitKerja.objects.get(kode="BIRO-UMUM").pk)
    data.update(over)
    return data


@pytest.fixture
def agendaris_client(client, org):
    client.force_login(org["agendaris"])
    return client


def test_register_through_the_form(agendaris_client, django_capture_on_commit_callbacks):
    assert agendaris_client.get("/surat-masuk/surat/baru/").status_code == 200
    data = form_data()
    data["berkas"] = [
        SimpleUploadedFile("surat.pdf", make_pdf(), "application/pdf"),
        SimpleUploadedFile("lampiran.png", make_scan("PNG"), "image/png"),
    ]
    response = agendaris_client.post("/surat-masuk/surat/baru/", data)
    surat = SuratMasuk.objects.get()
    assert response.status_code == 302 and response.url == f"/surat-masuk/surat/{surat.pk}/"
    assert surat.berkas.count() == 2
    page = agendaris_client.get(response.url)
    assert surat.nomor_agenda in page.content.decode()
    assert agendaris_client.get(f"/surat-masuk/surat/{surat.pk}/ocr/").status_code == 200
    listing = agendaris_client.get("/surat-masuk/surat/?tab=register").content.decode()
    assert surat.nomor_agenda in listing


def test_bad_upload_through_the_form_saves_nothing(agendaris_client):
    data = form_data()
    # a text file renamed .png and declared as an image
    data["berkas"] = [SimpleUploadedFile("foto.png", b"hello, not an image\n" * 50, "image/png")]
    response = agendaris_client.post("/surat-masuk/surat/baru/", data)
    assert response.status_code == 200
    assert "foto.png" in response.content.decode()
    assert SuratMasuk.objects.count() == 0 and media_files() == []


def test_duplicate_through_the_form_needs_the_tick(agendaris_client):
    def post(**over):
        data = form_data(**over)
        data["berkas"] = [SimpleUploadedFile("s.pdf", make_pdf(), "application/pdf")]
        return agendaris_client.post("/surat-masuk/surat/baru/", data)

    assert post().status_code == 302
    warned = post()
    assert warned.status_code == 200 and "konfirmasi_duplikat" in warned.content.decode()
    assert SuratMasuk.objects.count() == 1
    assert post(konfirmasi_duplikat="on").status_code == 302
    assert SuratMasuk.objects.count() == 2


def test_only_agendaris_open_the_register_form(client, org):
    client.force_login(org["karoumum"])
    assert client.get("/surat-masuk/surat/baru/").status_code == 404


def test_dispose_forward_report_close_through_the_pages(client, register, org):
    surat = register()
    kabag = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    instr = InstruksiDisposisi.objects.get(kode="ditindaklanjuti")
    client.force_login(org["karoumum"])
    page = client.get(f"/surat-masuk/surat/{surat.pk}/").content.decode()
    assert 'id="kartu-disposisi"' in page
    response = client.post(
        f"/surat-masuk/surat/{surat.pk}/disposisi/",
        {
            "root-penerima": [f"j:{kabag.pk}", f"p:{org['arsiparis'].pk}"],
            "root-utama": f"j:{kabag.pk}",
            "root-instruksi": [str(instr.pk)],
            "root-catatan": "Mohon ditindaklanjuti",
            "root-batas_waktu": "",
        },
    )
    assert response.status_code == 302
    lead = DisposisiPenerima.objects.get(utama=True)
    assert lead.ke_jabatan == kabag
    # upward is refused with a message and changes nothing
    client.force_login(org["kabagtu"])
    page = client.get(f"/surat-masuk/surat/{surat.pk}/").content.decode()  # first open: receipt
    assert f'name="l{lead.pk}-balasan"' in page
    assert f'action="/surat-masuk/cabang/{lead.pk}/teruskan/"' in page  # has people below
    lead.refresh_from_db()
    assert lead.status == "dibaca" and lead.dibaca_oleh == org["kabagtu"]
    response = client.post(
        f"/surat-masuk/cabang/{lead.pk}/teruskan/",
        {
            f"c{lead.pk}-penerima": [f"p:{org['penelaah'].pk}"],
            f"c{lead.pk}-instruksi": [str(instr.pk)],
        },
    )
    assert response.status_code == 302
    child = DisposisiPenerima.objects.get(ke_pegawai=org["penelaah"])
    client.force_login(org["penelaah"])
    page = client.get(f"/surat-masuk/surat/{surat.pk}/").content.decode()
    # nobody below her: the report, without an empty "Dispose further" form
    assert f'name="l{child.pk}-teks"' in page and "/teruskan/" not in page
    response = client.post(
        f"/surat-masuk/cabang/{child.pk}/lapor/",
        {
            f"l{child.pk}-teks": "Sudah dikerjakan",
            f"l{child.pk}-selesai": "on",
            f"l{child.pk}-berkas": [SimpleUploadedFile("hasil.pdf", make_pdf(), "application/pdf")],
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.status == "selesai" and child.laporan.get().berkas.count() == 1
    sheet = client.get(f"/surat-masuk/surat/{surat.pk}/lembar-disposisi.pdf")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    # outsiders cannot act on a branch, even by guessing its id
    client.force_login(org["agendakominfo"])
    assert client.post(f"/surat-masuk/cabang/{lead.pk}/tutup/", {"alasan": "x"}).status_code == 404
    # the head closes the letter
    client.force_login(org["karoumum"])
    response = client.post(f"/surat-masuk/surat/{surat.pk}/tutup/", {"alasan": "Selesai dibahas"})
    assert response.status_code == 302
    surat.refresh_from_db()
    assert surat.status == "selesai"
    board = client.get("/surat-masuk/dasbor/").content.decode()
    assert "Bagian Tata Usaha Pimpinan dan Kepegawaian" in board


def test_scan_and_searchable_pdf_are_served_inline_to_the_entitled_only(client, register, org):
    from naskah.masuk.services import suratmasuk_ocr_run

    surat = register(files=[('ba"d\u00e9 name.pdf', make_pdf("Teks surat yang bisa dicari"))])
    suratmasuk_ocr_run(surat_id=surat.pk)
    item = surat.berkas.get()
    client.force_login(org["karoumum"])
    response = client.get(f"/surat-masuk/surat/{surat.pk}/berkas/{item.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    # drawn by the PDF.js viewer (fetched, not framed): no page may frame it
    assert response["X-Frame-Options"] == "DENY"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/surat-masuk/surat/{surat.pk}/pdf/").status_code == 200
    client.force_login(org["agendakominfo"])
    assert client.get(f"/surat-masuk/surat/{surat.pk}/berkas/{item.pk}/").status_code == 404
    assert client.get(f"/surat-masuk/surat/{surat.pk}/pdf/").status_code == 404

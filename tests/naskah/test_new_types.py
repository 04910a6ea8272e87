"""Issue 13 item 4: the added letter types render their regulation parts from the demo
organisation, with the layout kinds they need; the drafting preview works for them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from naskah.context import naskah_render_context, naskah_render_pdf
from naskah.models import JenisNaskah
from naskah.rendering import RenderError, render_naskah
from naskah.rendering.samples.newtypes import daftar_hadir, peraturan, perjanjian, piagam, sppd
from naskah.samples import sample_revision
from tests.naskah.conftest import jabatan

pytestmark = pytest.mark.django_db

NEW_EXPECTED = {
    "sppd": [
        "SURAT PERINTAH PERJALANAN DINAS",
        "(SPPD)",
        "Pejabat yang memberi perintah",
        "KEPALA DINAS KOMUNIKASI",
        "Dewi Permatasari",
        "Maksud perjalanan dinas",
        "Mengikuti bimbingan teknis sertifikat elektronik",
        "Jakarta",
        "Pengikut",
        "Rudi Hermawan",
        "Pembebanan anggaran",
        "Dikeluarkan di",
        "Ganjar Jationo",
        "I. Berangkat dari",
        "II. Tiba di",
        "V. Tiba kembali di",
        "VI. Catatan lain-lain",
        "VII. PERHATIAN",
    ],
    "keputusan_sekda": [
        "SEKRETARIAT DAERAH",
        "KEPUTUSAN SEKRETARIS DAERAH PROVINSI LAMPUNG",
        "TENTANG",
        "DENGAN RAHMAT TUHAN YANG MAHA ESA",
        "SEKRETARIS DAERAH,",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "Menetapkan",
        "KESATU",
        "KEDUA",
        "Ditetapkan di",
        "BUDI HARTONO WIBISONO",
    ],
    "surat_izin": [
        "SURAT IZIN",
        "NOMOR",
        "Dasar",
        "MEMBERI IZIN",
        "Kepada",
        "Dewi Permatasari",
        "Untuk",
        "pelatihan keamanan informasi",
        "Ganjar Jationo",
    ],
    "surat_panggilan": [
        "SURAT PANGGILAN",
        "NOMOR",
        "Yth.",
        "Pranata Komputer Ahli Pertama",
        "Hari/tanggal",
        "Waktu",
        "Tempat",
        "Menghadap kepada",
        "Untuk",
        "Ganjar Jationo",
    ],
    "surat_pernyataan_melaksanakan_tugas": [
        "SURAT PERNYATAAN MELAKSANAKAN TUGAS",
        "NOMOR",
        "menyatakan dengan sesungguhnya bahwa",
        "Nama",
        "NIP",
        "telah nyata melaksanakan tugas",
        "Ganjar Jationo",
    ],
    "daftar_hadir": [
        "DAFTAR HADIR",
        "Acara",
        "Hari/tanggal",
        "No.",
        "Nama",
        "Jabatan/Instansi",
        "Tanda Tangan",
        "Rudi Hermawan",
        "Eko Prasetyo",
        "8.",
        "KEPALA DINAS KOMUNIKASI",
        "Ganjar Jationo",
    ],
    "piagam": [
        "PIAGAM PENGHARGAAN",
        "NOMOR",
        "diberikan kepada",
        "Dewi Permatasari, S.T.",
        "Pengelola Laman Perangkat Daerah Terbaik",
        "KEPALA DINAS KOMUNIKASI",
        "GANJAR JATIONO",
    ],
    "sertifikat": [
        "SERTIFIKAT",
        "diberikan kepada",
        "Eko Prasetyo, S.Pd.",
        "telah mengikuti",
        "GANJAR JATIONO",
    ],
    "peraturan_gubernur": [
        "GUBERNUR LAMPUNG",
        "PERATURAN GUBERNUR LAMPUNG",
        "TAHUN",
        "TENTANG",
        "PEDOMAN PENGGUNAAN TANDA TANGAN ELEKTRONIK",
        "DENGAN RAHMAT TUHAN YANG MAHA ESA",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "Menetapkan",
        "BAB I",
        "KETENTUAN UMUM",
        "Pasal 1",
        "BAB II",
        "Pasal 2",
        "Pasal 3",
        "Ditetapkan di",
        "AHMAD RIZAL MAHENDRA",
        "Diundangkan di",
        "SEKRETARIS DAERAH PROVINSI LAMPUNG",
        "BUDI HARTONO WIBISONO",
        "BERITA DAERAH PROVINSI LAMPUNG TAHUN",
        "NOMOR 15",
    ],
    "nota_kesepahaman": [
        "NOTA KESEPAHAMAN",
        "ANTARA",
        "PEMERINTAH PROVINSI LAMPUNG",
        "DAN",
        "UNIVERSITAS LAMPUNG",
        "TENTANG",
        "NOMOR",
        "NOMOR 1234/UN26/HK/2026",
        "selanjutnya disebut PIHAK KESATU",
        "selanjutnya disebut PIHAK KEDUA",
        "Pasal 1",
        "PIHAK KEDUA,",
        "Prof. Dr. Siti Rahmawati, M.Sc.",
        "PIHAK KESATU,",
        "Ganjar Jationo",
        "SAKSI-SAKSI",
        "Dr. Hendra Gunawan, M.Si.",
        "Dr. Agus Salim, M.Kom.",
    ],
    "perjanjian_kerja_sama": [
        "PERJANJIAN KERJA SAMA",
        "ANTARA",
        "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
        "DAN",
        "DINAS PENDIDIKAN DAN KEBUDAYAAN",
        "PIHAK KEDUA,",
        "Dr. Irwan Saputra, M.Pd.",
        "NIP 197203031998031004",
        "PIHAK KESATU,",
        "Ganjar Jationo",
    ],
}


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _in_order(text: str, parts: list[str]) -> None:
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} missing (or out of order) after position {pos}: {text}"
        pos = found + len(part)


def test_new_types_are_seeded_and_valid(demo):
    for kode in NEW_EXPECTED:
        JenisNaskah.objects.get(kode=kode).full_clean()
    assert JenisNaskah.objects.get(kode="keputusan_sekda").kode_klasifikasi_default.kode == (
        "100.3.3.4"
    )
    assert JenisNaskah.objects.get(kode="piagam").layout["orientation"] == "landscape"


@pytest.mark.parametrize("kode", sorted(NEW_EXPECTED))
def test_new_type_renders_required_parts_in_order(demo, kode):
    revisi = sample_revision(kode)
    text = _text(naskah_render_pdf(revisi, preview=True))
    _in_order(text, NEW_EXPECTED[kode])


@pytest.mark.parametrize("kode", ["piagam", "sertifikat"])
def test_piagam_and_sertifikat_are_landscape_and_name_without_titles(demo, kode):
    revisi = sample_revision(kode)
    layout, context = naskah_render_context(revisi, preview=True)
    assert context["penandatangan"]["name"] == "GANJAR JATIONO"  # Pasal 44(2)
    pdf = naskah_render_pdf(revisi, preview=True)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert "S.Kom." not in _text(pdf).split("KEPALA DINAS")[-1]


def test_other_khusus_types_keep_the_titles(demo):
    layout, context = naskah_render_context(sample_revision("surat_izin"), preview=True)
    assert context["penandatangan"]["name"] == "Ganjar Jationo, S.Kom., M.T."


def test_keputusan_sekda_signer_has_no_nip_and_no_titles(demo):
    text = _text(naskah_render_pdf(sample_revision("keputusan_sekda"), preview=True))
    tail = text.split("Ditetapkan di")[-1]
    assert "NIP" not in tail and "M.Si." not in tail


# --- renderer level: the new kinds, and their bad input ----------------------------------


def test_landscape_is_a_layout_option_for_any_paper():
    layout, context = piagam()
    for paper, long_side in (("A4", 297), ("F4", 330)):
        page = PdfReader(io.BytesIO(render_naskah({**layout, "paper": paper}, context))).pages[0]
        assert float(page.mediabox.width) == pytest.approx(long_side * 72 / 25.4, abs=0.5)
    portrait = render_naskah({**layout, "orientation": "portrait"}, context)
    page = PdfReader(io.BytesIO(portrait)).pages[0]
    assert float(page.mediabox.width) < float(page.mediabox.height)
    with pytest.raises(RenderError, match="orientation"):
        render_naskah({**layout, "orientation": "diagonal"}, context)


def test_peraturan_numbers_in_produk_hukum_form():
    text = _text(render_naskah(*peraturan()))
    _in_order(
        text,
        [
            "PERATURAN GUBERNUR LAMPUNG",
            "NOMOR 15 TAHUN 2026",
            "BAB I",
            "Pasal 1",
            "Ditetapkan di Bandar Lampung",
            "ARIF PRATAMA",
            "Diundangkan di Bandar Lampung",
            "pada tanggal 23 November 2026",
            "BUDI SANTOSO",
            "BERITA DAERAH PROVINSI LAMPUNG TAHUN 2026 NOMOR 15",
        ],
    )


@pytest.mark.parametrize(
    ("factory", "field", "message"),
    [
        (piagam, "penerima", "penerima"),
        (perjanjian, "pihak_kedua_nama", "pihak_kedua_nama"),
        (perjanjian, "pihak_kedua_instansi", "pihak_kedua_instansi"),
        (peraturan, "tentang", "tentang"),
    ],
)
def test_new_kinds_refuse_missing_required_fields(factory, field, message):
    layout, context = factory()
    fields = {k: v for k, v in context["fields"].items() if k != field}
    context = {**context, "fields": fields, "hal": ""}
    with pytest.raises(RenderError, match=message):
        render_naskah(layout, context)


def test_daftar_hadir_needs_rows_and_numbers_them():
    layout, context = daftar_hadir()
    text = _text(render_naskah(layout, context))
    _in_order(text, ["Rudi Hermawan", "Dewi Permatasari", "3.", "4.", "5."])
    empty = {**context, "fields": {"peserta": [], "baris_tambahan": 0}}
    with pytest.raises(RenderError, match="participants"):
        render_naskah(layout, empty)
    with pytest.raises(RenderError, match="whole number"):
        render_naskah(layout, {**context, "fields": {"baris_tambahan": "banyak"}})


def test_sppd_is_a_two_sided_form_one_page_each():
    pdf = render_naskah(*sppd())
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2
    assert "SURAT PERINTAH PERJALANAN DINAS" in pages[0] and "NIP 1968" in pages[0]
    assert "I. Berangkat dari: Bandar Lampung" in pages[1]
    assert "Ke: Jakarta" in pages[1] and "VII. PERHATIAN" in pages[1]
    assert "- 2 -" not in pages[1]  # the back of a form carries no page number
    layout, context = sppd()
    fields = {k: v for k, v in context["fields"].items() if k != "pegawai"}
    with pytest.raises(RenderError, match="pegawai"):
        render_naskah(layout, {**context, "fields": fields})


def test_perjanjian_has_two_signature_columns_and_witnesses():
    pdf = render_naskah(*perjanjian())
    text = _text(pdf)
    _in_order(text, ["PIHAK KEDUA,", "Prof. Dr. Siti Rahmawati", "PIHAK KESATU,", "SAKSI-SAKSI"])
    assert "Dr. Agus Salim" in text


# --- drafting form and live preview ------------------------------------------------------


def test_drafting_preview_of_a_piagam(client, demo):
    client.force_login(demo["prakommuda"])
    data = {
        "penandatangan": jabatan("Kepala Dinas Komunikasi, Informatika dan Statistik").pk,
        "mandat": "",
        "hal": "Piagam Penghargaan",
        "urgensi": "biasa",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.5",
        "tempat": "",
        "body": "atas prestasinya sebagai pengelola laman terbaik.",
        "f_penerima": "Siti Aminah, S.Kom.",
        "penerima": [],
    }
    response = client.post(reverse("naskah:preview_new", args=["piagam"]), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Siti Aminah, S.Kom." in text and "PIAGAM PENGHARGAAN" in text


def test_drafting_form_shows_the_fields_of_a_nota_kesepahaman(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.get(reverse("naskah:new", args=["nota_kesepahaman"]))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("f_pihak_kedua_instansi", "f_pihak_kedua_nama", "f_saksi"):
        assert f'name="{name}"' in page
    data = {
        "penandatangan": jabatan("Kepala Dinas Komunikasi, Informatika dan Statistik").pk,
        "mandat": "",
        "hal": "Kerja Sama",
        "urgensi": "biasa",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.5",
        "tempat": "",
        "body": "## Pasal 1\n\nPARA PIHAK sepakat bekerja sama.",
        "f_tentang": "Kerja Sama Pelatihan",
        "f_pihak_kedua_instansi": "Politeknik Negeri Lampung",
        "f_pihak_kedua_nama": "Dr. Bambang Sutrisno",
        "f_pihak_kedua_jabatan": "Direktur Politeknik Negeri Lampung",
        "f_saksi": "Andi Wijaya; Kepala Bagian Umum",
        "penerima": [],
    }
    response = client.post(reverse("naskah:preview_new", args=["nota_kesepahaman"]), data)
    assert response.status_code == 200
    text = _text(response.content)
    _in_order(text, ["POLITEKNIK NEGERI LAMPUNG", "PIHAK KEDUA,", "Dr. Bambang Sutrisno"])
    assert "Andi Wijaya" in text

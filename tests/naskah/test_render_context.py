"""Every registered type renders through the context builder from the demo organisation;
the parts the regulation requires appear in the extracted text, in order."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from naskah.context import kop_context, naskah_render_context, naskah_render_pdf
from naskah.diff import revision_diff
from naskah.markup import blocks_from_markup, markup_from_blocks
from naskah.models import JenisNaskah
from naskah.samples import sample_revision, samples
from tests.naskah.conftest import jabatan
from tests.naskah.test_new_types import NEW_EXPECTED

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _in_order(text: str, parts: list[str]) -> None:
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} missing (or out of order) after position {pos}"
        pos = found + len(part)


EXPECTED = {
    "surat_dinas": [
        "SEKRETARIAT DAERAH",
        "Nomor",
        "Hal",
        "Yth.",
        "30 hari",
        "a.n. GUBERNUR LAMPUNG",
        "SEKRETARIS DAERAH",
        "Dr. Ir. Budi Hartono Wibisono, M.Si.",
        "Tembusan",
    ],
    "surat_undangan": [
        "DINAS KOMUNIKASI",
        "Hari/tanggal",
        "Waktu",
        "Tempat",
        "Acara",
        "tepat waktu",
        "KEPALA DINAS KOMUNIKASI",
        "Ganjar Jationo, S.Kom., M.T.",
        "NIP 197411112000121003",
    ],
    "nota_dinas": ["NOTA DINAS", "Kepada", "Dari", "Hal", "Rudi Hermawan"],
    "memo": ["MEMO", "Kepada", "Ganjar Jationo"],
    "surat_edaran": [
        "Yth.",  # above the title
        "Kepala Perangkat Daerah",
        "SURAT EDARAN",
        "NOMOR \u2026/\u2026 TAHUN 20",
        "TENTANG",
        "PENGGUNAAN NASKAH DINAS ELEKTRONIK",
        "Dikeluarkan di",
        # arahan, but not pengaturan (Pasal 44): the name keeps its titles
        "Dr. Ir. Budi Hartono Wibisono, M.Si.",
    ],
    "instruksi": [
        "GUBERNUR LAMPUNG",
        "INSTRUKSI GUBERNUR LAMPUNG",
        "TENTANG",
        "PERCEPATAN TRANSFORMASI DIGITAL PEMERINTAHAN",
        "GUBERNUR LAMPUNG,",
        "dengan ini menginstruksikan:",
        "Kepada",
        "1. Sekretaris Daerah Provinsi Lampung",
        "Untuk",
        "KESATU",
        "Menggunakan aplikasi",
        "KEDUA",
        "KETIGA",
        "Dikeluarkan di",
        "Ahmad Rizal Mahendra, S.E., M.M.",
    ],
    "surat_perintah": [
        "SURAT PERINTAH",
        "Dasar",
        "MEMERINTAHKAN",
        "Kepada",
        "Rudi Hermawan",
        "Dewi Permatasari",
        "Untuk",
        "Ganjar Jationo",
    ],
    "surat_tugas": ["SURAT TUGAS", "Dasar", "Kepada", "Andika Saputra", "Untuk"],
    "keputusan_gubernur": [
        "KEPUTUSAN GUBERNUR LAMPUNG",
        "TENTANG",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "Menetapkan",
        "KESATU",
        "KEDUA",
        "KETIGA",
        "Ditetapkan di",
        "AHMAD RIZAL MAHENDRA",
    ],
    "keputusan_kepala_pd": [
        "KEPUTUSAN KEPALA DINAS KOMUNIKASI",
        "Menimbang",
        "KESATU",
        "GANJAR JATIONO",
    ],
    "surat_keterangan": [
        "DINAS PENDIDIKAN DAN KEBUDAYAAN",
        "SURAT KETERANGAN",
        "NOMOR \u2026",
        "Nama : Eko Prasetyo, S.Pd.",
        "NIP : 199009092015031002",
        "Jabatan : Analis Kurikulum",
        "Plt. KEPALA DINAS",
        "Dr. Irwan Saputra, M.Pd.",
    ],
    "surat_pengantar": [
        "SURAT PENGANTAR",
        "a.n. GUBERNUR LAMPUNG",
        "SEKRETARIS DAERAH",
        "u.b.",
        "ASISTEN ADMINISTRASI UMUM",
        "Hendra Gunawan",
        "Diterima tanggal",  # the recipient's acknowledgement
        "Penerima,",
        "Nama",
        "NIP",
    ],
    "surat_kuasa": [
        "SURAT KUASA",
        "Yang bertanda tangan di bawah ini:",
        "Nama : Ganjar Jationo, S.Kom., M.T.",
        "NIP : 197411112000121003",
        "selanjutnya disebut PEMBERI KUASA.",
        "Memberi kuasa kepada:",
        "Nama : Bayu Aji Nugroho",
        "selanjutnya disebut PENERIMA KUASA.",
        "Untuk mengambil",
        # both signature blocks: Penerima Kuasa on the left, Pemberi Kuasa on the right
        "Penerima Kuasa",
        "Bayu Aji Nugroho, A.Md.",
        "NIP 199608102022031003",
        "Pemberi Kuasa",
        "Ganjar Jationo, S.Kom., M.T.",
    ],
    "surat_pernyataan": [
        "SURAT PERNYATAAN",
        "Nama : Rudi Hermawan, S.Kom., M.Cs.",
        "NIP : 198001252006041007",
        "Pangkat/Gol. : Penata Tingkat I (III/d)",
        "menyatakan",
        "Rudi Hermawan",
    ],
    "berita_acara": [
        "BERITA ACARA SERAH TERIMA PERANGKAT SERVER",
        "Yang bertanda tangan di bawah ini:",
        "Nama : Ganjar Jationo, S.Kom., M.T.",
        "Jabatan : Kepala Dinas Komunikasi",
        "selanjutnya disebut PIHAK KESATU.",
        "Nama : Dr. Irwan Saputra, M.Pd.",
        "Jabatan : Plt. Kepala Dinas Pendidikan",
        "selanjutnya disebut PIHAK KEDUA.",
        "Pihak Kesatu",
        "Ganjar Jationo",
        "Pihak Kedua",
        "Irwan Saputra",
        "Mengetahui",
        "SEKRETARIS DAERAH",
        "Budi Hartono Wibisono",
    ],
    "pengumuman": ["PENGUMUMAN", "TENTANG", "Ganjar Jationo"],
    "laporan": ["LAPORAN", "A. Pendahuluan", "E. Penutup", "Ganjar Jationo"],
    "telaahan_staf": [
        "TELAAHAN STAF",
        "Kepada : Yth. Kepala Dinas Komunikasi",
        "Dari : Kepala Bidang Aplikasi Informatika",
        "Tanggal",
        "Perihal : Pengadaan Sertifikat Elektronik bagi Pejabat",
        "A. Persoalan",
        "B. Praanggapan",
        "C. Fakta",
        "D. Analisis",
        "E. Simpulan",
        "F. Saran",
        "Rudi Hermawan",
    ],
    "notula": [
        "NOTULA",
        "Hari/tanggal",
        "Waktu panggilan : 12.30 WIB",
        "Waktu rapat : 13.00 WIB",
        "Pimpinan rapat",
        "Sekretaris/Pencatat : Putri Ayu Wulandari, S.Si.",
        "Rapat dibuka : pukul 13.05 WIB",
        "Rapat ditutup : pukul 15.00 WIB",
        "Hasil Rapat",
        "Peserta rapat",
        # both sign: the note-taker on the left, the chair (the letter's signer) right
        "Sekretaris/Pencatat",
        "Putri Ayu Wulandari, S.Si.",
        "Pimpinan Rapat",
        "Plh. KEPALA BIDANG PERSANDIAN",
    ],
    "rekomendasi": [
        "REKOMENDASI",
        "Instansi : Dinas Pendidikan dan Kebudayaan Provinsi Lampung",
        "Subdomain : sma.lampungprov.go.id",
    ],
    "lembar_disposisi": [
        "LEMBAR DISPOSISI",
        "Universitas Lampung",
        "123/UN26/HM/2026",
        "Tindak lanjuti",
        "Mohon dilaporkan",
        "Paraf oleh",  # paraf and date, not a full signature block
        "KEPALA DINAS KOMUNIKASI",
        "Ganjar Jationo",
    ],
}

# What a layout must NOT print (issue 13 item 5).
ABSENT = {
    "laporan": ["NOMOR"],
    "notula": ["NOMOR"],
    "telaahan_staf": ["NOMOR", "TENTANG"],
    "lembar_disposisi": ["[utama]", "NIP"],
}


def test_every_registered_type_has_a_sample_and_expectation(demo):
    kodes = set(JenisNaskah.objects.values_list("kode", flat=True))
    assert kodes == set(samples()) == set(EXPECTED) | set(NEW_EXPECTED)
    assert len(kodes) >= 31


@pytest.mark.parametrize("kode", sorted(EXPECTED))
def test_type_renders_required_parts_in_order(demo, kode):
    revisi = sample_revision(kode)
    layout, context = naskah_render_context(revisi, preview=True)
    assert context["watermark"] == "KONSEP" and context["nomor"] is None
    text = _text(naskah_render_pdf(revisi, preview=True))
    _in_order(text, EXPECTED[kode])
    for absent in ABSENT.get(kode, []):
        assert absent not in text, absent
    assert "NOMOR:" not in text  # title lines print "NOMOR" without a colon


def test_long_letter_runs_over_several_pages(demo):
    pdf = naskah_render_pdf(sample_revision("laporan"), preview=False)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert "- 2 -" in reader.pages[1].extract_text()


def test_kop_walks_up_to_a_unit_with_its_own_letterhead(demo):
    bidang = jabatan("Kepala Bidang Aplikasi Informatika")
    kop = kop_context(bidang.unit, kepala_daerah=False, signer=bidang)
    assert kop["variant"] == "perangkat_daerah"
    assert kop["lines"][-1] == "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"
    asisten = jabatan("Asisten Administrasi Umum")
    assert kop_context(asisten.unit, kepala_daerah=False, signer=asisten)["lines"][-1] == (
        "SEKRETARIAT DAERAH"
    )
    gub = kop_context(bidang.unit, kepala_daerah=True, signer=bidang)
    assert gub == {
        "variant": "kepala_daerah",
        "emblem": "garuda",
        "lines": ["GUBERNUR LAMPUNG"],
        "address_lines": [],
    }


def test_markup_round_trip():
    text = (
        "Paragraf dengan **tebal** dan _miring_.\n\n1. satu\n2. dua\n\n"
        "a. huruf\n\n| A | B |\n| 1 | 2 |\n\n## Judul"
    )
    blocks = blocks_from_markup(text)
    assert [b["type"] for b in blocks] == ["paragraph", "list", "list", "table", "heading"]
    assert blocks[0]["runs"][1] == {
        "text": "tebal",
        "bold": True,
        "italic": False,
        "underline": False,
    }
    assert blocks_from_markup(markup_from_blocks(blocks)) == blocks
    # Angle brackets stay literal text in a run; nothing is ever interpreted as HTML.
    assert blocks_from_markup("<b>x</b>")[0]["runs"] == [
        {"text": "<b>x</b>", "bold": False, "italic": False, "underline": False}
    ]


def test_diff_between_two_revisions(make_draft, demo):
    from naskah.services import naskah_update

    naskah = make_draft()
    rev1 = naskah.revisi.get()
    rev2 = naskah_update(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        penandatangan=naskah.penandatangan,
        hal="Hal yang diubah",
        urgensi="segera",
        body=blocks_from_markup(
            "Dengan hormat, bersama ini kami sampaikan permohonan data terbaru.\n\n"
            "Demikian atas perhatiannya kami ucapkan terima kasih."
        ),
    )
    diff = revision_diff(rev1, rev2)
    changed = {f.label: (f.old, f.new) for f in diff.changed_fields}
    assert changed["Subject (hal)"] == ("Permohonan Data Layanan Aplikasi", "Hal yang diubah")
    assert "Urgency" in changed and "Signer" not in changed
    tags = [(line.tag, line.old, line.new) for line in diff.body]
    assert tags[0][0] == "replace" and tags[0][2].endswith("data terbaru.")
    assert tags[1] == ("equal",) + ("Demikian atas perhatiannya kami ucapkan terima kasih.",) * 2


def test_render_samples_command_writes_a_valid_pdf_per_type(demo, tmp_path):
    call_command("render_samples", "--out", str(tmp_path))
    for kode in EXPECTED:
        path = tmp_path / f"{kode}.pdf"
        reader = PdfReader(path)
        assert len(reader.pages) >= 1
        assert reader.pages[0].extract_text().strip(), kode

"""render_naskah: every layout kind, page furniture, lampiran, watermark, TTE, bad input."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re

import pytest
from pypdf.generic import NameObject
from reportlab.lib.units import mm

from naskah.rendering import LAYOUT_KINDS, RenderError, render_naskah
from naskah.rendering.samples import (
    KOP_GUBERNUR,
    SAMPLES,
    berita_acara,
    disposisi,
    keputusan,
    nota_dinas,
    para,
    surat,
    surat_tugas,
)

from .rendering_helpers import (
    assert_in_order,
    encrypted_pdf,
    full_text,
    page_texts,
    plain_pdf,
    reader,
)

TTE = {"qr_url": "https://naskah.example.go.id/verifikasi/abc123", "footer_text": ""}


def test_layout_kinds_are_the_contract_kinds():
    assert set(LAYOUT_KINDS) == {
        "surat",
        "nota_dinas",
        "judul",
        "keputusan",
        "disposisi",
        # issue 13 item 4
        "daftar_hadir",
        "piagam",
        "peraturan",
        "perjanjian",
        "sppd",
    }
    covered = {factory()[0]["kind"] for factory in SAMPLES.values()}
    assert covered == set(LAYOUT_KINDS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_renders_a_pdf_pypdf_can_open(name):
    layout, context = SAMPLES[name]()
    pdf = render_naskah(layout, context)
    pdf_reader = reader(pdf)
    assert len(pdf_reader.pages) >= 1
    assert page_texts(pdf)[0]


def test_surat_parts_in_order():
    text = full_text(render_naskah(*surat()))
    assert_in_order(
        text,
        [
            "PEMERINTAH PROVINSI LAMPUNG",
            "DINAS KOMUNIKASI, INFORMATIKA DAN",
            "Bandar Lampung, 22 November 2026",
            "Nomor : 000.1.2.3/15/V.05/2026",
            "Sifat : Biasa",
            "Lampiran : -",
            "Hal : Undangan Rapat Koordinasi",
            "Yth. Kepala Dinas Pendidikan dan Kebudayaan Provinsi Lampung",
            "di Bandar Lampung",
            "Dalam rangka percepatan",
            "Hari/tanggal : Senin, 30 November 2026",
            "KEPALA DINAS KOMUNIKASI,",
            "Dr. Ir. Rahmat Hidayat, M.Si.",
            "Pembina Utama Madya (IV/d)",
            "NIP 196805121993031005",
            "Tembusan:",
            "1. Gubernur Lampung (sebagai laporan)",
            "2. Sekretaris Daerah Provinsi Lampung",
        ],
    )


def test_nota_dinas_parts_in_order():
    text = full_text(render_naskah(*nota_dinas()))
    assert_in_order(
        text,
        [
            "DINAS KOMUNIKASI",
            "NOTA DINAS",
            "Kepada : Yth. Kepala Dinas Komunikasi",
            "Dari : Kepala Bidang Aplikasi Informatika",
            "Tembusan : Sekretaris Dinas Kominfotik",
            "Tanggal :",
            "Nomor :",
            "Sifat : Segera",
            "Lampiran : -",
            "Hal : Laporan Kemajuan",
            "Bersama ini kami laporkan",
            "1. modul konsep",
            "KEPALA BIDANG APLIKASI",
            "Siti Aminah, S.Kom., M.T.",
            "NIP 198003152005012003",
        ],
    )


def test_surat_tugas_parts_in_order():
    text = full_text(render_naskah(*surat_tugas()))
    assert_in_order(
        text,
        [
            "DINAS KOMUNIKASI",
            "SURAT TUGAS",
            "NOMOR 800.1.11.1/27/V.05/2026",
            "Dasar : 1. Peraturan Gubernur Lampung",
            "MEMERINTAHKAN:",
            "Kepada : 1. Nama : Andi Wijaya, S.T.",
            "NIP : 198805102011011001",
            "2. Nama : Dewi Lestari, S.Kom.",
            "Untuk : 1. melaksanakan pendampingan",
            "Bandar Lampung, 22 November 2026",
            "KEPALA DINAS KOMUNIKASI,",
            "Dr. Ir. Rahmat Hidayat, M.Si.",
            "NIP 196805121993031005",
            "Tembusan: Sekretaris Daerah Provinsi Lampung",
        ],
    )


def test_keputusan_parts_in_order():
    text = full_text(render_naskah(*keputusan()))
    assert_in_order(
        text,
        [
            "GUBERNUR LAMPUNG",
            "KEPUTUSAN GUBERNUR LAMPUNG",
            "NOMOR G/155/V.05/HK/2026",
            "TENTANG",
            "TIM PENGELOLA TATA NASKAH DINAS ELEKTRONIK PROVINSI LAMPUNG",
            "DENGAN RAHMAT TUHAN YANG MAHA ESA",
            "GUBERNUR LAMPUNG,",
            "Menimbang : a. bahwa untuk menertibkan",
            "b. bahwa berdasarkan",
            "Mengingat : 1. Undang-Undang Nomor 43 Tahun 2009",
            "MEMUTUSKAN:",
            "Menetapkan : KEPUTUSAN GUBERNUR LAMPUNG TENTANG TIM",
            "KESATU : Membentuk Tim",
            "KEDUA : Keputusan ini mulai berlaku",
            "Ditetapkan di Bandar Lampung",
            "pada tanggal 22 November 2026",
            "GUBERNUR LAMPUNG,",
            "ARIF PRATAMA",
            "Tembusan: Menteri Dalam Negeri di Jakarta",
            "LAMPIRAN KEPUTUSAN GUBERNUR LAMPUNG",
            "NOMOR : G/155/V.05/HK/2026",
            "TANGGAL : 22 November 2026",
            "SUSUNAN TIM PENGELOLA",
            "Pengarah",
            "GUBERNUR LAMPUNG,",
            "ARIF PRATAMA",
        ],
    )


def test_berita_acara_has_both_parties_in_order():
    text = full_text(render_naskah(*berita_acara()))
    assert_in_order(
        text,
        [
            "SEKRETARIAT DAERAH",
            "BERITA ACARA SERAH TERIMA ARSIP",
            "NOMOR 000.5.6.1/3/I.04/2026",
            "Pada hari ini",
            "Bandar Lampung, 22 November 2026",
            "PIHAK KESATU,",
            "Dr. Ir. Rahmat Hidayat, M.Si.",
            "PIHAK KEDUA,",
            "KEPALA BIRO UMUM,",
            "Hendra Gunawan, S.E.",
            "NIP 197507072000031004",
        ],
    )
    assert "Yth." not in text and "Hal :" not in text


def test_disposisi_form_parts_in_order():
    text = full_text(render_naskah(*disposisi()))
    assert_in_order(
        text,
        [
            "DINAS KOMUNIKASI",
            "LEMBAR DISPOSISI",
            "Surat dari: Badan Siber dan Sandi Negara",
            "Diterima tanggal: 20 November 2026",
            "Nomor surat: B-1234/BSSN/D3/PP.01.01/11/2026",
            "Nomor agenda: 1187",
            "Tanggal surat: 18 November 2026",
            "Sifat: Segera",
            "Hal: Sosialisasi Sertifikat Elektronik BSrE",
            "Diteruskan kepada: 1. Kepala Bidang Persandian",
            "Dengan hormat harap: 1. Tindak lanjuti",
            "Catatan: Siapkan peserta",
            "Dr. Ir. Rahmat Hidayat, M.Si.",
        ],
    )


def test_kop_jabatan_kepala_daerah_and_uptd_variants():
    layout, context = surat()
    context = {**context, "kop": KOP_GUBERNUR}
    first = page_texts(render_naskah(layout, context))[0]
    assert first.startswith("GUBERNUR LAMPUNG")
    uptd = {
        "variant": "uptd",
        "emblem": "daerah",
        "lines": [
            "PEMERINTAH PROVINSI LAMPUNG",
            "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
            "UPTD PUSAT DATA",
        ],
        "address_lines": ["Jalan Contoh No. 1, Bandar Lampung"],
    }
    first = page_texts(render_naskah(layout, {**context, "kop": uptd}))[0]
    assert_in_order(first, ["PEMERINTAH", "DINAS KOMUNIKASI", "UPTD PUSAT DATA", "Jalan Contoh"])


def test_kop_is_on_the_first_page_only():
    texts = page_texts(render_naskah(*surat(long=True, rows=120)))
    assert len(texts) > 2
    assert "PEMERINTAH PROVINSI LAMPUNG" in texts[0]
    assert all("PEMERINTAH PROVINSI LAMPUNG" not in t for t in texts[1:])


def test_kop_emblem_image_replaces_the_vector_emblem():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 160, 40)).save(buffer, format="PNG")
    layout, context = surat()
    kop = {**context["kop"], "emblem_image": buffer.getvalue()}
    page = reader(render_naskah(layout, {**context, "kop": kop})).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    assert any(xobjects[name]["/Subtype"] == NameObject("/Image") for name in xobjects)
    plain = reader(render_naskah(layout, context)).pages[0]
    plain_xobjects = plain["/Resources"].get("/XObject", {})
    assert not any(
        plain_xobjects[name]["/Subtype"] == NameObject("/Image") for name in plain_xobjects
    )


def test_multi_page_letter_has_page_numbers_and_continuation_words():
    pdf = render_naskah(*surat(long=True))
    texts = page_texts(pdf)
    assert len(texts) == 10
    assert not re.search(r"- 1 -", texts[0])
    for number, text in enumerate(texts[1:], start=2):
        assert text.startswith(f"- {number} -"), text[:40]
    for index, text in enumerate(texts[:-1]):
        match = re.search(r"(\S+)\.\.\.$", text)
        assert match, f"page {index + 1} ends without a continuation word: {text[-60:]!r}"
        word = match.group(1)
        following = texts[index + 1]
        body = following.removeprefix(f"- {index + 2} -").strip()
        body = body.removeprefix("No. Nama Aplikasi Pengelola Status Tahun").strip()
        assert body.startswith(word + " "), (word, body[:60])
    assert not texts[-1].endswith("...")


def test_continuation_words_can_be_switched_off():
    layout, context = surat(long=True, rows=120)
    texts = page_texts(render_naskah({**layout, "continuation_words": False}, context))
    assert len(texts) > 1
    assert not any(t.endswith("...") for t in texts)
    texts = page_texts(render_naskah({**layout, "page_numbers": False}, context))
    assert not texts[1].startswith("- 2 -")


def test_typed_lampiran_continue_page_numbers_and_are_signed_again():
    layout, context = keputusan()
    second = {"judul": "JADWAL KEGIATAN", "body": [{"type": "heading", "text": "Jadwal"}]}
    context = {**context, "lampiran": [*context["lampiran"], second]}
    texts = page_texts(render_naskah(layout, context))
    assert len(texts) == 3
    assert_in_order(
        texts[1],
        ["- 2 -", "LAMPIRAN I KEPUTUSAN GUBERNUR LAMPUNG", "NOMOR", "TANGGAL", "ARIF PRATAMA"],
    )
    assert_in_order(
        texts[2],
        ["- 3 -", "LAMPIRAN II KEPUTUSAN GUBERNUR LAMPUNG", "JADWAL KEGIATAN", "ARIF PRATAMA"],
    )
    # no continuation word from the naskah into its lampiran
    assert not texts[0].endswith("...")
    assert not texts[1].endswith("...")


def test_uploaded_lampiran_pdfs_are_merged_after_the_letter():
    layout, context = surat(lampiran_pdfs=[plain_pdf(5, "Unggahan A"), plain_pdf(2, "Unggahan B")])
    texts = page_texts(render_naskah(layout, context))
    assert len(texts) == 1 + 5 + 2
    assert "Dr. Ir. Rahmat Hidayat" in texts[0]
    assert texts[1] == "Unggahan A halaman 1"
    assert texts[5] == "Unggahan A halaman 5"
    assert texts[7] == "Unggahan B halaman 2"


def test_preview_watermark_on_every_page_including_merged_ones():
    layout, context = surat(long=True, rows=60, lampiran_pdfs=[plain_pdf(2)])
    context = {**context, "watermark": "KONSEP"}
    texts = page_texts(render_naskah(layout, context))
    assert len(texts) >= 4
    assert all("KONSEP" in text for text in texts)


def test_signed_render_has_no_watermark_and_a_tte_block():
    layout, context = surat()
    context = {**context, "watermark": "KONSEP", "tte": TTE}
    pdf = render_naskah(layout, context)
    text = full_text(pdf)
    assert "KONSEP" not in text
    assert_in_order(text, ["Pindai untuk verifikasi", "Tembusan:"])
    assert "Dokumen ini telah ditandatangani secara elektronik." in text
    assert "BSrE" not in text  # no issuer given: none is claimed
    signed = reader(pdf).pages[0].get_contents().get_data()
    unsigned = reader(render_naskah(*surat())).pages[0].get_contents().get_data()
    # the vector QR code is hundreds of filled rectangles
    assert signed.count(b" re") > unsigned.count(b" re") + 100


def test_tte_footer_on_every_page():
    layout, context = keputusan()
    footer = "Ditandatangani secara elektronik oleh Gubernur Lampung."
    context = {**context, "tte": {"qr_url": TTE["qr_url"], "footer_text": footer}}
    texts = page_texts(render_naskah(layout, context))
    assert len(texts) == 2
    assert footer in texts[0]
    assert footer in texts[1]


def test_preview_placeholders_for_number_and_date():
    layout, context = surat()
    context = {**context, "nomor": None, "tanggal": None, "tahun": 2026}
    text = full_text(render_naskah(layout, context))
    assert "Nomor : \u2026/\u2026/\u2026/2026" in text
    assert "22 November" not in text
    assert re.search(r"Bandar Lampung, 2026", text)


def test_indonesian_dates_do_not_depend_on_the_locale():
    from naskah.rendering import format_tanggal

    assert format_tanggal(dt.date(2026, 11, 22)) == "22 November 2026"
    assert format_tanggal(dt.date(2027, 1, 5)) == "5 Januari 2027"
    assert format_tanggal(dt.date(2026, 8, 17)) == "17 Agustus 2026"


@pytest.mark.parametrize(
    ("klasifikasi", "label", "red"),
    [
        ("Rahasia", "RAHASIA", True),
        ("Sangat Rahasia", "SANGAT RAHASIA", True),
        ("Terbatas", "TERBATAS", False),
    ],
)
def test_security_class_printed_top_left(klasifikasi, label, red):
    layout, context = surat()
    pdf = render_naskah(layout, {**context, "klasifikasi_keamanan": klasifikasi})
    assert page_texts(pdf)[0].startswith(label)
    content = reader(pdf).pages[0].get_contents().get_data()
    red_fill = re.search(rb"0?\.776471 0?\.156863 0?\.156863 rg", content) is not None
    assert red_fill is red


def test_biasa_prints_no_security_class():
    text = page_texts(render_naskah(*surat()))[0]
    assert not re.search(r"RAHASIA|TERBATAS", text)


@pytest.mark.parametrize(("paper", "size_mm"), [("A4", (210, 297)), ("F4", (215, 330))])
def test_paper_sizes(paper, size_mm):
    layout, context = surat()
    page = reader(render_naskah({**layout, "paper": paper}, context)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(size_mm[0] * mm, abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(size_mm[1] * mm, abs=0.5)


@pytest.mark.parametrize(("font", "base"), [("arial", "LiberationSans"), ("bookman", "URWBookman")])
def test_fonts_are_embedded(font, base):
    layout, context = surat()
    page = reader(render_naskah({**layout, "font": font}, context)).pages[0]
    fonts = page["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font_dict = ref.get_object()
        names.append(str(font_dict["/BaseFont"]))
        descriptor = font_dict.get("/FontDescriptor")
        if descriptor is None:  # Type0 wraps the descriptor in its descendant font
            descriptor = font_dict["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert all(base in name for name in names), names


def test_body_blocks_runs_lists_tables_and_fields():
    layout, context = surat()
    body = [
        {
            "type": "paragraph",
            "runs": [
                {"text": "Tebal", "bold": True},
                {"text": " dan "},
                {"text": "garis bawah", "underline": True},
            ],
            "align": "left",
        },
        {"type": "heading", "text": "A. Latar Belakang"},
        {
            "type": "list",
            "style": "bullet",
            "items": [
                [
                    {"type": "paragraph", "runs": [{"text": "butir satu"}]},
                    {
                        "type": "list",
                        "style": "numbered",
                        "items": [[{"type": "paragraph", "runs": [{"text": "anak satu"}]}]],
                    },
                ]
            ],
        },
        {"type": "table", "header": ["Kolom A", "Kolom B"], "rows": [["isi a", "isi b"]]},
        {"type": "fields", "rows": [["Waktu", "09.00 WIB"]]},
    ]
    text = full_text(render_naskah(layout, {**context, "body": body}))
    assert_in_order(
        text,
        [
            "Tebal dan garis bawah",
            "A. Latar Belakang",
            "\u2022 butir satu",
            "1) anak satu",
            "Kolom A Kolom B",
            "isi a isi b",
            "Waktu : 09.00 WIB",
        ],
    )


def test_table_header_repeats_on_every_page():
    texts = page_texts(render_naskah(*surat(long=True, rows=120)))
    assert len(texts) >= 3
    for text in texts[1:]:
        if "Aplikasi layanan" in text:
            assert "No. Nama Aplikasi Pengelola Status Tahun" in text


def test_render_is_pure_and_leaves_inputs_untouched():
    layout, context = keputusan()
    before = copy.deepcopy((layout, context))
    first = render_naskah(layout, context)
    assert (layout, context) == before
    assert render_naskah(layout, context) == first


# bad input ------------------------------------------------------------------------------


def test_render_error_is_a_value_error():
    assert issubclass(RenderError, ValueError)


@pytest.mark.parametrize(
    ("layout_change", "context_change", "message"),
    [
        ({"kind": "memo_rahasia"}, {}, "Unknown layout kind"),
        ({"paper": "Letter"}, {}, "Unknown paper"),
        ({"font": "comic"}, {}, "Unknown font"),
        ({"margins_mm": {"left": 1}}, {}, "Margin"),
        ({"nomor_format": "NOMOR {nomer}"}, {}, "nomor_format"),
        ({"page_number_format": "- {page} -"}, {}, "page_number_format"),
        ({}, {"tanggal": "2026-11-22"}, "tanggal"),
        ({}, {"body": [{"type": "video"}]}, "Unknown body block type"),
        ({}, {"body": [{"type": "list", "style": "roman", "items": []}]}, "Unknown list style"),
        ({}, {"body": [{"type": "table", "header": ["A"], "rows": [["1", "2"]]}]}, "table row"),
        ({}, {"kop": {"variant": "kecamatan", "lines": ["X"]}}, "Unknown kop variant"),
        ({}, {"kop": {"lines": ["X"], "emblem_image": b"not an image"}}, "emblem image"),
        ({}, {"kop": {"lines": ["X"], "emblem": "bintang"}}, "Unknown kop emblem"),
        ({}, {"penandatangan": [{"lines_above": []}]}, "name"),
        ({}, {"klasifikasi_keamanan": "Top Secret"}, "klasifikasi_keamanan"),
        ({}, {"tte": {"qr_url": ""}}, "qr_url"),
        ({}, {"lampiran_pdfs": [b"not a pdf at all"]}, "not a readable PDF"),
        ({}, {"lampiran_pdfs": ["/etc/passwd"]}, "must be bytes"),
    ],
)
def test_bad_input_raises_render_error(layout_change, context_change, message):
    layout, context = surat()
    with pytest.raises(RenderError, match=message):
        render_naskah({**layout, **layout_change}, {**context, **context_change})


def test_encrypted_lampiran_pdf_is_refused():
    layout, context = surat()
    with pytest.raises(RenderError, match="encrypted"):
        render_naskah(layout, {**context, "lampiran_pdfs": [encrypted_pdf()]})


def test_judul_without_title_is_refused():
    layout, context = surat_tugas()
    with pytest.raises(RenderError, match="title"):
        render_naskah({**layout, "title": ""}, context)


def test_continuation_word_follows_a_paragraph_split_inside_a_labelled_section():
    layout, context = keputusan()
    long_items = [
        [para(f"bahwa pertimbangan nomor {i} " + "sangat panjang dan rinci " * 12 + ";")]
        for i in range(20)
    ]
    fields = {
        **context["fields"],
        "menimbang": [{"type": "list", "style": "lettered", "items": long_items}],
    }
    texts = page_texts(render_naskah(layout, {**context, "fields": fields, "lampiran": []}))
    assert len(texts) >= 3
    for index, text in enumerate(texts[:-1]):
        word = re.search(r"(\S+)\.\.\.$", text).group(1)
        following = texts[index + 1].removeprefix(f"- {index + 2} -").split()
        # the first word of the next page, ignoring a list label such as "n."
        assert word in following[:2], (word, following[:4])


def test_addressee_beside_the_number_block_when_configured():
    layout, context = surat()
    context = {**context, "tujuan": ["Kepala Dinas A", "Kepala Dinas B"]}
    text = full_text(render_naskah({**layout, "addressee_position": "right"}, context))
    assert_in_order(
        text,
        [
            "Nomor :",
            "Hal :",
            "Kepada",
            "1. Yth. Kepala Dinas A",
            "2. Yth. Kepala Dinas B",
            "di Bandar Lampung",
            "Dalam rangka",
        ],
    )
    with pytest.raises(RenderError, match="addressee_position"):
        render_naskah({**layout, "addressee_position": "top"}, context)


def test_instruksi_with_tentang_and_a_list_of_addressees():
    layout, context = surat_tugas()
    layout = {**layout, "title": "INSTRUKSI GUBERNUR LAMPUNG", "place_date_label": "Dikeluarkan di"}
    fields = {
        "tentang": "Percepatan Penerapan TNDE",
        "kepada": ["Para Kepala Perangkat Daerah", "Para Kepala Biro"],
        "perintah_label": "MENGINSTRUKSIKAN:",
        "untuk": [para("menerapkan TNDE paling lambat 31 Desember 2026.")],
    }
    text = full_text(render_naskah(layout, {**context, "fields": fields}))
    assert_in_order(
        text,
        [
            "INSTRUKSI GUBERNUR LAMPUNG",
            "TENTANG",
            "PERCEPATAN PENERAPAN TNDE",
            "MENGINSTRUKSIKAN:",
            "Kepada : 1. Para Kepala Perangkat Daerah",
            "2. Para Kepala Biro",
            "Untuk : menerapkan TNDE",
            "Dikeluarkan di Bandar Lampung",
            "pada tanggal 22 November 2026",
        ],
    )


def test_a_table_cell_taller_than_a_page_continues_on_the_next_page():
    layout, context = surat()
    body = [{"type": "table", "header": ["Uraian", "Ket."], "rows": [["rinci " * 3000, "ada"]]}]
    texts = page_texts(render_naskah(layout, {**context, "body": body}))
    assert len(texts) >= 3
    assert "rinci" in texts[0] and "rinci" in texts[1]
    assert texts[1].startswith("- 2 - Uraian Ket. rinci")
    assert "Tembusan:" in texts[-1]


def test_a_signature_block_taller_than_a_page_is_refused():
    layout, context = surat()
    block = {"lines_above": ["JABATAN"] * 80, "name": "Nama", "lines_below": []}
    with pytest.raises(RenderError, match="laid out"):
        render_naskah(layout, {**context, "penandatangan": block})


def test_text_is_escaped_not_interpreted_as_markup():
    layout, context = surat()
    body = [para("Anggaran <b>Rp 5.000</b> & biaya <font size=40>lain</font>")]
    text = full_text(render_naskah(layout, {**context, "body": body, "hal": "A & B <i>"}))
    assert "Anggaran <b>Rp 5.000</b> & biaya <font size=40>lain</font>" in text
    assert "Hal : A & B <i>" in text


def test_laporan_without_a_number_line():
    layout = {
        "kind": "judul",
        "title": "LAPORAN HASIL PENDAMPINGAN",
        "group": "lainnya",
        "nomor_format": "",
    }
    _, context = surat_tugas()
    context = {
        **context,
        "fields": {},
        "nomor": None,
        "body": [{"type": "heading", "text": "A. Pendahuluan"}, para("Isi laporan.")],
    }
    text = full_text(render_naskah(layout, context))
    assert_in_order(text, ["LAPORAN HASIL PENDAMPINGAN", "A. Pendahuluan", "Isi laporan."])
    assert "NOMOR" not in text


def test_lampiran_header_repeated_on_every_page_when_configured():
    layout, context = keputusan()
    rows = [[f"{i}.", "Anggota", f"Pejabat nomor {i}"] for i in range(1, 90)]
    table = {"type": "table", "header": ["No.", "Jabatan dalam Tim", "Jabatan"], "rows": rows}
    context = {
        **context,
        "lampiran": [{"judul": "SUSUNAN TIM", "body": [table]}, {"judul": "JADWAL", "body": []}],
    }
    for every_page in (False, True):
        texts = page_texts(
            render_naskah({**layout, "lampiran_header_every_page": every_page}, context)
        )
        lampiran_pages = texts[1:]
        assert len(lampiran_pages) >= 3
        headed = [t.count("LAMPIRAN I KEPUTUSAN") for t in lampiran_pages[:-1]]
        if every_page:
            assert headed == [1] * len(headed)
        else:
            assert headed[0] == 1 and set(headed[1:]) == {0}
        assert lampiran_pages[-1].count("LAMPIRAN II KEPUTUSAN") == 1


def test_tte_qr_code_encodes_the_verification_url():
    from reportlab.graphics.barcode.qr import QrCodeWidget

    from naskah.rendering.flowables import qr_runs

    # The matrix drawn is exactly the one reportlab's own QR widget encodes for the URL.
    widget = QrCodeWidget(TTE["qr_url"], barLevel="M")
    widget.qr.make()
    count, runs = qr_runs(TTE["qr_url"])
    assert count == widget.qr.getModuleCount()
    dark = {(r, c + i) for r, c, n in runs for i in range(n)}
    expected = {(r, c) for r, row in enumerate(widget.qr.modules) for c, v in enumerate(row) if v}
    assert dark == expected and len(dark) > 100
    layout, context = surat()
    first = render_naskah(layout, {**context, "tte": TTE})
    other = render_naskah(layout, {**context, "tte": {"qr_url": TTE["qr_url"] + "x"}})
    assert first != other
    assert first == render_naskah(layout, {**context, "tte": TTE})


def test_surat_edaran_addressees_with_place():
    layout = {
        "kind": "judul",
        "title": "SURAT EDARAN",
        "group": "arahan",
        "place_date_label": "Dikeluarkan di",
    }
    _, context = surat()
    context = {
        **context,
        "tujuan": ["Bupati/Wali Kota se-Provinsi Lampung", "Kepala Perangkat Daerah"],
        "tujuan_tempat": "di Tempat",
        "fields": {"tentang": "Penggunaan TNDE"},
    }
    text = full_text(render_naskah(layout, context))
    assert_in_order(
        text,
        [
            "SURAT EDARAN",
            "NOMOR 000.1.2.3/15/V.05/2026",
            "TENTANG",
            "PENGGUNAAN TNDE",
            "Yth. 1. Bupati/Wali Kota se-Provinsi Lampung",
            "2. Kepala Perangkat Daerah",
            "di Tempat",
            "Dalam rangka",
            "Dikeluarkan di Bandar Lampung",
            "pada tanggal 22 November 2026",
            "Dr. Ir. Rahmat Hidayat, M.Si.",
        ],
    )


def test_fields_values_format_dates_in_indonesian():
    layout, context = surat()
    body = [
        {"type": "fields", "rows": [["Hari/tanggal", dt.date(2026, 11, 30)], ["Catatan", None]]}
    ]
    text = full_text(render_naskah(layout, {**context, "body": body}))
    assert "Hari/tanggal : 30 November 2026 Catatan : -" in text

"""Typography (issue 13 item 9): glyph fallback, administrator fonts, the signature block
kept with the closing line, justification gaps, and the letterhead fitted to the page."""

from __future__ import annotations

import re

import pytest
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from naskah.rendering import RenderError, render_naskah
from naskah.rendering.flowables import KOP_EMBLEM_GAP, KOP_MIN_SCALE, Kop
from naskah.rendering.fonts import FONT_DIR, check_font_file, configure_fonts, font_family
from naskah.rendering.samples import para, surat
from naskah.rendering.text import styles_for
from naskah.rendering.typography import limit_justification

from .rendering_helpers import full_text, page_texts, reader

SPECIAL = "Nilai ≥ 90 → lulus; Ā ā ş Ł"


def _fonts_of(pdf: bytes) -> list[dict]:
    out = []
    for page in reader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            out.append(ref.get_object())
    return out


def _special_letter(font: str, text: str = SPECIAL) -> bytes:
    layout, context = surat()
    context = {**context, "body": [para(text), para(f"Tebal {text}", bold=True)]}
    return render_naskah({**layout, "font": font}, context)


# --- glyph fallback -------------------------------------------------------------------


def test_bookman_draws_extended_latin_and_symbols_from_its_own_face():
    pdf = _special_letter("bookman")
    text = full_text(pdf)
    assert SPECIAL in text
    assert f"Tebal {SPECIAL}" in text
    fonts = _fonts_of(pdf)
    bases = {str(f["/BaseFont"]) for f in fonts}
    # No ZapfDingbats boxes; the extra encodings of the same embedded URW Bookman faces.
    assert "/ZapfDingbats" not in bases
    assert bases <= {"/URWBookman-Light", "/URWBookman-Demi"}, bases
    differences = [
        str(name)
        for f in fonts
        if "/Encoding" in f and "/Differences" in f["/Encoding"].get_object()
        for name in f["/Encoding"].get_object()["/Differences"]
    ]
    for glyph in ("/greaterequal", "/arrowright", "/amacron", "/scedilla", "/Lslash"):
        assert glyph in differences


def test_a_character_no_font_has_is_still_a_notdef_box():
    # The bad path: U+2713 is in neither URW Bookman nor its extra encodings.
    pdf = _special_letter("bookman", "centang \u2713")
    assert "/ZapfDingbats" in {str(f["/BaseFont"]) for f in _fonts_of(pdf)}


def test_arial_family_draws_the_same_characters():
    text = full_text(_special_letter("arial"))
    assert SPECIAL in text


# --- administrator fonts ----------------------------------------------------------------


@pytest.fixture
def ascii_only_ttf(tmp_path):
    """Liberation Sans cut down to ASCII: an 'installed Arial' lacking ≥ → ā ş Ł."""
    from fontTools import subset
    from fontTools.ttLib import TTFont as ToolsFont

    paths = {}
    for style, name in (("regular", "Regular"), ("bold", "Bold")):
        out = tmp_path / f"Installed-{name}.ttf"
        subset.main(
            [
                str(FONT_DIR / f"LiberationSans-{name}.ttf"),
                "--unicodes=U+0020-007E",
                f"--output-file={out}",
            ]
        )
        # A face name of its own, as an installed Arial (ArialMT) has.
        font = ToolsFont(str(out))
        for record in font["name"].names:
            if record.nameID in (1, 4, 6):
                record.string = f"InstalledSans{name}" if record.nameID == 6 else "Installed"
        font.save(str(out))
        paths[style] = str(out)
    yield paths
    configure_fonts({})  # back to the shipped fonts for the other tests
    font_family("arial")


def test_admin_ttf_is_registered_embedded_and_falls_back_per_character(ascii_only_ttf):
    configure_fonts({"arial": ascii_only_ttf})
    family = font_family("arial")
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(family.regular)
    assert font.face.filename == ascii_only_ttf["regular"]
    pdf = _special_letter("arial")
    assert SPECIAL in full_text(pdf)  # the missing characters come from the fallback
    embedded = set()
    for f in _fonts_of(pdf):
        descendant = f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        embedded.add(str(f["/BaseFont"]).split("+")[-1])
    # the installed file and the Liberation Sans fallback are both embedded
    assert {"InstalledSansRegular", "InstalledSansBold", "LiberationSans"} <= embedded


def test_without_the_fallback_the_installed_font_would_print_nothing(ascii_only_ttf):
    # The bad path the fallback fixes: the cut-down font alone has no ≥ glyph.
    from reportlab.pdfbase.ttfonts import TTFont

    plain = TTFont("NaskahTestPlain", ascii_only_ttf["regular"])
    assert ord("≥") not in plain.face.charToGlyph


def test_configure_fonts_refuses_missing_and_unembeddable_files(tmp_path):
    bogus = tmp_path / "bukan-font.ttf"
    bogus.write_bytes(b"not a font")
    assert "no such file" in check_font_file(str(tmp_path / "hilang.ttf"))
    assert "not an embeddable TrueType" in check_font_file(str(bogus))
    with pytest.raises(RenderError, match="bold"):
        configure_fonts({"arial": {"regular": str(FONT_DIR / "LiberationSans-Regular.ttf")}})
    with pytest.raises(RenderError, match="Unknown font"):
        configure_fonts({"comic": {"regular": "x", "bold": "y"}})
    with pytest.raises(RenderError, match="not an embeddable"):
        configure_fonts({"bookman": {"regular": str(bogus), "bold": str(bogus)}})
    configure_fonts({})


def test_system_check_reports_bad_font_settings(settings):
    from naskah.checks import check_fonts

    settings.NASKAH_FONTS = {"arial": {"regular": "/tidak/ada.ttf", "bold": "/tidak/ada.ttf"}}
    errors = check_fonts(None)
    assert [e.id for e in errors] == ["naskah.E040"]
    settings.NASKAH_FONTS = {"arial": {}, "bookman": {}}
    assert check_fonts(None) == []


# --- signature block kept with the closing line -----------------------------------------


def test_signature_block_never_stands_alone_on_a_page():
    layout, context = surat()
    filler = (
        "Kegiatan ini merupakan bagian dari program percepatan transformasi digital yang "
        "dilaksanakan oleh seluruh perangkat daerah di lingkungan Pemerintah Provinsi Lampung."
    )
    closing = "Demikian disampaikan, atas perhatian Saudara diucapkan terima kasih."
    name = context["penandatangan"]["name"]
    moved = 0
    for count in range(8, 26):
        body = [para(f"{i}. {filler}") for i in range(count)] + [para(closing)]
        pages = page_texts(render_naskah(layout, {**context, "body": body, "tembusan": []}))
        sign_page = next(i for i, t in enumerate(pages) if name in t)
        closing_page = next(i for i, t in enumerate(pages) if "Demikian disampaikan" in t)
        assert closing_page == sign_page, (count, pages[sign_page][:200])
        if sign_page > 0:
            moved += 1
            # the closing line opens the page the signature is on, the page before still
            # ends with the body
            assert pages[sign_page - 1].strip()
    assert moved, "no body length pushed the signature block to a second page"


# --- justification gaps -----------------------------------------------------------------


def _gaps(paragraph: Paragraph) -> list[float]:
    out = []
    for extra, words in paragraph.blPara.lines[:-1]:
        if len(words) > 1:
            out.append(extra / (len(words) - 1))
    return out


def test_narrow_justified_lines_with_wide_gaps_fall_back_to_left():
    styles = styles_for("arial", 12.0)
    style = ParagraphStyle("j", parent=styles.body, alignment=TA_JUSTIFY)
    text = (
        "Pelaksanaan kegiatan dikoordinasikan oleh Dinas Komunikasi, Informatika dan "
        "Statistik bersama kabupaten/kota se-Provinsi Lampung secara berkesinambungan."
    )
    plain = Paragraph(text, style)
    plain.wrap(32 * mm, 1e6)
    assert max(_gaps(plain)) > 0.8 * 12  # the bad path: gaps of an em or more

    limited = Paragraph(text, style)
    limit_justification([limited], 0.8)
    limited.wrap(32 * mm, 1e6)
    space = 12 * 0.278  # Liberation Sans space width
    assert all(gap + space <= 0.8 * 12 + 0.01 for gap in _gaps(limited))
    # wide columns stay justified
    wide = Paragraph(text, style)
    limit_justification([wide], 0.8)
    wide.wrap(150 * mm, 1e6)
    assert any(gap > 0 for gap in _gaps(wide))


def test_justify_gap_limit_is_validated():
    layout, context = surat()
    with pytest.raises(RenderError, match="justify_max_gap_em"):
        render_naskah({**layout, "justify_max_gap_em": 0}, context)


# --- letterhead fitted to the page ------------------------------------------------------

LONG_KOP = {
    "variant": "perangkat_daerah",
    "lines": [
        "PEMERINTAH PROVINSI LAMPUNG",
        "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH SERTA PENDAPATAN DAERAH",
    ],
    "address_lines": [
        "Jalan Wolter Monginsidi No. 69 Teluk Betung Utara, Kecamatan Teluk Betung Utara, "
        "Kota Bandar Lampung, Telp. (0721) 481107, Faks. (0721) 481108, Kode Pos 35215",
        "Laman bpkad.lampungprov.go.id, Pos-el bpkad@lampungprov.go.id",
    ],
}


def _kop_lines(kop: dict, width: float = 160 * mm):
    styles = styles_for("arial", 12.0)
    flowable = Kop(kop, styles, {"pemda": 12, "unit": 16, "address": 9}, 20)
    flowable.wrap(width, 1e6)
    return flowable, flowable.line_boxes()


def test_long_letterhead_fits_within_the_margins_without_lone_fragments():
    flowable, boxes = _kop_lines(LONG_KOP)
    left = flowable.emblem_size + KOP_EMBLEM_GAP
    for text, x, w, _font, _size in boxes:
        assert x >= left - 0.01 and x + w <= 160 * mm + 0.01, text
        assert not re.fullmatch(r"[\d\s().-]+", text), f"lone number line: {text!r}"
    texts = [b[0] for b in boxes]
    assert any("Kode Pos 35215" in t for t in texts)
    assert any("Telp. (0721) 481107" in t for t in texts)
    # the postcode does not sit alone on a short last line of its address
    assert "Kode Pos 35215" not in texts
    # every word made it to the page
    joined = " ".join(texts)
    for line in LONG_KOP["lines"] + LONG_KOP["address_lines"]:
        for word in line.split():
            assert word in joined
    # sizes never below the shrink limit
    assert min(size for *_rest, size in boxes) >= 9 * KOP_MIN_SCALE - 0.01


def test_short_letterhead_is_centred_on_the_page():
    kop = {
        "variant": "perangkat_daerah",
        "lines": ["PEMERINTAH PROVINSI LAMPUNG", "INSPEKTORAT"],
        "address_lines": ["Jalan Jenderal Sudirman No. 1, Kode Pos 35215"],
    }
    _flowable, boxes = _kop_lines(kop)
    for text, x, w, _font, _size in boxes:
        assert x + w / 2 == pytest.approx(80 * mm, abs=0.1), text


def test_a_unit_name_slightly_too_wide_is_shrunk_not_broken():
    kop = {
        "variant": "perangkat_daerah",
        "lines": ["PEMERINTAH PROVINSI LAMPUNG", "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"],
    }
    _flowable, boxes = _kop_lines(kop)
    assert [b[0] for b in boxes][1] == "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"
    assert 16 * KOP_MIN_SCALE - 0.01 <= boxes[1][4] < 16


def test_long_letterhead_renders_all_text_on_the_first_page():
    layout, context = surat()
    pdf = render_naskah(layout, {**context, "kop": LONG_KOP})
    first = page_texts(pdf)[0]
    assert "Kode Pos 35215" in first
    assert "PENDAPATAN DAERAH" in first

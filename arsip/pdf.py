"""Minutes (berita acara) and report PDFs, drawn with reportlab tables. Indonesian text
is fixed here on purpose: the minutes are a legal document in Indonesian whatever the
interface language."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.indonesian import HARI, tanggal_panjang

JUDUL = {
    "pemindahan": "BERITA ACARA PEMINDAHAN ARSIP INAKTIF",
    "pemusnahan": "BERITA ACARA PEMUSNAHAN ARSIP",
    "penyerahan": "BERITA ACARA PENYERAHAN ARSIP STATIS",
}
TINDAKAN = {
    "pemindahan": "telah dilaksanakan pemindahan arsip inaktif dari unit pengolah ke unit "
    "kearsipan (pusat arsip) sebagaimana tercantum dalam daftar arsip yang dipindahkan",
    "pemusnahan": "telah dilaksanakan pemusnahan arsip yang telah habis masa retensinya dan "
    "tidak memiliki nilai guna, dengan cara menghapus berkas elektroniknya sehingga tidak "
    "dapat dikenali lagi, sebagaimana tercantum dalam daftar arsip yang dimusnahkan",
    "penyerahan": "telah dilaksanakan penyerahan arsip statis kepada lembaga kearsipan daerah "
    "provinsi sebagaimana tercantum dalam daftar arsip yang diserahkan; pencipta arsip "
    "menyatakan arsip tersebut autentik, utuh, dan terpercaya",
}
DAFTAR = {
    "pemindahan": "DAFTAR ARSIP YANG DIPINDAHKAN",
    "pemusnahan": "DAFTAR ARSIP YANG DIMUSNAHKAN",
    "penyerahan": "DAFTAR ARSIP YANG DISERAHKAN",
}


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "t", parent=base["Title"], fontName="Helvetica-Bold", fontSize=13, leading=16
        ),
        "center": ParagraphStyle("c", parent=base["Normal"], alignment=TA_CENTER, fontSize=10),
        "body": ParagraphStyle("b", parent=base["Normal"], fontSize=10, leading=14),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=8, leading=10),
    }


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths, style) -> Table:
    data = [[Paragraph(f"<b>{h}</b>", style) for h in header]]
    data += [[Paragraph(_esc(str(c)), style) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def berita_acara_pdf(
    *,
    jenis: str,
    nomor: str,
    tanggal: dt.date,
    pelaksana: str,
    pejabat: str,
    persetujuan: str,
    penilaian: str,
    daftar: Sequence[dict],
) -> bytes:
    """The minutes for one disposal action with its list of files and records."""
    nama_pemerintah = settings.NASKAH_NAMA_PEMERINTAH
    kota = settings.NASKAH_KOTA
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{JUDUL[jenis]} {nomor}",
    )
    story = [
        Paragraph(_esc(nama_pemerintah), st["center"]),
        Spacer(1, 4 * mm),
        Paragraph(JUDUL[jenis], st["title"]),
        Paragraph(f"Nomor: {_esc(nomor)}", st["center"]),
        Spacer(1, 6 * mm),
        Paragraph(
            f"Pada hari ini {HARI[tanggal.weekday()]} tanggal {tanggal_panjang(tanggal)} "
            f"bertempat di {_esc(kota)}, {TINDAKAN[jenis]}.",
            st["body"],
        ),
        Spacer(1, 3 * mm),
    ]
    if penilaian:
        story.append(Paragraph(f"Hasil penilaian panitia: {_esc(penilaian)}", st["body"]))
    if persetujuan:
        story.append(Paragraph(f"Dasar persetujuan: {_esc(persetujuan)}", st["body"]))
    story += [
        Paragraph(
            f"Jumlah: {len({d['berkas_nomor'] for d in daftar})} berkas, {len(daftar)} arsip.",
            st["body"],
        ),
        Spacer(1, 5 * mm),
        Paragraph(f"<b>{DAFTAR[jenis]}</b>", st["body"]),
        Spacer(1, 2 * mm),
        _table(
            ["No", "Berkas", "Kode", "Nomor naskah", "Hal", "Tanggal", "Nasib akhir"],
            [
                [
                    str(i),
                    d["berkas_nomor"],
                    d["kode"],
                    d["nomor"] or "-",
                    d["hal"],
                    d["tanggal"],
                    d["nasib_akhir"] or "-",
                ]
                for i, d in enumerate(daftar, start=1)
            ],
            [8 * mm, 24 * mm, 16 * mm, 48 * mm, 38 * mm, 18 * mm, 18 * mm],
            st["cell"],
        ),
        Spacer(1, 10 * mm),
        _signatures(pelaksana, pejabat, st["body"]),
    ]
    doc.build(story)
    return buf.getvalue()


def _signatures(pelaksana: str, pejabat: str, style) -> Table:
    table = Table(
        [
            [Paragraph("Yang melaksanakan,", style), Paragraph("Mengetahui,", style)],
            ["", ""],
            [Paragraph(_esc(pelaksana), style), Paragraph(_esc(pejabat), style)],
        ],
        colWidths=[85 * mm, 85 * mm],
        rowHeights=[None, 18 * mm, None],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def report_pdf(*, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A landscape table report (lists of records per unit and code, due lists)."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    width = (landscape(A4)[0] - 24 * mm) / max(1, len(header))
    story = [
        Paragraph(_esc(settings.NASKAH_NAMA_PEMERINTAH), st["center"]),
        Paragraph(_esc(title), st["title"]),
        Spacer(1, 4 * mm),
        _table(header, rows, [width] * len(header), st["cell"]),
    ]
    doc.build(story)
    return buf.getvalue()

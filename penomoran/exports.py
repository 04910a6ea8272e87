"""Register exports: CSV for spreadsheets, PDF (reportlab table) for printing and filing.
Dates are written the Indonesian way ("23 November 2026"), times in the office zone."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.clock import office_time
from core.indonesian import tanggal_jam, tanggal_panjang
from penomoran.models import BukuNomor, Nomor

STATUS_ID: dict[str, str] = {
    Nomor.Status.DIGUNAKAN: "Digunakan",
    Nomor.Status.DICADANGKAN: "Dicadangkan",
    Nomor.Status.BATAL: "Batal",
}

HEADERS = (
    "Tahun",
    "No. Urut",
    "Nomor",
    "Tanggal",
    "Status",
    "Objek",
    "Dibuat oleh",
    "Dibuat pada",
    "Keterangan",
)


def report_headers() -> list[str]:
    """The printed register's column heads in the reader's language (the CSV keeps HEADERS,
    fixed column names for spreadsheets and imports)."""
    return [
        gettext("Year"),
        gettext("Seq. no."),
        gettext("Number"),
        gettext("Date"),
        gettext("Status"),
        gettext("Object"),
        gettext("Created by"),
        gettext("Created at"),
        gettext("Notes"),
    ]


def tanggal_indonesia(day: dt.date | None) -> str:
    return "" if day is None else tanggal_panjang(day)


def waktu_indonesia(moment: dt.datetime | None) -> str:
    """ "23 November 2026 14.05 WIB"-style, in the office time zone."""
    if moment is None:
        return ""
    local = office_time(moment)
    return f"{tanggal_jam(local)} {local.tzname() or ''}".strip()


def _keterangan(nomor: Nomor) -> str:
    parts = []
    if nomor.cadangan:
        parts.append(f"Dicadangkan: {nomor.alasan}")
    if nomor.status == Nomor.Status.BATAL:
        by = str(nomor.dibatalkan_oleh) if nomor.dibatalkan_oleh else "sistem"
        parts.append(
            f"Dibatalkan {waktu_indonesia(nomor.dibatalkan_pada)} oleh {by}: {nomor.alasan_batal}"
        )
    return "; ".join(parts)


def register_rows(rows: Iterable[Nomor], *, translated: bool = False) -> Iterable[list[str]]:
    """Rows of the register; `translated`: the status in the reader's language (the printed
    register) instead of the fixed Indonesian word (the CSV)."""
    for nomor in rows:
        status = STATUS_ID.get(nomor.status, nomor.status)
        if translated and nomor.status in Nomor.Status.values:
            status = str(Nomor.Status(nomor.status).label)
        yield [
            str(nomor.tahun),
            str(nomor.urut),
            nomor.teks,
            tanggal_indonesia(nomor.tanggal),
            status,
            f"{nomor.object_type} #{nomor.object_id}" if nomor.object_type else "",
            str(nomor.dibuat_oleh) if nomor.dibuat_oleh else "sistem",
            waktu_indonesia(nomor.dibuat_pada),
            _keterangan(nomor),
        ]


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user-typed text (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def register_csv(rows: Iterable[Nomor]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # lets Excel open UTF-8 correctly
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in register_rows(rows):
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def register_pdf(*, buku: BukuNomor, rows: Iterable[Nomor], judul_filter: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=gettext("Number register %(book)s") % {"book": buku.nama},
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = cell.clone("head", fontName="Helvetica-Bold")
    story = [
        Paragraph(
            escape(gettext("NUMBER REGISTER — %(book)s") % {"book": buku.nama.upper()}),
            styles["Title"],
        ),
        Paragraph(
            escape(
                f"{buku.unit.nama} · {judul_filter} · "
                + gettext("printed %(when)s") % {"when": waktu_indonesia(timezone.now())}
            ),
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    data = [[Paragraph(escape(h), head) for h in report_headers()]]
    for row in register_rows(rows, translated=True):
        data.append([Paragraph(escape(value), cell) for value in row])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if len(data) == 1:
        data.append([Paragraph(escape(gettext("No numbers.")), cell)] + [""] * (len(HEADERS) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    widths = [13, 13, 52, 26, 21, 33, 33, 40, 42]  # mm; 273 = landscape A4 less margins
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(
            document.pagesize[0] - 12 * mm,
            7 * mm,
            f"{buku.nama} · " + gettext("Page %(n)s") % {"n": document.page},
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def blok_sheet_pdf(*, blok, numbers: Iterable[Nomor]) -> bytes:
    """The printed sheet of an emergency block (penomoran.blok): every number with blank
    columns that the office fills in by hand during the outage."""
    buku = blok.buku
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Blok nomor darurat {buku.nama}",
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    head = cell.clone("head", fontName="Helvetica-Bold")
    numbers = list(numbers)
    story = [
        Paragraph(escape(f"BLOK NOMOR DARURAT — {buku.nama.upper()}"), styles["Title"]),
        Paragraph(
            escape(
                f"{buku.unit.nama} · tahun {blok.tahun} · nomor urut {blok.urut_awal} s.d. "
                f"{blok.urut_akhir} ({len(numbers)} nomor) · diterbitkan "
                f"{waktu_indonesia(blok.dibuat_pada)} oleh {blok.dibuat_oleh} · "
                f"blok #{blok.pk}"
            ),
            styles["Normal"],
        ),
        Paragraph(escape(f"Alasan: {blok.alasan}"), styles["Normal"]),
        Paragraph(
            escape(
                "Pakai nomor berurutan, satu nomor untuk satu surat, dan jangan dipakai dua kali. "
                "Setelah sistem pulih, daftarkan setiap surat beserta pindaiannya; nomor yang "
                "tidak terpakai dibatalkan dengan alasan."
            ),
            styles["Italic"],
        ),
        Spacer(1, 4 * mm),
    ]
    headers = ("No. Urut", "Nomor", "Tanggal", "Hal", "Penanda tangan", "Tujuan", "Paraf TU")
    data = [[Paragraph(escape(h), head) for h in headers]]
    for nomor in numbers:
        data.append([str(nomor.urut), Paragraph(escape(nomor.teks), cell), "", "", "", "", ""])
    widths = [16, 65, 26, 52, 45, 45, 24]  # mm; 273 = landscape A4 less margins
    table = Table(
        data,
        colWidths=[w * mm for w in widths],
        rowHeights=[None] + [11 * mm] * len(numbers),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(
            document.pagesize[0] - 12 * mm,
            7 * mm,
            f"Blok #{blok.pk} · {buku.nama} · Halaman {document.page}",
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()

"""The archive reports (active, inactive, due for transfer, destruction or hand-over):
their rows and their CSV, XLSX and PDF renderings. Reads only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook

from arsip.models import Berkas
from arsip.pdf import report_pdf
from arsip.selectors.retention import berkas_due
from core.clock import office_today
from core.errors import ApplicationError

# Lazy: the titles are read in the reader's language (the page and the printed report).
REPORTS = {
    "aktif": gettext_lazy("Active files per unit and code"),
    "inaktif": gettext_lazy("Inactive files per unit and code"),
    "pindah": gettext_lazy("Files due for transfer"),
    "musnah": gettext_lazy("Files due for destruction"),
    "serah": gettext_lazy("Files due for hand-over"),
}


REPORT_HEADER = [
    "Unit",
    "Kode klasifikasi",
    "Nomor berkas",
    "Judul",
    "Status",
    "Ditutup",
    "Aktif sampai",
    "Inaktif sampai",
    "Nasib akhir",
    "Jumlah arsip",
]


def report_header() -> list[str]:
    """The printed report's column heads in the reader's language (CSV and XLSX keep
    REPORT_HEADER, fixed column names for spreadsheets)."""
    return [
        gettext("Unit"),
        gettext("Classification code"),
        gettext("File number"),
        gettext("Title"),
        gettext("Status"),
        gettext("Closed on"),
        gettext("Active until"),
        gettext("Inactive until"),
        gettext("Final disposition"),
        gettext("Number of records"),
    ]


def report_berkas(kind: str, *, unit_id: int | None = None, kode: str = ""):
    if kind == "aktif":
        qs = Berkas.objects.filter(status__in=[Berkas.Status.TERBUKA, Berkas.Status.AKTIF])
    elif kind == "inaktif":
        qs = Berkas.objects.filter(status=Berkas.Status.INAKTIF)
    elif kind in ("pindah", "musnah", "serah"):
        jenis = {"pindah": "pemindahan", "musnah": "pemusnahan", "serah": "penyerahan"}[kind]
        qs = berkas_due(jenis)
    else:
        raise ApplicationError(_("Unknown report."))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if kode:
        qs = qs.filter(
            Q(kode_klasifikasi__kode=kode) | Q(kode_klasifikasi__kode__startswith=kode + ".")
        )
    return (
        qs.select_related("unit", "kode_klasifikasi")
        .annotate(jumlah=Count("records"))
        .order_by("unit__path", "kode_klasifikasi__kode", "nomor")
    )


def report_rows(kind: str, **filters) -> Iterator[list[str]]:
    for b in report_berkas(kind, **filters).iterator(chunk_size=2000):
        yield [
            b.unit.kode,
            b.kode_klasifikasi.kode,
            b.nomor,
            b.judul,
            b.get_status_display(),
            b.ditutup.isoformat() if b.ditutup else "",
            b.aktif_sampai.isoformat() if b.aktif_sampai else "",
            b.inaktif_sampai.isoformat() if b.inaktif_sampai else "",
            b.get_nasib_akhir_display() if b.nasib_akhir else "JRA belum ditetapkan",
            str(b.jumlah),
        ]


def report_csv(rows: Iterable[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(REPORT_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def report_xlsx(rows: Iterable[list[str]], *, title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(REPORT_HEADER)
    for row in rows:
        ws.append([*row[:-1], int(row[-1])])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report_as(kind: str, fmt: str, **filters) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a report in csv, xlsx or pdf."""
    title = str(REPORTS.get(kind, ""))
    rows = report_rows(kind, **filters)
    stamp = office_today().isoformat()
    if fmt == "csv":
        return report_csv(rows), "text/csv; charset=utf-8", f"arsip-{kind}-{stamp}.csv"
    if fmt == "xlsx":
        return (
            report_xlsx(rows, title=kind),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"arsip-{kind}-{stamp}.xlsx",
        )
    if fmt == "pdf":
        return (
            report_pdf(title=title, header=report_header(), rows=list(rows)),
            "application/pdf",
            f"arsip-{kind}-{stamp}.pdf",
        )
    raise ApplicationError(_("Unknown format."))

"""Renderer benchmark: median render time of a 1-page Surat Dinas and of a 10-page letter
with a table plus a merged 5-page lampiran PDF.

Run: ``.venv/bin/python -m benchmarks.render`` (or ``python benchmarks/render.py``).
"""

from __future__ import annotations

import importlib.util
import io
import os
import statistics
import sys
import time
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from naskah.rendering import render_naskah  # noqa: E402
from naskah.rendering.samples import surat  # noqa: E402

RUNS = 30


def lampiran_pdf(pages: int = 5) -> bytes:
    """A plain multi-page PDF standing in for an uploaded scan or spreadsheet export."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 760, f"Lampiran unggahan, halaman {number}")
        for line in range(40):
            canvas.drawString(72, 730 - line * 16, f"Baris data {line + 1} " + "x" * 40)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure(layout: dict, context: dict, runs: int = RUNS) -> tuple[float, float, int]:
    """Median wall-clock and CPU seconds per render, and the page count."""
    render_naskah(layout, context)  # warm-up: font registration, caches
    wall, cpu = [], []
    pdf = b""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = render_naskah(layout, context)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return statistics.median(wall), statistics.median(cpu), pages


def main() -> None:
    one_layout, one_context = surat()
    long_layout, long_context = surat(long=True, lampiran_pdfs=[lampiran_pdf(5)])
    accelerated = importlib.util.find_spec("_rl_accel") is not None
    print(
        f"naskah renderer benchmark ({RUNS} runs each, median; "
        f"reportlab C accelerator rl-accel {'installed' if accelerated else 'not installed'}; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    for label, layout, context in (
        ("Surat Dinas, 1 page", one_layout, one_context),
        ("Surat Dinas, 10 pages + table + merged 5-page lampiran PDF", long_layout, long_context),
    ):
        wall, cpu, pages = measure(layout, context)
        print(
            f"  {label}: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU, {pages} pages "
            f"({pages / wall:.0f} pages/s)"
        )


if __name__ == "__main__":
    main()

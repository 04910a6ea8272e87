"""Helpers shared by the renderer tests (plain functions, no fixtures)."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def full_text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, (
            f"{part!r} missing after position {position} in: {text[position:][:300]!r}"
        )
        position = found + len(part)


def plain_pdf(pages: int, label: str = "Unggahan") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 760, f"{label} halaman {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(1))))
    writer.encrypt(user_password="rahasia", owner_password="lebih-rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

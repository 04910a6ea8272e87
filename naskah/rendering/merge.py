"""Merging uploaded lampiran PDFs after the rendered letter (pypdf)."""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from .errors import RenderError
from .fonts import font_family


def open_lampiran(data: object, index: int) -> PdfReader:
    """Parse one uploaded lampiran; refuse anything that is not a readable, open PDF."""
    label = f"Lampiran PDF #{index + 1}"
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise RenderError(f"{label} must be bytes.")
    data = bytes(data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RenderError(f"{label} is encrypted; upload an unprotected PDF.")
        pages = len(reader.pages)
    except RenderError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        logging.getLogger(__name__).info("%s is not a readable PDF: %r", label, exc)
        raise RenderError(f"{label} is not a readable PDF.") from exc
    if pages == 0:
        raise RenderError(f"{label} has no pages.")
    cleaned = _without_active_content(data, label)
    return reader if cleaned is data else PdfReader(io.BytesIO(cleaned), strict=False)


def _without_active_content(data: bytes, label: str) -> bytes:
    """Lampiran are cleaned on upload; a file stored before that (or changed on disk) is
    cleaned here, so no merged letter carries scripts, actions or embedded files."""
    from core.errors import ApplicationError
    from core.pdfsafe import pdf_active_content, pdf_sanitize

    try:
        if not pdf_active_content(data):
            return data
        return pdf_sanitize(data, uri_links="remove").data
    except ApplicationError as exc:
        raise RenderError(f"{label}: {exc.message}") from exc


@lru_cache(maxsize=16)
def _watermark_page_pdf(text: str, width: float, height: float, font_key: str) -> bytes:
    family = font_family(font_key)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=family.bold)
    canvas.setFillColor(HexColor("#9E9E9E"))
    canvas.setFillAlpha(0.28)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    size = min(width, height) / max(len(text), 4) * 1.35
    canvas.setFont(family.bold, size)
    canvas.drawCentredString(0, -size / 3, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@lru_cache(maxsize=16)
def _footer_page_pdf(
    text: str, width: float, height: float, font_key: str, margins: tuple, font_size: float
) -> bytes:
    from .document import draw_tte_footer
    from .text import styles_for

    styles = styles_for(font_key, font_size)
    family = font_family(font_key)
    # a page narrower than the letter's margins allow keeps at least half its width
    left, right = (min(m, width / 4) for m in margins)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=family.regular)
    draw_tte_footer(canvas, text, styles, width, left, right)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def merge(
    main: bytes,
    readers: list[PdfReader],
    *,
    watermark: str,
    font_key: str,
    footer: str = "",
    margins: tuple[float, float] = (85.0, 57.0),
    font_size: float = 12.0,
) -> bytes:
    """Append every page of ``readers`` after ``main``; stamp the watermark (previews) or
    the TTE footer (signed renders: every page of the signed document carries it) on them."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(main)))
    stamps: dict[tuple, object] = {}  # one parsed stamp per kind and page size
    for reader in readers:
        for page in reader.pages:
            added = writer.add_page(page)
            size = (float(added.mediabox.width), float(added.mediabox.height))
            if watermark:
                if ("wm", size) not in stamps:
                    pdf = _watermark_page_pdf(watermark, *size, font_key)
                    stamps["wm", size] = PdfReader(io.BytesIO(pdf)).pages[0]
                added.merge_page(stamps["wm", size], over=True)
            if footer:
                if ("tte", size) not in stamps:
                    pdf = _footer_page_pdf(footer, *size, font_key, tuple(margins), font_size)
                    stamps["tte", size] = PdfReader(io.BytesIO(pdf)).pages[0]
                added.merge_page(stamps["tte", size], over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

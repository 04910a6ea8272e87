"""Merging uploaded lampiran PDFs after the rendered letter (pypdf)."""

from __future__ import annotations

import io
from functools import lru_cache

from pypdf import PdfReader, PdfWriter, Transformation
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
        raise RenderError(f"{label} is not a readable PDF: {exc}") from exc
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


def _header_stamp(header, width: float, height: float, edge: float, font: str):
    """A page of the given size with only ``header`` (a flowable) at its top right, and
    the height of the band it takes from the top edge."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=font)
    w, h = header.wrap(width - 2 * edge, height)
    header.drawOn(canvas, width - edge - w, height - edge - h)
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0], edge + h


def _with_header(page, header, edge: float, font: str) -> None:
    """Shrink the page's content to free a band at the top, then stamp ``header`` there:
    the uploaded page keeps all of its content, and nothing is drawn over it."""
    box = page.mediabox
    x0, y0 = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    stamp, band = _header_stamp(header, width, height, edge, font)
    scale = (height - band - edge / 2) / height
    page.add_transformation(
        Transformation()
        .translate(-x0, -y0)
        .scale(scale, scale)
        .translate(x0 + width * (1 - scale) / 2, y0)
    )
    stamp_page = stamp
    if x0 or y0:
        stamp_page.add_transformation(Transformation().translate(x0, y0))
    page.merge_page(stamp_page, over=True)


def merge(
    main: bytes,
    readers: list[PdfReader],
    *,
    watermark: str,
    font_key: str,
    headers: list | None = None,
    header_every_page: bool = False,
    header_edge: float = 36.0,
) -> bytes:
    """Append every page of ``readers`` after ``main``; stamp the watermark on them too.
    ``headers`` (one flowable per reader, or None) is the lampiran header: stamped on the
    first page of that lampiran, or on every page with ``header_every_page``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(main)))
    stamps: dict[tuple[float, float], object] = {}  # one parsed stamp per page size
    font = font_family(font_key).regular
    for index, reader in enumerate(readers):
        header = headers[index] if headers and index < len(headers) else None
        for number, page in enumerate(reader.pages):
            added = writer.add_page(page)
            if header is not None and (number == 0 or header_every_page):
                _with_header(added, header, header_edge, font)
            if watermark:
                size = (float(added.mediabox.width), float(added.mediabox.height))
                if size not in stamps:
                    pdf = _watermark_page_pdf(watermark, *size, font_key)
                    stamps[size] = PdfReader(io.BytesIO(pdf)).pages[0]
                added.merge_page(stamps[size], over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

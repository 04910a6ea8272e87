"""Page thumbnails for the search results: page 1 of a record's document (the sealed
PDF, else the scan) as a small PNG, made once and kept in storage (`ArsipRecord.gambar`).

Made lazily, by the thumbnail view, for someone the view has already checked may read the
record: never for a record nobody asked to see, and never in a search request (the
results page only names the image; the browser fetches it after the page is shown).
PDFium renders a page without running any script; the PDFs we keep carry no active
content anyway (DESIGN invariant 10). A document that cannot be rendered gives no
thumbnail (None) and is tried again on the next request.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from arsip.models import ArsipRecord
from core.services.storage import storage_located, storage_new_name, storage_read

logger = logging.getLogger(__name__)

WIDTH = 160  # pixels: about twice the width it is shown at, for sharp high-DPI screens


def _document(record: ArsipRecord) -> str:
    return record.berkas_pdf or record.berkas_pindai


def _render(data: bytes, name: str) -> bytes:
    from PIL import Image

    if name.lower().endswith(".pdf") or data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[0]
            scale = WIDTH / max(page.get_width(), 1)
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            pdf.close()
    else:
        image = Image.open(io.BytesIO(data))
        image.thumbnail((WIDTH, WIDTH * 2))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def arsip_thumbnail(record: ArsipRecord) -> str | None:
    """The stored name of the record's thumbnail, made now if there is none yet; None
    when the record has no document or it cannot be rendered."""
    if record.gambar and storage_located(record.gambar):
        return record.gambar
    source = _document(record)
    if not source or storage_located(source) is None:
        return None
    try:
        png = _render(storage_read(source), source)
    except Exception:  # noqa: BLE001 - a thumbnail is an aid; the document stays openable
        logger.warning("no thumbnail for archive record %s", record.pk, exc_info=True)
        return None
    name = default_storage.save(storage_new_name("arsip/gambar", ".png"), ContentFile(png))
    if not ArsipRecord.objects.filter(pk=record.pk, gambar=record.gambar).update(gambar=name):
        # Someone else stored one meanwhile: keep theirs.
        default_storage.delete(name)
        record.refresh_from_db(fields=["gambar"])
        return record.gambar or None
    record.gambar = name
    return name

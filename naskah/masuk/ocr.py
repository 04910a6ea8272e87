"""OCR of incoming scans and metadata suggestions from the text. Plain bytes in and out;
the background task (tasks.py → services.suratmasuk_ocr_run) stores the results.

Pipeline: every file becomes PDF pages (images through Pillow), the pages are joined into
one PDF; pages without a text layer get one from OCRmyPDF (tesseract, language `ind`);
the text is extracted with pypdf. When OCRmyPDF, tesseract or ghostscript is missing the
caller shows "OCR unavailable" instead of failing.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, PdfWriter

from core.indonesian import BULAN_DIBACA
from naskah.masuk.uploads import PDF

logger = logging.getLogger(__name__)

# A page with fewer characters than this is treated as having no text layer.
MIN_TEXT_CHARS = 20


class OcrUnavailable(Exception):
    """OCRmyPDF, tesseract, ghostscript or the language data is not installed. `reason`
    is a translated sentence for the registrar."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def image_to_pdf(data: bytes) -> bytes:
    """One PDF page per image frame, at the image's own resolution (default from settings)."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        dpi = image.info.get("dpi", (0, 0))[0] or int(settings.NASKAH_MASUK_IMAGE_DPI)
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frame = image.convert("L" if image.mode in ("1", "L", "LA", "I;16") else "RGB")
            frames.append(frame)
        frames[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=frames[1:])
    return out.getvalue()


def combine(files: list[tuple[str, bytes]]) -> bytes:
    """Join the files (content type, bytes) into one PDF, in order."""
    writer = PdfWriter()
    for jenis, data in files:
        pdf = data if jenis == PDF else image_to_pdf(data)
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        try:
            pages.append(page.extract_text() or "")
        except Exception:  # a damaged content stream must not stop the other pages
            logger.warning("text extraction failed on one page", exc_info=True)
            pages.append("")
    return pages


def needs_ocr(pages: list[str]) -> bool:
    return any(len(text.strip()) < MIN_TEXT_CHARS for text in pages)


@functools.lru_cache(maxsize=4)
def _tesseract_languages(binary: str) -> frozenset[str]:
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (result.stdout + result.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def ocr_availability() -> str | None:
    """None when OCR can run; otherwise the reason it cannot (shown to the registrar)."""
    if not settings.NASKAH_MASUK_OCR_ENABLED:
        return _("Reading scans (OCR) is switched off on this server.")
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return _("Reading scans (OCR) is not installed on this server (OCRmyPDF is missing).")
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return _("Reading scans (OCR) is not installed on this server (tesseract is missing).")
    if shutil.which("gs") is None:
        return _("Reading scans (OCR) is not installed on this server (ghostscript is missing).")
    languages = _tesseract_languages(tesseract)
    for lang in str(settings.NASKAH_MASUK_OCR_LANGUAGE).split("+"):
        if lang not in languages:
            return _(
                "Reading scans (OCR) cannot run: the language data “%(lang)s” is not installed."
            ) % {"lang": lang}
    return None


def run_ocrmypdf(pdf: bytes) -> bytes:
    """Add a text layer to the pages that have none. Raises OcrUnavailable or the
    OCRmyPDF error."""
    reason = ocr_availability()
    if reason:
        raise OcrUnavailable(reason)
    import ocrmypdf

    with tempfile.TemporaryDirectory(prefix="naskah-ocr-") as tmp:
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(pdf)
        ocrmypdf.ocr(
            src,
            dst,
            language=str(settings.NASKAH_MASUK_OCR_LANGUAGE),
            skip_text=True,
            output_type="pdf",
            optimize=0,
            progress_bar=False,
        )
        return dst.read_bytes()


@dataclass
class OcrResult:
    pdf: bytes
    text: str
    ocr_applied: bool


def has_signature(pdf: bytes) -> bool:
    """Does the PDF carry a digital signature (a /Sig field)? OCRmyPDF would refuse it, and
    rewriting it would break the signature: such a PDF is read from its text layer only."""
    try:
        fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    except Exception:  # unreadable here: the OCR path reports it
        return False
    return any(f.get("/FT") == "/Sig" for f in fields.values())


def ocr_files(files: list[tuple[str, bytes]], *, text_only: bool = False) -> OcrResult:
    """Combined searchable PDF and its text. OcrUnavailable when OCR is needed but cannot
    run (the combined PDF and whatever text it already has are on the exception).
    `text_only` (a born-digital letter) and signed PDFs: the text layer, never OCR."""
    if len(files) == 1 and files[0][0] == PDF and (text_only or has_signature(files[0][1])):
        pdf = files[0][1]
        return OcrResult(pdf=pdf, text="\n\f".join(extract_text(pdf)), ocr_applied=False)
    pdf = combine(files)
    pages = extract_text(pdf)
    if text_only or not needs_ocr(pages):
        return OcrResult(pdf=pdf, text="\n\f".join(pages), ocr_applied=False)
    searchable = run_ocrmypdf(pdf)
    return OcrResult(pdf=searchable, text="\n\f".join(extract_text(searchable)), ocr_applied=True)


# --- Suggestions -----------------------------------------------------------------------------

_DATE_WORDS = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(BULAN_DIBACA) + r")\s+(\d{4})\b", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_NOMOR = re.compile(r"^\s*No(?:mor|\.)?\s*[:;]\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_HAL = re.compile(r"^\s*(?:Perihal|Hal)\s*[:;]\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_FIELD_START = re.compile(
    r"^\s*(Nomor|Sifat|Lampiran|Hal|Perihal|Kepada|Yth|Tanggal)\b", re.IGNORECASE
)
# "Bandar Lampung, 12 Maret 2026": the place-and-date line beside or under the subject
# block; the subject stops before it (a place is one capitalised word, or two when the
# first is a common place-name prefix such as "Bandar" or "Tanjung").
_PLACE_DATE = re.compile(
    r"((?:(?:Bandar|Tanjung|Kota|Kuala|Muara|Padang|Pangkal|Teluk|Pulau|Lubuk|Sungai)\s+)?"
    r"[A-Z][a-z]+),\s*\d{1,2}\s+(?i:" + "|".join(BULAN_DIBACA) + r")\s+\d{4}"
)
_KEPADA = re.compile(r"^\s*(?:Kepada\s*)?Yth\.?\s*:?\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
# The classification code that opens a government letter number: "551.2/123/III.14/2026".
_KODE = re.compile(r"^\s*(?:[A-Z]{1,3}[-.]\s*)?(\d{3}(?:\.\d{1,3}){0,3})\s*/")
# Letterhead lines: the issuing government and agency in capitals, before the number.
_KOP_STOP = re.compile(
    r"^\s*(Jalan|Jl\.|Alamat|Telepon|Telp|Laman|Website|E-?mail|Nomor|No\.)", re.IGNORECASE
)


def _dates(text: str) -> list[dt.date]:
    found: list[tuple[int, dt.date]] = []
    for match in _DATE_WORDS.finditer(text):
        day, month, year = int(match[1]), BULAN_DIBACA[match[2].lower()], int(match[3])
        try:
            found.append((match.start(), dt.date(year, month, day)))
        except ValueError:
            continue
    for match in _DATE_NUMERIC.finditer(text):
        try:
            found.append((match.start(), dt.date(int(match[3]), int(match[2]), int(match[1]))))
        except ValueError:
            continue
    return [d for _, d in sorted(found, key=lambda item: item[0])]


_SMALL_WORDS = {"dan", "di", "ke", "dari", "untuk", "pada", "serta"}


def _titled(line: str) -> str:
    words = line.title().split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


def _letterhead(text: str) -> str:
    """The sender from the letterhead: its lines in capitals at the top, up to the address
    or the number ("PEMERINTAH KOTA METRO / DINAS KOMUNIKASI DAN INFORMATIKA")."""
    lines = []
    for line in text.splitlines()[:8]:
        line = line.strip()
        if not line:
            if lines:
                break
            continue
        if _KOP_STOP.match(line) or _FIELD_START.match(line):
            break
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 3 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
            break
        lines.append(" ".join(line.split()))
    # The government's name alone is not the sender; the agency line under it is.
    if len(lines) > 1 and lines[0].upper().startswith("PEMERINTAH"):
        lines = lines[1:] + [lines[0]]
        head = f"{lines[0]} {' '.join(lines[1:-1])}".strip()
        return _titled(head) + ", " + _titled(lines[-1])
    return _titled(" ".join(lines))[:255]


def suggest_metadata(text: str) -> dict[str, str]:
    """Suggested values (as strings for the form) for the sender, the sender's letter
    number, letter date, subject, addressee ("kepada", matched to a position by the
    caller) and classification code (from the number). Only suggestions: the registrar
    confirms each before it is saved."""
    suggestions: dict[str, str] = {}
    if match := _NOMOR.search(text):
        suggestions["nomor_surat"] = match[1][:200]
    if match := _HAL.search(text):
        subject = []
        # A subject often continues on the next line(s), until the next field, a blank
        # line or the place-and-date line.
        rest = text[match.end() :].lstrip("\n").splitlines()
        for line in [match[1], *rest[:2]]:
            if subject and (not line.strip() or _FIELD_START.match(line) or ":" in line):
                break
            place = _PLACE_DATE.search(line)
            if place:
                if line[: place.start()].strip():
                    subject.append(line[: place.start()].strip())
                break
            subject.append(line.strip())
        if subject:
            suggestions["hal"] = " ".join(subject)[:500]
    if match := _KEPADA.search(text):
        suggestions["kepada"] = match[1][:255]
    if "nomor_surat" in suggestions and (match := _KODE.match(suggestions["nomor_surat"])):
        suggestions["kode_klasifikasi"] = match[1]
    if sender := _letterhead(text):
        suggestions["pengirim"] = sender
    dates = _dates(text)
    if dates:
        suggestions["tanggal_surat"] = dates[0].isoformat()
    return suggestions

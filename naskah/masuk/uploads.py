"""Checking uploaded scans by their content, never by their name or declared type.

A file is accepted only when its first bytes are those of a PDF, JPEG or PNG AND the
matching library opens it completely (pypdf reads every page; Pillow decodes every
pixel). Encrypted PDFs are refused: the archive must be readable without a password.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from core.errors import ApplicationError
from core.pdfsafe import pdf_sanitize

logger = logging.getLogger(__name__)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload. For a PDF, `data` is the copy without active content (what is
    stored, shown, OCR-ed and archived); `asli` is the file as received, kept only as
    evidence, and `dihapus` says what was removed ({kind: count}, core.pdfsafe)."""

    name: str
    data: bytes
    jenis: str
    halaman: int
    sha256: str
    asli: bytes | None = None
    sha256_asli: str = ""
    dihapus: dict = field(default_factory=dict)

    @property
    def ukuran(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    for magic, jenis in MAGIC:
        if data.startswith(magic):
            return jenis
    return None


def _refuse(name: str, reason: str) -> ApplicationError:
    return ApplicationError(
        _("The file “%(name)s” was refused: %(reason)s") % {"name": name, "reason": reason},
        code="bad_file",
        extra={"file": name},
    )


def _check_pdf(name: str, data: bytes) -> int:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(name, _("the PDF is incomplete (truncated or damaged)."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise _refuse(name, _("the PDF is password-protected or encrypted."))
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - forces every page object to be parsed
    except ApplicationError:
        raise
    except Exception as error:  # pypdf raises many kinds for damaged files
        # the detail (pypdf's wording, object reprs) goes to the log, not to the user
        logger.info("incoming upload %r: unreadable PDF: %r", name, error)
        raise _refuse(name, _("the PDF is damaged and cannot be read.")) from error
    if pages < 1:
        raise _refuse(name, _("the PDF has no pages."))
    limit = int(settings.NASKAH_MASUK_MAX_PAGES)
    if pages > limit:
        raise _refuse(
            name, _("it has %(pages)d pages; at most %(limit)d.") % {"pages": pages, "limit": limit}
        )
    return pages


def _check_image(name: str, data: bytes, jenis: str) -> int:
    limit = int(settings.NASKAH_MASUK_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > limit:
                    raise _refuse(name, _("the image is too large in pixels."))
                expected = "JPEG" if jenis == JPEG else "PNG"
                if image.format != expected:
                    raise _refuse(name, _("the image content does not match its type."))
                image.load()  # decodes every pixel: truncated images fail here
                frames = getattr(image, "n_frames", 1)
    except ApplicationError:
        raise
    except Exception as error:
        # PIL says "cannot identify image file <_io.BytesIO object at 0x…>": log it only
        logger.info("incoming upload %r: unreadable image: %r", name, error)
        raise _refuse(name, _("the image is damaged and cannot be read.")) from error
    return frames


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Check one upload; ApplicationError with a clear message when it is not acceptable."""
    name = (name or "berkas").rsplit("/", 1)[-1][:255]
    max_mb = int(settings.NASKAH_MASUK_MAX_FILE_MB)
    if not data:
        raise _refuse(name, _("the file is empty."))
    if len(data) > max_mb * 1024 * 1024:
        raise _refuse(name, _("it is larger than %(mb)d MB.") % {"mb": max_mb})
    jenis = sniff(data)
    if jenis is None:
        raise _refuse(name, _("only PDF, JPEG and PNG scans are accepted."))
    if jenis != PDF:
        halaman = _check_image(name, data, jenis)
        return CheckedFile(
            name=name,
            data=data,
            jenis=jenis,
            halaman=halaman,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    halaman = _check_pdf(name, data)
    try:
        cleaned = pdf_sanitize(data)
    except ApplicationError as error:
        raise _refuse(name, error.message) from error
    return CheckedFile(
        name=name,
        data=cleaned.data,
        jenis=jenis,
        halaman=halaman,
        sha256=cleaned.sha256,
        asli=data,
        sha256_asli=hashlib.sha256(data).hexdigest(),
        dihapus=cleaned.removed,
    )


def removed_by_file(files: list[CheckedFile]) -> dict[str, dict[str, int]]:
    """{file name: {kind: count}} of the files from which active content was removed."""
    return {f.name: f.dihapus for f in files if f.dihapus}


def check_uploads(files: list[tuple[str, bytes]], *, required: bool = True) -> list[CheckedFile]:
    """Check every file before anything is written; the first bad one stops the whole set."""
    if required and not files:
        raise ApplicationError(_("Upload at least one scan of the letter."), code="no_file")
    max_files = int(settings.NASKAH_MASUK_MAX_FILES)
    if len(files) > max_files:
        raise ApplicationError(
            _("At most %(count)d files per letter.") % {"count": max_files}, code="too_many_files"
        )
    checked = [check_upload(name, data) for name, data in files]
    total_mb = int(settings.NASKAH_MASUK_MAX_TOTAL_MB)
    if sum(f.ukuran for f in checked) > total_mb * 1024 * 1024:
        raise ApplicationError(
            _("The files together are larger than %(mb)d MB.") % {"mb": total_mb},
            code="too_large_total",
        )
    return checked

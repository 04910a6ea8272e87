"""Settings of the incoming-letter register, each with a default (read at call time so
tests and deployments can override them)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Upload limits (per file, all files together, pages per PDF, number of files).
    "NASKAH_MASUK_MAX_FILE_MB": 20,
    "NASKAH_MASUK_MAX_TOTAL_MB": 60,
    "NASKAH_MASUK_MAX_PAGES": 200,
    "NASKAH_MASUK_MAX_FILES": 10,
    # Largest image accepted, in pixels (a decompression bomb is refused).
    "NASKAH_MASUK_MAX_IMAGE_PIXELS": 80_000_000,
    # Unit kinds that keep their own incoming register; an agendaris in a sub-unit
    # (Bagian, Sekretariat) registers for the nearest such ancestor.
    "NASKAH_MASUK_REGISTER_UNIT_JENIS": (
        "pemda",
        "setda",
        "biro",
        "dinas",
        "badan",
        "inspektorat",
        "uptd",
    ),
    # OCR language(s) for tesseract, and whether OCR runs at all.
    "NASKAH_MASUK_OCR_LANGUAGE": "ind",
    "NASKAH_MASUK_OCR_ENABLED": True,
    # Resolution assumed for images without DPI information when turned into PDF pages.
    "NASKAH_MASUK_IMAGE_DPI": 200,
    # Hours after the deadline before an overdue branch is escalated to the disposer.
    "NASKAH_MASUK_ESKALASI_JAM": 24,
}


def conf(name: str):
    return getattr(settings, name, DEFAULTS[name])

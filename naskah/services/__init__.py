"""Public services of the naskah app."""

from naskah.services.drafting import (
    lampiran_add,
    lampiran_pdf_check,
    lampiran_pdf_clean,
    lampiran_remove,
    naskah_create,
    naskah_update,
    penerima_set,
)

__all__ = [
    "draft_check",
    "lampiran_add",
    "lampiran_pdf_check",
    "lampiran_pdf_clean",
    "lampiran_remove",
    "naskah_create",
    "naskah_update",
    "penerima_resolve",
    "penerima_set",
]

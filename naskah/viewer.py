"""Which PDF a letter page shows in its viewer (templates/_pdf_viewer.html): the sealed PDF
once a signature is applied (the letter as it stands, and as it is sent), otherwise the
current revision rendered as a draft. Only for pages of people who may see that PDF: the
draft rendering is internal history (naskah.permissions), so recipient pages pass
``internal=False`` and get the sealed PDF or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from naskah.models import Naskah, NaskahTTE


@dataclass(frozen=True)
class LetterPdf:
    url: str
    title: str
    sealed: bool


def letter_pdf(naskah: Naskah, *, internal: bool) -> LetterPdf | None:
    """The PDF a letter page shows first (module docstring)."""
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    if record is not None and record.dokumen.exists():
        title = _("Signed PDF") if record.selesai else _("PDF with the signatures so far")
        return LetterPdf(reverse("naskah:tte_pdf", args=[naskah.pk]), title, True)
    if not internal:
        return None
    return LetterPdf(
        reverse("naskah:pdf", args=[naskah.pk]),
        _("Draft PDF (revision %(n)d)") % {"n": naskah.revisi_terakhir},
        False,
    )

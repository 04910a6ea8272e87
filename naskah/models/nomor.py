"""Numbering series per letter family (issue 13): which book numbers a family regardless
of the signer's unit, and in which format.

Imported at the end of naskah/models/naskah.py so Django sees the model in the naskah app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import UnitKerja


class SeriNomor(models.Model):
    """A letter type numbered in its own series by one unit's book, e.g. the kepala
    daerah's Keputusan numbered by the legal bureau (Biro Hukum). Without a row, a letter
    is numbered by its signer's numbering unit (UnitPenomoran) in its family's book."""

    jenis = models.OneToOneField(
        "naskah.JenisNaskah",
        verbose_name=_("letter type"),
        on_delete=models.CASCADE,
        related_name="seri_nomor",
    )
    seri = models.SlugField(
        _("series (book key)"),
        max_length=50,
        help_text=_("The numbering book's family key, e.g. produk_hukum_keputusan."),
    )
    unit_penomoran = models.ForeignKey(
        UnitKerja,
        verbose_name=_("numbering unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Whose book numbers the series. Empty: the unit with the code in the setting "
            "NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM (default BIRO-HUKUM)."
        ),
    )
    format = models.CharField(
        _("number format"),
        max_length=100,
        blank=True,
        help_text=_(
            "Empty: the setting NASKAH_NOMOR_FORMAT_PRODUK_HUKUM. The book follows this "
            "format; numbers already issued keep theirs."
        ),
    )
    hanya_kepala_daerah = models.BooleanField(
        _("only when the head of region signs"),
        default=True,
        help_text=_(
            "The series applies to letters signed from a head or deputy head of region "
            "position; other signers number the type as usual."
        ),
    )
    kode_unit_pengolah = models.BooleanField(
        _("unit part from the drafting unit"),
        default=True,
        help_text=_(
            "{unit} prints the official code of the unit that drafted the letter (as in "
            "G/155/IV.01/HK/2022), not that of the numbering unit."
        ),
    )
    aktif = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")
        ordering = ["seri"]

    def __str__(self) -> str:
        return f"{self.jenis} → {self.seri}"

    def clean(self):
        super().clean()
        if self.format:
            from penomoran.formats import validate_format

            try:
                validate_format(self.format)
            except ValidationError as exc:
                raise ValidationError({"format": exc.messages}) from None

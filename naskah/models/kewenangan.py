"""Signing authority as data (DESIGN invariant 3): the authority matrix (who may sign a
letter type, in own right or a.n./u.b.) and dated delegations (pelimpahan wewenang)
behind a.n. and u.b. Both are edited in the admin through audited services
(naskah.services.kewenangan); docs/authority.md gives the sources and the defaults."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Jabatan, TimeStampedModel

# Echelons from the highest down: "III.b and above" is every level up to III.b in this list.
ESELON_URUTAN = [value for value, _label in Jabatan.Eselon.choices]
# Unit kinds whose head is a kepala perangkat daerah (Kepala Dinas, Kepala Badan,
# Inspektur). The Sekretariat Daerah is a perangkat daerah too; its head is the Sekda, a
# role of its own.
UNIT_PERANGKAT_DAERAH = ("dinas", "badan", "inspektorat")


class KewenanganTandaTangan(models.Model):
    """One row of the authority matrix: which positions may sign letters of a type, and in
    which form (own right, a.n., u.b.). A position may sign in a form when any row of the
    type matching it allows that form; a type without rows cannot be signed by anyone."""

    class Peran(models.TextChoices):
        KEPALA_DAERAH = "kepala_daerah", _("Head of region")
        WAKIL_KEPALA_DAERAH = "wakil_kepala_daerah", _("Deputy head of region")
        SEKDA = "sekda", _("Regional secretary")
        KEPALA_PERANGKAT_DAERAH = "kepala_perangkat_daerah", _("Head of a regional agency")
        KEPALA_UNIT = "kepala_unit", _("Structural head of a unit")
        STRUKTURAL = "struktural", _("Any structural position")
        FUNGSIONAL = "fungsional", _("Functional position")
        PELAKSANA = "pelaksana", _("Staff (pelaksana)")
        JABATAN = "jabatan", _("A named position")

    jenis = models.ForeignKey(
        "naskah.JenisNaskah",
        verbose_name=_("letter type"),
        on_delete=models.CASCADE,
        related_name="kewenangan",
    )
    peran = models.CharField(_("who"), max_length=25, choices=Peran.choices)
    eselon_minimal = models.CharField(
        _("echelon or higher"),
        max_length=5,
        choices=Jabatan.Eselon.choices,
        blank=True,
        help_text=_("Structural roles only: this echelon and above. Empty: any echelon."),
    )
    jabatan = models.ForeignKey(
        Jabatan,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only for “a named position”."),
    )
    sendiri = models.BooleanField(_("may sign in own right"), default=True)
    atas_nama = models.BooleanField(
        _("may sign a.n."),
        default=False,
        help_text=_("On behalf of the direct superior, with a delegation covering the type."),
    )
    untuk_beliau = models.BooleanField(
        _("may sign u.b."),
        default=False,
        help_text=_("Two levels down, with a delegation covering the type."),
    )
    dasar = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Regulation or decision this row follows; UNVERIFIED defaults say so."),
    )

    class Meta:
        verbose_name = _("signing authority")
        verbose_name_plural = _("signing authority (matrix)")
        ordering = ["jenis", "pk"]

    def __str__(self) -> str:
        who = self.jabatan.nama if self.jabatan_id else self.get_peran_display()
        if self.eselon_minimal:
            who = f"{who} ≥ {self.eselon_minimal}"
        return f"{self.jenis}: {who}"

    def clean(self):
        super().clean()
        errors = {}
        if self.peran == self.Peran.JABATAN and not self.jabatan_id:
            errors["jabatan"] = _("Choose the position.")
        if self.peran != self.Peran.JABATAN and self.jabatan_id:
            errors["jabatan"] = _("A position is given only for “a named position”.")
        structural = {
            self.Peran.KEPALA_PERANGKAT_DAERAH,
            self.Peran.KEPALA_UNIT,
            self.Peran.STRUKTURAL,
        }
        if self.eselon_minimal and self.peran not in structural:
            errors["eselon_minimal"] = _("An echelon applies to structural roles only.")
        if not (self.sendiri or self.atas_nama or self.untuk_beliau):
            errors["sendiri"] = _("Allow at least one form of signing.")
        if errors:
            raise ValidationError(errors)

    def as_dict(self) -> dict:
        return {
            "peran": self.peran,
            "eselon_minimal": self.eselon_minimal,
            "jabatan": self.jabatan_id,
            "sendiri": self.sendiri,
            "atas_nama": self.atas_nama,
            "untuk_beliau": self.untuk_beliau,
            "dasar": self.dasar,
        }


class PelimpahanWewenang(TimeStampedModel):
    """A dated delegation of signing authority (pelimpahan wewenang) behind a.n. and u.b.:
    `kepada` signs letters of the listed types on behalf of `dari`. a.n.: `dari` is the
    direct superior of `kepada`; u.b.: `dari` is the superior's superior (domain.md 5.1)."""

    class Jenis(models.TextChoices):
        AN = "an", _("a.n. (on behalf of the direct superior)")
        UB = "ub", _("u.b. (two levels down)")

    jenis = models.CharField(_("form"), max_length=2, choices=Jenis.choices)
    dari = models.ForeignKey(
        Jabatan,
        verbose_name=_("delegating position"),
        on_delete=models.PROTECT,
        related_name="pelimpahan_keluar",
    )
    kepada = models.ForeignKey(
        Jabatan,
        verbose_name=_("delegate position"),
        on_delete=models.PROTECT,
        related_name="pelimpahan_masuk",
    )
    jenis_naskah = models.ManyToManyField(
        "naskah.JenisNaskah", verbose_name=_("letter types"), related_name="pelimpahan"
    )
    mulai = models.DateField(_("valid from"))
    selesai = models.DateField(_("valid until (inclusive)"), null=True, blank=True)
    dasar = models.CharField(
        _("decree reference"), max_length=255, help_text=_("Number and date of the decision.")
    )
    aktif = models.BooleanField(_("in force"), default=True)
    keterangan = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("delegation of signing authority")
        verbose_name_plural = _("delegations of signing authority")
        ordering = ["-mulai", "pk"]
        indexes = [models.Index(fields=["kepada", "jenis", "mulai"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selesai__isnull=True) | models.Q(selesai__gte=models.F("mulai")),
                name="pelimpahan_selesai_after_mulai",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()}: {self.dari} → {self.kepada}"

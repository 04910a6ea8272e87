"""Signing (TTE), sealed documents, dispatch (distribusi) and batch signing of letters.

Imported at the end of naskah/models/naskah.py so Django sees these models in the naskah app."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Jabatan, Pegawai, UnitKerja


def new_token() -> str:
    """The public verification token printed in the QR code (128 random bits)."""
    return secrets.token_urlsafe(16)


class UnitPenomoran(models.Model):
    """Which unit numbers the letters signed from a unit (domain.md 3.1): letters signed by
    the Gubernur, Wagub, Sekda, Asisten or a Kepala Biro are numbered by Biro Umum; OPD
    letters by the OPD. A row applies to the unit and all its sub-units; the nearest row up
    the tree wins. Without a row, the nearest agency (OPD/UPTD letterhead) numbers."""

    unit = models.OneToOneField(
        UnitKerja,
        verbose_name=_("signer's unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit_penomoran = models.ForeignKey(
        UnitKerja,
        verbose_name=_("numbering unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    keterangan = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("numbering unit mapping")
        verbose_name_plural = _("numbering unit mappings")

    def __str__(self) -> str:
        return f"{self.unit} → {self.unit_penomoran}"


class AturanTTE(models.Model):
    """Signing rules of one letter type that are regional policy (data, not code): which
    acting capacities may not sign it (BKN SE 2/SE/VII/2019: Plt/Plh take no strategic
    decisions on organisation, staffing or budget)."""

    jenis = models.OneToOneField(
        "naskah.JenisNaskah",
        verbose_name=_("letter type"),
        on_delete=models.CASCADE,
        related_name="aturan_tte",
    )
    pelaksana_dilarang = models.JSONField(
        _("acting capacities that may not sign"),
        default=list,
        blank=True,
        help_text=_('E.g. ["plt", "plh"]. Empty: acting officials may sign.'),
    )

    class Meta:
        verbose_name = _("signing rule")
        verbose_name_plural = _("signing rules")

    def __str__(self) -> str:
        return str(self.jenis)


class NaskahTTE(models.Model):
    """The signing record of one letter: its number, public token and sealed versions.
    Created in the transaction of the first signature (rolled back with it)."""

    class StatusKirim(models.TextChoices):
        MENUNGGU = "menunggu", _("Waiting")
        DIPROSES = "diproses", _("Processing")
        SELESAI = "selesai", _("Done")
        GAGAL = "gagal", _("Failed")

    naskah = models.OneToOneField(
        "naskah.Naskah", verbose_name=_("letter"), on_delete=models.PROTECT, related_name="tte"
    )
    token = models.CharField(_("verification token"), max_length=40, unique=True)
    nomor = models.ForeignKey(
        "penomoran.Nomor", verbose_name=_("number"), on_delete=models.PROTECT, related_name="+"
    )
    revisi = models.PositiveIntegerField(_("revision signed"))
    jumlah_penandatangan = models.PositiveSmallIntegerField(_("signers required"), default=1)
    selesai = models.BooleanField(_("all signatures applied"), default=False)
    dibuat_pada = models.DateTimeField(_("first signed at"), auto_now_add=True)
    # The dispatch attempt after the last signature (core.services.attempts).
    kirim_status = models.CharField(
        _("dispatch status"),
        max_length=10,
        choices=StatusKirim.choices,
        default=StatusKirim.MENUNGGU,
    )
    kirim_percobaan = models.PositiveSmallIntegerField(_("dispatch attempts"), default=0)
    kirim_token = models.CharField(max_length=32, blank=True, editable=False)
    kirim_sewa = models.CharField(max_length=200, blank=True, editable=False)
    kirim_mulai_pada = models.DateTimeField(null=True, blank=True)
    kirim_kesalahan = models.CharField(_("dispatch error"), max_length=500, blank=True)
    kirim_coba_lagi_pada = models.DateTimeField(_("next dispatch try"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter signature record")
        verbose_name_plural = _("letter signature records")

    def __str__(self) -> str:
        return f"TTE {self.naskah_id}"

    def dokumen_terakhir(self) -> DokumenTersegel | None:
        return self.dokumen.order_by("-urutan").first()

    def pertinggal_terakhir(self) -> PertinggalTersegel | None:
        """The latest sealed file copy (never sent to recipients)."""
        return self.pertinggal.order_by("-urutan").first()


def tersegel_upload_to(instance: DokumenTersegel, filename: str) -> str:
    """Unguessable (a random token). The signing service names sealed files itself, in the
    pending area first (naskah.services.signing._store); this is for any other writer."""
    from core.services.storage import storage_new_name

    return storage_new_name("naskah/tersegel", ".pdf")


class DokumenTersegelQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Sealed documents are immutable.")

    def delete(self):
        raise PermissionError("Sealed documents are immutable.")


class DokumenTersegel(models.Model):
    """One sealed version of a letter: version n carries n signatures (incremental
    updates). Immutable: the row and its file are written once."""

    tte = models.ForeignKey(NaskahTTE, on_delete=models.PROTECT, related_name="dokumen")
    urutan = models.PositiveSmallIntegerField(_("signature number"))
    berkas = models.FileField(_("sealed file"), upload_to=tersegel_upload_to, max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    ukuran = models.PositiveBigIntegerField(_("size (bytes)"))
    penandatangan = models.ForeignKey(
        Pegawai, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    jabatan = models.ForeignKey(
        Jabatan, verbose_name=_("position signed for"), on_delete=models.PROTECT, related_name="+"
    )
    kapasitas = models.CharField(_("capacity"), max_length=12, blank=True)
    field_name = models.CharField(_("signature field"), max_length=100)
    signed_at = models.DateTimeField(_("signed at"))
    timestamped = models.BooleanField(_("timestamped (PAdES B-T)"), default=False)
    sertifikat_serial = models.CharField(_("certificate serial"), max_length=80, blank=True)
    sertifikat_subjek = models.CharField(_("certificate subject"), max_length=400, blank=True)

    objects = DokumenTersegelQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed document")
        verbose_name_plural = _("sealed documents")
        ordering = ["tte", "urutan"]
        constraints = [
            models.UniqueConstraint(fields=["tte", "urutan"], name="unique_sealed_version")
        ]

    def __str__(self) -> str:
        return f"{self.tte.naskah_id} #{self.urutan}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Sealed documents are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Sealed documents are immutable.")


class PertinggalTersegel(models.Model):
    """One sealed version of the letter's file copy (pertinggal): the letter as sent plus
    a final page listing the paraf chain of the signed revision. Sealed in the same
    signing transaction as the recipients' version of the same number (`urutan`), stored
    beside it, offered to the drafting unit and never sent to recipients. Immutable."""

    tte = models.ForeignKey(NaskahTTE, on_delete=models.PROTECT, related_name="pertinggal")
    urutan = models.PositiveSmallIntegerField(_("signature number"))
    berkas = models.FileField(_("sealed file"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    ukuran = models.PositiveBigIntegerField(_("size (bytes)"))
    penandatangan = models.ForeignKey(
        Pegawai, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    jumlah_paraf = models.PositiveSmallIntegerField(_("paraf listed"), default=0)

    objects = DokumenTersegelQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed file copy")
        verbose_name_plural = _("sealed file copies")
        ordering = ["tte", "urutan"]
        constraints = [
            models.UniqueConstraint(fields=["tte", "urutan"], name="unique_pertinggal_version")
        ]

    def __str__(self) -> str:
        return f"{self.tte.naskah_id} pertinggal #{self.urutan}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Sealed documents are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Sealed documents are immutable.")


class Distribusi(models.Model):
    """Delivery of a signed letter to one recipient: an internal person (inbox, read
    receipt) or an external e-mail address. `kunci` makes dispatch idempotent."""

    class Saluran(models.TextChoices):
        INTERNAL = "internal", _("Internal inbox")
        EMAIL = "email", _("E-mail")
        MANUAL = "manual", _("Manual delivery (no address)")

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("Waiting")
        MENGIRIM = "mengirim", _("Sending")
        TERKIRIM = "terkirim", _("Delivered")
        GAGAL = "gagal", _("Failed")
        TANPA_ALAMAT = "tanpa_alamat", _("No address: deliver by hand")

    naskah = models.ForeignKey(
        "naskah.Naskah",
        verbose_name=_("letter"),
        on_delete=models.PROTECT,
        related_name="distribusi",
    )
    kunci = models.CharField(_("idempotency key"), max_length=200, unique=True)
    jenis = models.CharField(_("kind"), max_length=10)  # tujuan / tembusan
    label = models.CharField(_("recipient"), max_length=400)
    saluran = models.CharField(_("channel"), max_length=10, choices=Saluran.choices)
    pegawai = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="naskah_masuk"
    )
    jabatan = models.ForeignKey(
        Jabatan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kapasitas = models.CharField(_("capacity"), max_length=12, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.MENUNGGU
    )
    dikirim_pada = models.DateTimeField(_("delivered at"), null=True, blank=True)
    dibaca_pada = models.DateTimeField(_("read at"), null=True, blank=True)
    percobaan = models.PositiveSmallIntegerField(_("attempts"), default=0)
    kesalahan = models.CharField(_("last error"), max_length=500, blank=True)
    # The e-mail attempt (core.services.attempts): token and lease of the running one,
    # when it started, when the next try is due after a failure.
    token = models.CharField(max_length=32, blank=True, editable=False)
    sewa = models.CharField(max_length=200, blank=True, editable=False)
    mulai_pada = models.DateTimeField(null=True, blank=True)
    coba_lagi_pada = models.DateTimeField(_("next try"), null=True, blank=True)
    dibuat_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["naskah", "pk"]
        indexes = [models.Index(fields=["pegawai", "dibaca_pada"])]

    def __str__(self) -> str:
        return f"{self.naskah_id} → {self.label}"


class BatchTTE(models.Model):
    """A batch signing run of one signer (progress rows for the page; never a secret)."""

    class Status(models.TextChoices):
        BERJALAN = "berjalan", _("Running")
        SELESAI = "selesai", _("Finished")
        TERHENTI = "terhenti", _("Interrupted")

    penandatangan = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BERJALAN)
    dibuat_pada = models.DateTimeField(auto_now_add=True)
    selesai_pada = models.DateTimeField(null=True, blank=True)
    # The run that holds the key now (a random token per start or continue; never a secret)
    # and its last sign of life: a run silent past the lease has lost its process.
    pemilik = models.CharField(max_length=32, blank=True)
    denyut_pada = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("batch signing")
        verbose_name_plural = _("batch signings")
        ordering = ["-dibuat_pada"]

    def __str__(self) -> str:
        return f"batch {self.pk}"


class BatchTTEItem(models.Model):
    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("Waiting")
        PROSES = "proses", _("Signing")
        BERHASIL = "berhasil", _("Signed")
        GAGAL = "gagal", _("Failed")
        TERPUTUS = "terputus", _("Interrupted, not signed")

    batch = models.ForeignKey(BatchTTE, on_delete=models.CASCADE, related_name="items")
    naskah = models.ForeignKey("naskah.Naskah", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MENUNGGU)
    pesan = models.CharField(max_length=500, blank=True)
    selesai_pada = models.DateTimeField(null=True, blank=True)
    # The claim: which run took the letter ("proses") and when (its lease starts then).
    pemilik = models.CharField(max_length=32, blank=True)
    diklaim_pada = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "pk"]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.naskah_id}"

"""Letters between instances (issue 17 items 5 and 6).

`InstansiMitra`: a peer instance or agency, registered by an administrator: where its API
is, the credentials of the API client it gave us (to deliver to it), the API client of
ours it calls us with (to receive from it) and the trust anchors whose signatures we
accept from it. `PengirimanMitra`: one letter delivered to one peer, its attempts recorded
(core.services.attempts, DESIGN invariant 11) and the receipt that came back.
`PenerimaanMitra`: one letter received (over the API or imported from a package),
unique per sender and sender's number, with the receipt we gave.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InstansiMitra(models.Model):
    nama = models.CharField(_("name"), max_length=255)
    kode = models.CharField(
        _("agency code"),
        max_length=60,
        unique=True,
        help_text=_("The code the peer puts in its packages as the sender's agency code."),
    )
    url_dasar = models.URLField(
        _("base URL"), max_length=300, blank=True, help_text=_("e.g. https://naskah.example.go.id")
    )
    client_id_mitra = models.CharField(_("our client id at the peer"), max_length=100, blank=True)
    secret_mitra_encrypted = models.TextField(blank=True, editable=False)
    client = models.OneToOneField(
        "api.ApiClient",
        verbose_name=_("API client the peer calls us with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mitra",
    )
    jangkar_kepercayaan = models.TextField(
        _("trust anchors (PEM)"),
        blank=True,
        help_text=_("CA certificates whose signatures are accepted on letters from this peer."),
    )
    alamat_surel = models.EmailField(
        _("official e-mail"),
        blank=True,
        help_text=_(
            "An external recipient with this e-mail address (or exactly this name) is "
            "delivered to the peer over the exchange."
        ),
    )
    aktif = models.BooleanField(_("active"), default=True)
    dibuat_pada = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("peer instance")
        verbose_name_plural = _("peer instances")
        ordering = ["nama"]

    def __str__(self) -> str:
        return f"{self.nama} ({self.kode})"


class PengirimanMitra(models.Model):
    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("Pending")
        MENGIRIM = "mengirim", _("Sending")
        DITERIMA = "diterima", _("Received")
        GAGAL = "gagal", _("Failed")

    naskah = models.ForeignKey(
        "naskah.Naskah", on_delete=models.PROTECT, related_name="pengiriman_mitra"
    )
    mitra = models.ForeignKey(InstansiMitra, on_delete=models.PROTECT, related_name="pengiriman")
    label = models.CharField(_("recipient"), max_length=400, blank=True)
    kunci = models.CharField(_("idempotency key"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.MENUNGGU
    )
    percobaan = models.PositiveSmallIntegerField(_("attempts"), default=0)
    token = models.CharField(max_length=32, blank=True, editable=False)
    sewa = models.CharField(max_length=200, blank=True, editable=False)
    mulai_pada = models.DateTimeField(null=True, blank=True)
    kesalahan = models.CharField(_("last error"), max_length=500, blank=True)
    coba_lagi_pada = models.DateTimeField(_("next try"), null=True, blank=True)
    dibuat_pada = models.DateTimeField(default=timezone.now)
    diterima_pada = models.DateTimeField(_("received at"), null=True, blank=True)
    nomor_agenda = models.CharField(_("agenda number at the peer"), max_length=120, blank=True)
    tanda_terima = models.JSONField(_("receipt"), default=dict, blank=True)
    tanda_terima_sah = models.BooleanField(_("receipt signature verified"), default=False)

    class Meta:
        verbose_name = _("delivery to a peer")
        verbose_name_plural = _("deliveries to peers")
        ordering = ["-dibuat_pada"]
        constraints = [
            models.UniqueConstraint(fields=["naskah", "mitra"], name="pengiriman_mitra_unique")
        ]

    def __str__(self) -> str:
        return f"{self.naskah_id} → {self.mitra.kode}"


class PenerimaanMitra(models.Model):
    class Cara(models.TextChoices):
        API = "api", _("Delivered over the API")
        IMPOR = "impor", _("Imported from a package")

    mitra = models.ForeignKey(
        InstansiMitra, on_delete=models.PROTECT, null=True, blank=True, related_name="penerimaan"
    )
    pengirim_kode = models.CharField(max_length=60)
    nomor_surat = models.CharField(max_length=120)
    uid = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    cara = models.CharField(max_length=10, choices=Cara.choices)
    surat_masuk = models.ForeignKey(
        "masuk.SuratMasuk", on_delete=models.PROTECT, related_name="penerimaan_mitra"
    )
    diterima_pada = models.DateTimeField(default=timezone.now)
    tanda_terima = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("letter received from a peer")
        verbose_name_plural = _("letters received from peers")
        constraints = [
            models.UniqueConstraint(
                fields=["pengirim_kode", "nomor_surat"], name="penerimaan_mitra_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pengirim_kode} {self.nomor_surat}"

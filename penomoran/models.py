"""Numbering books, their per-year counters and the ledger of every number issued.

Generic on purpose: the outgoing letters (naskah) and the incoming-letter agenda both
number through here, so a number refers to what it numbers by plain values (object type
and id), never by a foreign key into another app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, UnitKerja
from penomoran.formats import DEFAULT_FORMAT, MAX_FORMAT_LENGTH, validate_format


class BukuNomor(TimeStampedModel):
    """A numbering book: one issuing unit and one letter family. Running numbers restart
    every calendar year of the office time zone (one `BukuNomorTahun` row per year)."""

    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    jenis = models.SlugField(
        _("letter family"),
        max_length=40,
        help_text=_('Key of the family numbered here, e.g. "surat", "nota_dinas", "agenda_masuk".'),
    )
    nama = models.CharField(_("name"), max_length=200)
    format = models.CharField(
        _("number format"),
        max_length=MAX_FORMAT_LENGTH,
        default=DEFAULT_FORMAT,
        validators=[validate_format],
        help_text=_(
            "Parts: {kode} classification code, {nomor} running number, {unit} unit code, "
            "{bulan_romawi} month in Roman numerals, {tahun} year, {sifat} security prefix. "
            "Other text is printed as written."
        ),
    )
    lebar_nomor = models.PositiveSmallIntegerField(
        _("zero padding of the running number"),
        default=0,
        help_text=_("Digits of {nomor}, padded with zeros (3 gives 007); 0 for no padding."),
    )
    kode_unit = models.CharField(
        _("unit code in the number"),
        max_length=40,
        blank=True,
        help_text=_(
            "Printed by {unit}; defaults to the unit's official code (else its unit code)."
        ),
    )
    aktif = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("numbering book")
        verbose_name_plural = _("numbering books")
        ordering = ["unit__path", "jenis"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "jenis"], name="penomoran_one_book_per_family"),
            models.CheckConstraint(
                condition=models.Q(lebar_nomor__lte=10), name="penomoran_lebar_nomor_max_10"
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    @property
    def kode_unit_tampil(self) -> str:
        return self.kode_unit or self.unit.kode_resmi or self.unit.kode


class BukuNomorTahun(models.Model):
    """The counter of one book in one year: `terakhir` is the last running number issued.
    Taken with a single locked UPDATE, so concurrent allocations queue on this row."""

    buku = models.ForeignKey(BukuNomor, on_delete=models.PROTECT, related_name="tahun_set")
    tahun = models.PositiveSmallIntegerField(_("year"))
    terakhir = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("numbering book year")
        verbose_name_plural = _("numbering book years")
        constraints = [
            models.UniqueConstraint(
                fields=["buku", "tahun"], name="penomoran_one_counter_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buku} {self.tahun}: {self.terakhir}"


class Nomor(models.Model):
    """One issued number. Rows are never deleted or renumbered: a cancelled number stays
    with status `batal` and its reason."""

    class Status(models.TextChoices):
        DIGUNAKAN = "digunakan", _("Used")
        DICADANGKAN = "dicadangkan", _("Reserved")
        BATAL = "batal", _("Cancelled")

    buku = models.ForeignKey(
        BukuNomor, verbose_name=_("book"), on_delete=models.PROTECT, related_name="nomor_set"
    )
    tahun = models.PositiveSmallIntegerField(_("year"))
    urut = models.PositiveIntegerField(_("running number"))
    teks = models.CharField(_("number"), max_length=200)
    tanggal = models.DateField(
        _("letter date"), help_text=_("For a reserved number: the back-date it is for.")
    )
    kode_klasifikasi = models.CharField(_("classification code"), max_length=30, blank=True)
    sifat = models.CharField(_("security prefix"), max_length=5, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    object_type = models.CharField(_("numbered object type"), max_length=100, blank=True)
    object_id = models.CharField(_("numbered object id"), max_length=64, blank=True)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dibuat_pada = models.DateTimeField(_("issued at"), default=timezone.now)
    cadangan = models.BooleanField(
        _("issued as a reservation"),
        default=False,
        help_text=_("Reserved by an authorised user for a back-dated or emergency letter."),
    )
    alasan = models.TextField(_("reason for reserving"), blank=True)
    digunakan_pada = models.DateTimeField(_("attached at"), null=True, blank=True)
    dibatalkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dibatalkan_pada = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    alasan_batal = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("issued number")
        verbose_name_plural = _("issued numbers")
        ordering = ["buku_id", "tahun", "urut"]
        permissions = [
            ("reserve_nomor", _("Can reserve a number for a back-dated or emergency letter")),
            ("cancel_nomor", _("Can cancel an issued number")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["buku", "tahun", "urut"], name="penomoran_unique_running_number"
            ),
            models.UniqueConstraint(fields=["buku", "tahun", "teks"], name="penomoran_unique_text"),
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=models.Q(status="digunakan"),
                name="penomoran_one_used_number_per_object",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="digunakan") | ~models.Q(object_type=""),
                name="penomoran_used_number_has_object",
            ),
            models.CheckConstraint(
                condition=models.Q(cadangan=False) | ~models.Q(alasan=""),
                name="penomoran_reservation_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dicadangkan") | models.Q(cadangan=True),
                name="penomoran_reserved_status_only_for_reservations",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="batal") | ~models.Q(alasan_batal=""),
                name="penomoran_cancelled_number_has_reason",
            ),
            models.CheckConstraint(condition=models.Q(urut__gte=1), name="penomoran_urut_positive"),
        ]
        indexes = [
            models.Index(fields=["buku", "tahun", "status"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["buku", "cadangan", "dibuat_pada"]),
        ]

    def __str__(self) -> str:
        return self.teks

    @property
    def terpakai(self) -> bool:
        """Attached to what it numbers (a signed letter, a registered incoming letter): it
        can no longer be cancelled; a signed letter is withdrawn by a later letter."""
        return self.status == self.Status.DIGUNAKAN or bool(self.object_type)


class BlokDarurat(models.Model):
    """A contiguous block of numbers an administrator reserves ahead of an outage
    (docs/numbering.md, "Outage fallback"). Its numbers are ordinary reserved `Nomor` rows
    (running numbers `urut_awal`..`urut_akhir` of the book's year): each ends either used by
    a manual letter registered afterwards or cancelled with a reason, so the series stays
    gap-free."""

    buku = models.ForeignKey(
        BukuNomor, verbose_name=_("book"), on_delete=models.PROTECT, related_name="blok_set"
    )
    tahun = models.PositiveSmallIntegerField(_("year"))
    urut_awal = models.PositiveIntegerField(_("first running number"))
    urut_akhir = models.PositiveIntegerField(_("last running number"))
    alasan = models.TextField(_("reason"))
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dibuat_pada = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("emergency block of numbers")
        verbose_name_plural = _("emergency blocks of numbers")
        ordering = ["-dibuat_pada"]
        permissions = [
            ("issue_blokdarurat", _("Can issue an emergency block of numbers before an outage"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urut_akhir__gte=models.F("urut_awal")),
                name="penomoran_blok_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buku} {self.tahun}: {self.urut_awal}–{self.urut_akhir}"

    def nomor_qs(self):
        return Nomor.objects.filter(
            buku_id=self.buku_id,
            tahun=self.tahun,
            urut__gte=self.urut_awal,
            urut__lte=self.urut_akhir,
        )


class SuratManual(models.Model):
    """A letter signed on paper during an outage with a number of an emergency block,
    registered afterwards with its scan (sanitised PDF)."""

    blok = models.ForeignKey(
        BlokDarurat,
        verbose_name=_("emergency block"),
        on_delete=models.PROTECT,
        related_name="surat_set",
    )
    nomor = models.OneToOneField(
        Nomor, verbose_name=_("number"), on_delete=models.PROTECT, related_name="surat_manual"
    )
    tanggal = models.DateField(_("letter date"))
    hal = models.CharField(_("subject"), max_length=500)
    penandatangan = models.CharField(_("signed by (name and position)"), max_length=300)
    tujuan = models.TextField(_("recipients"))
    berkas = models.FileField(_("scan"), max_length=255)
    sha256 = models.CharField(max_length=64)
    didaftarkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    didaftarkan_pada = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("manual letter")
        verbose_name_plural = _("manual letters")
        ordering = ["nomor__urut"]

    def __str__(self) -> str:
        return f"{self.nomor.teks}: {self.hal}"

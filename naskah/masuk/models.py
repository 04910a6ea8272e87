"""Incoming letters (surat masuk): the unit's register, the scans and their OCR text, and
the disposition tree (disposisi) with its follow-up reports (tindak lanjut).

The tree has two levels of rows: a `Disposisi` is one act of disposing (who disposed, on
behalf of which position, instructions, note, deadline); each of its recipients is a
branch, `DisposisiPenerima`, with its own state. A recipient re-disposes by creating a
new `Disposisi` whose `induk` is their branch.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.files import RandomName
from core.models import (
    Jabatan,
    KodeKlasifikasi,
    Pegawai,
    TimKerja,
    UnitKerja,
    confidential_marker,
)
from core.vocabulary import CONFIDENTIAL, KlasifikasiKeamanan, Urgensi

# The seeded instructions (migration 0002_instruksi_standar): code -> (stored Indonesian
# label, English msgid). Shown translated in the reader's language while the stored label is
# still the seeded one; a label an administrator changed is shown as stored. The disposition
# sheet (lembar.py) prints the stored label.
INSTRUKSI_STANDAR = {
    "diketahui": ("Untuk diketahui", gettext_noop("For information")),
    "ditindaklanjuti": ("Untuk ditindaklanjuti", gettext_noop("For follow-up")),
    "siapkan-jawaban": ("Siapkan jawaban", gettext_noop("Prepare a reply")),
    "koordinasikan": ("Koordinasikan", gettext_noop("Coordinate")),
    "pelajari": ("Pelajari/kaji", gettext_noop("Study/review")),
    "wakili": ("Wakili/hadiri", gettext_noop("Represent/attend")),
    "pantau": ("Pantau", gettext_noop("Monitor")),
    "arsipkan": ("Arsipkan", gettext_noop("File it")),
    "tanggapan-saran": ("Tanggapan dan saran", gettext_noop("Comments and advice")),
    "proses-lanjut": ("Proses lebih lanjut", gettext_noop("Process further")),
}


class InstruksiDisposisi(models.Model):
    """A standard instruction ticked on the disposition sheet (configurable data)."""

    kode = models.SlugField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=120)
    urutan = models.PositiveSmallIntegerField(_("order"), default=0)
    aktif = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("disposition instruction")
        verbose_name_plural = _("disposition instructions")
        ordering = ["urutan", "nama"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The instruction in the active language (INSTRUKSI_STANDAR), else as stored."""
        standard = INSTRUKSI_STANDAR.get(self.kode)
        if standard is not None and self.nama == standard[0]:
            return gettext(standard[1])
        return self.nama


class SuratMasuk(models.Model):
    """An incoming letter registered in a unit's register (buku agenda)."""

    class Asal(models.TextChoices):
        EKSTERNAL = "eksternal", _("External (scanned)")
        INTERNAL = "internal", _("Internal (signed in Naskah)")

    class Status(models.TextChoices):
        TERDAFTAR = "terdaftar", _("Registered")
        DIDISPOSISI = "didisposisi", _("Being handled")
        SELESAI = "selesai", _("Completed")

    class StatusOCR(models.TextChoices):
        MENUNGGU = "menunggu", _("Waiting")
        DIPROSES = "diproses", _("Processing")
        SELESAI = "selesai", _("Done")
        GAGAL = "gagal", _("Failed")
        TIDAK_TERSEDIA = "tidak_tersedia", _("OCR unavailable")

    kunci = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="+"
    )
    asal = models.CharField(_("origin"), max_length=10, choices=Asal.choices)
    nomor_agenda = models.CharField(_("agenda number"), max_length=200)
    agenda_tahun = models.PositiveSmallIntegerField(_("agenda year"))
    agenda_urut = models.PositiveIntegerField(_("agenda running number"))
    nomor_ref = models.OneToOneField(
        "penomoran.Nomor",
        verbose_name=_("issued agenda number"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pengirim = models.CharField(_("sender (agency)"), max_length=255)
    nomor_surat = models.CharField(_("sender's letter number"), max_length=200, blank=True)
    nomor_surat_norm = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    pengirim_norm = models.CharField(max_length=255, blank=True, editable=False)
    tanggal_surat = models.DateField(_("letter date"), null=True, blank=True)
    tanggal_diterima = models.DateField(_("date received"))
    hal = models.CharField(_("subject"), max_length=500)
    urgensi = models.CharField(_("urgency"), max_length=12, choices=Urgensi.choices)
    klasifikasi_keamanan = models.CharField(
        _("security class"), max_length=15, choices=KlasifikasiKeamanan.choices
    )
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi,
        verbose_name=_("classification code"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    jumlah_lampiran = models.PositiveSmallIntegerField(_("number of attachments"), default=0)
    jabatan_tujuan = models.ForeignKey(
        Jabatan, verbose_name=_("addressed position"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TERDAFTAR
    )
    # Internal letters registered automatically by the outgoing dispatch: plain values,
    # never a foreign key, so the register does not depend on the outgoing models.
    sumber_type = models.CharField(max_length=100, blank=True)
    sumber_id = models.CharField(max_length=64, blank=True)
    # OCR (background): searchable combined PDF, extracted text, suggestions for review.
    ocr_status = models.CharField(
        _("OCR status"), max_length=15, choices=StatusOCR.choices, default=StatusOCR.MENUNGGU
    )
    ocr_pesan = models.CharField(_("OCR message"), max_length=500, blank=True)
    ocr_teks = models.TextField(_("OCR text"), blank=True)
    ocr_saran = models.JSONField(_("suggested metadata"), default=dict, blank=True)
    ocr_mulai_pada = models.DateTimeField(null=True, blank=True)
    ocr_selesai_pada = models.DateTimeField(null=True, blank=True)
    # The OCR attempt (core.services.attempts): count, token and lease of the running one,
    # when the next try is due after a failure.
    ocr_percobaan = models.PositiveSmallIntegerField(_("OCR attempts"), default=0)
    ocr_token = models.CharField(max_length=32, blank=True, editable=False)
    ocr_sewa = models.CharField(max_length=200, blank=True, editable=False)
    ocr_coba_lagi_pada = models.DateTimeField(_("next OCR try"), null=True, blank=True)
    berkas_pdf = models.FileField(
        _("searchable PDF"), upload_to=RandomName("masuk/pdf", ".pdf"), blank=True, max_length=255
    )
    dibuat_oleh = models.ForeignKey(
        Pegawai,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dibuat_pada = models.DateTimeField(_("registered at"), default=timezone.now)
    selesai_pada = models.DateTimeField(_("completed at"), null=True, blank=True)
    selesai_oleh = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    catatan_selesai = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("incoming letter")
        verbose_name_plural = _("incoming letters")
        ordering = ["-agenda_tahun", "-agenda_urut"]
        permissions = [("register_suratmasuk", _("Can register incoming letters"))]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "agenda_tahun", "agenda_urut"], name="masuk_unique_agenda"
            ),
            models.UniqueConstraint(
                fields=["unit", "sumber_type", "sumber_id"],
                condition=~Q(sumber_id=""),
                name="masuk_internal_once_per_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "pengirim_norm", "nomor_surat_norm"]),
            models.Index(fields=["jabatan_tujuan", "status"]),
        ]

    def __str__(self) -> str:
        # Classification-safe (admin pages, audit events): see `hal_aman`.
        return f"{self.nomor_agenda} — {self.hal_aman}"[:255]

    @property
    def hal_aman(self) -> str:
        """The subject, or "[RAHASIA]" / "[SANGAT RAHASIA]" for a confidential letter."""
        return confidential_marker(self.klasifikasi_keamanan) or self.hal

    @property
    def rahasia(self) -> bool:
        return self.klasifikasi_keamanan in CONFIDENTIAL


class BerkasSuratMasuk(models.Model):
    """One uploaded scan file (PDF, JPEG or PNG), checked by content on upload."""

    surat = models.ForeignKey(SuratMasuk, on_delete=models.CASCADE, related_name="berkas")
    berkas = models.FileField(_("file"), upload_to=RandomName("masuk/scan"), max_length=255)
    nama_asli = models.CharField(_("original name"), max_length=255)
    jenis = models.CharField(_("content type"), max_length=40)
    ukuran = models.PositiveIntegerField(_("size (bytes)"))
    halaman = models.PositiveIntegerField(_("pages"), default=1)
    sha256 = models.CharField(max_length=64)
    urutan = models.PositiveSmallIntegerField(default=0)
    # A PDF as received, kept unchanged as evidence (it may carry a sender's signature that
    # the cleaned copy in `berkas` no longer validates). Never shown inline: download only.
    berkas_asli = models.FileField(
        _("original file (evidence)"),
        upload_to=RandomName("masuk/asli"),
        max_length=255,
        blank=True,
    )
    sha256_asli = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("scan file")
        verbose_name_plural = _("scan files")
        ordering = ["surat", "urutan"]

    def __str__(self) -> str:
        return self.nama_asli


class Disposisi(models.Model):
    """One act of disposing: from a position (by its current holder or acting official) to
    one or more recipients, with instructions, a note and a deadline."""

    surat = models.ForeignKey(SuratMasuk, on_delete=models.PROTECT, related_name="disposisi")
    induk = models.ForeignKey(
        "DisposisiPenerima",
        verbose_name=_("re-disposed from branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="turunan",
    )
    dari_jabatan = models.ForeignKey(
        Jabatan, verbose_name=_("on behalf of position"), on_delete=models.PROTECT, related_name="+"
    )
    dari_pegawai = models.ForeignKey(
        Pegawai, verbose_name=_("disposed by"), on_delete=models.PROTECT, related_name="+"
    )
    dari_jenis = models.CharField(_("capacity"), max_length=10, default="definitif")
    instruksi = models.ManyToManyField(
        InstruksiDisposisi, verbose_name=_("instructions"), related_name="+", blank=True
    )
    catatan = models.TextField(_("note"), blank=True)
    batas_waktu = models.DateTimeField(_("deadline"))
    dibuat_pada = models.DateTimeField(_("disposed at"), default=timezone.now)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["dibuat_pada", "pk"]

    def __str__(self) -> str:
        return f"{self.dari_jabatan} → {self.surat.nomor_agenda}"


class DisposisiPenerima(models.Model):
    """A branch of the tree: one recipient of a disposition, with its own state. Exactly one
    of position, person or work team; a position-addressed branch follows whoever holds
    the position today."""

    class Status(models.TextChoices):
        BELUM_DIBACA = "belum_dibaca", _("Unread")
        DIBACA = "dibaca", _("Read")
        DIPROSES = "diproses", _("In progress")
        SELESAI = "selesai", _("Completed")

    class CaraSelesai(models.TextChoices):
        LAPORAN = "laporan", _("Follow-up report")
        DITUTUP = "ditutup", _("Closed by the disposer")

    disposisi = models.ForeignKey(Disposisi, on_delete=models.PROTECT, related_name="penerima")
    surat = models.ForeignKey(SuratMasuk, on_delete=models.PROTECT, related_name="cabang")
    ke_jabatan = models.ForeignKey(
        Jabatan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ke_pegawai = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ke_tim = models.ForeignKey(
        TimKerja, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ke_unit = models.ForeignKey(
        UnitKerja, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    utama = models.BooleanField(_("lead recipient"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BELUM_DIBACA
    )
    dibaca_pada = models.DateTimeField(_("read at"), null=True, blank=True)
    dibaca_oleh = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selesai_pada = models.DateTimeField(_("completed at"), null=True, blank=True)
    selesai_oleh = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cara_selesai = models.CharField(max_length=10, choices=CaraSelesai.choices, blank=True)
    catatan_tutup = models.TextField(_("closing reason"), blank=True)
    batas_waktu = models.DateTimeField(_("deadline"))
    diingatkan_pada = models.DateTimeField(_("reminded at"), null=True, blank=True)
    dieskalasi_pada = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposition branch")
        verbose_name_plural = _("disposition branches")
        ordering = ["disposisi", "-utama", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ke_jabatan__isnull=False, ke_pegawai__isnull=True, ke_tim__isnull=True)
                    | Q(ke_jabatan__isnull=True, ke_pegawai__isnull=False, ke_tim__isnull=True)
                    | Q(ke_jabatan__isnull=True, ke_pegawai__isnull=True, ke_tim__isnull=False)
                ),
                name="masuk_branch_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["disposisi"], condition=Q(utama=True), name="masuk_one_lead_per_act"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "batas_waktu"]),
            models.Index(fields=["ke_jabatan", "status"]),
            models.Index(fields=["ke_pegawai", "status"]),
        ]

    def __str__(self) -> str:
        return self.penerima_label

    @property
    def penerima_label(self) -> str:
        if self.ke_jabatan_id:
            return self.ke_jabatan.nama
        if self.ke_pegawai_id:
            return self.ke_pegawai.nama_lengkap
        return self.ke_tim.nama

    @property
    def terbuka(self) -> bool:
        return self.status != self.Status.SELESAI

    def terlambat_pada(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status == self.Status.SELESAI:
            return bool(self.selesai_pada and self.selesai_pada > self.batas_waktu)
        return self.batas_waktu < now


class TindakLanjut(models.Model):
    """A follow-up report on a branch: text, files and optionally a linked reply letter."""

    cabang = models.ForeignKey(DisposisiPenerima, on_delete=models.PROTECT, related_name="laporan")
    pelapor = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    teks = models.TextField(_("report"))
    balasan = models.ForeignKey(
        "naskah.Naskah",
        verbose_name=_("reply letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tindak_lanjut_masuk",
        help_text=_("The outgoing letter that answers the incoming one."),
    )
    final = models.BooleanField(_("closes the branch"), default=True)
    dibuat_pada = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["dibuat_pada", "pk"]

    def __str__(self) -> str:
        return self.teks[:80]


class BerkasTindakLanjut(models.Model):
    laporan = models.ForeignKey(TindakLanjut, on_delete=models.CASCADE, related_name="berkas")
    berkas = models.FileField(upload_to=RandomName("masuk/tindaklanjut"), max_length=255)
    nama_asli = models.CharField(max_length=255)
    jenis = models.CharField(max_length=40)
    ukuran = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("follow-up file")
        verbose_name_plural = _("follow-up files")

    def __str__(self) -> str:
        return self.nama_asli


class SuratBalasan(models.Model):
    """The reply draft started from an incoming letter ("Buat konsep surat balasan"): the
    link both pages show. The reply is an ordinary outgoing letter; who sees it follows the
    outgoing rules (a draft: its drafter only)."""

    surat = models.ForeignKey(
        SuratMasuk,
        verbose_name=_("incoming letter"),
        on_delete=models.PROTECT,
        related_name="balasan",
    )
    naskah = models.OneToOneField(
        "naskah.Naskah",
        verbose_name=_("reply letter"),
        on_delete=models.PROTECT,
        related_name="membalas",
    )
    cabang = models.ForeignKey(
        DisposisiPenerima,
        verbose_name=_("from the disposition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dibuat_oleh = models.ForeignKey(
        Pegawai, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    dibuat_pada = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("reply letter")
        verbose_name_plural = _("reply letters")
        ordering = ["dibuat_pada"]

    def __str__(self) -> str:
        return f"{self.surat} → {self.naskah_id}"


class UnggahanMasuk(models.Model):
    """A scan uploaded before the registration form (naskah.masuk.unggah): the files kept
    in the pending area, and the reading of their text with its attempt (DESIGN invariant
    11, core.services.attempts). It holds suggestions only; nothing here is registered.
    Deleted when the letter is registered, replaced, or older than the pending files."""

    token = models.CharField(max_length=40, unique=True)
    pemilik = models.ForeignKey(Pegawai, on_delete=models.CASCADE, related_name="+")
    berkas = models.JSONField(default=list)  # [{"nama", "jenis", "stored"}]
    saran = models.JSONField(default=dict, blank=True)
    dibuat_pada = models.DateTimeField(default=timezone.now, db_index=True)
    # The reading (core.services.attempts): state, count, token and lease of the running
    # attempt, the last error (a translated sentence) and when the next try is due.
    baca_status = models.CharField(
        max_length=15,
        choices=SuratMasuk.StatusOCR.choices,
        default=SuratMasuk.StatusOCR.MENUNGGU,
    )
    baca_percobaan = models.PositiveSmallIntegerField(default=0)
    baca_token = models.CharField(max_length=32, blank=True, editable=False)
    baca_sewa = models.CharField(max_length=200, blank=True, editable=False)
    baca_mulai_pada = models.DateTimeField(null=True, blank=True)
    baca_pesan = models.CharField(max_length=500, blank=True)
    baca_coba_lagi_pada = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staged upload")
        verbose_name_plural = _("staged uploads")

    def __str__(self) -> str:
        return f"{self.token} ({self.baca_status})"

"""Letters: the JenisNaskah registry (data, editable in the admin), drafts with immutable
revisions, recipients and lampiran."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.models import (
    Jabatan,
    KodeKlasifikasi,
    Pegawai,
    TimeStampedModel,
    UnitKerja,
    confidential_marker,
)
from core.vocabulary import KlasifikasiKeamanan, Urgensi

PAPER_CHOICES = [("A4", "A4"), ("F4", "F4 (215 × 330 mm)")]
FONT_CHOICES = [("arial", "Arial"), ("bookman", "Bookman Old Style")]
LAYOUT_KINDS = [
    "surat",
    "nota_dinas",
    "judul",
    "keputusan",
    "disposisi",
    # issue 13 item 4 (naskah/rendering/layouts/newtypes.py)
    "daftar_hadir",
    "piagam",
    "peraturan",
    "perjanjian",
    "sppd",
]
# Keys a letter type may override in its `layout` JSON (the renderer contract's layout dict).
LAYOUT_OVERRIDE_KEYS = {
    "paper",
    "font",
    "font_size",
    "margins_mm",
    "page_numbers",
    "continuation_words",
    "place_date_label",
    # layout corrections per type (docs/rendering.md "Types")
    "nomor_format",
    "number_placeholder",
    "signer_role_label",
    "yth_above_title",
    "tentang_line",
    "memo_rows",
    "jabatan_after_title",
    "body_first",
    "receipt_block",
    # read by naskah.context, not passed to the renderer
    "parties",
    "section_numbers",
    # issue 13 item 4: landscape pages (Piagam, Sertifikat); Pasal 44(2) title exemption and
    # the judul's "MEMERINTAHKAN:" replacement, both read by naskah.context
    "orientation",
    "titles_exempt",
    "perintah_label",
}


class TataNaskahDefault(models.Model):
    """Layout defaults for every letter type (one row, edited in the admin). Regional rules
    differ on paper, fonts and margins (domain.md section 2), so they are data."""

    paper = models.CharField(_("paper"), max_length=4, choices=PAPER_CHOICES, default="A4")
    font = models.CharField(_("font"), max_length=10, choices=FONT_CHOICES, default="arial")
    font_size = models.PositiveSmallIntegerField(_("font size (pt)"), default=12)
    margin_top_mm = models.PositiveSmallIntegerField(_("top margin (mm)"), default=20)
    margin_bottom_mm = models.PositiveSmallIntegerField(_("bottom margin (mm)"), default=25)
    margin_left_mm = models.PositiveSmallIntegerField(_("left margin (mm)"), default=30)
    margin_right_mm = models.PositiveSmallIntegerField(_("right margin (mm)"), default=20)
    page_numbers = models.BooleanField(_("page numbers from page 2"), default=True)
    continuation_words = models.BooleanField(_("continuation word at page foot"), default=True)

    class Meta:
        verbose_name = _("letter layout defaults")
        verbose_name_plural = _("letter layout defaults")

    def __str__(self) -> str:
        return str(_("Letter layout defaults"))

    def as_layout(self) -> dict:
        return {
            "paper": self.paper,
            "font": self.font,
            "font_size": self.font_size,
            "margins_mm": {
                "top": self.margin_top_mm,
                "bottom": self.margin_bottom_mm,
                "left": self.margin_left_mm,
                "right": self.margin_right_mm,
            },
            "page_numbers": self.page_numbers,
            "continuation_words": self.continuation_words,
        }


class JenisNaskah(models.Model):
    """A letter type: its Permendagri 1/2023 category (group and subgroup), typed fields
    and layout. Who may sign it is the authority matrix (`KewenanganTandaTangan` rows)."""

    class Kelompok(models.TextChoices):
        ARAHAN = "arahan", _("Directive (arahan)")
        KORESPONDENSI = "korespondensi", _("Correspondence (korespondensi)")
        KHUSUS = "khusus", _("Special (khusus)")
        LAINNYA = "lainnya", _("Other (lainnya)")

    class Subkelompok(models.TextChoices):
        NONE = "", _("(none)")
        PENGATURAN = "pengaturan", _("Regulating (pengaturan)")
        PENETAPAN = "penetapan", _("Determining (penetapan)")
        PENUGASAN = "penugasan", _("Assigning (penugasan)")

    class Lingkup(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EKSTERNAL = "eksternal", _("External")
        KEDUANYA = "keduanya", _("Internal or external")

    class LayoutKind(models.TextChoices):
        SURAT = "surat", _("Letter (surat)")
        NOTA_DINAS = "nota_dinas", _("Memorandum (nota dinas)")
        JUDUL = "judul", _("Titled document")
        KEPUTUSAN = "keputusan", _("Decree (keputusan)")
        DISPOSISI = "disposisi", _("Disposition sheet")
        DAFTAR_HADIR = "daftar_hadir", _("Attendance list (daftar hadir)")
        PIAGAM = "piagam", _("Certificate (piagam, sertifikat)")
        PERATURAN = "peraturan", _("Regulation (peraturan, BAB/Pasal)")
        PERJANJIAN = "perjanjian", _("Agreement between two parties (MoU, PKS)")
        SPPD = "sppd", _("Official travel order (SPPD, two-sided form)")

    kode = models.SlugField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=120)
    kelompok = models.CharField(_("group"), max_length=15, choices=Kelompok.choices)
    subkelompok = models.CharField(
        _("subgroup"), max_length=12, choices=Subkelompok.choices, blank=True, default=""
    )
    lingkup = models.CharField(
        _("internal/external"), max_length=10, choices=Lingkup.choices, default="keduanya"
    )
    fields_schema = models.JSONField(
        _("typed fields"),
        default=list,
        blank=True,
        help_text=_(
            'List of fields: {"name", "label", "type" (text, textarea, date, time, blocks, '
            'people, diktum, signers, lines), "required", "max_length", "help"}.'
        ),
    )
    layout_kind = models.CharField(_("layout"), max_length=12, choices=LayoutKind.choices)
    layout_title = models.CharField(_("layout title"), max_length=200, blank=True)
    layout = models.JSONField(
        _("layout overrides"),
        default=dict,
        blank=True,
        help_text=_(
            "Overrides of the defaults: paper, font, font_size, margins_mm, page_numbers, "
            "continuation_words, place_date_label."
        ),
    )
    kop_kepala_daerah = models.BooleanField(
        _("always the head-of-region letterhead"),
        default=False,
        help_text=_("For types only the head of region signs (Garuda letterhead)."),
    )
    nama_tanpa_gelar = models.BooleanField(
        _("signer's name without academic titles"),
        default=False,
        help_text=_(
            "Permendagri 1/2023 Pasal 44(2): piagam, sertifikat and STTPP show the name "
            "without titles although their group normally shows them."
        ),
    )
    paraf_biro_hukum = models.BooleanField(
        _("the legal bureau initials"),
        default=False,
        help_text=_(
            "Every letter of this type is initialled by the legal bureau (paraf koordinasi; "
            "the unit is the setting NASKAH_UNIT_BIRO_HUKUM)."
        ),
    )
    kode_klasifikasi_default = models.ForeignKey(
        KodeKlasifikasi,
        verbose_name=_("default classification code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    format_nomor = models.CharField(
        _("number format key"),
        max_length=60,
        default="default",
        help_text=_("Key of the numbering format used for this type."),
    )
    multi_penandatangan = models.BooleanField(_("several signers allowed"), default=False)
    koordinasi_wajib = models.JSONField(
        _("required coordination units"),
        default=list,
        blank=True,
        help_text=_(
            "Codes of the units whose head must initial every letter of this type (paraf "
            'koordinasi), e.g. ["BIRO-HUKUM"] for decrees.'
        ),
    )
    aktif = models.BooleanField(_("active"), default=True)
    urutan = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("letter type")
        verbose_name_plural = _("letter types")
        ordering = ["urutan", "nama"]

    def __str__(self) -> str:
        return self.nama

    def clean(self):
        from naskah.fields import validate_schema

        super().clean()
        errors = {}
        try:
            validate_schema(self.fields_schema)
        except ValidationError as exc:
            errors["fields_schema"] = exc.messages
        unknown = set(self.layout or {}) - LAYOUT_OVERRIDE_KEYS
        if not isinstance(self.layout, dict) or unknown:
            errors["layout"] = _("Unknown layout keys: %(keys)s") % {
                "keys": ", ".join(sorted(unknown)) if isinstance(self.layout, dict) else "?"
            }
        if self.subkelompok and self.kelompok != self.Kelompok.ARAHAN:
            errors["subkelompok"] = _("Only directives (arahan) have a subgroup.")
        if not isinstance(self.koordinasi_wajib, list) or not all(
            isinstance(code, str) and code for code in self.koordinasi_wajib
        ):
            # Codes are checked against the organisation at submission (a fresh install
            # seeds the types before its units exist), with a clear error naming them.
            errors["koordinasi_wajib"] = _('Use a list of unit codes, e.g. ["BIRO-HUKUM"].')
        if errors:
            raise ValidationError(errors)


class Mandat(models.TextChoices):
    NONE = "", _("In own right")
    AN = "an", _("a.n. (on behalf of the superior)")
    UB = "ub", _("u.b. (two levels down)")


class Naskah(TimeStampedModel):
    """An official letter. Content lives in immutable revisions; the columns here mirror the
    latest revision for lists and filters."""

    class Status(models.TextChoices):
        KONSEP = "konsep", _("Draft")
        DIAJUKAN = "diajukan", _("In approval")
        DIKEMBALIKAN = "dikembalikan", _("Returned to the drafter")
        DITOLAK = "ditolak", _("Rejected")
        SIAP_TANDATANGAN = "siap_tandatangan", _("Ready for signature")
        DITANDATANGANI = "ditandatangani", _("Signed")
        DIBATALKAN = "dibatalkan", _("Cancelled")

    # Statuses in which the drafter may change the letter (a returned letter is edited,
    # then resubmitted).
    EDITABLE_STATUSES = (Status.KONSEP, Status.DIKEMBALIKAN)

    jenis = models.ForeignKey(
        JenisNaskah, verbose_name=_("letter type"), on_delete=models.PROTECT, related_name="naskah"
    )
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("drafting unit"), on_delete=models.PROTECT, related_name="naskah"
    )
    konseptor = models.ForeignKey(
        Pegawai, verbose_name=_("drafter"), on_delete=models.PROTECT, related_name="naskah_konsep"
    )
    penandatangan = models.ForeignKey(
        Jabatan, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="naskah_ttd"
    )
    mandat = models.CharField(
        _("mandate"), max_length=2, choices=Mandat.choices, blank=True, default=""
    )
    hal = models.CharField(_("subject (hal)"), max_length=500)
    urgensi = models.CharField(
        _("urgency"), max_length=12, choices=Urgensi.choices, default=Urgensi.BIASA
    )
    klasifikasi_keamanan = models.CharField(
        _("security classification"),
        max_length=15,
        choices=KlasifikasiKeamanan.choices,
        default=KlasifikasiKeamanan.BIASA,
    )
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi,
        verbose_name=_("classification code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="naskah",
    )
    tempat = models.CharField(_("place"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.KONSEP
    )
    revisi_terakhir = models.PositiveIntegerField(_("latest revision"), default=0)
    # Set by the numbering and signing steps (later issues).
    nomor = models.CharField(_("number"), max_length=120, null=True, blank=True)
    tanggal = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("official letter")
        verbose_name_plural = _("official letters")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["konseptor", "status"])]

    def __str__(self) -> str:
        # Classification-safe: admin pages, audit events and foreign-key displays use it, so
        # a Rahasia / Sangat Rahasia subject never shows there (DESIGN invariants 5, 12).
        return f"{self.jenis.nama}: {self.hal_aman}"[:255]

    @property
    def hal_label(self) -> str:
        """The subject for lists and titles: an autosaved draft may have none yet."""
        return self.hal or str(_("(no subject yet)"))

    @property
    def hal_aman(self) -> str:
        """The subject, or "[RAHASIA]" / "[SANGAT RAHASIA]" for a confidential letter."""
        return confidential_marker(self.klasifikasi_keamanan) or self.hal_label


class NaskahRevisiQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Revisions are immutable.")

    def delete(self):
        raise PermissionError("Revisions are immutable.")


class NaskahRevisi(models.Model):
    """One immutable version of a letter: header, typed fields, structured body (Block JSON,
    never HTML), recipients and lampiran references as they were at that moment."""

    naskah = models.ForeignKey(
        Naskah, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="revisi"
    )
    nomor = models.PositiveIntegerField(_("revision"))
    dibuat_oleh = models.ForeignKey(
        Pegawai, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    dibuat_pada = models.DateTimeField(_("made at"), auto_now_add=True)
    catatan = models.CharField(_("note"), max_length=255, blank=True)
    header = models.JSONField(_("header"), default=dict)
    fields = models.JSONField(_("typed fields"), default=dict)
    body = models.JSONField(_("body"), default=list)
    penerima = models.JSONField(_("recipients"), default=list)
    lampiran = models.JSONField(_("attachments"), default=list)

    objects = NaskahRevisiQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter revision")
        verbose_name_plural = _("letter revisions")
        ordering = ["naskah", "nomor"]
        constraints = [
            models.UniqueConstraint(fields=["naskah", "nomor"], name="unique_revision_per_letter")
        ]

    def __str__(self) -> str:
        return f"{self.naskah_id} r{self.nomor}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Revisions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Revisions are immutable.")


class Penerima(models.Model):
    """A current recipient (tujuan) or carbon copy (tembusan) of a letter: an internal unit,
    position or person, or an external name/address/e-mail."""

    class Jenis(models.TextChoices):
        TUJUAN = "tujuan", _("Addressee")
        TEMBUSAN = "tembusan", _("Copy (tembusan)")

    naskah = models.ForeignKey(Naskah, on_delete=models.CASCADE, related_name="penerima")
    jenis = models.CharField(_("kind"), max_length=10, choices=Jenis.choices)
    urutan = models.PositiveSmallIntegerField(_("order"), default=0)
    unit = models.ForeignKey(
        UnitKerja, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    jabatan = models.ForeignKey(
        Jabatan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pegawai = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nama = models.CharField(_("external name"), max_length=255, blank=True)
    alamat = models.CharField(_("external address"), max_length=255, blank=True)
    email = models.EmailField(_("external e-mail"), blank=True)
    keterangan = models.CharField(_("note"), max_length=120, blank=True)
    label = models.CharField(_("label"), max_length=400)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["naskah", "jenis", "urutan"]
        constraints = [
            models.CheckConstraint(
                name="penerima_exactly_one_target",
                condition=(
                    models.Q(
                        unit__isnull=False, jabatan__isnull=True, pegawai__isnull=True, nama=""
                    )
                    | models.Q(
                        unit__isnull=True, jabatan__isnull=False, pegawai__isnull=True, nama=""
                    )
                    | models.Q(
                        unit__isnull=True, jabatan__isnull=True, pegawai__isnull=False, nama=""
                    )
                    | (
                        models.Q(unit__isnull=True, jabatan__isnull=True, pegawai__isnull=True)
                        & ~models.Q(nama="")
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return self.label


def lampiran_upload_to(instance: Lampiran, filename: str) -> str:
    """Unguessable (a random token), never derived from the letter or the content."""
    from core.services.storage import storage_new_name

    return storage_new_name("naskah/lampiran", ".pdf")


class Lampiran(models.Model):
    """An attachment: typed pages (Block JSON) or an uploaded, checked PDF. Removing one only
    hides it from later revisions; earlier revisions still reference it."""

    class Jenis(models.TextChoices):
        HALAMAN = "halaman", _("Typed pages")
        BERKAS = "berkas", _("Uploaded PDF")

    naskah = models.ForeignKey(Naskah, on_delete=models.PROTECT, related_name="lampiran")
    jenis = models.CharField(_("kind"), max_length=10, choices=Jenis.choices)
    judul = models.CharField(_("title"), max_length=255)
    body = models.JSONField(_("body"), default=list, blank=True)
    berkas = models.FileField(_("file"), upload_to=lampiran_upload_to, blank=True)
    nama_berkas = models.CharField(_("file name"), max_length=255, blank=True)
    ukuran = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    jumlah_halaman = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    ditambahkan_oleh = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    ditambahkan_pada = models.DateTimeField(auto_now_add=True)
    dihapus = models.BooleanField(_("removed"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["naskah", "pk"]

    def __str__(self) -> str:
        marker = confidential_marker(
            Naskah.objects.filter(pk=self.naskah_id)
            .values_list("klasifikasi_keamanan", flat=True)
            .first()
        )
        return marker or self.judul


class NaskahUserObjectPermission(UserObjectPermissionBase):
    """An explicit django-guardian grant on one letter (sharing with a named person).
    Direct foreign key, so visibility checks join by id (tech-notes section 3)."""

    content_object = models.ForeignKey(Naskah, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("letter permission (person)")
        verbose_name_plural = _("letter permissions (people)")


def lampiran_max_bytes() -> int:
    return int(settings.NASKAH_LAMPIRAN_MAX_BYTES)


def lampiran_max_pages() -> int:
    return int(settings.NASKAH_LAMPIRAN_MAX_PAGES)

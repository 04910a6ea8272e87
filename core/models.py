"""Shared base: organisation (UnitKerja, Jabatan, Pegawai, Penugasan, TimKerja),
archive classification codes (KodeKlasifikasi with JRA fields) and the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_nip
from core.vocabulary import KlasifikasiKeamanan


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# --- Security classes ------------------------------------------------------------------------

# The stored values of the Rahasia / Sangat Rahasia security classes; every app that keeps a
# classified object (letters, incoming letters, archive records) uses these values.
CONFIDENTIAL_MARKERS = {"rahasia": "[RAHASIA]", "sangat_rahasia": "[SANGAT RAHASIA]"}


def confidential_marker(klasifikasi: str | None) -> str:
    """ "[RAHASIA]" / "[SANGAT RAHASIA]" for a confidential class, "" otherwise: what lists,
    admin pages and audit events show instead of a confidential subject."""
    return CONFIDENTIAL_MARKERS.get(klasifikasi or "", "")


# --- People ---------------------------------------------------------------------------------


class PegawaiManager(UserManager):
    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    def _create_user(self, username, email, password, **extra_fields):
        if not username:
            raise ValueError("The username must be set")
        user = self.model(username=username, email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("nama", username)
        return self._create_user(username, email, password, **extra_fields)


class Pegawai(AbstractBaseUser, PermissionsMixin):
    """An employee (ASN) and the user account in one: the custom user model."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    nama = models.CharField(_("full name (without titles)"), max_length=200)
    gelar_depan = models.CharField(
        _("academic titles before the name"), max_length=50, blank=True, help_text="Dr., Ir."
    )
    gelar_belakang = models.CharField(
        _("academic titles after the name"), max_length=80, blank=True, help_text="S.Kom., M.T."
    )
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nip],
        help_text=_("18-digit civil servant number (Nomor Induk Pegawai)."),
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        help_text=_("16-digit national identity number, used by the BSrE signing service."),
    )
    pangkat = models.CharField(_("rank (pangkat)"), max_length=60, blank=True)
    golongan = models.CharField(_("grade (golongan)"), max_length=10, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    telepon = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("administrator access"),
        default=False,
        help_text=_("May sign in to the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = PegawaiManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nama"]

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["nama"]

    def __str__(self) -> str:
        return self.nama_lengkap or self.username

    def clean(self):
        super().clean()
        if self.nip == "":
            self.nip = None
        if self.nik and (len(self.nik) != 16 or not self.nik.isdigit()):
            raise ValidationError({"nik": _("NIK must be exactly 16 digits.")})

    def save(self, *args, **kwargs):
        if self.nip == "":
            self.nip = None
        super().save(*args, **kwargs)

    @property
    def nama_lengkap(self) -> str:
        """Name with academic titles: "Dr. Ir. Budi Santoso, M.T."."""
        name = " ".join(part for part in (self.gelar_depan, self.nama) if part)
        if self.gelar_belakang:
            name = f"{name}, {self.gelar_belakang}"
        return name

    @property
    def pangkat_golongan(self) -> str:
        if self.pangkat and self.golongan:
            return f"{self.pangkat} ({self.golongan})"
        return self.pangkat or self.golongan

    def get_full_name(self) -> str:
        return self.nama_lengkap

    def get_short_name(self) -> str:
        return self.nama


# --- Organisation -----------------------------------------------------------------------------


class UnitKerja(TimeStampedModel):
    """An organisational unit in the tree (Pemprov → Setda → Biro → Bagian; Dinas → Bidang ...)."""

    class Jenis(models.TextChoices):
        PEMERINTAH_DAERAH = "pemda", _("Regional government")
        SEKRETARIAT_DAERAH = "setda", _("Regional secretariat")
        ASISTEN = "asisten", _("Assistant (Asisten)")
        BIRO = "biro", _("Bureau (Biro)")
        BAGIAN = "bagian", _("Section (Bagian)")
        DINAS = "dinas", _("Agency (Dinas)")
        BADAN = "badan", _("Board (Badan)")
        INSPEKTORAT = "inspektorat", _("Inspectorate")
        SEKRETARIAT = "sekretariat", _("Secretariat of an agency")
        BIDANG = "bidang", _("Division (Bidang)")
        SEKSI = "seksi", _("Section (Seksi)")
        SUBBAGIAN = "subbagian", _("Sub-section (Subbagian)")
        UPTD = "uptd", _("Technical implementation unit (UPTD)")

    class JenisKop(models.TextChoices):
        KEPALA_DAERAH = "kepala_daerah", _("Head of region (Garuda)")
        PEMDA = "pemda", _("Regional government / Regional secretariat")
        PERANGKAT_DAERAH = "perangkat_daerah", _("Regional agency (OPD)")
        UPTD = "uptd", _("Technical unit (UPTD)")
        INDUK = "induk", _("Use the parent unit's letterhead")

    class Lambang(models.TextChoices):
        GARUDA = "garuda", _("National emblem (Garuda)")
        DAERAH = "daerah", _("Regional logo")

    nama = models.CharField(_("name"), max_length=200)
    singkatan = models.CharField(_("short name"), max_length=60, blank=True)
    kode = models.CharField(
        _("unit code"),
        max_length=40,
        unique=True,
        help_text=_("Code used in letter numbers, e.g. DISKOMINFOTIK."),
    )
    kode_resmi = models.CharField(
        _("official unit code"),
        max_length=40,
        blank=True,
        help_text=_(
            "The unit's code as the region's regulation sets it, printed by {unit} in letter "
            "numbers (e.g. IV.01). Empty: the unit code above."
        ),
    )
    jenis = models.CharField(_("kind"), max_length=20, choices=Jenis.choices)
    induk = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anak",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    kedalaman = models.PositiveSmallIntegerField(editable=False, default=0)
    urutan = models.PositiveSmallIntegerField(_("order"), default=0)
    aktif = models.BooleanField(_("active"), default=True)
    # Letterhead (kop) data
    jenis_kop = models.CharField(
        _("letterhead kind"), max_length=20, choices=JenisKop.choices, default=JenisKop.INDUK
    )
    lambang = models.CharField(
        _("emblem"), max_length=10, choices=Lambang.choices, default=Lambang.DAERAH
    )
    # The official artwork (uploaded in the admin, validated by core.lambang); without it the
    # renderer draws a stand-in and `check --deploy` fails (naskah.E013).
    lambang_gambar = models.BinaryField(_("emblem artwork"), null=True, blank=True, editable=False)
    lambang_gambar_jenis = models.CharField(
        _("emblem artwork format"),
        max_length=3,
        blank=True,
        editable=False,
        choices=[("png", "PNG"), ("svg", "SVG")],
    )
    lambang_gambar_diunggah = models.DateTimeField(
        _("emblem artwork uploaded at"), null=True, blank=True, editable=False
    )
    nama_kop = models.CharField(
        _("name on letterhead"),
        max_length=200,
        blank=True,
        help_text=_("Defaults to the name in capitals."),
    )
    alamat = models.CharField(_("address"), max_length=255, blank=True)
    kota = models.CharField(_("city"), max_length=100, blank=True)
    kode_pos = models.CharField(_("postcode"), max_length=10, blank=True)
    telepon = models.CharField(_("phone"), max_length=60, blank=True)
    faksimile = models.CharField(_("fax"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.nama

    def save(self, *args, **kwargs):
        from core.services.organisasi import unitkerja_refresh_paths

        old_path = None
        if self.pk:
            old_path = UnitKerja.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        super().save(*args, **kwargs)
        unitkerja_refresh_paths(unit=self, old_path=old_path)

    @property
    def kode_nomor(self) -> str:
        """What {unit} prints for this unit: the official code, else the unit code."""
        return self.kode_resmi or self.kode

    def clean(self):
        super().clean()
        if self.induk_id and self.pk:
            node = self.induk
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"induk": _("A unit cannot be placed under itself.")})
                node = node.induk

    @property
    def nama_kop_tampil(self) -> str:
        return self.nama_kop or self.nama.upper()


class Jabatan(TimeStampedModel):
    """A position in a unit. Signing authority and routing attach to positions."""

    class Jenis(models.TextChoices):
        KEPALA_DAERAH = "kepala_daerah", _("Head of region")
        WAKIL_KEPALA_DAERAH = "wakil_kepala_daerah", _("Deputy head of region")
        SEKDA = "sekda", _("Regional secretary")
        STRUKTURAL = "struktural", _("Structural")
        FUNGSIONAL = "fungsional", _("Functional")
        PELAKSANA = "pelaksana", _("Staff (pelaksana)")

    class Eselon(models.TextChoices):
        I_A = "I.a", "I.a"
        I_B = "I.b", "I.b"
        II_A = "II.a", "II.a"
        II_B = "II.b", "II.b"
        III_A = "III.a", "III.a"
        III_B = "III.b", "III.b"
        IV_A = "IV.a", "IV.a"
        IV_B = "IV.b", "IV.b"

    nama = models.CharField(_("name"), max_length=255)
    nama_ttd = models.CharField(
        _("title in the signature block"),
        max_length=255,
        blank=True,
        help_text=_("Defaults to the name in capitals, e.g. KEPALA DINAS ... PROVINSI LAMPUNG."),
    )
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="jabatan"
    )
    jenis = models.CharField(_("kind"), max_length=25, choices=Jenis.choices)
    eselon = models.CharField(_("echelon"), max_length=5, choices=Eselon.choices, blank=True)
    kepala_unit = models.BooleanField(_("heads the unit"), default=False)
    atasan = models.ForeignKey(
        "self",
        verbose_name=_("superior position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bawahan",
    )
    aktif = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__path", "-kepala_unit", "nama"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(kepala_unit=True, aktif=True),
                name="one_active_head_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.nama

    @property
    def nama_ttd_tampil(self) -> str:
        return self.nama_ttd or self.nama.upper()

    def clean(self):
        super().clean()
        node, seen = self.atasan, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"atasan": _("The chain of superiors must not loop.")})
            seen.add(node.pk)
            node = node.atasan


class Penugasan(TimeStampedModel):
    """A person holding a position for a dated period (definitif, Plt, Plh, Pj)."""

    class Jenis(models.TextChoices):
        DEFINITIF = "definitif", _("Definitive")
        PLT = "plt", _("Plt (acting, position vacant)")
        PLH = "plh", _("Plh (acting, holder temporarily absent)")
        PJ = "pj", _("Pj (appointed acting head of region)")

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("Awaiting a second administrator's approval")
        BERLAKU = "berlaku", _("Effective")
        DITOLAK = "ditolak", _("Rejected")

    pegawai = models.ForeignKey(
        Pegawai, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="penugasan"
    )
    jabatan = models.ForeignKey(
        Jabatan, verbose_name=_("position"), on_delete=models.PROTECT, related_name="penugasan"
    )
    jenis = models.CharField(_("kind"), max_length=10, choices=Jenis.choices)
    mulai = models.DateField(_("from"))
    selesai = models.DateField(_("until (inclusive)"), null=True, blank=True)
    nomor_sk = models.CharField(_("decree number"), max_length=120, blank=True)
    tanggal_sk = models.DateField(_("decree date"), null=True, blank=True)
    perpanjangan_dari = models.ForeignKey(
        "self",
        verbose_name=_("extends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="perpanjangan",
    )
    keterangan = models.TextField(_("notes"), blank=True)
    # Four-eyes (DESIGN invariant 12): an assignment that lets someone act for a position
    # (Plt/Plh/Pj, or any assignment an administrator makes for himself) is requested by
    # one administrator and takes effect only when a second, different one approves it.
    # Every selector of who holds a position reads effective rows only
    # (core.selectors.organisasi.penugasan_active_on).
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BERLAKU
    )
    diajukan_oleh = models.ForeignKey(
        Pegawai,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disetujui_oleh = models.ForeignKey(
        Pegawai,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disetujui_pada = models.DateTimeField(_("approved at"), null=True, blank=True)
    diakhiri_oleh = models.ForeignKey(
        Pegawai,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    diakhiri_pada = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-mulai"]
        indexes = [models.Index(fields=["jabatan", "mulai", "selesai"])]
        permissions = [
            (
                "approve_penugasan",
                _("Can approve an acting assignment requested by another administrator"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selesai__isnull=True) | models.Q(selesai__gte=models.F("mulai")),
                name="penugasan_selesai_after_mulai",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.jabatan} — {self.pegawai}"

    def clean(self):
        from core.services.organisasi import penugasan_validate

        super().clean()
        penugasan_validate(penugasan=self)

    def aktif_pada(self, tanggal) -> bool:
        return self.mulai <= tanggal and (self.selesai is None or self.selesai >= tanggal)


class TimKerja(TimeStampedModel):
    """A work team (Pergub Lampung 22/2023): a ketua and members that may span units."""

    nama = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tim_kerja"
    )
    ketua = models.ForeignKey(
        Pegawai, verbose_name=_("team lead"), on_delete=models.PROTECT, related_name="tim_dipimpin"
    )
    jabatan_pembina = models.ForeignKey(
        Jabatan,
        verbose_name=_("position the team reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tim_dibina",
        help_text=_("e.g. Kepala Bidang; used for routing ketua tim → kepala bidang → kepala."),
    )
    anggota = models.ManyToManyField(
        Pegawai, through="AnggotaTimKerja", related_name="tim_kerja", verbose_name=_("members")
    )
    nomor_sk = models.CharField(_("decree number"), max_length=120, blank=True)
    mulai = models.DateField(_("from"), default=timezone.localdate)
    selesai = models.DateField(_("until"), null=True, blank=True)
    aktif = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("work team")
        verbose_name_plural = _("work teams")
        ordering = ["unit__path", "nama"]

    def __str__(self) -> str:
        return self.nama


class AnggotaTimKerja(models.Model):
    class Peran(models.TextChoices):
        KETUA = "ketua", _("Lead")
        ANGGOTA = "anggota", _("Member")

    tim = models.ForeignKey(TimKerja, on_delete=models.CASCADE, related_name="keanggotaan")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="keanggotaan_tim")
    peran = models.CharField(max_length=10, choices=Peran.choices, default=Peran.ANGGOTA)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["tim", "pegawai"], name="unique_team_member"),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai} ({self.get_peran_display()})"


# --- Archive classification codes (Permendagri 83/2022, Bagian B) -----------------------------


class SkemaKlasifikasi(models.Model):
    """One version of the classification scheme; codes belong to exactly one version."""

    kode = models.SlugField(_("code"), max_length=60, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    dasar_hukum = models.CharField(_("legal basis"), max_length=200, blank=True)
    aktif = models.BooleanField(_("in use"), default=False)

    class Meta:
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["aktif"], condition=models.Q(aktif=True), name="one_active_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.nama


class TingkatAkses(models.TextChoices):
    """Position levels and roles that a region's SKKAAD may grant access to a series.
    The order is fixed: each value is one bit of `KodeKlasifikasi.akses_mask`; add new
    values at the end only."""

    KEPALA_DAERAH = "kepala_daerah", _("Head of region")
    WAKIL_KEPALA_DAERAH = "wakil_kepala_daerah", _("Deputy head of region")
    SEKDA = "sekda", _("Regional secretary")
    ESELON_I = "eselon_i", _("Echelon I")
    ESELON_II = "eselon_ii", _("Echelon II")
    ESELON_III = "eselon_iii", _("Echelon III")
    ESELON_IV = "eselon_iv", _("Echelon IV")
    FUNGSIONAL = "fungsional", _("Functional")
    PELAKSANA = "pelaksana", _("Staff (pelaksana)")
    ARSIPARIS = "arsiparis", _("Archivist (Arsiparis group)")


def tingkat_akses_mask(levels) -> int:
    """The bit mask of a set of access levels (unknown values are ignored)."""
    order = TingkatAkses.values
    mask = 0
    for level in levels or ():
        if level in order:
            mask |= 1 << order.index(level)
    return mask


def tingkat_akses_from_mask(mask: int) -> list[str]:
    return [value for i, value in enumerate(TingkatAkses.values) if mask & (1 << i)]


class KodeKlasifikasi(models.Model):
    class NasibAkhir(models.TextChoices):
        MUSNAH = "musnah", _("Destroy (musnah)")
        PERMANEN = "permanen", _("Permanent (permanen)")
        DINILAI_KEMBALI = "dinilai_kembali", _("Re-assess (dinilai kembali)")

    skema = models.ForeignKey(
        SkemaKlasifikasi,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="kode_set",
    )
    kode = models.CharField(_("code"), max_length=30)
    nama = models.CharField(_("name"), max_length=500)
    level = models.PositiveSmallIntegerField(_("level"))
    induk = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anak",
    )
    retensi_aktif = models.PositiveSmallIntegerField(
        _("active retention (years)"), null=True, blank=True
    )
    retensi_inaktif = models.PositiveSmallIntegerField(
        _("inactive retention (years)"), null=True, blank=True
    )
    nasib_akhir = models.CharField(
        _("final disposition"), max_length=20, choices=NasibAkhir.choices, blank=True
    )
    keterangan = models.TextField(_("notes"), blank=True)
    perlu_diperiksa = models.BooleanField(
        _("name needs checking"),
        default=False,
        help_text=_("The name may have been cut when extracted from the regulation."),
    )
    aktif = models.BooleanField(_("active"), default=True)
    # SKKAAD (Sistem Klasifikasi Keamanan dan Akses Arsip Dinamis): set per region, loaded
    # with `import_skkaad`; empty values are inherited from the parent code.
    kelas_keamanan = models.CharField(
        _("default security class"),
        max_length=20,
        choices=KlasifikasiKeamanan.choices,
        blank=True,
        help_text=_("SKKAAD. Empty: inherited from the parent code."),
    )
    tingkat_akses = models.JSONField(
        _("access levels"),
        default=list,
        blank=True,
        help_text=_(
            "SKKAAD: the position levels that may read archived records of this series. "
            "Empty: inherited from the parent code; empty everywhere up the tree: no "
            "restriction beyond the archive's own rules."
        ),
    )
    kelas_keamanan_efektif = models.CharField(
        _("effective default security class"), max_length=20, blank=True, editable=False
    )
    akses_mask = models.PositiveIntegerField(
        _("effective access levels (bit mask)"), default=0, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("classification code")
        verbose_name_plural = _("classification codes")
        ordering = ["skema", "kode"]
        constraints = [
            models.UniqueConstraint(fields=["skema", "kode"], name="unique_code_per_scheme"),
        ]
        indexes = [models.Index(fields=["kode"])]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def save(self, *args, **kwargs):
        parent = KodeKlasifikasi.objects.filter(pk=self.induk_id).first() if self.induk_id else None
        kelas, mask = self.skkaad_from_parent(parent)
        changed = (kelas, mask) != (self.kelas_keamanan_efektif, self.akses_mask)
        self.kelas_keamanan_efektif, self.akses_mask = kelas, mask
        update_fields = kwargs.get("update_fields")
        if changed and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "kelas_keamanan_efektif", "akses_mask"}
        existed = self.pk is not None
        super().save(*args, **kwargs)
        if changed and existed:
            from core.services.skkaad import skkaad_refresh_subtree

            skkaad_refresh_subtree(self)

    def clean(self):
        super().clean()
        levels = self.tingkat_akses
        if not isinstance(levels, list) or any(v not in TingkatAkses.values for v in levels):
            raise ValidationError(
                {"tingkat_akses": _("Access levels must be a list of known position levels.")}
            )

    def skkaad_from_parent(self, parent: KodeKlasifikasi | None) -> tuple[str, int]:
        """(effective default class, effective access mask): the code's own SKKAAD values,
        else the parent's effective ones."""
        kelas = self.kelas_keamanan or (parent.kelas_keamanan_efektif if parent else "")
        own = tingkat_akses_mask(self.tingkat_akses)
        return kelas, own or (parent.akses_mask if parent else 0)

    @property
    def tingkat_akses_efektif(self) -> list[str]:
        return tingkat_akses_from_mask(self.akses_mask)

    @property
    def retensi_total(self) -> int | None:
        if self.retensi_aktif is None and self.retensi_inaktif is None:
            return None
        return (self.retensi_aktif or 0) + (self.retensi_inaktif or 0)


# --- Audit trail --------------------------------------------------------------------------------


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One action, append-only; `hash` is an HMAC (key kept outside the database) of the
    event and the previous event's hash.

    An event is written inside the transaction of the action it records, without `seq` and
    `hash`; right after that transaction commits it is sealed into the chain (see
    core.services.audit). So no transaction holds the chain lock while it does its work."""

    seq = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True)
    # Written with the row by the application: a nonce and an HMAC (audit key) of the
    # event's identity, so the sealer refuses a row inserted by anyone without the key.
    tag = models.CharField(max_length=100, unique=True, null=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class AuditHead(models.Model):
    """A single row holding the chain's tip; locked while an event is appended."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash[:12]}"


# --- Stored files ---------------------------------------------------------------------------


class BerkasTertunda(models.Model):
    """A file written by a transaction into the pending area (core.services.storage). The
    row commits with the transaction: a row means "publish this file"; a pending file with
    no row after the grace period belongs to a transaction that never committed."""

    nama = models.CharField(_("final name"), max_length=500, unique=True)
    dibuat_pada = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("pending file")
        verbose_name_plural = _("pending files")

    def __str__(self) -> str:
        return self.nama

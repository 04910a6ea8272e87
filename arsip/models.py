"""Archive records (arsip), files (berkas), their retention clocks, and the disposal
programme (penyusutan: transfer, destruction, hand-over) with its minutes.

The record model is the archive's own, shared with no other app: records are written by
`arsip.services.records.arsip_record_upsert(source_type=..., source_id=...)`, called by the
archive's own intake (arsip.services.intake), which pulls signed and incoming letters.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import KodeKlasifikasi, TimeStampedModel, UnitKerja, confidential_marker
from core.vocabulary import CONFIDENTIAL, KlasifikasiKeamanan, Urgensi


class Berkas(TimeStampedModel):
    """A file (folder) of records under one classification code. Retention runs from the
    day it is closed; the dates are computed from the code's JRA when it closes."""

    class Status(models.TextChoices):
        TERBUKA = "terbuka", _("Open")
        AKTIF = "aktif", _("Closed, active")
        INAKTIF = "inaktif", _("Inactive (at the records centre)")
        DIMUSNAHKAN = "dimusnahkan", _("Destroyed")
        DISERAHKAN = "diserahkan", _("Handed over to the archive institution")

    nomor = models.CharField(_("file number"), max_length=60)
    judul = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="berkas_arsip"
    )
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi,
        verbose_name=_("classification code"),
        on_delete=models.PROTECT,
        related_name="berkas_arsip",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TERBUKA
    )
    dibuka = models.DateField(_("opened on"))
    ditutup = models.DateField(_("closed on"), null=True, blank=True)
    # Copied from the code's JRA at closing so later JRA changes do not move old clocks.
    retensi_aktif = models.PositiveSmallIntegerField(_("active years"), null=True, blank=True)
    retensi_inaktif = models.PositiveSmallIntegerField(_("inactive years"), null=True, blank=True)
    nasib_akhir = models.CharField(
        _("final disposition"),
        max_length=20,
        choices=KodeKlasifikasi.NasibAkhir.choices,
        blank=True,
    )
    aktif_sampai = models.DateField(_("active until"), null=True, blank=True)
    inaktif_sampai = models.DateField(_("inactive until"), null=True, blank=True)
    lokasi = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("file (berkas)")
        verbose_name_plural = _("files (berkas)")
        ordering = ["-dibuka", "nomor"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "nomor"], name="arsip_berkas_nomor_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.nomor} {self.judul}"

    @property
    def jra_ditetapkan(self) -> bool:
        return self.retensi_aktif is not None and bool(self.nasib_akhir)


class ArsipRecord(models.Model):
    """One archive record: a signed outgoing letter, a registered incoming letter, or a
    scanned document, with what the archive needs to find, keep and dispose of it."""

    class Status(models.TextChoices):
        AKTIF = "aktif", _("Active")
        INAKTIF = "inaktif", _("Inactive")
        DIMUSNAHKAN = "dimusnahkan", _("Destroyed")
        STATIS = "statis", _("Handed over (static)")

    source_type = models.CharField(_("source type"), max_length=60)
    source_id = models.CharField(_("source id"), max_length=64)
    berkas = models.ForeignKey(
        Berkas,
        verbose_name=_("file (berkas)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    nomor = models.CharField(_("number"), max_length=120, blank=True)
    nomor_kode = models.CharField(_("number: classification part"), max_length=40, blank=True)
    nomor_urut = models.PositiveIntegerField(_("number: running number"), null=True, blank=True)
    nomor_unit = models.CharField(_("number: unit code"), max_length=40, blank=True)
    nomor_tahun = models.PositiveSmallIntegerField(_("number: year"), null=True, blank=True)
    hal = models.CharField(_("subject"), max_length=500)
    isi_teks = models.TextField(_("body text"), blank=True)
    ocr_teks = models.TextField(_("OCR text"), blank=True)
    lampiran_teks = models.TextField(_("attachment text"), blank=True)
    jenis_kode = models.CharField(_("letter type code"), max_length=40, blank=True)
    unit = models.ForeignKey(
        UnitKerja, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="arsip_records"
    )
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi,
        verbose_name=_("classification code"),
        on_delete=models.PROTECT,
        related_name="arsip_records",
    )
    urgensi = models.CharField(
        _("urgency"), max_length=20, choices=Urgensi.choices, default=Urgensi.BIASA
    )
    klasifikasi_keamanan = models.CharField(
        _("security class"),
        max_length=20,
        choices=KlasifikasiKeamanan.choices,
        default=KlasifikasiKeamanan.BIASA,
    )
    tanggal = models.DateField(_("letter date"))
    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    pengirim = models.CharField(_("sender"), max_length=300, blank=True)
    penerima = models.CharField(_("recipient"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AKTIF
    )
    berkas_pdf = models.CharField(_("stored PDF"), max_length=500, blank=True)
    berkas_pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    berkas_pindai = models.CharField(_("stored scan"), max_length=500, blank=True)
    berkas_pindai_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    # PAdES B-LTA archive copy of `berkas_pdf` (arsip/services/lta.py): the sealed letter
    # plus validation data and document timestamps, renewed before the last one expires.
    # db_default: bulk SQL inserts (arsip_synth) that do not name these columns get "".
    berkas_pdf_lta = models.CharField(
        _("long-term PDF (B-LTA)"), max_length=500, blank=True, default="", db_default=""
    )
    berkas_pdf_lta_sha256 = models.CharField(
        _("long-term PDF SHA-256"), max_length=64, blank=True, default="", db_default=""
    )
    lta_timestamp_at = models.DateTimeField(_("last archive timestamp"), null=True, blank=True)
    lta_expires_at = models.DateTimeField(
        _("last archive timestamp valid until"), null=True, blank=True
    )
    # The PAdES level the archive copy reached ("B-LT" without a TSA, "B-LTA" with one) and
    # the outcome of the last attempt (DESIGN invariant 11): its time and error, if any.
    lta_level = models.CharField(
        _("long-term level"), max_length=6, blank=True, default="", db_default=""
    )
    lta_checked_at = models.DateTimeField(_("last long-term attempt"), null=True, blank=True)
    lta_error = models.CharField(
        _("long-term error"), max_length=500, blank=True, default="", db_default=""
    )
    # The letter this record is a copy of: the issuer's record and the records of its
    # recipient copies (incoming letters registered from it) share one key, so search
    # shows one result per letter with the units that hold it. Records that are no copy of
    # anything have a key of their own (`<source_type>:<source_id>`).
    surat_kunci = models.CharField(
        _("letter key"), max_length=140, blank=True, default="", db_default=""
    )
    # Page 1 of the document as a small PNG (arsip/services/thumbnail.py), made on first
    # request by someone who may read the record; "" until then.
    gambar = models.CharField(_("thumbnail"), max_length=500, blank=True, default="", db_default="")
    vital = models.BooleanField(_("vital record"), default=False)
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_alasan = models.CharField(_("reason for the hold"), max_length=300, blank=True)
    pembaca = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ArsipPembaca",
        related_name="+",
        verbose_name=_("named readers"),
    )

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-tanggal", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"], name="arsip_record_unique_source"
            )
        ]
        indexes = [
            models.Index(fields=["-tanggal", "-id"], name="arsip_rec_tanggal"),
            models.Index(fields=["unit", "-tanggal"], name="arsip_rec_unit_tanggal"),
            models.Index(fields=["kode_klasifikasi", "-tanggal"], name="arsip_rec_kode_tgl"),
            models.Index(fields=["nomor"], name="arsip_rec_nomor"),
            models.Index(
                fields=["nomor_kode", "nomor_urut", "nomor_unit", "nomor_tahun"],
                name="arsip_rec_nomor_parts",
            ),
            models.Index(fields=["status", "unit"], name="arsip_rec_status_unit"),
            models.Index(fields=["nomor_unit"], name="arsip_rec_nomor_unit"),
            models.Index(fields=["surat_kunci"], name="arsip_rec_surat_kunci"),
        ]

    def __str__(self) -> str:
        # Classification-safe (admin pages, audit events): see `hal_aman`.
        return f"{self.nomor or '-'} {self.hal_aman[:80]}"

    @property
    def hal_aman(self) -> str:
        """The subject, or "[RAHASIA]" / "[SANGAT RAHASIA]" for a confidential record."""
        return confidential_marker(self.klasifikasi_keamanan) or self.hal

    @property
    def rahasia(self) -> bool:
        return self.klasifikasi_keamanan in CONFIDENTIAL


class ArsipPembaca(models.Model):
    """A person explicitly allowed to read one record (required for Rahasia and Sangat
    Rahasia records, which nobody else sees)."""

    record = models.ForeignKey(ArsipRecord, on_delete=models.CASCADE, related_name="pembaca_set")
    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("named reader")
        verbose_name_plural = _("named readers")
        constraints = [
            models.UniqueConstraint(fields=["record", "pegawai"], name="arsip_pembaca_unique")
        ]
        indexes = [models.Index(fields=["pegawai", "record"], name="arsip_pembaca_pegawai")]

    def __str__(self) -> str:
        return f"{self.pegawai_id} → {self.record_id}"


class ArsipPembacaAntrian(models.Model):
    """A source letter whose readers changed after it may have been archived (written by
    the `core.hooks.READERS_CHANGED` handler inside the transaction of the change). The
    sync refreshes the named readers of its record, then deletes the row: a row is deleted
    only by the transaction that refreshed the readers, so a refresh that dies is redone."""

    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=64)
    dibuat_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reader refresh request")
        verbose_name_plural = _("reader refresh requests")
        indexes = [models.Index(fields=["source_type", "source_id"], name="arsip_antrian_sumber")]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id}"


class Penyusutan(TimeStampedModel):
    """One disposal action (transfer, destruction or hand-over) over a list of files,
    moving through proposal → assessment → approval → execution, each step audited."""

    class Jenis(models.TextChoices):
        PEMINDAHAN = "pemindahan", _("Transfer to the records centre")
        PEMUSNAHAN = "pemusnahan", _("Destruction")
        PENYERAHAN = "penyerahan", _("Hand-over to the archive institution")

    class Status(models.TextChoices):
        DIUSULKAN = "diusulkan", _("Proposed")
        DINILAI = "dinilai", _("Assessed")
        DISETUJUI = "disetujui", _("Approved")
        DILAKSANAKAN = "dilaksanakan", _("Carried out")
        DITOLAK = "ditolak", _("Rejected")

    class Otoritas(models.TextChoices):
        KEPALA_ANRI = "kepala_anri", _("Head of ANRI (retention of ten years or more)")
        KEPALA_DAERAH = "kepala_daerah", _("Head of region (retention under ten years)")
        LEMBAGA_KEARSIPAN = "lembaga_kearsipan", _("Head of the provincial archive institution")
        KEPALA_UNIT_KEARSIPAN = "unit_kearsipan", _("Head of the records centre")

    jenis = models.CharField(_("kind"), max_length=20, choices=Jenis.choices)
    nomor = models.CharField(_("number"), max_length=60, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DIUSULKAN
    )
    berkas = models.ManyToManyField(Berkas, related_name="penyusutan", verbose_name=_("files"))
    diusulkan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keterangan = models.TextField(_("notes"), blank=True)
    # Assessment (panitia penilai)
    dinilai_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dinilai_pada = models.DateTimeField(null=True, blank=True)
    sk_panitia = models.CharField(_("assessment committee decree"), max_length=120, blank=True)
    hasil_penilaian = models.TextField(_("assessment result"), blank=True)
    # Approval
    otoritas = models.CharField(
        _("approving authority"), max_length=30, choices=Otoritas.choices, blank=True
    )
    disetujui_dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    persetujuan_nomor = models.CharField(_("approval letter number"), max_length=120, blank=True)
    persetujuan_tanggal = models.DateField(_("approval date"), null=True, blank=True)
    persetujuan_pejabat = models.CharField(_("approving official"), max_length=200, blank=True)
    # Execution and minutes
    dilaksanakan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dilaksanakan_pada = models.DateTimeField(null=True, blank=True)
    berita_acara_pdf = models.CharField(_("minutes (PDF)"), max_length=500, blank=True)
    berita_acara_sha256 = models.CharField(max_length=64, blank=True)
    daftar = models.JSONField(_("list of records"), default=list, blank=True)

    class Meta:
        verbose_name = _("disposal action")
        verbose_name_plural = _("disposal actions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.nomor} ({self.get_jenis_display()})"


class ArsipIndeks(models.Model):
    """The search row of one record: a narrow copy of the filter columns beside the
    full-text vectors, kept current by the index task (never by save()).

    Search reads only this table until it has the page of ids, so a candidate check
    touches a ~100-byte row instead of the record's wide row (body, OCR and attachment
    text): at a million records that is the difference between a few hundred and tens
    of thousands of heap pages per query. PostgreSQL keeps the tsvectors here (GIN);
    SQLite leaves them empty and uses the FTS5 table."""

    record = models.OneToOneField(
        ArsipRecord, primary_key=True, on_delete=models.CASCADE, related_name="indeks"
    )
    tanggal = models.DateField()
    unit = models.ForeignKey(UnitKerja, on_delete=models.CASCADE, related_name="+")
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi, on_delete=models.CASCADE, related_name="+"
    )
    jenis_kode = models.CharField(max_length=40, blank=True)
    urgensi = models.CharField(max_length=20)
    klasifikasi_keamanan = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    sumber_hash = models.CharField(max_length=64)
    surat_kunci = models.CharField(max_length=140, blank=True, default="", db_default="")
    # The number's classification and unit parts (copies of ArsipRecord's), so that a
    # number fragment is a prefix range on the search row, inside the reader's units,
    # instead of a trigram scan of every record's number (issue 16, item 3).
    nomor_kode = models.CharField(max_length=40, blank=True, default="", db_default="")
    nomor_unit = models.CharField(max_length=40, blank=True, default="", db_default="")
    tsv = SearchVectorField(null=True)
    tsv_exact = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("search index row")
        indexes = [
            models.Index(fields=["-tanggal", "-record"], name="arsip_idx_tanggal"),
            models.Index(fields=["unit", "-tanggal"], name="arsip_idx_unit_tanggal"),
            # Prefix ranges (`LIKE '000.1%'`): varchar_pattern_ops on PostgreSQL (the
            # database's collation may not order by bytes); SQLite ignores opclasses and
            # is searched with a binary range (`arsip.search.query.filters._prefix_q`).
            models.Index(
                fields=["nomor_kode"],
                name="arsip_idx_nomor_kode",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["nomor_unit"], name="arsip_idx_nomor_unit"),
        ]

    def __str__(self) -> str:
        return str(self.record_id)


class ArsipFrasa(models.Model):
    """The word pairs of one record, for phrases (PostgreSQL; empty on SQLite, whose FTS5
    index keeps word positions and answers phrases itself).

    A GIN index has no positions: for `"terunduh saudara"` it offers every record that
    holds both words anywhere (24,000 at a million records), and each must be read to
    test that they stand together (315 do). Here each record's adjacent stem pairs within
    one field are lexemes of their own, hashed into `arsip.search.index.PAIR_BUCKETS`
    buckets (a GIN index over every distinct pair took 4.7 minutes to build at a million
    records, over 65,536 buckets a fraction of it), so a phrase is first looked up by its
    pairs' buckets and only the records found there are tested for the whole phrase on
    the search row. The reader's visibility columns are copied here (the same names as
    on the search row, so `arsip_visibility_q` applies), so a one-unit reader's
    candidates are narrowed before any search row is read: each row's vector also holds
    its unit's lexeme (`u` and the unit's id), so `(u3 | u4) & p1f2a` is one GIN lookup.
    Written with the search row by the index (`arsip.search.index`), filled by migration
    0012 for records indexed before it."""

    record = models.OneToOneField(
        ArsipRecord, primary_key=True, on_delete=models.CASCADE, related_name="indeks_frasa"
    )
    # Read only with the pairs' GIN index, never looked up on their own: no btree indexes.
    unit = models.ForeignKey(UnitKerja, on_delete=models.CASCADE, related_name="+", db_index=False)
    kode_klasifikasi = models.ForeignKey(
        KodeKlasifikasi, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    klasifikasi_keamanan = models.CharField(max_length=20)
    pasangan = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("search index word pairs")

    def __str__(self) -> str:
        return str(self.record_id)


class ArsipIndeksTeks(models.Model):
    """What the SQLite full-text index (FTS5 table `arsip_fts`) holds for one record: the
    exact words and their stems per field. It is the FTS5 external-content table, so an
    old entry can be removed exactly before a new one is written. Unused on PostgreSQL,
    where the search rows' own `tsv` columns are the index."""

    record = models.OneToOneField(
        ArsipRecord, primary_key=True, on_delete=models.CASCADE, related_name="indeks_teks"
    )
    hal = models.TextField(blank=True)
    isi = models.TextField(blank=True)
    lain = models.TextField(blank=True)
    hal_s = models.TextField(blank=True)
    isi_s = models.TextField(blank=True)
    lain_s = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search index text")

    def __str__(self) -> str:
        return str(self.record_id)


class ArsipKata(models.Model):
    """One word of the search vocabulary: every exact word of four to forty letters that
    was ever indexed (kept by the index, never pruned). It feeds the "did you mean"
    suggestions (PostgreSQL: pg_trgm similarity over a trigram index; SQLite: the same
    similarity over the trigram table `arsip_kata_trgm`, migration 0009). A suggestion is shown
    only when it finds a record the user may open, so the list itself reveals nothing."""

    kata = models.CharField(max_length=40, primary_key=True)

    class Meta:
        verbose_name = _("search vocabulary word")

    def __str__(self) -> str:
        return self.kata


class ArsipPencarian(models.Model):
    """A search someone saved: a name and the query string of the search page."""

    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    nama = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=2000)
    dibuat_pada = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["nama"]
        constraints = [
            models.UniqueConstraint(fields=["pegawai", "nama"], name="arsip_pencarian_nama")
        ]

    def __str__(self) -> str:
        return self.nama

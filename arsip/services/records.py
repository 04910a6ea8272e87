"""Records and files: intake from other apps, filing, closing, flags."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from arsip.events import (
    ARSIP_BERKAS_CLOSE,
    ARSIP_BERKAS_OPEN,
    ARSIP_RECORD_CREATE,
    ARSIP_RECORD_FLAGS,
    ARSIP_RECORD_READERS,
    ARSIP_RECORD_UPDATE,
)
from arsip.models import ArsipPembaca, ArsipRecord, Berkas
from arsip.permissions import can_manage_archive
from arsip.selectors.retention import jra_complete, retention_dates
from arsip.tasks import arsip_index_schedule
from core.clock import office_today
from core.errors import ApplicationError, PermissionDeniedError
from core.models import KodeKlasifikasi, Pegawai, UnitKerja
from core.services.audit import audit_record
from core.vocabulary import KlasifikasiKeamanan, Urgensi

SOURCE_TYPES = ("naskah.naskah", "masuk.suratmasuk", "arsip.dokumen")
_NOMOR_RE = re.compile(r"^(?P<kode>[0-9][0-9.]*)/(?P<urut>\d+)/(?P<unit>[^/]+)/(?P<tahun>\d{4})$")


def parse_nomor(nomor: str) -> dict:
    """Structured parts of a number like 000.1.2.3/15/DISKOMINFOTIK/2026 (empty when the
    number has another shape: parts are then simply not filled)."""
    match = _NOMOR_RE.match((nomor or "").strip())
    if not match:
        return {"nomor_kode": "", "nomor_urut": None, "nomor_unit": "", "nomor_tahun": None}
    return {
        "nomor_kode": match["kode"],
        "nomor_urut": int(match["urut"]),
        "nomor_unit": match["unit"].upper(),
        "nomor_tahun": int(match["tahun"]),
    }


def _require_manager(actor: Pegawai) -> None:
    if not can_manage_archive(actor):
        raise PermissionDeniedError(_("Only archivists may do this."))


@transaction.atomic
def berkas_open(
    *,
    actor: Pegawai | None,
    unit: UnitKerja,
    kode_klasifikasi: KodeKlasifikasi,
    judul: str,
    nomor: str = "",
    dibuka: dt.date | None = None,
) -> Berkas:
    if actor is not None:
        _require_manager(actor)
    if not kode_klasifikasi.aktif:
        raise ApplicationError(_("This classification code is no longer in use."))
    dibuka = dibuka or office_today()
    nomor = nomor.strip() or f"{kode_klasifikasi.kode}/{dibuka.year}"
    if Berkas.objects.filter(unit=unit, nomor=nomor).exists():
        raise ApplicationError(_("A file with this number already exists in the unit."))
    berkas = Berkas.objects.create(
        nomor=nomor,
        judul=judul.strip() or kode_klasifikasi.nama[:300],
        unit=unit,
        kode_klasifikasi=kode_klasifikasi,
        dibuka=dibuka,
    )
    audit_record(actor=actor, action=ARSIP_BERKAS_OPEN, obj=berkas, details={"nomor": nomor})
    return berkas


@transaction.atomic
def berkas_close(*, actor: Pegawai, berkas: Berkas, ditutup: dt.date | None = None) -> Berkas:
    """Close a file: its retention clock starts today (or on `ditutup`)."""
    _require_manager(actor)
    berkas = Berkas.objects.select_for_update().get(pk=berkas.pk)
    if berkas.status != Berkas.Status.TERBUKA:
        raise ApplicationError(_("Only an open file can be closed."))
    ditutup = ditutup or office_today()
    if ditutup < berkas.dibuka:
        raise ApplicationError(_("A file cannot be closed before it was opened."))
    kode = berkas.kode_klasifikasi
    berkas.ditutup = ditutup
    berkas.status = Berkas.Status.AKTIF
    berkas.aktif_sampai, berkas.inaktif_sampai = retention_dates(kode=kode, ditutup=ditutup)
    if jra_complete(kode):
        berkas.retensi_aktif = kode.retensi_aktif
        berkas.retensi_inaktif = kode.retensi_inaktif
        berkas.nasib_akhir = kode.nasib_akhir
    else:
        berkas.retensi_aktif = berkas.retensi_inaktif = None
        berkas.nasib_akhir = ""
    berkas.save()
    audit_record(
        actor=actor,
        action=ARSIP_BERKAS_CLOSE,
        obj=berkas,
        details={
            "ditutup": ditutup,
            "aktif_sampai": berkas.aktif_sampai,
            "inaktif_sampai": berkas.inaktif_sampai,
            "nasib_akhir": berkas.nasib_akhir or "jra_belum_ditetapkan",
        },
    )
    return berkas


def _auto_berkas(*, unit: UnitKerja, kode: KodeKlasifikasi, tanggal: dt.date) -> Berkas:
    """The open file for (unit, code, year), created on first use (pemberkasan)."""
    nomor = f"{kode.kode}/{tanggal.year}"
    berkas = Berkas.objects.filter(unit=unit, nomor=nomor).first()
    if berkas is None:
        berkas = berkas_open(
            actor=None,
            unit=unit,
            kode_klasifikasi=kode,
            judul=f"{kode.nama[:280]} {tanggal.year}",
            nomor=nomor,
            dibuka=dt.date(tanggal.year, 1, 1),
        )
    return berkas


def _current(record: ArsipRecord, name: str):
    field = ArsipRecord._meta.get_field(name)
    if field.is_relation:
        pk = getattr(record, field.attname)
        return field.related_model(pk=pk) if pk is not None else None
    return getattr(record, name)


@transaction.atomic
def arsip_record_upsert(
    *,
    source_type: str,
    source_id: str | int,
    nomor: str,
    hal: str,
    unit: UnitKerja,
    kode_klasifikasi: KodeKlasifikasi,
    tanggal: dt.date,
    isi_teks: str = "",
    ocr_teks: str = "",
    lampiran_teks: str = "",
    jenis_kode: str = "",
    urgensi: str = Urgensi.BIASA,
    klasifikasi_keamanan: str = KlasifikasiKeamanan.BIASA,
    pengirim: str = "",
    penerima: str = "",
    berkas_pdf: str = "",
    berkas_pdf_sha256: str = "",
    berkas_pindai: str = "",
    berkas_pindai_sha256: str = "",
    surat_kunci: str = "",
    pembaca: Iterable[Pegawai] = (),
    berkas: Berkas | None = None,
    actor: Pegawai | None = None,
) -> ArsipRecord:
    """Create or update the archive record for one source object (idempotent: calling it
    again with the same values changes nothing and writes no event). Files it into the
    open berkas of its unit, code and year unless `berkas` is given, and schedules the
    search index update after commit."""
    source_id = str(source_id)
    if source_type not in SOURCE_TYPES:
        raise ApplicationError(_("Unknown source type."), code="source_type")
    if not hal.strip():
        raise ApplicationError(_("A record needs a subject."), code="hal")
    if urgensi not in Urgensi.values:
        raise ApplicationError(_("Unknown urgency."), code="urgensi")
    if klasifikasi_keamanan not in KlasifikasiKeamanan.values:
        raise ApplicationError(_("Unknown security class."), code="klasifikasi_keamanan")
    values = {
        "nomor": nomor.strip(),
        **parse_nomor(nomor),
        "hal": hal.strip()[:500],
        "isi_teks": isi_teks,
        "ocr_teks": ocr_teks,
        "lampiran_teks": lampiran_teks,
        "jenis_kode": jenis_kode,
        "unit": unit,
        "kode_klasifikasi": kode_klasifikasi,
        "urgensi": urgensi,
        "klasifikasi_keamanan": klasifikasi_keamanan,
        "tanggal": tanggal,
        "pengirim": pengirim[:300],
        "penerima": penerima[:500],
        "berkas_pdf": berkas_pdf,
        "berkas_pdf_sha256": berkas_pdf_sha256,
        "berkas_pindai": berkas_pindai,
        "berkas_pindai_sha256": berkas_pindai_sha256,
        # Copies of one letter share its key (search groups them); else the record's own.
        "surat_kunci": (surat_kunci or f"{source_type}:{source_id}")[:140],
    }
    record = (
        ArsipRecord.objects.select_for_update()
        .filter(source_type=source_type, source_id=source_id)
        .first()
    )
    created = record is None
    if created:
        target = berkas or _auto_berkas(unit=unit, kode=kode_klasifikasi, tanggal=tanggal)
        record = ArsipRecord(source_type=source_type, source_id=source_id, berkas=target)
    elif record.status == ArsipRecord.Status.DIMUSNAHKAN:
        raise ApplicationError(_("This record was destroyed and cannot change."))
    elif berkas is not None:
        values["berkas"] = berkas
    changed = [name for name, value in values.items() if _current(record, name) != value]
    readers = {p.pk for p in pembaca}
    old_readers = set() if created else set(record.pembaca_set.values_list("pegawai_id", flat=True))
    if not created and not changed and readers <= old_readers:
        return record
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    for pk in readers - old_readers:
        ArsipPembaca.objects.create(record=record, pegawai_id=pk)
    arsip_index_schedule([record.pk])
    audit_record(
        actor=actor,
        action=ARSIP_RECORD_CREATE if created else ARSIP_RECORD_UPDATE,
        obj=record,
        details={"source": f"{source_type}:{source_id}", "changed": sorted(changed)},
    )
    return record


@transaction.atomic
def arsip_record_readers_set(
    *, record: ArsipRecord, pegawai_ids: Iterable[int], actor: Pegawai | None = None
) -> bool:
    """Make the record's named readers exactly `pegawai_ids` (the readers of its source
    letter). Idempotent: the same set changes nothing and writes no event. Returns whether
    anything changed. The search reads the readers directly, so no reindex is needed."""
    wanted = {int(pk) for pk in pegawai_ids if pk is not None}
    current = set(ArsipPembaca.objects.filter(record=record).values_list("pegawai_id", flat=True))
    added, removed = wanted - current, current - wanted
    if not added and not removed:
        return False
    ArsipPembaca.objects.bulk_create(
        [ArsipPembaca(record=record, pegawai_id=pk) for pk in sorted(added)],
        ignore_conflicts=True,
    )
    if removed:
        ArsipPembaca.objects.filter(record=record, pegawai_id__in=removed).delete()
    audit_record(
        actor=actor,
        action=ARSIP_RECORD_READERS,
        obj=record,
        details={"added": sorted(added), "removed": sorted(removed)},
    )
    return True


@transaction.atomic
def arsip_record_set_flags(
    *,
    actor: Pegawai,
    record: ArsipRecord,
    vital: bool | None = None,
    legal_hold: bool | None = None,
    alasan: str = "",
) -> ArsipRecord:
    """Mark a record vital, or put it under (or release it from) a legal hold."""
    _require_manager(actor)
    record = ArsipRecord.objects.select_for_update().get(pk=record.pk)
    if record.status == ArsipRecord.Status.DIMUSNAHKAN:
        raise ApplicationError(_("This record was destroyed and cannot change."))
    if legal_hold is not None and not alasan.strip():
        raise ApplicationError(_("Give the reason for placing or releasing the hold."))
    details = {}
    if vital is not None and vital != record.vital:
        record.vital = vital
        details["vital"] = vital
    if legal_hold is not None and legal_hold != record.legal_hold:
        record.legal_hold = legal_hold
        record.legal_hold_alasan = alasan.strip()[:300] if legal_hold else ""
        details["legal_hold"] = legal_hold
        details["alasan"] = alasan.strip()
    if not details:
        return record
    record.save(update_fields=["vital", "legal_hold", "legal_hold_alasan", "updated_at"])
    audit_record(actor=actor, action=ARSIP_RECORD_FLAGS, obj=record, details=details)
    return record

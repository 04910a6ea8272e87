"""Intake: every signed outgoing letter and every registered incoming letter becomes an
archive record.

`arsip` reads `naskah` (never the other way round), so the archive pulls: a django-q2
schedule (and `manage.py arsip_sync`) runs `arsip_sync_sources()`, which upserts a record
for each source that has none yet, and refreshes incoming records whose OCR text arrived
after they were archived. Upserts are idempotent, so a run that dies halfway is simply
run again.

Named readers: every record of a letter names the people its source app lets read it by
name (`naskah.permissions.naskah_reader_ids`, `naskah.masuk.permissions.
suratmasuk_reader_ids`), whatever its security class. When readers change later (a
letter delivered or shared, an incoming letter disposed further), the source calls
`core.hooks.notify(READERS_CHANGED, obj)` in the transaction of the change; our handler
writes an `ArsipPembacaAntrian` row there, and the sync refreshes the record's readers
and deletes the rows it has seen in one transaction (at-least-once, idempotent).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from arsip.models import ArsipPembacaAntrian, ArsipRecord
from arsip.services.records import arsip_record_readers_set, arsip_record_upsert
from core.errors import ApplicationError
from core.models import Pegawai

logger = logging.getLogger(__name__)


SOURCES = ("naskah.naskah", "masuk.suratmasuk")
# A refresh request for a letter that has no record yet is only needed while an intake
# that read the letter's readers before the change may still be committing its record.
STALE_REQUEST_AGE = dt.timedelta(days=1)


@dataclass
class SyncResult:
    naskah: int = 0
    masuk: int = 0
    skipped: int = 0
    pembaca: int = 0


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception:  # noqa: BLE001 - text is a search aid; a PDF it cannot read stays unindexed
        logger.warning("could not extract text for the archive index", exc_info=True)
        return ""


def _records_of(source_type: str):
    return ArsipRecord.objects.filter(source_type=source_type, source_id=OuterRef("pk_text"))


def _pending(source_type: str, source_id) -> list[int]:
    return list(
        ArsipPembacaAntrian.objects.filter(
            source_type=source_type, source_id=str(source_id)
        ).values_list("pk", flat=True)
    )


def source_reader_ids(source_type: str, source) -> set[int]:
    """Who may read the source letter by name, by its own app's rules (never re-derived
    here, so the archive is never wider than the letter)."""
    if source_type == "naskah.naskah":
        from naskah.permissions import naskah_reader_ids

        return naskah_reader_ids(source)
    from naskah.masuk.permissions import suratmasuk_reader_ids

    return suratmasuk_reader_ids(source)


def _load_source(source_type: str, source_id: str):
    if source_type == "naskah.naskah":
        from naskah.models import Naskah as model
    else:
        from naskah.masuk.models import SuratMasuk as model
    try:
        return model.objects.filter(pk=int(source_id)).first()
    except ValueError:
        return None


def _store(*, readers: set[int], seen: list[int], **values) -> ArsipRecord:
    """Upsert the record and name exactly `readers`, then drop the refresh requests read
    before the readers were: one transaction, so either all of it or none happens."""
    from arsip.services.lta import arsip_lta_arrived

    with transaction.atomic():
        record = arsip_record_upsert(**values, pembaca=[Pegawai(pk=pk) for pk in readers])
        arsip_record_readers_set(record=record, pegawai_ids=readers)
        ArsipPembacaAntrian.objects.filter(pk__in=seen).delete()
        arsip_lta_arrived(record)  # B-T letters (BSrE's too) become B-LT/B-LTA now
    return record


def arsip_record_from_naskah(naskah) -> ArsipRecord:
    from naskah.models import Distribusi, NaskahTTE
    from naskah.services.signing import sealed_bytes

    seen = _pending("naskah.naskah", naskah.pk)  # before reading who the readers are
    readers = source_reader_ids("naskah.naskah", naskah)
    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).first()
    dokumen = record.dokumen_terakhir() if record else None
    pdf = sealed_bytes(dokumen) if dokumen else b""
    penerima = "; ".join(
        Distribusi.objects.filter(naskah=naskah, jenis="tujuan").values_list("label", flat=True)
    )
    return _store(
        readers=readers,
        seen=seen,
        source_type="naskah.naskah",
        source_id=naskah.pk,
        nomor=naskah.nomor or "",
        hal=naskah.hal,
        unit=naskah.unit,
        kode_klasifikasi=naskah.kode_klasifikasi,
        tanggal=naskah.tanggal,
        isi_teks=_pdf_text(pdf) if pdf else "",
        jenis_kode=naskah.jenis.kode,
        urgensi=naskah.urgensi,
        klasifikasi_keamanan=naskah.klasifikasi_keamanan,
        pengirim=naskah.unit.nama,
        penerima=penerima[:1000],
        berkas_pdf=dokumen.berkas.name if dokumen else "",
        berkas_pdf_sha256=dokumen.sha256 if dokumen else "",
        surat_kunci=f"naskah.naskah:{naskah.pk}",
    )


def arsip_record_from_suratmasuk(surat) -> ArsipRecord:
    seen = _pending("masuk.suratmasuk", surat.pk)
    readers = source_reader_ids("masuk.suratmasuk", surat)
    scan = surat.berkas.order_by("urutan", "pk").first()
    return _store(
        readers=readers,
        seen=seen,
        source_type="masuk.suratmasuk",
        source_id=surat.pk,
        nomor=surat.nomor_surat or surat.nomor_agenda,
        hal=surat.hal,
        unit=surat.unit,
        kode_klasifikasi=surat.kode_klasifikasi,
        tanggal=surat.tanggal_surat or surat.tanggal_diterima,
        ocr_teks=surat.ocr_teks,
        urgensi=surat.urgensi,
        klasifikasi_keamanan=surat.klasifikasi_keamanan,
        pengirim=surat.pengirim,
        penerima=surat.unit.nama,
        berkas_pindai=scan.berkas.name if scan else "",
        berkas_pindai_sha256=scan.sha256 if scan else "",
        # A recipient copy of a letter signed in Naskah is grouped with the issuer's record.
        surat_kunci=(
            f"{surat.sumber_type}:{surat.sumber_id}"
            if surat.sumber_id
            else f"masuk.suratmasuk:{surat.pk}"
        ),
    )


def arsip_readers_changed(source_type: str, source_id: str) -> None:
    """`core.hooks.READERS_CHANGED` handler, run inside the source's transaction: one
    insert, the work is done by `arsip_readers_refresh`."""
    if source_type in SOURCES:
        ArsipPembacaAntrian.objects.create(source_type=source_type, source_id=source_id)


def arsip_readers_refresh(*, batch: int = 500) -> int:
    """Name the current readers on the records of letters whose readers changed (bounded
    per run; the schedule runs it again). Per letter, one transaction reads the pending
    requests, then the readers, sets them and deletes exactly the requests it read: a
    change committed meanwhile leaves a request for the next run, and a run that dies
    leaves its requests to be done again. Returns the number of letters refreshed."""
    archived = Exists(
        ArsipRecord.objects.filter(
            source_type=OuterRef("source_type"), source_id=OuterRef("source_id")
        )
    )
    ArsipPembacaAntrian.objects.filter(
        ~archived, dibuat_pada__lt=timezone.now() - STALE_REQUEST_AGE
    ).delete()  # not archived: the intake will read the readers then
    sources = dict.fromkeys(
        ArsipPembacaAntrian.objects.filter(archived)
        .order_by("pk")
        .values_list("source_type", "source_id")[:batch]
    )
    for source_type, source_id in sources:
        with transaction.atomic():
            record = (
                ArsipRecord.objects.select_for_update()
                .filter(source_type=source_type, source_id=source_id)
                .first()
            )
            seen = _pending(source_type, source_id)
            source = _load_source(source_type, source_id)
            alive = (
                record is not None
                and source is not None
                and record.status != ArsipRecord.Status.DIMUSNAHKAN
            )
            if alive and source_type == "masuk.suratmasuk":
                # An incoming letter's metadata may be corrected after archiving
                # (core.hooks.RECORD_CHANGED): re-read all of it (an idempotent upsert that
                # also names the readers and reindexes what changed).
                arsip_record_from_suratmasuk(source)
            elif alive:
                arsip_record_readers_set(
                    record=record, pegawai_ids=source_reader_ids(source_type, source)
                )
            ArsipPembacaAntrian.objects.filter(pk__in=seen).delete()
    return len(sources)


def arsip_sync_sources(*, batch: int = 500) -> SyncResult:
    """Archive what is not archived yet and refresh the readers of archived letters whose
    readers changed (bounded per run; the schedule runs it again)."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from naskah.masuk.models import SuratMasuk
    from naskah.models import Naskah

    result = SyncResult()
    letters = (
        Naskah.objects.filter(status=Naskah.Status.DITANDATANGANI, kode_klasifikasi__isnull=False)
        .annotate(pk_text=Cast("pk", CharField()))
        .filter(~Exists(_records_of("naskah.naskah")))
        .select_related("jenis", "unit", "kode_klasifikasi", "konseptor")
        .order_by("pk")[:batch]
    )
    for naskah in letters:
        try:
            arsip_record_from_naskah(naskah)
            result.naskah += 1
        except ApplicationError as error:
            result.skipped += 1
            logger.warning("letter %s not archived: %s", naskah.pk, error)
    ocr_arrived = Exists(
        ArsipRecord.objects.filter(
            source_type="masuk.suratmasuk", source_id=OuterRef("pk_text"), ocr_teks=""
        )
    )
    incoming = (
        SuratMasuk.objects.filter(kode_klasifikasi__isnull=False)
        .annotate(pk_text=Cast("pk", CharField()))
        .filter(~Exists(_records_of("masuk.suratmasuk")) | (Q(ocr_arrived) & ~Q(ocr_teks="")))
        .select_related("unit", "kode_klasifikasi")
        .order_by("pk")[:batch]
    )
    for surat in incoming:
        try:
            arsip_record_from_suratmasuk(surat)
            result.masuk += 1
        except ApplicationError as error:
            result.skipped += 1
            logger.warning("incoming letter %s not archived: %s", surat.pk, error)
    result.pembaca = arsip_readers_refresh(batch=batch)
    return result

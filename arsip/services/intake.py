"""Intake: every signed outgoing letter and every registered incoming letter becomes an
archive record.

`arsip` reads `naskah` (never the other way round), so the archive pulls: a django-q2
schedule (and `manage.py arsip_sync`) runs `arsip_sync_sources()`, which upserts a record
for each source that has none yet, and refreshes incoming records whose OCR text arrived
after they were archived. Upserts are idempotent, so a run that dies halfway is simply
run again.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from arsip.models import ArsipRecord
from arsip.services.records import arsip_record_upsert
from core.errors import ApplicationError
from naskah.permissions import CONFIDENTIAL

logger = logging.getLogger(__name__)


@dataclass
class SyncResult:
    naskah: int = 0
    masuk: int = 0
    skipped: int = 0


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


def arsip_record_from_naskah(naskah) -> ArsipRecord:
    from naskah.models import Distribusi, NaskahTTE
    from naskah.services.tte import sealed_bytes

    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).first()
    dokumen = record.dokumen_terakhir() if record else None
    pdf = sealed_bytes(dokumen) if dokumen else b""
    penerima = "; ".join(
        Distribusi.objects.filter(naskah=naskah, jenis="tujuan").values_list("label", flat=True)
    )
    pembaca = []
    if naskah.klasifikasi_keamanan in CONFIDENTIAL:
        pembaca = [naskah.konseptor]
        pembaca += [d.pegawai for d in Distribusi.objects.filter(naskah=naskah) if d.pegawai_id]
        if dokumen is not None and dokumen.penandatangan_id:
            pembaca.append(dokumen.penandatangan)
    return arsip_record_upsert(
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
        pembaca=pembaca,
    )


def arsip_record_from_suratmasuk(surat) -> ArsipRecord:
    scan = surat.berkas.order_by("urutan", "pk").first()
    pembaca = []
    if surat.klasifikasi_keamanan in CONFIDENTIAL:
        # Named readers: the addressed head and everyone in the disposition tree.
        from core.selectors.organisasi import jabatan_holder_on
        from naskah.masuk.models import DisposisiPenerima

        positions = [surat.jabatan_tujuan] if surat.jabatan_tujuan_id else []
        for cabang in DisposisiPenerima.objects.filter(surat=surat).select_related(
            "ke_pegawai", "ke_jabatan"
        ):
            if cabang.ke_pegawai_id:
                pembaca.append(cabang.ke_pegawai)
            if cabang.ke_jabatan_id:
                positions.append(cabang.ke_jabatan)
        for jabatan in positions:
            holder = jabatan_holder_on(jabatan)
            if holder is not None:
                pembaca.append(holder.pegawai)
    return arsip_record_upsert(
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
        pembaca=pembaca,
    )


def arsip_sync_sources(*, batch: int = 500) -> SyncResult:
    """Archive what is not archived yet (bounded per run; the schedule runs it again)."""
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
    return result

"""Backfill: archive records made before their source's file was linked get it now.

Intake links each record to its document (`arsip.services.intake`): the sealed PDF of an
outgoing letter, the first scan (or the delivered PDF) of an incoming letter, each with
its SHA-256. A record made without one (the source's file came later, or the record
predates the link) is completed by `arsip_record_files_backfill`, run by
`manage.py arsip_link_files`: idempotent, bounded per run, one audit event per record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from arsip.events import ARSIP_RECORD_FILE_LINKED
from arsip.models import ArsipRecord
from core.services.audit import audit_record


@dataclass
class BackfillResult:
    pdf: int = 0
    pindai: int = 0
    without_file: int = 0


def _naskah_pdfs(ids: list[int]) -> dict[int, tuple[str, str]]:
    from naskah.models import NaskahTTE

    out = {}
    for record in NaskahTTE.objects.filter(naskah_id__in=ids, selesai=True):
        dokumen = record.dokumen_terakhir()
        if dokumen is not None and dokumen.berkas:
            out[record.naskah_id] = (dokumen.berkas.name, dokumen.sha256)
    return out


def _scans(ids: list[int]) -> dict[int, tuple[str, str]]:
    from naskah.masuk.models import BerkasSuratMasuk

    out: dict[int, tuple[str, str]] = {}
    for scan in BerkasSuratMasuk.objects.filter(surat_id__in=ids).order_by(
        "surat_id", "urutan", "pk"
    ):
        out.setdefault(scan.surat_id, (scan.berkas.name, scan.sha256))
    return out


def _fill(records, files: dict[int, tuple[str, str]], field: str, result, counter: str) -> None:
    for record in records:
        found = files.get(int(record.source_id))
        if found is None:
            result.without_file += 1
            continue
        name, sha256 = found
        with transaction.atomic():
            updated = ArsipRecord.objects.filter(pk=record.pk, **{field: ""}).update(
                **{field: name, f"{field}_sha256": sha256}
            )
            if updated:
                audit_record(
                    actor=None,
                    action=ARSIP_RECORD_FILE_LINKED,
                    obj=record,
                    details={"field": field, "sha256": sha256},
                )
                setattr(result, counter, getattr(result, counter) + 1)


def arsip_record_files_backfill(*, batch: int = 1000) -> BackfillResult:
    """Link the file of every record (up to `batch` per kind) that has none yet."""
    result = BackfillResult()
    live = ArsipRecord.objects.exclude(status=ArsipRecord.Status.DIMUSNAHKAN)
    outgoing = list(
        live.filter(source_type="naskah.naskah", berkas_pdf="").only("pk", "source_id")[:batch]
    )
    if outgoing:
        files = _naskah_pdfs([int(r.source_id) for r in outgoing])
        _fill(outgoing, files, "berkas_pdf", result, "pdf")
    incoming = list(
        live.filter(source_type="masuk.suratmasuk", berkas_pindai="").only("pk", "source_id")[
            :batch
        ]
    )
    if incoming:
        _fill(
            incoming,
            _scans([int(r.source_id) for r in incoming]),
            "berkas_pindai",
            result,
            "pindai",
        )
    return result

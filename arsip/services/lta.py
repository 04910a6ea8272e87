"""Long-term validation of archived letters (PAdES B-LTA; docs/signing.md "B-LT/B-LTA").

`arsip_lta_renew` is the scheduled, idempotent archive task: every record with a stored,
signed PDF whose archive copy has no document timestamp yet (a letter that just arrived:
B-B or B-T from the local CA, or B-T from BSrE) or whose last document timestamp's TSA
certificate expires within NASKAH_LTA_RENEW_DAYS gets a new archive copy: the previous
copy (or the sealed letter) plus the validation data of everything in it and a new
document timestamp (`signing.services.pdf_archive_timestamp`). The record keeps the
copy's name and hash, the timestamp time and its expiry. The sealed letter itself
(`berkas_pdf`) is never rewritten: its hash stays the one verification matches.

Without a TSA the task still brings an arriving letter to PAdES B-LT: the copy gets the
validation data in its document security store but no document timestamp
(`signing.archive_ltv.pdf_archive_validation_info`); once a TSA is configured, such a copy
is stamped to B-LTA. Letters signed through BSrE arrive as B-T without validation data
(observed in the field) and are augmented like local ones; BSrE's revocation data is
fetched only with NASKAH_LTV_ALLOW_FETCHING (its roots belong in NASKAH_TRUST_ROOTS).
The record keeps the level reached (`lta_level`) and each attempt's outcome
(`lta_checked_at`, `lta_error`; DESIGN invariant 11): a failed record is tried again by
the schedule after LTA_RETRY_AFTER, not in a tight loop, and its error is kept until then.

Running it twice in a row changes nothing the second time (the copy's timestamp is then
far from expiry). Each record is handled in its own transaction under a row lock, so two
workers never stamp the same record twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from arsip.events import ARSIP_LTA_TIMESTAMP, ARSIP_LTA_VALIDATION_INFO
from arsip.models import ArsipRecord
from arsip.selectors.retention import LEVEL_UNSIGNED, _tsa_configured, lta_due
from core.errors import ApplicationError
from core.services.audit import audit_record
from core.services.storage import storage_new_name, storage_read, storage_save_pending

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LtaResult:
    stamped: int
    skipped: int
    failed: int
    augmented: int = 0  # B-LT copies made without a TSA


def arsip_lta_record(record_id: int) -> bool:
    """Stamp one record if it is (still) due (B-LT only, without a TSA). True when a new
    archive copy was stored."""
    if not _tsa_configured():
        return _arsip_lt_record(record_id)
    from signing.services import pdf_archive_timestamp

    with transaction.atomic():
        record = lta_due().select_for_update().filter(pk=record_id).first()
        if record is None:
            return False  # done meanwhile, or not due
        result = pdf_archive_timestamp(pdf=_source_checked(record))
        name = storage_new_name("arsip/lta", ".pdf")
        storage_save_pending(name, result.pdf, [])
        previous = record.berkas_pdf_lta
        if record.lta_expires_at is not None and result.expires_at <= record.lta_expires_at:
            logger.warning(
                "archive timestamp of record %s: the TSA certificate still expires on %s; "
                "the TSA must be given a new certificate before then",
                record.pk,
                result.expires_at,
            )
        record.berkas_pdf_lta = name
        record.berkas_pdf_lta_sha256 = result.sha256
        record.lta_timestamp_at = result.timestamp_at
        record.lta_expires_at = result.expires_at
        record.lta_level = "B-LTA"
        record.lta_checked_at = timezone.now()
        record.lta_error = ""
        record.save(
            update_fields=[
                "berkas_pdf_lta",
                "berkas_pdf_lta_sha256",
                "lta_timestamp_at",
                "lta_expires_at",
                "lta_level",
                "lta_checked_at",
                "lta_error",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action=ARSIP_LTA_TIMESTAMP,
            obj=record,
            details={
                "sha256": result.sha256,
                "previous": previous,
                "timestamp_at": result.timestamp_at,
                "expires_at": result.expires_at,
            },
        )
    if previous:
        # The new copy contains the old one byte for byte (an incremental update).
        transaction.on_commit(lambda: _delete_quietly(previous))
    return True


def _source_checked(record: ArsipRecord) -> bytes:
    data = storage_read(record.berkas_pdf_lta or record.berkas_pdf)
    if not record.berkas_pdf_lta and record.berkas_pdf_sha256:
        import hashlib

        if hashlib.sha256(data).hexdigest() != record.berkas_pdf_sha256:
            raise ApplicationError("the stored PDF does not match its recorded hash")
    return data


def _arsip_lt_record(record_id: int) -> bool:
    """Without a TSA: the B-LT archive copy (validation data, no document timestamp)."""
    from signing.archive_ltv import pdf_archive_validation_info

    with transaction.atomic():
        record = lta_due(tsa=False).select_for_update().filter(pk=record_id).first()
        if record is None:
            return False
        result = pdf_archive_validation_info(pdf=_source_checked(record))
        name = storage_new_name("arsip/lta", ".pdf")
        storage_save_pending(name, result.pdf, [])
        previous = record.berkas_pdf_lta
        record.berkas_pdf_lta = name
        record.berkas_pdf_lta_sha256 = result.sha256
        record.lta_level = "B-LT"
        record.lta_checked_at = timezone.now()
        record.lta_error = ""
        record.save(
            update_fields=[
                "berkas_pdf_lta",
                "berkas_pdf_lta_sha256",
                "lta_level",
                "lta_checked_at",
                "lta_error",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action=ARSIP_LTA_VALIDATION_INFO,
            obj=record,
            details={"sha256": result.sha256, "previous": previous, "level": "B-LT"},
        )
    if previous:
        transaction.on_commit(lambda: _delete_quietly(previous))
    return True


def _failure_record(record_id: int, exc: Exception) -> bool:
    """The outcome of a failed attempt, on the record (DESIGN invariant 11). False when
    it was no failure but a PDF without a signature, marked as such."""
    if isinstance(exc, ApplicationError) and exc.code == "unsigned":
        # A PDF without a signature (a scanned incoming letter): nothing to keep valid.
        ArsipRecord.objects.filter(pk=record_id).update(
            lta_level=LEVEL_UNSIGNED, lta_checked_at=timezone.now(), lta_error=""
        )
        return False
    message = exc.message if isinstance(exc, ApplicationError) else str(exc)
    ArsipRecord.objects.filter(pk=record_id).update(
        lta_checked_at=timezone.now(), lta_error=str(message)[:500] or exc.__class__.__name__
    )
    return True


def _delete_quietly(name: str) -> None:
    from core.services.storage import storage_delete

    try:
        storage_delete(name)
    except OSError:
        logger.warning("old archive copy %s could not be deleted", name)


def arsip_lta_arrived(record: ArsipRecord) -> None:
    """A letter arrived in the archive: queue its long-term copy at once (the schedule
    would reach it within ten minutes anyway). Called inside the intake's transaction."""
    from core.services.queue import task_enqueue

    if record.berkas_pdf and not record.lta_level:
        task_enqueue("arsip.tasks.arsip_lta_record_task", record.pk, group="arsip-lta")


def arsip_lta_one(record_id: int) -> bool | None:
    """One record now (the arrival task): True stored, False nothing due, None failed
    (the error is on the record)."""
    try:
        return arsip_lta_record(record_id)
    except (ApplicationError, OSError) as exc:
        if not _failure_record(record_id, exc):
            return False
        logger.warning("archive long-term data for record %s failed: %s", record_id, exc)
        return None


def arsip_lta_renew(*, limit: int = 200) -> LtaResult:
    """Scheduled: stamp up to `limit` due records, or without a TSA make their B-LT copy
    (module docstring). Idempotent."""
    tsa = _tsa_configured()
    done = skipped = failed = 0
    for record_id in (
        lta_due(tsa=tsa).order_by("lta_expires_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        outcome = arsip_lta_one(record_id)
        if outcome is None:
            failed += 1
        elif outcome:
            done += 1
        else:
            skipped += 1
    if tsa:
        return LtaResult(done, skipped, failed)
    return LtaResult(0, skipped, failed, augmented=done)

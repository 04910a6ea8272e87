"""Long-term validation of archived letters (PAdES B-LTA; docs/signing.md "B-LT/B-LTA").

`arsip_lta_renew` is the scheduled, idempotent archive task: every record with a stored,
signed PDF whose archive copy has no document timestamp yet (a letter that just arrived:
B-B or B-T from the local CA, or B-T from BSrE) or whose last document timestamp's TSA
certificate expires within NASKAH_LTA_RENEW_DAYS gets a new archive copy: the previous
copy (or the sealed letter) plus the validation data of everything in it and a new
document timestamp (`signing.services.pdf_archive_timestamp`). The record keeps the
copy's name and hash, the timestamp time and its expiry. The sealed letter itself
(`berkas_pdf`) is never rewritten: its hash stays the one verification matches.

Running it twice in a row changes nothing the second time (the copy's timestamp is then
far from expiry). Each record is handled in its own transaction under a row lock, so two
workers never stamp the same record twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arsip.models import ArsipRecord
from core.errors import ApplicationError
from core.services.audit import audit_record
from core.services.storage import storage_new_name, storage_read, storage_save_pending

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LtaResult:
    stamped: int
    skipped: int
    failed: int


def _renew_before() -> dt.datetime:
    days = int(getattr(settings, "NASKAH_LTA_RENEW_DAYS", 90))
    return timezone.now() + dt.timedelta(days=days)


def lta_due():
    """Records whose archive copy needs a (new) document timestamp: none yet, or the last
    one's TSA certificate expires within NASKAH_LTA_RENEW_DAYS and it was not renewed in
    the last day (a TSA that still signs with the same certificate is not asked daily
    again and again; the warning in the log says to renew the TSA's certificate)."""
    now = timezone.now()
    return (
        ArsipRecord.objects.exclude(berkas_pdf="")
        .exclude(status=ArsipRecord.Status.DIMUSNAHKAN)
        .filter(
            Q(lta_expires_at__isnull=True)
            | Q(
                lta_expires_at__lte=_renew_before(),
                lta_timestamp_at__lt=now - dt.timedelta(days=1),
            )
        )
    )


def arsip_lta_record(record_id: int) -> bool:
    """Stamp one record if it is (still) due. True when a new archive copy was stored."""
    from signing.services import pdf_archive_timestamp

    with transaction.atomic():
        record = lta_due().select_for_update().filter(pk=record_id).first()
        if record is None:
            return False  # done meanwhile, or not due
        source = record.berkas_pdf_lta or record.berkas_pdf
        data = storage_read(source)
        if not record.berkas_pdf_lta and record.berkas_pdf_sha256:
            import hashlib

            if hashlib.sha256(data).hexdigest() != record.berkas_pdf_sha256:
                raise ApplicationError("the stored PDF does not match its recorded hash")
        result = pdf_archive_timestamp(pdf=data)
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
        record.save(
            update_fields=[
                "berkas_pdf_lta",
                "berkas_pdf_lta_sha256",
                "lta_timestamp_at",
                "lta_expires_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action="arsip.lta_timestamp",
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


def _delete_quietly(name: str) -> None:
    from core.services.storage import storage_delete

    try:
        storage_delete(name)
    except OSError:
        logger.warning("old archive copy %s could not be deleted", name)


def arsip_lta_renew(*, limit: int = 200) -> LtaResult:
    """Scheduled: stamp up to `limit` due records (module docstring). Idempotent."""
    if not getattr(settings, "NASKAH_TSA_URL", ""):
        return LtaResult(0, 0, 0)
    stamped = skipped = failed = 0
    for record_id in (
        lta_due().order_by("lta_expires_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        try:
            if arsip_lta_record(record_id):
                stamped += 1
            else:
                skipped += 1
        except (ApplicationError, OSError) as exc:
            failed += 1
            logger.warning("archive timestamp for record %s failed: %s", record_id, exc)
    return LtaResult(stamped, skipped, failed)

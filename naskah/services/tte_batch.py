"""Batch signing: one passphrase, many letters, each letter its own transaction.

Design (docs/signing-flow.md): the key is unlocked in the web request (a wrong passphrase
is reported at once and nothing starts), then a background THREAD of the same web process
signs the letters with the key held in memory, writing progress rows (BatchTTE /
BatchTTEItem) that the page polls with htmx. The passphrase and the clear key never reach
the task queue or the database (signing's UnlockedKey refuses pickling anyway). If the web
process dies mid-batch the key dies with it: the remaining items stay "waiting", the batch
is shown as interrupted, and the signer selects them again (each letter is atomic, so
nothing is half-signed).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.errors import ApplicationError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.models import BatchTTE, BatchTTEItem, Naskah
from signing.backends.base import UnlockedKey

logger = logging.getLogger(__name__)

MAX_BATCH = 200


def batch_is_stale(batch: BatchTTE, items: list[BatchTTEItem]) -> bool:
    """A running batch with no progress for NASKAH_TTE_BATCH_STALE_SECONDS (default 300):
    its web process most likely restarted and the key is gone. The waiting letters are
    unchanged and can be selected again."""
    if batch.status != BatchTTE.Status.BERJALAN:
        return False
    limit = int(getattr(settings, "NASKAH_TTE_BATCH_STALE_SECONDS", 300))
    last = max([i.selesai_pada for i in items if i.selesai_pada] + [batch.dibuat_pada])
    return (timezone.now() - last).total_seconds() > limit


@sensitive_variables("passphrase", "key")
def naskah_batch_sign(
    *, signer: Pegawai, naskah_ids: list[int], passphrase: str, background: bool = True
) -> BatchTTE:
    """Start a batch. With background=False (tests, commands) the letters are signed
    before returning."""
    from signing.services import signer_unlock

    ids = list(dict.fromkeys(int(i) for i in naskah_ids))
    if not ids:
        raise ApplicationError(_("Select at least one letter."), code="empty_batch")
    if len(ids) > MAX_BATCH:
        raise ApplicationError(
            _("Sign at most %(n)d letters in one batch.") % {"n": MAX_BATCH}, code="batch_too_big"
        )
    found = set(Naskah.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise ApplicationError(_("Some selected letters do not exist."), code="unknown_letter")
    key = signer_unlock(signer=signer, passphrase=passphrase)  # wrong passphrase: raises now
    try:
        with transaction.atomic():
            batch = BatchTTE.objects.create(penandatangan=signer)
            BatchTTEItem.objects.bulk_create([BatchTTEItem(batch=batch, naskah_id=i) for i in ids])
            audit_record(
                actor=signer,
                action="naskah.batch_sign.start",
                obj=batch,
                details={"jumlah": len(ids)},
            )
    except BaseException:
        key.close()
        raise
    if not background:
        batch_run(batch.pk, signer, key)
        return batch
    worker = threading.Thread(
        target=_thread_main, args=(batch.pk, signer, key), name=f"tte-batch-{batch.pk}", daemon=True
    )
    transaction.on_commit(worker.start)
    return batch


def _thread_main(batch_pk: int, signer: Pegawai, key: UnlockedKey) -> None:
    close_old_connections()
    try:
        batch_run(batch_pk, signer, key)
    finally:
        connection.close()


@sensitive_variables("key")
def batch_run(batch_pk: int, signer: Pegawai, key: UnlockedKey) -> None:
    """Sign every waiting item of the batch; each letter atomic; failures recorded with
    their reason. Closes the key at the end."""
    from naskah.services.tte import naskah_sign

    try:
        for item in BatchTTEItem.objects.filter(
            batch_id=batch_pk, status="menunggu"
        ).select_related("naskah"):
            try:
                naskah_sign(naskah=item.naskah, signer=signer, key=key)
            except ApplicationError as error:  # includes PermissionDenied and Conflict
                item.status, item.pesan = BatchTTEItem.Status.GAGAL, str(error.message)[:500]
            except Exception:  # noqa: BLE001 - one letter's crash must not stop the batch
                logger.exception("batch %s: letter %s failed", batch_pk, item.naskah_id)
                item.status = BatchTTEItem.Status.GAGAL
                item.pesan = _("Unexpected error; the letter was not signed. Try again.")
            else:
                item.status, item.pesan = BatchTTEItem.Status.BERHASIL, ""
            item.selesai_pada = timezone.now()
            item.save(update_fields=["status", "pesan", "selesai_pada"])
    finally:
        key.close()
        BatchTTE.objects.filter(pk=batch_pk).update(
            status=BatchTTE.Status.SELESAI, selesai_pada=timezone.now()
        )

"""Batch signing: one passphrase, many letters, each letter its own transaction, and
progress that survives the death of the process holding the key.

Design (docs/signing-flow.md, "Batch signing"): the key is unlocked in the web request (a
wrong passphrase is reported at once and nothing starts), then a background THREAD of the
same web process signs the letters with the key held in memory. The passphrase and the
clear key never reach the task queue or the database (signing's UnlockedKey refuses
pickling anyway). What is durable is the state of every letter of the batch:

    menunggu (waiting) → proses (claimed by one run: owner token + claim time)
                       → berhasil (signed) / gagal (failed, with the reason)
    proses whose run has gone silent past the lease → terputus (interrupted, not signed)

- A run is one start or one "continue", with a random owner token (BatchTTE.pemilik). It
  claims one letter at a time with a conditional UPDATE (only a waiting letter is taken, so
  two runs of one batch never take the same letter) and beats the batch's heartbeat
  (BatchTTE.denyut_pada) as it does.
- Each letter is signed in ONE transaction that locks the item row, checks that it is still
  claimed by this run, signs the letter (naskah_sign, which locks the letter and refuses a
  signature already made) and records "berhasil" — so the signature and the item's state
  commit together or not at all. A process killed mid-letter leaves the letter unsigned and
  its item "proses"; a killed process cannot leave a signed letter recorded as unsigned.
- A batch whose heartbeat is older than NASKAH_TTE_BATCH_LEASE_SECONDS (default 60) has lost
  its process: the page marks it interrupted (batch_mark_stale) and offers "continue", which
  re-asks the passphrase, starts a new run and signs only the letters not yet signed.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.errors import ApplicationError, ConflictError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.events import (
    NASKAH_BATCH_SIGN_CONTINUE,
    NASKAH_BATCH_SIGN_INTERRUPTED,
    NASKAH_BATCH_SIGN_START,
)
from naskah.models import BatchTTE, BatchTTEItem, Naskah
from signing.backends.base import UnlockedKey

logger = logging.getLogger(__name__)

MAX_BATCH = 200
Item = BatchTTEItem.Status
# The letters a "continue" signs: everything not signed.
REMAINING = (Item.MENUNGGU, Item.PROSES, Item.TERPUTUS, Item.GAGAL)


def lease_seconds() -> int:
    return int(settings.NASKAH_TTE_BATCH_LEASE_SECONDS)


def batch_is_stale(batch: BatchTTE, items=None) -> bool:
    """A running batch whose run gave no sign of life for the lease: its web process most
    likely died and the key with it. (`items` is accepted for older callers.)"""
    if batch.status != BatchTTE.Status.BERJALAN:
        return False
    last = batch.denyut_pada or batch.dibuat_pada
    return (timezone.now() - last).total_seconds() > lease_seconds()


def batch_mark_stale(batch: BatchTTE) -> bool:
    """If the batch's run has gone silent past the lease, record it: the batch becomes
    "terhenti" and its claimed letters "terputus" (their signing transaction never
    committed, so they are not signed). Conditional on the run still being the silent one,
    so a run that just beat again is left alone. True when this call marked it."""
    if not batch_is_stale(batch):
        return False
    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    with transaction.atomic():
        marked = (
            BatchTTE.objects.filter(pk=batch.pk, status=BatchTTE.Status.BERJALAN)
            .exclude(denyut_pada__gte=cutoff)
            .update(status=BatchTTE.Status.TERHENTI, selesai_pada=timezone.now())
        )
        if not marked:
            return False
        BatchTTEItem.objects.filter(batch=batch, status=Item.PROSES).update(
            status=Item.TERPUTUS,
            pesan=_("Interrupted: the server stopped while signing; not signed."),
        )
        audit_record(
            actor=None,
            action=NASKAH_BATCH_SIGN_INTERRUPTED,
            obj=batch,
            details={"pemilik": batch.pemilik},
        )
    batch.refresh_from_db()
    return True


def _check_ids(naskah_ids) -> list[int]:
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
    return ids


def _launch(batch_pk: int, token: str, signer: Pegawai, key: UnlockedKey, background: bool):
    if not background:
        batch_run(batch_pk, signer, key, token)
        return
    # Started once the caller's transaction (if any) commits: the run must see its rows.
    worker = threading.Thread(
        target=_thread_main,
        args=(batch_pk, signer, key, token),
        name=f"tte-batch-{batch_pk}",
        daemon=True,
    )
    transaction.on_commit(worker.start)


@sensitive_variables("passphrase", "key")
def naskah_batch_sign(
    *, signer: Pegawai, naskah_ids: list[int], passphrase: str, background: bool = True
) -> BatchTTE:
    """Start a batch. With background=False (tests, commands) the letters are signed
    before returning."""
    from signing.services import signer_unlock

    ids = _check_ids(naskah_ids)
    key = signer_unlock(signer=signer, passphrase=passphrase)  # wrong passphrase: raises now
    token = secrets.token_hex(16)
    try:
        with transaction.atomic():
            batch = BatchTTE.objects.create(
                penandatangan=signer, pemilik=token, denyut_pada=timezone.now()
            )
            BatchTTEItem.objects.bulk_create([BatchTTEItem(batch=batch, naskah_id=i) for i in ids])
            audit_record(
                actor=signer,
                action=NASKAH_BATCH_SIGN_START,
                obj=batch,
                details={"jumlah": len(ids)},
            )
    except BaseException:
        key.close()
        raise
    _launch(batch.pk, token, signer, key, background)  # each letter its own transaction
    return batch


@sensitive_variables("passphrase", "key")
def naskah_batch_continue(
    *, batch: BatchTTE, signer: Pegawai, passphrase: str, background: bool = True
) -> BatchTTE:
    """Continue an interrupted or finished batch: the passphrase is asked again and a new
    run signs only the letters not signed (waiting, interrupted or failed). Refused while
    the batch's run is alive."""
    from signing.services import signer_unlock

    if batch.penandatangan_id != signer.pk:
        raise ApplicationError(_("This batch is not yours."), code="not_yours")
    batch.refresh_from_db()
    batch_mark_stale(batch)
    if batch.status == BatchTTE.Status.BERJALAN:
        raise ConflictError(_("The batch is still being signed."), code="batch_running")
    if not batch.items.filter(status__in=REMAINING).exists():
        raise ConflictError(_("Every letter of this batch is signed."), code="batch_done")
    key = signer_unlock(signer=signer, passphrase=passphrase)
    token = secrets.token_hex(16)
    try:
        with transaction.atomic():
            taken = BatchTTE.objects.filter(
                pk=batch.pk, status__in=(BatchTTE.Status.SELESAI, BatchTTE.Status.TERHENTI)
            ).update(
                status=BatchTTE.Status.BERJALAN,
                pemilik=token,
                denyut_pada=timezone.now(),
                selesai_pada=None,
            )
            if not taken:  # another continue won the race
                raise ConflictError(_("The batch is still being signed."), code="batch_running")
            # Claimed letters of a dead run were never signed (their transaction rolled back).
            remaining = BatchTTEItem.objects.filter(batch=batch, status__in=REMAINING).update(
                status=Item.MENUNGGU, pemilik="", diklaim_pada=None
            )
            audit_record(
                actor=signer,
                action=NASKAH_BATCH_SIGN_CONTINUE,
                obj=batch,
                details={"sisa": remaining},
            )
    except BaseException:
        key.close()
        raise
    _launch(batch.pk, token, signer, key, background)
    batch.refresh_from_db()
    return batch


def _thread_main(batch_pk: int, signer: Pegawai, key: UnlockedKey, token: str) -> None:
    close_old_connections()
    try:
        batch_run(batch_pk, signer, key, token)
    finally:
        connection.close()


def _claim(batch_pk: int, token: str) -> int | None:
    """Take the next waiting letter for this run and beat the heartbeat. None when nothing
    waits, or when the batch is no longer this run's (taken over after a silence)."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            if not BatchTTE.objects.filter(
                pk=batch_pk, pemilik=token, status=BatchTTE.Status.BERJALAN
            ).update(denyut_pada=now):
                return None
            # A letter this run claimed before a database error: its signing rolled back.
            again = (
                BatchTTEItem.objects.filter(batch_id=batch_pk, status=Item.PROSES, pemilik=token)
                .values_list("pk", flat=True)
                .first()
            )
            if again is not None:
                return again
            waiting = list(
                BatchTTEItem.objects.filter(batch_id=batch_pk, status=Item.MENUNGGU)
                .order_by("pk")
                .values_list("pk", flat=True)[:5]
            )
            if not waiting:
                return None
            for pk in waiting:
                # Conditional: of two runs racing for one letter, exactly one updates it.
                if BatchTTEItem.objects.filter(pk=pk, status=Item.MENUNGGU).update(
                    status=Item.PROSES, pemilik=token, diklaim_pada=now
                ):
                    return pk
        # All five were taken by a concurrent run meanwhile: look again.


@sensitive_variables("key")
def batch_sign_item(item_pk: int, token: str, signer: Pegawai, key: UnlockedKey) -> str | None:
    """Sign one claimed letter: in one transaction the item row is locked, checked to be
    still claimed by this run, the letter signed and the item marked. Returns the item's new
    status, or None when the item is no longer this run's (nothing was done)."""
    from naskah.services.signing import naskah_sign

    with transaction.atomic():
        item = (
            BatchTTEItem.objects.select_for_update()
            .select_related("naskah")
            .filter(pk=item_pk)
            .first()
        )
        if item is None or item.status != Item.PROSES or item.pemilik != token:
            return None
        try:
            with transaction.atomic():  # a failed letter rolls back to here
                naskah_sign(naskah=item.naskah, signer=signer, key=key)
        except ApplicationError as error:  # includes PermissionDenied and Conflict
            item.status, item.pesan = Item.GAGAL, str(error.message)[:500]
        except Exception:  # noqa: BLE001 - one letter's crash must not stop the batch
            logger.exception("batch item %s: letter %s failed", item_pk, item.naskah_id)
            item.status = Item.GAGAL
            item.pesan = _("Unexpected error; the letter was not signed. Try again.")
        else:
            item.status, item.pesan = Item.BERHASIL, ""
        item.selesai_pada = timezone.now()
        item.save(update_fields=["status", "pesan", "selesai_pada"])
    return item.status


# A database error in the run (a connection terminated, a failover) is retried this many
# times, with a growing pause, before the run gives up and records itself interrupted.
RUN_DB_RETRIES = 5


@sensitive_variables("key")
def batch_run(batch_pk: int, signer: Pegawai, key: UnlockedKey, token: str = "") -> None:
    """Sign the batch's waiting letters as run `token` (module docstring); closes the key at
    the end. A run that signed every letter it could marks the batch finished; a run stopped
    by errors it could not get past marks it interrupted (its claimed letter "terputus"), so
    the page never says "finished" while letters wait."""
    if not token:  # the run of a batch started before runs had tokens
        token = BatchTTE.objects.values_list("pemilik", flat=True).get(pk=batch_pk)
    completed = False
    try:
        errors = 0
        while True:
            try:
                item_pk = _claim(batch_pk, token)
                if item_pk is None:
                    break
                batch_sign_item(item_pk, token, signer, key)
                errors = 0
            except DatabaseError:
                # The item claimed before the error stays "proses" with this run's token:
                # the next claim takes it again (its signing transaction rolled back).
                errors += 1
                logger.warning("batch %s: database error (%d)", batch_pk, errors, exc_info=True)
                if not connection.in_atomic_block:  # a fresh connection for the retry
                    connection.close()
                if errors > RUN_DB_RETRIES:
                    raise
                time.sleep(min(0.25 * 2**errors, 5))
        completed = True
    finally:
        key.close()
        _run_end(batch_pk, token, completed)


def _run_end(batch_pk: int, token: str, completed: bool) -> None:
    try:
        mine = BatchTTE.objects.filter(pk=batch_pk, pemilik=token, status=BatchTTE.Status.BERJALAN)
        if completed:
            mine.update(status=BatchTTE.Status.SELESAI, selesai_pada=timezone.now())
            return
        with transaction.atomic():
            if mine.update(status=BatchTTE.Status.TERHENTI, selesai_pada=timezone.now()):
                BatchTTEItem.objects.filter(
                    batch_id=batch_pk, status=Item.PROSES, pemilik=token
                ).update(
                    status=Item.TERPUTUS,
                    pesan=_("Interrupted: the server stopped while signing; not signed."),
                )
    except DatabaseError:  # the database is still away: the lease marks it on view
        logger.exception("batch %s: could not record the end of the run", batch_pk)

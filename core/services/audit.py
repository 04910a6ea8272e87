"""The audit trail: append-only events, each carrying the hash of the previous one.

`audit_record` inserts the event inside the caller's transaction, so it commits or rolls
back with the change it describes, but takes no lock. When that transaction commits, the
event is *sealed*: under a short lock on the chain head it gets the next sequence number,
the previous event's hash and its own hash. A sealing that did not happen (the process
died right after the commit) is done by the next one, or by `verify_audit`.

This keeps the global chain lock out of long transactions such as signing, where holding
it would serialise every audited action in the system behind one signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from core.middleware import current_request_info
from core.models import AuditEvent, AuditHead, Pegawai

GENESIS_HASH = "0" * 64
SEAL_BATCH = 500
SEAL_ROUNDS = 20  # batches one committing caller seals before leaving the rest to the worker


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def audit_compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _normalise(details: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what is hashed is exactly what the database returns.
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder, sort_keys=True))


def audit_event_build(
    *,
    actor: Pegawai | None,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """The unsaved event `audit_record` would write: the request's address and agent
    filled in, labels cut to their columns, details normalised. For a caller that writes
    the row in its own statement and then calls `audit_schedule_seal`."""
    info = current_request_info()
    if ip_address is None and info is not None:
        ip_address = info.ip_address
    if user_agent is None:
        user_agent = info.user_agent if info is not None else ""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)[:255]
    return AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(str(actor) if actor is not None else "sistem")[:200],
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:255],
        ip_address=ip_address,
        user_agent=(user_agent or "")[:255],
        details=_normalise(details),
    )


def audit_record(
    *,
    actor: Pegawai | None,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Record one event. Call it inside the service's transaction; it is sealed into the
    hash chain when that transaction commits."""
    event = audit_event_build(
        actor=actor,
        action=action,
        obj=obj,
        details=details,
        ip_address=ip_address,
        user_agent=user_agent,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    event.save(force_insert=True)
    audit_schedule_seal(event.pk)
    return event


class _SealOnCommit:
    """The on-commit hook of one transaction: the ids of the events it wrote."""

    def __init__(self, event_id: int) -> None:
        self.event_ids = [event_id]

    def __call__(self) -> None:
        audit_seal_pending(event_ids=self.event_ids)


def audit_schedule_seal(event_id: int) -> None:
    """Seal the event when its transaction commits: one seal per committing transaction,
    however many events it recorded."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for entry in getattr(connection, "run_on_commit", []):
            if isinstance(entry[1], _SealOnCommit):
                entry[1].event_ids.append(event_id)
                return
    transaction.on_commit(_SealOnCommit(event_id))


SEALER_LOCK_KEY = 0x4E534B48  # PostgreSQL advisory lock: "a hook is sealing" ("NSKH")


def audit_seal_pending(*, event_ids: list[int] | None = None) -> int:
    """Seal every committed, unsealed event into the chain, oldest first. Idempotent and
    safe to run concurrently: the chain head row is the lock.

    Called by a transaction that just committed (`event_ids`: the events it wrote), it
    does nothing when they are sealed already. On PostgreSQL such callers take turns on
    an advisory lock without waiting: a caller that finds another sealing leaves its
    events to it, and the sealer looks for pending events again each time it lets go
    (their commits came before its release, so it sees them). Under load one sealer seals
    in batches and the others pay one round trip. Called without `event_ids`
    (verification, export) it waits for the head, so everything committed before the call
    is sealed when it returns."""
    connection = transaction.get_connection()
    pending = AuditEvent.objects.filter(seq__isnull=True)
    if not connection.in_atomic_block:
        mine = pending.filter(pk__in=event_ids) if event_ids is not None else pending
        if not mine.exists():
            return 0
    if event_ids is None or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _seal_all(connection)
    sealed = 0
    for _round in range(SEAL_ROUNDS):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SEALER_LOCK_KEY])
            if not cursor.fetchone()[0]:
                return sealed  # another sealer; it looks again after letting go
            try:
                sealed += _seal_all(connection)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SEALER_LOCK_KEY])
        if not pending.exists():  # events whose committers left them to this sealer
            return sealed
    # Still more under sustained load: the background worker carries on, so this caller
    # (a user's request) is not kept sealing everybody's events.
    from django_q.tasks import async_task

    async_task("core.services.audit.audit_seal_pending", task_name="audit_seal_pending")
    return sealed


def _seal_all(connection) -> int:
    """Seal everything pending, in batches, waiting for the chain head."""
    sealed = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A seal lost in a crash is redone from the pending rows (head and events
                # change together), so this commit need not wait for the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
            batch = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
            if not batch:
                return sealed
            _seal_batch(head, batch)
            sealed += len(batch)
            if len(batch) < SEAL_BATCH:
                return sealed


def _seal_batch(head: AuditHead, batch: list[AuditEvent]) -> None:
    seq, prev = head.seq, head.last_hash
    for event in batch:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = audit_compute_hash(event)
        # The one sanctioned write to an existing event: filling in its seal.
        models.QuerySet.update(
            AuditEvent.objects.filter(pk=event.pk, seq__isnull=True),
            seq=event.seq,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=prev)


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def _events(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def audit_verify_chain(*, seal_first: bool = True) -> AuditVerification:
    """Seal what is pending, then walk the chain in order (streaming, bounded memory) and
    report the first broken link."""
    if seal_first:
        audit_seal_pending()
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _events():
        if event.seq != expected_seq:
            return AuditVerification(
                False, checked, expected_seq, f"event #{expected_seq} is missing"
            )
        if event.prev_hash != expected_prev:
            return AuditVerification(
                False, checked, event.seq, "its link to the previous event does not match"
            )
        if audit_compute_hash(event) != event.hash:
            return AuditVerification(
                False, checked, event.seq, "its content was changed after it was written"
            )
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.last_hash != expected_prev):
        return AuditVerification(
            False,
            checked,
            head.seq,
            "the chain head does not match the last event (events removed?)",
        )
    return AuditVerification(True, checked)

"""The audit trail: append-only events, each carrying the hash of the previous one.

`audit_record` inserts the event inside the caller's transaction, so it commits or rolls
back with the change it describes, but takes no lock. The row carries an insertion tag (a
nonce and an HMAC under the audit key), so a row written by someone without the key is
never sealed. When that transaction commits, the event is *sealed*: under a short lock on
the chain head it gets the next sequence number, the previous event's hash and its own
hash, an HMAC-SHA256 under the audit key (`NASKAH_AUDIT_KEY[_FILE]`, kept outside the
database). A sealing that did not happen (the process died right after the commit) is
done by the next one, or by the checkpoint task. Verification never writes: it reports
unsealed events, it does not seal them. Signed checkpoints of the head written outside the
database (core.services.audit_checkpoints) anchor the chain against truncation and
against a rehash by someone who holds the audit key.

This keeps the global chain lock out of long transactions such as signing, where holding
it would serialise every audited action in the system behind one signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from core import hooks
from core.events import AUDIT_REKEY
from core.middleware import current_request_info
from core.models import AuditEvent, AuditHead, Pegawai

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
SEAL_BATCH = 500
SEAL_ROUNDS = 20  # batches one committing caller seals before leaving the rest to the worker


def _canonical(event: AuditEvent, *, legacy: bool = False) -> bytes:
    """The bytes hashed for an event. `legacy`: as chains before the audit key hashed them
    (plain SHA-256, no insertion tag), read only by `audit_rekey`."""
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
        "tag": event.tag,
    }
    if legacy:
        del payload["tag"]
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def _audit_key() -> bytes:
    key = settings.NASKAH_AUDIT_KEY
    if isinstance(key, str):
        key = key.encode()
    if not key:
        raise ImproperlyConfigured(
            "No audit key: set NASKAH_AUDIT_KEY_FILE to a readable file (docs/deployment.md)."
        )
    return key


def audit_compute_hash(event: AuditEvent, *, key: bytes | None = None) -> str:
    """The event's chain hash: HMAC-SHA256 under the audit key of the canonical event,
    which includes the previous event's hash."""
    return hmac.new(key or _audit_key(), _canonical(event), hashlib.sha256).hexdigest()


def _tag_message(event: AuditEvent, nonce: str) -> bytes:
    # The fields known when the row is built; the numbering book's one-statement insert
    # fills object id, label and part of the details in SQL, which the chain hash covers
    # once sealed.
    payload = {
        "nonce": nonce,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
    }
    return b"audit-insert-v1:" + json.dumps(payload, sort_keys=True).encode()


def audit_compute_tag(event: AuditEvent, *, nonce: str | None = None) -> str:
    nonce = nonce or secrets.token_hex(8)
    digest = hmac.new(_audit_key(), _tag_message(event, nonce), hashlib.sha256).hexdigest()
    return f"{nonce}.{digest}"


def audit_tag_valid(event: AuditEvent) -> bool:
    """Whether the row's insertion tag was made with the audit key."""
    if not event.tag or "." not in event.tag:
        return False
    nonce = event.tag.split(".", 1)[0]
    return hmac.compare_digest(event.tag, audit_compute_tag(event, nonce=nonce))


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
    event = AuditEvent(
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
    event.tag = audit_compute_tag(event)
    return event


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
    hooks.emit(hooks.AUDIT_RECORDED, event)
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

# Pending rows whose insertion tag was not made with the audit key: never sealed, left for
# verification to name. Kept per process so a sealer does not fetch them again and again.
_REFUSED: set[int] = set()


def _pending():
    return AuditEvent.objects.filter(seq__isnull=True)


def _pending_sealable():
    """Pending rows, less those this process already refused."""
    pending = _pending()
    if _REFUSED:
        pending = pending.exclude(pk__in=sorted(_REFUSED)[:5000])
    return pending


def audit_seal_pending(*, event_ids: list[int] | None = None) -> int:
    """Seal every committed, unsealed event into the chain, oldest first. Idempotent and
    safe to run concurrently: the chain head row is the lock. A row without a valid
    insertion tag (written by someone without the audit key) is never sealed.

    Called by a transaction that just committed (`event_ids`: the events it wrote), it
    does nothing when they are sealed already. On PostgreSQL such callers take turns on
    an advisory lock without waiting: a caller that finds another sealing leaves its
    events to it, and the sealer looks for pending events again each time it lets go
    (their commits came before its release, so it sees them). Under load one sealer seals
    in batches and the others pay one round trip. Called without `event_ids` (the
    checkpoint task, export) it waits for the head, so everything committed before the
    call is sealed when it returns. Verification never calls it."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        mine = _pending().filter(pk__in=event_ids) if event_ids is not None else _pending()
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
        if not _pending_sealable().exists():  # events committers left to this sealer
            return sealed
    # Still more under sustained load: the background worker carries on, so this caller
    # (a user's request) is not kept sealing everybody's events.
    from django_q.tasks import async_task

    async_task("core.services.audit.audit_seal_pending", task_name="audit_seal_pending")
    return sealed


def _seal_all(connection) -> int:
    """Seal everything pending, in batches, waiting for the chain head."""
    key = _audit_key()  # before the lock: no key, no sealing
    sealed, after = 0, 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A seal lost in a crash is redone from the pending rows (head and events
                # change together), so this commit need not wait for the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
            batch = list(_pending().filter(pk__gt=after).order_by("id")[:SEAL_BATCH])
            if not batch:
                return sealed
            after, good = batch[-1].pk, []
            for event in batch:
                if audit_tag_valid(event):
                    good.append(event)
                    _REFUSED.discard(event.pk)
                else:
                    _REFUSED.add(event.pk)
                    logger.error(
                        "Audit event id %s has no valid insertion tag: not sealed (forged?)",
                        event.pk,
                    )
            if good:
                _seal_batch(head, good, key)
                sealed += len(good)
            if len(batch) < SEAL_BATCH:
                return sealed


def _seal_batch(head: AuditHead, batch: list[AuditEvent], key: bytes) -> None:
    seq, prev = head.seq, head.last_hash
    for event in batch:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = audit_compute_hash(event, key=key)
        # The one sanctioned write to an existing event: filling in its seal.
        models.QuerySet.update(
            AuditEvent.objects.filter(pk=event.pk, seq__isnull=True),
            seq=event.seq,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=prev)


# --- Verification (never writes) ---------------------------------------------------------------


@dataclass(frozen=True)
class AuditFinding:
    """One thing verification found wrong. `code` names the kind of tampering:
    gap (events removed or renumbered), link (an event no longer follows the previous
    one), hmac (content or hash changed: edited, inserted or rehashed without the key),
    head (the head pointer does not match the last event), forged (an unsealed row
    written without the key), unsealed (a row left unsealed beyond the grace window),
    truncated (a checkpoint anchors an event past the chain's end), checkpoint (the chain
    differs from a signed checkpoint: rewritten after it was anchored), signature (a
    checkpoint file whose signature or timestamp does not verify)."""

    code: str
    message: str
    seq: int | None = None
    count: int = 1


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    findings: tuple[AuditFinding, ...] = ()
    pending: int = 0  # unsealed events within the grace window (commits on their way)
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def broken_seq(self) -> int | None:
        return self.findings[0].seq if self.findings else None

    @property
    def reason(self) -> str:
        return self.findings[0].message if self.findings else ""


class _Findings:
    """The first finding of each kind in the walk, with how often it occurred."""

    def __init__(self) -> None:
        self.first: dict[str, AuditFinding] = {}
        self.counts: dict[str, int] = {}
        self.other: list[AuditFinding] = []

    def add(self, code: str, message: str, seq: int | None = None) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1
        self.first.setdefault(code, AuditFinding(code, message, seq))

    def result(self) -> list[AuditFinding]:
        out = [
            AuditFinding(f.code, f.message, f.seq, self.counts[code])
            for code, f in self.first.items()
        ]
        return self.other + out


def _events(batch_size: int = 2000, *, after: int = 0) -> Iterator[AuditEvent]:
    last = after
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = _sealed_seq(batch[-1])


def _sealed_seq(event: AuditEvent) -> int:
    """The number of a sealed event (only events still waiting for the sealer have none)."""
    assert event.seq is not None
    return event.seq


def _walk(found: _Findings, key: bytes, *, after: int = 0, prev: str = GENESIS_HASH, on_event=None):
    """Check every sealed event after `after`: numbering, link and HMAC. Returns the
    number checked, the last seq and the last hash."""
    expected_prev, expected_seq, checked = prev, after + 1, 0
    for event in _events(after=after):
        assert event.seq is not None and event.hash is not None  # _events reads sealed ones
        if event.seq != expected_seq:
            found.add(
                "gap",
                f"events #{expected_seq} to #{event.seq - 1} are missing "
                "(removed, or the chain was renumbered)",
                expected_seq,
            )
        elif event.prev_hash != expected_prev:
            found.add("link", f"event #{event.seq} does not link to the event before it", event.seq)
        if not hmac.compare_digest(audit_compute_hash(event, key=key), event.hash or ""):
            found.add(
                "hmac",
                f"event #{event.seq}: its hash does not match its content under the audit "
                "key (edited, inserted or rehashed without the key)",
                event.seq,
            )
        if on_event is not None:
            on_event(event)
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    return checked, expected_seq - 1, expected_prev


@contextmanager
def _read_only():
    """Run the block in a read-only transaction where the database can enforce it (when
    the caller is not already inside one): verification cannot write even by mistake."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        return
    yield


def audit_verify_chain(*, checkpoint_dir=None) -> AuditVerification:
    """Walk the chain in order (streaming, bounded memory) and report every kind of
    tampering found: changed, inserted, removed or rehashed events, a moved head,
    unsealed rows, and any difference from the signed checkpoints. Writes nothing."""
    from core.services import audit_checkpoints

    key = _audit_key()
    checkpoints = audit_checkpoints.checkpoint_load_all(checkpoint_dir)
    found = _Findings()
    with _read_only():
        anchored: dict[int, list] = {}
        for checkpoint in checkpoints:
            if checkpoint.problem:
                found.other.append(
                    AuditFinding(
                        "signature",
                        f"checkpoint {checkpoint.path.name}: {checkpoint.problem}",
                        checkpoint.seq,
                    )
                )
            else:
                anchored.setdefault(checkpoint.seq, []).append(checkpoint)
        seen: set[int] = set()

        def compare(event: AuditEvent) -> None:
            seq = _sealed_seq(event)
            for checkpoint in anchored.get(seq, ()):
                seen.add(seq)
                if checkpoint.hash != event.hash:
                    found.add(
                        "checkpoint",
                        f"event #{event.seq} differs from the signed checkpoint "
                        f"{checkpoint.path.name}: the chain was rewritten after it was anchored",
                        event.seq,
                    )

        checked, last_seq, last_hash = _walk(found, key, on_event=compare)
        for seq in sorted(anchored):
            if seq > last_seq:
                found.add(
                    "truncated",
                    f"checkpoint {anchored[seq][0].path.name} anchors event #{seq} but the "
                    f"chain ends at #{last_seq}: events were removed from the tail",
                    seq,
                )
            elif seq not in seen:
                found.add(
                    "checkpoint",
                    f"event #{seq}, anchored by checkpoint {anchored[seq][0].path.name}, "
                    "is missing",
                    seq,
                )
        head = AuditHead.objects.filter(pk=1).first()
        head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
        if head_seq != last_seq or head_hash != last_hash:
            found.add(
                "head",
                f"the chain head (#{head_seq}) does not match the last event (#{last_seq})",
                head_seq,
            )
        grace = timezone.now() - timedelta(seconds=settings.NASKAH_AUDIT_SEAL_GRACE_SECONDS)
        pending = 0
        for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator():
            if not audit_tag_valid(event):
                found.add(
                    "forged",
                    f"unsealed event id {event.pk} has no valid insertion tag: it was "
                    "inserted without the audit key",
                )
            elif event.created_at < grace:
                found.add(
                    "unsealed",
                    f"unsealed event id {event.pk} has waited longer than the grace window",
                )
            else:
                pending += 1
    return AuditVerification(
        checked, tuple(found.result()), pending=pending, checkpoints=len(checkpoints)
    )


def audit_verify_since(after: int, prev: str) -> tuple[int, str, list[AuditFinding]]:
    """Check the events after a trusted point (a checkpoint's seq and hash): what a new
    checkpoint needs before it anchors the head. Returns the last seq, its hash and the
    findings."""
    found = _Findings()
    key = _audit_key()
    if after:
        anchor = AuditEvent.objects.filter(seq=after).first()
        if anchor is None or anchor.hash != prev:
            found.add(
                "checkpoint", f"event #{after} differs from the last signed checkpoint", after
            )
    _checked, last_seq, last_hash = _walk(found, key, after=after, prev=prev)
    return last_seq, last_hash, found.result()


# --- Checkpoints (the sealing side: they may seal, they never rewrite) --------------------------


class AuditCheckpointRefused(Exception):
    """The chain no longer extends the last checkpoint: nothing is anchored over it."""


def audit_checkpoint_create(*, directory=None):
    """Seal what is pending, check the events since the last signed checkpoint, then sign
    the head into a new checkpoint file. Returns the checkpoint, or None when the head has
    not moved since the last one. The django-q2 schedule `audit_checkpoint` runs this."""
    from core.services import audit_checkpoints

    audit_seal_pending()
    last = audit_checkpoints.checkpoint_latest(directory)
    after, prev = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or (head.seq, head.last_hash) == (after, prev):
        return None
    last_seq, last_hash, findings = audit_verify_since(after, prev)
    if not findings and last_seq >= head.seq:
        at_head = AuditEvent.objects.filter(seq=head.seq).values_list("hash", flat=True).first()
        if at_head != head.last_hash:
            findings = [AuditFinding("head", "the chain head does not match its event")]
    elif not findings:
        findings = [AuditFinding("head", f"the chain ends at #{last_seq}, before its head")]
    if findings:
        logger.error("Audit checkpoint refused: %s", findings[0].message)
        raise AuditCheckpointRefused(findings[0].message)
    return audit_checkpoints.checkpoint_write(seq=last_seq, hash=last_hash, directory=directory)


def audit_checkpoint_schedule(*, minutes: int | None = None):
    """Create or update the django-q2 schedule that writes checkpoints."""
    from django_q.models import Schedule

    minutes = minutes or settings.NASKAH_AUDIT_CHECKPOINT_MINUTES
    return Schedule.objects.update_or_create(
        name="audit_checkpoint",
        defaults={
            "func": "core.services.audit.audit_checkpoint_create",
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        },
    )


# --- Re-keying (explicit, never part of verification) -----------------------------------------


def audit_rekey(*, old_key: bytes | None, actor: Pegawai | None = None, directory=None) -> int:
    """Re-hash the whole chain under the current audit key, after proving it intact under
    the old scheme: `old_key` (the previous audit key) or None for a chain written before
    the audit key existed (plain SHA-256). Refuses, changing nothing, if any event does not
    verify under the old scheme. Checkpoints of the old hashes are moved to a
    `superseded-<time>` subfolder (kept as evidence), the re-keying is recorded as an
    `audit.rekey` event, and a new checkpoint anchors the re-keyed head. Returns the
    number of events re-hashed."""
    from core.services import audit_checkpoints

    new_key = _audit_key()

    def old_hash(event: AuditEvent) -> str:
        if old_key is None:
            return hashlib.sha256(_canonical(event, legacy=True)).hexdigest()
        return hmac.new(old_key, _canonical(event), hashlib.sha256).hexdigest()

    count = 0
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        prev_old, prev_new, expected = GENESIS_HASH, GENESIS_HASH, 1
        for event in _events():
            if event.seq != expected or event.prev_hash != prev_old:
                raise AuditCheckpointRefused(f"event #{expected} is missing or out of order")
            if not hmac.compare_digest(old_hash(event), event.hash or ""):
                raise AuditCheckpointRefused(
                    f"event #{event.seq} does not verify under the old key: not re-keyed"
                )
            assert event.hash is not None  # compared to a hex digest just above
            prev_old = event.hash
            event.prev_hash = prev_new
            event.hash = audit_compute_hash(event, key=new_key)
            models.QuerySet.update(
                AuditEvent.objects.filter(pk=event.pk), prev_hash=event.prev_hash, hash=event.hash
            )
            prev_new, expected, count = event.hash, expected + 1, count + 1
        if (head.seq, head.last_hash) != (count, prev_old):
            raise AuditCheckpointRefused("the chain head does not match the last event")
        AuditHead.objects.filter(pk=1).update(seq=count, last_hash=prev_new)
        superseded = audit_checkpoints.checkpoint_supersede(directory)
        audit_record(
            actor=actor,
            action=AUDIT_REKEY,
            details={
                "events": count,
                "scheme_before": "sha256" if old_key is None else "hmac-sha256",
                "head_before": prev_old,
                "checkpoints_superseded": superseded,
            },
        )
    audit_checkpoint_create(directory=directory)
    return count

"""The audit trail: append-only events, each carrying the hash of the previous one.

`audit_record` is called by every service inside its own transaction, as its last write,
so the lock on the chain head is held only from the event to the commit.
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
    """Append one event to the hash chain. Must run inside the caller's transaction so the
    event commits or rolls back with the change it describes."""
    info = current_request_info()
    if ip_address is None and info is not None:
        ip_address = info.ip_address
    if user_agent is None:
        user_agent = info.user_agent if info is not None else ""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)[:255]
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
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
            prev_hash=head.last_hash,
        )
        event.hash = audit_compute_hash(event)
        event.save()
        AuditHead.objects.filter(pk=1).update(seq=event.seq, last_hash=event.hash)
    return event


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


def audit_verify_chain() -> AuditVerification:
    """Walk the chain in order (streaming, bounded memory); report the first broken link."""
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

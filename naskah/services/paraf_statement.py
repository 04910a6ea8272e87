"""Signed paraf statements of a letter (issue 18 item 4; docs/signing.md, "Cryptographic
paraf").

Every paraf, return and correction (naskah_paraf, naskah_return, naskah_correct in
naskah/services/approval.py) signs a statement with the official's paraf key
(signing/paraf.py) inside the action's transaction: the letter's revision hash, the
route, stage, step and its kind, the action, the actor and their capacity (definitif,
Plt, Plh, Pj, ...), the position acted for and the time of the route event. The row is
stored with the action's audit event, whose details carry the statement's SHA-256, so the
HMAC-chained audit trail seals it too.

The revision hash is the SHA-256 of the revision's canonical content (`revisi_hash`), not
of a rendered PDF: the content is immutable (NaskahRevisi refuses updates) and gives the
same bytes on every machine and every version of the renderer and fonts, so a statement
can be re-checked years later.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from core.models import AuditEvent, Pegawai
from naskah.models import Naskah, NaskahRevisi
from naskah.models.paraf import ParafStatement
from naskah.selectors.paraf import _revisi_hash_of, revisi_hash
from signing import paraf as paraf_keys
from workflows.models import RouteEvent, StepState

EVENT_FOR_ACTION = {
    ParafStatement.Action.PARAF: RouteEvent.Kind.APPROVED,
    ParafStatement.Action.RETURN: RouteEvent.Kind.RETURNED,
}


def statement_required() -> bool:
    """NASKAH_PARAF_STATEMENT_REQUIRED: refuse a paraf, return or correction when the
    official's paraf key is not unlocked (docs/signing.md). Off: the action is recorded
    without a statement and shown as unsigned."""
    return bool(settings.NASKAH_PARAF_STATEMENT_REQUIRED)


def paraf_statement_prepare(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState,
    action: str,
    revisi_nomor: int,
    capacity: str = "",
    from_revisi: int | None = None,
    approved: bool = True,
) -> ParafStatement | None:
    """Inside the action's transaction, after the engine recorded the step: sign the
    statement and return the unsaved row (None when the key is locked and statements are
    not required). `paraf_statement_store` saves it with the audit event."""
    if not paraf_keys.paraf_available(actor):
        if statement_required():
            raise paraf_keys.ParafLockedError(
                _(
                    "Your paraf key is not unlocked in this session. Sign out and sign in "
                    "again with your password to unlock it; nothing was changed."
                ),
                code="paraf_locked",
            )
        return None
    state = StepState.objects.select_related("jabatan").get(pk=step_state.pk)
    if action == ParafStatement.Action.CORRECT:
        kind = RouteEvent.Kind.CORRECTED if approved else RouteEvent.Kind.REVISION_CHANGED
    else:
        kind = EVENT_FOR_ACTION[action]
    event = (
        RouteEvent.objects.filter(route_id=state.route_id, actor=actor, kind=kind)
        .order_by("-pk")
        .first()
    )
    if event is None:  # the engine always writes one; never sign a step it did not record
        raise RuntimeError(f"no {kind} event for step {state.pk}")
    revisi = NaskahRevisi.objects.get(naskah_id=naskah.pk, nomor=revisi_nomor)
    document = {"id": naskah.pk, "revisi": revisi.nomor, "revisi_sha256": revisi_hash(revisi)}
    if from_revisi is not None:
        document["from_revisi"] = from_revisi
        document["from_revisi_sha256"] = _revisi_hash_of(naskah.pk, from_revisi)
    payload = {
        "instance": str(settings.NASKAH_PUBLIC_BASE_URL),
        "naskah": document,
        "route": state.route_id,
        "stage": state.stage_index,
        "step": state.step_id,
        "step_state": state.pk,
        "step_kind": state.kind,
        "action": action,
        "approved": bool(approved),
        "event": event.kind,
        "actor": {"id": actor.pk, "nip": actor.nip or "", "nama": actor.nama_lengkap or ""},
        "capacity": event.actor_capacity or capacity,
        "acting_for": {
            "jabatan": state.jabatan_id,
            "nama": state.jabatan.nama if state.jabatan else "",
        },
        "time": event.created_at.astimezone(dt.UTC).isoformat(),
    }
    signed = paraf_keys.statement_sign(user=actor, payload=payload)
    return ParafStatement(
        naskah=naskah,
        revisi_nomor=revisi.nomor,
        step_state=state,
        route_event=event,
        action=action,
        pegawai=actor,
        payload=signed.payload,
        payload_sha256=signed.sha256,
        signature=signed.signature,
        certificate_pem=signed.certificate_pem,
        serial_hex=signed.serial_hex,
    )


def paraf_statement_store(statement: ParafStatement, *, audit_event: AuditEvent | None) -> None:
    statement.audit_event = audit_event
    statement.save(force_insert=True)


# --- verification ----------------------------------------------------------------------------

"""Reads of signed paraf statements (docs/paraf.md) for the letter's pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from core.models import AuditEvent
from naskah.models import Naskah, NaskahRevisi
from naskah.models.paraf import ParafStatement
from signing import paraf as paraf_keys
from workflows.models import RouteEvent


def naskah_paraf_statements(naskah: Naskah) -> list[StatementState]:
    """Every statement of the letter, oldest first, with its verification state."""
    rows = (
        ParafStatement.objects.filter(naskah=naskah)
        .select_related("step_state", "route_event", "audit_event", "pegawai")
        .order_by("created_at", "pk")
    )
    return [StatementState(row, paraf_statement_verify(row)) for row in rows]


def revisi_content(revisi: NaskahRevisi) -> dict:
    return {
        "naskah": revisi.naskah_id,
        "nomor": revisi.nomor,
        "header": revisi.header,
        "fields": revisi.fields,
        "body": revisi.body,
        "penerima": revisi.penerima,
        "lampiran": revisi.lampiran,
    }


def revisi_hash(revisi: NaskahRevisi) -> str:
    """SHA-256 (hex) of the revision's canonical content (sorted-key UTF-8 JSON)."""
    text = paraf_keys.canonical_json(revisi_content(revisi))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _revisi_hash_of(naskah_id: int, nomor) -> str | None:
    revisi = NaskahRevisi.objects.filter(naskah_id=naskah_id, nomor=nomor).first()
    return revisi_hash(revisi) if revisi is not None else None


@dataclass(frozen=True)
class StatementState:
    statement: ParafStatement
    check: paraf_keys.StatementCheck

    @property
    def ok(self) -> bool:
        return self.check.ok


def _mismatch(code: str, body: dict | None) -> paraf_keys.StatementCheck:
    return paraf_keys._fail(code, body)


def paraf_statement_verify(statement: ParafStatement) -> paraf_keys.StatementCheck:
    """The statement's signature, certificate (chain to the instance CA, paraf usage, the
    actor's, not revoked at its time), and that its payload is the recorded step: the same
    letter, revision hash, route, stage, step, kind, action, actor, capacity and time as
    the stored route event and step."""
    check = paraf_keys.statement_verify(
        payload=statement.payload,
        signature=bytes(statement.signature),
        certificate_pem=statement.certificate_pem,
    )
    if not check.ok:
        return check
    body = check.payload or {}
    document = body.get("naskah") or {}
    if document.get("id") != statement.naskah_id or document.get("revisi") != (
        statement.revisi_nomor
    ):
        return _mismatch("payload_mismatch", body)
    if document.get("revisi_sha256") != _revisi_hash_of(statement.naskah_id, document["revisi"]):
        return _mismatch("revision_mismatch", body)
    if "from_revisi" in document and document.get("from_revisi_sha256") != _revisi_hash_of(
        statement.naskah_id, document["from_revisi"]
    ):
        return _mismatch("revision_mismatch", body)
    state = statement.step_state
    event = statement.route_event
    actor = (body.get("actor") or {}).get("id")
    expected = {
        "route": state.route_id,
        "stage": state.stage_index,
        "step": state.step_id,
        "step_state": state.pk,
        "step_kind": state.kind,
        "action": statement.action,
    }
    if any(body.get(key) != value for key, value in expected.items()):
        return _mismatch("payload_mismatch", body)
    if actor != statement.pegawai_id or event is None:
        return _mismatch("payload_mismatch", body)
    if (
        event.route_id != state.route_id
        or event.actor_id != actor
        or body.get("event") != event.kind
        or (event.actor_capacity and body.get("capacity") != event.actor_capacity)
        or paraf_keys.parse_time(body.get("time")) != event.created_at
    ):
        return _mismatch("payload_mismatch", body)
    if statement.audit_event_id is not None:
        details = statement.audit_event.details or {}
        if details.get("paraf_statement") != statement.payload_sha256:
            return _mismatch("payload_mismatch", body)
    if hashlib.sha256(statement.payload.encode("utf-8")).hexdigest() != statement.payload_sha256:
        return _mismatch("payload_mismatch", body)
    return check


def paraf_statements_verify_all():
    """(checked, failures) over every statement: failures as (statement, check)."""
    failures = []
    checked = 0
    for row in ParafStatement.objects.select_related(
        "step_state", "route_event", "audit_event"
    ).iterator(chunk_size=500):
        checked += 1
        check = paraf_statement_verify(row)
        if not check.ok:
            failures.append((row, check))
    return checked, failures


def paraf_statements_audit() -> dict:
    """For verify_audit (core.hooks.AUDIT_VERIFY): every statement checked, and a line per
    failing one (letter, revision, official, action, why)."""
    checked, failures = paraf_statements_verify_all()
    lines = [
        f"paraf statement {row.pk} (letter {row.naskah_id} r{row.revisi_nomor}, "
        f"{row.action} by official {row.pegawai_id}): {check.code}: {check.message}"
        for row, check in failures
    ]
    # An audit event that sealed a statement's hash whose row is gone: removed behind the
    # application's back (the foreign key protects the event, not the statement).
    for pk, details in (
        AuditEvent.objects.filter(
            action__in=[f"naskah.{a}" for a in ParafStatement.Action.values],
            details__has_key="paraf_statement",
            paraf_statements__isnull=True,
        )
        .values_list("pk", "details")
        .iterator()
    ):
        lines.append(
            f"audit event {pk} sealed paraf statement {details.get('paraf_statement')}, "
            "which is missing: removed"
        )
    return {"name": "paraf statements", "checked": checked, "failures": lines}


# The file copy's paraf page is part of the official document: always Indonesian.
PDF_CHECK_TEXT = {
    "valid": "Pernyataan paraf sah",
    "revoked": "Pernyataan paraf TIDAK SAH: sertifikat dicabut",
    "revision_mismatch": "Pernyataan paraf TIDAK SAH: revisi lain",
}


def step_statements_pdf_text(route) -> dict[int, str]:
    """{step state id: the verification state of its latest paraf or correction statement}
    for the file copy's paraf page (LEMBAR PARAF)."""
    rows = (
        ParafStatement.objects.filter(
            step_state__route=route,
            route_event__kind__in=[RouteEvent.Kind.APPROVED, RouteEvent.Kind.CORRECTED],
        )
        .select_related("step_state", "route_event", "audit_event")
        .order_by("created_at", "pk")
    )
    texts = {}
    for row in rows:
        check = paraf_statement_verify(row)
        text = PDF_CHECK_TEXT.get(
            check.code, "Pernyataan paraf TIDAK SAH: tanda tangan atau isi tidak cocok"
        )
        texts[row.step_state_id] = f"{text} (sertifikat {row.serial_hex[:16]})"
    return texts

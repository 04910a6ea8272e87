"""The audit trail against an attacker who can write to the database (raw SQL, past the
append-only guard): inserting, truncating and rehashing events are each detected and
named; verification itself never writes."""

import hashlib
import json
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent, AuditHead
from core.services import audit, audit_checkpoints
from core.services.audit import (
    AuditCheckpointRefused,
    audit_checkpoint_create,
    audit_record,
    audit_seal_pending,
    audit_verify_chain,
)

pytestmark = pytest.mark.django_db


def _record(n, start=0):
    for i in range(start, start + n):
        audit_record(actor=None, action="test.tamper", details={"i": i})
    audit_seal_pending()


def _codes(result):
    return {finding.code for finding in result.findings}


def _raw_insert(**values):
    row = {
        "created_at": timezone.now(),
        "actor_id": None,
        "actor_label": "sistem",
        "action": "test.forged",
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "ip_address": None,
        "user_agent": "",
        "details": "{}",
        "prev_hash": "",
        "hash": None,
        "tag": None,
        "seq": None,
        **values,
    }
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        sql = f"INSERT INTO core_auditevent ({columns}) VALUES ({marks})"  # noqa: S608
        cursor.execute(sql, list(row.values()))
    return AuditEvent.objects.order_by("-id").first()


def _set_head(seq, last_hash):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_audithead SET seq = %s, last_hash = %s WHERE id = 1", [seq, last_hash]
        )


def _rehash(from_seq, compute):
    """Recompute every hash from `from_seq` on, as an attacker covering an edit would."""
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = compute(event)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [event.prev_hash, event.hash, event.pk],
            )
        prev = event.hash
    _set_head(AuditEvent.objects.order_by("-seq").first().seq, prev)


def _edit_details(seq, details):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET details = %s WHERE seq = %s", [json.dumps(details), seq]
        )


def test_good_path_checkpoints_anchor_the_chain(settings, tmp_path):
    _record(3)
    first = audit_checkpoint_create()
    assert first.seq == 3 and first.path.parent == settings.NASKAH_AUDIT_CHECKPOINT_DIR
    assert audit_checkpoint_create() is None  # the head has not moved
    _record(2, start=3)
    call_command("audit_checkpoint")
    result = audit_verify_chain()
    assert result.ok and result.checked == 5 and result.checkpoints == 2
    call_command("verify_audit")
    # Written once: read-only files, the signing key kept private.
    mode = stat.S_IMODE(os.stat(first.path).st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0
    key_mode = stat.S_IMODE(os.stat(settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE).st_mode)
    assert key_mode == 0o600
    body = json.loads(first.path.read_text())
    assert body["seq"] == 3 and body["hash"] == AuditEvent.objects.get(seq=3).hash
    # Exportable, with the public key that verifies them.
    call_command("audit_checkpoint", "--export", str(tmp_path / "export"))
    exported = sorted(p.name for p in (tmp_path / "export").iterdir())
    assert len(exported) == 3 and audit_checkpoints.PUBLIC_KEY_NAME in exported
    call_command("verify_audit", "--checkpoints", str(tmp_path / "export"))


def test_the_chain_hash_is_keyed(settings):
    _record(1)
    event = AuditEvent.objects.get(seq=1)
    assert event.hash != hashlib.sha256(audit._canonical(event)).hexdigest()
    settings.NASKAH_AUDIT_KEY = b"another key"
    assert "hmac" in _codes(audit_verify_chain())


def test_insertion_forged_unsealed_event_is_named_and_never_sealed():
    _record(3)
    forged = _raw_insert(details='{"nomor": "800/999/2026"}')
    bogus = _raw_insert(tag="00.deadbeef", action="test.forged2")
    result = audit_verify_chain()
    assert _codes(result) == {"forged"}
    assert f"unsealed event id {forged.pk}" in result.reason
    assert [f.count for f in result.findings] == [2]
    with pytest.raises(CommandError, match=rf"\[?forged\]?.*unsealed event id {forged.pk}"):
        call_command("verify_audit")
    # The sealer refuses rows without a valid insertion tag, so they are never chained.
    _record(1, start=3)
    for row in (forged, bogus):
        row.refresh_from_db()
        assert row.seq is None
    assert AuditHead.objects.get().seq == 4
    assert _codes(audit_verify_chain()) == {"forged"}


def test_insertion_with_a_seq_and_a_guessed_hash_is_named():
    _record(3)
    head = AuditHead.objects.get()
    fake = AuditEvent(
        seq=4, created_at=timezone.now(), action="test.forged", prev_hash=head.last_hash
    )
    fake_hash = hashlib.sha256(audit._canonical(fake)).hexdigest()
    _raw_insert(seq=4, prev_hash=head.last_hash, hash=fake_hash, created_at=fake.created_at)
    _set_head(4, fake_hash)
    result = audit_verify_chain()
    assert _codes(result) == {"hmac"} and result.broken_seq == 4


def test_truncated_tail_with_the_head_moved_back_is_named():
    _record(5)
    audit_checkpoint_create()
    _record(2, start=5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= 4")
    _set_head(3, AuditEvent.objects.get(seq=3).hash)
    result = audit_verify_chain()
    assert _codes(result) == {"truncated"}
    assert "anchors event #5 but the chain ends at #3" in result.reason
    with pytest.raises(CommandError, match="truncated"):
        call_command("verify_audit")
    # No new checkpoint is signed over the shortened chain.
    audit_record(actor=None, action="test.after")
    with pytest.raises(AuditCheckpointRefused):
        audit_checkpoint_create()


def test_full_rehash_without_the_key_is_named():
    _record(4)
    audit_checkpoint_create()
    _edit_details(2, {"i": 99})
    _rehash(1, lambda event: hashlib.sha256(audit._canonical(event)).hexdigest())
    result = audit_verify_chain()
    assert {"hmac", "checkpoint"} <= _codes(result)
    hmac_finding = next(f for f in result.findings if f.code == "hmac")
    assert hmac_finding.seq == 1 and hmac_finding.count == 4


def test_rehash_with_the_stolen_key_is_caught_by_the_checkpoint():
    _record(4)
    audit_checkpoint_create()
    _edit_details(2, {"i": 99})
    _rehash(2, lambda event: audit.audit_compute_hash(event))
    result = audit_verify_chain()
    assert _codes(result) == {"checkpoint"}  # every link and HMAC holds; the anchor does not
    assert "the chain was rewritten after it was anchored" in result.reason
    with pytest.raises(AuditCheckpointRefused):
        audit_checkpoint_create()


def test_a_checkpoint_forged_without_the_signing_key_is_named(settings, tmp_path):
    _record(2)
    audit_checkpoint_create()
    real_key = settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE
    settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE = tmp_path / "attacker.pem"
    _edit_details(1, {"i": 99})
    _rehash(1, lambda event: audit.audit_compute_hash(event))
    audit_checkpoints.checkpoint_write(seq=2, hash=AuditHead.objects.get().last_hash)
    settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE = real_key
    result = audit_verify_chain()
    assert _codes(result) == {"signature", "checkpoint"}
    assert "its signature does not verify" in result.reason


def test_verification_never_writes(settings):
    _record(3)
    audit_checkpoint_create()
    audit_record(actor=None, action="test.pending")  # committed, not sealed yet
    _raw_insert()
    settings.NASKAH_AUDIT_SEAL_GRACE_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        result = audit_verify_chain()
        with pytest.raises(CommandError):
            call_command("verify_audit")
    assert _codes(result) == {"forged", "unsealed"}
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    reads = {"SELECT", "PRAGMA", "SET", "SAVEPOINT", "RELEASE", "DECLARE", "CLOSE"}
    assert statements and set(statements) <= reads
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_verification_runs_in_a_read_only_transaction():
    _record(2)
    with audit._read_only(), pytest.raises(Exception, match="(?i)read.?only"):  # noqa: PT011
        AuditHead.objects.filter(pk=1).update(seq=7)
    assert AuditHead.objects.get().seq == 2
    assert audit_verify_chain().ok


def test_no_audit_key_no_audited_action(settings):
    audit_record(actor=None, action="test.before")  # committed before the key went missing
    settings.NASKAH_AUDIT_KEY = b""
    with pytest.raises(ImproperlyConfigured):
        audit_record(actor=None, action="test.nokey")
    with pytest.raises(ImproperlyConfigured):
        audit_seal_pending()
    assert AuditEvent.objects.get().seq is None


def test_deploy_check_refuses_a_key_kept_in_the_data_folder(settings):
    from core.checks import check_audit_key

    settings.DEBUG = False
    settings.NASKAH_AUDIT_KEY_SOURCE = "generated"
    assert [e.id for e in check_audit_key(None)] == ["naskah.E006"]
    settings.NASKAH_AUDIT_KEY_SOURCE, settings.NASKAH_AUDIT_KEY = "file", b""
    settings.NASKAH_AUDIT_KEY_FILE = "/nonexistent/audit_key"
    errors = check_audit_key(None)
    assert [e.id for e in errors] == ["naskah.E007"] and "/nonexistent" in errors[0].msg
    settings.NASKAH_AUDIT_KEY = b"k" * 32
    assert check_audit_key(None) == []
    settings.DEBUG, settings.NASKAH_AUDIT_KEY_SOURCE = True, "generated"
    assert check_audit_key(None) == []


def test_checkpoint_is_timestamped_when_a_tsa_is_configured(settings, tmp_path):
    from tests.signing.conftest import _TsaServer

    server = _TsaServer(tmp_path)
    settings.NASKAH_TSA_URL = server.url
    try:
        _record(1)
        checkpoint = audit_checkpoint_create()
    finally:
        server.close()
    assert checkpoint.timestamped and server.requests == 1
    assert audit_verify_chain().ok
    body = json.loads(checkpoint.path.read_text())
    other = audit_checkpoints._message({**body, "seq": 2})
    assert audit_checkpoints._timestamp_problem(body["timestamp_token"], other)


def test_rekey_a_chain_written_before_the_audit_key():
    _record(3)
    _rehash(1, lambda event: hashlib.sha256(audit._canonical(event, legacy=True)).hexdigest())
    assert "hmac" in _codes(audit_verify_chain())  # an old chain, as the upgrade finds it
    call_command("audit_rekey", "--legacy-sha256")
    result = audit_verify_chain()
    assert result.ok and result.checked == 4 and result.checkpoints == 1
    assert AuditEvent.objects.get(seq=4).action == "audit.rekey"


def test_rekey_rotates_the_key_and_refuses_a_tampered_chain(settings, tmp_path):
    _record(3)
    audit_checkpoint_create()
    old = tmp_path / "old_key"
    old.write_bytes(settings.NASKAH_AUDIT_KEY)
    settings.NASKAH_AUDIT_KEY = b"the new audit key, kept outside the database"
    assert _codes(audit_verify_chain()) == {"hmac"}
    _edit_details(2, {"i": 99})
    hashes = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="event #2 does not verify under the old key"):
        call_command("audit_rekey", "--old-key-file", str(old))
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == hashes
    _edit_details(2, {"i": 1})
    call_command("audit_rekey", "--old-key-file", str(old))
    assert audit_verify_chain().ok
    folder = settings.NASKAH_AUDIT_CHECKPOINT_DIR
    assert [p.name.startswith("superseded-") for p in folder.iterdir() if p.is_dir()] == [True]

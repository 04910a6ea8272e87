import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.models import AuditEvent, AuditHead
from core.services.audit import audit_record, audit_seal_pending, audit_verify_chain
from tests.factories import PegawaiFactory

pytestmark = pytest.mark.django_db


def _events(n=5):
    actor = PegawaiFactory()
    events = [
        audit_record(
            actor=actor, action="test.action", obj=actor, details={"i": i, "teks": "Surat"}
        )
        for i in range(n)
    ]
    audit_seal_pending()
    for event in events:
        event.refresh_from_db()
    return events


def test_chain_links_each_event_to_the_previous():
    events = _events(4)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    for prev, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == prev.hash
    assert audit_verify_chain().ok
    call_command("verify_audit")


def test_verify_detects_an_edited_row():
    events = _events(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET details = %s WHERE seq = %s",
            ['{"i": 99, "teks": "Surat"}', 3],
        )
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 3 and result.checked == 2
    with pytest.raises(CommandError, match="BROKEN at event #3"):
        call_command("verify_audit")
    assert events


def test_verify_detects_a_deleted_row_and_a_truncated_tail():
    _events(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 2")
    assert audit_verify_chain().broken_seq == 2
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= 2")
    result = audit_verify_chain()
    assert not result.ok and "chain head" in result.reason


def test_events_are_append_only():
    event = _events(1)[0]
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def test_event_rolls_back_with_the_action():
    _events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rollback")
        raise RuntimeError("service failed after writing its event")
    assert not AuditEvent.objects.filter(action="test.rollback").exists()
    assert audit_seal_pending() == 0
    assert AuditHead.objects.get().seq == 1
    assert audit_verify_chain().ok


def test_events_are_sealed_when_their_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = audit_record(actor=None, action="test.commit")
        event.refresh_from_db()
        assert event.seq is None and event.hash is None  # no chain lock while working
    event.refresh_from_db()
    assert event.seq == 1 and len(event.hash) == 64
    assert audit_verify_chain(seal_first=False).ok


def test_unsealed_events_are_sealed_by_the_next_seal_or_verify():
    audit_record(actor=None, action="test.a")
    audit_record(actor=None, action="test.b")  # e.g. the process died before sealing
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
    call_command("verify_audit")
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.a",
        "test.b",
    ]


def test_request_ip_is_recorded(client):
    user = PegawaiFactory(username="budi", password="rahasia-123")
    from core.middleware import RequestInfo, _current

    token = _current.set(RequestInfo(ip_address="10.1.2.3", user_agent="pytest"))
    try:
        event = audit_record(actor=user, action="test.ip")
    finally:
        _current.reset(token)
    assert event.ip_address == "10.1.2.3" and event.user_agent == "pytest"
    assert event.actor_label == str(user)

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.models import AuditEvent, AuditHead
from core.services.audit import audit_record, audit_verify_chain
from tests.factories import PegawaiFactory

pytestmark = pytest.mark.django_db


def _events(n=5):
    actor = PegawaiFactory()
    return [
        audit_record(
            actor=actor, action="test.action", obj=actor, details={"i": i, "teks": "Surat"}
        )
        for i in range(n)
    ]


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
    assert AuditHead.objects.get().seq == 1
    assert audit_verify_chain().ok


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

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


def _codes(result):
    return {finding.code for finding in result.findings}


def test_verify_detects_an_edited_row():
    events = _events(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET details = %s WHERE seq = %s",
            ['{"i": 99, "teks": "Surat"}', 3],
        )
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 3 and _codes(result) == {"hmac"}
    with pytest.raises(CommandError, match=r"BROKEN \(hmac\): event #3"):
        call_command("verify_audit")
    assert events


def test_verify_detects_a_deleted_row_and_a_truncated_tail():
    _events(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 2")
    result = audit_verify_chain()
    assert result.broken_seq == 2 and "gap" in _codes(result)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= 2")
    result = audit_verify_chain()
    assert not result.ok and "head" in _codes(result)


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
    assert audit_verify_chain().ok


def test_unsealed_events_are_reported_not_sealed_by_verification(settings):
    audit_record(actor=None, action="test.a")
    audit_record(actor=None, action="test.b")  # e.g. the process died before sealing
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
    result = audit_verify_chain()
    assert result.ok and result.pending == 2  # within the grace window: on their way
    settings.NASKAH_AUDIT_SEAL_GRACE_SECONDS = 0
    result = audit_verify_chain()
    assert _codes(result) == {"unsealed"} and "unsealed event id" in result.reason
    with pytest.raises(CommandError, match="unsealed"):
        call_command("verify_audit")
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # verification wrote nothing
    assert audit_seal_pending() == 2  # the sealing path (checkpoint task, next commit)
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.a",
        "test.b",
    ]
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_committers_leave_nothing_unsealed(monkeypatch):
    """Committers that find another sealing leave their events to it; when all have
    returned, every event is sealed and the chain holds, without a verification seal."""
    import threading

    from core.services import audit

    monkeypatch.setattr(audit, "SEAL_ROUNDS", 10_000)  # no hand-off to the worker here
    threads, per_thread = 8, 30
    barrier = threading.Barrier(threads)
    errors = []

    def work(index):
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", details={"t": index, "i": i})
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert AuditEvent.objects.count() == threads * per_thread
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert audit_verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_committer_does_not_wait_for_a_busy_sealer_and_hands_off_long_work(monkeypatch):
    import threading

    from django_q.models import OrmQ

    from core.services import audit

    held, release = threading.Event(), threading.Event()

    def sealer():  # another connection holding the sealer's turn
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [audit.SEALER_LOCK_KEY])
                held.set()
                release.wait(10)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [audit.SEALER_LOCK_KEY])
        finally:
            connection.close()

    thread = threading.Thread(target=sealer)
    thread.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            event = audit_record(actor=None, action="test.busy")
        event.refresh_from_db()
        assert event.seq is None  # left to the sealer holding the turn
    finally:
        release.set()
        thread.join()

    # A committer that keeps finding more after its rounds hands the rest to the worker.
    monkeypatch.setattr(audit, "SEAL_ROUNDS", 0)
    with transaction.atomic():
        audit_record(actor=None, action="test.handoff")
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
    assert OrmQ.objects.count() == 1
    assert audit.audit_seal_pending() == 2  # what the queued task runs
    assert audit_verify_chain().ok

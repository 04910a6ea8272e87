"""Dispatch e-mail with a hanging mail server: sent outside any transaction, bounded by
EMAIL_TIMEOUT, failures stored on the delivery and retried with backoff, then a visible
"failed" state with a retry action for the sender (DESIGN invariant 11)."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.urls import reverse
from django_q.models import OrmQ, Schedule

from core.errors import ConflictError, PermissionDeniedError
from core.models import AuditEvent
from naskah.models import Distribusi
from naskah.services.distribusi import distribusi_email_retry, naskah_dispatch
from naskah.tasks import distribusi_email_task
from tests.naskah.test_tte_flow import _signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def hanging_smtp(settings):
    """A mail server on loopback that accepts connections and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # the kernel completes the handshake; nobody ever reads or writes
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 0.5
    yield server
    server.close()


def _email_row(naskah) -> Distribusi:
    return Distribusi.objects.get(naskah=naskah, saluran="email")


def test_dispatch_queues_the_email_in_the_mail_queue_and_sends_outside_transactions(
    demo, settings, monkeypatch
):
    naskah = _signed(demo)
    OrmQ.objects.all().delete()
    naskah_dispatch(naskah=naskah)
    naskah_dispatch(naskah=naskah)  # the dispatch task may run twice: one e-mail task
    row = _email_row(naskah)
    assert len(mail.outbox) == 0 and row.status == "menunggu"
    (queued,) = [q for q in OrmQ.objects.all() if q.func() == "naskah.tasks.distribusi_email_task"]
    assert queued.key == settings.Q_MAIL_CLUSTER and queued.task["args"] == (row.pk,)

    depth = len(connection.atomic_blocks)  # the test's own transaction
    seen = []
    send = LocmemBackend.send_messages

    def watched(self, messages):
        seen.append(len(connection.atomic_blocks))
        return send(self, messages)

    monkeypatch.setattr(LocmemBackend, "send_messages", watched)
    assert distribusi_email_task(row.pk) == "terkirim"
    assert seen == [depth]  # no transaction of ours was open while talking to the server
    assert distribusi_email_task(row.pk) == "terkirim" and len(mail.outbox) == 1


def test_hanging_smtp_is_retried_with_backoff_then_failed_with_a_retry_action(
    demo, settings, hanging_smtp, client
):
    settings.TASK_MAX_ATTEMPTS = 2
    settings.TASK_RETRY_BACKOFF = 60
    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    row = _email_row(naskah)
    with pytest.raises(ConflictError):  # still waiting: nothing to retry
        distribusi_email_retry(distribusi=row, actor=naskah.konseptor)

    assert distribusi_email_task(row.pk) == "menunggu"
    row.refresh_from_db()
    assert row.percobaan == 1 and "did not answer in time" in row.kesalahan
    assert row.sewa == "" and row.coba_lagi_pada is not None
    first_wait = row.coba_lagi_pada - row.mulai_pada
    (retry,) = Schedule.objects.filter(func="naskah.tasks.distribusi_email_task")
    assert retry.next_run == row.coba_lagi_pada and retry.args == repr((row.pk,))
    assert retry.cluster == settings.Q_MAIL_CLUSTER and retry.repeats == -1

    assert distribusi_email_task(row.pk) == "gagal"  # the scheduled retry, the last attempt
    row.refresh_from_db()
    assert row.status == "gagal" and row.percobaan == 2 and "2 of 2" in row.kesalahan
    assert row.coba_lagi_pada is None
    assert 55 <= first_wait.total_seconds() <= 65
    events = AuditEvent.objects.filter(action="naskah.dispatch.email_failed")
    assert [e.details["status"] for e in events.order_by("pk")] == ["menunggu", "gagal"]

    with pytest.raises(PermissionDeniedError):  # not the drafter or signer
        distribusi_email_retry(distribusi=row, actor=demo["stafsma"])
    # The sender sees the error and the retry action on the letter's page.
    client.force_login(naskah.konseptor)
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert row.kesalahan in page
    url = reverse("naskah:distribusi_retry", args=[naskah.pk, row.pk])
    assert url in page
    OrmQ.objects.all().delete()
    client.post(url)
    row.refresh_from_db()
    assert (row.status, row.percobaan, row.kesalahan) == ("menunggu", 0, "")
    assert [q.func() for q in OrmQ.objects.all()] == ["naskah.tasks.distribusi_email_task"]
    assert AuditEvent.objects.filter(action="naskah.dispatch.email_retry").count() == 1

    # The server works again: the re-queued task delivers it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert distribusi_email_task(row.pk) == "terkirim"
    assert len(mail.outbox) == 1


def test_backoff_doubles_per_attempt(settings):
    from core.services.attempts import backoff_seconds

    settings.TASK_RETRY_BACKOFF = 60
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(20) == 3600


def test_failed_dispatch_is_retried_then_failed_with_a_retry_action(
    demo, settings, monkeypatch, client
):
    from naskah.tasks import naskah_dispatch_task

    settings.TASK_MAX_ATTEMPTS = 2
    naskah = _signed(demo)
    record = naskah.tte
    assert record.kirim_status == "menunggu"

    def broken(*, naskah):
        raise RuntimeError("database hiccup at 0x7f")

    monkeypatch.setattr("naskah.services.distribusi.naskah_dispatch", broken)
    assert naskah_dispatch_task(naskah.pk) == "menunggu"
    record.refresh_from_db()
    assert record.kirim_percobaan == 1 and record.kirim_coba_lagi_pada
    assert "0x7f" not in record.kirim_kesalahan and "1 of 2" in record.kirim_kesalahan
    (retry,) = Schedule.objects.filter(func="naskah.tasks.naskah_dispatch_attempt_task")
    assert retry.args == repr((record.pk,)) and retry.cluster is None  # the main queue
    assert naskah_dispatch_task(naskah.pk) == "gagal"
    assert AuditEvent.objects.filter(action="naskah.dispatch.failed").count() == 2

    client.force_login(naskah.konseptor)
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="dispatch-status"' in page and "2 of 2" in page
    url = reverse("naskah:dispatch_retry", args=[naskah.pk])
    assert url in page
    client.post(url)
    record.refresh_from_db()
    assert (record.kirim_status, record.kirim_percobaan) == ("menunggu", 0)
    assert AuditEvent.objects.filter(action="naskah.dispatch.retry").count() == 1
    monkeypatch.undo()
    assert naskah_dispatch_task(naskah.pk) == "selesai"
    assert Distribusi.objects.filter(naskah=naskah, status="terkirim").exists()
    assert naskah_dispatch_task(naskah.pk) == "selesai"  # done: not run again
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="dispatch-status"' not in page


def test_retry_is_for_the_drafter_and_the_person_who_signed_not_an_equal_id(demo):
    """The retry right compared a person's id with the signing *position's* id: whoever
    happened to have that number could retry, and the signer could not when the ids
    differed. A person whose id equals the position's id is refused now."""
    from core.models import Pegawai
    from naskah.models import DokumenTersegel
    from naskah.permissions import can_retry_distribusi
    from tests.factories import PegawaiFactory

    naskah = _signed(demo)
    signer = DokumenTersegel.objects.get(tte__naskah=naskah).penandatangan
    assert can_retry_distribusi(naskah.konseptor, naskah)
    assert can_retry_distribusi(signer, naskah)
    same_id = Pegawai.objects.filter(pk=naskah.penandatangan_id).first() or PegawaiFactory(
        pk=naskah.penandatangan_id, username="sama-dengan-jabatan"
    )
    if same_id.pk in (naskah.konseptor_id, signer.pk):  # the drafter or signer: allowed
        same_id = PegawaiFactory(username="orang-lain")
    assert not can_retry_distribusi(same_id, naskah)
    assert not can_retry_distribusi(demo["stafsma"], naskah)

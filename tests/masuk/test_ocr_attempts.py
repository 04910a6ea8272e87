"""A killed OCR worker: the redelivered task redoes the work, a live attempt is never
doubled (core.services.attempts, with django-q2's ORM broker leases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signals import pre_execute
from django_q.signing import SignedPackage

from core.services import attempts
from naskah.masuk import ocr
from naskah.masuk.models import SuratMasuk
from naskah.masuk.services import suratmasuk_ocr_run
from naskah.masuk.tasks import suratmasuk_ocr_task

from .conftest import make_pdf

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The worker process dies (SIGKILL, OOM): no except clause of the task runs."""


@pytest.fixture
def broker(settings):
    return get_broker(settings.Q_SLOW_CLUSTER)


def _deliver(broker, surat_id: int):
    """Dequeue the letter's OCR message as a cluster would, announce it like the worker
    does (pre_execute) and return its queue row id."""
    # (skip any other message: only OCR is expected here, but the search must not rely on it)
    for _batch in range(10):
        messages = broker.dequeue() or []
        if not messages:
            break
        for ack_id, payload in messages:
            task = SignedPackage.loads(payload)
            if task["func"].endswith("suratmasuk_ocr_task") and task["args"] == (surat_id,):
                pre_execute.send(
                    sender="django_q", func=task["func"], task={**task, "ack_id": ack_id}
                )
                return ack_id
    raise AssertionError("no OCR message was delivered")


def _lease_runs_out(ack_id: int) -> None:
    """`retry` seconds pass without an acknowledgement."""
    OrmQ.objects.filter(pk=ack_id).update(lock=timezone.now() - dt.timedelta(seconds=1))


@pytest.fixture(autouse=True)
def _no_delivery():
    yield
    attempts.on_post_execute(None)


def test_ocr_goes_to_the_slow_queue(register, settings):
    surat = register()
    # (registration also queues the addressee's notice e-mail, in the mail queue)
    (queued,) = [
        q for q in OrmQ.objects.all() if q.func() == "naskah.masuk.tasks.suratmasuk_ocr_task"
    ]
    assert queued.key == settings.Q_SLOW_CLUSTER
    assert queued.task["args"] == (surat.pk,)


def test_killed_worker_is_redone_by_the_redelivered_task(register, broker, monkeypatch):
    surat = register()
    ack_id = _deliver(broker, surat.pk)

    def die(files):
        raise Killed

    monkeypatch.setattr(ocr, "ocr_files", die)
    with pytest.raises(Killed):
        suratmasuk_ocr_task(surat.pk)
    surat.refresh_from_db()
    assert surat.ocr_status == "diproses" and surat.ocr_percobaan == 1
    assert surat.ocr_sewa.startswith(f"{ack_id}@")  # the attempt renewed and recorded its lease
    monkeypatch.undo()
    # Before the lease runs out the broker does not hand the message out; a second
    # message for the letter (e.g. a duplicate) leaves the work to the first one.
    attempts.on_pre_execute(None, task={"id": "other", "ack_id": ack_id + 1000})
    assert suratmasuk_ocr_task(surat.pk) == "diproses"
    # The lease runs out: the broker redelivers the same message, which redoes the work.
    _lease_runs_out(ack_id)
    assert _deliver(broker, surat.pk) == ack_id
    assert suratmasuk_ocr_task(surat.pk) == "selesai"
    surat.refresh_from_db()
    assert surat.ocr_percobaan == 2 and surat.ocr_sewa == "" and surat.berkas_pdf


def test_a_live_attempt_is_not_doubled(register, broker, monkeypatch):
    """A copy of the message delivered while its attempt runs (it waited in a cluster's
    local queue while its first lease ran out) fails on purpose so the broker keeps the
    message; the live attempt finishes alone."""
    surat = register()
    ack_id = _deliver(broker, surat.pk)
    seen = {}

    def second_copy_arrives(files):
        # The attempt renewed its lease when it started: the broker would not hand the
        # message out again for `retry` seconds, longer than the attempt may run.
        assert OrmQ.objects.get(pk=ack_id).lock > timezone.now() + dt.timedelta(seconds=60)
        with pytest.raises(attempts.AttemptBusy):
            suratmasuk_ocr_task(surat.pk)
        seen["state"] = SuratMasuk.objects.get(pk=surat.pk).ocr_percobaan
        return ocr.OcrResult(pdf=make_pdf("Nomor : 7/X/2026"), text="Nomor", ocr_applied=True)

    monkeypatch.setattr(ocr, "ocr_files", lambda files: second_copy_arrives(files))
    assert suratmasuk_ocr_task(surat.pk) == "selesai"
    assert seen["state"] == 1  # the copy did not start a second attempt
    surat.refresh_from_db()
    assert surat.ocr_percobaan == 1 and surat.ocr_status == "selesai"


def test_a_superseded_attempt_cannot_record_its_outcome(register, monkeypatch):
    surat = register()

    def superseded(files):
        SuratMasuk.objects.filter(pk=surat.pk).update(ocr_token="someone-else")
        return ocr.OcrResult(pdf=make_pdf(), text="teks", ocr_applied=True)

    monkeypatch.setattr(ocr, "ocr_files", superseded)
    assert suratmasuk_ocr_run(surat_id=surat.pk) == "diproses"
    surat.refresh_from_db()
    assert surat.ocr_teks == "" and not surat.berkas_pdf


def test_attempt_outside_a_worker_is_redone_once_its_process_is_gone(register, monkeypatch):
    surat = register()

    def die(files):
        raise Killed

    monkeypatch.setattr(ocr, "ocr_files", die)
    with pytest.raises(Killed):
        suratmasuk_ocr_run(surat_id=surat.pk)
    monkeypatch.undo()
    surat.refresh_from_db()
    assert surat.ocr_sewa.startswith("pid:")
    # This process (which recorded the attempt) is alive: not claimed twice.
    assert suratmasuk_ocr_run(surat_id=surat.pk) == "diproses"
    host = surat.ocr_sewa.split(":")[1]
    SuratMasuk.objects.filter(pk=surat.pk).update(ocr_sewa=f"pid:{host}:999999999:1")
    assert suratmasuk_ocr_run(surat_id=surat.pk) == "selesai"


def test_work_that_kills_its_worker_every_time_ends_failed(register, broker, settings, monkeypatch):
    settings.TASK_MAX_ATTEMPTS = 2
    surat = register()
    ack_id = _deliver(broker, surat.pk)

    def die(files):
        raise Killed

    monkeypatch.setattr(ocr, "ocr_files", die)
    for _ in range(2):
        with pytest.raises(Killed):
            suratmasuk_ocr_task(surat.pk)
        _lease_runs_out(ack_id)
        _deliver(broker, surat.pk)
    assert suratmasuk_ocr_task(surat.pk) == "gagal"  # not run a third time
    surat.refresh_from_db()
    assert surat.ocr_percobaan == 3 and "2 attempts" in surat.ocr_pesan and surat.ocr_sewa == ""

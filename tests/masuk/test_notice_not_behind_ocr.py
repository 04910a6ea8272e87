"""An arrival notice is not behind queued OCR (issue 19, head-of-line blocking).

OCR (tens of seconds per scan) is in the slow queue, notices and e-mail in the mail queue,
each served by its own django-q2 cluster (core/services/queue.py). The clusters are played
here as django-q2 runs them: the cluster's broker hands out its queue's messages in order,
each is announced (pre_execute), run and acknowledged. Nothing is timed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signals import pre_execute
from django_q.signing import SignedPackage

from core.services import attempts
from naskah.masuk.models import SuratMasuk
from workflows.models import Notifikasi

pytestmark = pytest.mark.django_db

OCR = "naskah.masuk.tasks.suratmasuk_ocr_task"
NOTICE = "workflows.tasks.notifikasi_email_task"
LETTERS = 6


@pytest.fixture(autouse=True)
def _no_delivery():
    yield
    attempts.on_post_execute(None)


def _handed_out(cluster: str, *, run: bool) -> list[str]:
    """Every message the cluster's broker hands out, in order, until its queue is empty;
    with `run`, each is run and acknowledged as the cluster's worker does."""
    broker = get_broker(cluster)
    order = []
    while messages := broker.dequeue():
        for ack_id, payload in messages:
            task = SignedPackage.loads(payload)
            order.append(task["func"])
            if run:
                pre_execute.send(
                    sender="django_q", func=task["func"], task={**task, "ack_id": ack_id}
                )
                import_string(task["func"])(*task["args"])
                attempts.on_post_execute(None)
                broker.acknowledge(ack_id)
    return order


def _register_letters(register, org) -> list[SuratMasuk]:
    """Letters whose scans wait for OCR, then (with the last registration) the addressed
    official's arrival notice: the notice is queued after every OCR message."""
    assert org["karoumum"].email  # the notice is e-mailed
    return [
        register(nomor_surat=f"B-{i}/BSSN/D3/2026", hal=f"Surat uji antrean {i}")
        for i in range(LETTERS)
    ]


def _queued(func: str) -> list[OrmQ]:
    return [q for q in OrmQ.objects.order_by("id") if q.func() == func]


def test_the_notice_is_handed_out_by_its_own_cluster_before_any_ocr(register, org, settings):
    letters = _register_letters(register, org)
    ocr, notices = _queued(OCR), _queued(NOTICE)
    assert len(ocr) == LETTERS and len(notices) == LETTERS
    assert notices[-1].pk > ocr[-1].pk  # the last notice was queued after all the OCR
    assert {q.key for q in ocr} == {settings.Q_SLOW_CLUSTER}
    assert {q.key for q in notices} == {settings.Q_MAIL_CLUSTER}
    assert settings.Q_MAIL_CLUSTER != settings.Q_SLOW_CLUSTER

    # The mail cluster's worker runs: every notice, and nothing else.
    assert _handed_out(settings.Q_MAIL_CLUSTER, run=True) == [NOTICE] * LETTERS
    sent = Notifikasi.objects.filter(kind="masuk_baru")
    assert {n.email_state for n in sent} == {Notifikasi.EmailState.SENT}
    assert all(n.emailed_at and n.email_attempts == 1 for n in sent)
    assert len(mail.outbox) == LETTERS
    # ... while not one OCR has started: they are all still queued, untouched, for the
    # slow cluster, and the letters show their OCR as waiting (invariant 11).
    assert [q.pk for q in _queued(OCR)] == [q.pk for q in ocr]
    assert {s.ocr_status for s in SuratMasuk.objects.filter(pk__in=[s.pk for s in letters])} == {
        SuratMasuk.StatusOCR.MENUNGGU
    }
    assert not _queued(NOTICE)
    # The slow cluster is handed out OCR only.
    assert _handed_out(settings.Q_SLOW_CLUSTER, run=False) == [OCR] * LETTERS


def test_with_one_shared_queue_the_notice_waits_behind_the_ocr(register, org, settings):
    """The layout before the mail queue (e-mail in the slow queue): the slow cluster hands
    the last notice out only after every OCR queued before it (what the test above rules
    out)."""
    settings.Q_MAIL_CLUSTER = settings.Q_SLOW_CLUSTER
    _register_letters(register, org)
    order = _handed_out(settings.Q_SLOW_CLUSTER, run=False)
    assert order.count(OCR) == LETTERS and order.count(NOTICE) == LETTERS
    last_notice = len(order) - 1 - order[::-1].index(NOTICE)
    assert last_notice == len(order) - 1  # behind all the OCR
    assert order.index(NOTICE) > order.index(OCR)  # even the first notice waits for an OCR


def test_an_empty_mail_queue_name_puts_notices_in_the_main_queue(register, org, settings):
    """A small office may run one cluster for everything but OCR (Q_MAIL_CLUSTER="")."""
    settings.Q_MAIL_CLUSTER = ""
    _register_letters(register, org)
    assert {q.key for q in _queued(NOTICE)} == {settings.Q_CLUSTER["name"]}
    assert {q.key for q in _queued(OCR)} == {settings.Q_SLOW_CLUSTER}

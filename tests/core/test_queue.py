"""core.services.queue.task_enqueue: the queue row commits (or rolls back) with the
caller's transaction; outside one, in sync mode or with the broker elsewhere, on commit;
each kind of work on its own queue."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_q.conf import Conf
from django_q.models import OrmQ

from core.services.queue import MAIL, SLOW, queue_clusters, queue_name, task_enqueue

TASK = "core.services.audit.audit_seal_pending"


@pytest.mark.django_db(transaction=True)
def test_the_queue_row_commits_with_the_transaction():
    with transaction.atomic():
        task_enqueue(TASK, task_name="kept")
        assert [q.name() for q in OrmQ.objects.all()] == ["kept"]
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue(TASK, task_name="rolled-back")
        raise RuntimeError
    assert [q.name() for q in OrmQ.objects.all()] == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_task_is_enqueued_at_once():
    task_enqueue(TASK, task_name="now")
    assert [q.name() for q in OrmQ.objects.all()] == ["now"]


@pytest.mark.django_db
def test_sync_mode_waits_for_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(Conf, "SYNC", True)
    monkeypatch.setattr("django_q.tasks.async_task", lambda *a, **k: calls.append((a, k)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task_enqueue(TASK, 7, task_name="later")
    assert calls == [] and len(callbacks) == 1  # a sync task must see committed data
    callbacks[0]()
    assert calls == [((TASK, 7), {"task_name": "later"})]


@pytest.mark.django_db
def test_each_kind_of_work_has_its_own_queue(settings):
    task_enqueue(TASK, task_name="main")
    task_enqueue(TASK, task_name="ocr", queue=SLOW)
    task_enqueue(TASK, task_name="mail", queue=MAIL)
    keys = {q.name(): q.key for q in OrmQ.objects.all()}
    assert keys == {"main": "naskah", "ocr": "lambat", "mail": "surel"}
    assert queue_clusters() == {"main": "naskah", "slow": "lambat", "mail": "surel"}
    settings.Q_MAIL_CLUSTER = ""  # one cluster fewer: e-mail in the main queue
    assert queue_name(MAIL) is None and queue_clusters()["mail"] == "naskah"
    with pytest.raises(ValueError, match="unknown queue"):
        queue_name("fast")


def test_every_cluster_lease_must_outlast_its_timeout(settings):
    from core import checks

    settings.Q_CLUSTER = {
        **settings.Q_CLUSTER,
        "ALT_CLUSTERS": {"surel": {"timeout": 120, "retry": 100}, "lambat": {}},
    }
    (error,) = checks.check_task_queue(None)
    assert error.id == "naskah.E003" and "surel" in error.msg

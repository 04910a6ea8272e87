"""core.services.queue.task_enqueue: the queue row commits (or rolls back) with the
caller's transaction; outside one, in sync mode or with the broker elsewhere, on commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_q.conf import Conf
from django_q.models import OrmQ

from core.services.queue import task_enqueue

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

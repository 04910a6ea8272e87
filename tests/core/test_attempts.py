"""core.services.attempts: the worker tells the attempt which delivery runs it; leases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_q.models import OrmQ
from django_q.tasks import async_task, result

from core.services import attempts


@pytest.mark.django_db
def test_the_worker_announces_its_delivery_to_the_attempt(settings):
    """django-q2's worker sends pre_execute with the task (core.apps connects it): inside
    the task the delivery is known, after it, it is forgotten."""
    task_id = async_task("core.services.attempts.current_delivery", sync=True)
    assert result(task_id)["id"] == task_id
    assert attempts.current_delivery() is None


@pytest.mark.django_db
def test_a_lease_is_live_only_while_the_queue_row_keeps_it():
    row = OrmQ.objects.create(key="lambat", payload="x", lock=timezone.now())
    attempts.on_pre_execute(None, task={"id": "t", "ack_id": row.pk})
    try:
        lease = attempts._renew_lease(timezone.now())
    finally:
        attempts.on_post_execute(None)
    row.refresh_from_db()
    assert lease == f"{row.pk}@{row.lock.isoformat()}"
    assert row.lock > timezone.now() + dt.timedelta(seconds=60)  # renewed by Q_RETRY
    assert attempts._lease_live(lease)
    OrmQ.objects.filter(pk=row.pk).update(lock=row.lock + dt.timedelta(seconds=1))  # re-leased
    assert not attempts._lease_live(lease)
    row.delete()  # acknowledged
    assert not attempts._lease_live(lease)
    assert not attempts._lease_live("")
    assert attempts._lease_live(attempts._process_identity())  # this process is alive

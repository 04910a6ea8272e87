"""Enqueueing background tasks with the caller's transaction.

Tasks are enqueued on commit (DESIGN: "Tasks are thin, idempotent, enqueued on commit").
With the ORM broker on the database the caller writes to (the only broker `core.checks`
allows), the queue row is simply inserted INSIDE the caller's transaction: workers see it
when the transaction commits and never if it rolls back, which is what "on commit" means,
and there is no window where the commit happened but the enqueue did not (a process that
dies right after its commit used to lose the task). It also spares django-q2's ORM broker
its out-of-transaction path, which closes and reopens the database connection on every
enqueue (`close_old_connections`) and so costs a reconnect per task.

Outside a transaction, in sync mode (the task runs immediately: it must see the
committed data and must not join the caller's transaction) or with the broker on
another database, the task is enqueued by `transaction.on_commit` as before.

Slow work (OCR, e-mail) goes to its own queue, served by its own cluster
(Q_SLOW_CLUSTER, docs/deployment.md "Background work"), so that it cannot hold up the
dispatch of signed letters, archive sync and the audit seal behind it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction


def queue_name(*, slow: bool = False) -> str | None:
    """The django-q2 cluster (queue) to use: None is the main one."""
    return (getattr(settings, "Q_SLOW_CLUSTER", "") or None) if slow else None


def _joins_transaction() -> bool:
    from django_q.conf import Conf

    if Conf.SYNC or Conf.ORM != DEFAULT_DB_ALIAS:
        return False
    return transaction.get_connection().in_atomic_block


def task_enqueue(
    func: str,
    *args,
    task_name: str | None = None,
    group: str | None = None,
    slow: bool = False,
) -> None:
    """Enqueue `func(*args)` (a dotted path) to run after the caller's transaction commits
    (module docstring); `slow` puts it in the slow queue. The task must be idempotent: the
    ORM broker delivers at least once."""
    from django_q.tasks import async_task

    kwargs = {}
    if task_name:
        kwargs["task_name"] = task_name
    if group:
        kwargs["group"] = group
    cluster = queue_name(slow=slow)
    if cluster:
        kwargs["cluster"] = cluster
    if _joins_transaction():
        async_task(func, *args, **kwargs)
    else:
        transaction.on_commit(lambda: async_task(func, *args, **kwargs))

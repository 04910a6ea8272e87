"""Enqueueing background tasks with the caller's transaction, on the queue of their kind.

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

Three queues, each served by its own django-q2 cluster (docs/deployment.md "Background
work"), so that no kind of work waits behind another kind:

- MAIN (cluster "naskah"): dispatch of signed letters, archive sync, the audit seal,
  the schedules;
- SLOW (Q_SLOW_CLUSTER, default "lambat"): OCR, tens of seconds per scan;
- MAIL (Q_MAIL_CLUSTER, default "surel"): what Naskah sends out to people and partner
  offices (notice and dispatch e-mail, partner deliveries), each bounded by a short
  timeout (EMAIL_TIMEOUT, the cluster's Q_MAIL_TIMEOUT). It used to share the slow
  queue, where a burst of OCR held arrival notices up for minutes.

An empty Q_SLOW_CLUSTER or Q_MAIL_CLUSTER puts that work in the main queue (one cluster).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

MAIN = "main"
SLOW = "slow"
MAIL = "mail"


def queue_name(queue: str = MAIN) -> str | None:
    """The django-q2 cluster (queue name) serving `queue` (MAIN, SLOW or MAIL): None is
    the main one."""
    if queue == MAIN:
        return None
    if queue == SLOW:
        return settings.Q_SLOW_CLUSTER or None
    if queue == MAIL:
        return settings.Q_MAIL_CLUSTER or None
    raise ValueError(f"unknown queue {queue!r}")


def queue_clusters() -> dict[str, str]:
    """{queue: cluster name} of every queue, the main one included ("naskah"): the clusters
    a deployment runs (one name may serve several queues when a setting is empty)."""
    main: str = settings.Q_CLUSTER.get("name", "default")
    return {queue: queue_name(queue) or main for queue in (MAIN, SLOW, MAIL)}


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
    queue: str = MAIN,
) -> None:
    """Enqueue `func(*args)` (a dotted path) to run after the caller's transaction commits
    (module docstring), on `queue` (MAIN, SLOW or MAIL). The task must be idempotent: the
    ORM broker delivers at least once."""
    from django_q.tasks import async_task

    kwargs = {}
    if task_name:
        kwargs["task_name"] = task_name
    if group:
        kwargs["group"] = group
    cluster = queue_name(queue)
    if cluster:
        kwargs["cluster"] = cluster
    if _joins_transaction():
        async_task(func, *args, **kwargs)
    else:
        transaction.on_commit(lambda: async_task(func, *args, **kwargs))

"""Attempts of background work, recorded on the object they serve (DESIGN invariant 11).

A kind of background work (OCR of an incoming letter, the e-mail of one delivery) keeps
its attempt in fields of its object's row, named by a `Slot`: a state (pending → running
→ done, or failed), the number of attempts, the running attempt's token and lease, when
it started, the last error (a translated sentence for users; the detail goes to the log)
and when the next try is due. Each attempt:

1. claims the row with one conditional UPDATE that takes a fresh token (two deliveries
   never both win; an attempt whose token was replaced may not record its outcome);
2. records its outcome, conditional on its token: done, or an error. An error with
   attempts left puts the row back to pending and schedules the next try with
   exponential backoff (a django-q2 schedule: no worker sleeps); the last one leaves the
   row failed, which the object's page shows with a retry action (`attempt_reset`).

A redelivered task redoes work whose previous attempt died, without guessing from the
time. django-q2's ORM broker leases a queue row when it hands it out (`lock` = now +
`retry`) and deletes it when the task succeeds; a row whose lease ran out is handed out
again with a new lease. So the attempt renews its own queue row's lease when it starts
and records that lease (`<queue row id>@<lock>`) on the object. The guard stops an
attempt after `timeout`, which core.checks keeps below `retry`, so when the recorded lease
is no longer on the queue (its row was leased again, or deleted) the attempt that took it
is over. A later delivery then claims the row and redoes the work. While the recorded
lease is live, the attempt is live (or its worker just died and the broker will hand the
message out again when the lease ends): a copy of the same queue row raises `AttemptBusy`
so that its message stays queued, any other message leaves the work to it. Renewing the
lease at the start also closes the window where a message waits in a cluster's local
queue while its first lease runs out. An attempt run outside a worker (sync mode, a
management command) records its process instead (`pid:<host>:<pid>:<start time>`); it is
over when that process is gone.

Work that killed its worker every time is not retried forever: a claim beyond
TASK_MAX_ATTEMPTS records "failed" without running the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.services.queue import MAIN, queue_name

logger = logging.getLogger(__name__)

_current: dict | None = None  # the django-q2 delivery running in this process, if any


class AttemptBusy(RuntimeError):
    """A copy of the message whose attempt is still live: the task fails on purpose so
    that the broker keeps the message (it is delivered again if that attempt dies)."""


@dataclass(frozen=True)
class Slot:
    """Names the fields of one kind of background work on its model."""

    model: type[models.Model]
    kind: str  # for the log and the retry schedule, e.g. "masuk.ocr"
    task: str  # dotted path of the task that takes the row's pk
    status: str
    attempts: str
    claim: str  # the running attempt's token
    lease: str
    started: str
    error: str
    next_try: str
    pending: str
    running: str
    failed: str
    queue: str = MAIN  # core.services.queue: MAIN, SLOW (OCR) or MAIL (e-mail, deliveries)


@dataclass(frozen=True)
class Attempt:
    pk: int
    token: str
    number: int
    exhausted: bool  # beyond the allowed attempts: record the failure, do not run


def max_attempts() -> int:
    return max(1, int(settings.TASK_MAX_ATTEMPTS))


def backoff_seconds(number: int) -> int:
    """Wait before try `number + 1`: TASK_RETRY_BACKOFF doubled per attempt, at most an hour
    (60 s, 120 s, 240 s, ... by default)."""
    base = max(1, int(settings.TASK_RETRY_BACKOFF))
    return min(base * 2 ** max(0, number - 1), 3600)


# --- Which delivery is running ---------------------------------------------------------------


def on_pre_execute(sender, task=None, **kwargs) -> None:
    """django-q2 `pre_execute` receiver (core.apps): remember the delivery in this worker."""
    global _current
    _current = {"id": (task or {}).get("id"), "ack_id": (task or {}).get("ack_id")}


def on_post_execute(sender, task=None, **kwargs) -> None:
    global _current
    _current = None


def current_delivery() -> dict | None:
    return _current


def _process_identity() -> str:
    pid = os.getpid()
    return f"pid:{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _lease_live(lease: str) -> bool:
    """Is the attempt that recorded this lease possibly still running (module docstring)?"""
    from django_q.models import OrmQ

    if not lease:
        return False
    if lease.startswith("pid:"):
        _, host, pid, start = (lease.split(":", 3) + ["", "", ""])[:4]
        if host != socket.gethostname():
            return True  # another host's process: only its own redelivery or a reset frees it
        if not pid.isdigit() or not os.path.exists(f"/proc/{pid}"):
            return False
        return _start_time(int(pid)) == start
    ack_id, _, lock = lease.partition("@")
    try:
        when = dt.datetime.fromisoformat(lock)
    except ValueError:
        return False
    return OrmQ.objects.filter(pk=ack_id, lock=when).exists()


def _renew_lease(now: dt.datetime) -> str:
    """Renew this delivery's queue row lease and describe it (or this process)."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    delivery = current_delivery()
    ack_id = (delivery or {}).get("ack_id")
    if ack_id:
        lock = now + dt.timedelta(seconds=Conf.RETRY)
        if OrmQ.objects.filter(pk=ack_id).update(lock=lock):
            return f"{ack_id}@{lock.isoformat()}"
    return _process_identity()


# --- The attempt -----------------------------------------------------------------------------


def attempt_claim(slot: Slot, pk: int) -> Attempt | None:
    """Start an attempt on row `pk`, or None when there is nothing to do (done, failed,
    gone, or another live attempt has it). Raises AttemptBusy for a second copy of the
    message whose attempt is live."""
    manager = slot.model._default_manager
    row = manager.filter(pk=pk).values(slot.status, slot.claim, slot.lease).first()
    if row is None:
        return None
    state, token, lease = row[slot.status], row[slot.claim], row[slot.lease]
    if state == slot.running:
        if _lease_live(lease):
            delivery = current_delivery() or {}
            ack_id = delivery.get("ack_id")
            if ack_id and lease.partition("@")[0] == str(ack_id):
                raise AttemptBusy(f"{slot.kind} {pk}: the attempt of this message is running")
            return None
        logger.warning("%s %s: the previous attempt died (%s); redoing it", slot.kind, pk, lease)
    elif state != slot.pending:
        return None
    now = timezone.now()
    new_token = uuid.uuid4().hex
    claimed = manager.filter(Q(**{slot.claim: token}), pk=pk, **{slot.status: state}).update(
        **{
            slot.status: slot.running,
            slot.claim: new_token,
            slot.lease: _renew_lease(now),
            slot.started: now,
            slot.attempts: F(slot.attempts) + 1,
            slot.next_try: None,
        }
    )
    if not claimed:
        return None  # another delivery won the same row
    number = manager.filter(pk=pk).values_list(slot.attempts, flat=True).first() or 0
    return Attempt(pk=pk, token=new_token, number=number, exhausted=number > max_attempts())


def attempt_current(slot: Slot, attempt: Attempt) -> models.QuerySet:
    """The row, only while this attempt holds it (for the conditional outcome update)."""
    return slot.model._default_manager.filter(pk=attempt.pk, **{slot.claim: attempt.token})


def attempt_done(slot: Slot, attempt: Attempt, *, status: str, **fields) -> bool:
    """Record success (or another final state). False when the attempt was superseded."""
    return bool(
        attempt_current(slot, attempt).update(
            **{slot.status: status, slot.lease: "", slot.error: "", **fields}
        )
    )


def attempt_failed(slot: Slot, attempt: Attempt, *, error: str, retry: bool = True) -> str | None:
    """Record a failed attempt with its (user-facing) error: back to pending with the next
    try scheduled while attempts remain, else failed. Returns the new state, or None when
    the attempt was superseded."""
    now = timezone.now()
    if retry and attempt.number < max_attempts():
        next_try = now + dt.timedelta(seconds=backoff_seconds(attempt.number))
        updated = attempt_current(slot, attempt).update(
            **{
                slot.status: slot.pending,
                slot.lease: "",
                slot.error: error[:500],
                slot.next_try: next_try,
            }
        )
        if not updated:
            return None
        _schedule_retry(slot, attempt.pk, next_try)
        return slot.pending
    updated = attempt_current(slot, attempt).update(
        **{slot.status: slot.failed, slot.lease: "", slot.error: error[:500], slot.next_try: None}
    )
    return slot.failed if updated else None


def attempt_reset(slot: Slot, pk: int, *, from_states: list[str] | None = None) -> bool:
    """A person asks for another try of failed work: back to pending with a fresh count.
    The caller enqueues the task in the same transaction. False unless the row was in one
    of `from_states` (default: failed)."""
    states = from_states or [slot.failed]
    return bool(
        slot.model._default_manager.filter(pk=pk, **{f"{slot.status}__in": states}).update(
            **{
                slot.status: slot.pending,
                slot.attempts: 0,
                slot.error: "",
                slot.next_try: None,
                slot.lease: "",
            }
        )
    )


def _schedule_retry(slot: Slot, pk: int, when: dt.datetime) -> None:
    """A one-off django-q2 schedule runs the task again at `when` (deleted once it ran)."""
    from django_q.models import Schedule

    Schedule.objects.create(
        name=f"{slot.kind} {pk} {uuid.uuid4().hex[:8]}",
        func=slot.task,
        args=repr((pk,)),
        schedule_type=Schedule.ONCE,
        repeats=-1,
        next_run=when,
        cluster=queue_name(slot.queue),
    )

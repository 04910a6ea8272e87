"""django-q2 tasks: thin (load by id, call a service) and idempotent (run twice = once)."""

from __future__ import annotations

from workflows.services import deadlines_process, notifikasi_send_email


def deadlines_check_task() -> dict[str, int]:
    """Periodic: reminders before the deadline, escalation of overdue steps."""
    return deadlines_process()


def notifikasi_email_task(notifikasi_id: int) -> bool:
    return notifikasi_send_email(notifikasi_id=notifikasi_id)

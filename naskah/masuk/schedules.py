"""The django-q2 schedule for overdue reminders and escalation (idempotent set-up)."""

from __future__ import annotations

OVERDUE_SCHEDULE_NAME = "masuk: pengingat disposisi terlambat"
OVERDUE_FUNC = "naskah.masuk.tasks.disposisi_overdue_task"


def schedules_ensure(*, minutes: int = 30) -> bool:
    """Create or update the reminder schedule; True when it was created."""
    from django_q.models import Schedule

    _, created = Schedule.objects.update_or_create(
        name=OVERDUE_SCHEDULE_NAME,
        defaults={
            "func": OVERDUE_FUNC,
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        },
    )
    return created

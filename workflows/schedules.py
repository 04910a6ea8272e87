"""The engine's periodic jobs, declared in one place."""

from __future__ import annotations

from django.conf import settings
from django_q.models import Schedule

DEADLINES_SCHEDULE = "workflows.deadlines"


def schedules_setup(*, minutes: int | None = None) -> tuple[Schedule, bool]:
    """Create the deadline schedule, or bring it to the configured interval. Idempotent."""
    if minutes is None:
        minutes = int(settings.NASKAH_PENGINGAT_INTERVAL_MENIT)
    if minutes < 1:
        raise ValueError("The interval must be at least one minute.")
    schedule, created = Schedule.objects.update_or_create(
        name=DEADLINES_SCHEDULE,
        defaults={
            "func": "workflows.tasks.deadlines_check_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        },
    )
    return schedule, created

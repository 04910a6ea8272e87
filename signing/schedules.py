"""The signing app's periodic jobs, declared in one place (`signing_setup_schedules`)."""

from __future__ import annotations

from django_q.models import Schedule

RENEWAL_SCHEDULE = "signing_renewal_notices"
CRL_SCHEDULE = "signing_crl_refresh"


def schedules_setup() -> list[tuple[str, bool]]:
    """Create the schedules or bring them to their definition. Idempotent."""
    done = []
    for name, defaults in (
        (
            RENEWAL_SCHEDULE,
            {
                "func": "signing.tasks.renewal_sweep_task",
                "schedule_type": Schedule.DAILY,
                "repeats": -1,
            },
        ),
        (
            CRL_SCHEDULE,
            {
                "func": "signing.pki.crl_refresh_task",
                "schedule_type": Schedule.HOURLY,
                "repeats": -1,
            },
        ),
    ):
        _schedule, created = Schedule.objects.update_or_create(name=name, defaults=defaults)
        done.append((name, created))
    return done

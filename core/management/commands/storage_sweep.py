from django.core.management.base import BaseCommand

from core.services.storage import storage_sweep

SCHEDULE_NAME = "core: storage_sweep"


class Command(BaseCommand):
    help = (
        "Publish pending files whose transaction committed but whose move did not happen, "
        "and delete pending files of transactions that never committed (older than "
        "NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES). `--schedule` creates the django-q2 "
        "schedule that runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="create the schedule only")
        parser.add_argument("--minutes", type=int, default=10, help="schedule interval")
        parser.add_argument(
            "--max-age-minutes",
            type=int,
            default=None,
            help="grace period for uncommitted pending files (default: the setting)",
        )

    def handle(self, *args, schedule: bool, minutes: int, max_age_minutes, **options):
        if schedule:
            from django_q.models import Schedule

            Schedule.objects.update_or_create(
                name=SCHEDULE_NAME,
                defaults={
                    "func": "core.services.storage.storage_sweep",
                    "schedule_type": Schedule.MINUTES,
                    "minutes": minutes,
                    "repeats": -1,
                },
            )
            self.stdout.write(self.style.SUCCESS(f"schedule storage_sweep: every {minutes} min"))
            return
        counts = storage_sweep(max_age_minutes=max_age_minutes)
        self.stdout.write(
            self.style.SUCCESS(
                "{published} pending files published, {deleted} deleted, "
                "{waiting} still within the grace period".format(**counts)
            )
        )

"""Delete stored Idempotency-Key responses past NASKAH_API_IDEMPOTENCY_HOURS and tokens
that expired more than a day ago. `--schedule` creates the daily django-q2 schedule."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Purge old idempotency records and expired API tokens."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="create the schedule only")

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            from django_q.models import Schedule

            Schedule.objects.update_or_create(
                name="api_purge",
                defaults={
                    "func": "api.tasks.api_purge_task",
                    "schedule_type": Schedule.DAILY,
                    "repeats": -1,
                },
            )
            self.stdout.write(self.style.SUCCESS("schedule api_purge: daily"))
            return
        from api.tasks import api_purge_task

        result = api_purge_task()
        self.stdout.write(f"purged {result['idempotency']} keys, {result['tokens']} tokens")

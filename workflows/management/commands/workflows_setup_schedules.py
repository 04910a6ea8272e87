"""Create or update the periodic deadline check in django-q2 (safe to run repeatedly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from workflows.schedules import schedules_setup


class Command(BaseCommand):
    help = "Create or update the django-q2 schedule that sends deadline reminders and escalations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes", type=int, default=None, help="Interval in minutes (default 15)."
        )

    def handle(self, *args, minutes=None, **options):
        schedule, created = schedules_setup(minutes=minutes)
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} schedule “{schedule.name}” every {schedule.minutes} minutes.")

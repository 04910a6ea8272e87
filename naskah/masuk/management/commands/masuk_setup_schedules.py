from django.core.management.base import BaseCommand

from naskah.masuk.schedules import OVERDUE_SCHEDULE_NAME, schedules_ensure


class Command(BaseCommand):
    help = "Create or update the django-q2 schedule for overdue disposition reminders."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, **options):
        created = schedules_ensure(minutes=options["minutes"])
        state = "created" if created else "updated"
        self.stdout.write(f"{OVERDUE_SCHEDULE_NAME}: {state}")

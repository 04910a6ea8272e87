from django.core.management.base import BaseCommand

from signing.schedules import schedules_setup


class Command(BaseCommand):
    help = (
        "Create (or update) the django-q2 schedules of the signing app: the daily renewal "
        "notice sweep and the hourly CRL refresh of every CA generation. Idempotent."
    )

    def handle(self, *args, **options):
        for name, created in schedules_setup():
            verb = "created" if created else "updated"
            self.stdout.write(self.style.SUCCESS(f"schedule {name}: {verb}"))

from django.core.management.base import BaseCommand

from arsip.services.intake import arsip_sync_sources


class Command(BaseCommand):
    help = (
        "Archive every signed outgoing letter and registered incoming letter not archived "
        "yet, and refresh the named readers of archived letters whose readers changed "
        "(idempotent). `--schedule` creates the django-q2 schedule that runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="create the schedule only")

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            from django_q.models import Schedule

            Schedule.objects.update_or_create(
                name="arsip_sync",
                defaults={
                    "func": "arsip.tasks.arsip_sync_task",
                    "schedule_type": Schedule.MINUTES,
                    "minutes": 1,
                    "repeats": -1,
                },
            )
            Schedule.objects.update_or_create(
                name="arsip_lta",
                defaults={
                    "func": "arsip.tasks.arsip_lta_task",
                    "schedule_type": Schedule.MINUTES,
                    "minutes": 10,
                    "repeats": -1,
                },
            )
            Schedule.objects.update_or_create(
                name="signing_crl_refresh",
                defaults={
                    "func": "signing.pki.crl_refresh_task",
                    "schedule_type": Schedule.HOURLY,
                    "repeats": -1,
                },
            )
            self.stdout.write(self.style.SUCCESS("schedule arsip_sync: every minute"))
            self.stdout.write(self.style.SUCCESS("schedule arsip_lta: every 10 minutes"))
            self.stdout.write(self.style.SUCCESS("schedule signing_crl_refresh: hourly"))
            return
        total = readers = 0
        while True:
            result = arsip_sync_sources()
            total += result.naskah + result.masuk
            readers += result.pembaca
            if result.naskah + result.masuk + result.pembaca == 0:
                break
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} records archived or refreshed; readers refreshed for {readers}"
            )
        )

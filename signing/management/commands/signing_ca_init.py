"""Create the instance's signing CA now (it is otherwise created on first use) and print
its certificate, e.g. to hand to verifiers as a trust root."""

from django.core.management.base import BaseCommand

from signing.backends.local import ca_get_or_create


class Command(BaseCommand):
    help = "Create the local signing CA if missing and print its certificate (PEM)."

    def handle(self, *args, **options):
        ca = ca_get_or_create()
        self.stderr.write(
            f"{ca.subject} (serial {ca.serial_hex}, valid until {ca.not_after:%Y-%m-%d})"
        )
        self.stdout.write(ca.certificate_pem)

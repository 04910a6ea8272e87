"""Rotate the instance CA: a new generation issues every new certificate from now on; the
previous one stays a trust anchor and keeps serving its CRL and OCSP (signing/ca_lifecycle.py,
docs/signing.md "CA rotation"). Prints the new CA certificate and the two link certificates."""

from django.core.management.base import BaseCommand

from signing.ca_lifecycle import ca_rotate


class Command(BaseCommand):
    help = (
        "Create a new CA generation (key in NASKAH_CA_KEY_BACKEND), retire the current one "
        "and print the new CA certificate and the RFC 4210 link certificates (PEM). Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="", help="recorded in the audit event")

    def handle(self, *args, reason: str, **options):
        ca = ca_rotate(actor=None, reason=reason)
        self.stderr.write(
            f"generation {ca.generation}: {ca.subject} (serial {ca.serial_hex}, "
            f"valid until {ca.not_after:%Y-%m-%d}, key {ca.key_backend})"
        )
        self.stdout.write(f"# CA serial {ca.serial_hex}\n")
        self.stdout.write(ca.certificate_pem)
        self.stdout.write("# link certificates: OldWithNew, NewWithOld\n")
        self.stdout.write(ca.link_certificates_pem)

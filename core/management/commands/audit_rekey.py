from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.services.audit import AuditCheckpointRefused, audit_rekey


class Command(BaseCommand):
    help = (
        "Re-hash the audit chain under the current audit key (NASKAH_AUDIT_KEY[_FILE]) after "
        "proving it intact under the old scheme. Explicit and one-off: after an upgrade from "
        "a chain without a key (--legacy-sha256) or to rotate the key (--old-key-file)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--legacy-sha256",
            action="store_true",
            help="the chain was written before the audit key (plain SHA-256)",
        )
        group.add_argument("--old-key-file", help="file holding the previous audit key")

    def handle(self, *args, legacy_sha256=False, old_key_file=None, **options):
        old_key = None if legacy_sha256 else Path(old_key_file).read_bytes().strip()
        try:
            count = audit_rekey(old_key=old_key)
        except AuditCheckpointRefused as error:
            raise CommandError(f"Not re-keyed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{count} events re-keyed; new checkpoint written"))

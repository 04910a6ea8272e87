from django.core.management.base import BaseCommand, CommandError

from core.services.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        result = audit_verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{result.broken_seq}: {result.reason} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events"))

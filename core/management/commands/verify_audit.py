from django.core.management.base import BaseCommand, CommandError

from core import hooks
from core.services.audit import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail (read only): every link and HMAC, no gaps, no unsealed or "
        "forged rows, the head, and every signed checkpoint. Exits non-zero on any finding."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints", metavar="DIR", help="checkpoint folder (default: the setting)"
        )

    def handle(self, *args, checkpoints=None, **options):
        result = audit_verify_chain(checkpoint_dir=checkpoints)
        # Checks the apps add (naskah: every signed paraf statement).
        extra_failures = []
        for extra in hooks.collect(hooks.AUDIT_VERIFY):
            for line in extra["failures"]:
                self.stderr.write(f"[{extra['name']}] {line}")
            extra_failures += [extra["name"]] * bool(extra["failures"])
            self.stdout.write(
                f"{extra['name']}: {extra['checked']} checked, {len(extra['failures'])} failed"
            )
        for finding in result.findings:
            more = f" (and {finding.count - 1} more)" if finding.count > 1 else ""
            self.stderr.write(f"[{finding.code}] {finding.message}{more}")
        if result.pending:
            self.stdout.write(f"{result.pending} events committed moments ago, not sealed yet")
        if not result.checkpoints:
            self.stdout.write("No checkpoint anchors the chain yet (manage.py audit_checkpoint).")
        if not result.ok:
            codes = ", ".join(sorted({f.code for f in result.findings}))
            raise CommandError(
                f"Audit chain BROKEN ({codes}): {result.reason} "
                f"({result.checked} sealed events read)"
                + (
                    "; also FAILED: " + ", ".join(sorted(set(extra_failures)))
                    if extra_failures
                    else ""
                )
            )
        if extra_failures:
            raise CommandError(
                "Audit chain intact but FAILED: " + ", ".join(sorted(set(extra_failures)))
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} events, "
                f"{result.checkpoints} checkpoints verified"
            )
        )

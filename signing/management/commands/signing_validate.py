"""Check the signatures of a PDF file from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from signing.validation import pdf_validate


class Command(BaseCommand):
    help = "Validate the electronic signatures in a PDF file; exit status 1 if not valid."

    def add_arguments(self, parser):
        parser.add_argument("pdf", type=Path)

    def handle(self, *args, pdf: Path, **options):
        try:
            data = pdf.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {pdf}: {exc}") from exc
        try:
            report = pdf_validate(data)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"SHA-256 {report.sha256}")
        for n, sig in enumerate(report.signatures, 1):
            verdict = "VALID" if sig.ok else "NOT VALID"
            ts = sig.timestamp_time.isoformat() if sig.timestamp_time else "none"
            self.stdout.write(
                f"{n}. {sig.field_name}: {sig.signer_name} - {verdict}; intact={sig.intact} "
                f"trusted={sig.trusted} revoked={sig.revoked} timestamp={ts} "
                f"coverage={sig.coverage} changes={sig.modification_level}"
            )
            for problem in sig.problems:
                self.stdout.write(f"   - {problem}")
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if not report.ok:
            raise CommandError("At least one signature is not valid.", returncode=1)

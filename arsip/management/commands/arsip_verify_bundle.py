"""Check an archive export bundle (BagIt): exit 0 when valid, else non-zero naming the
first bad file.

    python manage.py arsip_verify_bundle /path/to/bundle
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arsip.services.export import bundle_verify


class Command(BaseCommand):
    help = "Verify an archive export bundle (checksums, manifest, Payload-Oxum)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"{directory}: not a directory")
        result = bundle_verify(path)
        if not result.ok:
            raise CommandError(f"INVALID: {result.message}")
        self.stdout.write(self.style.SUCCESS(result.message))

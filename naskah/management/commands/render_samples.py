"""Render one sample PDF of every registered letter type from the demo organisation."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from naskah.context import naskah_render_pdf
from naskah.models import JenisNaskah
from naskah.samples import sample_revision, samples


class Command(BaseCommand):
    help = "Render one sample PDF per letter type (needs `manage.py seed_demo` data)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Folder for the PDFs.")
        parser.add_argument(
            "--konsep", action="store_true", help="Render as draft previews (KONSEP watermark)."
        )

    def handle(self, *args, out: str, konsep: bool, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        known = samples()
        written, missing = 0, []
        for jenis in JenisNaskah.objects.filter(aktif=True).order_by("urutan"):
            if jenis.kode not in known:
                missing.append(jenis.kode)
                continue
            try:
                pdf = naskah_render_pdf(sample_revision(jenis.kode), preview=konsep)
            except ApplicationError as exc:
                raise CommandError(f"{jenis.kode}: {exc.message}") from None
            path = folder / f"{jenis.kode}.pdf"
            path.write_bytes(pdf)
            written += 1
            self.stdout.write(f"{path} ({len(pdf) // 1024} KB)")
        self.stdout.write(self.style.SUCCESS(f"{written} sample(s) written to {folder}"))
        if missing:
            self.stderr.write(
                "No sample content for: " + ", ".join(missing) + " (types added in the admin)."
            )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.services.skkaad import skkaad_import


class Command(BaseCommand):
    help = (
        "Import a region's SKKAAD table (default security class and access levels per "
        "classification code) from a CSV file. Columns: kode,kelas_keamanan,tingkat_akses"
        "[,keterangan]. A file with any error is rejected whole and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--skema", help="scheme code (default: the active scheme)")

    def handle(self, *args, file: Path, skema: str | None, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        try:
            result = skkaad_import(text=text, skema_kode=skema)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.effective_changed} codes with changed effective values"
            )
        )

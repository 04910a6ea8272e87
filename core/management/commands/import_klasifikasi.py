from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.services.klasifikasi import klasifikasi_import


class Command(BaseCommand):
    help = (
        "Import archive classification codes (with JRA retention) from a CSV file. "
        "Columns: kode,nama[,retensi_aktif,retensi_inaktif,nasib_akhir,keterangan,"
        "perlu_diperiksa]. "
        "A column left out of the file leaves that field unchanged unless --replace is given. "
        "A file with any error is rejected whole and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--skema", help="scheme code (default: the active scheme)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="clear the fields of columns the file does not have (default: keep them)",
        )

    def handle(self, *args, file: Path, skema: str | None, replace: bool = False, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        try:
            result = klasifikasi_import(text=text, skema_kode=skema, replace=replace)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            )
        )

from django.core.management.base import BaseCommand

from arsip.services.files import arsip_record_files_backfill


class Command(BaseCommand):
    help = (
        "Link each archive record that has no document yet to its source's file (the "
        "sealed PDF of a letter, the scan or delivered PDF of an incoming letter) with its "
        "SHA-256. Idempotent: run it again until it links nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch: int, **options):
        total = {"pdf": 0, "pindai": 0}
        while True:
            result = arsip_record_files_backfill(batch=batch)
            total["pdf"] += result.pdf
            total["pindai"] += result.pindai
            if result.pdf + result.pindai == 0:
                break
        self.stdout.write(
            f"linked: {total['pdf']} letter PDFs, {total['pindai']} incoming files; "
            f"records whose source has no file: {result.without_file}"
        )

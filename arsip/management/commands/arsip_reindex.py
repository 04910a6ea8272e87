"""Rebuild the archive full-text index in bounded memory (batches of record ids, one
transaction each). Without --force only records whose text changed are redone.

    python manage.py arsip_reindex [--force] [--batch 2000]
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from arsip.search.index import arsip_reindex_all


class Command(BaseCommand):
    help = "Rebuild the archive search index (streaming, in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="redo every record")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, force, batch, **options):
        started = time.perf_counter()
        verbosity = options.get("verbosity", 1)

        def progress(last_id: int, done: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"up to id {last_id}: {done} indexed")

        total = arsip_reindex_all(batch_size=max(1, batch), force=force, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"{total} records indexed in {time.perf_counter() - started:.1f} s")
        )

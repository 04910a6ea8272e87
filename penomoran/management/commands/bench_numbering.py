"""`manage.py bench_numbering --processes 8 --count 500`: concurrent allocation load test.
The last line printed is a JSON object (allocated, duplicates, gaps, per_second, ...)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from penomoran.bench import bench_run


class Command(BaseCommand):
    help = (
        "Allocate PROCESSES x COUNT numbers from one fresh book in separate processes, "
        "rolling back about 10% of transactions, then check the ledger for duplicates and gaps."
    )

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=8)
        parser.add_argument("--count", type=int, default=500, help="numbers committed per process")
        parser.add_argument(
            "--rollback-rate", type=float, default=0.1, help="share of transactions rolled back"
        )
        parser.add_argument("--keep", action="store_true", help="keep the bench book and numbers")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, processes, count, rollback_rate, keep, seed, **options):
        if processes < 1 or count < 1:
            raise CommandError("--processes and --count must be at least 1.")
        if not 0 <= rollback_rate < 1:
            raise CommandError("--rollback-rate must be at least 0 and below 1.")
        try:
            result = bench_run(
                processes=processes,
                count=count,
                rollback_rate=rollback_rate,
                keep=keep,
                seed=seed,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.database}: {result.allocated} numbers committed by {processes} processes "
            f"in {result.seconds} s ({result.per_second}/s, p50 {result.p50_ms} ms, "
            f"p95 {result.p95_ms} ms); {result.rolled_back} transactions rolled back; "
            f"duplicates {result.duplicates}, gaps {result.gaps}, errors {result.errors}"
        )
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(json.dumps(result.as_dict(), sort_keys=True))

"""Measure the archive search as the UI runs it.

    python manage.py bench_search --queries 400 [--user kadiskominfo] [--seed 7]

Runs a realistic mix through `arsip.search.query.arsip_search` (the same service the
search page calls) as a user with ordinary rights: single terms of every frequency band
(including the most common words), two-term queries, quoted phrases, a term with a unit
or year filter, and letter-number fragments. Prints per-kind figures (wall time of the
whole service call, and the time the database spent in its SQL statements), then as
the LAST line a JSON object with records, queries, p50_ms, p95_ms and max_ms.
"""

from __future__ import annotations

import json
import os
import random
import statistics

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from arsip.models import ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.bench import percentile, timed_search
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.synth import Generator
from core.models import Pegawai


class Command(BaseCommand):
    help = "Benchmark archive search with a realistic query mix (last line: JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=300)
        parser.add_argument("--user", default="kadiskominfo")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--synth-seed", type=int, default=83)

    def _mix(self, rng: random.Random, n: int, user: Pegawai) -> list[tuple[str, dict]]:
        vocab = Generator(self.synth_seed).vocabulary
        phrase_source = Generator(self.synth_seed + 1)
        visible = ArsipRecord.objects.filter(arsip_visibility_q(user))
        units = list(visible.values_list("unit_id", flat=True).distinct()[:50]) or [None]
        max_id = ArsipRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        numbers = []
        for _ in range(40):
            row = (
                ArsipRecord.objects.filter(pk__gte=rng.randint(1, max(1, max_id)))
                .exclude(nomor="")
                .order_by("pk")
                .values_list("nomor", flat=True)
                .first()
            )
            if row:
                numbers.append(row)

        def band(lo: int, hi: int) -> str:
            return vocab[rng.randrange(lo, min(hi, len(vocab)))]

        kinds = []
        for i in range(n):
            kind = i % 10
            if kind == 0:
                kinds.append(("term_very_common", {"q": band(0, 10)}))
            elif kind == 1:
                kinds.append(("term_common", {"q": band(10, 150)}))
            elif kind == 2:
                kinds.append(("term_mid", {"q": band(150, 1000)}))
            elif kind == 3:
                kinds.append(("term_rare", {"q": band(1000, len(vocab))}))
            elif kind == 4:
                kinds.append(("two_terms", {"q": f"{band(10, 600)} {band(100, 2000)}"}))
            elif kind == 5:
                words = phrase_source.body().rstrip(".").lower().replace(".", "").split()
                start = rng.randrange(len(words) - 1)
                kinds.append(("phrase", {"q": f'"{words[start]} {words[start + 1]}"'}))
            elif kind == 6:
                kinds.append(("term_unit", {"q": band(0, 300), "unit_id": rng.choice(units)}))
            elif kind == 7:
                kinds.append(("term_year", {"q": band(0, 1500), "tahun": rng.randint(2019, 2026)}))
            elif kind == 8 and numbers:
                parts = rng.choice(numbers).split("/")
                fragment = "/".join(parts[1:3]) if len(parts) >= 3 else parts[0]
                kinds.append(("number_fragment", {"q": fragment}))
            else:
                kinds.append(("term_date_sorted", {"q": band(0, 2000), "sort": "terbaru"}))
        return kinds

    def handle(self, *args, queries, user, seed, synth_seed, **options):
        self.synth_seed = synth_seed
        account = Pegawai.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r} (run seed_demo first).")
        records = ArsipRecord.objects.count()
        if not records:
            raise CommandError("No archive records: run arsip_synth first.")
        rng = random.Random(seed)
        mix = self._mix(rng, queries, account)
        for _, params in mix[:10]:  # warm-up: caches, connection, planner statistics
            arsip_search(user=account, params=ArsipSearchParams(**params))
        samples: list[float] = []
        sql_samples: list[float] = []
        by_kind: dict[str, list[float]] = {}
        sql_by_kind: dict[str, list[float]] = {}
        slowest = (0.0, "")
        for kind, params in mix:
            timed = timed_search(account, ArsipSearchParams(**params))
            samples.append(timed.ms)
            sql_samples.append(timed.sql_ms)
            by_kind.setdefault(kind, []).append(timed.ms)
            sql_by_kind.setdefault(kind, []).append(timed.sql_ms)
            if timed.ms > slowest[0]:
                slowest = (timed.ms, f"{kind} {params} -> {timed.result.total}")
        for kind, values in sorted(by_kind.items()):
            sql = sql_by_kind[kind]
            self.stdout.write(
                f"{kind:18} n={len(values):4d} p50={statistics.median(values):7.1f} ms "
                f"p95={percentile(values, 95):7.1f} ms max={max(values):7.1f} ms | "
                f"SQL p50={statistics.median(sql):6.1f} p95={percentile(sql, 95):6.1f} ms"
            )
        self.stdout.write(f"slowest: {slowest[0]:.1f} ms {slowest[1]}")
        summary = {
            "engine": connection.vendor,
            "records": records,
            "queries": len(samples),
            "user": user,
            "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 95), 2),
            "max_ms": round(max(samples), 2),
            "sql_p50_ms": round(statistics.median(sql_samples), 2),
            "sql_p95_ms": round(percentile(sql_samples, 95), 2),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
        self.stdout.write(json.dumps(summary))

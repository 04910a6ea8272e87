"""Run your own mix of archive queries through the search service and time them.

    python manage.py bench_search_file QUERY_FILE --user stafsma [--repeat 3] [--warmup 5]

QUERY_FILE holds one query per line, exactly as a user types it into the search box
(words, "quoted phrases", letter-number fragments, unit codes, years, typos); blank lines
and lines starting with `#` are skipped. `-` reads standard input. Every query runs
through `arsip.search.query.arsip_search` (the service the search page calls) as a
fresh copy of the user, `--repeat` times; the first `--warmup` queries are run once
beforehand and not counted. One line per query: median wall time, the database's share,
statements, the total as the page shows it (`~N` about, `>N` more than), the query, and
any "did you mean" suggestions.
The LAST line is a JSON object: engine, records, user, queries, runs, p50_ms, p95_ms,
max_ms (over every run), sql_p50_ms, sql_p95_ms, max_statements, loadavg_1m and the
slowest query. `benchmarks/queries/archivist.txt` is a sample mix (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
import statistics
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from arsip.models import ArsipRecord
from arsip.search.bench import percentile, timed_search, total_label
from arsip.search.query import ArsipSearchParams
from core.models import Pegawai


def read_queries(lines) -> list[str]:
    """The queries of a query file: one a line, blank lines and `#` comments skipped."""
    out = []
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            out.append(text)
    return out


class Command(BaseCommand):
    help = "Time the archive search on the queries of a file, one per line (last line: JSON)."

    def add_arguments(self, parser):
        parser.add_argument("query_file", help="one query per line; '-' for standard input")
        parser.add_argument("--user", default="kadiskominfo", help="username to search as")
        parser.add_argument("--repeat", type=int, default=1, help="runs of each query")
        parser.add_argument("--warmup", type=int, default=5, help="queries run once first")

    def handle(self, *args, query_file, user, repeat, warmup, **options):
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat must be at least 1 and --warmup not negative.")
        try:
            if query_file == "-":
                queries = read_queries(sys.stdin)
            else:
                with open(query_file, encoding="utf-8") as handle:
                    queries = read_queries(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {query_file}: {exc}") from exc
        if not queries:
            raise CommandError(f"No queries in {query_file}.")
        account = Pegawai.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        for text in queries[:warmup]:  # caches, connection, planner statistics
            timed_search(account, ArsipSearchParams(q=text))
        runs: list[float] = []
        sql_runs: list[float] = []
        max_statements = 0
        slowest = (0.0, "")
        for text in queries:
            times, sql_times = [], []
            for _ in range(repeat):
                timed = timed_search(account, ArsipSearchParams(q=text))
                times.append(timed.ms)
                sql_times.append(timed.sql_ms)
                max_statements = max(max_statements, timed.statements)
                if timed.ms > slowest[0]:
                    slowest = (timed.ms, text)
            runs += times
            sql_runs += sql_times
            suggestions = timed.result.suggestions
            self.stdout.write(
                f"{statistics.median(times):8.1f} ms  SQL {statistics.median(sql_times):7.1f} ms"
                f"  {timed.statements:3d} stmts  {total_label(timed.result):>8}  {text}"
                + (f"  (did you mean: {' | '.join(suggestions)})" if suggestions else "")
            )
        summary = {
            "engine": connection.vendor,
            "records": ArsipRecord.objects.count(),
            "user": user,
            "queries": len(queries),
            "runs": len(runs),
            "p50_ms": round(statistics.median(runs), 2),
            "p95_ms": round(percentile(runs, 95), 2),
            "max_ms": round(max(runs), 2),
            "sql_p50_ms": round(statistics.median(sql_runs), 2),
            "sql_p95_ms": round(percentile(sql_runs, 95), 2),
            "max_statements": max_statements,
            "slowest": slowest[1],
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

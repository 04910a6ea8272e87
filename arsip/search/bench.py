"""Timing archive searches for the benchmark commands (`bench_search`,
`bench_search_file`): both run `arsip_search`, the page's own service, and measure it
the same way."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, reset_queries

from arsip.search.query import ArsipSearchParams, ArsipSearchResult, arsip_search
from core.models import Pegawai


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (`pct` in 0-100) of a non-empty list."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Timed:
    ms: float  # wall time of the whole service call
    sql_ms: float  # time the database spent in the service's statements
    statements: int
    result: ArsipSearchResult


def timed_search(user: Pegawai, params: ArsipSearchParams) -> Timed:
    """One search as a fresh copy of `user` (no per-user caches carried between
    searches), with its statements recorded for their own times."""
    fresh = Pegawai.objects.get(pk=user.pk)
    previous = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        reset_queries()
        start = time.perf_counter()
        result = arsip_search(user=fresh, params=params)
        ms = (time.perf_counter() - start) * 1000
        statements = list(connection.queries)
    finally:
        connection.force_debug_cursor = previous
    sql_ms = sum(float(q["time"]) for q in statements) * 1000
    return Timed(ms, sql_ms, len(statements), result)


def total_label(result: ArsipSearchResult) -> str:
    """The total as the page words it: exact, "about N" or "more than N"."""
    if result.total_estimated:
        return f"~{result.total}"
    if result.total_capped:
        return f">{result.total}"
    return str(result.total)

"""Archive search: synthetic records, then the realistic query mix through the same
search service the UI uses (see docs/archive.md for the 100k/1M figures).

Size with ARSIP_BENCH_COUNT (default 20,000 so `make bench` stays short); the 1M run is
`manage.py arsip_synth --count 1000000` + `manage.py bench_search` on its own database.
"""

from __future__ import annotations

import os

from django.core.management import call_command

from core.demo import demo_seed


def main() -> None:
    count = int(os.environ.get("ARSIP_BENCH_COUNT", "20000"))
    queries = int(os.environ.get("ARSIP_BENCH_QUERIES", "200"))
    demo_seed(password="bench-only-password")
    call_command("arsip_synth", count=count, batch=10_000)
    call_command("bench_search", queries=queries)

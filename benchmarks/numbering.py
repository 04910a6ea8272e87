"""Numbering load test for the configured database (DATABASE_URL, else the SQLite file).

    python -m benchmarks.numbering [--processes 8] [--count 500]

Migrates the database, then runs `manage.py bench_numbering`: PROCESSES separate OS
processes each commit COUNT numbers from one fresh book (about 10% of transactions are
rolled back after allocating), and the ledger is checked for duplicates and gaps. The
last line printed is the JSON result; the exit status is 1 if the ledger is not perfect.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args(argv)

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    out = io.StringIO()
    call_command("bench_numbering", processes=args.processes, count=args.count, stdout=out)
    text = out.getvalue()
    sys.stdout.write(text)
    result = json.loads(text.strip().splitlines()[-1])
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark module in benchmarks/ (or those named on the command line).

Uses a throw-away SQLite database in a temporary DATA_DIR, or BENCH_DATABASE_URL when
given (e.g. postgres://postgres@127.0.0.1:5432/bench) — never the app's own database.
"""

from __future__ import annotations

import importlib
import inspect
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    tmp = tempfile.mkdtemp(prefix="naskah-bench-")
    os.environ["DATA_DIR"] = tmp
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {engine} {db['NAME']}"
    )
    names = argv or sorted(
        p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_")
    )
    failed = 0
    for name in names:
        print(f"\n## {name}")
        start = time.perf_counter()
        try:
            entry = importlib.import_module(f"benchmarks.{name}").main
            # Modules with their own options take an argv list; run them with defaults.
            entry([]) if inspect.signature(entry).parameters else entry()
        except Exception as exc:  # noqa: BLE001 - report and go on with the next benchmark
            failed += 1
            print(f"FAILED: {exc!r}")
        print(f"({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

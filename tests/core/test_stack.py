"""scripts/stack.py: N gunicorn web processes and M django-q2 clusters against PostgreSQL.
Starting the stack needs a migrated database outside the test's transaction, so here only
its guard is tested; `scripts/stack.py --check` is the smoke test (docs/deployment.md)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_stack_refuses_sqlite(monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import stack
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")
    assert stack.main(["--check"]) == 2

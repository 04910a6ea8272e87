"""scripts/stack.py: N gunicorn web processes and M django-q2 clusters against PostgreSQL.
Starting the stack needs a migrated database outside the test's transaction, so here only
its guard is tested; `scripts/stack.py --check` is the smoke test (docs/deployment.md)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_the_stack_refuses_sqlite(monkeypatch):
    stack = _script("stack")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")
    assert stack.main(["--check"]) == 2


def test_the_stack_starts_a_cluster_of_each_queue():
    stack = _script("stack")
    args = stack.parse_args(["--workers", "2", "--slow", "3", "--mail", "1"])
    assert stack.cluster_counts(args, {}) == {"naskah": 2, "lambat": 3, "surel": 1}
    # An empty name puts that work in the main queue; the old shared layout has two.
    assert stack.cluster_counts(args, {"Q_MAIL_CLUSTER": ""}) == {"naskah": 2, "lambat": 3}
    assert stack.cluster_counts(args, {"Q_MAIL_CLUSTER": "lambat"}) == {"naskah": 2, "lambat": 3}


def test_make_run_starts_a_cluster_of_each_queue():
    run_dev = _script("run_dev")
    assert run_dev.cluster_envs({}) == [
        {},
        {"Q_CLUSTER_NAME": "lambat"},
        {"Q_CLUSTER_NAME": "surel"},
    ]
    assert run_dev.cluster_envs({"Q_SLOW_CLUSTER": "", "Q_MAIL_CLUSTER": ""}) == [{}]

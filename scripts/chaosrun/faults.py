"""Faults: killed web processes and worker clusters, terminated database connections."""

from __future__ import annotations

import os
import random
import signal
import threading
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

from chaosrun.config import STACK_APP
from chaosrun.stack import Stack

# --- Faults ------------------------------------------------------------------------------------


def faults(args, stack: Stack, stop: threading.Event, stats: Counter, database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres", query=""))
    while not stop.wait(random.uniform(0.5, 1.5) * args.kill_every):
        kind = random.choice(["web", "worker", "database"])
        try:
            if kind == "web":
                pid = random.choice(stack.pids("web"))
                os.killpg(pid, signal.SIGKILL)
                stats["killed_web"] += 1
            elif kind == "worker":
                pid = random.choice(stack.pids("qcluster"))
                os.killpg(pid, signal.SIGKILL)
                stats["killed_worker"] += 1
            else:
                with psycopg.connect(admin, autocommit=True) as conn:
                    rows = conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid() "
                        "AND application_name = %s",
                        (name, STACK_APP),
                    ).fetchall()
                stats["terminated_connections"] += len(rows)
                stats["terminations"] += 1
        except (ProcessLookupError, IndexError, psycopg.Error):
            stats["faults_missed"] += 1

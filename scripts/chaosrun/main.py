"""main(): setup, stack, load and faults, drain, checks; one JSON object on standard output."""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from chaosrun.checks import LOSS_COLUMNS, checks
from chaosrun.config import ROOT, STACK_APP, parse_args
from chaosrun.drain import drain
from chaosrun.faults import faults
from chaosrun.load import Load
from chaosrun.setup import _fresh_database, _with_app_name, become_driver
from chaosrun.stack import Stack


def _until_signed(count: int, limit: float) -> float:
    """Wait, under load and faults, until `count` letters are signed or `limit` seconds
    pass; returns the seconds waited."""
    from naskah.models import NaskahTTE

    started = time.monotonic()
    while (
        time.monotonic() - started < limit
        and NaskahTTE.objects.filter(selesai=True).count() < count
    ):
        time.sleep(1)
    return time.monotonic() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database (the chaos run is PostgreSQL only).")
        return 2
    seed = args.seed if args.seed is not None else int(time.time())
    random.seed(seed)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DEBUG": ""}
    env.setdefault("DATA_DIR", str(ROOT / "data" / "chaos"))
    env["NASKAH_TTE_BATCH_LEASE_SECONDS"] = env.get("NASKAH_TTE_BATCH_LEASE_SECONDS", "10")
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    # A task running in a killed worker keeps its queue lease until Q_RETRY, then is handed
    # out again (core/services/attempts.py): short here, so the drain sees it finish.
    env["Q_TIMEOUT"] = str(args.task_timeout)
    env["Q_RETRY"] = str(args.task_timeout + 15)
    env["Q_MAIL_TIMEOUT"] = str(args.task_timeout)
    env["Q_MAIL_RETRY"] = str(args.task_timeout + 15)
    env.pop("Q_SYNC", None)
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    Path(env["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    env["DATABASE_URL"] = _with_app_name(database_url, STACK_APP)
    s3 = None
    if args.s3:
        sys.path.insert(0, str(ROOT))
        try:
            from scripts.s3_local import LocalS3
        except ImportError:
            print("--s3 needs scripts/s3_local.py and moto[server] (object storage).")
            return 2
        s3 = LocalS3(bucket="naskah-chaos").start()  # in this process, for the whole run
        env.update(s3.env())
    if args.fresh:
        _fresh_database(database_url, env)
    become_driver(database_url, env)

    stats: Counter = Counter()
    started = time.monotonic()
    stack = Stack(args, env)
    load = None
    try:
        stack.wait_ready()
        load = Load(args, stack, stats)
        clients = [threading.Thread(target=load.client, daemon=True) for _ in range(args.clients)]
        fault_stop = threading.Event()
        fault_thread = threading.Thread(
            target=faults, args=(args, stack, fault_stop, stats, database_url), daemon=True
        )
        for thread in clients:
            thread.start()
        if not args.no_kill:
            fault_thread.start()
        time.sleep(args.duration)
        stats["extra_load_s"] = round(_until_signed(args.min_signed, args.max_extra), 1)
        fault_stop.set()
        load.stop.set()
        for thread in clients:
            thread.join(timeout=120)
        if fault_thread.is_alive():
            fault_thread.join(timeout=30)
        stack.wait_ready()
        # The ready letters not signed yet stay "ready for signature": not a loss.
        open_work = drain(load, args.drain, stats)
    finally:
        stack.stop()
    from django.db import connections

    connections.close_all()
    result = {
        "seed": seed,
        "duration_s": args.duration,
        "web": args.web,
        "workers": args.workers,
        "slow": args.slow,
        "mail": args.mail,
        "ocr": not args.no_ocr,
        "load_average": list(os.getloadavg()),
        "elapsed_s": round(time.monotonic() - started, 1),
        "restarts": stack.restarts,
        "operations": dict(sorted(stats.items())),
        "open_work_after_drain": open_work,
        "errors": load.errors if load else [],
        **checks(),
    }
    columns = LOSS_COLUMNS + (["tasks_unfinished"] if args.require_drained else [])
    result["storage"] = "s3" if s3 is not None else "local"
    result["losses"] = {k: result[k] for k in columns if result[k]}
    result["ok"] = not result["losses"] and result["audit_chain_valid"]
    print(json.dumps(result, indent=2, default=str))
    if s3 is not None:
        s3.stop()
    return 0 if result["ok"] else 1

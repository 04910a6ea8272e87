"""The batch killed with its web process (issue 19 item 3, "Checked by"), on the real stack.

One gunicorn web process (scripts/stack.py --restart) and a worker cluster on a fresh
PostgreSQL database: the signer, signed in over HTTP as a person is, posts a batch of
--letters letters; once --kill-after of them are signed, the web process that runs the
batch (and holds the unlocked key) is SIGKILLed with its process group. Then, read from
the database: every letter signed once (one signing record, one sealed document, one
number) or not at all, none half-signed. After the run's lease the batch page shows the
batch interrupted with a continue form; the signer continues with the passphrase and every
letter ends signed exactly once. One JSON object on standard output; exit status 1 when a
letter is signed twice, half-signed, or not signed after the continue.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from collections import Counter
from types import SimpleNamespace

from chaosrun.config import ROOT, SIGNER
from chaosrun.setup import _fresh_database, become_driver
from chaosrun.stack import Stack

LEASE_SECONDS = 10


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=12)
    parser.add_argument("--kill-after", type=int, default=3, help="signed letters before the kill")
    parser.add_argument("--port", type=int, default=8360, help="web port (loopback)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for each wait")
    return parser.parse_args(argv)


def _letters_state(batch, ids: list[int]) -> dict[int, dict]:
    from naskah.models import BatchTTEItem, DokumenTersegel, Naskah, NaskahTTE
    from penomoran.models import Nomor

    rows = {}
    for pk in ids:
        rows[pk] = {
            "item": BatchTTEItem.objects.get(batch=batch, naskah_id=pk).status,
            "records": NaskahTTE.objects.filter(naskah_id=pk).count(),
            "sealed": DokumenTersegel.objects.filter(tte__naskah_id=pk).count(),
            "numbers": Nomor.objects.filter(
                object_type="naskah.naskah", object_id=str(pk), status="digunakan"
            ).count(),
            "signed": Naskah.objects.get(pk=pk).status == Naskah.Status.DITANDATANGANI,
        }
    return rows


def _summary(rows: dict[int, dict]) -> dict:
    once = [r["records"] == r["sealed"] == r["numbers"] == 1 and r["signed"] for r in rows.values()]
    never = [
        r["records"] == r["sealed"] == r["numbers"] == 0 and not r["signed"] for r in rows.values()
    ]
    return {
        "items": dict(Counter(r["item"] for r in rows.values())),
        "signed_once": sum(once),
        "not_signed": sum(never),
        "signed_twice": sum(
            max(r["records"], r["sealed"], r["numbers"]) > 1 for r in rows.values()
        ),
        "half_signed": sum(not (a or b) for a, b in zip(once, never, strict=True)),
        "item_disagrees": sum((r["item"] == "berhasil") != r["signed"] for r in rows.values()),
    }


def _wait(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def main(argv=None) -> int:
    args = _parse(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database (it is dropped and created again).")
        return 2
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DEBUG": ""}
    env.setdefault("DATA_DIR", str(ROOT / "data" / "batch-kill"))
    env["NASKAH_TTE_BATCH_LEASE_SECONDS"] = str(LEASE_SECONDS)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env.pop("Q_SYNC", None)
    os.makedirs(env["DATA_DIR"], exist_ok=True)
    _fresh_database(database_url, env)
    become_driver(database_url, env)
    from chaosrun.load import Load
    from naskah.demo import demo_passphrase
    from naskah.models import BatchTTE, BatchTTEItem

    stack_args = SimpleNamespace(web=1, workers=1, slow=0, mail=1, port=args.port)
    load_args = SimpleNamespace(no_ocr=True, clients=1)
    stats: Counter = Counter()
    stack = Stack(stack_args, env)
    result: dict = {"letters": args.letters}
    try:
        stack.wait_ready()
        load = Load(load_args, stack, stats)
        while len(load.ready) < args.letters:
            load.draft_to_signature()
        ids = load.ready[: args.letters]
        signer = load.person(SIGNER)
        last = BatchTTE.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        signer.post("/naskah/tte/batch/", {"naskah": ids, "passphrase": demo_passphrase()})
        batch = BatchTTE.objects.filter(pk__gt=last).order_by("pk").first()
        if batch is None:
            print(json.dumps({"error": "the batch was not created", **result}))
            return 1
        reached = _wait(
            lambda: (
                BatchTTEItem.objects.filter(batch=batch, status="berhasil").count()
                >= args.kill_after
            ),
            args.timeout,
        )
        [web_pid] = stack.pids("web")
        os.killpg(web_pid, signal.SIGKILL)
        result["killed_web_pid"] = web_pid
        result["kill_after_reached"] = reached
        time.sleep(1)
        result["after_kill"] = _summary(_letters_state(batch, ids))
        time.sleep(LEASE_SECONDS + 2)  # the dead run's lease passes
        stack.wait_ready()  # stack.py --restart has started a new web process
        page = signer.get(f"/naskah/tte/batch/{batch.pk}/")
        batch.refresh_from_db()
        result["page"] = {
            "batch_status": batch.status,
            "offers_continue": "btn-batch-continue" in page.text,
        }
        signer.post(f"/naskah/tte/batch/{batch.pk}/lanjut/", {"passphrase": demo_passphrase()})

        def finished() -> bool:
            batch.refresh_from_db()
            return batch.status == BatchTTE.Status.SELESAI

        result["continue_finished"] = _wait(finished, args.timeout, step=0.5)
        result["after_continue"] = _summary(_letters_state(batch, ids))
    finally:
        stack.stop()
    killed, final = result["after_kill"], result["after_continue"]
    result["ok"] = (
        killed["signed_twice"] == killed["half_signed"] == killed["item_disagrees"] == 0
        and 0 < killed["signed_once"] < args.letters
        and result["page"]["batch_status"] == BatchTTE.Status.TERHENTI
        and result["page"]["offers_continue"]
        and final["signed_once"] == args.letters
        and final["signed_twice"] == final["half_signed"] == 0
    )
    print(json.dumps(result, indent=2, default=str))
    return 0 if result["ok"] else 1

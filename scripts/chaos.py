"""Chaos run: the production stack under load while its processes and database connections
are killed, then the checks that nothing was lost or doubled (issue 19 item 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naskah_chaos \\
        python scripts/chaos.py --fresh --duration 60

On loopback only. Steps:

1. (--fresh) drop and create the database, migrate, `seed_demo` (demo people with the demo
   TOTP device, signers with the demo passphrase) and the periodic schedules (archive sync,
   storage sweep, audit checkpoints, workflow reminders, incoming-letter jobs).
2. `scripts/stack.py --restart`: --web gunicorn servers and --workers main-queue clusters
   (plus --slow clusters for OCR and --mail for e-mail) on one PostgreSQL; a process that
   dies is started again, as systemd does.
3. For --duration seconds, --clients threads drive the web processes over HTTP as the demo
   people (signed in through the sign-in form and the second factor with the demo TOTP
   code, sessions kept): drafting, submitting, paraf of every step, signing one letter or a
   batch, (dispatch and archive sync then run in the workers), registering incoming letters
   with a scan to OCR (--no-ocr: a PDF with a text layer, which needs no OCR) and archive
   searches. Meanwhile every --kill-every seconds (randomised) one of: SIGKILL of a web
   process (its whole process group), SIGKILL of a worker cluster, or
   pg_terminate_backend of the stack's database connections.
4. The load stops; the stack runs --drain more seconds without faults so that queued work
   and interrupted batches finish (interrupted batches are continued through their page,
   with the passphrase, as a person would); the stack stops.
5. Checks, printed as one JSON object on standard output: duplicate and missing numbers in
   every book, letters signed twice, deliveries doubled or missing, background work
   stranded (pending or running on its object with no queued message or retry schedule
   left to run it; work still queued after the drain is reported, and is a failure only
   with --require-drained), the audit chain, orphan files. Exit status 1 if any loss
   column is not zero.

Plans and final checks read the database through the ORM (the driver is a Django process
with the same settings); every change goes through HTTP. The storage is the configured one
(DATA_DIR/media by default); --s3 starts the local S3-compatible server of
scripts/s3_local.py (moto, loopback) and runs the stack and the checks against its bucket;
--env KEY=VALUE passes any other setting (e.g. NASKAH_S3_* of a real store) to both.
"""

import sys
from pathlib import Path

# scripts/ is on sys.path when this file runs as a script; the run lives in scripts/chaosrun/
# (config, setup, stack, person, load, faults, drain, checks, main).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaosrun.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

"""Settings of the chaos run: the demo people it drives and its command-line options."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "chaos-demo-pass-1"  # noqa: S105 - throw-away chaos database
DRIVER_APP = "naskah-chaos-driver"
# The stack's web and worker processes connect under this name; the faults terminate only
# their connections, never another client's of the same database (a test run's live server).
STACK_APP = "naskah-chaos-stack"
KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"
DRAFTERS = ["prakommuda", "stafaptika"]
SIGNER = "kadiskominfo"
AGENDARIS = "agendaris"
SEARCHES = ["permohonan", "undangan", "sertifikat elektronik", "laporan", "data layanan"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load and faults")
    parser.add_argument("--drain", type=float, default=120, help="seconds to let work finish")
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=3, help="load threads")
    parser.add_argument("--port", type=int, default=8300, help="first web port (loopback)")
    parser.add_argument("--kill-every", type=float, default=6, help="mean seconds between faults")
    parser.add_argument("--no-kill", action="store_true", help="load only, no faults")
    parser.add_argument("--no-ocr", action="store_true", help="incoming letters need no OCR")
    parser.add_argument("--fresh", action="store_true", help="drop, create, migrate and seed")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument(
        "--task-timeout",
        type=int,
        default=60,
        help="Q_TIMEOUT of the stack; a killed worker's task is handed out again 15 s after "
        "it (Q_RETRY). Keep --drain longer than both",
    )
    parser.add_argument(
        "--require-drained",
        action="store_true",
        help="count work still queued after the drain as a failure (not only stranded work)",
    )
    parser.add_argument("--slow", type=int, default=1, help="slow-queue clusters (OCR)")
    parser.add_argument("--mail", type=int, default=1, help="mail-queue clusters (e-mail)")
    parser.add_argument(
        "--s3",
        action="store_true",
        help="store files in a local S3-compatible server (scripts/s3_local.py, moto) on "
        "loopback instead of DATA_DIR/media",
    )
    parser.add_argument(
        "--min-signed",
        type=int,
        default=0,
        help="after --duration, keep the load and faults going until this many letters are "
        "signed, for at most --max-extra seconds (a loaded machine signs nothing in 20 s)",
    )
    parser.add_argument("--max-extra", type=float, default=120, help="see --min-signed")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    return parser.parse_args(argv)

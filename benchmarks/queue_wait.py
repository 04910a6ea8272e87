"""How long a notice waits behind a burst of OCR (issue 19, docs/benchmarks.md "Notice
behind OCR"): `python -m benchmarks.queue_wait --layout split|shared`.

Against DATABASE_URL (PostgreSQL; the database is DROPPED and created again): migrate, the
demo organisation, then `scripts/stack.py` with one cluster of each queue and no web
process. One warm-up letter is registered and waited for (its OCR and its arrival notice),
so every cluster is up. Then --letters incoming letters are registered with a scan that
needs OCR (each also queues its arrival notice e-mail), and right after them one notice is
created for another person. Reported: how long that notice waited from its creation until
its e-mail was sent (`Notifikasi.created_at` → `emailed_at`), how many OCR runs had
finished by then, and the load average.

`--layout shared` starts the stack with Q_MAIL_CLUSTER=lambat: e-mail in the slow queue
with OCR, as before the mail queue; `split` is the default layout (its own cluster).
Not part of `make bench` (it needs PostgreSQL and runs minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _fresh_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", choices=["split", "shared"], default="split")
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900, help="longest wait, seconds")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database (it is dropped and created).")
        return 2
    _fresh_database(url)
    os.environ.setdefault("DATA_DIR", str(ROOT / "data" / "queue-wait"))
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ.pop("Q_SYNC", None)
    if args.layout == "shared":
        os.environ["Q_MAIL_CLUSTER"] = os.environ.get("Q_SLOW_CLUSTER", "lambat")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.demo import demo_seed
    from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja
    from naskah.masuk.demo import demo_scan, grant_register_permission
    from naskah.masuk.models import SuratMasuk
    from naskah.masuk.services import DataSurat, suratmasuk_register
    from workflows.models import Notifikasi
    from workflows.services import notifikasi_create

    demo_seed(password=secrets.token_urlsafe(16))
    grant_register_permission()
    agendaris = Pegawai.objects.get(username="agendaris")
    unit = UnitKerja.objects.get(kode="BIRO-UMUM")
    kode = KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True)
    head = Jabatan.objects.get(nama="Kepala Biro Umum")
    from django.utils import timezone

    scan = demo_scan(timezone.localdate())

    def register(n: int) -> SuratMasuk:
        return suratmasuk_register(
            actor=agendaris,
            unit=unit,
            data=DataSurat(
                pengirim="Dinas Penanaman Modal",
                hal=f"Undangan rapat koordinasi {n}",
                tanggal_diterima=timezone.localdate(),
                urgensi="segera",
                klasifikasi_keamanan="biasa",
                kode_klasifikasi=kode,
                jabatan_tujuan=head,
                nomor_surat=f"B-{n}/DPM/ANTREAN/2026",
                tanggal_surat=timezone.localdate(),
                jumlah_lampiran=0,
            ),
            files=[("pindaian.png", scan)],
        )

    def ocr_done() -> int:
        return SuratMasuk.objects.filter(ocr_status="selesai").count()

    def sent(notice_id: int) -> bool:
        return Notifikasi.objects.filter(pk=notice_id, emailed_at__isnull=False).exists()

    stack = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "scripts/stack.py", "--web", "0", "--workers", "1", "--slow", "1"]
        + ["--mail", "1", "--stop-timeout", "3"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        register(0)
        warm_notice = Notifikasi.objects.filter(kind="masuk_baru").latest("pk")
        warmup = _wait(lambda: ocr_done() == 1 and sent(warm_notice.pk), args.timeout, "warm-up")
        for n in range(1, args.letters + 1):
            register(n)
        notice = notifikasi_create(
            recipient=Pegawai.objects.get(username="kabagtu"),
            kind="bench",
            text="Pemberitahuan uji antrean",
        )
        waited = _wait(lambda: sent(notice.pk), args.timeout, "the notice")
        notice.refresh_from_db()
        result = {
            "layout": args.layout,
            "mail_queue": settings.Q_MAIL_CLUSTER,
            "ocr_queue": settings.Q_SLOW_CLUSTER,
            "letters": args.letters,
            "notice_wait_s": round((notice.emailed_at - notice.created_at).total_seconds(), 1),
            "notice_wait_polled_s": round(waited, 1),
            "ocr_finished_when_sent": ocr_done() - 1,
            "warmup_s": round(warmup, 1),  # one letter's OCR and notice, clusters starting
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        stack.terminate()
        stack.wait(timeout=30)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

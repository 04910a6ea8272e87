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

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "chaos-demo-pass-1"  # noqa: S105 - throw-away chaos database
DRIVER_APP = "naskah-chaos-driver"
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
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    return parser.parse_args(argv)


# --- Setup -------------------------------------------------------------------------------------


def _with_app_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=f"{query}application_name={name}"))


def _fresh_database(url: str, env: dict) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _seed() -> None:
    """What the load needs, idempotent: the demo people (with the demo TOTP device), the
    delegations, the registration officer, the signer's certificate with the demo
    passphrase, the agendaris' permission and the periodic schedules. (`seed_demo` would also
    sign demo letters and OCR demo scans in this process: not needed, and slow.)"""
    from django.core.management import call_command

    from core.demo import demo_seed
    from core.models import Pegawai
    from naskah.demo import demo_passphrase, demo_seed_pelimpahan, signer_ready
    from naskah.masuk.demo import grant_register_permission
    from signing.demo import demo_officer

    demo_seed(password=PASSWORD)
    demo_seed_pelimpahan()
    demo_officer()
    grant_register_permission()
    if not signer_ready(Pegawai.objects.get(username=SIGNER), demo_passphrase()):
        raise RuntimeError(f"{SIGNER} has no signing certificate")
    for command, *flags in (
        ["workflows_setup_schedules"],
        ["masuk_setup_schedules"],
        ["arsip_sync", "--schedule"],
        ["storage_sweep", "--schedule"],
        ["audit_checkpoint", "--schedule"],
    ):
        call_command(command, *flags, stdout=io.StringIO())


# --- The stack ---------------------------------------------------------------------------------


class Stack:
    """scripts/stack.py --restart as a child; its JSON lines keep the current pids."""

    def __init__(self, args, env: dict):
        self.lock = threading.Lock()
        self.processes: dict[str, dict] = {}
        self.restarts = 0
        command = [
            sys.executable,
            "scripts/stack.py",
            "--web",
            str(args.web),
            "--workers",
            str(args.workers),
            "--slow",
            str(args.slow),
            "--mail",
            str(args.mail),
            "--port",
            str(args.port),
            "--restart",
            "--stop-timeout",
            "10",
        ]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=open(Path(env["DATA_DIR"]) / "chaos-stack.log", "ab"),  # noqa: SIM115
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.ports = [args.port + i for i in range(args.web)]

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                info = json.loads(line)
            except ValueError:
                continue
            if "role" not in info:
                continue
            key = f"web:{info['port']}" if info["role"] == "web" else None
            with self.lock:
                if key is None:  # clusters: keyed by their slot in the order printed
                    key = next(
                        (k for k, v in self.processes.items() if v.get("pid") == info.get("died")),
                        f"q:{info['cluster']}:{sum(k.startswith('q:') for k in self.processes)}",
                    )
                self.processes[key] = info
                self.restarts += bool(info.get("restarted"))

    def pids(self, role: str, cluster: str | None = None) -> list[int]:
        with self.lock:
            return [
                v["pid"]
                for v in self.processes.values()
                if v["role"] == role and (cluster is None or v.get("cluster") == cluster)
            ]

    def wait_ready(self, timeout: float = 120) -> None:
        import requests

        deadline = time.monotonic() + timeout
        for port in self.ports:
            while time.monotonic() < deadline:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                        break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"web process on port {port} did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- HTTP as the demo people -------------------------------------------------------------------


class Person:
    """One signed-in session of a demo person, on whichever web process answers."""

    def __init__(self, username: str, ports: list[int], stats: Counter):
        import requests

        self.username, self.ports, self.stats = username, ports, stats
        self.http = requests.Session()
        self.lock = threading.Lock()
        self.signed_in = False

    def _csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def request(self, method: str, path: str, **kwargs):
        """One request, tried on each web process in turn while they are being killed."""
        import requests

        ports = random.sample(self.ports, len(self.ports))
        last = None
        for attempt in range(6):
            base = f"http://127.0.0.1:{ports[attempt % len(ports)]}"
            headers = kwargs.pop("headers", {}) or {}
            if method == "POST":
                headers.update({"X-CSRFToken": self._csrf(), "Referer": base + path})
                kwargs.setdefault("data", {})
                if isinstance(kwargs["data"], dict):
                    kwargs["data"] = {**kwargs["data"], "csrfmiddlewaretoken": self._csrf()}
            try:
                response = self.http.request(
                    method,
                    base + path,
                    headers=headers,
                    timeout=60,
                    allow_redirects=False,
                    **kwargs,
                )
            except requests.RequestException as error:  # the process was killed under us
                self.stats["http_connection_errors"] += 1
                last = error
                time.sleep(0.3 * (attempt + 1))
                continue
            if response.status_code in (502, 503):
                self.stats["http_5xx"] += 1
                time.sleep(0.3 * (attempt + 1))
                continue
            if response.status_code >= 500:
                self.stats["http_500"] += 1
            return response
        raise RuntimeError(f"{method} {path}: no web process answered ({last})")

    def ensure(self) -> None:
        with self.lock:
            if self.signed_in:
                return
            self.request("GET", "/masuk/")
            response = self.request(
                "POST", "/masuk/", data={"username": self.username, "password": PASSWORD}
            )
            if response.status_code != 302:
                raise RuntimeError(f"sign-in of {self.username} refused ({response.status_code})")
            # The second factor is asked on the next page (SecondFactorMiddleware).
            probe = self.request("GET", "/naskah/")
            if "/masuk/faktor-kedua/" in probe.headers.get("Location", ""):
                self._second_factor()
            self.signed_in = True
            self.stats["signed_in"] += 1

    def _second_factor(self) -> None:
        now = time.time()
        from core.demo import DEMO_RECOVERY_CODES

        for code in [_totp(now), _totp(now + 30), *DEMO_RECOVERY_CODES]:
            response = self.request("POST", "/masuk/faktor-kedua/", data={"token": code})
            if response.status_code == 302 and "faktor-kedua" not in response.headers.get(
                "Location", ""
            ):
                return
            time.sleep(1.2)
        raise RuntimeError(f"second factor of {self.username} refused")

    def _signed_out(self, response) -> bool:
        """Sent to the sign-in or second-factor page: the session is gone (or half-done
        after a fault); sign in again."""
        if response.status_code == 302 and "/masuk/" in response.headers.get("Location", ""):
            with self.lock:
                self.signed_in = False
            self.stats["sessions_renewed"] += 1
            return True
        return False

    def get(self, path: str, **kwargs):
        self.ensure()
        response = self.request("GET", path, **kwargs)
        if self._signed_out(response):
            self.ensure()
            response = self.request("GET", path, **kwargs)
        return response

    def post(self, path: str, data=None, **kwargs):
        self.ensure()
        response = self.request("POST", path, data=dict(data or {}), **kwargs)
        if self._signed_out(response):
            self.ensure()
            response = self.request("POST", path, data=dict(data or {}), **kwargs)
        return response


def _totp(at: float) -> str:
    from django_otp.oath import TOTP

    from core.demo import demo_totp_key_hex

    totp = TOTP(bytes.fromhex(demo_totp_key_hex()))
    totp.time = at
    return f"{totp.token():06d}"


# --- The load ----------------------------------------------------------------------------------


class Load:
    def __init__(self, args, stack: Stack, stats: Counter):
        self.args, self.stack, self.stats = args, stack, stats
        self.people: dict[str, Person] = {}
        self.people_lock = threading.Lock()
        self.ready_lock = threading.Lock()
        self.ready: list[int] = []  # letters waiting for the signature, for a batch
        self.batches: list[int] = []
        self.stop = threading.Event()
        self.errors: list[str] = []

    def person(self, username: str) -> Person:
        with self.people_lock:
            if username not in self.people:
                self.people[username] = Person(username, self.stack.ports, self.stats)
            return self.people[username]

    # Scenarios ----------------------------------------------------------------------------

    def draft_to_signature(self) -> None:
        from core.models import Jabatan

        drafter = self.person(random.choice(DRAFTERS))
        signer = Jabatan.objects.get(nama=KADIS)
        n = self.stats["drafts_posted"] + 1
        response = drafter.post(
            "/naskah/baru/surat_dinas/",
            {
                "penandatangan": signer.pk,
                "mandat": "",
                "hal": f"Permohonan data layanan aplikasi uji kekacauan {n}",
                "urgensi": "biasa",
                "klasifikasi_keamanan": "biasa",
                "kode_klasifikasi": "000.1.2.3",
                "tempat": "",
                "body": "Dengan hormat, bersama ini kami sampaikan permohonan data.\n\n"
                "Demikian atas perhatiannya kami ucapkan terima kasih.",
                "penerima": [
                    json.dumps({"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}),
                    json.dumps({"jenis": "tembusan", "jabatan_id": _jabatan_pk(KADIS_SEKDA)}),
                ],
            },
        )
        self.stats["drafts_posted"] += 1
        match = re.search(r"/naskah/(\d+)/", response.headers.get("Location", ""))
        if response.status_code != 302 or not match:
            self.stats["drafts_refused"] += 1
            return
        pk = int(match.group(1))
        self.stats["drafts_created"] += 1
        drafter.post(f"/naskah/{pk}/ajukan/", {"revisi": 1})
        self.paraf_all(pk)

    def paraf_all(self, pk: int) -> None:
        from naskah.models import Naskah
        from naskah.services.pengajuan import naskah_route_open
        from workflows.models import StepKind, StepState

        for _round in range(12):
            if self.stop.is_set():
                return
            naskah = Naskah.objects.get(pk=pk)
            if naskah.status == Naskah.Status.SIAP_TANDATANGAN:
                with self.ready_lock:
                    self.ready.append(pk)
                return
            if naskah.status != Naskah.Status.DIAJUKAN:
                return
            route = naskah_route_open(naskah)
            state = (
                StepState.objects.filter(route=route, status="active")
                .exclude(step__kind=StepKind.TANDATANGAN)
                .select_related("assignee")
                .order_by("pk")
                .first()
            )
            if state is None:
                return
            prefix = f"s{state.pk}"
            self.person(state.assignee.username).post(
                f"/naskah/{pk}/alur/aksi/",
                {
                    "prefix": prefix,
                    f"{prefix}-action": "paraf",
                    f"{prefix}-step_state": state.pk,
                    f"{prefix}-revisi": naskah.revisi_terakhir,
                    f"{prefix}-version": route.version,
                    f"{prefix}-note": "",
                    f"{prefix}-to_step": "",
                },
            )
            self.stats["paraf_posted"] += 1

    def sign_one(self) -> None:
        with self.ready_lock:
            if not self.ready:
                return
            pk = self.ready.pop(0)
        from naskah.demo import demo_passphrase

        self.person(SIGNER).post(f"/naskah/{pk}/tte/", {"passphrase": demo_passphrase()})
        self.stats["single_signs_posted"] += 1

    def sign_batch(self) -> None:
        with self.ready_lock:
            if len(self.ready) < 3:
                return
            ids, self.ready = self.ready[:10], self.ready[10:]
        from naskah.demo import demo_passphrase

        response = self.person(SIGNER).post(
            "/naskah/tte/batch/", {"naskah": ids, "passphrase": demo_passphrase()}
        )
        match = re.search(r"/tte/batch/(\d+)/", response.headers.get("Location", ""))
        self.stats["batches_posted"] += 1
        if match:
            self.batches.append(int(match.group(1)))

    def register_incoming(self) -> None:
        from django.utils import timezone

        from core.models import Jabatan, UnitKerja

        n = self.stats["incoming_posted"] + 1
        if self.args.no_ocr:
            upload = ("surat.pdf", _text_pdf(n), "application/pdf")
        else:
            from naskah.masuk.demo import demo_scan

            upload = ("pindaian.png", demo_scan(timezone.localdate()), "image/png")
        self.person(AGENDARIS).post(
            "/surat-masuk/surat/baru/",
            {
                "unit": UnitKerja.objects.get(kode="BIRO-UMUM").pk,
                "pengirim": "Badan Siber dan Sandi Negara",
                "nomor_surat": f"B-{n}/BSSN/CHAOS/{random.randrange(10**6)}",
                "tanggal_surat": "",
                "tanggal_diterima": timezone.localdate().isoformat(),
                "hal": f"Sosialisasi Sertifikat Elektronik {n}",
                "urgensi": "segera",
                "klasifikasi_keamanan": "biasa",
                "kode_klasifikasi": "000.1.2.3",
                "jumlah_lampiran": "0",
                "jabatan_tujuan": Jabatan.objects.get(nama="Kepala Biro Umum").pk,
            },
            files={"berkas": upload},
        )
        self.stats["incoming_posted"] += 1

    def search(self) -> None:
        self.person(SIGNER).get("/arsip/", params={"q": random.choice(SEARCHES)})
        self.stats["searches"] += 1

    def client(self) -> None:
        from django.db import close_old_connections

        scenarios = [
            (self.draft_to_signature, 4),
            (self.sign_one, 2),
            (self.sign_batch, 1),
            (self.register_incoming, 1),
            (self.search, 1),
        ]
        funcs, weights = zip(*scenarios, strict=True)
        while not self.stop.is_set():
            func = random.choices(funcs, weights)[0]
            try:
                func()
            except Exception as error:  # noqa: BLE001 - a fault may break one operation
                self.stats[f"op_errors_{func.__name__}"] += 1
                if len(self.errors) < 20:
                    self.errors.append(f"{func.__name__}: {error!r}")
                    traceback.print_exc(file=sys.stderr)
            finally:
                close_old_connections()


KADIS_SEKDA = "Sekretaris Daerah Provinsi Lampung"
_jabatan_cache: dict[str, int] = {}


def _jabatan_pk(nama: str) -> int:
    if nama not in _jabatan_cache:
        from core.models import Jabatan

        _jabatan_cache[nama] = Jabatan.objects.get(nama=nama).pk
    return _jabatan_cache[nama]


def _text_pdf(n: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    y = 760
    for line in [
        "BADAN SIBER DAN SANDI NEGARA",
        f"Nomor: B-{n}/BSSN/2026",
        "Hal: Sosialisasi Sertifikat Elektronik",
        "Dengan hormat, bersama ini kami mengundang Bapak/Ibu untuk menghadiri sosialisasi",
        "penggunaan sertifikat elektronik bagi pejabat penandatangan naskah dinas.",
    ]:
        page.drawString(72, y, line)
        y -= 20
    page.showPage()
    page.save()
    return buf.getvalue()


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
                        "AND application_name <> %s",
                        (name, DRIVER_APP),
                    ).fetchall()
                stats["terminated_connections"] += len(rows)
                stats["terminations"] += 1
        except (ProcessLookupError, IndexError, psycopg.Error):
            stats["faults_missed"] += 1


# --- Drain -------------------------------------------------------------------------------------


def _open_work() -> dict:
    # Periodic jobs (archive sync every minute, …) are always about to be queued again; a
    # message of any other task still on the queue after the drain was not finished.
    from django_q.models import OrmQ, Schedule

    from naskah.masuk.models import SuratMasuk
    from naskah.models import BatchTTE, Distribusi, NaskahTTE

    periodic = set(Schedule.objects.values_list("func", flat=True))
    queued = 0
    for message in OrmQ.objects.all():
        try:
            queued += message.func() not in periodic
        except Exception:  # noqa: BLE001 - an undecodable message is unfinished work too
            queued += 1
    return {
        "queued": queued,
        "ocr": SuratMasuk.objects.filter(ocr_status__in=["menunggu", "diproses"]).count(),
        "dispatch": NaskahTTE.objects.filter(selesai=True)
        .exclude(kirim_status__in=["selesai", "gagal"])
        .count(),
        "email": Distribusi.objects.filter(status__in=["menunggu", "mengirim"]).count(),
        "batches": BatchTTE.objects.exclude(status="selesai").count(),
    }


def drain(load: Load, seconds: float, stats: Counter) -> dict:
    """Let the queue empty; continue interrupted batches through their page."""
    from naskah.demo import demo_passphrase
    from naskah.models import BatchTTE

    deadline = time.monotonic() + seconds
    work = _open_work()
    while time.monotonic() < deadline:
        for batch in BatchTTE.objects.exclude(status="selesai"):
            signer = load.person(SIGNER)
            signer.get(f"/naskah/tte/batch/{batch.pk}/")  # marks a silent run interrupted
            batch.refresh_from_db()
            if batch.status == BatchTTE.Status.TERHENTI:
                signer.post(
                    f"/naskah/tte/batch/{batch.pk}/lanjut/", {"passphrase": demo_passphrase()}
                )
                stats["batches_continued"] += 1
        work = _open_work()
        if not any(work.values()):
            break
        time.sleep(2)
    return work


# --- Checks ------------------------------------------------------------------------------------


def _messages() -> set[tuple[str, object]]:
    """(task, first argument) of every message on the queue and every pending schedule (the
    attempts' retries are one-off schedules): the work something will still run."""
    import ast

    from django_q.models import OrmQ, Schedule

    found: set[tuple[str, object]] = set()
    for message in OrmQ.objects.all():
        with contextlib.suppress(Exception):
            args = message.args() or ()
            found.add((message.func(), args[0] if args else None))
    for func, args in Schedule.objects.values_list("func", "args"):
        with contextlib.suppress(ValueError, SyntaxError):
            parsed = ast.literal_eval(args) if args else ()
            found.add((func, parsed[0] if parsed else None))
    return found


def _stranded() -> dict:
    """Open work (pending or running on its object) that no queued message or retry
    schedule will ever run: work lost. Each kind of background work must have none."""
    from naskah.masuk.models import SuratMasuk
    from naskah.models import Distribusi, NaskahTTE

    messages = _messages()
    ocr = [
        pk
        for pk in SuratMasuk.objects.filter(ocr_status__in=["menunggu", "diproses"]).values_list(
            "pk", flat=True
        )
        if ("naskah.masuk.tasks.suratmasuk_ocr_task", pk) not in messages
    ]
    dispatch = [
        pk
        for pk, naskah_id in NaskahTTE.objects.filter(selesai=True)
        .exclude(kirim_status__in=["selesai", "gagal"])
        .values_list("pk", "naskah_id")
        if ("naskah.tasks.naskah_dispatch_attempt_task", pk) not in messages
        and ("naskah.tasks.naskah_dispatch_task", naskah_id) not in messages
    ]
    email = [
        pk
        for pk in Distribusi.objects.filter(status__in=["menunggu", "mengirim"]).values_list(
            "pk", flat=True
        )
        if ("naskah.tasks.distribusi_email_task", pk) not in messages
    ]
    return {"ocr": ocr, "dispatch": dispatch, "email": email}


def checks() -> dict:
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db.models import Count, FileField, Max

    from core.services.audit import audit_verify_chain
    from core.services.storage import PENDING_PREFIX, _walk, storage_sweep
    from naskah.masuk.models import SuratMasuk
    from naskah.models import BatchTTEItem, Distribusi, DokumenTersegel, Naskah, NaskahTTE
    from penomoran.models import Nomor

    result: dict = {}
    duplicate, missing, books = 0, 0, 0
    for row in Nomor.objects.values("buku", "tahun").annotate(
        n=Count("pk"), distinct=Count("urut", distinct=True), top=Max("urut")
    ):
        books += 1
        duplicate += row["n"] - row["distinct"]
        missing += row["top"] - row["distinct"]
    result["books"] = books
    result["numbers"] = Nomor.objects.count()
    result["duplicate_numbers"] = duplicate
    result["missing_numbers"] = missing
    # A number used by a letter is the letter's number (nothing allocated then lost).
    used = Nomor.objects.filter(object_type="naskah.naskah", status="digunakan")
    result["numbers_not_on_their_letter"] = sum(
        1
        for object_id, teks in used.values_list("object_id", "teks")
        if not Naskah.objects.filter(pk=int(object_id), nomor=teks).exists()
    )
    result["letters_signed"] = NaskahTTE.objects.count()
    result["letters_signed_twice"] = (
        DokumenTersegel.objects.values("tte", "urutan").annotate(n=Count("pk")).filter(n__gt=1)
    ).count() + (
        DokumenTersegel.objects.values("tte", "penandatangan")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    result["signed_without_record"] = Naskah.objects.filter(
        status=Naskah.Status.DITANDATANGANI, tte__isnull=True
    ).count()
    dispatched = NaskahTTE.objects.filter(kirim_status="selesai")
    result["letters_dispatched"] = dispatched.count()
    result["deliveries"] = Distribusi.objects.count()
    result["deliveries_doubled"] = (
        Distribusi.objects.values("naskah", "jenis", "label", "saluran")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    result["dispatched_without_delivery"] = dispatched.filter(
        naskah__distribusi__isnull=True
    ).count()
    result["batch_items_open"] = BatchTTEItem.objects.exclude(
        status__in=["berhasil", "gagal"]
    ).count()
    result["batch_items_signed_but_letter_not"] = BatchTTEItem.objects.filter(
        status="berhasil", naskah__tte__isnull=True
    ).count()
    result["incoming_registered"] = SuratMasuk.objects.count()
    stranded = _stranded()
    result["tasks_stranded"] = sum(len(v) for v in stranded.values())
    result["tasks_stranded_detail"] = stranded
    work = _open_work()
    result["tasks_unfinished"] = sum(v for k, v in work.items() if k != "batches")
    result["tasks_unfinished_detail"] = work
    result["tasks_failed_visibly"] = {
        "ocr": SuratMasuk.objects.filter(ocr_status="gagal").count(),
        "dispatch": NaskahTTE.objects.filter(kirim_status="gagal").count(),
        "email": Distribusi.objects.filter(status="gagal").count(),
    }
    chain = audit_verify_chain()
    result["audit_chain_valid"] = bool(chain.ok)
    result["audit_events"] = chain.checked
    # Files: every stored file is referenced by a row; pending files of transactions that
    # never committed are what storage_sweep removes (run here with no grace: all stopped).
    referenced: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                referenced.update(
                    n for n in model._default_manager.values_list(field.name, flat=True) if n
                )
    # Stored names kept in plain columns: the archive record's own copies (its long-term
    # B-LTA copy is a file of its own, arsip/services/lta.py).
    from arsip.models import ArsipRecord

    for name in ("berkas_pdf", "berkas_pindai", "berkas_pdf_lta"):
        referenced.update(n for n in ArsipRecord.objects.values_list(name, flat=True) if n)
    result["pending_files_before_sweep"] = sum(1 for _ in _walk(default_storage, "pending"))
    result["sweep"] = storage_sweep(max_age_minutes=0)
    stored = []
    for top in default_storage.listdir("")[0]:
        if top in ("readyz", PENDING_PREFIX.rstrip("/")):
            continue
        stored.extend(_walk(default_storage, top))
    result["stored_files"] = len(stored)
    result["orphan_files"] = sum(1 for name in stored if name not in referenced)
    result["missing_files"] = sum(1 for name in referenced if not default_storage.exists(name))
    result["pending_files_left"] = sum(1 for _ in _walk(default_storage, "pending"))
    return result


LOSS_COLUMNS = [
    "duplicate_numbers",
    "missing_numbers",
    "numbers_not_on_their_letter",
    "letters_signed_twice",
    "signed_without_record",
    "deliveries_doubled",
    "dispatched_without_delivery",
    "batch_items_open",
    "batch_items_signed_but_letter_not",
    "tasks_stranded",
    "orphan_files",
    "missing_files",
    "pending_files_left",
]


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
    # This process: the same settings, its own connections spared by the faults.
    os.environ.update({k: v for k, v in env.items() if k != "DATABASE_URL"})
    os.environ["DATABASE_URL"] = _with_app_name(database_url, DRIVER_APP)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _seed()

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


if __name__ == "__main__":
    sys.exit(main())

"""Start the production stack on this machine: N gunicorn web processes and M django-q2
clusters against DATABASE_URL (PostgreSQL), for load and failure tests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naskah \\
        python scripts/stack.py --web 2 --workers 2 --slow 1 --migrate

Each web process is a gunicorn server (deploy/gunicorn.conf.py) with --threads threads on
its own loopback port (--port, --port+1, …); each worker is `manage.py qcluster` (the main
queue), --slow more serve the slow queue (OCR: Q_SLOW_CLUSTER) and --mail more the mail
queue (e-mail, notices, partner deliveries: Q_MAIL_CLUSTER). The processes' pids and
ports are printed as JSON lines on standard output (the processes' own output and logs go
to standard error). With --restart a process that dies is started again, like systemd's
Restart=always, and a JSON line with "restarted" gives its new pid (scripts/chaos.py).
Ctrl-C, SIGTERM or --duration stops them all: SIGTERM, then SIGKILL to
each process group after --stop-timeout seconds. With --check it waits until every web
process answers /healthz and /readyz, prints the result and stops (exit 1 if any did not).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this supervisor dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="gunicorn servers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--workers", type=int, default=1, help="main-queue clusters")
    parser.add_argument("--slow", type=int, default=1, help="slow-queue clusters (OCR)")
    parser.add_argument("--mail", type=int, default=1, help="mail-queue clusters (e-mail)")
    parser.add_argument("--port", type=int, default=8100, help="first web port (loopback)")
    parser.add_argument("--migrate", action="store_true", help="run migrate first")
    parser.add_argument("--duration", type=float, default=0, help="stop after N seconds")
    parser.add_argument("--check", action="store_true", help="start, probe, stop")
    parser.add_argument(
        "--restart",
        action="store_true",
        help="start a process again when it dies (a JSON line with its new pid): chaos runs",
    )
    parser.add_argument("--stop-timeout", type=float, default=20)
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run without PostgreSQL (one host only)"
    )
    return parser.parse_args(argv)


def cluster_counts(args, env: dict) -> dict[str, int]:
    """{cluster name: how many to start}: the main queue's, the slow one's (OCR) and the
    mail one's (core/services/queue.py); an empty name puts that work in the main queue."""
    clusters = {"naskah": args.workers}
    for setting, default, count in (
        ("Q_SLOW_CLUSTER", "lambat", args.slow),
        ("Q_MAIL_CLUSTER", "surel", args.mail),
    ):
        name = env.get(setting, default)
        if name and name not in clusters:
            clusters[name] = count
    return clusters


def main(argv=None) -> int:  # noqa: C901 - the script's steps in order
    args = parse_args(argv)
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) and not args.allow_sqlite:
        print("DATABASE_URL must name a PostgreSQL database (or pass --allow-sqlite).")
        return 2
    python = sys.executable
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DEBUG", "")
    preexec = _die_with_parent if sys.platform == "linux" else None
    if args.migrate:
        subprocess.run([python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True)

    metrics_dir = Path(env.get("DATA_DIR", ROOT / "data")).resolve() / "stack-metrics"
    procs: list[tuple[dict, subprocess.Popen]] = []

    def spawn(info: dict) -> subprocess.Popen:
        if info["role"] == "web":
            port = info["port"]
            run_env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "1",
                "GUNICORN_THREADS": str(args.threads),
                "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir / str(port)),
            }
            command = [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "core.wsgi"]
        else:
            run_env = {**env, "Q_CLUSTER_NAME": info["cluster"]}
            command = [python, "manage.py", "qcluster"]
        proc = subprocess.Popen(  # noqa: PLW1509
            command,
            cwd=ROOT,
            env=run_env,
            preexec_fn=preexec,
            stdout=sys.stderr,
            start_new_session=True,  # its own group: a hung process is killed whole
        )
        info["pid"] = proc.pid
        return proc

    for index in range(args.web):
        info = {"role": "web", "port": args.port + index}
        procs.append((info, spawn(info)))
    for name, count in cluster_counts(args, env).items():
        for _ in range(count):
            info = {"role": "qcluster", "cluster": name}
            procs.append((info, spawn(info)))
    for info, _proc in procs:
        print(json.dumps(info), flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for _info, proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + args.stop_timeout
        for _info, proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the process and its children
                proc.wait(timeout=5)

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    ok = True
    try:
        if args.check:
            deadline = time.monotonic() + 60
            for info, _proc in procs:
                if info["role"] != "web":
                    continue
                base = f"http://127.0.0.1:{info['port']}"
                while _answers(base + "/healthz") != 200 and time.monotonic() < deadline:
                    time.sleep(0.5)
                info["healthz"] = _answers(base + "/healthz")
                info["readyz"] = _answers(base + "/readyz")
                ok = ok and info["healthz"] == 200 and info["readyz"] == 200
                print(json.dumps(info), flush=True)
            ok = ok and all(proc.poll() is None for _info, proc in procs)
        else:
            ends = time.monotonic() + args.duration if args.duration else None
            while args.restart or all(proc.poll() is None for _info, proc in procs):
                if ends is not None and time.monotonic() >= ends:
                    break
                for index, (info, proc) in enumerate(procs):
                    if args.restart and proc.poll() is not None:
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(proc.pid, signal.SIGKILL)  # what is left of its group
                        died = {"died": info["pid"], "returncode": proc.returncode}
                        procs[index] = (info, spawn(info))
                        print(json.dumps({**info, **died, "restarted": True}), flush=True)
                time.sleep(0.2 if args.restart else 0.5)
            ok = all(proc.poll() is None for _info, proc in procs)
    except KeyboardInterrupt:
        pass
    stop()
    print(json.dumps({"stopped": [info["pid"] for info, _proc in procs]}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

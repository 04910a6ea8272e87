"""Start the web server and the django-q2 workers together; Ctrl-C stops them all.

One django-q2 cluster per queue (core/services/queue.py): the main one (dispatch, archive
sync, audit seal, schedules), the slow one (OCR: Q_SLOW_CLUSTER, default "lambat") and the
mail one (notice and dispatch e-mail, partner deliveries: Q_MAIL_CLUSTER, default
"surel"), so neither OCR nor a slow mail server holds up other work.

Used by `make run`. PORT (default 8000) and HOST (default 127.0.0.1) choose the address.
The public base URL (QR codes, e-mailed links) follows it unless NASKAH_PUBLIC_BASE_URL is
set: http://127.0.0.1:PORT, or the machine's LAN address with HOST=0.0.0.0 so a phone on
the same network can open a scanned QR code (core/baseurl.py). It is printed at start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.baseurl import base_url_problem, dev_base_url  # noqa: E402


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this supervisor dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


STOP_SECONDS = 2.0


def _wait_until_up(url: str, procs: list[subprocess.Popen], timeout: float = 60) -> bool:
    """Wait until the web server answers (so the welcome block comes after its start-up)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.poll() is None for p in procs):
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback, our own server
                return True
        except OSError:
            time.sleep(0.3)
    return False


def cluster_envs(env: dict) -> list[dict]:
    """The environment of each django-q2 cluster to start: the main one, then one per
    other queue name (Q_SLOW_CLUSTER, Q_MAIL_CLUSTER; empty or repeated names add none)."""
    names = []
    for setting, default in (("Q_SLOW_CLUSTER", "lambat"), ("Q_MAIL_CLUSTER", "surel")):
        name = env.get(setting, default)
        if name and name != "naskah" and name not in names:  # "naskah": the main one
            names.append(name)
    return [{}] + [{"Q_CLUSTER_NAME": name} for name in names]


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    base_url = os.environ.get("NASKAH_PUBLIC_BASE_URL") or dev_base_url(host, port)
    data_dir = Path(os.environ.get("DATA_DIR", ROOT / "data")).resolve()
    log_file = os.environ.get("NASKAH_LOG_FILE") or str(data_dir / "logs" / "naskah.log")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "NASKAH_PUBLIC_BASE_URL": base_url,
        # Library INFO lines (fontTools, OCR), request lines and the workers' per-minute
        # lines go to the log file; the terminal shows warnings and errors.
        "NASKAH_LOG_FILE": log_file,
        "NASKAH_CONSOLE_LOG_LEVEL": os.environ.get("NASKAH_CONSOLE_LOG_LEVEL", "WARNING"),
    }
    if not env.get("DEBUG"):
        env["DEBUG"] = "1"  # the embedded demo serves static files itself
    manage = [sys.executable, str(ROOT / "manage.py")]

    def start(command: list[str], **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            command,
            env={**env, **extra},
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            start_new_session=True,  # its own process group: stopped with its children
        )

    procs = [start([*manage, "runserver", "--noreload", f"{host}:{port}"])]
    # django-q2 reads the cluster name from the environment when it is imported.
    procs += [start([*manage, "qcluster"], **named) for named in cluster_envs(env)]

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        # Within 3 seconds: the workers' tasks are idempotent and the broker hands an
        # unfinished task out again, so a worker that is still busy is killed.
        deadline = time.monotonic() + STOP_SECONDS
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in procs:  # the group: a cluster's worker processes go with it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    signal.signal(signal.SIGHUP, lambda *a: (stop(), sys.exit(0)))
    parent = os.getppid()
    try:  # Ctrl-C at any point from here (starting up, the welcome block) stops them all
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", procs)
        print(f"Naskah is running on http://{host}:{port}/")
        print(f"Public base URL (QR codes, e-mailed links): {base_url}")
        if base_url_problem(base_url) and host not in ("0.0.0.0", "::"):  # noqa: S104
            print("  (reachable from this machine only; HOST=0.0.0.0 make run serves the network)")
        # The short block a new user reads: one login per role, certificates, passphrase.
        subprocess.run([*manage, "demo_welcome", "--url", base_url], env=env, check=False)
        # Stop when either child exits, or when whoever started us (make) is gone.
        while all(proc.poll() is None for proc in procs) and os.getppid() == parent:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    return max((proc.returncode or 0) for proc in procs) if any(p.returncode for p in procs) else 0


if __name__ == "__main__":
    sys.exit(main())

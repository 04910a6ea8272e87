"""Start the web server and the django-q2 workers together; Ctrl-C stops them all.

Two clusters: the main one (dispatch, archive sync, audit seal, schedules) and the slow
one (OCR, e-mail: Q_SLOW_CLUSTER, default "lambat"), so slow work cannot hold up the rest.

Used by `make run`. PORT (default 8000) and HOST (default 127.0.0.1) choose the address.
The public base URL (QR codes, e-mailed links) follows it unless NASKAH_PUBLIC_BASE_URL is
set: http://127.0.0.1:PORT, or the machine's LAN address with HOST=0.0.0.0 so a phone on
the same network can open a scanned QR code (core/baseurl.py). It is printed at start.
"""

from __future__ import annotations

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


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    base_url = os.environ.get("NASKAH_PUBLIC_BASE_URL") or dev_base_url(host, port)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NASKAH_PUBLIC_BASE_URL": base_url}
    if not env.get("DEBUG"):
        env["DEBUG"] = "1"  # the embedded demo serves static files itself
    manage = [sys.executable, str(ROOT / "manage.py")]
    procs = [
        subprocess.Popen(
            [*manage, "runserver", "--noreload", f"{host}:{port}"],
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        ),
        subprocess.Popen(
            [*manage, "qcluster"],
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        ),
    ]
    slow = env.get("Q_SLOW_CLUSTER", "lambat")
    if slow:
        # django-q2 reads the cluster name from the environment when it is imported.
        procs.append(
            subprocess.Popen(
                [*manage, "qcluster"],
                env={**env, "Q_CLUSTER_NAME": slow},
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )
        )
    print(f"Naskah is running on http://{host}:{port}/ (Ctrl-C stops the server and the workers)")
    print(f"Public base URL (QR codes, e-mailed links): {base_url}")
    if base_url_problem(base_url) and host not in ("0.0.0.0", "::"):  # noqa: S104
        print("  (reachable from this machine only; HOST=0.0.0.0 make run serves the network)")

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 15
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    signal.signal(signal.SIGHUP, lambda *a: (stop(), sys.exit(0)))
    parent = os.getppid()
    try:
        # Stop when either child exits, or when whoever started us (make) is gone.
        while all(proc.poll() is None for proc in procs) and os.getppid() == parent:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    return max((proc.returncode or 0) for proc in procs) if any(p.returncode for p in procs) else 0


if __name__ == "__main__":
    sys.exit(main())

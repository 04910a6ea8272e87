"""Start the web server and the django-q2 worker together; Ctrl-C stops both.

Used by `make run`. PORT (default 8000) and HOST (default 127.0.0.1) choose the address.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if not env.get("DEBUG"):
        env["DEBUG"] = "1"  # the embedded demo serves static files itself
    manage = [sys.executable, str(ROOT / "manage.py")]
    procs = [
        subprocess.Popen([*manage, "runserver", "--noreload", f"{host}:{port}"], env=env),
        subprocess.Popen([*manage, "qcluster"], env=env),
    ]
    print(f"Naskah is running on http://{host}:{port}/ (Ctrl-C stops the server and the worker)")

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
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    return max((proc.returncode or 0) for proc in procs) if any(p.returncode for p in procs) else 0


if __name__ == "__main__":
    sys.exit(main())

"""The production stack (scripts/stack.py --restart) as a child process."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from chaosrun.config import ROOT

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

"""`make run` (scripts/run_dev.py): the web server and a django-q2 cluster per queue start
together, and one Ctrl-C stops every process of them within 3 seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes() -> list[tuple[int, int, int, str]]:
    """(pid, parent pid, process group, command line) of every process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if stat[0] != "Z":
            found.append((int(entry), int(stat[1]), int(stat[2]), cmdline))
    return found


def _cluster_name(pid: int) -> str:
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    found = [e for e in environ if e.startswith(b"Q_CLUSTER_NAME=")]
    return found[0].split(b"=", 1)[1].decode() if found else ""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_one_ctrl_c_stops_the_server_and_every_cluster_within_3_seconds(tmp_path):
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "PORT": str(_free_port()),
        "HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "Q_SYNC", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    migrated = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "scripts/run_dev.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # as a terminal's foreground job: Ctrl-C reaches it alone
    )
    groups: set[int] = set()  # each child leads its own process group
    try:
        for line in proc.stdout:
            if line.startswith("Naskah is running"):
                break
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            children = {pid: cmd for pid, ppid, _g, cmd in _processes() if ppid == proc.pid}
            groups = set(children)
            sizes = {g: sum(1 for p in _processes() if p[2] == g) for g in groups}
            clusters = [pid for pid, cmd in children.items() if "qcluster" in cmd]
            # The welcome block is done and each cluster has forked its worker processes
            # into its group.
            if len(children) == 4 and len(clusters) == 3 and all(sizes[g] > 1 for g in clusters):
                break
            time.sleep(0.5)
        assert sorted("runserver" in cmd for cmd in children.values()) == [
            False,
            False,
            False,
            True,
        ], children
        names = sorted(_cluster_name(pid) for pid, cmd in children.items() if "qcluster" in cmd)
        assert names == ["", "lambat", "surel"]  # main, OCR, e-mail and notices
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        stopped = time.monotonic() - started
        left = [p for p in _processes() if p[2] in groups]
        assert not left and stopped < 3, (stopped, left)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid, _pp, group, _cmd in _processes():
            if group in groups:
                os.kill(pid, signal.SIGKILL)

"""Batch signing survives the death of the process that holds the key (issue 19 item 3).

The batch runs in a child process (tests/naskah/batch_child.py) on a copy of the test's
SQLite database, or on the test's PostgreSQL database itself; the child is killed with
SIGKILL while a letter is signed but its transaction is still open. Then: every letter is
signed once or not at all, the page shows which, and "continue" signs the rest. Two runs of
one batch at once sign nothing twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from naskah.models import BatchTTE, BatchTTEItem
from tests.naskah.tte_helpers import enroll, ready_letter

ROOT = Path(__file__).resolve().parents[2]
CHILD = str(Path(__file__).with_name("batch_child.py"))

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _database_url(tmp_path: Path) -> str:
    """Where the children find this test's committed data."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "batch.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (
        f"postgres://{params.get('USER') or 'postgres'}{password}@"
        f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{params['NAME']}"
    )


def _env(url: str, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(settings.DATA_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "NASKAH_AUDIT_KEY": settings.NASKAH_AUDIT_KEY.decode(),
        "NASKAH_AUDIT_CHECKPOINT_DIR": str(settings.NASKAH_AUDIT_CHECKPOINT_DIR),
        "NASKAH_AUDIT_CHECKPOINT_KEY_FILE": str(settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE),
        "Q_SYNC": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("REDIS_URL", None)
    return env


def _spawn(env: dict, *args) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, CHILD, *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _child(env: dict, *args) -> dict:
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, CHILD, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _letters(demo, n: int) -> list[int]:
    enroll(demo["kadiskominfo"])
    return [ready_letter(demo, hal=f"Surat batch mati {i}").pk for i in range(n)]


def _assert_once_or_never(state: dict) -> None:
    for pk, letter in state.items():
        assert letter["signatures"] in (0, 1), (pk, letter)
        assert letter["records"] == letter["numbers"] == letter["signatures"], (pk, letter)
        assert (letter["item"] == "berhasil") == (letter["signatures"] == 1), (pk, letter)


def test_killed_mid_batch_loses_nothing_doubles_nothing_and_continues(demo, tmp_path):
    ids = _letters(demo, 6)
    env = _env(_database_url(tmp_path), BATCH_CHILD_HOLD="3")
    child = _spawn(env, "start", *ids)
    seen = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            seen.append(line.split())
            # The third letter is signed inside its open transaction: kill the process now.
            if line.startswith("inside") and sum(1 for w in seen if w[0] == "inside") == 3:
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    state = {int(k): v for k, v in _child(env, "check", _batch_pk(env)).items()}
    _assert_once_or_never(state)
    items = [state[pk]["item"] for pk in ids]
    # Two letters committed, the third was killed inside its transaction, three waited.
    assert items == ["berhasil", "berhasil", "proses", "menunggu", "menunggu", "menunggu"]
    assert [state[pk]["signatures"] for pk in ids] == [1, 1, 0, 0, 0, 0]

    # The page, once the run's lease has passed, shows which letters are signed and which
    # not, and offers to continue.
    env_stale = {**env, "NASKAH_TTE_BATCH_LEASE_SECONDS": "0"}
    page = _child(env_stale, "page", _batch_pk(env))
    assert page["status"] == 200
    html = page["html"]
    assert 'data-status="terhenti"' in html and "2 signed, 4 not signed" in html
    assert html.count('data-state="berhasil"') == 2 and html.count('data-state="terputus"') == 1
    assert "btn-batch-continue" in html and "hx-get" not in html

    # Continue: the passphrase again, only the four letters not signed are signed.
    assert _child(env_stale, "continue", _batch_pk(env))["status"] == 302
    state = {int(k): v for k, v in _child(env, "check", _batch_pk(env)).items()}
    _assert_once_or_never(state)
    assert all(state[pk]["item"] == "berhasil" and state[pk]["signatures"] == 1 for pk in ids)
    page = _child(env, "page", _batch_pk(env))["html"]
    assert 'data-status="selesai"' in page and "btn-batch-continue" not in page


def _batch_pk(env: dict) -> int:
    """The children's newest batch (on SQLite the parent's database is a different copy)."""
    code = (
        "import django,sys;django.setup();from naskah.models import BatchTTE;"
        "print(BatchTTE.objects.order_by('-pk').values_list('pk',flat=True).first())"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "core.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_two_runs_of_one_batch_at_once_sign_nothing_twice(demo, tmp_path):
    """A run that is still alive when the batch is taken over (a continue after its lease
    passed, e.g. a process frozen rather than dead): both run at once in two processes; the
    old one stops at its next claim, the letter it was signing meanwhile is signed by one
    of them only (the item's row lock and run token), every letter exactly once."""
    ids = _letters(demo, 8)
    old, new = "a" * 32, "b" * 32
    batch = BatchTTE.objects.create(penandatangan=demo["kadiskominfo"], pemilik=old)
    BatchTTEItem.objects.bulk_create([BatchTTEItem(batch=batch, naskah_id=i) for i in ids])
    env = _env(_database_url(tmp_path))
    first = _spawn({**env, "BATCH_CHILD_PAUSE": "1"}, "run", batch.pk, old)
    try:
        while True:  # the old run is signing
            line = first.stdout.readline()
            assert line, first.stderr.read()
            if line.startswith("claimed"):
                break
        assert _child(env, "takeover", batch.pk, new) == {"taken": batch.pk}
        second = _spawn(env, "run", batch.pk, new)
        outputs = []
        for run in (first, second):
            out, err = run.communicate(timeout=180)
            assert run.returncode == 0, out + err
            outputs.append(out)
    finally:
        for run in (first,):
            if run.poll() is None:
                run.kill()
    signed = [
        {int(line.split()[1]) for line in out.splitlines() if line.endswith(" berhasil")}
        for out in outputs
    ]
    assert not (signed[0] & signed[1])  # no item signed by both runs
    assert signed[1]  # the new run did sign
    state = {int(k): v for k, v in _child(env, "check", batch.pk).items()}
    _assert_once_or_never(state)
    assert all(state[pk]["signatures"] == 1 for pk in ids)
    assert all(state[pk]["item"] == "berhasil" for pk in ids)

"""The chaos run's short form (scripts/chaos.py, docs/benchmarks.md "Chaos run"): two web
processes and two worker clusters on this test's PostgreSQL database, 20 s of HTTP load
while web and worker processes are SIGKILLed and database connections terminated, then
nothing lost or doubled. PostgreSQL only: the stack is several processes on one database."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _chaos_passwords() -> None:
    """The test database holds the tests' demo organisation (seeded once per worker, with
    the tests' MD5 password hashes, which the run's own server does not accept), and the
    run's seeding keeps existing people as they are: give them the run's password, hashed
    as the server checks it (few iterations: a throw-away database)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from core.models import Pegawai

    spec = importlib.util.spec_from_file_location(
        "chaos_config", ROOT / "scripts" / "chaosrun" / "config.py"
    )
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    hasher = PBKDF2PasswordHasher()
    for pk in Pegawai.objects.values_list("pk", flat=True):
        encoded = hasher.encode(config.PASSWORD, hasher.salt(), iterations=1000)
        Pegawai.objects.filter(pk=pk).update(password=encoded)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_chaos_short_form_loses_and_doubles_nothing(tmp_path):
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    url = (
        f"postgres://{params.get('USER') or 'postgres'}{password}@"
        f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{params['NAME']}"
    )
    _chaos_passwords()
    connection.close()  # the run terminates the database's connections, this one too
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path / "data"),
        "NASKAH_AUDIT_KEY": settings.NASKAH_AUDIT_KEY.decode(),
    }
    for name in ("REDIS_URL", "Q_SYNC", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "scripts/chaos.py",
            "--duration",
            "20",
            "--drain",
            # the wait for the queues to empty after the load (it ends as soon as they
            # are): 60 s left one task unfinished when the SQLite suite ran beside it
            "120",
            "--task-timeout",
            "20",
            "--no-ocr",
            "--require-drained",
            # at least one letter signed: up to 120 s more load on a busy machine
            "--min-signed",
            "1",
            "--max-extra",
            "120",
            "--kill-every",
            "4",
            "--clients",
            "2",
            "--port",
            str(8600 + os.getpid() % 200 * 3),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["losses"] == {}, json.dumps(result, indent=1)
    assert result["audit_chain_valid"], result
    assert done.returncode == 0, done.stderr[-3000:]
    ops = result["operations"]
    # The run did work and faults happened (not a test that cannot fail).
    assert ops.get("drafts_created", 0) > 0 and ops.get("paraf_posted", 0) > 0
    assert result["letters_signed"] > 0 and result["incoming_registered"] > 0
    assert ops.get("killed_web", 0) + ops.get("killed_worker", 0) + ops.get("terminations", 0)


def test_the_checks_find_a_recipient_left_without_delivery(demo, monkeypatch):
    """The chaos run's delivery columns (scripts/chaosrun/checks.py) on a dispatched letter
    with a unit, a position and an e-mail recipient: nothing missing, then a deleted
    delivery row and an internal delivery not in the inbox are each counted."""
    from core.models import UnitKerja
    from naskah.models import Distribusi, NaskahTTE
    from naskah.services.distribusi import naskah_dispatch_run
    from tests.letters import jabatan, make_letter

    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from chaosrun.checks import LOSS_COLUMNS, _deliveries_per_recipient

    letter = make_letter(
        demo,
        "signed",
        penerima=[
            {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
            {"jenis": "tembusan", "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk},
            {"jenis": "tujuan", "nama": "Dinas Luar", "email": "tu@luar.example.go.id"},
        ],
    )
    assert naskah_dispatch_run(tte_id=letter.tte.pk) == "selesai"
    dispatched = NaskahTTE.objects.filter(kirim_status="selesai")
    assert _deliveries_per_recipient(dispatched) == {
        "deliveries_owed": 3,
        "deliveries_missing": 0,
        "internal_deliveries_not_in_inbox": 0,
    }
    assert {"deliveries_missing", "internal_deliveries_not_in_inbox"} <= set(LOSS_COLUMNS)

    rows = Distribusi.objects.filter(naskah=letter)
    assert rows.filter(saluran="internal").count() == 2
    rows.filter(saluran="email").delete()
    rows.filter(saluran="internal").filter(pk=rows.filter(saluran="internal")[0].pk).update(
        status="menunggu"
    )
    assert _deliveries_per_recipient(dispatched) == {
        "deliveries_owed": 3,
        "deliveries_missing": 1,
        "internal_deliveries_not_in_inbox": 1,
    }

"""Two Naskah instances side by side on loopback (issue 17 item 5): this test process is
the sending instance (its test database), a second instance runs in a subprocess with its
own DATA_DIR and database (SQLite; a PostgreSQL database of its own when the tests run
on PostgreSQL) on its own port (migrate, a minimal receiving
organisation, `runserver --noreload`). A signed letter addressed to the second instance is
dispatched, delivered over the API, registered in its incoming register, and the signed
receipt comes back. No network beyond loopback."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pertukaran.models import PengirimanMitra
from tests.pertukaran.conftest import PEER_EMAIL, ca_pem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peer_database(data: Path) -> str:
    """SQLite in the peer's DATA_DIR; on PostgreSQL (DATABASE_URL given) a database of its
    own on the same server, created afresh."""
    from django.conf import settings

    if not settings.IS_POSTGRES:
        return ""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_peer"
    with psycopg.connect(_pg_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"


def _pg_dsn(name: str) -> str:
    from django.conf import settings
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    parts = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": name,
    }
    if db.get("PASSWORD"):
        parts["password"] = db["PASSWORD"]
    return make_conninfo(**parts)


def _peer_rows(peer, sql: str) -> list[tuple]:
    if not peer["database_url"]:
        with sqlite3.connect(peer["data"] / "naskah.sqlite3") as db:
            return [tuple(r) for r in db.execute(sql).fetchall()]
    import psycopg

    name = peer["database_url"].rsplit("/", 1)[1]
    with psycopg.connect(_pg_dsn(name)) as conn:
        return [
            tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in r)
            for r in conn.execute(sql).fetchall()
        ]


def _peer_env(data: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "Q_", "NASKAH_", "SECRET_KEY", "DEBUG", "REDIS"))
    }
    env.update(
        DATA_DIR=str(data),
        NASKAH_INSTANSI_KODE="metro",
        NASKAH_NAMA_PEMERINTAH="PEMERINTAH KOTA METRO",
        DJANGO_SETTINGS_MODULE="core.settings",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def peer(tmp_path):
    """Start preparing the second instance at once (it migrates while this process seeds
    its own demo organisation and signs the letter)."""
    data = tmp_path / "peer-data"
    port = _free_port()
    env = _peer_env(data)
    database_url = _peer_database(data)
    if database_url:
        env["DATABASE_URL"] = database_url
    py = sys.executable
    script = (
        f"'{py}' manage.py migrate --noinput && '{py}' manage.py pertukaran_demo_penerima && "
        f"exec '{py}' manage.py runserver 127.0.0.1:{port} --noreload"
    )
    log = (tmp_path / "peer.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603
        ["/bin/bash", "-c", script],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield {
        "port": port,
        "env": env,
        "data": data,
        "proc": proc,
        "log": tmp_path / "peer.log",
        "database_url": database_url,
    }
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    log.close()
    if database_url:
        import psycopg

        with psycopg.connect(_pg_dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database_url.rsplit("/", 1)[1]}"')


def _wait_ready(peer) -> None:
    url = f"http://127.0.0.1:{peer['port']}/api/v1/openapi.json"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if peer["proc"].poll() is not None:
            raise AssertionError("the peer stopped:\n" + peer["log"].read_text()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("the peer did not start:\n" + peer["log"].read_text()[-3000:])


def _peer_manage(peer, *args) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=peer["env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_letter_signed_here_is_registered_in_the_other_instance_with_a_receipt(
    peer, signed, admin, settings, tmp_path, client
):
    from naskah.services.distribusi import naskah_dispatch
    from pertukaran.services import (
        mitra_save,
        pengiriman_kirim,
        receipt_key_for_token,  # noqa: F401 - the receipt is checked by the sender itself
    )

    settings.NASKAH_PERTUKARAN_ALLOW_LOOPBACK = True
    anchors = tmp_path / "sender-ca.pem"
    anchors.write_text(ca_pem())
    _wait_ready(peer)
    # At the receiver: this instance registered as a peer, with a client to call it.
    creds = _peer_manage(
        peer,
        "pertukaran_mitra_add",
        "--kode",
        settings.NASKAH_INSTANSI_KODE,
        "--nama",
        "Pemerintah Provinsi Lampung",
        "--trust-pem",
        str(anchors),
        "--client-for",
        "agendaris",
    )
    # At the sender: the receiver registered as a peer, reached by the recipient's e-mail.
    mitra_save(
        actor=admin,
        nama="Pemerintah Kota Metro",
        kode="metro",
        url_dasar=f"http://127.0.0.1:{peer['port']}",
        client_id_mitra=creds["client_id"],
        secret_mitra=creds["client_secret"],
        alamat_surel=PEER_EMAIL,
    )
    naskah_dispatch(naskah=signed)
    row = PengirimanMitra.objects.get(naskah=signed)
    assert pengiriman_kirim(pengiriman_id=row.pk) == PengirimanMitra.Status.DITERIMA
    row.refresh_from_db()
    assert row.tanda_terima_sah, row.tanda_terima
    assert row.tanda_terima["nomor_surat"] == signed.nomor
    assert row.tanda_terima["penerima"]["kode_instansi"] == "metro"
    assert row.diterima_pada is not None and row.nomor_agenda

    rows = _peer_rows(
        peer, "SELECT nomor_surat, hal, asal, nomor_agenda, tanggal_surat FROM masuk_suratmasuk"
    )
    received = _peer_rows(
        peer, "SELECT pengirim_kode, nomor_surat, cara FROM pertukaran_penerimaanmitra"
    )
    assert rows == [
        (signed.nomor, signed.hal, "eksternal", row.nomor_agenda, signed.tanggal.isoformat())
    ]
    assert received == [(settings.NASKAH_INSTANSI_KODE, signed.nomor, "api")]
    # The sender's letter page shows the recipient as received, with the time and the
    # agenda number there.
    from django.utils import formats, timezone

    client.force_login(signed.konseptor)
    page = client.get(f"/naskah/{signed.pk}/tte/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    block = page[page.index('id="pengiriman-mitra"') :]
    shown = formats.date_format(timezone.localtime(row.diterima_pada), "DATETIME_FORMAT")
    assert str(row.get_status_display()) in block and shown in block, block[:2000]
    assert row.nomor_agenda in block

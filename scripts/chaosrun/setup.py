"""Setup: a fresh database, the demo seed and the periodic schedules."""

from __future__ import annotations

import io
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from chaosrun.config import PASSWORD, ROOT, SIGNER

# --- Setup -------------------------------------------------------------------------------------


def become_driver(database_url: str, env: dict) -> None:
    """This process takes the run's settings, connects to the database as the driver (its
    connections are spared by the faults), starts Django and seeds the demo."""
    import os

    from chaosrun.config import DRIVER_APP

    os.environ.update({k: v for k, v in env.items() if k != "DATABASE_URL"})
    os.environ["DATABASE_URL"] = _with_app_name(database_url, DRIVER_APP)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _seed()


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

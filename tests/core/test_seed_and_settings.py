import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from core import checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo", "--password", "x-demo-123")
    out = capsys.readouterr().out
    assert "kadiskominfo" in out and "x-demo-123" in out
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("seed_demo", "--quiet")
    assert "(0 new records)" in capsys.readouterr().out
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert counts["core.Pegawai"] >= 25


@pytest.mark.django_db
def test_demo_has_the_required_organisation():
    call_command("seed_demo", "--quiet")
    from core.models import Penugasan, TimKerja, UnitKerja

    kinds = set(UnitKerja.objects.values_list("jenis", flat=True))
    assert {"pemda", "setda", "asisten", "biro", "dinas", "sekretariat", "bidang"} <= kinds
    assert UnitKerja.objects.filter(jenis="asisten").count() == 3
    assert UnitKerja.objects.filter(jenis="biro").count() >= 3
    assert UnitKerja.objects.filter(kode="BIRO-UMUM").exists()
    assert Penugasan.objects.filter(jenis="plt").count() == 1
    assert Penugasan.objects.filter(jenis="plh").count() == 1
    team = TimKerja.objects.get()
    assert team.keanggotaan.count() >= 3
    assert len({a.pegawai.penugasan.first().jabatan.unit_id for a in team.keanggotaan.all()}) >= 2


def _run(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "-Lampung-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "naskah.lampungprov.go.id",
    "DATABASE_URL": "postgres://naskah@db.internal:5432/naskah",
    "SECURE_SSL_REDIRECT": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "NASKAH_PUBLIC_BASE_URL": "https://naskah.lampungprov.go.id",
}


def test_check_deploy_clean_with_production_variables(tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "audit_key").write_text("k" * 64)
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DATA_DIR=str(tmp_path / "data"),
        NASKAH_AUDIT_KEY_FILE=str(secrets / "audit_key"),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_on_defaults(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "naskah.W001" in result.stderr  # SQLite in production
    assert "naskah.E006" in result.stderr  # audit key kept in the data folder
    assert "naskah.E008" in result.stderr  # SECRET_KEY generated into the data folder
    assert "naskah.E033" in result.stderr  # no public base URL for QR codes


def test_check_deploy_refuses_a_private_public_base_url(tmp_path):
    result = _run(
        ["check", "--deploy"],
        DATA_DIR=str(tmp_path),
        **{**PRODUCTION, "NASKAH_PUBLIC_BASE_URL": "http://192.168.1.10:8000"},
    )
    assert result.returncode != 0 and "naskah.E033" in result.stderr


def test_debug_with_public_host_is_refused(tmp_path):
    result = _run(
        ["check"], DATA_DIR=str(tmp_path), DEBUG="1", ALLOWED_HOSTS="naskah.lampungprov.go.id"
    )
    assert result.returncode != 0 and "naskah.E001" in result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = _run(["check"], DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    audit_key = (tmp_path / "audit_key").read_text()
    assert len(audit_key) > 50 and oct((tmp_path / "audit_key").stat().st_mode)[-3:] == "600"
    _run(["check"], DATA_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == key
    assert (tmp_path / "audit_key").read_text() == audit_key


def test_queue_checks(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": "redis://127.0.0.1:6379/0"}
    assert [e.id for e in checks.check_task_queue(None)] == ["naskah.E002"]
    settings.Q_CLUSTER = {"timeout": 300, "retry": 200, "max_attempts": 0}
    assert {e.id for e in checks.check_task_queue(None)} == {"naskah.E003", "naskah.E004"}


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_sqlite_must_be_immediate(settings):
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {},
        }
    }
    assert [e.id for e in checks.check_sqlite_locking(None)] == ["naskah.E005"]


def test_embedded_database_uses_wal_and_immediate(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

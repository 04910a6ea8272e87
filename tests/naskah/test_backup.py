"""Backups that restore: `naskah_backup` of the demo (signed letters, stored files, a sealed
and checkpointed audit chain) restored by `naskah_restore --verify` into a fresh database and
storage in another process, as CI does on SQLite and on PostgreSQL; tampering is found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from naskah.services.backup import MANIFEST, backup_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_backup(demo, tmp_path, settings):
    """The demo with its two signed letters, sealed and checkpointed, backed up."""
    from core.services.audit import audit_checkpoint_create
    from naskah.demo import demo_seed_letters

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_seed_letters()
    audit_checkpoint_create()
    backup = tmp_path / "backup"
    call_command("naskah_backup", str(backup))
    return backup


def _restore(backup: Path, target: Path, database_url: str, *flags: str):
    env = {
        **os.environ,
        "DATA_DIR": str(target),
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(target / "media"),
        "NASKAH_AUDIT_KEY": settings.NASKAH_AUDIT_KEY.decode(),
        "NASKAH_AUDIT_CHECKPOINT_KEY_FILE": str(settings.NASKAH_AUDIT_CHECKPOINT_KEY_FILE),
        "NASKAH_AUDIT_CHECKPOINT_DIR": str(target / "audit-checkpoints"),
        "Q_SYNC": "",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "naskah_restore", str(backup), *flags],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _check_restore(backup: Path, target: Path, database_url: str) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["audit_head"]["seq"] > 0
    assert any(f["path"].startswith("tte/") or "tersegel" in f["path"] for f in manifest["files"])
    assert len(manifest["files"]) >= 2 and manifest["checkpoints"]

    restored = _restore(backup, target, database_url, "--verify")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Audit chain intact" in restored.stdout and "Verified." in restored.stdout
    assert "signatures checked: 2" in restored.stdout or "signatures checked: " in restored.stdout

    # Restoring again into the now filled database and storage is refused.
    again = _restore(backup, target, database_url)
    assert again.returncode != 0 and "not empty" in again.stderr

    # A stored file changed after the restore is found.
    victim = target / "media" / manifest["files"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"x")
    tampered = _restore(backup, target, database_url, "--verify-only")
    assert tampered.returncode != 0
    assert manifest["files"][0]["path"] in tampered.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_backup_restores_into_a_fresh_sqlite_database(demo_backup, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path; the PostgreSQL one is below")
    target = tmp_path / "restored"
    target.mkdir()
    _check_restore(demo_backup, target, f"sqlite:///{target / 'naskah.sqlite3'}")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_demo_backup_restores_into_a_fresh_postgres_database(demo_backup, tmp_path):
    params = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = ["-h", params.get("HOST") or "127.0.0.1", "-U", params.get("USER") or "postgres"]
    if params.get("PORT"):
        admin += ["-p", str(params["PORT"])]
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    subprocess.run(["createdb", *admin, name], env=env, check=True)
    try:
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        url = (
            f"postgres://{params.get('USER') or 'postgres'}{password}@"
            f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{name}"
        )
        target = tmp_path / "restored"
        target.mkdir()
        _check_restore(demo_backup, target, url)
    finally:
        subprocess.run(["dropdb", *admin, "--if-exists", name], env=env, check=False)


@pytest.mark.django_db(transaction=True)
def test_a_changed_backup_is_refused_before_anything_is_restored(tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.services.storage import storage_new_name

    default_storage.save(storage_new_name("uji", ".txt"), ContentFile(b"isi berkas"))
    backup = tmp_path / "backup"
    call_command("naskah_backup", str(backup))
    assert backup_check(backup) == []
    copy = next((backup / "media").rglob("*.txt"))
    copy.write_bytes(b"isi lain")
    problems = backup_check(backup)
    assert len(problems) == 1 and "changed in the backup" in problems[0]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("naskah_restore", str(backup), "--check-only")


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(tmp_path):
    with pytest.raises(CommandError, match="outside any transaction"):
        call_command("naskah_backup", str(tmp_path / "new"))  # the test's own transaction


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("naskah_backup", str(tmp_path / "backup"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    backup = tmp_path / "backup"
    call_command("naskah_backup", str(backup))
    # The test database has every table: the restore must not touch it.
    with pytest.raises(CommandError, match="not empty"):
        call_command("naskah_restore", str(backup))

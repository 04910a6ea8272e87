"""Backups that restore (docs/deployment.md, "Backup and restore").

A backup folder holds:

- ``database.sqlite3`` (SQLite online backup API: a consistent copy while the site runs) or
  ``database.pgdump`` (``pg_dump --format=custom``: one consistent snapshot);
- ``media/``: every stored file (Django's default storage: MEDIA_ROOT or the S3 bucket),
  each copied while its SHA-256 is computed;
- ``audit-checkpoints/``: the signed checkpoints of the audit chain head;
- ``manifest.json``: the database file's hash, every stored file with size and SHA-256, and
  the audit chain head (seq, hash) read *before* the dump. The chain only grows, so the
  dump contains that event: after a restore the event of that seq must carry that hash.

Stored files are written once and never changed, so copying them after the dump gives
every file the dump refers to (files added meanwhile are harmless extras).

Keys are not in the backup (the audit key, the checkpoint key, SECRET_KEY, the signing CA
secret): keep them apart, as docs/deployment.md says; a restore needs them configured.

`backup_restore` writes into the configured database and default storage and refuses unless
both are empty; `backup_verify` then checks the restored copy: the audit chain
(`verify_audit`), every file against the manifest and a sample of sealed PDFs' signatures.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
CHECKPOINT_DIR = "audit-checkpoints"
# Top-level folders of the stored files that hold no data (the /readyz probe).
SKIPPED_MEDIA = {"readyz"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    """Copy `source` to `target` (new file), returning its SHA-256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_from_storage(name: str, target: Path) -> tuple[str, int]:
    """Copy the stored file `name` to the local `target` (new file): SHA-256 and size."""
    from django.core.files.storage import default_storage

    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as src, target.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def _copy_to_storage(source: Path, name: str) -> str:
    """Store the local file `source` under exactly `name`; its SHA-256."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    try:
        with source.open("rb") as handle:
            saved = default_storage.save(name, File(handle))
    except FileExistsError:  # object storage refuses the name outright (core.storage_s3)
        saved = None
    if saved != name:
        raise BackupError(f"{name} exists in storage already; restore only into empty storage")
    return stored_sha256(name)[0]


def stored_sha256(name: str) -> tuple[str, int]:
    """SHA-256 and size of the stored file `name` (FileNotFoundError when missing)."""
    from django.core.files.storage import default_storage

    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _stored_names() -> list[str]:
    """Every stored file's name in the default storage (local or S3), sorted, without the
    /readyz probes."""
    from django.core.files.storage import default_storage

    found: list[str] = []

    def walk(folder: str) -> None:
        try:
            dirs, names = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        prefix = f"{folder}/" if folder else ""
        found.extend(prefix + name for name in names)
        for sub in sorted(dirs):
            if not folder and sub in SKIPPED_MEDIA:
                continue
            walk(prefix + sub)

    walk("")
    return sorted(found)


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in SKIPPED_MEDIA]
        dirs.sort()
        found.extend(Path(folder) / name for name in sorted(names))
    return found


def _empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _local_storage() -> bool:
    from django.core.files.storage import default_storage

    try:
        default_storage.path("x")
    except NotImplementedError:
        return False
    return True


def _audit_head() -> dict:
    from core.models import AuditHead
    from core.services.audit import GENESIS_HASH

    head = AuditHead.objects.filter(pk=1).first()
    return {"seq": head.seq, "hash": head.last_hash} if head else {"seq": 0, "hash": GENESIS_HASH}


# --- Database dump and load -------------------------------------------------------------------


def _pg_command(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(  # noqa: S603 - pg_dump/pg_restore with our arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _dump_database(directory: Path) -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        # A connection of its own: SQLite refuses to copy from a connection that is in
        # the middle of writing. The online backup copies one consistent snapshot (WAL
        # readers do not block writers, nor writers it).
        name = str(connection.settings_dict["NAME"])
        source = sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)
        copy = sqlite3.connect(directory / SQLITE_FILE)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_FILE
    if vendor == "postgresql":
        args, env = _pg_command(connection.settings_dict)
        target = directory / PG_FILE
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "--file",
                str(target),
                *args,
                "--dbname",
                connection.settings_dict["NAME"],
            ],
            env,
        )
        return PG_FILE
    raise BackupError(f"backups of a {vendor} database are not supported")


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _load_database(directory: Path, manifest: dict) -> None:
    name = manifest["database"]["file"]
    source = directory / name
    vendor = connection.vendor
    if (name == SQLITE_FILE) != (vendor == "sqlite") or vendor not in ("sqlite", "postgresql"):
        raise BackupError(
            f"the backup holds {manifest['database']['vendor']}, the configured database is "
            f"{vendor}"
        )
    if not _database_is_empty():
        raise BackupError(
            "the configured database is not empty; restore only into an empty database"
        )
    if vendor == "sqlite":
        path = connection.settings_dict["NAME"]
        if str(path) in (":memory:", "") or "mode=memory" in str(path):
            raise BackupError("restore needs a SQLite file, not an in-memory database")
        connection.close()
        for leftover in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        src, dst = sqlite3.connect(source), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return
    args, env = _pg_command(connection.settings_dict)
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            *args,
            "--dbname",
            connection.settings_dict["NAME"],
            str(source),
        ],
        env,
    )


# --- Backup -----------------------------------------------------------------------------------


def backup_create(directory, *, stdout=None) -> dict:
    """Write a backup of the configured database, stored files and audit checkpoints into
    `directory` (new or empty). Returns the manifest."""
    from core.services.audit import audit_seal_pending

    if connection.in_atomic_block:
        raise BackupError("a backup runs outside any transaction")
    directory = Path(directory)
    if not _empty_dir(directory):
        raise BackupError(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    if _local_storage():
        _media_root().mkdir(parents=True, exist_ok=True)
    started = timezone.now()

    # Seal what has committed, so that the recorded head covers it (best effort: without
    # an audit key nothing is sealed and verify_audit will say so after a restore).
    try:
        audit_seal_pending()
    except Exception as exc:  # noqa: BLE001 - the backup must still be made
        _say(stdout, f"warning: audit events not sealed before the backup: {exc}")

    # Checkpoints first, then the head, then the dump: every checkpoint copied anchors a
    # head at or before the recorded one, which the dump contains.
    checkpoints = []
    checkpoint_dir = Path(settings.NASKAH_AUDIT_CHECKPOINT_DIR)
    for path in _files(checkpoint_dir):
        relative = path.relative_to(checkpoint_dir).as_posix()
        sha, size = _copy_hashed(path, directory / CHECKPOINT_DIR / relative)
        checkpoints.append({"path": relative, "size": size, "sha256": sha})
    head = _audit_head()

    db_file = _dump_database(directory)
    db_sha, db_size = file_sha256(directory / db_file)
    _say(stdout, f"database: {db_file} ({db_size} bytes)")

    files = []
    for name in _stored_names():
        try:
            sha, size = _copy_from_storage(name, directory / MEDIA_DIR / name)
        except FileNotFoundError:
            continue  # a pending file published (moved) or swept meanwhile
        files.append({"path": name, "size": size, "sha256": sha})
    _say(stdout, f"stored files: {len(files)} ({sum(f['size'] for f in files)} bytes)")

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "database": {
            "vendor": connection.vendor,
            "file": db_file,
            "size": db_size,
            "sha256": db_sha,
        },
        "audit_head": head,
        "files": files,
        "checkpoints": checkpoints,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    _say(stdout, f"audit chain head: #{head['seq']} {head['hash'][:16]}…")
    return manifest


def backup_load_manifest(directory) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {directory}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def backup_check(directory) -> list[str]:
    """Problems of the backup folder itself: the database file and every copied file
    against the manifest. Empty when the backup is whole."""
    directory = Path(directory)
    manifest = backup_load_manifest(directory)
    problems = []
    database = manifest["database"]
    path = directory / database["file"]
    if not path.is_file() or file_sha256(path)[0] != database["sha256"]:
        problems.append(f"database file {database['file']} is missing or changed")
    for folder, entries in (
        (MEDIA_DIR, manifest["files"]),
        (CHECKPOINT_DIR, manifest["checkpoints"]),
    ):
        for entry in entries:
            copy = directory / folder / entry["path"]
            if not copy.is_file() or file_sha256(copy) != (entry["sha256"], entry["size"]):
                problems.append(f"{folder}/{entry['path']} is missing or changed in the backup")
    return problems


# --- Restore and verify -----------------------------------------------------------------------


def backup_restore(directory, *, stdout=None) -> dict:
    """Restore the backup in `directory` into the configured database and default storage, both
    of which must be empty. The audit checkpoints go to NASKAH_AUDIT_CHECKPOINT_DIR when
    that is empty. Returns the manifest."""
    directory = Path(directory)
    manifest = backup_load_manifest(directory)
    problems = backup_check(directory)
    if problems:
        raise BackupError("the backup is damaged: " + "; ".join(problems[:10]))
    if _stored_names():
        where = f"MEDIA_ROOT {_media_root()}" if _local_storage() else "the storage bucket"
        raise BackupError(f"{where} is not empty; restore only into empty storage")

    _load_database(directory, manifest)
    _say(stdout, f"database restored from {manifest['database']['file']}")
    for entry in manifest["files"]:
        sha = _copy_to_storage(directory / MEDIA_DIR / entry["path"], entry["path"])
        if sha != entry["sha256"]:
            raise BackupError(f"{entry['path']} changed while it was restored")
    _say(stdout, f"stored files restored: {len(manifest['files'])}")
    checkpoint_dir = Path(settings.NASKAH_AUDIT_CHECKPOINT_DIR)
    if manifest["checkpoints"] and _empty_dir(checkpoint_dir):
        for entry in manifest["checkpoints"]:
            _copy_hashed(directory / CHECKPOINT_DIR / entry["path"], checkpoint_dir / entry["path"])
        _say(stdout, f"audit checkpoints restored: {len(manifest['checkpoints'])}")
    return manifest


def backup_verify(directory, *, sample: int = 5, stdout=None) -> list[str]:  # noqa: C901 - independent checks, every problem reported
    """Check the configured database and storage against the backup in `directory`: the
    audit chain (`verify_audit`, with the backup's checkpoints), the recorded chain head,
    every stored file's hash, and the signatures of `sample` sealed PDFs chosen at random.
    Returns the problems found (empty: verified)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from core.models import AuditEvent, AuditHead
    from naskah.models import DokumenTersegel
    from naskah.services.signing import sealed_bytes
    from signing.validation import pdf_validate

    directory = Path(directory)
    manifest = backup_load_manifest(directory)
    problems: list[str] = []

    out, err = StringIO(), StringIO()
    options = {}
    if (directory / CHECKPOINT_DIR).is_dir():
        options["checkpoints"] = str(directory / CHECKPOINT_DIR)
    try:
        call_command("verify_audit", stdout=out, stderr=err, **options)
        _say(stdout, out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "")
    except CommandError as exc:
        problems.append(f"audit chain: {exc}")
        problems.extend(line for line in err.getvalue().splitlines() if line)

    head = manifest["audit_head"]
    if head["seq"]:
        at_seq = AuditEvent.objects.filter(seq=head["seq"]).values_list("hash", flat=True).first()
        if at_seq != head["hash"]:
            problems.append(f"audit event #{head['seq']} does not carry the recorded head hash")
    current = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    if current < head["seq"]:
        problems.append(f"the audit chain ends at #{current}, before the recorded #{head['seq']}")

    bad_files = 0
    for entry in manifest["files"]:
        try:
            found = stored_sha256(entry["path"])
        except FileNotFoundError:
            found = None
        if found != (entry["sha256"], entry["size"]):
            bad_files += 1
            if bad_files <= 20:
                problems.append(f"stored file {entry['path']} is missing or differs")
    if bad_files > 20:
        problems.append(f"… {bad_files} stored files missing or different in all")
    _say(stdout, f"stored files checked: {len(manifest['files'])}, {bad_files} bad")

    ids = list(DokumenTersegel.objects.values_list("pk", flat=True))
    chosen = random.sample(ids, min(sample, len(ids)))  # noqa: S311 - a sample, not a secret
    for dokumen in DokumenTersegel.objects.filter(pk__in=chosen).order_by("pk"):
        try:
            pdf = sealed_bytes(dokumen)
        except OSError:
            problems.append(f"sealed PDF {dokumen.pk} cannot be read")
            continue
        if hashlib.sha256(pdf).hexdigest() != dokumen.sha256:
            problems.append(f"sealed PDF {dokumen.pk} does not match its recorded hash")
            continue
        try:
            report = pdf_validate(pdf)
        except Exception as exc:  # noqa: BLE001 - any refusal is a finding
            problems.append(f"sealed PDF {dokumen.pk}: {exc}")
            continue
        if not report.ok:
            problems.append(f"sealed PDF {dokumen.pk}: a signature does not validate")
    _say(stdout, f"signatures checked: {len(chosen)} sealed PDFs")
    return problems

"""Stored files on an S3-compatible store (core.storage_s3), against moto's server mode on
loopback (scripts/s3_local.py, the session's `s3_server` fixture): upload and read, no
overwrite of an existing name, the pending area's publication and sweep, a failed write that
leaves no row, /readyz, and a backup of the bucket."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.models import BerkasTertunda
from core.services.storage import (
    pending_name,
    storage_new_name,
    storage_open,
    storage_publish,
    storage_read,
    storage_save_pending,
    storage_sweep,
)
from core.storage_s3 import NaskahS3Storage, StorageUnavailable


def _keys(s3) -> list[str]:
    listed = s3.client().list_objects_v2(Bucket=s3.bucket)
    return sorted(item["Key"] for item in listed.get("Contents", ()))


def _object(s3, key: str) -> bytes:
    return s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read()


def test_settings_select_s3_from_the_environment(monkeypatch, tmp_path):
    """NASKAH_STORAGE=s3 with the NASKAH_S3_* variables (the secret from a *_FILE)."""
    import importlib

    from core.settings import files as naskah_settings

    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("NASKAH_STORAGE", "s3")
    monkeypatch.setenv("NASKAH_S3_BUCKET", "arsip-prov")
    monkeypatch.setenv("NASKAH_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("NASKAH_S3_REGION", "ap-southeast-3")
    monkeypatch.setenv("NASKAH_S3_ACCESS_KEY_ID", "naskah")
    monkeypatch.setenv("NASKAH_S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.setenv("NASKAH_S3_ADDRESSING_STYLE", "path")
    try:
        config = naskah_settings._default_storage()
        assert config["BACKEND"] == "core.storage_s3.NaskahS3Storage"
        options = config["OPTIONS"]
        assert options["bucket_name"] == "arsip-prov"
        assert options["secret_key"] == "from-a-file"
        assert options["endpoint_url"] == "http://127.0.0.1:9000"
        assert options["addressing_style"] == "path" and options["file_overwrite"] is False
        assert (options["object_lock_mode"], options["object_lock_days"]) == ("", 0)
        monkeypatch.setenv("NASKAH_S3_OBJECT_LOCK_MODE", "compliance")
        monkeypatch.setenv("NASKAH_S3_OBJECT_LOCK_DAYS", "3650")
        options = naskah_settings._default_storage()["OPTIONS"]
        assert (options["object_lock_mode"], options["object_lock_days"]) == ("COMPLIANCE", 3650)
        monkeypatch.setenv("NASKAH_S3_OBJECT_LOCK_MODE", "forever")
        with pytest.raises(Exception, match="GOVERNANCE or COMPLIANCE"):
            naskah_settings._default_storage()
        monkeypatch.delenv("NASKAH_S3_OBJECT_LOCK_MODE")
        # Any storage given whole as JSON wins.
        monkeypatch.setenv(
            "NASKAH_STORAGE_DEFAULT",
            '{"BACKEND": "core.storage_s3.NaskahS3Storage", "OPTIONS": {"bucket_name": "b"}}',
        )
        assert naskah_settings._default_storage()["OPTIONS"] == {"bucket_name": "b"}
        monkeypatch.delenv("NASKAH_STORAGE_DEFAULT")
        monkeypatch.delenv("NASKAH_S3_BUCKET")
        with pytest.raises(Exception, match="NASKAH_S3_BUCKET"):
            naskah_settings._default_storage()
        monkeypatch.setenv("NASKAH_STORAGE", "ftp")
        with pytest.raises(Exception, match="local or s3"):
            naskah_settings._default_storage()
    finally:
        importlib.invalidate_caches()


def test_upload_read_list_and_verify_hash(s3_storage):
    payload = b"%PDF-1.7 stored in a bucket"
    name = storage_new_name("uji", ".pdf")
    assert default_storage.save(name, ContentFile(payload)) == name
    assert isinstance(default_storage._wrapped, NaskahS3Storage)  # the fixture's setting
    assert _keys(s3_storage) == [name]  # really in the bucket, under exactly that name
    assert storage_read(name) == payload
    assert hashlib.sha256(_object(s3_storage, name)).hexdigest() == (
        hashlib.sha256(payload).hexdigest()
    )
    folder, base = name.rsplit("/", 1)
    assert default_storage.listdir(folder) == ([], [base])
    assert default_storage.size(name) == len(payload)
    assert timezone.now() - default_storage.get_modified_time(name) < dt.timedelta(minutes=5)
    with pytest.raises(NotImplementedError):
        default_storage.path(name)  # nothing may rely on a local path
    # A name that is gone answers as on a disk (storage_sweep relies on it).
    missing = storage_new_name("uji", ".pdf")
    with pytest.raises(FileNotFoundError):
        default_storage.get_modified_time(missing)
    with pytest.raises(FileNotFoundError):
        default_storage.open(missing)
    assert not default_storage.exists(missing)


def test_a_stored_name_is_never_overwritten(s3_storage, monkeypatch):
    name = storage_new_name("tersegel", ".pdf")
    default_storage.save(name, ContentFile(b"sealed once"))
    with pytest.raises(FileExistsError):
        default_storage.save(name, ContentFile(b"something else"))
    # Even when the exists-check is raced (another writer between check and upload), the
    # conditional write (If-None-Match: *) makes the store refuse.
    monkeypatch.setattr(NaskahS3Storage, "get_available_name", lambda self, n, max_length=None: n)
    with pytest.raises(FileExistsError):
        default_storage.save(name, ContentFile(b"something else"))
    # A configuration asking for overwrites does not get them.
    storage = NaskahS3Storage(**{**s3_storage.storage_options(), "file_overwrite": True})
    assert storage.file_overwrite is False
    with pytest.raises(FileExistsError):
        storage.save(name, ContentFile(b"something else"))
    assert _object(s3_storage, name) == b"sealed once"


@pytest.mark.django_db
def test_pending_file_is_published_by_copy_and_delete_on_commit(
    s3_storage, django_capture_on_commit_callbacks
):
    name = storage_new_name("tersegel", ".pdf")
    written: list[str] = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        storage_save_pending(name, b"sealed bytes", written)
        assert _keys(s3_storage) == [pending_name(name)]
        # Until published, a committed reader finds it in the pending area.
        with storage_open(name) as handle:
            assert handle.read() == b"sealed bytes"
    assert _keys(s3_storage) == [name]
    assert _object(s3_storage, name) == b"sealed bytes"
    assert not BerkasTertunda.objects.exists()
    assert storage_publish(name) is False  # idempotent


@pytest.mark.django_db
def test_a_failed_write_leaves_no_row_and_no_pending_object(s3_storage, settings):
    """The store refuses the write (the bucket is missing): the transaction rolls back,
    no BerkasTertunda row, nothing pending."""
    options = {**s3_storage.storage_options(), "bucket_name": "naskah-no-such-bucket"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage_s3.NaskahS3Storage", "OPTIONS": options},
    }
    name = storage_new_name("tersegel", ".pdf")
    written: list[str] = []
    with pytest.raises(StorageUnavailable, match="NoSuchBucket"), transaction.atomic():
        storage_save_pending(name, b"never stored", written)
    assert written == []
    assert not BerkasTertunda.objects.exists()
    assert _keys(s3_storage) == []


@pytest.mark.django_db
def test_sweep_on_s3_removes_uncommitted_and_publishes_committed(s3_storage):
    # A transaction that wrote its pending file and then failed: the row rolled back.
    orphan = storage_new_name("tersegel", ".pdf")
    with pytest.raises(RuntimeError), transaction.atomic():
        storage_save_pending(orphan, b"rolled back", [])
        raise RuntimeError("the signing failed after the write")
    assert not BerkasTertunda.objects.exists()
    # A transaction that committed but whose publication never ran (process died).
    committed = storage_new_name("tersegel", ".pdf")
    default_storage.save(pending_name(committed), ContentFile(b"committed"))
    BerkasTertunda.objects.create(nama=committed)

    young = storage_sweep()  # the orphan is younger than the grace period: kept
    assert young == {"published": 1, "deleted": 0, "waiting": 1}
    counts = storage_sweep(now=timezone.now() + dt.timedelta(hours=2))
    assert counts == {"published": 0, "deleted": 1, "waiting": 0}
    assert _keys(s3_storage) == [committed]
    assert _object(s3_storage, committed) == b"committed"
    assert not BerkasTertunda.objects.exists()


@pytest.mark.django_db
def test_readyz_checks_the_bucket(s3_storage, client, settings):
    response = client.get("/readyz")
    body = response.json()
    assert body["checks"]["storage"] == "ok", body
    assert _keys(s3_storage) == []  # no probe object left behind (Object Lock would keep it)
    options = {**s3_storage.storage_options(), "bucket_name": "naskah-no-such-bucket"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage_s3.NaskahS3Storage", "OPTIONS": options},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] != "ok"


def test_object_lock_bucket_accepts_writes_and_publication(s3_server):
    """A bucket with Object Lock (versioning, default retention) as docs/deployment.md
    recommends: writes and the pending area's copy + delete work; the deleted pending
    object leaves a delete marker, the final one stays readable."""
    from scripts.s3_local import LocalS3

    locked = LocalS3("naskah-locked-" + hashlib.sha256(b"x").hexdigest()[:6], port=s3_server.port)
    locked.object_lock_days = 1
    locked.create_bucket(locked.bucket)
    storage = NaskahS3Storage(**{**s3_server.storage_options(), "bucket_name": locked.bucket})
    storage.save("pending/a/b.pdf", ContentFile(b"locked"))
    storage.move("pending/a/b.pdf", "a/b.pdf")
    assert not storage.exists("pending/a/b.pdf") and storage.open("a/b.pdf").read() == b"locked"
    with pytest.raises(FileExistsError):
        storage.save("a/b.pdf", ContentFile(b"other"))
    head = locked.client().head_object(Bucket=locked.bucket, Key="a/b.pdf")
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"]
    versions = locked.client().list_object_versions(Bucket=locked.bucket, Prefix="pending/")
    # The pending copy is hidden by a delete marker; its locked version waits out retention.
    assert [m["Key"] for m in versions.get("DeleteMarkers", ())] == ["pending/a/b.pdf"]
    assert [v["Key"] for v in versions.get("Versions", ())] == ["pending/a/b.pdf"]


def test_naskah_sets_retention_on_stored_files_but_not_on_pending_copies(s3_server):
    """NASKAH_S3_OBJECT_LOCK_MODE/DAYS: each stored file gets its own retention; the pending
    copy gets none, so it is removed for good once published (no second locked copy of
    every sealed PDF), while the published version cannot be deleted."""
    import uuid

    bucket = f"naskah-lock-{uuid.uuid4().hex[:8]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    storage = NaskahS3Storage(
        **{
            **s3_server.storage_options(),
            "bucket_name": bucket,
            "object_lock_mode": "GOVERNANCE",
            "object_lock_days": 30,
        }
    )
    storage.save("pending/naskah/x.pdf", ContentFile(b"sealed"))
    assert "ObjectLockMode" not in client.head_object(Bucket=bucket, Key="pending/naskah/x.pdf")
    storage.move("pending/naskah/x.pdf", "naskah/x.pdf")
    head = client.head_object(Bucket=bucket, Key="naskah/x.pdf")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] > timezone.now() + dt.timedelta(days=29)
    versions = client.list_object_versions(Bucket=bucket)
    pending = [v for v in versions.get("Versions", ()) if v["Key"] == "pending/naskah/x.pdf"]
    for version in pending:  # the unlocked pending version can be purged
        client.delete_object(
            Bucket=bucket, Key="pending/naskah/x.pdf", VersionId=version["VersionId"]
        )
    final = [v for v in versions["Versions"] if v["Key"] == "naskah/x.pdf"][0]
    with pytest.raises(Exception, match="AccessDenied|locked|retention"):
        client.delete_object(Bucket=bucket, Key="naskah/x.pdf", VersionId=final["VersionId"])
    assert storage.open("naskah/x.pdf").read() == b"sealed"


def test_deploy_check_warns_about_s3_without_object_lock(s3_storage, settings):
    from core.checks import check_object_lock

    assert [w.id for w in check_object_lock(None)] == ["naskah.W034"]
    settings.NASKAH_S3_BUCKET_RETENTION = True  # the bucket's default retention
    assert check_object_lock(None) == []
    settings.NASKAH_S3_BUCKET_RETENTION = False
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **default,
            "OPTIONS": {
                **default["OPTIONS"],
                "object_lock_mode": "COMPLIANCE",
                "object_lock_days": 3650,
            },
        },
    }
    assert check_object_lock(None) == []
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert check_object_lock(None) == []

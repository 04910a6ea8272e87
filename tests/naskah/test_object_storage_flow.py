"""A letter signed, served, archived and backed up with an S3-compatible store as the
default storage (moto's server on loopback, the `s3_storage` fixture in tests/conftest.py),
and a signature whose sealed file the store refuses: nothing is kept, no number is used."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arsip.models import ArsipRecord
from arsip.services.intake import arsip_sync_sources
from core.models import BerkasTertunda
from naskah.models import DokumenTersegel, Naskah
from naskah.services.signing import naskah_sign, sealed_bytes
from penomoran.models import Nomor
from tests.naskah.conftest import pdf_bytes
from tests.naskah.test_backup import _restore
from tests.naskah.tte_helpers import PASSPHRASE, enroll, kode, ready_letter

pytestmark = pytest.mark.django_db


def _objects(s3) -> dict[str, bytes]:
    client = s3.client()
    listed = client.list_objects_v2(Bucket=s3.bucket).get("Contents", ())
    return {
        item["Key"]: client.get_object(Bucket=s3.bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def test_sign_serve_archive_and_back_up_on_s3(
    s3_storage, demo, make_draft, client, tmp_path, django_capture_on_commit_callbacks
):
    from naskah.services import backup, lampiran_add
    from tests.letters import advance_letter

    enroll(demo["kadiskominfo"])
    naskah = make_draft(kode_klasifikasi=kode())
    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar hadir",
        berkas=SimpleUploadedFile("daftar-hadir.pdf", pdf_bytes(1)),
    )
    naskah = advance_letter(Naskah.objects.get(pk=naskah.pk), "ready")
    with django_capture_on_commit_callbacks(execute=True):
        dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)

    stored = _objects(s3_storage)
    assert lamp.berkas.name in stored  # the upload went to the bucket
    assert not [key for key in stored if key.startswith("pending/")]  # published
    assert not BerkasTertunda.objects.exists()
    # Verify-hash: the object under the recorded name is the sealed PDF whose SHA-256
    # the row records.
    sealed = stored[dokumen.berkas.name]
    assert hashlib.sha256(sealed).hexdigest() == dokumen.sha256
    assert sealed_bytes(dokumen) == sealed
    import base64

    head = s3_storage.client().head_object(
        Bucket=s3_storage.bucket, Key=dokumen.berkas.name, ChecksumMode="ENABLED"
    )
    assert base64.b64decode(head["ChecksumSHA256"]).hex() == dokumen.sha256  # store agrees
    # The sealed object cannot be replaced through the application's storage.
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with pytest.raises(FileExistsError):
        default_storage.save(dokumen.berkas.name, ContentFile(b"%PDF-1.7 forged"))
    assert _objects(s3_storage)[dokumen.berkas.name] == sealed

    client.force_login(demo["prakommuda"])
    response = client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sealed

    assert arsip_sync_sources().naskah == 1
    record = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(naskah.pk))
    assert record.berkas_pdf in _objects(s3_storage)
    assert (
        record.berkas_pdf_sha256
        == hashlib.sha256(_objects(s3_storage)[record.berkas_pdf]).hexdigest()
    )

    # The backup's stored-file half on S3 (backup_create itself runs outside any
    # transaction, which this test is not: tests/naskah/test_backup.py runs it whole).
    names = backup._stored_names()
    assert names == sorted(_objects(s3_storage))
    copied = {name: backup._copy_from_storage(name, tmp_path / "media" / name) for name in names}
    assert copied[dokumen.berkas.name] == (dokumen.sha256, len(sealed))
    assert backup.stored_sha256(dokumen.berkas.name) == (dokumen.sha256, len(sealed))
    with pytest.raises(backup.BackupError, match="exists in storage already"):
        backup._copy_to_storage(tmp_path / "media" / dokumen.berkas.name, dokumen.berkas.name)


def test_a_sealed_file_the_store_refuses_leaves_no_row_and_no_number(
    s3_storage, demo, monkeypatch, django_capture_on_commit_callbacks
):
    """The store fails the write of the sealed PDF (an injected 500): the signature is
    refused with a clear message, the transaction rolls back (no sealed row, no number
    taken) and no object is left behind."""
    from botocore import client as botocore_client

    from core.errors import ApplicationError

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    before = set(_objects(s3_storage))
    numbers = Nomor.objects.count()
    # The store answers the sealed PDF's write with a 500, where botocore raises it.
    monkeypatch.setattr(
        botocore_client.BaseClient,
        "_make_api_call",
        _fail_pending_puts(botocore_client.BaseClient._make_api_call),
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError) as err:
        naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    assert err.value.code == "store_failed"
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and not naskah.nomor
    assert not DokumenTersegel.objects.filter(tte__naskah=naskah).exists()
    assert Nomor.objects.count() == numbers
    assert not BerkasTertunda.objects.exists()
    assert set(_objects(s3_storage)) == before


def _fail_pending_puts(real):
    from botocore.exceptions import ClientError

    def call(self, operation_name, api_params):
        if operation_name == "PutObject" and str(api_params.get("Key", "")).startswith(
            "pending/naskah/tersegel/"
        ):
            raise ClientError(
                {
                    "Error": {"Code": "InternalError", "Message": "injected"},
                    "ResponseMetadata": {"HTTPStatusCode": 500},
                },
                operation_name,
            )
        return real(self, operation_name, api_params)

    return call


@pytest.fixture
def demo_backup(demo, tmp_path, settings):
    """The demo with its signed letters, checkpointed and backed up (local storage)."""
    from django.core.management import call_command

    from core.services.audit import audit_checkpoint_create
    from naskah.demo import demo_seed_letters

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_seed_letters()
    audit_checkpoint_create()
    call_command("naskah_backup", str(tmp_path / "backup"))
    return tmp_path / "backup"


@pytest.mark.slow
@pytest.mark.skipif(
    django_settings.IS_POSTGRES,
    reason="restores into SQLite; the PostgreSQL restore is in tests/naskah/test_backup.py",
)
@pytest.mark.django_db(transaction=True)
def test_demo_backup_restores_into_an_empty_s3_bucket(
    demo_backup,
    s3_server,
    tmp_path,
    monkeypatch,  # noqa: F811 - the imported fixture
):
    """naskah_restore --verify of the demo's backup into a fresh SQLite database and a new,
    empty bucket (also the way from MEDIA_ROOT to object storage); a second restore into the
    now filled bucket is refused, and an object deleted afterwards is found."""
    import json
    import uuid

    from naskah.services.backup import MANIFEST
    from scripts.s3_local import LocalS3

    bucket = LocalS3(f"naskah-restore-{uuid.uuid4().hex[:8]}", port=s3_server.port)
    bucket.create_bucket(bucket.bucket)
    for key, value in bucket.env().items():
        monkeypatch.setenv(key, value)  # the child process stores into the bucket
    target = tmp_path / "restored"
    target.mkdir()
    url = f"sqlite:///{target / 'naskah.sqlite3'}"

    restored = _restore(demo_backup, target, url, "--verify")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Verified." in restored.stdout
    manifest = json.loads((demo_backup / MANIFEST).read_text())
    stored = _objects(bucket)
    assert {entry["path"] for entry in manifest["files"]} == set(stored)
    for entry in manifest["files"]:
        assert hashlib.sha256(stored[entry["path"]]).hexdigest() == entry["sha256"]
    assert not (target / "media").exists()  # nothing went to a local folder

    again = _restore(demo_backup, target, url)
    assert again.returncode != 0 and "not empty" in again.stderr

    victim = manifest["files"][0]["path"]
    bucket.client().delete_object(Bucket=bucket.bucket, Key=victim)
    missing = _restore(demo_backup, target, url, "--verify-only")
    assert missing.returncode != 0 and victim in missing.stderr

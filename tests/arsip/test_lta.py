"""Archive timestamps (issue 18 item 2): archived letters reach PAdES B-LTA and are
re-timestamped before the last timestamp's certificate expires; idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from arsip.selectors.retention import lta_due
from arsip.services.lta import arsip_lta_renew
from core.models import AuditEvent
from core.services.storage import storage_read
from signing.services import pdf_sign, signer_enroll
from signing.validation import pdf_validate
from tests.arsip.conftest import make_record
from tests.factories import PegawaiFactory, registration_officer
from tests.signing.conftest import PASSPHRASE, _TsaServer, make_pdf


@pytest.fixture
def tsa(tmp_path, settings):
    server = _TsaServer(tmp_path)
    settings.NASKAH_TSA_URL = server.url
    settings.NASKAH_TRUST_ROOTS = [str(server.root_path)]
    settings.NASKAH_LTA_RENEW_DAYS = 7
    yield server
    server.close()


@pytest.fixture
def archived(demo, tsa):
    signer = PegawaiFactory(nama="Kepala Dinas")
    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    signed = pdf_sign(pdf=make_pdf("Surat arsip"), signer=signer, credential=PASSPHRASE).pdf
    name = default_storage.save("test-lta/surat.pdf", ContentFile(signed))
    record = make_record(
        hal="Surat bertanda tangan",
        berkas_pdf=name,
        berkas_pdf_sha256=hashlib.sha256(signed).hexdigest(),
    )
    return record, signed


def test_arrival_is_augmented_to_b_lta_and_rerun_changes_nothing(archived, tsa):
    record, signed = archived
    assert tsa.requests == 1  # the B-T signature
    assert arsip_lta_renew().stamped == 1
    record.refresh_from_db()
    copy = storage_read(record.berkas_pdf_lta)
    assert copy.startswith(signed)  # incremental: the sealed letter is untouched inside
    assert hashlib.sha256(copy).hexdigest() == record.berkas_pdf_lta_sha256
    assert record.berkas_pdf_sha256 == hashlib.sha256(signed).hexdigest()  # unchanged
    assert record.lta_timestamp_at is not None and record.lta_expires_at > record.lta_timestamp_at
    report = pdf_validate(copy)
    assert report.ok, [s.problems for s in report.signatures]
    assert report.signatures[0].pades_level == "B-LTA"
    assert report.signatures[-1].kind == "document_timestamp"
    assert AuditEvent.objects.filter(action="arsip.lta_timestamp").count() == 1
    requests = tsa.requests

    again = arsip_lta_renew()  # idempotent
    assert again.stamped == 0 and tsa.requests == requests
    record.refresh_from_db()
    assert storage_read(record.berkas_pdf_lta) == copy


def test_renewed_before_the_timestamp_certificate_expires(archived, tsa, tmp_path, settings):
    record, _signed = archived
    arsip_lta_renew()
    record.refresh_from_db()
    first_copy, first_expiry = record.berkas_pdf_lta, record.lta_expires_at
    later = first_expiry - dt.timedelta(days=5)
    with time_machine.travel(later, tick=True):
        (tmp_path / "tsa2").mkdir()
        new_tsa = _TsaServer(tmp_path / "tsa2")
        try:
            settings.NASKAH_TSA_URL = new_tsa.url
            settings.NASKAH_TRUST_ROOTS = [str(tsa.root_path), str(new_tsa.root_path)]
            assert lta_due().filter(pk=record.pk).exists()
            assert arsip_lta_renew().stamped == 1
            record.refresh_from_db()
            assert record.lta_expires_at > first_expiry
            copy = storage_read(record.berkas_pdf_lta)
            report = pdf_validate(copy)
            kinds = [s.kind for s in report.signatures]
            assert kinds == ["signature", "document_timestamp", "document_timestamp"]
            assert report.ok, [s.problems for s in report.signatures]
            assert arsip_lta_renew().stamped == 0  # idempotent at the new expiry too
        finally:
            new_tsa.close()
    assert not default_storage.exists(first_copy)  # the new copy contains the old one


def test_nothing_without_a_tsa(archived, settings):
    settings.NASKAH_TSA_URL = ""
    assert arsip_lta_renew().stamped == 0

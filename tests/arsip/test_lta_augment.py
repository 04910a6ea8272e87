"""Issue 18 item 2 (rest): B-T letters (BSrE's output; a B-T letter of the local CA and the
local test TSA stands in for it) are augmented on arrival in the archive: B-LT without a
TSA, B-LTA with one; idempotent, recorded on the record; failures recorded, not looped."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import socket

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader

from arsip.services.lta import arsip_lta_arrived, arsip_lta_renew
from arsip.tasks import arsip_lta_record_task
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
    settings.NASKAH_PADES_LEVEL = "B-T"  # what BSrE delivers: B-T, no validation data
    yield server
    server.close()


def _has_dss(pdf: bytes) -> bool:
    return "/DSS" in PdfFileReader(io.BytesIO(pdf), strict=False).root


def _record(pdf: bytes, hal: str = "Surat B-T"):
    name = default_storage.save("test-lta/bt.pdf", ContentFile(pdf))
    return make_record(hal=hal, berkas_pdf=name, berkas_pdf_sha256=hashlib.sha256(pdf).hexdigest())


@pytest.fixture
def b_t_letter(demo, tsa):
    signer = PegawaiFactory(nama="Pejabat BSrE")
    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    signed = pdf_sign(pdf=make_pdf("Surat B-T"), signer=signer, credential=PASSPHRASE).pdf
    assert not _has_dss(signed)
    report = pdf_validate(signed)
    assert report.signatures[0].pades_level == "B-T"
    return signed


def _tamper(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (PALSU) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_b_t_becomes_b_lt_without_tsa_then_b_lta_once_a_tsa_is_configured(
    b_t_letter, tsa, settings
):
    record = _record(b_t_letter)
    tsa_url = settings.NASKAH_TSA_URL
    settings.NASKAH_TSA_URL = ""
    result = arsip_lta_renew()
    assert (result.augmented, result.stamped, result.failed) == (1, 0, 0)
    record.refresh_from_db()
    assert record.lta_level == "B-LT" and record.lta_error == ""
    assert record.lta_timestamp_at is None and record.lta_checked_at is not None
    copy = storage_read(record.berkas_pdf_lta)
    assert copy.startswith(b_t_letter) and _has_dss(copy)
    assert hashlib.sha256(copy).hexdigest() == record.berkas_pdf_lta_sha256
    report = pdf_validate(copy)
    assert report.ok, [s.problems for s in report.signatures]
    assert report.signatures[0].pades_level == "B-LT"
    assert AuditEvent.objects.filter(action="arsip.lta_validation_info").count() == 1
    assert arsip_lta_renew().augmented == 0  # idempotent
    record.refresh_from_db()
    assert storage_read(record.berkas_pdf_lta) == copy

    settings.NASKAH_TSA_URL = tsa_url  # a TSA arrives: the B-LT copy is stamped
    assert arsip_lta_renew().stamped == 1
    record.refresh_from_db()
    assert record.lta_level == "B-LTA" and record.lta_expires_at is not None
    stamped = storage_read(record.berkas_pdf_lta)
    assert stamped.startswith(copy)
    report = pdf_validate(stamped)
    assert report.ok, [s.problems for s in report.signatures]
    assert report.signatures[0].pades_level == "B-LTA"
    assert report.signatures[-1].kind == "document_timestamp"
    requests = tsa.requests
    assert arsip_lta_renew().stamped == 0 and tsa.requests == requests  # idempotent

    # Tampering after the document timestamp is detected, for its real cause.
    tampered = pdf_validate(_tamper(stamped))
    assert not tampered.ok
    doc_ts = tampered.signatures[-1]
    assert doc_ts.kind == "document_timestamp" and doc_ts.modified_after is True
    assert doc_ts.indication == "TOTAL_FAILED"


def test_arrival_queues_the_augmentation_and_the_task_is_idempotent(
    b_t_letter, tsa, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    record = _record(b_t_letter)
    before = OrmQ.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        arsip_lta_arrived(record)
    assert OrmQ.objects.count() == before + 1
    assert arsip_lta_record_task(record.pk) == "stored"
    assert arsip_lta_record_task(record.pk) == "not due"
    record.refresh_from_db()
    assert record.lta_level == "B-LTA"


def test_failure_is_recorded_on_the_record_and_retried_later(b_t_letter, settings):
    record = _record(b_t_letter)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.NASKAH_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    settings.NASKAH_TSA_TIMEOUT = 2
    assert arsip_lta_renew().failed == 1
    record.refresh_from_db()
    assert record.lta_error and record.lta_level == "" and not record.berkas_pdf_lta
    assert arsip_lta_renew().failed == 0  # not retried in a tight loop
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        assert arsip_lta_renew().failed == 1  # tried again after LTA_RETRY_AFTER


def test_unsigned_pdf_is_marked_and_left_alone(demo, tsa):
    record = _record(make_pdf("Surat masuk pindaian"), hal="Pindaian")
    assert arsip_lta_renew().failed == 0
    record.refresh_from_db()
    assert record.lta_level == "none" and record.lta_error == "" and not record.berkas_pdf_lta
    assert tsa.requests == 0
    assert arsip_lta_renew().skipped == 0 and arsip_lta_renew().stamped == 0

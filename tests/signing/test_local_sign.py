"""PAdES signing with the local backend, checked by pyHanko and by poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess

import pytest
import time_machine
from pypdf import PdfWriter

from core.errors import ApplicationError
from core.models import AuditEvent
from signing.models import SignerCertificate
from signing.services import certificate_revoke, pdf_sign, signer_enroll, signer_unlock
from signing.validation import pdf_validate
from tests.factories import PegawaiFactory, registration_officer
from tests.signing.conftest import PASSPHRASE, make_pdf

PDFSIG = shutil.which("pdfsig")
needs_pdfsig = pytest.mark.skipif(
    PDFSIG is None, reason="poppler-utils' pdfsig is not installed (apt-get install poppler-utils)"
)


def _pdfsig(tmp_path, data: bytes, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    run = subprocess.run(
        [PDFSIG, "-nocert", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return run.stdout + run.stderr


def _flip_byte_inside_signed_range(data: bytes) -> bytes:
    """Change one byte near the start of the file (inside the first signed byte range)."""
    at = data.index(b"ReportLab Generated")
    tampered = bytearray(data)
    tampered[at] = ord("X")
    return bytes(tampered)


def test_signed_pdf_validates(enrolled, pdf):
    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE, field_name="TTE")
    assert result.pdf.startswith(pdf)  # an incremental update: original bytes untouched
    assert result.sha256 == hashlib.sha256(result.pdf).hexdigest()
    report = pdf_validate(result.pdf)
    assert report.ok
    [sig] = report.signatures
    assert sig.field_name == "TTE"
    assert sig.signer_name == "Budi Santoso"
    assert sig.intact and sig.valid and sig.trusted and not sig.revoked
    assert sig.covers_whole_file and sig.modification_level == "NONE"
    assert sig.timestamp_time is None
    assert sig.signing_time is not None


def test_sign_writes_an_audit_event_without_the_passphrase(enrolled, pdf):
    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE, reason="Setuju")
    event = AuditEvent.objects.get(action="signing.pdf_sign")
    assert event.actor_id == enrolled.pk
    assert event.object_id == result.sha256
    assert event.details["certificate_serial"] == result.certificate.serial_hex
    assert PASSPHRASE not in str(event.details)


@needs_pdfsig
def test_pdfsig_accepts_the_signature_and_rejects_a_tampered_copy(enrolled, pdf, tmp_path):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    out = _pdfsig(tmp_path, signed)
    assert "Signature is Valid" in out, out
    tampered = _flip_byte_inside_signed_range(signed)
    out = _pdfsig(tmp_path, tampered, "tampered.pdf")
    assert "Signature is Valid" not in out
    assert "Digest Mismatch" in out or "Invalid" in out, out


def test_one_byte_changed_inside_the_signed_range_fails_pyhanko(enrolled, pdf):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    report = pdf_validate(_flip_byte_inside_signed_range(signed))
    assert not report.ok
    [sig] = report.signatures
    assert not sig.intact
    assert "The signed bytes were changed after signing." in sig.problems


def test_three_signers_in_sequence_all_validate(db, tmp_path):
    people = [PegawaiFactory(nama=f"Pejabat {n}") for n in range(3)]
    for person in people:
        signer_enroll(signer=person, passphrase=PASSPHRASE, officer=registration_officer())
    doc = make_pdf()
    for n, person in enumerate(people):
        doc = pdf_sign(pdf=doc, signer=person, credential=PASSPHRASE, field_name=f"Paraf_{n}").pdf
    report = pdf_validate(doc)
    assert report.ok
    assert [s.signer_name for s in report.signatures] == ["Pejabat 0", "Pejabat 1", "Pejabat 2"]
    assert [s.covers_whole_file for s in report.signatures] == [False, False, True]
    assert all(s.intact and s.valid and s.trusted for s in report.signatures)
    assert report.signatures[0].modification_level == "FORM_FILLING"
    if PDFSIG:
        out = _pdfsig(tmp_path, doc)
        assert out.count("Signature is Valid") == 3, out


def test_the_same_field_cannot_be_signed_twice(enrolled, pdf):
    once = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE, field_name="TTE").pdf
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=once, signer=enrolled, credential=PASSPHRASE, field_name="TTE")
    assert info.value.code == "field_already_signed"


def test_wrong_passphrase_is_refused_clearly(enrolled, pdf):
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=pdf, signer=enrolled, credential="bukan-kunci-ini")
    assert info.value.code == "wrong_passphrase"
    assert info.value.message == "The signing passphrase is wrong."
    assert not AuditEvent.objects.filter(action="signing.pdf_sign").exists()


def test_signer_without_certificate_is_told_to_enrol(signer, pdf):
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=pdf, signer=signer, credential=PASSPHRASE)
    assert info.value.code == "no_certificate"


def test_expired_certificate_is_refused_before_signing(enrolled, pdf, settings):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    with (
        time_machine.travel(row.not_after + dt.timedelta(days=1), tick=False),
        pytest.raises(ApplicationError) as info,
    ):
        pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE)
    assert info.value.code == "certificate_expired"
    assert "expired on" in info.value.message
    assert not AuditEvent.objects.filter(action="signing.pdf_sign").exists()


def test_validity_period_is_configurable(signer, settings):
    settings.NASKAH_SIGNING_CERT_VALIDITY_DAYS = 30
    row = signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    assert dt.timedelta(days=29) < row.not_after - row.not_before < dt.timedelta(days=31)


def test_revoked_certificate_is_refused(enrolled, admin_user, pdf):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    certificate_revoke(certificate=row, actor=admin_user, reason="Passphrase lupa")
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE)
    assert info.value.code == "certificate_revoked"
    assert "Passphrase lupa" in info.value.message


def test_revocation_during_a_batch_stops_the_next_document(enrolled, admin_user):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    with signer_unlock(signer=enrolled, passphrase=PASSPHRASE) as key:
        pdf_sign(pdf=make_pdf("satu"), signer=enrolled, credential=key)
        certificate_revoke(certificate=row, actor=admin_user, reason="Dicabut")
        with pytest.raises(ApplicationError) as info:
            pdf_sign(pdf=make_pdf("dua"), signer=enrolled, credential=key)
    assert info.value.code == "certificate_revoked"


def test_signature_of_a_revoked_certificate_is_reported(enrolled, admin_user, pdf):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    row = SignerCertificate.objects.get(pegawai=enrolled)
    certificate_revoke(certificate=row, actor=admin_user, reason="Kunci bocor")
    report = pdf_validate(signed)
    [sig] = report.signatures
    assert sig.revoked and not sig.ok and sig.intact


def test_batch_unlock_signs_many_and_locks_on_exit(enrolled):
    with signer_unlock(signer=enrolled, passphrase=PASSPHRASE) as key:
        results = [
            pdf_sign(pdf=make_pdf(f"surat {n}"), signer=enrolled, credential=key) for n in range(3)
        ]
    assert all(pdf_validate(r.pdf).ok for r in results)
    assert key.closed
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=make_pdf(), signer=enrolled, credential=key)
    assert info.value.code == "key_locked"


def test_an_unlocked_key_cannot_sign_for_someone_else(enrolled, db):
    other = PegawaiFactory()
    signer_enroll(signer=other, passphrase=PASSPHRASE, officer=registration_officer())
    with (
        signer_unlock(signer=enrolled, passphrase=PASSPHRASE) as key,
        pytest.raises(ApplicationError) as info,
    ):
        pdf_sign(pdf=make_pdf(), signer=other, credential=key)
    assert info.value.code == "key_mismatch"


def test_an_unlocked_key_cannot_be_pickled(enrolled):
    import pickle

    with signer_unlock(signer=enrolled, passphrase=PASSPHRASE) as key:
        with pytest.raises(TypeError):
            pickle.dumps(key)
        assert PASSPHRASE not in repr(key)


def test_b_t_with_a_timestamp_authority(enrolled, pdf, tsa, tmp_path):
    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE)
    assert result.timestamped
    assert tsa.requests == 1
    report = pdf_validate(result.pdf)
    [sig] = report.signatures
    assert sig.timestamp_time is not None
    assert sig.timestamp_valid is True
    assert report.ok
    if PDFSIG:
        assert "Signature is Valid" in _pdfsig(tmp_path, result.pdf)


def test_unreachable_timestamp_authority_signs_nothing(enrolled, pdf, settings):
    settings.NASKAH_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.NASKAH_TSA_TIMEOUT = 2
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE)
    assert info.value.code == "tsa_unavailable"
    assert not AuditEvent.objects.filter(action="signing.pdf_sign").exists()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_pdf"),
        (b"hello, this is not a pdf", "not_pdf"),
        (b"%PDF-1.7\n garbage without objects", "pdf_damaged"),
    ],
)
def test_signing_bad_input_is_refused(enrolled, data, code):
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=data, signer=enrolled, credential=PASSPHRASE)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"GIF89a not a pdf", "not_pdf"), (b"%PDF-1.4\n%%EOF junk", "pdf_damaged")],
)
def test_validating_bad_input_gives_a_clear_error(db, data, code):
    with pytest.raises(ApplicationError) as info:
        pdf_validate(data)
    assert info.value.code == code


def test_validating_an_unsigned_pdf_says_so(db, pdf):
    with pytest.raises(ApplicationError) as info:
        pdf_validate(pdf)
    assert info.value.code == "unsigned"
    assert info.value.message == "The PDF has no electronic signature."


def test_metadata_change_after_signing_is_reported_honestly(enrolled, pdf):
    """tech-notes 1.2: pyHanko's default diff policy accepts an /Info-only update."""
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_metadata({"/Title": "Nomor palsu 999"})
    out = io.BytesIO()
    writer.write(out)
    report = pdf_validate(out.getvalue())
    [sig] = report.signatures
    assert sig.intact and sig.valid
    assert not sig.covers_whole_file
    assert report.notes and "updated after its last signature" in report.notes[0]


def test_certificate_from_an_untrusted_root_is_not_trusted(enrolled, pdf, settings):
    from signing.models import CertificateAuthority

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    CertificateAuthority.objects.all().delete()  # a verifier that does not know this CA
    report = pdf_validate(signed)
    [sig] = report.signatures
    assert sig.intact and not sig.trusted and not report.ok


def test_document_timestamp_is_listed_and_keeps_the_signature_valid(enrolled, pdf, tsa):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stamped = PdfTimeStamper(tsa.stamper).timestamp_pdf(writer, md_algorithm="sha256").getvalue()
    report = pdf_validate(stamped)
    first, archive = report.signatures
    assert first.kind == "signature" and first.ok
    assert first.modification_level == "LTA_UPDATES"
    assert archive.kind == "document_timestamp"
    assert archive.signer_name == "Test TSA"
    assert archive.timestamp_time is not None and archive.ok
    assert report.ok and archive.covers_whole_file

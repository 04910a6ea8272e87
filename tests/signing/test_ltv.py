"""Issue 18: CRL and OCSP of the local CA, PAdES B-LT/B-LTA, the ETSI-shaped report.

pyHanko's validator gets the CRL from `signing.pki.crl_current` in-process (the same
bytes /pki/crl/ serves; the view is tested separately with Django's test client), and
the OCSP responses embedded at signing come from `signing.pki`'s responder in-process.
Nothing goes over the network except the loopback RFC 3161 TSA of the `tsa` fixture.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import shutil
import subprocess

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from core.models import AuditEvent
from signing import crypto, pki
from signing.backends.local import ca_certificate, key_open, long_term_validation_context
from signing.models import SignerCertificate
from signing.pades import CachedKeySigner, pades_sign, timestamper_from_settings
from signing.services import certificate_revoke, pdf_sign
from signing.validation import pdf_validate, validation_report_json
from tests.signing.conftest import PASSPHRASE, make_pdf

PDFSIG = shutil.which("pdfsig")


def _row(signer) -> SignerCertificate:
    return SignerCertificate.objects.for_signer(signer).order_by("-created_at").first()


def _cert(signer) -> x509.Certificate:
    return crypto.certificate_load(_row(signer).certificate_pem)


def _ocsp_request(cert: x509.Certificate, nonce: bytes | None = None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, ca_certificate(), hashes.SHA1())  # noqa: S303
    if nonce:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


@pytest.fixture
def lta(settings, tsa):
    settings.NASKAH_PADES_LEVEL = "B-LTA"
    return tsa


# --- 1. revocation the world can check -------------------------------------------------------


def test_new_certificates_name_the_crl_and_ocsp_urls(enrolled, settings):
    cert = _cert(enrolled)
    base = settings.NASKAH_PUBLIC_BASE_URL.rstrip("/")
    dps = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    [url] = [n.value for dp in dps for n in dp.full_name]
    assert url.startswith(base + "/pki/crl/") and url.endswith(".crl")
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    ocsp_urls = [
        a.access_location.value for a in aia if a.access_method.dotted_string.endswith("48.1")
    ]
    assert ocsp_urls == [base + "/pki/ocsp/"]


def test_crl_view_lists_a_revocation_with_its_reason_at_once(enrolled, admin_user, client):
    ca = ca_certificate()
    serial = format(ca.serial_number, "x")
    url = f"/pki/crl/{serial}.crl"
    first = x509.load_der_x509_crl(client.get(url).content)
    assert first.is_signature_valid(ca.public_key())
    assert first.get_revoked_certificate_by_serial_number(_cert(enrolled).serial_number) is None
    certificate_revoke(
        certificate=_row(enrolled),
        actor=admin_user,
        reason="Kunci bocor",
        reason_code="key_compromise",
    )
    response = client.get(url)  # no login needed
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(ca.public_key())
    entry = crl.get_revoked_certificate_by_serial_number(_cert(enrolled).serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number > first.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    event = AuditEvent.objects.get(action="signing.certificate_revoke")
    assert event.details["reason_code"] == "key_compromise"
    assert client.get("/pki/crl/abc.crl").status_code == 404


def test_ocsp_answers_good_then_revoked_signed_by_a_delegated_responder(
    enrolled, admin_user, client
):
    cert = _cert(enrolled)
    request = _ocsp_request(cert, nonce=b"0123456789abcdef")
    response = client.post("/pki/ocsp/", request, content_type="application/ocsp-request")
    assert response.status_code == 200
    answer = ocsp.load_der_ocsp_response(response.content)
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == cert.serial_number
    [responder] = answer.certificates
    assert responder.issuer == ca_certificate().subject
    eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.OCSP_SIGNING in eku
    assert responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
    responder.public_key().verify(
        answer.signature,
        answer.tbs_response_bytes,
        __import__(
            "cryptography.hazmat.primitives.asymmetric.padding"
        ).hazmat.primitives.asymmetric.padding.PKCS1v15(),
        answer.signature_hash_algorithm,
    )
    nonce = answer.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    assert nonce == b"0123456789abcdef"

    certificate_revoke(certificate=_row(enrolled), actor=admin_user, reason="Pensiun")
    encoded = base64.b64encode(_ocsp_request(cert)).decode()
    response = client.get(f"/pki/ocsp/{encoded}")  # RFC 5019 GET form
    answer = ocsp.load_der_ocsp_response(response.content)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert abs(answer.revocation_time_utc - _row(enrolled).revoked_at) < dt.timedelta(seconds=1)


def test_ocsp_refuses_garbage_and_other_issuers(enrolled, client):
    answer = ocsp.load_der_ocsp_response(
        client.post("/pki/ocsp/", b"garbage", content_type="x").content
    )
    assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    key = crypto.rsa_generate(2048)
    other_ca = crypto.ca_certificate_build(
        key, common_name="Other CA", organisation="X", days=1, now=dt.datetime.now(dt.UTC)
    )
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            pki._name_hash(other_ca, hashes.SHA1()),  # noqa: S303
            pki._key_hash(other_ca, hashes.SHA1()),  # noqa: S303
            5,
            hashes.SHA1(),  # noqa: S303
        )
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = ocsp.load_der_ocsp_response(
        client.post("/pki/ocsp/", request, content_type="x").content
    )
    assert answer.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


def _sign_with_raw_key(signer, pdf: bytes, field: str, level: str) -> bytes:
    """Sign bypassing the service's revocation check (a stolen key, after revocation)."""
    row = _row(signer)
    cert = crypto.certificate_load(row.certificate_pem)
    from django.conf import settings

    return pades_sign(
        pdf,
        signer=CachedKeySigner(
            private_key=key_open(row, PASSPHRASE), certificate=cert, chain=[ca_certificate()]
        ),
        field_name=field,
        timestamper=timestamper_from_settings(settings.NASKAH_TSA_URL),
        level=level,
        validation_context=long_term_validation_context([cert]) if level != "B-T" else None,
    )


def test_revoked_after_signing_stays_valid_earlier_and_fails_later(
    enrolled, admin_user, tsa, settings
):
    settings.NASKAH_PADES_LEVEL = "B-LT"
    before = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).pdf
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), tick=True):
        certificate_revoke(certificate=_row(enrolled), actor=admin_user, reason="Kunci bocor")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2), tick=True):
        after = _sign_with_raw_key(enrolled, make_pdf("Surat kedua"), "TTE", "B-T")
        [early] = pdf_validate(before).signatures
        [late] = pdf_validate(after).signatures
    assert early.indication == "TOTAL_PASSED", early.problems
    assert early.revocation_status == "revoked_later"
    assert early.revoked and early.revoked_at is not None
    assert late.indication == "TOTAL_FAILED" and late.sub_indication == "REVOKED"
    assert late.revocation_status == "revoked"
    assert late.intact and late.valid  # the failure is the revocation, nothing else
    # After the CRL is re-signed (thisUpdate later than the late signature's timestamp)
    # the late signature is still reported revoked.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=5), tick=True):
        pki.crl_regenerate()
        [late_again] = pdf_validate(after).signatures
        [early_again] = pdf_validate(before).signatures
    assert (late_again.indication, late_again.sub_indication) == ("TOTAL_FAILED", "REVOKED")
    assert early_again.indication == "TOTAL_PASSED"


def test_revoked_without_proof_of_existence_is_indeterminate(enrolled, admin_user, pdf):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf  # B-B
    certificate_revoke(certificate=_row(enrolled), actor=admin_user, reason="Pindah tugas")
    [sig] = pdf_validate(signed).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert sig.revoked and not sig.ok


# --- 2. PAdES B-LT and B-LTA ------------------------------------------------------------------


def test_b_lta_structure_dss_and_document_timestamp(enrolled, pdf, lta):
    from pyhanko.pdf_utils.reader import PdfFileReader

    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE, field_name="TTE")
    assert result.level == "B-LTA"
    reader = PdfFileReader(io.BytesIO(result.pdf))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2 and len(dss["/OCSPs"]) >= 1
    sigs = reader.embedded_signatures
    assert [s.sig_object_type for s in sigs] == ["/Sig", "/DocTimeStamp"]
    # The document timestamp covers the whole file, the DSS included.
    dss_offset = result.pdf.index(b"/DSS")
    start, length = sigs[1].byte_range[2], sigs[1].byte_range[3]
    assert sigs[1].byte_range[0] == 0 and dss_offset < sigs[1].byte_range[1]
    # pyHanko appends the TSA's own validation data after the document timestamp (for the
    # next archive timestamp to cover): a validation-data-only update.
    assert start + length <= len(result.pdf)
    report = pdf_validate(result.pdf)
    assert report.ok, [s.problems for s in report.signatures]
    sig, doc_ts = report.signatures
    assert sig.pades_level == "B-LTA" and sig.revocation_status == "good"
    assert sig.trust_anchor and sig.chain[-1] == sig.trust_anchor
    assert doc_ts.kind == "document_timestamp" and doc_ts.indication == "TOTAL_PASSED"
    assert doc_ts.modification_level in {"NONE", "LTA_UPDATES"}


def test_b_lta_validates_as_lta_in_pyhanko(enrolled, pdf, lta):
    """pyHanko's own ETSI EN 319 102-1 5.6.3 long-term validation, with revocation data
    required for the signer and only what the document carries (no fetching)."""
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        REQUIRE_REVINFO,
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from signing.validation import trust_roots

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    reader = PdfFileReader(io.BytesIO(signed))
    trust = SimpleTrustManager.build(trust_roots=trust_roots())
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=trust, revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)
            ),
            # the test TSA publishes no revocation data
            ts_cert_validation_policy=CertValidationPolicySpec(
                trust_manager=trust,
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy.from_legacy("soft-fail")
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    result = asyncio.run(ades_lta_validation(reader.embedded_signatures[0], spec))
    assert result.ades_subindic == AdESPassed.OK, result.ades_subindic
    assert result.oldest_evidence_record_timestamp is not None


@pytest.mark.skipif(PDFSIG is None, reason="poppler-utils' pdfsig is not installed")
def test_pdfsig_accepts_a_b_lta_letter(enrolled, pdf, lta, tmp_path):
    path = tmp_path / "lta.pdf"
    path.write_bytes(pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf)
    run = subprocess.run(
        [PDFSIG, "-nocert", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    out = run.stdout + run.stderr
    assert out.count("Signature is Valid") >= 1, out
    assert "Signature is Invalid" not in out and "Digest Mismatch" not in out, out


def test_tampering_after_the_document_timestamp_is_detected(enrolled, pdf, lta):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (PALSU) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = pdf_validate(out.getvalue())
    sig, doc_ts = report.signatures
    assert not report.ok
    assert (doc_ts.indication, doc_ts.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert doc_ts.modified_after is True
    assert sig.indication == "TOTAL_FAILED" and sig.modified_after is True


def test_level_b_lta_needs_a_tsa(enrolled, pdf, settings):
    from signing.pades import PadesError

    settings.NASKAH_TSA_URL = ""
    settings.NASKAH_PADES_LEVEL = "B-LTA"
    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE)
    assert result.level == "B-B"  # the system check warns; signing degrades to B-B
    with pytest.raises(PadesError):
        _sign_with_raw_key(enrolled, pdf, "X", "B-LTA")


# --- 3. the report's indications, each for its real cause ----------------------------------


def _flip(data: bytes) -> bytes:
    at = data.index(b"ReportLab Generated")
    return data[:at] + b"X" + data[at + 1 :]


def test_one_byte_change_is_a_hash_failure_and_nothing_else(enrolled, pdf):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    [sig] = pdf_validate(_flip(signed)).signatures
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "HASH_FAILURE")
    assert sig.modified_after is None and sig.modification_level == "UNKNOWN"
    assert sig.problems == ("The signed bytes were changed after signing.",)
    assert "no changes after signing" not in sig.modification_text


def test_untrusted_certificate_is_no_certificate_chain_found(enrolled, pdf, monkeypatch):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    monkeypatch.setattr("signing.validation.trust_roots", lambda: [])
    [sig] = pdf_validate(signed).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert sig.intact and sig.modified_after is False


def test_expired_certificate_without_timestamp_is_out_of_bounds(enrolled, pdf):
    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    with time_machine.travel(_row(enrolled).not_after + dt.timedelta(days=2), tick=False):
        [sig] = pdf_validate(signed).signatures
    assert sig.indication == "INDETERMINATE"
    assert sig.sub_indication == "OUT_OF_BOUNDS_NO_POE", sig.problems


def test_content_changed_after_signing_is_reported_as_such(enrolled, pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    [sig] = pdf_validate(out.getvalue()).signatures
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert sig.intact and sig.valid and sig.trusted and sig.modified_after is True


def test_json_report_shape(enrolled, pdf):
    report = pdf_validate(pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf)
    data = validation_report_json(report)
    [sig] = data["signatures"]
    assert data["valid"] is True
    assert sig["indication"] == "TOTAL_PASSED" and sig["sub_indication"] is None
    assert sig["signature_level"] == "PAdES-BASELINE-B"
    assert sig["revocation_status"] == "good" and sig["modified_after_signing"] is False
    assert sig["trust_anchor"] and sig["certificate_chain"][0].startswith("Common Name: Budi")


def test_verification_upload_answers_json_with_the_real_cause(enrolled, pdf, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE).pdf
    response = client.post(
        "/verifikasi/?format=json",
        {"berkas": SimpleUploadedFile("surat.pdf", _flip(signed), "application/pdf")},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is False and data["sealed_in_naskah"] is False
    [sig] = data["signatures"]
    assert (sig["indication"], sig["sub_indication"]) == ("TOTAL_FAILED", "HASH_FAILURE")
    assert sig["modified_after_signing"] is None
    html = client.post(
        "/verifikasi/",
        {"berkas": SimpleUploadedFile("surat.pdf", _flip(signed), "application/pdf")},
    ).content.decode()
    assert "HASH_FAILURE" in html
    assert "cannot be determined" in html  # what changed cannot be known, not "no changes"
    assert "no changes after signing" not in html


def test_crl_is_refreshed_before_its_next_update_by_the_scheduled_task(enrolled):
    from signing.models import CertificateAuthority

    pki.crl_current()
    ca = CertificateAuthority.objects.get(pk=1)
    number, next_update = ca.crl_number, ca.crl_next_update
    assert pki.crl_refresh_task().startswith(f"CRL {number} ")  # fresh: nothing to do
    with time_machine.travel(next_update - dt.timedelta(hours=1), tick=False):
        pki.crl_refresh_task()
    ca.refresh_from_db()
    assert ca.crl_number == number + 1 and ca.crl_next_update > next_update


def test_pades_level_checks(settings):
    from signing.checks import _pades_level_problems

    settings.NASKAH_TSA_URL, settings.NASKAH_PADES_LEVEL = "", "B-X"
    assert [p.id for p in _pades_level_problems()] == ["signing.E004"]
    settings.NASKAH_PADES_LEVEL = "B-LTA"
    assert [p.id for p in _pades_level_problems()] == ["signing.W003"]
    settings.NASKAH_TSA_URL, settings.NASKAH_PADES_LEVEL = "http://tsa.example", "B-T"
    assert [p.id for p in _pades_level_problems()] == ["signing.W004"]
    settings.NASKAH_PADES_LEVEL = "B-LTA"
    assert _pades_level_problems() == []


def test_pyhanko_uses_the_ocsp_answer_of_the_view(enrolled, admin_user, tsa, client):
    """OCSP only (no CRL): the response served by /pki/ocsp/ is given to pyHanko's
    validator, which must check OCSP for the signer. Before the revocation the signature is
    trusted; after it, validated now with a fresh answer it is revoked; validated at its
    timestamp with the answer of signing time (what B-LT embeds) it is still good."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    from signing.validation import trust_roots

    ocsp_required = CertRevTrustPolicy(
        RevocationCheckingPolicy(
            ee_certificate_rule=RevocationCheckingRule.OCSP_REQUIRED,
            intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK,
        )
    )
    signed = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).pdf  # B-T
    cert = _cert(enrolled)

    def fetch() -> bytes:
        return client.post("/pki/ocsp/", _ocsp_request(cert), content_type="x").content

    def status(answer: bytes, moment=None):
        context = ValidationContext(
            trust_roots=trust_roots(),
            ocsps=[answer],
            allow_fetching=False,
            revinfo_policy=ocsp_required,
            retroactive_revinfo=True,
            moment=moment,
        )
        ts_context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
        return validate_pdf_signature(sig, context, ts_context)

    at_signing_answer = fetch()  # what B-LT embeds in the DSS at signing
    before = status(at_signing_answer)
    assert before.trusted and not before.revoked
    stamped_at = before.timestamp_validity.timestamp
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), tick=True):
        certificate_revoke(certificate=_row(enrolled), actor=admin_user, reason="Kunci bocor")
        now = status(fetch())
        at_signing = status(at_signing_answer, moment=stamped_at)
    assert now.revoked and not now.trusted
    assert at_signing.trusted and not at_signing.revoked

"""Issue 18 item 6 and its "Checked by": a demo letter (the demo's surat dinas, rendered as
for signing) signed at PAdES B-LTA with the local TSA carries the signer's revocation data
in its DSS, validates as B-LTA in pyHanko's own ETSI long-term validation and as a
cryptographically valid signature in poppler's pdfsig (which does not trust the instance
CA: that needs it imported as a trust anchor, docs/signing.md); revoking the signer
afterwards leaves it valid, in Naskah's report and in pyHanko given the new CRL."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import shutil
import subprocess

import pytest
import time_machine
from cryptography import x509

from naskah.context import naskah_render_pdf
from naskah.samples import sample_revision, samples
from signing.models import CertificateAuthority, SignerCertificate
from signing.services import certificate_revoke, pdf_sign, signer_enroll
from signing.validation import pdf_validate, trust_roots
from tests.factories import registration_officer
from tests.signing.conftest import PASSPHRASE

PDFSIG = shutil.which("pdfsig")


def _lta_spec(known_crls=()):
    from pyhanko.sign.validation.policy_decl import (
        LocalKnowledge,
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

    trust = SimpleTrustManager.build(trust_roots=trust_roots())
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=trust, revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)
            ),
            ts_cert_validation_policy=CertValidationPolicySpec(
                trust_manager=trust,
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy.from_legacy("soft-fail")
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=LocalKnowledge(known_crls=list(known_crls)),
        )
    )


def _pdfsig_valid(path) -> None:
    for args in (["-nocert"], []):  # without -nocert: its NSS db does not trust our CA
        run = subprocess.run(
            [PDFSIG, *args, str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        out = run.stdout + run.stderr
        assert "Signature is Valid" in out, out
        assert "Signature is Invalid" not in out and "Digest Mismatch" not in out, out


def _signer_ocsp_good_in_dss(signed: bytes, serial: int) -> bool:
    """Whether the DSS holds an OCSP answer "good" for the signer's certificate."""
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(signed)))
    for ref in dss.ocsps:
        answer = asn1_ocsp.OCSPResponse.load(ref.get_object().data)
        for single in answer.basic_ocsp_response["tbs_response_data"]["responses"]:
            if single["cert_id"]["serial_number"].native == serial:
                return single["cert_status"].name == "good"
    return False


def test_demo_letter_b_lta_validates_in_pyhanko_and_pdfsig_and_survives_revocation(
    demo, tsa, settings, tmp_path, admin_user
):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation

    settings.NASKAH_PADES_LEVEL = "B-LTA"
    assert "surat_dinas" in samples()
    signer = demo["gubernur"]  # a demo official; the letter's signature block names the sample's
    letter = naskah_render_pdf(sample_revision("surat_dinas"), preview=False)
    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    signed = pdf_sign(pdf=letter, signer=signer, credential=PASSPHRASE).pdf

    report = pdf_validate(signed)
    assert report.ok, [s.problems for s in report.signatures]
    assert report.signatures[0].pades_level == "B-LTA"
    assert report.signatures[0].revocation_status == "good"
    row = SignerCertificate.objects.for_signer(signer).order_by("-created_at").first()
    serial = int(row.serial_hex, 16)
    assert _signer_ocsp_good_in_dss(signed, serial)

    reader = PdfFileReader(io.BytesIO(signed))
    result = asyncio.run(ades_lta_validation(reader.embedded_signatures[0], _lta_spec()))
    assert result.ades_subindic == AdESPassed.OK, result.ades_subindic

    # The signer's certificate is revoked an hour later (administrator action, reason).
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), tick=True):
        certificate_revoke(certificate=row, actor=admin_user, reason="Pensiun")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2), tick=True):
        crl = bytes(CertificateAuthority.objects.get(pk=1).crl_der)
        assert x509.load_der_x509_crl(crl).get_revoked_certificate_by_serial_number(serial)
        [after, doc_ts] = pdf_validate(signed).signatures
        from asn1crypto import crl as asn1_crl
        from pyhanko_certvalidator.revinfo.archival import CRLContainer

        later = asyncio.run(
            ades_lta_validation(
                reader.embedded_signatures[0],
                _lta_spec(known_crls=[CRLContainer(asn1_crl.CertificateList.load(crl))]),
            )
        )
    assert after.indication == "TOTAL_PASSED", after.problems
    assert after.revocation_status == "revoked_later" and after.revoked
    assert doc_ts.indication == "TOTAL_PASSED"
    assert later.ades_subindic == AdESPassed.OK, later.ades_subindic

    if PDFSIG is None:
        pytest.skip("poppler-utils' pdfsig is not installed")
    path = tmp_path / "surat-dinas-b-lta.pdf"
    path.write_bytes(signed)
    _pdfsig_valid(path)

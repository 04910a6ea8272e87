"""Issue 18 item 6: a demo letter (the demo's surat dinas, rendered as for signing) signed
at PAdES B-LTA with the local TSA validates as B-LTA in pyHanko's own ETSI long-term
validation and as a cryptographically valid signature in poppler's pdfsig (which does
not trust the instance CA: that needs it imported as a trust anchor, docs/signing.md)."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess

import pytest

from naskah.context import naskah_render_pdf
from naskah.samples import sample_revision, samples
from signing.services import pdf_sign, signer_enroll
from signing.validation import pdf_validate, trust_roots
from tests.factories import registration_officer
from tests.signing.conftest import PASSPHRASE

PDFSIG = shutil.which("pdfsig")


def _lta_spec():
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
        )
    )


def test_demo_letter_b_lta_validates_in_pyhanko_and_pdfsig(demo, tsa, settings, tmp_path):
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

    reader = PdfFileReader(io.BytesIO(signed))
    result = asyncio.run(ades_lta_validation(reader.embedded_signatures[0], _lta_spec()))
    assert result.ades_subindic == AdESPassed.OK, result.ades_subindic

    if PDFSIG is None:
        pytest.skip("poppler-utils' pdfsig is not installed")
    path = tmp_path / "surat-dinas-b-lta.pdf"
    path.write_bytes(signed)
    for args in (["-nocert"], []):  # without -nocert: its NSS db does not trust our CA
        run = subprocess.run(
            [PDFSIG, *args, str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        out = run.stdout + run.stderr
        assert "Signature is Valid" in out, out
        assert "Signature is Invalid" not in out and "Digest Mismatch" not in out, out

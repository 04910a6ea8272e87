from __future__ import annotations

from signing.services import pdf_sign
from signing.validation import pdf_validate
from tests.signing.conftest import PASSPHRASE


def test_signed_pdf_validates(enrolled, pdf):
    result = pdf_sign(pdf=pdf, signer=enrolled, credential=PASSPHRASE, field_name="TTE")
    assert result.pdf.startswith(pdf)  # an incremental update: original bytes untouched
    report = pdf_validate(result.pdf)
    assert report.ok
    [sig] = report.signatures
    assert sig.signer_name == "Budi Santoso"
    assert sig.intact and sig.valid and sig.trusted and not sig.revoked
    assert sig.covers_whole_file
    assert sig.timestamp_time is None

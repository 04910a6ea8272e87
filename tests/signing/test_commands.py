from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from signing.services import pdf_sign
from tests.signing.conftest import PASSPHRASE, make_pdf


def test_signing_ca_init_prints_the_ca_certificate(db, capsys):
    call_command("signing_ca_init")
    assert "BEGIN CERTIFICATE" in capsys.readouterr().out


def test_signing_validate_reports_valid_and_tampered(enrolled, tmp_path, capsys):
    signed = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).pdf
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    call_command("signing_validate", str(good))
    assert "Budi Santoso - VALID" in capsys.readouterr().out
    at = signed.index(b"ReportLab Generated")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(signed[:at] + b"X" + signed[at + 1 :])
    with pytest.raises(CommandError, match="not valid"):
        call_command("signing_validate", str(bad))
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf())
    with pytest.raises(CommandError, match="no electronic signature"):
        call_command("signing_validate", str(plain))

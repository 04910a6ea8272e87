"""Fixtures for the signing tests: small reportlab PDFs and enrolled signers."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.factories import PegawaiFactory

PASSPHRASE = "kunci-tte-rahasia-1"


def make_pdf(text: str = "Surat dinas uji", pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        c.drawString(72, 760, f"{text} - halaman {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture
def signer(db):
    return PegawaiFactory(nama="Budi Santoso", email="budi@example.go.id")


@pytest.fixture
def enrolled(signer):
    from signing.services import signer_enroll

    signer_enroll(signer=signer, passphrase=PASSPHRASE)
    return signer


@pytest.fixture
def admin_user(db):
    return PegawaiFactory(username="admin-tte", nama="Admin TTE", is_staff=True, is_superuser=True)

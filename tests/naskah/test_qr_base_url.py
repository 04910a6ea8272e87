"""The QR code on a signed letter decodes to the configured public base URL plus the
verification path (zbarimg, from zbar-tools; skipped when missing)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse

from naskah.services.signing import naskah_sign, sealed_bytes
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
        reason="needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)",
    ),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _qr_codes(pdf: bytes, tmp_path) -> list[str]:
    source = tmp_path / "signed.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    page = next(tmp_path.glob("p*.png"))
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.split()


@pytest.mark.parametrize("base", ["https://naskah.lampungprov.go.id", "http://192.168.1.7:8080/"])
def test_qr_code_decodes_to_the_configured_base_url(demo, settings, tmp_path, base):
    settings.NASKAH_PUBLIC_BASE_URL = base
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    expected = f"{base.rstrip('/')}/verifikasi/{naskah.tte.token}"
    assert expected.endswith(reverse("verifikasi:token", args=[naskah.tte.token]))
    assert _qr_codes(sealed_bytes(dokumen), tmp_path) == [expected]

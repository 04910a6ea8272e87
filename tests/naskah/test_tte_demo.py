"""The demo letters go through the real flow, idempotently; a demo letter validates in
pdfsig and on the verification page, and a tampered copy is reported as modified."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naskah.models import Distribusi, Naskah
from naskah.services.signing import sealed_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def test_demo_letters_signed_dispatched_idempotent(demo, client, tmp_path):
    from naskah.demo import demo_passphrase, demo_seed_letters

    out = io.StringIO()
    first = demo_seed_letters(stdout=out)
    assert demo_passphrase() in out.getvalue()
    assert [n.status for n in first] == [Naskah.Status.DITANDATANGANI] * 2
    deliveries = Distribusi.objects.count()
    demo_seed_letters()
    assert Naskah.objects.filter(status=Naskah.Status.DITANDATANGANI).count() == 2
    assert Distribusi.objects.count() == deliveries

    naskah = first[0]
    naskah.refresh_from_db()
    pdf = sealed_bytes(naskah.tte.dokumen_terakhir())
    page = client.get(reverse("verifikasi:token", args=[naskah.tte.token])).content.decode()
    assert "alert-success" in page and naskah.nomor in page
    tampered = bytearray(pdf)
    i = pdf.index(b"stream") + 60
    tampered[i] ^= 0x20
    html = client.post(
        reverse("verifikasi:upload"), {"berkas": SimpleUploadedFile("x.pdf", bytes(tampered))}
    ).content.decode()
    assert "alert-danger" in html
    if not shutil.which("pdfsig"):
        pytest.skip("poppler pdfsig not installed")
    (tmp_path / "demo.pdf").write_bytes(pdf)
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    ok = subprocess.run(["pdfsig", str(tmp_path / "demo.pdf")], capture_output=True, text=True)
    assert "Signature is Valid" in ok.stdout
    bad = subprocess.run(["pdfsig", str(tmp_path / "tampered.pdf")], capture_output=True, text=True)
    assert "Signature is Valid" not in bad.stdout

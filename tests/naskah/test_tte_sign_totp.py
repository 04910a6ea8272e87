"""The sign page with the signer's signing method: the local CA asks for the passphrase
only; BSrE (fake esign-client, tests/signing/fake_bsre.py) offers the TOTP code of the
signer's BSrE authenticator too, or only it, and signs with what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.selectors.organisasi import jabatan_holder_on
from naskah.models import Naskah
from tests.naskah.tte_helpers import KADIS, jabatan, ready_letter
from tests.signing.fake_bsre import PASSWORD, USERNAME, FakeBsreServer

pytestmark = pytest.mark.django_db

NIK = "1871010101800078"
TOTP = "481516"


@pytest.fixture
def letter(demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return ready_letter(demo)


@pytest.fixture
def signer(letter):
    return jabatan_holder_on(jabatan(KADIS)).pegawai


@pytest.fixture
def fake_bsre(settings, signer):
    with FakeBsreServer() as server:
        settings.NASKAH_SIGNING_BACKEND = "bsre"
        settings.NASKAH_BSRE_URL = server.url
        settings.NASKAH_BSRE_USERNAME = USERNAME
        settings.NASKAH_BSRE_PASSWORD = PASSWORD
        settings.NASKAH_BSRE_CREDENTIALS = ["passphrase", "totp"]
        signer.nik = NIK
        signer.save(update_fields=["nik"])
        server.add_user(NIK, "bsre-pass-Kadis-1", signer.nama, totp=TOTP)
        yield server


def test_local_ca_page_asks_for_the_passphrase_only(client, letter, signer):
    client.force_login(signer)
    html = client.get(reverse("naskah:tte", args=[letter.pk])).content.decode()
    assert 'name="passphrase"' in html and 'name="totp"' not in html


def test_bsre_page_signs_with_the_totp_code(client, letter, signer, fake_bsre, settings):
    client.force_login(signer)
    url = reverse("naskah:tte", args=[letter.pk])
    html = client.get(url).content.decode()
    assert 'name="passphrase"' in html and 'name="totp"' in html
    settings.NASKAH_BSRE_CREDENTIALS = ["totp"]
    html = client.get(url).content.decode()
    assert 'name="passphrase"' not in html and 'name="totp"' in html
    wrong = client.post(url, {"totp": "000000"}, follow=True)
    assert "TOTP" in wrong.content.decode()
    letter.refresh_from_db()
    assert letter.status == Naskah.Status.SIAP_TANDATANGAN
    client.post(url, {"totp": TOTP})
    letter.refresh_from_db()
    assert letter.status == Naskah.Status.DITANDATANGANI and letter.nomor
    assert set(fake_bsre.state.credential_kinds) == {"totp"}

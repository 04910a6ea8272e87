"""Certificates without surprises: the drafting, submit and sign pages warn when the
chosen signer could not sign, and the sign page links to enrolment and back."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from naskah.markup import blocks_from_markup
from tests.letters import make_letter
from tests.naskah.tte_helpers import enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _draft(demo):
    return make_letter(
        demo,
        "draft",
        hal="Undangan Rapat Koordinasi",
        body=blocks_from_markup("Dengan hormat."),
        klasifikasi="biasa",
    )


def test_drafting_and_submit_pages_warn_about_a_signer_without_certificate(client, demo):
    naskah = _draft(demo)
    client.force_login(demo["prakommuda"])
    for url in (
        reverse("naskah:edit", args=[naskah.pk]),
        reverse("naskah:alur_submit", args=[naskah.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert b'data-code="no_certificate"' in page.content, url
    enroll(demo["kadiskominfo"])
    for url in (
        reverse("naskah:edit", args=[naskah.pk]),
        reverse("naskah:alur_submit", args=[naskah.pk]),
    ):
        assert b"signer-certificate-warning" not in client.get(url).content, url


def test_sign_page_links_to_enrolment_and_back(client, demo):
    naskah = ready_letter(demo)
    signer = demo["kadiskominfo"]
    client.force_login(signer)
    sign_url = reverse("naskah:tte", args=[naskah.pk])
    page = client.get(sign_url)
    html = page.content.decode()
    assert 'id="signer-enrol-link"' in html
    assert f"{reverse('signing:settings')}?next={sign_url}" in html
    enroll(signer)
    assert "signer-enrol-link" not in client.get(sign_url).content.decode()

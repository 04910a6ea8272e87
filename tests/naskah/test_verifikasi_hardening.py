"""Public verification page: missing stored file, rate limit per client behind proxies."""

from __future__ import annotations

import pathlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from naskah.services.signing import naskah_sign
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_missing_stored_file_gives_a_clear_message_not_a_server_error(
    demo, client, settings, django_capture_on_commit_callbacks
):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    with django_capture_on_commit_callbacks(execute=True):  # the sealed file is published
        naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    dokumen = naskah.tte.dokumen_terakhir()
    (pathlib.Path(settings.MEDIA_ROOT) / dokumen.berkas.name).unlink()
    client.raise_request_exception = False
    page = client.get(reverse("verifikasi:token", args=[naskah.tte.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "stored signed file cannot be found" in html
    assert "alert-success" not in html
    assert "FileNotFoundError" not in html and "No such file" not in html


def _hits(client, n, **extra):
    url = reverse("verifikasi:token", args=["x"])
    return [client.get(url, **extra).status_code for _ in range(n)]


def test_rate_limit_without_proxy_uses_the_socket_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.NASKAH_VERIFIKASI_RATE = (2, 60)
    # a forged X-Forwarded-For does not give a client a fresh allowance
    codes = [
        client.get(
            reverse("verifikasi:token", args=["x"]),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
            REMOTE_ADDR="192.0.2.10",
        ).status_code
        for i in range(3)
    ]
    assert codes == [404, 404, 429]


def test_rate_limit_behind_one_trusted_proxy_counts_each_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.NASKAH_VERIFIKASI_RATE = (2, 60)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = _hits(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert first == [404, 404, 429]
    # another client behind the same proxy has its own allowance
    assert _hits(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy) == [404]
    # a client prepending a forged address is still counted by the proxy's entry
    forged = _hits(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **proxy)
    assert forged == [429]

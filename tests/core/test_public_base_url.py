"""The public base URL (QR codes, e-mailed links): derived from the served address in
development, refused by `check --deploy` when unset, loopback, private or link-local."""

from __future__ import annotations

import pytest

from core.baseurl import base_url_problem, dev_base_url
from core.checks import check_public_base_url


def _ids(settings, url: str, *, configured: bool = True) -> list[str]:
    settings.NASKAH_PUBLIC_BASE_URL = url
    settings.NASKAH_PUBLIC_BASE_URL_SET = configured
    return [message.id for message in check_public_base_url(None)]


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://127.0.0.1:8000",
        "http://127.0.1.1",
        "https://localhost",
        "https://naskah.localhost",
        "http://10.1.2.3:8000",
        "http://172.16.0.9",
        "https://192.168.1.20",
        "http://169.254.10.1",
        "http://[::1]:8000",
        "http://[fe80::1]",
        "http://0.0.0.0:8000",
        "naskah.lampungprov.go.id",  # no scheme
    ],
)
def test_deploy_check_refuses_unreachable_base_urls(settings, url):
    assert _ids(settings, url) == ["naskah.E033"]


def test_deploy_check_refuses_an_unset_value_even_when_derived(settings):
    # Unset, the development default is used; production must name its address.
    assert _ids(settings, "https://naskah.lampungprov.go.id", configured=False) == ["naskah.E033"]


def test_deploy_check_passes_a_public_https_name(settings):
    assert _ids(settings, "https://naskah.lampungprov.go.id") == []
    assert _ids(settings, "https://203.0.113.0") == ["naskah.E033"]  # documentation range
    assert _ids(settings, "http://naskah.lampungprov.go.id") == ["naskah.W030"]


def test_development_base_url_follows_the_served_address(monkeypatch):
    assert dev_base_url("127.0.0.1", "8080") == "http://127.0.0.1:8080"
    assert dev_base_url(None, None) == "http://127.0.0.1:8000"
    every = "0.0.0.0"  # noqa: S104 - the served address, not a bind
    monkeypatch.setattr("core.baseurl.lan_address", lambda: "192.168.1.7")
    assert dev_base_url(every, 9000) == "http://192.168.1.7:9000"
    monkeypatch.setattr("core.baseurl.lan_address", lambda: None)
    assert dev_base_url(every, 9000) == "http://127.0.0.1:9000"
    assert dev_base_url("::1", 8000) == "http://[::1]:8000"
    assert base_url_problem(dev_base_url("127.0.0.1", 8000))

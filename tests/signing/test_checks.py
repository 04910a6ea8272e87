from __future__ import annotations

from signing.checks import check_signing_configuration


def _ids():
    return sorted(p.id for p in check_signing_configuration(None))


def test_default_configuration_is_clean(settings):
    settings.NASKAH_TRUST_ROOTS = []
    assert _ids() == []


def test_bsre_without_url_is_an_error(settings):
    settings.NASKAH_SIGNING_BACKEND = "bsre"
    settings.NASKAH_BSRE_URL = ""
    assert _ids() == ["signing.E002"]


def test_bsre_over_plain_http_warns(settings):
    settings.NASKAH_SIGNING_BACKEND = "bsre"
    settings.NASKAH_BSRE_URL = "http://10.20.30.40:8080"
    assert _ids() == ["signing.W001"]
    settings.NASKAH_BSRE_URL = "https://esign.lampungprov.go.id"
    assert _ids() == []


def test_unknown_backend_and_missing_trust_root(settings, tmp_path):
    settings.NASKAH_SIGNING_BACKEND = "hsm"
    settings.NASKAH_TRUST_ROOTS = [str(tmp_path / "nope.pem")]
    assert _ids() == ["signing.E001", "signing.W002"]

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


def test_ca_key_backend_checks(settings, tmp_path):
    settings.NASKAH_CA_KEY_BACKEND = "hsm"
    assert "signing.E005" in _ids()
    settings.NASKAH_CA_KEY_BACKEND = "pkcs11"
    settings.NASKAH_CA_PKCS11_MODULE = str(tmp_path / "missing.so")
    settings.NASKAH_CA_PKCS11_TOKEN = ""
    settings.NASKAH_CA_PKCS11_PIN = ""
    assert {"signing.E006", "signing.E007", "signing.W005"} <= set(_ids())
    module = tmp_path / "libtoken.so"
    module.write_bytes(b"")
    settings.NASKAH_CA_PKCS11_MODULE = str(module)
    settings.NASKAH_CA_PKCS11_TOKEN = "naskah-ca"
    settings.NASKAH_CA_PKCS11_PIN = "1234"
    assert not {"signing.E005", "signing.E006", "signing.E007", "signing.W005"} & set(_ids())


def test_whether_certificates_are_issued_here_follows_the_backend(settings):
    from signing.backends import backend_class, backend_issues_certificates

    settings.NASKAH_SIGNING_BACKEND = "local"
    assert backend_issues_certificates() and backend_class().name == "local"
    settings.NASKAH_SIGNING_BACKEND = "bsre"
    assert not backend_issues_certificates() and backend_class().name == "bsre"

"""Sign-in by OpenID Connect against a provider on loopback (tests/core/oidc_provider.py),
walked with the Django test client: to the provider, back with a code, token exchange,
ID token checks and the Pegawai match. Local password sign-in keeps working."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.models import AuditEvent

from .oidc_provider import Provider

pytestmark = pytest.mark.django_db

CLIENT_ID, CLIENT_SECRET = "naskah-test", "rahasia-klien-uji"


@pytest.fixture
def provider(settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Provider(CLIENT_ID, CLIENT_SECRET) as op:
        found = requests.get(op.url("/.well-known/openid-configuration"), timeout=5).json()
        settings.NASKAH_OIDC_ENABLED = True
        settings.NASKAH_OIDC_ISSUER = found["issuer"]
        settings.NASKAH_OIDC_MATCH = "username"
        settings.NASKAH_OIDC_CLAIM = "preferred_username"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        yield op


def _to_provider(client, next_url="/naskah/"):
    from django.conf import settings

    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302
    assert start.url.startswith(settings.NASKAH_OIDC_ISSUER + "/authorize?")
    return start.url


def _callback_from(authorize_url: str) -> str:
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlparse(answer.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return f"{back.path}?{back.query}"


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_sso_sign_in_matches_the_pegawai_and_lands_on_next(client, demo, provider):
    provider.login_as = {"sub": "op-123", "preferred_username": "prakommuda"}
    authorize = _to_provider(client)
    params = parse_qs(urlparse(authorize).query)
    assert params["client_id"] == [CLIENT_ID] and params["code_challenge_method"] == ["S256"]
    assert params["nonce"] and params["state"]
    done = client.get(_callback_from(authorize))
    assert done.status_code == 302 and done.url == "/naskah/"
    assert int(client.session[SESSION_KEY]) == demo["prakommuda"].pk
    assert client.session["_auth_user_backend"] == "core.oidc.NaskahOIDCBackend"
    assert client.get("/naskah/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=demo["prakommuda"]).exists()
    assert "POST /token" in provider.requests and "GET /userinfo" in provider.requests


def test_match_by_nip_claim(client, demo, provider, settings):
    pegawai = demo["prakommuda"]
    assert pegawai.nip
    settings.NASKAH_OIDC_MATCH, settings.NASKAH_OIDC_CLAIM = "nip", "nip"
    provider.login_as = {"sub": "op-9", "nip": pegawai.nip}
    client.get(_callback_from(_to_provider(client)))
    assert int(client.session[SESSION_KEY]) == pegawai.pk


def test_unknown_person_is_refused_and_no_account_is_created(client, demo, provider):
    from core.models import Pegawai

    count = Pegawai.objects.count()
    provider.login_as = {"sub": "op-404", "preferred_username": "orang-asing"}
    done = client.get(_callback_from(_to_provider(client)), follow=True)
    assert not _signed_in(client)
    assert Pegawai.objects.count() == count
    assert "not linked to a Naskah account" in done.content.decode()


def test_inactive_pegawai_is_refused(client, demo, provider):
    demo["prakommuda"].is_active = False
    demo["prakommuda"].save(update_fields=["is_active"])
    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    client.get(_callback_from(_to_provider(client)))
    assert not _signed_in(client)


def test_a_state_this_session_never_issued_is_refused(client, demo, provider):
    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    callback = _callback_from(_to_provider(client))
    forged = callback.replace("state=", "state=x")
    done = client.get(forged, follow=True)
    assert not _signed_in(client)
    assert "Sign-in with SSO failed" in done.content.decode()
    # no token was asked for with a forged state
    assert "POST /token" not in provider.requests


def test_callback_in_another_browser_is_refused(client, demo, provider):
    from django.test import Client

    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    callback = _callback_from(_to_provider(client))
    other = Client()
    other.get(callback)
    assert SESSION_KEY not in other.session


@pytest.mark.parametrize(
    "override",
    [
        {"nonce": "bukan-nonce-ini"},
        {"nonce": None},
        {"iss": "http://127.0.0.1:1/palsu"},
        {"aud": "klien-lain"},
        {"exp": None},
    ],
    ids=["wrong-nonce", "no-nonce", "wrong-issuer", "wrong-audience", "no-expiry"],
)
def test_a_bad_id_token_is_refused(client, demo, provider, override):
    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    provider.id_token_overrides = override
    done = client.get(_callback_from(_to_provider(client)), follow=True)
    assert not _signed_in(client)
    assert "Sign-in with SSO failed" in done.content.decode()


def test_id_token_signed_by_another_key_is_refused(client, demo, provider):
    from cryptography.hazmat.primitives.asymmetric import rsa

    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    callback = _callback_from(_to_provider(client))
    # the JWKS keeps serving the first key; the ID token is signed with another one
    published = provider.jwks()
    provider.jwks = lambda: published
    provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client.get(callback)
    assert not _signed_in(client)


def test_login_page_offers_sso_and_password_sign_in_still_works(client, demo, provider):
    page = client.get(reverse("login")).content.decode()
    assert 'id="sso-login"' in page and "Sign in with SSO" in page
    done = client.post(reverse("login"), {"username": "prakommuda", "password": "demo-pass-123"})
    assert done.status_code == 302
    assert int(client.session[SESSION_KEY]) == demo["prakommuda"].pk
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_password_form_posted_with_code_and_state_does_not_reach_the_provider(
    client, demo, provider
):
    client.post(
        reverse("login") + "?code=abc&state=def",
        {"username": "prakommuda", "password": "salah-sekali"},
    )
    assert not _signed_in(client)
    assert provider.requests == ["GET /.well-known/openid-configuration"]


def test_without_configuration_there_is_no_sso(client, demo):
    assert 'id="sso-login"' not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert (
        client.get(reverse("oidc_authentication_callback") + "?code=a&state=b").status_code == 404
    )
    done = client.post(reverse("login"), {"username": "prakommuda", "password": "demo-pass-123"})
    assert done.status_code == 302


def test_a_callback_used_once_cannot_be_replayed(client, demo, provider):
    provider.login_as = {"sub": "op-1", "preferred_username": "prakommuda"}
    callback = _callback_from(_to_provider(client))
    client.get(callback)
    assert _signed_in(client)
    client.post(reverse("logout"))
    assert not _signed_in(client)
    client.get(callback)
    assert not _signed_in(client)


def test_half_configured_oidc_is_a_system_check_error(settings):
    from core.checks import check_oidc

    settings.NASKAH_OIDC_ENABLED = False
    assert check_oidc(None) == []
    settings.NASKAH_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.NASKAH_OIDC_ISSUER = ""
    settings.NASKAH_OIDC_MATCH = "nama"
    ids = {e.id for e in check_oidc(None)}
    assert ids == {"naskah.E020", "naskah.E021", "naskah.E022"}
    settings.OIDC_RP_CLIENT_SECRET = "s"
    settings.NASKAH_OIDC_ISSUER = "https://sso.example"
    settings.NASKAH_OIDC_MATCH = "nip"
    assert check_oidc(None) == []


def test_client_secret_from_a_file(tmp_path, monkeypatch):
    from core.settings import env_secret

    secret = tmp_path / "secret"
    secret.write_text("dari-berkas\n")
    monkeypatch.delenv("NASKAH_OIDC_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("NASKAH_OIDC_CLIENT_SECRET_FILE", str(secret))
    assert env_secret("NASKAH_OIDC_CLIENT_SECRET") == "dari-berkas"
    monkeypatch.setenv("NASKAH_OIDC_CLIENT_SECRET", "dari-env")
    assert env_secret("NASKAH_OIDC_CLIENT_SECRET") == "dari-env"

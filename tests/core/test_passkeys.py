"""Passkeys (django-otp-webauthn) as a second factor, with a software authenticator: the
server side of both ceremonies runs for real (py_webauthn checks the attestation, the
challenge, the origin, the relying party and the ECDSA signature). What is not tested here
is a browser's own WebAuthn prompt."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import PegawaiFactory

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]

RP_ID = "localhost"
ORIGIN = "http://localhost:8000"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    """A platform authenticator in memory: one P-256 key, "none" attestation."""

    def __init__(self, origin: str = ORIGIN, rp_id: str = RP_ID):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        self.origin, self.rp_id = origin, rp_id

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        client_data = self._client_data("webauthn.create", options["challenge"])
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([0x01 | 0x04 | 0x40])  # user present, user verified, attested data
            + self.sign_count.to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64u(client_data),
                "attestationObject": b64u(attestation),
                "transports": ["internal"],
            },
        }

    def get(self, options: dict, *, tamper: bool = False) -> dict:
        self.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([0x01 | 0x04])
            + self.sign_count.to_bytes(4, "big")
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed + (b"x" if tamper else b""), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64u(client_data),
                "authenticatorData": b64u(auth_data),
                "signature": b64u(signature),
                "userHandle": None,
            },
        }


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = RP_ID
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def _post_json(client, name, data=None):
    return client.post(reverse(name), json.dumps(data or {}), content_type="application/json")


def _register(client, authenticator):
    options = _post_json(client, "otp_webauthn:credential-registration-begin")
    assert options.status_code == 200, options.content
    assert options.json()["rp"]["id"] == RP_ID
    return _post_json(
        client,
        "otp_webauthn:credential-registration-complete",
        authenticator.create(options.json()),
    )


def _authenticate(client, authenticator, **kwargs):
    options = _post_json(client, "otp_webauthn:credential-authentication-begin")
    assert options.status_code == 200, options.content
    return _post_json(
        client,
        "otp_webauthn:credential-authentication-complete",
        authenticator.get(options.json(), **kwargs),
    )


def test_an_administrator_enrols_a_passkey_and_signs_in_with_it(client):
    staff = PegawaiFactory(is_staff=True)
    authenticator = SoftAuthenticator()
    client.force_login(staff)
    assert client.get("/organisasi/")["Location"].startswith(reverse("second_factor"))
    page = client.get(reverse("second_factor")).content.decode()
    assert 'id="passkey-registration-placeholder"' in page
    assert _register(client, authenticator).status_code == 200
    assert WebAuthnCredential.objects.filter(user=staff, confirmed=True).count() == 1
    assert client.get("/organisasi/").status_code == 200  # the enrolment verified this session

    client.logout()
    client.force_login(staff)  # a new session: the passkey is asked for
    response = client.get("/organisasi/")
    assert response["Location"].startswith(reverse("second_factor_verify"))
    page = client.get(reverse("second_factor_verify")).content.decode()
    assert 'id="passkey-verification-placeholder"' in page
    done = _authenticate(client, authenticator)
    assert done.status_code == 200, done.content
    assert client.get("/organisasi/").status_code == 200


def test_a_wrong_signature_or_another_origin_is_refused(client):
    staff = PegawaiFactory(is_staff=True)
    authenticator = SoftAuthenticator()
    client.force_login(staff)
    _register(client, authenticator)
    client.logout()
    client.force_login(staff)
    assert _authenticate(client, authenticator, tamper=True).status_code >= 400
    assert client.get("/organisasi/").status_code == 302
    authenticator.origin = "https://phishing.example"
    assert _authenticate(client, authenticator).status_code >= 400
    assert client.get("/organisasi/").status_code == 302


def test_passwordless_sign_in_with_a_passkey_is_off(client):
    """A passkey is a second factor here, never a way around the password (and its lockout)."""
    response = _post_json(client, "otp_webauthn:credential-authentication-begin")
    assert response.status_code >= 400

"""Signing through the API with the credential of the signer's signing method: the local
CA's passphrase, or BSrE with the passphrase or the TOTP code (against the fake BSrE
esign-client, tests/signing/fake_bsre.py). Only the signer's own personal token signs; the
credential is used for that request and found in no audit event, log line or idempotency
record; errors are problem documents in Indonesian and English."""

import json

import pytest

from api.models import IdempotencyRecord
from core.models import AuditEvent
from core.selectors.organisasi import jabatan_holder_on, pegawai_primary_unit
from naskah.models import Naskah
from tests.api.conftest import auth
from tests.naskah.tte_helpers import KADIS, PASSPHRASE, enroll, jabatan, ready_letter
from tests.signing.fake_bsre import PASSWORD, USERNAME, FakeBsreServer

pytestmark = pytest.mark.django_db

NIK = "1871010101800077"
BSRE_PASS = "bsre-Passphrase-Kadis-9"
TOTP = "90281736"


@pytest.fixture
def fake_bsre(settings):
    with FakeBsreServer() as server:
        settings.NASKAH_SIGNING_BACKEND = "bsre"
        settings.NASKAH_BSRE_URL = server.url
        settings.NASKAH_BSRE_USERNAME = USERNAME
        settings.NASKAH_BSRE_PASSWORD = PASSWORD
        settings.NASKAH_BSRE_API_VERSION = "v2"
        settings.NASKAH_BSRE_IDENTITY = "nik"
        settings.NASKAH_BSRE_CREDENTIALS = ["passphrase", "totp"]
        yield server


@pytest.fixture
def letter(demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return ready_letter(demo)


@pytest.fixture
def signer(letter):
    return jabatan_holder_on(jabatan(KADIS)).pegawai


@pytest.fixture
def bsre_signer(signer, fake_bsre):
    signer.nik = NIK
    signer.save(update_fields=["nik"])
    fake_bsre.add_user(NIK, BSRE_PASS, signer.nama, totp=TOTP)
    return signer


def _sign(client, pk, token, body, *, key="", lang="id"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/letters/{pk}/sign",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=lang,
        **extra,
        **auth(token),
    )


def _assert_nowhere(secret: str, caplog) -> None:
    assert secret not in caplog.text
    for event in AuditEvent.objects.all():
        assert secret not in json.dumps(event.details, ensure_ascii=False)
    for record in IdempotencyRecord.objects.all():
        stored = f"{record.kunci} {record.request_hash} {bytes(record.body or b'')!r}"
        assert secret not in stored


def test_signing_method_tells_what_to_send(client, bsre_signer, pat_for, settings):
    token = pat_for(bsre_signer, scopes=("letters:read", "sign"))
    method = client.get("/api/v1/signing-method", **auth(token))
    assert method.status_code == 200, method.content
    assert method.json() == {"backend": "bsre", "credentials": ["passphrase", "totp"]}
    settings.NASKAH_SIGNING_BACKEND = "local"
    assert client.get("/api/v1/signing-method", **auth(token)).json() == {
        "backend": "local",
        "credentials": ["passphrase"],
    }


def test_signer_signs_through_bsre_with_totp(
    client, letter, bsre_signer, fake_bsre, pat_for, caplog
):
    caplog.set_level("DEBUG")
    token = pat_for(bsre_signer, scopes=("letters:read", "sign"))
    signed = _sign(client, letter.pk, token, {"totp": TOTP}, key="sign-totp-1")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "ditandatangani" and signed.json()["nomor"]
    # The letter and its file copy with the paraf statements: both sealed with the code.
    requests = fake_bsre.state.sign_requests
    assert requests >= 1 and fake_bsre.state.signatures == requests
    assert set(fake_bsre.state.credential_kinds) == {"totp"}
    # A retry with the same key (even with the code of the next time window) is the stored
    # answer: no further BSrE request.
    again = _sign(client, letter.pk, token, {"totp": "11112222"}, key="sign-totp-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == signed.json()
    assert fake_bsre.state.sign_requests == requests
    # The audit trail says the signature was made with a TOTP code, and never the code.
    assert AuditEvent.objects.filter(action="api.write").exists()
    assert any(e.details.get("credential_kind") == "totp" for e in AuditEvent.objects.all())
    _assert_nowhere(TOTP, caplog)


def test_signer_signs_through_bsre_with_passphrase(
    client, letter, bsre_signer, fake_bsre, pat_for, caplog
):
    caplog.set_level("DEBUG")
    token = pat_for(bsre_signer, scopes=("letters:read", "sign"))
    signed = _sign(client, letter.pk, token, {"passphrase": BSRE_PASS}, key="sign-pass-1")
    assert signed.status_code == 200, signed.content
    assert set(fake_bsre.state.credential_kinds) == {"passphrase"}
    _assert_nowhere(BSRE_PASS, caplog)


def test_wrong_totp_is_a_problem_in_both_languages(
    client, letter, bsre_signer, fake_bsre, pat_for, caplog
):
    caplog.set_level("DEBUG")
    token = pat_for(bsre_signer, scopes=("letters:read", "sign"))
    wrong = "12345678"
    english = _sign(client, letter.pk, token, {"totp": wrong}, key="k-wrong", lang="en")
    assert english.status_code == 422
    assert english["Content-Type"] == "application/problem+json"
    body = english.json()
    assert body["code"] == "wrong_passphrase"
    assert body["detail"] == "The TOTP code is wrong or expired."
    assert body["title_id"] and body["title_en"] == "Invalid request"
    indonesian = _sign(client, letter.pk, token, {"totp": wrong}, lang="id").json()
    assert indonesian["code"] == "wrong_passphrase"
    assert indonesian["detail"] != body["detail"] and indonesian["title"] == body["title_id"]
    # Nothing signed, no key kept (the request may be retried with a fresh code).
    letter.refresh_from_db()
    assert letter.status == Naskah.Status.SIAP_TANDATANGAN and not letter.nomor
    assert fake_bsre.state.signatures == 0
    assert not IdempotencyRecord.objects.filter(kunci="k-wrong").exists()
    _assert_nowhere(wrong, caplog)


def test_credential_must_match_the_signing_method(
    client, letter, bsre_signer, fake_bsre, pat_for, settings
):
    token = pat_for(bsre_signer, scopes=("letters:read", "sign"))
    settings.NASKAH_BSRE_CREDENTIALS = ["passphrase"]
    refused = _sign(client, letter.pk, token, {"totp": TOTP}, lang="en")
    assert refused.status_code == 422
    assert refused.json()["code"] == "credential_kind_not_accepted"
    settings.NASKAH_BSRE_CREDENTIALS = ["totp"]
    refused = _sign(client, letter.pk, token, {"passphrase": BSRE_PASS})
    assert refused.json()["code"] == "credential_kind_not_accepted"
    both = _sign(client, letter.pk, token, {"passphrase": BSRE_PASS, "totp": TOTP})
    assert both.status_code == 422 and both.json()["code"] == "credential_ambiguous"
    neither = _sign(client, letter.pk, token, {})
    assert neither.status_code == 422 and neither.json()["code"] == "no_passphrase"
    malformed = _sign(client, letter.pk, token, {"totp": "12ab56"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid"
    assert fake_bsre.state.sign_requests == 0  # none of these reached BSrE


def test_local_ca_takes_no_totp(client, letter, signer, pat_for, caplog):
    caplog.set_level("DEBUG")
    enroll(signer)
    token = pat_for(signer, scopes=("letters:read", "sign"))
    refused = _sign(client, letter.pk, token, {"totp": "123456"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "credential_kind_not_accepted"
    signed = _sign(client, letter.pk, token, {"passphrase": PASSPHRASE}, key="local-1")
    assert signed.status_code == 200, signed.content
    _assert_nowhere(PASSPHRASE, caplog)


def test_nobody_signs_in_the_signers_name(
    client, demo, letter, bsre_signer, fake_bsre, pat_for, make_client, token_for
):
    # A client whose service account is the signer itself: client credentials never sign.
    reg = make_client(
        scopes=("letters:read", "drafts:write"),
        units=[pegawai_primary_unit(bsre_signer)],
        akun=bsre_signer,
    )
    as_client = _sign(client, letter.pk, token_for(reg), {"totp": TOTP})
    assert as_client.status_code == 403
    assert as_client["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/signing-method", **auth(token_for(reg))).status_code == 403
    # Another person's personal token with the signing scope, even with the right code.
    drafter_token = pat_for(demo["prakommuda"], scopes=("letters:read", "sign"))
    other = _sign(client, letter.pk, drafter_token, {"totp": TOTP})
    assert other.status_code in (403, 404, 422), other.content
    assert other["Content-Type"] == "application/problem+json"
    # The signer's own token without the signing scope.
    read_only = pat_for(bsre_signer, scopes=("letters:read",))
    assert _sign(client, letter.pk, read_only, {"totp": TOTP}).status_code == 403
    assert fake_bsre.state.sign_requests == 0
    letter.refresh_from_db()
    assert letter.status == Naskah.Status.SIAP_TANDATANGAN

"""Cryptographic paraf (issue 18 item 4): every paraf, return and correction signs a
statement with the official's paraf key; verification catches a changed payload, another
key, another person's certificate, another revision; revocation after the statement
leaves it valid; verify_audit flags a forged statement."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from naskah.models.paraf import ParafStatement
from naskah.selectors.paraf import paraf_statement_verify, revisi_hash
from naskah.services.approval import naskah_correct, naskah_paraf, naskah_return
from signing import paraf as paraf_keys
from signing.models import ParafCredential
from tests.naskah.alur_helpers import letter, submit, waiting
from tests.naskah.test_alur_actions import values_from

PASSWORD = "demo-pass-123"


@pytest.fixture
def team_letter(demo):
    naskah = letter(demo, "prakompertama")
    submit(demo, naskah)
    naskah.refresh_from_db()
    return naskah


def _act(fn, naskah, **kwargs):
    naskah.refresh_from_db()
    state = waiting(naskah)[0]
    with paraf_keys.paraf_unlocked(state.assignee, PASSWORD):
        return fn(
            actor=state.assignee,
            naskah=naskah,
            step_state=state,
            expected_revisi=naskah.revisi_terakhir,
            **kwargs,
        )


def _tamper(statement: ParafStatement, **fields) -> None:
    """Change a stored row behind the application's back (as a database intruder)."""
    ParafStatement.objects.filter(pk=statement.pk).update(**fields)
    statement.refresh_from_db()


def test_paraf_return_and_correction_each_sign_a_verifiable_statement(demo, team_letter):
    _act(naskah_paraf, team_letter)
    _act(naskah_return, team_letter, note="Perbaiki paragraf kedua.")
    statements = list(ParafStatement.objects.filter(naskah=team_letter).order_by("pk"))
    assert [s.action for s in statements] == ["paraf", "return"]
    for s in statements:
        check = paraf_statement_verify(s)
        assert check.ok, check.message
        body = json.loads(s.payload)
        assert body["naskah"]["revisi_sha256"] == revisi_hash(
            team_letter.revisi.get(nomor=s.revisi_nomor)
        )
        assert body["capacity"] and body["actor"]["id"] == s.pegawai_id
        assert s.audit_event.details["paraf_statement"] == s.payload_sha256
    # Canonical JSON: sorted keys, no whitespace.
    assert statements[0].payload == paraf_keys.canonical_json(json.loads(statements[0].payload))
    # The paraf key was issued at first need, once per official, with the paraf usage only.
    cred = ParafCredential.objects.get(pegawai=statements[0].pegawai)
    cert = x509.load_pem_x509_certificate(cred.certificate_pem.encode())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [paraf_keys.PARAF_EKU_OID]
    assert not cert.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment


def test_correction_signs_the_new_revision(demo, team_letter):
    team_letter.refresh_from_db()
    from naskah.markup import blocks_from_markup

    values = values_from(team_letter, body=blocks_from_markup("Isi yang diperbaiki."))
    revisi, _outcome = _act(naskah_correct, team_letter, values=values, note="Perbaikan.")
    s = ParafStatement.objects.get(naskah=team_letter, action="correct")
    assert s.revisi_nomor == revisi.nomor
    body = json.loads(s.payload)
    assert body["naskah"]["from_revisi"] == revisi.nomor - 1
    assert body["event"] == "corrected" and body["approved"] is True
    assert paraf_statement_verify(s).ok


def test_without_an_unlocked_key_the_paraf_is_unsigned_or_refused(demo, team_letter, settings):
    state = waiting(team_letter)[0]
    settings.NASKAH_PARAF_STATEMENT_REQUIRED = True
    with pytest.raises(paraf_keys.ParafLockedError):
        naskah_paraf(
            actor=state.assignee,
            naskah=team_letter,
            step_state=state,
            expected_revisi=team_letter.revisi_terakhir,
        )
    assert waiting(team_letter)[0].pk == state.pk  # nothing changed
    settings.NASKAH_PARAF_STATEMENT_REQUIRED = False
    naskah_paraf(
        actor=state.assignee,
        naskah=team_letter,
        step_state=state,
        expected_revisi=team_letter.revisi_terakhir,
    )
    assert not ParafStatement.objects.filter(naskah=team_letter).exists()


@pytest.fixture
def signed(demo, team_letter):
    _act(naskah_paraf, team_letter)
    return ParafStatement.objects.get(naskah=team_letter)


def test_changed_payload_fails(signed):
    body = json.loads(signed.payload)
    body["capacity"] = "plt"
    _tamper(signed, payload=paraf_keys.canonical_json(body))
    check = paraf_statement_verify(signed)
    assert not check.ok and check.code == "bad_signature"


def test_signature_by_another_key_fails(signed):
    other = ec.generate_private_key(ec.SECP256R1())
    forged = other.sign(signed.payload.encode(), ec.ECDSA(hashes.SHA256()))
    _tamper(signed, signature=forged)
    assert paraf_statement_verify(signed).code == "bad_signature"


def test_statement_signed_by_another_person_fails(demo, signed):
    """Someone with their own valid paraf key re-signs a statement naming the actor."""
    intruder = demo["kabidaptika"]
    assert intruder.pk != signed.pegawai_id
    body = {k: v for k, v in json.loads(signed.payload).items()}
    with paraf_keys.paraf_unlocked(intruder, PASSWORD):
        body.pop("certificate")
        forged = paraf_keys.statement_sign(user=intruder, payload=body)
    _tamper(
        signed,
        payload=forged.payload,
        payload_sha256=forged.sha256,
        signature=forged.signature,
        certificate_pem=forged.certificate_pem,
    )
    check = paraf_statement_verify(signed)
    assert not check.ok and check.code == "other_person"


def test_self_made_certificate_is_not_trusted(signed):
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    original = x509.load_pem_x509_certificate(signed.certificate_pem.encode())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(original.subject)
        .issuer_name(original.issuer)
        .public_key(key.public_key())
        .serial_number(original.serial_number)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([paraf_keys.PARAF_EKU_OID]), critical=True)
        .sign(key, hashes.SHA256())
    )
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    from signing.crypto import certificate_pem

    _tamper(
        signed,
        signature=key.sign(signed.payload.encode(), ec.ECDSA(hashes.SHA256())),
        certificate_pem=certificate_pem(cert),
    )
    assert paraf_statement_verify(signed).code == "untrusted_certificate"


def test_statement_for_another_revision_fails(demo, signed):
    body = json.loads(signed.payload)
    body["naskah"]["revisi_sha256"] = "0" * 64
    intruder = signed.pegawai
    with paraf_keys.paraf_unlocked(intruder, PASSWORD):
        body.pop("certificate")
        resigned = paraf_keys.statement_sign(user=intruder, payload=body)
    _tamper(
        signed,
        payload=resigned.payload,
        payload_sha256=resigned.sha256,
        signature=resigned.signature,
    )
    assert paraf_statement_verify(signed).code == "revision_mismatch"


def test_revocation_after_the_statement_keeps_it_valid(demo, signed, team_letter):
    cred = ParafCredential.objects.get(pegawai=signed.pegawai)
    paraf_keys.paraf_credential_revoke(
        credential=cred, actor=demo["admin"], reason="Laptop hilang", reason_code="key_compromise"
    )
    assert paraf_statement_verify(signed).ok
    # The CRL the instance publishes lists the paraf certificate.
    from signing.models import CertificateAuthority

    crl = x509.load_der_x509_crl(bytes(CertificateAuthority.objects.get(pk=1).crl_der))
    assert crl.get_revoked_certificate_by_serial_number(int(cred.serial_hex, 16)) is not None
    # ... and its OCSP responder answers "revoked".
    from cryptography.x509 import ocsp

    from signing.pki import ocsp_response_for

    answer = ocsp.load_der_ocsp_response(
        ocsp_response_for(x509.load_pem_x509_certificate(cred.certificate_pem.encode()))
    )
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    # A statement dated after the revocation fails.
    body = json.loads(signed.payload)
    with paraf_keys.paraf_unlocked(signed.pegawai, PASSWORD):
        key = paraf_keys.serialization.load_der_private_key(
            paraf_keys.crypto.envelope_open(
                bytes(cred.sealed_key),
                secret=paraf_keys.kek_derive(signed.pegawai.pk, PASSWORD),
                aad=paraf_keys._credential_aad(cred.serial_hex),
            ),
            password=None,
        )
    body["time"] = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)).isoformat()
    text = paraf_keys.canonical_json(body)
    check = paraf_keys.statement_verify(
        payload=text,
        signature=key.sign(text.encode(), ec.ECDSA(hashes.SHA256())),
        certificate_pem=signed.certificate_pem,
    )
    assert check.code == "revoked"
    # The next paraf by the same official gets a new key and verifies.
    assert not ParafCredential.objects.filter(pegawai=signed.pegawai, status="active").exists()


def test_verify_audit_flags_a_forged_statement(demo, signed):
    with contextlib.suppress(CommandError):
        call_command("verify_audit")  # whatever the chain says, statements are checked
    body = json.loads(signed.payload)
    body["time"] = "2020-01-01T00:00:00+00:00"
    _tamper(signed, payload=paraf_keys.canonical_json(body))
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert "paraf" in str(raised.value).lower()


def test_verify_audit_flags_a_removed_statement(demo, signed):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM naskah_parafstatement WHERE id = %s", [signed.pk])
    from naskah.selectors.paraf import paraf_statements_audit

    result = paraf_statements_audit()
    assert result["checked"] == 0
    assert any("missing: removed" in line for line in result["failures"])


def test_password_signin_unlocks_the_key_for_the_session(demo, client, team_letter):
    state = waiting(team_letter)[0]
    user = state.assignee
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert paraf_keys.COOKIE_NAME in response.cookies
    assert response.cookies[paraf_keys.COOKIE_NAME]["httponly"]
    session = client.session[paraf_keys.SESSION_KEY]
    # The session store holds only ciphertext: not the KEK, not the password.
    kek = paraf_keys.kek_derive(user.pk, PASSWORD)
    assert kek.hex() not in json.dumps(session) and PASSWORD not in json.dumps(session)
    assert connection.vendor  # the session is server side (database or cache)


def test_letter_page_lists_statements_and_shows_a_failing_one(demo, client, signed, team_letter):
    from django.urls import reverse

    client.force_login(demo["prakompertama"])  # the drafter
    url = reverse("naskah:alur_detail", args=[team_letter.pk])
    page = client.get(url).content.decode()
    assert "paraf-valid" in page and "paraf-failed" not in page
    _tamper(signed, signature=b"\x30\x06\x02\x01\x01\x02\x01\x01")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "paraf-failed" in page
    assert "does not match the statement" in page


@pytest.fixture
def _media(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_media")
def test_file_copy_paraf_page_and_public_verification_show_the_state(demo, client, team_letter):
    from pypdf import PdfReader

    from naskah.models import Naskah, PertinggalTersegel
    from naskah.services.signing import naskah_sign, sealed_bytes
    from tests.naskah.tte_helpers import PASSPHRASE, enroll

    while team_letter.status != Naskah.Status.SIAP_TANDATANGAN:
        _act(naskah_paraf, team_letter)
        team_letter.refresh_from_db()
    signer = demo["kadiskominfo"]
    enroll(signer)
    naskah_sign(naskah=team_letter, signer=signer, passphrase=PASSPHRASE)
    team_letter.refresh_from_db()
    copy = PertinggalTersegel.objects.get(tte=team_letter.tte)
    import io

    last = " ".join(PdfReader(io.BytesIO(sealed_bytes(copy))).pages[-1].extract_text().split())
    assert "LEMBAR PARAF" in last
    assert last.count("Pernyataan paraf sah") == copy.jumlah_paraf >= 2, last

    url = f"/verifikasi/{team_letter.tte.token}"
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert data["paraf_statements"]["count"] >= 2 and data["paraf_statements"]["failed"] == 0
    statement = ParafStatement.objects.filter(naskah=team_letter).first()
    body = json.loads(statement.payload)
    body["actor"]["nama"] = "Orang Lain"
    _tamper(statement, payload=paraf_keys.canonical_json(body))
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert data["paraf_statements"]["failed"] == 1
    assert data["paraf_statements"]["failures"] == ["bad_signature"]
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "FAILED verification" in page


def test_password_change_in_the_session_reseals_the_key_and_a_reset_replaces_it(
    demo, client, team_letter
):
    """Changing one's own password keeps the same paraf key (resealed, session updated);
    a reset by someone else leaves a key nobody can open: revoked and replaced at next use,
    earlier statements stay valid."""
    state = waiting(team_letter)[0]
    user = state.assignee
    client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    _act(naskah_paraf, team_letter)  # issues the key (unlocked with the password)
    first = ParafCredential.objects.get(pegawai=user, status="active")
    new_password = "ganti-Sandi-2026!x"
    response = client.post(
        _password_change_url(),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302, response.content[:500]
    first.refresh_from_db()
    assert first.status == "active"
    kek = paraf_keys.kek_derive(user.pk, new_password)
    paraf_keys.crypto.envelope_open(  # opens with the new password only
        bytes(first.sealed_key), secret=kek, aad=paraf_keys._credential_aad(first.serial_hex)
    )
    # An administrator resets the password: the next statement revokes the old key.
    user.set_password("reset-Oleh-Admin-77")
    user.save()
    with paraf_keys.paraf_unlocked(user, "reset-Oleh-Admin-77"):
        paraf_keys.statement_sign(user=user, payload={"actor": {"id": user.pk}, "time": "x"})
    first.refresh_from_db()
    assert first.status == "revoked" and first.revocation_reason_code == "superseded"
    assert ParafCredential.objects.filter(pegawai=user, status="active").count() == 1
    earlier = ParafStatement.objects.get(naskah=team_letter)
    assert paraf_statement_verify(earlier).ok


def _password_change_url():
    from django.urls import reverse

    return reverse("password_change")


def test_administrator_revokes_a_paraf_certificate_through_the_page(demo, client, signed):
    from django.urls import reverse

    cred = ParafCredential.objects.get(pegawai=signed.pegawai)
    url = reverse("signing:paraf_credential_revoke", args=[cred.pk])
    client.force_login(demo["prakompertama"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(demo["admin"])
    assert client.post(url, {"reason": ""}).status_code == 400
    cred.refresh_from_db()
    assert cred.status == "active"
    response = client.post(url, {"reason": "Perangkat hilang", "reason_code": "key_compromise"})
    assert response.status_code == 302
    cred.refresh_from_db()
    assert cred.status == "revoked" and cred.revocation_reason_code == "key_compromise"
    assert paraf_statement_verify(signed).ok  # made before the revocation


def test_paraf_through_the_page_after_a_password_signin_is_signed(demo, client, team_letter):
    """End to end: sign in with the password (the key is unlocked for the session through
    the browser-held cookie), initial on the letter's page: a verified statement."""
    from django.urls import reverse

    from naskah.selectors.approval import naskah_route_open

    state = waiting(team_letter)[0]
    user = state.assignee
    client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    route = naskah_route_open(team_letter)
    response = client.post(
        reverse("naskah:alur_act", args=[team_letter.pk]),
        {
            "action": "paraf",
            "step_state": state.pk,
            "revisi": team_letter.revisi_terakhir,
            "version": route.version,
            "note": "",
        },
    )
    assert response.status_code == 302
    statement = ParafStatement.objects.get(naskah=team_letter, step_state=state)
    assert statement.pegawai_id == user.pk and paraf_statement_verify(statement).ok
    # Without the browser's cookie the session alone unlocks nothing.
    client.cookies.pop(paraf_keys.COOKIE_NAME)
    state = waiting(team_letter)[0]
    if state.assignee_id == user.pk:  # pragma: no cover - the chain moves to someone else
        return
    client.logout()
    client.post("/masuk/", {"username": state.assignee.username, "password": PASSWORD})
    assert client.session.get(paraf_keys.SESSION_KEY)  # unlocked, but the cookie is lost:
    client.cookies.pop(paraf_keys.COOKIE_NAME)
    client.post(
        reverse("naskah:alur_act", args=[team_letter.pk]),
        {
            "action": "paraf",
            "step_state": state.pk,
            "revisi": team_letter.revisi_terakhir,
            "version": naskah_route_open(team_letter).version,
        },
    )
    state.refresh_from_db()
    assert state.status == "approved"  # recorded (statements not required by default)
    assert not ParafStatement.objects.filter(step_state=state).exists()  # but unsigned


def test_correction_kept_with_the_reviewer_is_signed_too(demo, team_letter):
    from naskah.markup import blocks_from_markup

    team_letter.refresh_from_db()
    values = values_from(team_letter, body=blocks_from_markup("Isi diperbaiki, belum diparaf."))
    revisi, _outcome = _act(naskah_correct, team_letter, values=values, approve=False)
    s = ParafStatement.objects.get(naskah=team_letter, action="correct")
    body = json.loads(s.payload)
    assert body["event"] == "revision_changed" and body["approved"] is False
    assert body["capacity"] and s.revisi_nomor == revisi.nomor
    assert paraf_statement_verify(s).ok

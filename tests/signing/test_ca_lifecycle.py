"""Issue 18 item 5: CA rotation, renewal notices before expiry, the CA key in a PKCS#11
token (SoftHSM2)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from django.core import mail
from django.core.management import call_command

from core.models import AuditEvent
from signing import crypto
from signing.ca_lifecycle import ca_generations, ca_rotate, link_certificates
from signing.models import CaGeneration, CertificateAuthority, CertificateRequest, SignerCertificate
from signing.services import (
    certificate_request_approve,
    certificate_request_submit,
    certificate_revoke,
    pdf_sign,
    signer_enroll,
)
from signing.validation import pdf_validate
from tests.factories import PegawaiFactory, registration_officer
from tests.signing.conftest import PASSPHRASE, make_pdf

SOFTHSM_UTIL = shutil.which("softhsm2-util")
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(autouse=True)
def _small_ca_keys(monkeypatch):
    monkeypatch.setattr("signing.backends.local.CA_KEY_BITS", 2048)


def _row(signer) -> SignerCertificate:
    return SignerCertificate.objects.for_signer(signer).order_by("-created_at").first()


def _cert(signer) -> x509.Certificate:
    return crypto.certificate_load(_row(signer).certificate_pem)


def _ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303
    return builder.build().public_bytes(serialization.Encoding.DER)


def _verify_signed_by(cert: x509.Certificate, issuer_public) -> None:
    issuer_public.verify(
        cert.signature,
        cert.tbs_certificate_bytes,
        padding.PKCS1v15(),
        cert.signature_hash_algorithm,
    )


def _path_validates(cert: x509.Certificate, *, anchor: x509.Certificate, link) -> None:
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    from signing.pades import asn1_certificate

    context = ValidationContext(
        trust_roots=[asn1_certificate(anchor)], allow_fetching=False, revocation_mode="soft-fail"
    )
    validator = CertificateValidator(
        asn1_certificate(cert),
        intermediate_certs=[asn1_certificate(link)],
        validation_context=context,
    )
    path = asyncio.run(validator.async_validate_usage({"digital_signature"}))
    assert len(path) == 3  # anchor, link, end entity


# --- CA rotation ------------------------------------------------------------------------------


def test_rotation_old_and_new_letters_both_validate(enrolled, admin_user, client):
    before = pdf_sign(pdf=make_pdf("Sebelum rotasi"), signer=enrolled, credential=PASSPHRASE).pdf
    old_ca = CertificateAuthority.objects.get(pk=1)
    old_cert = crypto.certificate_load(old_ca.certificate_pem)

    new_ca = ca_rotate(actor=admin_user, reason="Rotasi terjadwal")
    new_cert = crypto.certificate_load(new_ca.certificate_pem)
    assert new_ca.generation == 2 and new_ca.serial_hex != old_ca.serial_hex
    assert new_cert.subject != old_cert.subject and "G2" in new_ca.subject
    retired = CaGeneration.objects.get()
    assert retired.serial_hex == old_ca.serial_hex and retired.generation == 1
    assert [ca.serial_hex for ca in ca_generations()] == [new_ca.serial_hex, old_ca.serial_hex]
    # The signer's certificate from before keeps working and records its issuer.
    assert _row(enrolled).issuer_serial_hex == old_ca.serial_hex

    # RFC 4210 link certificates: OldWithNew (signed by the old key), NewWithOld.
    old_with_new, new_with_old = link_certificates(new_ca)
    assert old_with_new.subject == new_cert.subject and old_with_new.issuer == old_cert.subject
    assert old_with_new.public_key() == new_cert.public_key()
    _verify_signed_by(old_with_new, old_cert.public_key())
    assert new_with_old.subject == old_cert.subject and new_with_old.issuer == new_cert.subject
    _verify_signed_by(new_with_old, new_cert.public_key())
    # A verifier who trusts only the old root accepts a new-CA certificate through
    # OldWithNew; one who trusts only the new root accepts an old one through NewWithOld.
    other = PegawaiFactory(nama="Sri Wahyuni")
    signer_enroll(signer=other, passphrase=PASSPHRASE, officer=registration_officer())
    _path_validates(_cert(other), anchor=old_cert, link=old_with_new)
    _path_validates(_cert(enrolled), anchor=new_cert, link=new_with_old)
    links = client.get(f"/pki/ca/{new_ca.serial_hex}-links.pem")
    assert links.status_code == 200 and links.content.count(b"BEGIN CERTIFICATE") == 2

    event = AuditEvent.objects.get(action="signing.ca_rotate")
    assert event.details["previous_serial"] == old_ca.serial_hex
    assert event.details["generation"] == 2

    # A new signer is issued a certificate by the new CA.
    assert _cert(other).issuer == new_cert.subject
    _verify_signed_by(_cert(other), new_cert.public_key())
    assert _row(other).issuer_serial_hex == new_ca.serial_hex
    after = pdf_sign(pdf=make_pdf("Sesudah rotasi"), signer=other, credential=PASSPHRASE).pdf
    # ... and the old signer still signs with the old CA's certificate after the rotation.
    old_after = pdf_sign(pdf=make_pdf("Lama"), signer=enrolled, credential=PASSPHRASE).pdf

    for data in (before, after, old_after):
        report = pdf_validate(data)
        assert report.ok, [s.problems for s in report.signatures]
        assert report.signatures[0].indication == "TOTAL_PASSED"

    # Both generations keep serving their CRL; revocation lands in the issuer's CRL.
    certificate_revoke(certificate=_row(enrolled), actor=admin_user, reason="Mutasi")
    old_crl = x509.load_der_x509_crl(client.get(f"/pki/crl/{old_ca.serial_hex}.crl").content)
    assert old_crl.is_signature_valid(old_cert.public_key())
    assert old_crl.get_revoked_certificate_by_serial_number(_cert(enrolled).serial_number)
    new_crl = x509.load_der_x509_crl(client.get(f"/pki/crl/{new_ca.serial_hex}.crl").content)
    assert new_crl.is_signature_valid(new_cert.public_key())
    assert not list(new_crl)
    # OCSP answers for both generations, each through its own responder.
    for cert, issuer, status in (
        (_cert(enrolled), old_cert, ocsp.OCSPCertStatus.REVOKED),
        (_cert(other), new_cert, ocsp.OCSPCertStatus.GOOD),
    ):
        response = client.post(
            "/pki/ocsp/", _ocsp_request(cert, issuer), content_type="application/ocsp-request"
        )
        answer = ocsp.load_der_ocsp_response(response.content)
        assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
        assert answer.certificate_status == status
        assert answer.certificates[0].issuer == issuer.subject
    # The old CA cert is still downloadable.
    assert client.get(f"/pki/ca/{old_ca.serial_hex}.cer").status_code == 200


def test_rotate_command_rotates_twice(enrolled, capsys):
    call_command("signing_ca_rotate", "--reason", "uji")
    call_command("signing_ca_rotate")
    ca = CertificateAuthority.objects.get(pk=1)
    assert ca.generation == 3 and CaGeneration.objects.count() == 2
    out = capsys.readouterr().out
    assert ca.serial_hex in out


# --- Renewal ----------------------------------------------------------------------------------


def test_renewal_notice_sent_once_then_renewed_through_the_officer(enrolled, settings):
    from signing.renewal import certificate_renewal_sweep
    from workflows.models import Notifikasi
    from workflows.services import notifikasi_send_email

    settings.NASKAH_SIGNING_RENEWAL_NOTICE_DAYS = 30
    row = _row(enrolled)
    assert certificate_renewal_sweep() == 0  # far from expiry
    assert certificate_submit_refused(enrolled)
    with time_machine.travel(row.not_after - dt.timedelta(days=20), tick=True):
        assert certificate_renewal_sweep() == 1
        assert certificate_renewal_sweep() == 0  # once per certificate
        row.refresh_from_db()
        assert row.renewal_state == "sent" and row.renewal_notified_at is not None
        assert row.renewal_attempts == 1
        notice = Notifikasi.objects.get(recipient=enrolled, kind="signing.renewal")
        assert notice.key == f"signing.renewal:{row.serial_hex}"
        assert "TTE" in notice.text and PASSPHRASE not in notice.text
        assert AuditEvent.objects.filter(action="signing.renewal_notice").count() == 1
        assert notice.email_state == Notifikasi.EmailState.PENDING  # queued with the notice
        notifikasi_send_email(notifikasi_id=notice.pk)  # what the queued task does
        assert [m.to for m in mail.outbox] == [[enrolled.email]]
        assert PASSPHRASE not in mail.outbox[0].body

        # Renewal: a new request while the old certificate is still valid; approval by a
        # registration officer supersedes it.
        request = certificate_request_submit(signer=enrolled, passphrase="frasa-baru-yang-panjang")
        assert _row(enrolled).status == SignerCertificate.Status.ACTIVE  # still usable
        new = certificate_request_approve(request=request, officer=registration_officer())
        row.refresh_from_db()
        assert row.status == SignerCertificate.Status.SUPERSEDED
        assert new.status == SignerCertificate.Status.ACTIVE and new.not_after > row.not_after
        assert certificate_renewal_sweep() == 0  # the new certificate is far from expiry


def certificate_submit_refused(signer) -> bool:
    from core.errors import ApplicationError

    try:
        certificate_request_submit(signer=signer, passphrase="frasa-baru-yang-panjang")
    except ApplicationError as exc:
        return exc.code == "certificate_exists"
    return False


def test_renewal_notice_failure_is_recorded_and_retried(enrolled, monkeypatch):
    from django_q.models import Schedule

    from signing.renewal import certificate_renewal_sweep
    from signing.tasks import renewal_notice_task

    row = _row(enrolled)

    def broken(**kwargs):
        raise RuntimeError("smtp down")

    monkeypatch.setattr("workflows.services.notifikasi_create", broken)  # the hook's work
    with time_machine.travel(row.not_after - dt.timedelta(days=5), tick=True):
        assert certificate_renewal_sweep() == 0
        row.refresh_from_db()
        assert row.renewal_state == "pending" and row.renewal_error
        assert Schedule.objects.filter(func="signing.tasks.renewal_notice_task").exists()
        monkeypatch.undo()
        assert certificate_renewal_sweep() == 0  # the sweep does not start it twice
        assert renewal_notice_task(row.pk) is True  # the scheduled retry
        row.refresh_from_db()
        assert row.renewal_state == "sent" and row.renewal_attempts == 2


def test_setup_schedules_is_idempotent(db):
    from django_q.models import Schedule

    call_command("signing_setup_schedules")
    call_command("signing_setup_schedules")
    assert Schedule.objects.filter(name="signing_renewal_notices").count() == 1
    assert Schedule.objects.get(name="signing_renewal_notices").func == (
        "signing.tasks.renewal_sweep_task"
    )


# --- PKCS#11 (SoftHSM2) -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def softhsm(tmp_path_factory):
    if SOFTHSM_UTIL is None or not os.path.exists(SOFTHSM_MODULE):
        pytest.skip("softhsm2-util or libsofthsm2.so is not installed")
    pytest.importorskip("pkcs11")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            SOFTHSM_UTIL,
            "--init-token",
            "--free",
            "--label",
            "naskah-ca",
            "--pin",
            "123456",
            "--so-pin",
            "654321",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    yield {"module": SOFTHSM_MODULE, "token": "naskah-ca", "pin": "123456"}
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def token_ca(softhsm, settings):
    settings.NASKAH_CA_KEY_BACKEND = "pkcs11"
    settings.NASKAH_CA_PKCS11_MODULE = softhsm["module"]
    settings.NASKAH_CA_PKCS11_TOKEN = softhsm["token"]
    settings.NASKAH_CA_PKCS11_PIN = softhsm["pin"]
    return softhsm


def test_pkcs11_ca_signs_certificates_crl_and_ocsp_responder(token_ca, signer, admin_user):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    from signing.ca_keys import _pkcs11_session

    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    ca = CertificateAuthority.objects.get(pk=1)
    assert ca.key_backend == "pkcs11" and ca.key_label and not bytes(ca.sealed_key)
    ca_cert = crypto.certificate_load(ca.certificate_pem)
    ca_cert.verify_directly_issued_by(ca_cert)  # self-signed, by the token
    _verify_signed_by(_cert(signer), ca_cert.public_key())

    signed = pdf_sign(pdf=make_pdf("Token"), signer=signer, credential=PASSPHRASE).pdf
    report = pdf_validate(signed)
    assert report.ok, [s.problems for s in report.signatures]

    certificate_revoke(certificate=_row(signer), actor=admin_user, reason="Uji token")
    ca.refresh_from_db()
    crl = x509.load_der_x509_crl(bytes(ca.crl_der))
    assert crl.is_signature_valid(ca_cert.public_key())
    assert crl.get_revoked_certificate_by_serial_number(_cert(signer).serial_number)
    responder = crypto.certificate_load(ca.ocsp_certificate_pem or _ensure_responder(ca))
    _verify_signed_by(responder, ca_cert.public_key())

    # The key never leaves the token: sensitive, not extractable, its value unreadable.
    with _pkcs11_session() as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=ca.key_label)
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
        with pytest.raises(pkcs11.PKCS11Error):
            key[Attribute.PRIVATE_EXPONENT]  # noqa: B018


def _ensure_responder(ca) -> str:
    from signing.pki import ocsp_responder_ensure

    return ocsp_responder_ensure(ca).ocsp_certificate_pem


def test_pkcs11_rotation_from_database_key_into_the_token(enrolled, token_ca, settings):
    old = CertificateAuthority.objects.get(pk=1)
    assert old.key_backend == "database"
    before = pdf_sign(pdf=make_pdf("Sebelum"), signer=enrolled, credential=PASSPHRASE).pdf
    new = ca_rotate()
    assert new.key_backend == "pkcs11" and new.key_label
    other = PegawaiFactory(nama="Token Dua")
    signer_enroll(signer=other, passphrase=PASSPHRASE, officer=registration_officer())
    after = pdf_sign(pdf=make_pdf("Sesudah"), signer=other, credential=PASSPHRASE).pdf
    for data in (before, after):
        assert pdf_validate(data).ok


def test_pkcs11_wrong_pin_is_a_clear_error(token_ca, signer, settings):
    from core.errors import ApplicationError

    settings.NASKAH_CA_PKCS11_PIN = "000000"
    with pytest.raises(ApplicationError) as caught:
        signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    assert caught.value.code == "pkcs11_login"
    assert not CertificateAuthority.objects.exists()
    assert not CertificateRequest.objects.filter(status="diterbitkan").exists()


def test_renewal_without_a_notice_app_is_recorded_as_failed(enrolled, monkeypatch):
    from core import hooks
    from signing.renewal import certificate_renewal_sweep

    monkeypatch.setitem(hooks._registry, hooks.SIGNING_RENEWAL_DUE, [])
    row = _row(enrolled)
    with time_machine.travel(row.not_after - dt.timedelta(days=3), tick=True):
        assert certificate_renewal_sweep() == 0
        row.refresh_from_db()
        assert row.renewal_state == "failed" and "notification" in row.renewal_error
        assert certificate_renewal_sweep() == 0  # recorded, not looped


def test_tte_page_offers_renewal_only_inside_the_window(client, enrolled):
    from django.urls import reverse

    client.force_login(enrolled)
    assert b"tte-renewal" not in client.get(reverse("signing:settings")).content
    row = _row(enrolled)
    with time_machine.travel(row.not_after - dt.timedelta(days=10), tick=True):
        client.force_login(enrolled)  # the earlier session has expired by then
        page = client.get(reverse("signing:settings"))
        assert b'id="tte-renewal"' in page.content
        response = client.post(
            reverse("signing:enrol"),
            {"passphrase": "frasa-baru-yang-panjang", "passphrase2": "frasa-baru-yang-panjang"},
        )
        assert response.status_code == 302
        assert CertificateRequest.objects.filter(pegawai=enrolled, status="diajukan").exists()
        assert _row(enrolled).status == SignerCertificate.Status.ACTIVE

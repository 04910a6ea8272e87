"""Certificates of the local CA and the signer's sealed key (DESIGN invariants 7 and 8)."""

from __future__ import annotations

import base64
import logging

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection

from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent
from signing.backends.local import ca_secret, key_open
from signing.models import CertificateAuthority, SignerCertificate
from signing.services import (
    certificate_revoke,
    pdf_sign,
    signer_enroll,
    signer_passphrase_change,
)
from signing.validation import pdf_validate
from tests.factories import PegawaiFactory, registration_officer
from tests.signing.conftest import PASSPHRASE, make_pdf

NEW_PASSPHRASE = "kunci-baru-lebih-panjang-2"


def _all_database_values():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    yield table, value


def _assert_secret_absent(secrets: list[bytes], haystacks):
    for where, value in haystacks:
        blob = value if isinstance(value, bytes) else str(value).encode()
        for secret in secrets:
            assert secret not in blob, f"secret material found in {where}"


def _clear_key_forms(row: SignerCertificate, passphrase: str) -> list[bytes]:
    key = key_open(row, passphrase)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem_body_line = pem.splitlines()[5]  # a line of base64 from the middle of the key
    prime = key.private_numbers().p.to_bytes(128, "big")
    return [der, pem_body_line, base64.b64encode(der[40:100]), prime]


def test_passphrase_and_clear_key_are_never_stored_or_logged(signer, admin_user, caplog):
    caplog.set_level(logging.DEBUG)
    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    pdf_sign(pdf=make_pdf(), signer=signer, credential=PASSPHRASE)
    with pytest.raises(ApplicationError):
        pdf_sign(pdf=make_pdf(), signer=signer, credential=PASSPHRASE + "salah")
    signer_passphrase_change(
        signer=signer, old_passphrase=PASSPHRASE, new_passphrase=NEW_PASSPHRASE
    )
    row = SignerCertificate.objects.get(pegawai=signer)
    secrets = [
        PASSPHRASE.encode(),
        NEW_PASSPHRASE.encode(),
        *_clear_key_forms(row, NEW_PASSPHRASE),
        ca_secret(),
    ]
    _assert_secret_absent(secrets, _all_database_values())
    _assert_secret_absent(secrets, [("logs", caplog.text)])
    _assert_secret_absent(secrets, [("audit", e.details) for e in AuditEvent.objects.all()])
    # The row holds an envelope, not PKCS#8 in any form.
    sealed = bytes(row.sealed_key)
    assert sealed.startswith(b"NK1")
    assert b"PRIVATE KEY" not in sealed


def test_ca_key_is_sealed_with_the_instance_secret(enrolled):
    ca = CertificateAuthority.objects.get()
    assert bytes(ca.sealed_key).startswith(b"NK1")
    assert b"PRIVATE KEY" not in bytes(ca.sealed_key)
    assert "CERTIFICATE" in ca.certificate_pem


def test_a_changed_instance_secret_is_reported_clearly(enrolled, settings):
    other = PegawaiFactory()
    settings.NASKAH_SIGNING_CA_SECRET = "a-different-secret-than-before"
    with pytest.raises(ApplicationError) as info:
        signer_enroll(signer=other, passphrase=PASSPHRASE, officer=registration_officer())
    assert info.value.code == "ca_secret_mismatch"
    assert not SignerCertificate.objects.filter(pegawai=other).exists()


def test_enrolment_issues_a_nonrepudiation_certificate(signer):
    from cryptography import x509

    row = signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    cert = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature
    assert cert.subject.rfc4514_string().startswith("CN=Budi Santoso")
    assert cert.public_key().key_size == 2048
    assert row.status == SignerCertificate.Status.ACTIVE
    event = AuditEvent.objects.get(action="signing.certificate_issue")
    assert event.details["serial"] == row.serial_hex


def test_enrolling_twice_is_refused(enrolled):
    with pytest.raises(ApplicationError) as info:
        signer_enroll(signer=enrolled, passphrase=NEW_PASSPHRASE, officer=registration_officer())
    assert info.value.code == "certificate_exists"
    assert SignerCertificate.objects.filter(pegawai=enrolled).count() == 1


@pytest.mark.parametrize(
    ("passphrase", "code"),
    [
        ("pendek", "passphrase_too_short"),
        (" spasi-di-depan ", "passphrase_spaces"),
        ("rahasia-123", "passphrase_is_password"),  # the factory's login password
    ],
)
def test_weak_passphrases_are_refused(signer, passphrase, code):
    with pytest.raises(ApplicationError) as info:
        signer_enroll(signer=signer, passphrase=passphrase, officer=registration_officer())
    assert info.value.code == code
    assert not SignerCertificate.objects.exists()


def test_username_is_not_a_passphrase(db):
    person = PegawaiFactory(username="budi.santoso.pns")
    with pytest.raises(ApplicationError) as info:
        signer_enroll(signer=person, passphrase="budi.santoso.pns", officer=registration_officer())
    assert info.value.code == "passphrase_guessable"


def test_passphrase_change_keeps_the_same_certificate_working(enrolled):
    before = SignerCertificate.objects.get(pegawai=enrolled)
    signed_before = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).pdf
    after = signer_passphrase_change(
        signer=enrolled, old_passphrase=PASSPHRASE, new_passphrase=NEW_PASSPHRASE
    )
    assert after.pk == before.pk and after.serial_hex == before.serial_hex
    assert after.certificate_pem == before.certificate_pem
    assert bytes(after.sealed_key) != bytes(before.sealed_key)
    result = pdf_sign(
        pdf=signed_before, signer=enrolled, credential=NEW_PASSPHRASE, field_name="TTE2"
    )
    report = pdf_validate(result.pdf)
    assert report.ok and len(report.signatures) == 2
    assert result.certificate.serial_hex == before.serial_hex
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE)
    assert info.value.code == "wrong_passphrase"
    assert AuditEvent.objects.filter(action="signing.passphrase_change").count() == 1


def test_passphrase_change_with_the_wrong_old_passphrase_changes_nothing(enrolled):
    before = bytes(SignerCertificate.objects.get(pegawai=enrolled).sealed_key)
    with pytest.raises(ApplicationError) as info:
        signer_passphrase_change(
            signer=enrolled, old_passphrase="bukan-yang-lama", new_passphrase=NEW_PASSPHRASE
        )
    assert info.value.code == "wrong_passphrase"
    assert bytes(SignerCertificate.objects.get(pegawai=enrolled).sealed_key) == before
    assert not AuditEvent.objects.filter(action="signing.passphrase_change").exists()


def test_revocation_needs_permission_and_a_reason(enrolled, admin_user):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    clerk = PegawaiFactory()
    with pytest.raises(PermissionDeniedError):
        certificate_revoke(certificate=row, actor=clerk, reason="iseng")
    with pytest.raises(ApplicationError) as info:
        certificate_revoke(certificate=row, actor=admin_user, reason="   ")
    assert info.value.code == "reason_required"
    row.refresh_from_db()
    assert row.status == SignerCertificate.Status.ACTIVE
    certificate_revoke(certificate=row, actor=admin_user, reason="Pensiun")
    row.refresh_from_db()
    assert row.status == SignerCertificate.Status.REVOKED
    assert row.revoked_by == admin_user and row.revocation_reason == "Pensiun"
    event = AuditEvent.objects.get(action="signing.certificate_revoke")
    assert event.actor_id == admin_user.pk and event.details["reason"] == "Pensiun"
    with pytest.raises(ApplicationError) as info:
        certificate_revoke(certificate=row, actor=admin_user, reason="lagi")
    assert info.value.code == "already_revoked"


def test_after_revocation_a_new_passphrase_issues_a_new_certificate(enrolled, admin_user):
    old = SignerCertificate.objects.get(pegawai=enrolled)
    certificate_revoke(certificate=old, actor=admin_user, reason="Lupa passphrase")
    new = signer_enroll(signer=enrolled, passphrase=NEW_PASSPHRASE, officer=registration_officer())
    assert new.serial_hex != old.serial_hex
    result = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=NEW_PASSPHRASE)
    assert result.certificate.serial_hex == new.serial_hex


def test_after_expiry_a_new_passphrase_replaces_the_certificate(enrolled):
    import datetime as dt

    import time_machine

    old = SignerCertificate.objects.get(pegawai=enrolled)
    with time_machine.travel(old.not_after + dt.timedelta(days=2), tick=False):
        new = signer_enroll(
            signer=enrolled, passphrase=NEW_PASSPHRASE, officer=registration_officer()
        )
        old.refresh_from_db()
        assert old.status == SignerCertificate.Status.SUPERSEDED
        assert new.status == SignerCertificate.Status.ACTIVE


def test_status_reports_expiry_and_revocation(enrolled, admin_user):
    import datetime as dt

    import time_machine

    from signing.backends.local import LocalBackend

    backend = LocalBackend()
    assert backend.status(enrolled).code == "ready"
    row = SignerCertificate.objects.get(pegawai=enrolled)
    with time_machine.travel(row.not_after + dt.timedelta(days=1), tick=False):
        assert backend.status(enrolled).code == "expired"
    certificate_revoke(certificate=row, actor=admin_user, reason="Mutasi")
    assert backend.status(enrolled).code == "revoked"
    assert backend.status(PegawaiFactory()).code == "no_certificate"


def test_enrolment_is_refused_when_bsre_manages_certificates(signer, settings):
    settings.NASKAH_SIGNING_BACKEND = "bsre"
    with pytest.raises(ApplicationError) as info:
        signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    assert info.value.code == "backend_manages_certificates"


def test_repeated_wrong_passphrases_lock_signing_for_a_while(enrolled, settings):
    import datetime as dt

    import time_machine

    settings.NASKAH_SIGNING_MAX_FAILED_ATTEMPTS = 3
    settings.NASKAH_SIGNING_LOCKOUT_SECONDS = 600
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _attempt in range(3):
            with pytest.raises(ApplicationError) as info:
                pdf_sign(pdf=make_pdf(), signer=enrolled, credential="tebakan-salah-1")
            assert info.value.code == "wrong_passphrase"
        with pytest.raises(ApplicationError) as info:
            pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE)
        assert info.value.code == "passphrase_locked"
        assert "Wait 10 minutes" in info.value.message
    with time_machine.travel(start + dt.timedelta(seconds=601), tick=False):
        assert pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).sha256


def test_a_right_passphrase_resets_the_count(enrolled, settings):
    settings.NASKAH_SIGNING_MAX_FAILED_ATTEMPTS = 2
    with pytest.raises(ApplicationError):
        pdf_sign(pdf=make_pdf(), signer=enrolled, credential="tebakan-salah-1")
    pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE)
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=make_pdf(), signer=enrolled, credential="tebakan-salah-2")
    assert info.value.code == "wrong_passphrase"  # not locked: the count restarted


def test_a_request_is_decided_once(signer):
    """Two officers approving the same request: the second finds it decided."""
    from core.errors import ConflictError
    from signing.services import certificate_request_approve, certificate_request_submit

    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    certificate_request_approve(request=request, officer=registration_officer())
    with pytest.raises(ConflictError):
        certificate_request_approve(request=request, officer=registration_officer("petugas-2"))
    assert SignerCertificate.objects.filter(pegawai=signer).count() == 1
    assert AuditEvent.objects.filter(action="signing.certificate_issue").count() == 1

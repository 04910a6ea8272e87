"""Signing services: certificates of the local CA, unlocking a key, sealing PDF bytes.

Every state change writes an audit event inside its transaction. Passphrases are used
and dropped; they never reach a row, an audit event or a log line (DESIGN invariant 7).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.services.audit import audit_record
from signing import crypto
from signing.backends import get_backend
from signing.backends.base import CredentialKind, SignedResult, SigningBackend, UnlockedKey
from signing.events import (
    SIGNING_ARCHIVE_TIMESTAMP,
    SIGNING_CERTIFICATE_ISSUE,
    SIGNING_CERTIFICATE_REQUEST,
    SIGNING_CERTIFICATE_REQUEST_APPROVE,
    SIGNING_CERTIFICATE_REQUEST_REJECT,
    SIGNING_CERTIFICATE_REVOKE,
    SIGNING_PASSPHRASE_CHANGE,
    SIGNING_PDF_SIGN,
)
from signing.models import CertificateRequest, SignerCertificate
from signing.permissions import can_decide_certificate_request, can_revoke_certificate
from signing.throttle import passphrase_guard

if TYPE_CHECKING:
    from core.models import Pegawai

__all__ = [
    "certificate_request_approve",
    "certificate_request_reject",
    "certificate_request_submit",
    "certificate_revoke",
    "pdf_archive_timestamp",
    "pdf_sign",
    "signer_enroll",
    "signer_credential",
    "signer_passphrase_change",
    "signer_unlock",
]


def _local_backend_required() -> None:
    from signing.backends import backend_issues_certificates

    if not backend_issues_certificates():
        raise ApplicationError(
            _(
                "Signing certificates are issued by BSrE for this installation; register "
                "and manage your passphrase with BSrE."
            ),
            code="backend_manages_certificates",
        )


@sensitive_variables()
def _passphrase_check(signer: Pegawai, passphrase: str) -> None:
    minimum = int(settings.NASKAH_SIGNING_PASSPHRASE_MIN_LENGTH)
    if len(passphrase) < minimum:
        raise ApplicationError(
            _("The signing passphrase must have at least %(n)d characters.") % {"n": minimum},
            code="passphrase_too_short",
        )
    if passphrase.strip() != passphrase:
        raise ApplicationError(
            _("The signing passphrase must not start or end with a space."),
            code="passphrase_spaces",
        )
    if passphrase.casefold() in {signer.username.casefold(), (signer.nip or "").casefold()}:
        raise ApplicationError(
            _("The signing passphrase must not be your username or NIP."),
            code="passphrase_guessable",
        )
    if signer.has_usable_password() and signer.check_password(passphrase):
        raise ApplicationError(
            _("The signing passphrase must differ from your login password."),
            code="passphrase_is_password",
        )


def _signer_identity(signer: Pegawai) -> tuple[str, str]:
    """The NIP and the positions (with units) the signer holds today, as recorded."""
    from core.selectors.organisasi import pegawai_jabatan_acting_on

    jabatan = "; ".join(
        f"{p.jabatan.nama} — {p.jabatan.unit.nama}" for p in pegawai_jabatan_acting_on(signer)
    )
    return signer.nip or "", jabatan[:400]


@sensitive_variables()
def certificate_request_submit(*, signer: Pegawai, passphrase: str) -> CertificateRequest:
    """The signer asks for a certificate (first time, or after expiry or revocation) and
    sets the signing passphrase. The key pair is generated now and the private key sealed
    with the passphrase; nothing is issued until a registration officer approves."""
    from signing.backends.local import key_pair_generate_sealed

    _local_backend_required()
    _passphrase_check(signer, passphrase)
    from signing.renewal import renewal_due

    current = SignerCertificate.objects.for_signer(signer).active().first()
    # Inside the renewal window (signing/renewal.py) a valid certificate may be renewed.
    if current is not None and not current.is_expired and not renewal_due(current):
        raise ApplicationError(
            _("You already have a valid signing certificate; change its passphrase instead."),
            code="certificate_exists",
        )
    if CertificateRequest.objects.filter(
        pegawai=signer, status=CertificateRequest.Status.DIAJUKAN
    ).exists():
        raise ApplicationError(
            _("Your certificate request is already waiting for a registration officer."),
            code="request_pending",
        )
    # Key generation and sealing (~0.2 s) happen before the transaction opens.
    serial_hex, public_pem, sealed = key_pair_generate_sealed(passphrase)
    nip, jabatan = _signer_identity(signer)
    try:
        with transaction.atomic():
            row = CertificateRequest.objects.create(
                pegawai=signer,
                serial_hex=serial_hex,
                public_key_pem=public_pem,
                sealed_key=sealed,
                nip=nip,
                jabatan=jabatan,
            )
            audit_record(
                actor=signer,
                action=SIGNING_CERTIFICATE_REQUEST,
                obj=row,
                details={"serial": serial_hex, "nip": nip, "jabatan": jabatan},
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("Your certificate request is already waiting for a registration officer.")
        ) from exc
    return row


def _decide_guard(request: CertificateRequest, officer: Pegawai) -> None:
    if not can_decide_certificate_request(officer):
        raise PermissionDeniedError(
            _("Only a registration officer may decide certificate requests.")
        )
    if request.pegawai_id == officer.pk:
        raise PermissionDeniedError(
            _("A registration officer may not decide his or her own certificate request.")
        )


def _request_lock(request: CertificateRequest) -> CertificateRequest:
    row = CertificateRequest.objects.select_for_update().get(pk=request.pk)
    if row.status != CertificateRequest.Status.DIAJUKAN:
        raise ConflictError(_("This certificate request was already decided."))
    return row


def certificate_request_approve(
    *, request: CertificateRequest, officer: Pegawai
) -> SignerCertificate:
    """A registration officer, having checked the signer's identity against the Pegawai
    record, approves the request: the local CA certifies the requested key."""
    from signing.backends.local import certificate_build_for
    from signing.renewal import renewal_due

    _local_backend_required()
    _decide_guard(request, officer)
    signer = request.pegawai
    if not signer.is_active:
        raise ApplicationError(
            _("The account of this signer is inactive; reject the request instead."),
            code="signer_inactive",
        )
    try:
        with transaction.atomic():
            row = _request_lock(request)
            stale = list(SignerCertificate.objects.select_for_update().for_signer(signer).active())
            for old in stale:
                if not old.is_expired and not renewal_due(old):
                    raise ConflictError(
                        _("This signer already has a valid certificate; reject the request.")
                    )
                old.status = SignerCertificate.Status.SUPERSEDED
                old.save(update_fields=["status"])
            new = certificate_build_for(
                signer,
                serial_hex=row.serial_hex,
                public_key_pem=row.public_key_pem,
                sealed_key=bytes(row.sealed_key),
            )
            new.save()
            row.status = CertificateRequest.Status.DITERBITKAN
            row.diputuskan_oleh = officer
            row.diputuskan_pada = timezone.now()
            row.sertifikat = new
            row.sealed_key = b""
            row.save(
                update_fields=[
                    "status",
                    "diputuskan_oleh",
                    "diputuskan_pada",
                    "sertifikat",
                    "sealed_key",
                ]
            )
            audit_record(
                actor=officer,
                action=SIGNING_CERTIFICATE_REQUEST_APPROVE,
                obj=row,
                details={"serial": row.serial_hex, "signer": signer.pk, "nip": signer.nip or ""},
            )
            audit_record(
                actor=officer,
                action=SIGNING_CERTIFICATE_ISSUE,
                obj=new,
                details={
                    "serial": new.serial_hex,
                    "subject": new.subject,
                    "not_after": new.not_after,
                    "request": row.pk,
                    "superseded": [old.serial_hex for old in stale],
                },
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("A certificate was issued to this signer a moment ago; reload the page.")
        ) from exc
    return new


def certificate_request_reject(
    *, request: CertificateRequest, officer: Pegawai, reason: str
) -> CertificateRequest:
    """A registration officer rejects a request (identity not confirmed, wrong person)."""
    _decide_guard(request, officer)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection."), code="reason_required")
    with transaction.atomic():
        row = _request_lock(request)
        row.status = CertificateRequest.Status.DITOLAK
        row.diputuskan_oleh = officer
        row.diputuskan_pada = timezone.now()
        row.alasan_penolakan = reason[:1000]
        row.sealed_key = b""
        row.save(
            update_fields=[
                "status",
                "diputuskan_oleh",
                "diputuskan_pada",
                "alasan_penolakan",
                "sealed_key",
            ]
        )
        audit_record(
            actor=officer,
            action=SIGNING_CERTIFICATE_REQUEST_REJECT,
            obj=row,
            details={"serial": row.serial_hex, "signer": row.pegawai_id, "reason": reason},
        )
    return row


@sensitive_variables()
def signer_enroll(*, signer: Pegawai, passphrase: str, officer: Pegawai) -> SignerCertificate:
    """Request and approval in one call, for seeding demo data and scripts: the officer's
    rules are the same as on the page (a registration officer, not the signer)."""
    request = certificate_request_submit(signer=signer, passphrase=passphrase)
    return certificate_request_approve(request=request, officer=officer)


@sensitive_variables()
def signer_passphrase_change(
    *, signer: Pegawai, old_passphrase: str, new_passphrase: str
) -> SignerCertificate:
    """Re-seal the signer's key with a new passphrase; the certificate stays the same."""
    from signing.backends.local import key_open, signer_aad

    _local_backend_required()
    row = SignerCertificate.objects.for_signer(signer).active().first()
    if row is None:
        raise ApplicationError(
            _("You have no active signing certificate; set a signing passphrase first."),
            code="no_certificate",
        )
    if old_passphrase == new_passphrase:
        raise ApplicationError(
            _("The new signing passphrase must differ from the current one."),
            code="passphrase_unchanged",
        )
    _passphrase_check(signer, new_passphrase)
    with passphrase_guard(signer):
        key = key_open(row, old_passphrase)
    sealed = crypto.private_key_seal(
        key, secret=new_passphrase.encode(), aad=signer_aad(row.serial_hex)
    )
    with transaction.atomic():
        locked = SignerCertificate.objects.select_for_update().get(pk=row.pk)
        if bytes(locked.sealed_key) != bytes(row.sealed_key) or locked.status != row.status:
            raise ConflictError(
                _("Your certificate changed while you were typing; reload the page.")
            )
        locked.sealed_key = sealed
        locked.passphrase_changed_at = timezone.now()
        locked.save(update_fields=["sealed_key", "passphrase_changed_at"])
        audit_record(
            actor=signer,
            action=SIGNING_PASSPHRASE_CHANGE,
            obj=locked,
            details={"serial": locked.serial_hex},
        )
    return locked


def certificate_revoke(
    *,
    certificate: SignerCertificate,
    actor: Pegawai,
    reason: str,
    reason_code: str = SignerCertificate.RevocationReason.UNSPECIFIED,
) -> SignerCertificate:
    """An administrator revokes a certificate (lost passphrase, left office, compromise).
    The signer can then set a new passphrase and is issued a new certificate.

    The CA's CRL is regenerated in the same transaction and OCSP answers from the row, so
    the revocation is visible to outside verifiers as soon as this commits."""
    from signing.pki import crl_regenerate

    if not can_revoke_certificate(actor):
        raise PermissionDeniedError(_("You may not revoke signing certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the revocation."), code="reason_required")
    if reason_code not in SignerCertificate.RevocationReason.values:
        raise ApplicationError(_("Unknown revocation reason code."), code="bad_reason_code")
    with transaction.atomic():
        row = SignerCertificate.objects.select_for_update().get(pk=certificate.pk)
        if row.status == SignerCertificate.Status.REVOKED:
            raise ApplicationError(
                _("This certificate was already revoked."), code="already_revoked"
            )
        row.status = SignerCertificate.Status.REVOKED
        row.revoked_at = timezone.now()
        row.revoked_by = actor
        row.revocation_reason = reason[:1000]
        row.revocation_reason_code = reason_code
        row.save(
            update_fields=[
                "status",
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "revocation_reason_code",
            ]
        )
        from signing.ca_lifecycle import ca_for_issuer

        # The CRL of the CA generation that issued it (signing/ca_lifecycle.py).
        ca = crl_regenerate(ca_for_issuer(crypto.certificate_load(row.certificate_pem)))
        audit_record(
            actor=actor,
            action=SIGNING_CERTIFICATE_REVOKE,
            obj=row,
            details={
                "serial": row.serial_hex,
                "signer": row.pegawai_id,
                "reason": reason,
                "reason_code": reason_code,
                "crl_number": ca.crl_number,
            },
        )
    return row


TOTP_DIGITS = (6, 8)


@sensitive_variables()
def signer_credential(
    *, signer: Pegawai, passphrase: str | None = None, totp: str | None = None
) -> tuple[str, CredentialKind]:
    """The one credential a signature request carries, checked against how `signer` signs
    (`signing.selectors.signing_method`): a passphrase, or a BSrE TOTP code where the
    installation signs through BSrE with TOTP. Returns (secret, kind); the secret is used
    for this request only."""
    from signing.selectors import signing_method

    offered: tuple[tuple[str | None, CredentialKind], ...] = (
        (passphrase, "passphrase"),
        (totp, "totp"),
    )
    given = [(v, k) for v, k in offered if v]
    if not given:
        raise ApplicationError(_("Enter your signing passphrase."), code="no_passphrase")
    if len(given) > 1:
        raise ApplicationError(
            _("Give either the signing passphrase or the TOTP code, not both."),
            code="credential_ambiguous",
        )
    secret, kind = given[0]
    method = signing_method(signer=signer)
    if kind not in method.credentials:
        message = (
            _("This installation signs with the signing passphrase, not a TOTP code.")
            if kind == "totp"
            else _("Sign with the TOTP code of your BSrE authenticator, not a passphrase.")
        )
        raise ApplicationError(message, code="credential_kind_not_accepted")
    if kind == "totp" and not (
        secret.isascii() and secret.isdigit() and TOTP_DIGITS[0] <= len(secret) <= TOTP_DIGITS[1]
    ):
        raise ApplicationError(
            _("The TOTP code is the six digits shown by your BSrE authenticator."),
            code="wrong_passphrase",
        )
    return secret, kind


@sensitive_variables()
def signer_unlock(
    *,
    signer: Pegawai,
    passphrase: str,
    credential_kind: CredentialKind = "passphrase",
    backend: SigningBackend | None = None,
) -> UnlockedKey:
    """Open the signer's credential once for a batch. Use as a context manager::

        with signer_unlock(signer=p, passphrase=pw) as key:
            for pdf in pdfs:
                pdf_sign(pdf=pdf, signer=p, credential=key, field_name="TTE")

    The key lives in this process's memory only and is dropped on exit; it cannot be
    pickled into a task queue.
    """
    with passphrase_guard(signer):
        return (backend or get_backend()).unlock(
            signer, passphrase, credential_kind=credential_kind
        )


@sensitive_variables()
def pdf_sign(
    *,
    pdf: bytes,
    signer: Pegawai,
    credential: str | UnlockedKey,
    field_name: str = "TTE",
    reason: str = "",
    location: str = "",
    credential_kind: CredentialKind = "passphrase",
    backend: SigningBackend | None = None,
) -> SignedResult:
    """Seal `pdf` with the signer's signature (an incremental update; earlier signatures
    stay valid) and record the event. Returns the sealed bytes and their SHA-256."""
    if not field_name or len(field_name) > 100 or "." in field_name:
        raise ApplicationError(
            _("The signature field name must be 1-100 characters without dots."),
            code="bad_field_name",
        )
    backend = backend or get_backend()
    sign = functools.partial(
        backend.sign,
        pdf,
        signer=signer,
        credential=credential,
        field_name=field_name,
        reason=reason,
        location=location,
        credential_kind=credential_kind,
    )
    if isinstance(credential, UnlockedKey):
        result = sign()
    else:
        with passphrase_guard(signer):
            result = sign()
    # Inside a caller's transaction (signing a letter) the event joins it without a
    # savepoint: if the insert fails, the caller's whole transaction rolls back.
    with transaction.atomic(savepoint=False):
        audit_record(
            actor=signer,
            action=SIGNING_PDF_SIGN,
            object_type="signing.pdf",
            object_id=result.sha256,
            object_repr=field_name,
            details={
                "backend": result.backend,
                # What the signer gave (never the value): a key unlocked for a batch
                # knows its own kind.
                "credential_kind": getattr(credential, "kind", credential_kind),
                "field_name": field_name,
                "sha256_before": SignedResult.digest(pdf),
                "sha256": result.sha256,
                "size": len(result.pdf),
                "certificate_serial": result.certificate.serial_hex,
                "certificate_subject": result.certificate.subject,
                "timestamped": result.timestamped,
                "level": result.level,
                "reason": reason,
            },
        )
    return result


@dataclass(frozen=True)
class ArchiveTimestamp:
    pdf: bytes
    sha256: str
    timestamp_at: dt.datetime
    expires_at: dt.datetime  # when the new document timestamp's TSA certificate expires


def _document_certificates(pdf: bytes) -> list:
    """The signer certificates of every signature in `pdf` (cryptography objects)."""
    import io

    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    certs = []
    for embedded in reader.embedded_signatures:
        cert = embedded.signer_cert
        if cert is not None:
            certs.append(x509.load_der_x509_certificate(cert.dump()))
    return certs


def last_document_timestamp(pdf: bytes) -> tuple[dt.datetime, dt.datetime] | None:
    """(time, TSA certificate expiry) of the last document timestamp in `pdf`, if any."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    stamps = [s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
    if not stamps:
        return None
    last = stamps[-1]
    gen_time = last.signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    expires = last.signer_cert["tbs_certificate"]["validity"]["not_after"].native
    return gen_time, expires


def pdf_archive_timestamp(*, pdf: bytes) -> ArchiveTimestamp:
    """Bring a signed PDF to PAdES B-LTA, or renew its archive timestamp: add the
    validation data of every signature and earlier timestamp to the document security
    store and a new document timestamp over it (an incremental update; nothing signed
    before is touched). Needs NASKAH_TSA_URL. Certificates of the instance CA get fresh
    OCSP responses and the current CRL from this process; other CAs' revocation data is
    fetched only with NASKAH_LTV_ALLOW_FETCHING (e.g. BSrE's OCSP), else what the document
    already carries is kept. Writes the audit event `signing.archive_timestamp`."""
    from pyhanko_certvalidator import ValidationContext

    from signing import pki
    from signing.pades import PadesError, document_timestamp_add, timestamper_from_settings
    from signing.validation import trust_roots

    timestamper = timestamper_from_settings(
        settings.NASKAH_TSA_URL,
        timeout=float(settings.NASKAH_TSA_TIMEOUT),
        username=settings.NASKAH_TSA_USERNAME,
        password=settings.NASKAH_TSA_PASSWORD,
    )
    if timestamper is None:
        raise ApplicationError(
            _("Archive timestamps need a timestamp authority (NASKAH_TSA_URL)."),
            code="tsa_required",
        )
    try:
        certs = _document_certificates(pdf)
    except Exception as exc:  # pyHanko raises many types for damaged files
        raise ApplicationError(
            _("The PDF file is damaged and cannot be read."), code="pdf_damaged"
        ) from exc
    if not certs:
        raise ApplicationError(_("The PDF has no electronic signature."), code="unsigned")
    crls, ocsps = pki.revocation_material(certs)
    context = ValidationContext(
        trust_roots=trust_roots(),
        crls=crls,
        ocsps=ocsps,
        allow_fetching=bool(settings.NASKAH_LTV_ALLOW_FETCHING),
        revocation_mode="soft-fail",
    )
    try:
        out = document_timestamp_add(pdf, timestamper=timestamper, validation_context=context)
    except PadesError as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    stamp = last_document_timestamp(out)
    assert stamp is not None  # noqa: S101  # document_timestamp_add added one
    result = ArchiveTimestamp(
        pdf=out,
        sha256=SignedResult.digest(out),
        timestamp_at=stamp[0],
        expires_at=stamp[1],
    )
    with transaction.atomic(savepoint=False):
        audit_record(
            actor=None,
            action=SIGNING_ARCHIVE_TIMESTAMP,
            object_type="signing.pdf",
            object_id=result.sha256,
            object_repr="archive timestamp",
            details={
                "sha256_before": SignedResult.digest(pdf),
                "sha256": result.sha256,
                "timestamp_at": result.timestamp_at,
                "tsa_certificate_expires": result.expires_at,
            },
        )
    return result

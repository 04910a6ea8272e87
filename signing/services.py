"""Signing services: certificates of the local CA, unlocking a key, sealing PDF bytes.

Every state change writes an audit event inside its transaction. Passphrases are used
and dropped; they never reach a row, an audit event or a log line (DESIGN invariant 7).
"""

from __future__ import annotations

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
from signing.models import SignerCertificate
from signing.permissions import can_revoke_certificate
from signing.throttle import passphrase_guard

if TYPE_CHECKING:
    from core.models import Pegawai

__all__ = [
    "certificate_revoke",
    "pdf_sign",
    "signer_enroll",
    "signer_passphrase_change",
    "signer_unlock",
]


def _local_backend_required() -> None:
    if getattr(settings, "NASKAH_SIGNING_BACKEND", "local") != "local":
        raise ApplicationError(
            _(
                "Signing certificates are issued by BSrE for this installation; register "
                "and manage your passphrase with BSrE."
            ),
            code="backend_manages_certificates",
        )


@sensitive_variables()
def _passphrase_check(signer: Pegawai, passphrase: str) -> None:
    minimum = int(getattr(settings, "NASKAH_SIGNING_PASSPHRASE_MIN_LENGTH", 8))
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


@sensitive_variables()
def signer_enroll(*, signer: Pegawai, passphrase: str) -> SignerCertificate:
    """Set the signer's signing passphrase for the first time (or after their certificate
    expired or was revoked): a new key and certificate are issued, the key sealed with the
    passphrase."""
    from signing.backends.local import certificate_issue_for

    _local_backend_required()
    _passphrase_check(signer, passphrase)
    current = SignerCertificate.objects.for_signer(signer).active().first()
    if current is not None and not current.is_expired:
        raise ApplicationError(
            _("You already have a valid signing certificate; change its passphrase instead."),
            code="certificate_exists",
        )
    # Key generation and sealing (~0.2 s) happen before the transaction opens.
    new = certificate_issue_for(signer, passphrase=passphrase)
    try:
        with transaction.atomic():
            stale = list(SignerCertificate.objects.select_for_update().for_signer(signer).active())
            for row in stale:
                if not row.is_expired:
                    raise ConflictError(
                        _("A certificate was issued to you a moment ago; reload the page."),
                    )
                row.status = SignerCertificate.Status.SUPERSEDED
                row.save(update_fields=["status"])
            new.save()
            audit_record(
                actor=signer,
                action="signing.certificate_issue",
                obj=new,
                details={
                    "serial": new.serial_hex,
                    "subject": new.subject,
                    "not_after": new.not_after,
                    "superseded": [row.serial_hex for row in stale],
                },
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("A certificate was issued to you a moment ago; reload the page.")
        ) from exc
    return new


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
            action="signing.passphrase_change",
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
        ca = crl_regenerate()
        audit_record(
            actor=actor,
            action="signing.certificate_revoke",
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
    sign_kwargs = {
        "signer": signer,
        "credential": credential,
        "field_name": field_name,
        "reason": reason,
        "location": location,
        "credential_kind": credential_kind,
    }
    if isinstance(credential, UnlockedKey):
        result = backend.sign(pdf, **sign_kwargs)
    else:
        with passphrase_guard(signer):
            result = backend.sign(pdf, **sign_kwargs)
    # Inside a caller's transaction (signing a letter) the event joins it without a
    # savepoint: if the insert fails, the caller's whole transaction rolls back.
    with transaction.atomic(savepoint=False):
        audit_record(
            actor=signer,
            action="signing.pdf_sign",
            object_type="signing.pdf",
            object_id=result.sha256,
            object_repr=field_name,
            details={
                "backend": result.backend,
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

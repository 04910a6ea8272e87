"""The embedded default backend: a CA of this instance and per-signer keys sealed with the
signer's passphrase (docs/signing.md explains the storage choices)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.errors import ApplicationError
from core.services.audit import audit_record
from signing import crypto, pki
from signing.backends.base import (
    CredentialKind,
    SignedResult,
    SignerStatus,
    SigningBackend,
    UnlockedKey,
)
from signing.events import SIGNING_CA_CREATE
from signing.models import CertificateAuthority, SignerCertificate
from signing.pades import CachedKeySigner, PadesError, pades_sign, timestamper_from_settings

if TYPE_CHECKING:
    from core.models import Pegawai
    from signing.ca_lifecycle import AnyCa

CA_KEY_BITS = 3072
SIGNER_KEY_BITS = 2048


@sensitive_variables()
def ca_secret() -> bytes:
    """The secret that opens the CA key: NASKAH_SIGNING_CA_SECRET if set, else derived
    from SECRET_KEY (HKDF with a purpose label, so the raw SECRET_KEY is never the key)."""
    base = settings.NASKAH_SIGNING_CA_SECRET or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"naskah signing CA key v1"
    ).derive(base.encode())


def _ca_aad(serial_hex: str) -> bytes:
    return b"naskah-ca|" + serial_hex.encode()


def signer_aad(serial_hex: str) -> bytes:
    return b"naskah-signer|" + serial_hex.encode()


def _organisation() -> str:
    return str(settings.NASKAH_NAMA_PEMERINTAH)


def ca_get_or_create() -> CertificateAuthority:
    """The instance CA, created on first use. Two processes racing here both generate a
    key, one insert wins, the other's key is discarded and the winner is returned."""
    existing = CertificateAuthority.objects.filter(pk=1).first()
    if existing is not None:
        return existing
    from signing.ca_lifecycle import new_ca_key

    now = timezone.now()
    key, backend, label = new_ca_key()
    name = settings.NASKAH_SIGNING_CA_NAME or f"Naskah CA {_organisation()}"
    cert = crypto.ca_certificate_build(
        key,
        common_name=name,
        organisation=_organisation(),
        days=int(settings.NASKAH_SIGNING_CA_VALIDITY_DAYS),
        now=now,
        # 1, so that the link certificate to a next generation (RFC 4210 4.4, made by
        # signing.ca_lifecycle.ca_rotate) validates under this root in strict verifiers.
        path_length=1,
    )
    serial_hex = format(cert.serial_number, "x")
    try:
        with transaction.atomic():
            ca = CertificateAuthority.objects.create(
                pk=1,
                certificate_pem=crypto.certificate_pem(cert),
                sealed_key=crypto.private_key_seal(key, secret=ca_secret(), aad=_ca_aad(serial_hex))
                if backend == "database"
                else b"",
                key_backend=backend,
                key_label=label,
                subject=cert.subject.rfc4514_string(),
                serial_hex=serial_hex,
                not_after=cert.not_valid_after_utc,
            )
            audit_record(
                actor=None,
                action=SIGNING_CA_CREATE,
                obj=ca,
                details={"serial": serial_hex, "subject": ca.subject, "key_backend": backend},
            )
    except IntegrityError:
        return CertificateAuthority.objects.get(pk=1)
    return ca


def ca_certificate() -> x509.Certificate:
    return crypto.certificate_load(ca_get_or_create().certificate_pem)


def issuer_certificate(cert: x509.Certificate) -> x509.Certificate:
    """The certificate of the CA generation that issued `cert` (the current CA's when
    none matches: a certificate of this instance always has one)."""
    from signing.ca_lifecycle import ca_for_issuer

    ca = ca_for_issuer(cert)
    return crypto.certificate_load(ca.certificate_pem) if ca is not None else ca_certificate()


@sensitive_variables()
def _ca_private_key(ca: AnyCa) -> rsa.RSAPrivateKey:
    try:
        return crypto.private_key_open(
            ca.sealed_key, secret=ca_secret(), aad=_ca_aad(ca.serial_hex)
        )
    except crypto.WrongSecretError as exc:
        raise ApplicationError(
            _(
                "The certificate authority key cannot be opened: the instance secret "
                "(SECRET_KEY or NASKAH_SIGNING_CA_SECRET) changed since it was created."
            ),
            code="ca_secret_mismatch",
        ) from exc


@sensitive_variables()
def key_pair_generate_sealed(passphrase: str) -> tuple[str, str, bytes]:
    """A new signer key pair for a certificate request: (serial_hex, public key PEM, the
    private key sealed with `passphrase`). The serial is chosen now because the sealed
    envelope is bound to it; the certificate is built later, on approval."""
    from cryptography.hazmat.primitives import serialization

    key = crypto.rsa_generate(SIGNER_KEY_BITS)
    serial_hex = format(x509.random_serial_number(), "x")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    sealed = crypto.private_key_seal(key, secret=passphrase.encode(), aad=signer_aad(serial_hex))
    return serial_hex, public_pem, sealed


def certificate_build_for(
    signer: Pegawai, *, serial_hex: str, public_key_pem: str, sealed_key: bytes
) -> SignerCertificate:
    """Have the CA certify a requested public key and return an unsaved row holding the
    already sealed key. Needs no passphrase: the CA key signs the public key only."""
    from cryptography.hazmat.primitives import serialization

    from signing.ca_keys import ca_key_for

    ca = ca_get_or_create()
    ca_cert = crypto.certificate_load(ca.certificate_pem)
    ca_key = ca_key_for(ca)
    now = timezone.now()
    days = int(settings.NASKAH_SIGNING_CERT_VALIDITY_DAYS)
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    public_key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("a signer key is an RSA key (key_pair_generate_sealed made it)")
    cert = crypto.signer_certificate_build(
        ca_key=ca_key,
        ca_cert=ca_cert,
        public_key=public_key,
        common_name=str(signer),
        organisation=_organisation(),
        serial_number=int(serial_hex, 16),
        not_before=now - dt.timedelta(minutes=5),
        not_after=not_after,
        email=signer.email or "",
        crl_url=pki.crl_url(ca),
        ocsp_url=pki.ocsp_url(),
        ca_issuers_url=pki.ca_certificate_url(ca),
    )
    return SignerCertificate(
        pegawai=signer,
        serial_hex=serial_hex,
        subject=cert.subject.rfc4514_string(),
        certificate_pem=crypto.certificate_pem(cert),
        sealed_key=bytes(sealed_key),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        status=SignerCertificate.Status.ACTIVE,
        created_at=now,
        issuer_serial_hex=ca.serial_hex,
    )


def _date(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def certificate_check_usable(row: SignerCertificate) -> None:
    """Raise a clear ApplicationError if this certificate may not sign now."""
    if row.status == SignerCertificate.Status.REVOKED:
        raise ApplicationError(
            _(
                "Your signing certificate was revoked on %(date)s (%(reason)s). Set a new "
                "signing passphrase on the TTE page to be issued a new certificate."
            )
            % {"date": _date(row.revoked_at or timezone.now()), "reason": row.revocation_reason},
            code="certificate_revoked",
        )
    if row.status != SignerCertificate.Status.ACTIVE:
        raise ApplicationError(
            _("This signing certificate was replaced by a newer one."),
            code="certificate_superseded",
        )
    if row.not_after <= timezone.now():
        raise ApplicationError(
            _(
                "Your signing certificate expired on %(date)s. Set a new signing passphrase "
                "on the TTE page to be issued a new certificate."
            )
            % {"date": _date(row.not_after)},
            code="certificate_expired",
        )
    if row.not_before > timezone.now():
        raise ApplicationError(
            _("Your signing certificate is not valid yet (from %(date)s).")
            % {"date": _date(row.not_before)},
            code="certificate_not_yet_valid",
        )


def current_certificate(signer: Pegawai) -> SignerCertificate | None:
    """The signer's active certificate, else their most recent one (revoked or replaced)."""
    rows = SignerCertificate.objects.for_signer(signer)
    return rows.active().first() or rows.order_by("-created_at").first()


@sensitive_variables()
def key_open(row: SignerCertificate, passphrase: str) -> rsa.RSAPrivateKey:
    try:
        return crypto.private_key_open(
            row.sealed_key, secret=passphrase.encode(), aad=signer_aad(row.serial_hex)
        )
    except crypto.WrongSecretError as exc:
        raise ApplicationError(
            _("The signing passphrase is wrong."), code="wrong_passphrase"
        ) from exc


def pades_level() -> str:
    """NASKAH_PADES_LEVEL (B-B, B-T, B-LT, B-LTA); unset: B-T with a TSA, else B-B."""
    level = str(settings.NASKAH_PADES_LEVEL or "").upper()
    if level:
        return level
    return "B-T" if settings.NASKAH_TSA_URL else "B-B"


def long_term_validation_context(certs: list[x509.Certificate]):
    """The context pyHanko uses to collect the validation data embedded by B-LT/B-LTA:
    the trust anchors of signing.validation, and the instance CA's current CRL and fresh
    OCSP responses for `certs`, made in this process (no HTTP request to ourselves).
    Certificates of other CAs (a TSA's) are checked in soft-fail mode: whatever
    revocation data their chain carries is used, nothing is fetched."""
    from pyhanko_certvalidator import ValidationContext

    from signing.validation import trust_roots

    crls, ocsps = pki.revocation_material(certs)
    return ValidationContext(
        trust_roots=trust_roots(),
        crls=crls,
        ocsps=ocsps,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


class LocalUnlockedKey(UnlockedKey):
    backend_name = "local"

    def __init__(self, signer: Pegawai, row: SignerCertificate, key: rsa.RSAPrivateKey):
        super().__init__(signer)
        self.certificate_id = row.pk
        cert = crypto.certificate_load(row.certificate_pem)
        self.certificate_info = crypto.CertificateInfo.from_x509(cert)
        self.issuer_name = crypto.issuer_display_name(cert)
        self._certificate = cert
        self._signer: CachedKeySigner | None = CachedKeySigner(
            private_key=key, certificate=cert, chain=[issuer_certificate(cert)]
        )

    def pyhanko_signer_certificate(self) -> x509.Certificate:
        return self._certificate

    def pyhanko_signer(self) -> CachedKeySigner:
        if self._closed or self._signer is None:
            raise ApplicationError(
                _("The signing key was already locked again; enter the passphrase again."),
                code="key_locked",
            )
        return self._signer

    def _clear(self) -> None:
        if self._signer is not None:
            self._signer.forget()
        self._signer = None


class LocalBackend(SigningBackend):
    name = "local"
    issues_certificates = True

    def status(self, signer: Pegawai) -> SignerStatus:
        row = current_certificate(signer)
        if row is None:
            return SignerStatus(
                False,
                "no_certificate",
                _("You have no signing certificate yet. Set a signing passphrase to get one."),
            )
        info = crypto.CertificateInfo.from_x509(crypto.certificate_load(row.certificate_pem))
        try:
            certificate_check_usable(row)
        except ApplicationError as exc:
            code = {
                "certificate_revoked": "revoked",
                "certificate_expired": "expired",
            }.get(exc.code, exc.code)
            return SignerStatus(False, code, str(exc.message), info)
        return SignerStatus(
            True,
            "ready",
            _("Your signing certificate is valid until %(date)s.") % {"date": _date(row.not_after)},
            info,
        )

    @sensitive_variables()
    def unlock(
        self, signer: Pegawai, credential: str, *, credential_kind: CredentialKind = "passphrase"
    ) -> LocalUnlockedKey:
        if credential_kind != "passphrase":
            raise ApplicationError(
                _("The local signing service accepts a passphrase only."),
                code="credential_kind_unsupported",
            )
        row = SignerCertificate.objects.for_signer(signer).active().first()
        if row is None:
            row = current_certificate(signer)
            if row is None:
                raise ApplicationError(
                    _("You have no signing certificate yet. Set a signing passphrase first."),
                    code="no_certificate",
                )
        certificate_check_usable(row)
        if not credential:
            raise ApplicationError(_("Enter your signing passphrase."), code="wrong_passphrase")
        return LocalUnlockedKey(signer, row, key_open(row, credential))

    @sensitive_variables()
    def sign(
        self,
        pdf: bytes,
        *,
        signer: Pegawai,
        credential: str | UnlockedKey,
        field_name: str,
        reason: str = "",
        location: str = "",
        credential_kind: CredentialKind = "passphrase",
    ) -> SignedResult:
        if isinstance(credential, UnlockedKey):
            if not isinstance(credential, LocalUnlockedKey) or credential.signer.pk != signer.pk:
                raise ApplicationError(
                    _("This unlocked key belongs to another signer or service."),
                    code="key_mismatch",
                )
            return self._sign_with(credential, pdf, field_name, reason, location)
        with self.unlock(signer, credential, credential_kind=credential_kind) as key:
            return self._sign_with(key, pdf, field_name, reason, location)

    def _sign_with(
        self, key: LocalUnlockedKey, pdf: bytes, field_name: str, reason: str, location: str
    ) -> SignedResult:
        # Re-read the row for every document: a revocation during a batch takes effect.
        row = SignerCertificate.objects.get(pk=key.certificate_id)
        certificate_check_usable(row)
        timestamper = timestamper_from_settings(
            settings.NASKAH_TSA_URL,
            timeout=float(settings.NASKAH_TSA_TIMEOUT),
            username=settings.NASKAH_TSA_USERNAME,
            password=settings.NASKAH_TSA_PASSWORD,
        )
        level = pades_level()
        context = (
            long_term_validation_context([key.pyhanko_signer_certificate()])
            if level in ("B-LT", "B-LTA")
            else None
        )
        signed_at = timezone.now()
        try:
            out = pades_sign(
                pdf,
                signer=key.pyhanko_signer(),
                field_name=field_name,
                reason=reason,
                location=location,
                timestamper=timestamper,
                bytes_reserved=settings.NASKAH_SIGNING_BYTES_RESERVED,
                level=level if timestamper is not None else "B-B",
                validation_context=context,
            )
        except PadesError as exc:
            raise ApplicationError(exc.message, code=exc.code) from exc
        return SignedResult(
            pdf=out,
            sha256=SignedResult.digest(out),
            certificate=key.certificate_info,
            signed_at=signed_at,
            backend=self.name,
            field_name=field_name,
            timestamped=timestamper is not None,
            level=level if timestamper is not None else "B-B",
        )

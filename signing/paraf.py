"""Cryptographic paraf: the per-official paraf key, its custody, and signed statements
(issue 18 item 4; docs/signing.md, "Cryptographic paraf").

Custody, in short:

- At a password sign-in, ``paraf_signin`` derives a key-encryption key (KEK) from the
  password (scrypt N=2^15, r=8, p=1; salt bound to the person and the purpose). The KEK is
  kept for the session only, encrypted (AES-256-GCM) under a random 32-byte key that lives
  only in the browser, in the HttpOnly cookie ``naskah_paraf``; the server-side session
  holds the ciphertext. Neither the database, the session store nor the cookie alone
  yields the KEK; signing out (session flushed, cookie deleted) forgets it.
- The paraf key (ECDSA P-256) is generated at first need (the first paraf, return or
  correction), certified by the instance CA with only the paraf extended key usage, and
  stored sealed with the KEK (signing/crypto.py envelope). An administrator with the
  database and SECRET_KEY cannot open it without the official's password.
- A password changed elsewhere (reset by an administrator) leaves a key the new KEK does
  not open: at the next need it is revoked as superseded (CRL/OCSP) and a new one issued;
  statements made before stay valid (revocation is judged at the statement's time).

Statements are canonical JSON (sorted keys, no whitespace, UTF-8) signed with
ECDSA-SHA256. This module knows nothing about letters: it signs and verifies a payload.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.services.audit import audit_record
from signing import crypto
from signing.events import SIGNING_PARAF_CREDENTIAL_ISSUE, SIGNING_PARAF_CREDENTIAL_REVOKE
from signing.models.paraf import ParafCredential

logger = logging.getLogger(__name__)

# A private OID under the UUID arc 2.25 (ITU-T X.667: no registration needed). Used as the
# only extended key usage and as the certificate policy of paraf certificates.
PARAF_EKU_OID = x509.ObjectIdentifier("2.25.232418402917052734516342071813316325425")
STATEMENT_TYPE = "naskah.paraf-statement"
STATEMENT_VERSION = 1
SESSION_KEY = "naskah_paraf"
COOKIE_NAME = "naskah_paraf"
KEK_SCRYPT_LOG2_N = 15
# The KEK is 32 random-looking bytes: the envelope's own scrypt needs no work factor.
_ENVELOPE_LOG2_N = 10


class ParafLockedError(ApplicationError):
    """No unlocked paraf key for this person in this request (not signed in with a
    password in this session)."""


@dataclass(frozen=True)
class _Unlocked:
    pegawai_id: int
    blob: bytes
    cookie_key: bytes

    def kek(self) -> bytes | None:
        nonce, ciphertext = self.blob[:12], self.blob[12:]
        try:
            return AESGCM(self.cookie_key).decrypt(nonce, ciphertext, _session_aad(self.pegawai_id))
        except (InvalidTag, ValueError):  # a wrong or stale cookie unlocks nothing
            return None


_unlocked: contextvars.ContextVar[_Unlocked | None] = contextvars.ContextVar(
    "naskah_paraf_unlocked", default=None
)


# {pegawai id: new KEK} after a password change in this request (ParafKeyMiddleware).
_rekeyed: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "naskah_paraf_rekeyed", default=None
)


def _session_aad(pegawai_id: int) -> bytes:
    return b"naskah-paraf-session|" + str(pegawai_id).encode()


def _credential_aad(serial_hex: str) -> bytes:
    return b"naskah-paraf|" + serial_hex.encode()


def _kek_salt(pegawai_id: int) -> bytes:
    return hashlib.sha256(b"naskah paraf kek v1|" + str(pegawai_id).encode()).digest()[:16]


def kek_derive(pegawai_id: int, password: str) -> bytes:
    """The key-encryption key of a person's paraf key, from their sign-in password."""
    return Scrypt(salt=_kek_salt(pegawai_id), length=32, n=2**KEK_SCRYPT_LOG2_N, r=8, p=1).derive(
        password.encode("utf-8")
    )


# --- the session side: unlocked at sign-in, for as long as the session lasts ----------------


def session_unlock(request, user, password: str) -> None:
    """At a password sign-in: keep the KEK for this session, encrypted under a random key
    that goes to the browser only (the cookie is set by ParafKeyMiddleware)."""
    _session_store(request, user, kek_derive(user.pk, password))


def _session_store(request, user, kek: bytes) -> None:
    cookie_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    blob = nonce + AESGCM(cookie_key).encrypt(nonce, kek, _session_aad(user.pk))
    request.session[SESSION_KEY] = {
        "pegawai": user.pk,
        "blob": base64.b64encode(blob).decode(),
    }
    request._naskah_paraf_cookie = base64.urlsafe_b64encode(cookie_key).decode()
    _unlocked.set(_Unlocked(user.pk, blob, cookie_key))


def _from_request(request) -> _Unlocked | None:
    cookie = request.COOKIES.get(COOKIE_NAME, "")
    if not cookie:  # checked first: most requests never touch the session or the user
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not stored or stored.get("pegawai") != user.pk:
        return None
    try:
        return _Unlocked(
            user.pk, base64.b64decode(stored["blob"]), base64.urlsafe_b64decode(cookie)
        )
    except (ValueError, KeyError, TypeError):
        return None


class ParafKeyMiddleware:
    """Makes the session's unlocked paraf KEK available to the services of this request
    (a context variable), and sets or deletes the browser-held cookie key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _unlocked.set(_from_request(request))
        rekey_token = _rekeyed.set({})
        try:
            response = self.get_response(request)
            rekeyed = _rekeyed.get() or {}
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.pk in rekeyed:
                # The person changed their password in this request: the session keeps the
                # new KEK (the key was resealed with it by paraf_rewrap).
                _session_store(request, user, rekeyed[user.pk])
        finally:
            _unlocked.reset(token)
            _rekeyed.reset(rekey_token)
        value = getattr(request, "_naskah_paraf_cookie", None)
        if value:
            response.set_cookie(
                COOKIE_NAME,
                value,
                max_age=None
                if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                else settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
                path=settings.SESSION_COOKIE_PATH,
            )
        elif getattr(request, "_naskah_paraf_clear", False):
            response.delete_cookie(COOKIE_NAME, path=settings.SESSION_COOKIE_PATH, samesite="Lax")
        return response


def on_logged_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: a password sign-in (Django's login form) unlocks the paraf key.
    Other sign-ins (OIDC) carry no password: the session stays without a paraf key."""
    if request is None or request.method != "POST":
        return
    password = request.POST.get("password", "")
    if not password:
        return
    try:
        session_unlock(request, user, password)
    except Exception:  # sign-in must never fail because of the paraf key
        logger.exception("paraf key could not be unlocked at sign-in for %s", user.pk)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if request is not None:
        request._naskah_paraf_clear = True


@contextlib.contextmanager
def paraf_unlocked(user, password: str):
    """Outside a web request (shell, tests, demo seeding): unlock `user`'s paraf key for
    the block, exactly as a password sign-in does for a session."""
    kek = kek_derive(user.pk, password)
    cookie_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    blob = nonce + AESGCM(cookie_key).encrypt(nonce, kek, _session_aad(user.pk))
    token = _unlocked.set(_Unlocked(user.pk, blob, cookie_key))
    try:
        yield
    finally:
        _unlocked.reset(token)


def paraf_available(user) -> bool:
    """True when this request has `user`'s paraf key unlocked."""
    unlocked = _unlocked.get()
    return unlocked is not None and unlocked.pegawai_id == user.pk and unlocked.kek() is not None


# --- the credential ------------------------------------------------------------------------


def _subject_serial(pegawai_id: int | None) -> str:
    return f"pegawai:{pegawai_id}"


def paraf_certificate_build(
    *, ca_key, ca_cert: x509.Certificate, public_key, user, serial_number: int, now: dt.datetime
) -> x509.Certificate:
    """A paraf certificate: digitalSignature only, extended key usage and policy the paraf
    OID (nothing a PDF signature validator accepts), subject serialNumber "pegawai:<id>"."""
    from signing import pki
    from signing.backends.local import _organisation

    days = int(settings.NASKAH_PARAF_CERT_VALIDITY_DAYS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _organisation()[:64]),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, _subject_serial(user.pk)),
            x509.NameAttribute(NameOID.COMMON_NAME, (str(user) or user.username)[:64]),
        ]
    )
    from signing.models import CertificateAuthority

    ca_row = CertificateAuthority.objects.get(pk=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(serial_number)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([PARAF_EKU_OID]), critical=True)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(PARAF_EKU_OID, None)]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]  # a CA key signs; cryptography types it wider
            critical=False,
        )
    )
    builder = crypto._with_revocation_pointers(
        builder, pki.crl_url(ca_row), pki.ocsp_url(), pki.ca_certificate_url(ca_row)
    )
    return _ca_sign(builder, ca_key)


# --- the two seams with the CA (kept here so CA key backends and CA generations plug in) ---


def _ca_key(ca):
    """The CA's signing key: an in-memory RSA key of the sealed CA row, or a PKCS#11 token
    key that signs builders itself (signing/ca_keys.py)."""
    from signing.ca_keys import ca_key_for

    return ca_key_for(ca)


def _ca_sign(builder: x509.CertificateBuilder, ca_key) -> x509.Certificate:
    """Sign with the CA key itself, or through its ``sign_builder`` when the key lives
    outside the process (a token)."""
    external = getattr(ca_key, "sign_builder", None)
    if external is not None:
        return external(builder)
    return builder.sign(ca_key, hashes.SHA256())


def _issuer_certificate(cert: x509.Certificate) -> x509.Certificate | None:
    """The instance CA certificate (of any generation, so paraf certificates issued before
    a CA rotation still verify) that issued `cert` (None: not ours)."""
    from signing.ca_lifecycle import ca_for_issuer

    ca = ca_for_issuer(cert)
    return crypto.certificate_load(ca.certificate_pem) if ca is not None else None


def _credential_issue(user, kek: bytes) -> tuple[ParafCredential, ec.EllipticCurvePrivateKey]:
    from signing.backends.local import ca_get_or_create

    ca = ca_get_or_create()
    ca_cert = crypto.certificate_load(ca.certificate_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    serial = x509.random_serial_number()
    serial_hex = format(serial, "x")
    now = timezone.now()
    cert = paraf_certificate_build(
        ca_key=_ca_key(ca),
        ca_cert=ca_cert,
        public_key=key.public_key(),
        user=user,
        serial_number=serial,
        now=now,
    )
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    sealed = crypto.envelope_seal(
        der, secret=kek, aad=_credential_aad(serial_hex), log2_n=_ENVELOPE_LOG2_N
    )
    with transaction.atomic():
        row = ParafCredential.objects.create(
            pegawai=user,
            serial_hex=serial_hex,
            subject=cert.subject.rfc4514_string()[:255],
            issuer_serial_hex=ca.serial_hex,
            certificate_pem=crypto.certificate_pem(cert),
            sealed_key=sealed,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
        audit_record(
            actor=user,
            action=SIGNING_PARAF_CREDENTIAL_ISSUE,
            obj=row,
            details={"serial": serial_hex, "pegawai": user.pk},
        )
    return row, key


def _revoke(row: ParafCredential, *, actor, reason_code: str, reason: str) -> ParafCredential:
    from signing.pki import crl_regenerate

    with transaction.atomic():
        locked = ParafCredential.objects.select_for_update().get(pk=row.pk)
        if locked.status == ParafCredential.Status.REVOKED:
            return locked
        locked.status = ParafCredential.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revocation_reason_code = reason_code
        locked.save(update_fields=["status", "revoked_at", "revocation_reason_code"])
        ca = crl_regenerate()
        audit_record(
            actor=actor,
            action=SIGNING_PARAF_CREDENTIAL_REVOKE,
            obj=locked,
            details={
                "serial": locked.serial_hex,
                "pegawai": locked.pegawai_id,
                "reason_code": reason_code,
                "reason": reason,
                "crl_number": ca.crl_number,
            },
        )
    return locked


def paraf_credential_revoke(
    *, credential: ParafCredential, actor, reason: str, reason_code: str = "key_compromise"
) -> ParafCredential:
    """An administrator revokes a paraf certificate (same permission as signer
    certificates). Statements made before stay valid; later ones fail."""
    from core.errors import PermissionDeniedError
    from signing.permissions import can_revoke_certificate

    if not can_revoke_certificate(actor):
        raise PermissionDeniedError(_("You may not revoke signing certificates."))
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for the revocation."), code="reason_required")
    try:
        x509.ReasonFlags[reason_code]
    except KeyError as exc:
        raise ApplicationError(
            _("Unknown revocation reason code."), code="bad_reason_code"
        ) from exc
    return _revoke(credential, actor=actor, reason_code=reason_code, reason=reason.strip())


def _signing_key(user) -> tuple[ParafCredential, ec.EllipticCurvePrivateKey]:
    unlocked = _unlocked.get()
    kek = unlocked.kek() if unlocked is not None and unlocked.pegawai_id == user.pk else None
    if kek is None:
        raise ParafLockedError(
            _(
                "Your paraf key is not unlocked in this session. Sign out and sign in again "
                "with your password to unlock it."
            ),
            code="paraf_locked",
        )
    row = ParafCredential.objects.filter(pegawai=user, status=ParafCredential.Status.ACTIVE).first()
    if row is not None and row.not_after <= timezone.now() + dt.timedelta(minutes=1):
        row = _revoke(row, actor=user, reason_code="superseded", reason="expired")
        row = None
    if row is not None:
        try:
            der = crypto.envelope_open(
                bytes(row.sealed_key), secret=kek, aad=_credential_aad(row.serial_hex)
            )
            key = serialization.load_der_private_key(der, password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise TypeError("a paraf key is an EC key (_credential_issue made it)")
            return row, key
        except crypto.WrongSecretError:
            # The password changed without this key being rewrapped (a reset): the old key
            # is lost to everyone; revoke it so nothing later can be signed with it.
            _revoke(row, actor=user, reason_code="superseded", reason="password changed")
    try:
        return _credential_issue(user, kek)
    except IntegrityError as exc:  # a parallel request issued one first
        raise ApplicationError(
            _("Your paraf key was just created by another request. Try again."),
            code="paraf_race",
        ) from exc


def paraf_rewrap(user, new_password: str) -> bool:
    """After the person changed their own password in a session that holds the unlocked
    key: seal the key with the new password. False when there was nothing to rewrap."""
    unlocked = _unlocked.get()
    kek = unlocked.kek() if unlocked is not None and unlocked.pegawai_id == user.pk else None
    row = ParafCredential.objects.filter(pegawai=user, status=ParafCredential.Status.ACTIVE).first()
    if kek is None or row is None:
        return False
    try:
        der = crypto.envelope_open(
            bytes(row.sealed_key), secret=kek, aad=_credential_aad(row.serial_hex)
        )
    except crypto.WrongSecretError:
        return False
    new_kek = kek_derive(user.pk, new_password)
    ParafCredential.objects.filter(pk=row.pk).update(
        sealed_key=crypto.envelope_seal(
            der, secret=new_kek, aad=_credential_aad(row.serial_hex), log2_n=_ENVELOPE_LOG2_N
        )
    )
    cookie_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    blob = nonce + AESGCM(cookie_key).encrypt(nonce, new_kek, _session_aad(user.pk))
    _unlocked.set(_Unlocked(user.pk, blob, cookie_key))
    rekeyed = _rekeyed.get()
    if rekeyed is not None:
        rekeyed[user.pk] = new_kek
    return True


class ParafKeyRewrap:
    """A password "validator" that validates nothing: Django calls its
    ``password_changed`` after a password is set. When the person changes their own
    password in a session holding their unlocked paraf key, the key is resealed with the
    new password; otherwise (a reset by an administrator) the old key can no longer be
    opened and is revoked and replaced at its next use."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            try:
                paraf_rewrap(user, password)
            except Exception:  # a password change must not fail because of the paraf key
                logger.exception("paraf key of %s could not be resealed", user.pk)

    def get_help_text(self) -> str:
        return ""


# --- statements ----------------------------------------------------------------------------


def canonical_json(payload: dict) -> str:
    """Sorted keys, no insignificant whitespace, non-ASCII kept as UTF-8. Payloads hold only
    strings, integers, booleans, null, lists and objects (no floats), so this equals the
    RFC 8785 (JCS) form for them."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SignedStatement:
    payload: str
    signature: bytes
    certificate_pem: str
    serial_hex: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload.encode("utf-8")).hexdigest()


def statement_sign(*, user, payload: dict) -> SignedStatement:
    """Sign `payload` with `user`'s paraf key (issued at first need). The payload gets the
    statement type, version and the certificate serial. Raises ParafLockedError when the
    key is not unlocked in this request."""
    row, key = _signing_key(user)
    body = dict(payload)
    body.update({"type": STATEMENT_TYPE, "v": STATEMENT_VERSION, "certificate": row.serial_hex})
    text = canonical_json(body)
    signature = key.sign(text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    return SignedStatement(text, signature, row.certificate_pem, row.serial_hex)


@dataclass(frozen=True)
class StatementCheck:
    ok: bool
    code: str  # "valid" or the first failure found
    message: str
    payload: dict | None = None


CHECK_TEXT = {
    "valid": _("Valid: signed by the official's paraf key, certificate trusted and not revoked."),
    "malformed": _("The statement cannot be read."),
    "not_canonical": _("The statement is not in canonical form (it was altered)."),
    "untrusted_certificate": _("The certificate was not issued by this instance's authority."),
    "not_paraf_certificate": _("The certificate is not a paraf certificate."),
    "other_person": _("The certificate belongs to another person than the one named."),
    "bad_signature": _("The signature does not match the statement (altered or forged)."),
    "certificate_mismatch": _("The statement names another certificate than the one attached."),
    "certificate_not_valid": _("The certificate was not valid at the statement's time."),
    "revoked": _("The certificate was revoked before the statement's time."),
    "unknown_certificate": _("The certificate is unknown to this instance's authority."),
    "payload_mismatch": _("The statement does not match the recorded step."),
    "revision_mismatch": _("The statement is about another revision of the letter."),
    "missing": _("No signed statement: this paraf was recorded without the official's key."),
}


def _fail(code: str, payload: dict | None = None) -> StatementCheck:
    return StatementCheck(False, code, str(CHECK_TEXT[code]), payload)


def parse_time(value: str | None) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None


def paraf_revocation_status(serial: int) -> tuple[str, dt.datetime | None]:
    """("good" | "revoked" | "unknown", revoked at) of a paraf certificate: read from the
    row the CA's OCSP responder answers from and its CRL lists (signing/pki.py)."""
    row = (
        ParafCredential.objects.filter(serial_hex=format(serial, "x"))
        .only("status", "revoked_at")
        .first()
    )
    if row is None:
        return "unknown", None
    if row.status == ParafCredential.Status.REVOKED and row.revoked_at is not None:
        return "revoked", row.revoked_at
    return "good", None


def statement_verify(*, payload: str, signature: bytes, certificate_pem: str) -> StatementCheck:  # noqa: C901 - one failure code per check, in verification order
    """Cryptographic check of one statement: canonical form, certificate chained to the
    instance CA with the paraf usage and naming the actor, signature, validity and
    revocation status at the statement's time (the status the CRL and OCSP publish)."""
    try:
        body = json.loads(payload)
        cert = crypto.certificate_load(certificate_pem)
    except (ValueError, TypeError):
        return _fail("malformed")
    if not isinstance(body, dict) or body.get("type") != STATEMENT_TYPE:
        return _fail("malformed")
    if canonical_json(body) != payload:
        return _fail("not_canonical", body)
    ca_cert = _issuer_certificate(cert)
    if ca_cert is None:
        return _fail("untrusted_certificate", body)
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return _fail("untrusted_certificate", body)
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return _fail("not_paraf_certificate", body)
    if PARAF_EKU_OID not in list(eku):
        return _fail("not_paraf_certificate", body)
    actor = (body.get("actor") or {}).get("id")
    names = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not names or names[0].value != _subject_serial(actor):
        return _fail("other_person", body)
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return _fail("not_paraf_certificate", body)
    try:
        public.verify(bytes(signature), payload.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return _fail("bad_signature", body)
    if body.get("certificate") != format(cert.serial_number, "x"):
        return _fail("certificate_mismatch", body)
    at = parse_time(body.get("time"))
    if at is None:
        return _fail("malformed", body)
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        return _fail("certificate_not_valid", body)
    status, revoked_at = paraf_revocation_status(cert.serial_number)
    if status == "unknown":
        return _fail("unknown_certificate", body)
    if status == "revoked" and revoked_at is not None and revoked_at <= at:
        return _fail("revoked", body)
    return StatementCheck(True, "valid", str(CHECK_TEXT["valid"]), body)

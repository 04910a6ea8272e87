"""Key material for the local signing backend: keys, certificates and the sealed envelope
that keeps private keys encrypted at rest.

Nothing in this module touches the database or Django settings; `signing.services` and
`signing.backends.local` decide what to store and with which secret.

Envelope format (all private keys, the CA's included)::

    b"NK1" | log2(N) | r | p | salt[16] | nonce[12] | AES-256-GCM(ciphertext + tag)

The AES key comes from scrypt(secret, salt, N, r, p). The plaintext is the private key as
unencrypted PKCS#8 DER, which never leaves memory. GCM authenticates the ciphertext, so a
wrong passphrase is detected cleanly (no garbage key), and `aad` binds a ciphertext to the
certificate it belongs to, so two users' rows cannot be swapped. See docs/signing.md for
why this and not cryptography's BestAvailableEncryption (PBKDF2 with 2,048 rounds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

ENVELOPE_MAGIC = b"NK1"
SALT_LENGTH = 16
NONCE_LENGTH = 12
# scrypt N=2^15, r=8, p=1: 32 MiB and ~0.1 s per derivation on the reference machine;
# the interactive-login parameters recommended by the scrypt paper and RFC 7914.
DEFAULT_SCRYPT_LOG2_N = 15
DEFAULT_SCRYPT_R = 8
DEFAULT_SCRYPT_P = 1


class WrongSecretError(Exception):
    """The passphrase (or CA secret) does not open this envelope."""


class EnvelopeFormatError(Exception):
    """The stored bytes are not an envelope this code understands."""


def _derive(secret: bytes, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(secret)


def envelope_seal(
    plaintext: bytes,
    *,
    secret: bytes,
    aad: bytes,
    log2_n: int = DEFAULT_SCRYPT_LOG2_N,
    r: int = DEFAULT_SCRYPT_R,
    p: int = DEFAULT_SCRYPT_P,
) -> bytes:
    if not 10 <= log2_n <= 22 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError("scrypt parameters out of range")
    salt = os.urandom(SALT_LENGTH)
    nonce = os.urandom(NONCE_LENGTH)
    key = _derive(secret, salt, log2_n, r, p)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, aad)
    return ENVELOPE_MAGIC + bytes([log2_n, r, p]) + salt + nonce + ciphertext


def envelope_open(envelope: bytes, *, secret: bytes, aad: bytes) -> bytes:
    envelope = bytes(envelope)
    header = len(ENVELOPE_MAGIC) + 3
    if len(envelope) < header + SALT_LENGTH + NONCE_LENGTH + 16 or not envelope.startswith(
        ENVELOPE_MAGIC
    ):
        raise EnvelopeFormatError("not a Naskah key envelope")
    log2_n, r, p = envelope[3], envelope[4], envelope[5]
    salt = envelope[header : header + SALT_LENGTH]
    nonce = envelope[header + SALT_LENGTH : header + SALT_LENGTH + NONCE_LENGTH]
    ciphertext = envelope[header + SALT_LENGTH + NONCE_LENGTH :]
    key = _derive(secret, salt, log2_n, r, p)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag as exc:
        raise WrongSecretError("the secret does not open this key") from exc


def private_key_seal(key: rsa.RSAPrivateKey, *, secret: bytes, aad: bytes) -> bytes:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return envelope_seal(der, secret=secret, aad=aad)


def private_key_seal_with(
    key: rsa.RSAPrivateKey, *, secret: bytes, aad: bytes, log2_n: int
) -> bytes:
    """`private_key_seal` with another scrypt work factor (for high-entropy secrets)."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return envelope_seal(der, secret=secret, aad=aad, log2_n=log2_n)


def private_key_open(
    envelope: bytes | memoryview, *, secret: bytes, aad: bytes
) -> rsa.RSAPrivateKey:
    """`envelope` as a BinaryField reads it: bytes, or a memoryview on PostgreSQL."""
    der = envelope_open(bytes(envelope), secret=secret, aad=aad)
    # The DER was authenticated by AES-GCM: it is exactly the key this instance generated,
    # so OpenSSL's expensive RSA consistency check (60-190 ms, tech-notes 1.3) can be
    # skipped safely. The check protects against crafted keys, which GCM already rules out.
    key = serialization.load_der_private_key(
        der, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise EnvelopeFormatError("the envelope does not hold an RSA key")
    return key


def sign_builder(builder, key):
    """Sign a certificate or CRL builder with SHA-256: with the key itself, or through its
    `sign_builder` when the key lives in a token (signing/ca_keys.py)."""
    external = getattr(key, "sign_builder", None)
    if external is not None:
        return external(builder)
    return builder.sign(key, hashes.SHA256())


def rsa_generate(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    # Most significant first (C, O, CN), so RFC 4514 strings read "CN=...,O=...,C=ID".
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attrs)


def ca_certificate_build(
    key: rsa.RSAPrivateKey,
    *,
    common_name: str,
    organisation: str,
    days: int,
    now: dt.datetime,
    path_length: int = 0,
) -> x509.Certificate:
    name = _name(common_name, organisation)
    public = key.public_key()
    return sign_builder(
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False),
        key,
    )


def signer_certificate_build(
    *,
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    public_key: rsa.RSAPublicKey,
    common_name: str,
    organisation: str,
    serial_number: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
    email: str = "",
    crl_url: str = "",
    ocsp_url: str = "",
    ca_issuers_url: str = "",
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(serial_number)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
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
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]  # a CA key signs; cryptography types it wider
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return sign_builder(
        _with_revocation_pointers(builder, crl_url, ocsp_url, ca_issuers_url), ca_key
    )


def _with_revocation_pointers(
    builder: x509.CertificateBuilder, crl_url: str, ocsp_url: str, ca_issuers_url: str
) -> x509.CertificateBuilder:
    """CRL distribution point and authority information access (OCSP, caIssuers)."""
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    access = []
    if ocsp_url:
        access.append(
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
            )
        )
    if ca_issuers_url:
        access.append(
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(ca_issuers_url),
            )
        )
    if access:
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    return builder


def ocsp_responder_certificate_build(
    *,
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    public_key: rsa.RSAPublicKey,
    common_name: str,
    organisation: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    """A delegated OCSP responder (RFC 6960 4.2.2.2): issued by the CA, extended key usage
    id-kp-OCSPSigning and id-pkix-ocsp-nocheck (its own status is not checked)."""
    return sign_builder(
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
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
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        .add_extension(x509.OCSPNoCheck(), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]  # a CA key signs; cryptography types it wider
            critical=False,
        ),
        ca_key,
    )


@dataclass(frozen=True)
class RevokedEntry:
    serial_number: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags | None = None


def crl_build(
    *,
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    revoked: list[RevokedEntry],
    number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
) -> x509.CertificateRevocationList:
    """A complete CRL (RFC 5280 5.) signed by the CA itself."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]  # a CA key signs; cryptography types it wider
            critical=False,
        )
    )
    for entry in revoked:
        item = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial_number)
            .revocation_date(entry.revoked_at)
        )
        if entry.reason is not None and entry.reason != x509.ReasonFlags.unspecified:
            item = item.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(item.build())
    return sign_builder(builder, ca_key)


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_load(pem: str | bytes) -> x509.Certificate:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    return x509.load_pem_x509_certificate(data)


def issuer_display_name(cert: x509.Certificate) -> str:
    """The issuer as a reader names it: its common name, followed by its organisation when
    the common name does not already contain it."""
    issuer = cert.issuer
    cns = issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    orgs = issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    cn = str(cns[0].value) if cns else ""
    org = str(orgs[0].value) if orgs else ""
    if cn and org and org not in cn:
        return f"{cn}, {org}"
    return cn or org or issuer.rfc4514_string()


@dataclass(frozen=True)
class CertificateInfo:
    """What a signed result or a validation report says about a certificate."""

    subject: str
    common_name: str
    serial_hex: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256_fingerprint: str

    @classmethod
    def from_x509(cls, cert: x509.Certificate) -> CertificateInfo:
        cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return cls(
            subject=cert.subject.rfc4514_string(),
            common_name=str(cns[0].value) if cns else cert.subject.rfc4514_string(),
            serial_hex=format(cert.serial_number, "x"),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            sha256_fingerprint=hashlib.sha256(
                cert.public_bytes(serialization.Encoding.DER)
            ).hexdigest(),
        )

    @classmethod
    def from_der(cls, der: bytes) -> CertificateInfo:
        return cls.from_x509(x509.load_der_x509_certificate(der))

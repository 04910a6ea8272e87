"""Revocation the world can check: the local CA's CRL and OCSP responder.

- Every certificate issued by the instance CA names `crl_url()` in its CRL distribution
  point and `ocsp_url()` / `ca_certificate_url()` in its authority information access.
  The URLs are built from `NASKAH_PUBLIC_BASE_URL` when the certificate is issued.
- The CRL is regenerated (and stored on the CA row) inside every revocation's transaction
  and whenever it is read less than `NASKAH_CRL_REFRESH_HOURS` before its next update (the
  scheduled `signing_crl_refresh` task reads it every hour), so a revocation is in the CRL
  at once and in OCSP answers at once (OCSP reads the certificate rows).
- OCSP responses (RFC 6960) are signed by a delegated responder certificate issued by the
  CA (id-kp-OCSPSigning, id-pkix-ocsp-nocheck), its key sealed with the CA secret exactly
  like the CA key. The responder key is opened once per process and kept in memory.

Signing and validation in this process use the same functions directly
(`ocsp_response_for`, `crl_current`) instead of HTTP requests to ourselves.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from signing import crypto
from signing.models import CertificateAuthority, ParafCredential, SignerCertificate

if TYPE_CHECKING:
    from signing.ca_lifecycle import AnyCa

OCSP_RESPONDER_KEY_BITS = 2048
# The CA secret is 32 random-looking bytes from HKDF, not a human passphrase, so the
# scrypt work factor buys nothing for it; the responder key uses the envelope's minimum.
_RESPONDER_SCRYPT_LOG2_N = 10

_responder_cache: dict[str, tuple] = {}
_responder_lock = threading.Lock()


def _base_url() -> str:
    return str(settings.NASKAH_PUBLIC_BASE_URL).rstrip("/")


def crl_url(ca: CertificateAuthority) -> str:
    return _base_url() + reverse("pki:crl", kwargs={"serial": ca.serial_hex})


def ocsp_url() -> str:
    return _base_url() + reverse("pki:ocsp")


def ca_certificate_url(ca: CertificateAuthority) -> str:
    return _base_url() + reverse("pki:ca_certificate", kwargs={"serial": ca.serial_hex})


def _responder_aad(ca: AnyCa) -> bytes:
    return b"naskah-ocsp|" + ca.serial_hex.encode()


def ocsp_responder_ensure(ca: AnyCa) -> AnyCa:
    """Issue the delegated OCSP responder certificate if the CA has none or it expires
    within 30 days. Returns the (refreshed) CA row."""
    from signing.backends.local import _organisation, ca_secret
    from signing.ca_keys import ca_key_for

    now = timezone.now()
    if ca.ocsp_certificate_pem:
        cert = crypto.certificate_load(ca.ocsp_certificate_pem)
        if cert.not_valid_after_utc > now + dt.timedelta(days=30):
            return ca
    ca_cert = crypto.certificate_load(ca.certificate_pem)
    key = crypto.rsa_generate(OCSP_RESPONDER_KEY_BITS)
    days = int(settings.NASKAH_OCSP_RESPONDER_VALIDITY_DAYS)
    cert = crypto.ocsp_responder_certificate_build(
        ca_key=ca_key_for(ca),
        ca_cert=ca_cert,
        public_key=key.public_key(),
        common_name=f"OCSP {ca_cert.subject.rfc4514_string()}"[:64],
        organisation=_organisation(),
        not_before=now - dt.timedelta(minutes=5),
        not_after=min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc),
    )
    sealed = crypto.private_key_seal_with(
        key, secret=ca_secret(), aad=_responder_aad(ca), log2_n=_RESPONDER_SCRYPT_LOG2_N
    )
    with transaction.atomic():
        row = type(ca).objects.select_for_update().get(pk=ca.pk)
        if row.ocsp_certificate_pem != ca.ocsp_certificate_pem:
            return row  # another process issued one meanwhile
        row.ocsp_certificate_pem = crypto.certificate_pem(cert)
        row.ocsp_sealed_key = sealed
        row.save(update_fields=["ocsp_certificate_pem", "ocsp_sealed_key"])
    return row


def _responder(ca: AnyCa):
    """(certificate, key) of the delegated responder, opened once per process."""
    from signing.backends.local import ca_secret

    ca = ocsp_responder_ensure(ca)
    pem = ca.ocsp_certificate_pem
    with _responder_lock:
        cached = _responder_cache.get(pem)
        if cached is None:
            assert ca.ocsp_sealed_key is not None  # made by ocsp_responder_ensure
            key = crypto.private_key_open(
                ca.ocsp_sealed_key, secret=ca_secret(), aad=_responder_aad(ca)
            )
            cached = (crypto.certificate_load(pem), key)
            if len(_responder_cache) > 16:  # one entry per CA generation
                _responder_cache.clear()
            _responder_cache[pem] = cached
    return cached


def _revoked_entries(ca) -> list[crypto.RevokedEntry]:
    from signing.ca_lifecycle import issued_by

    rows = list(
        issued_by(ca)
        .filter(status=SignerCertificate.Status.REVOKED, revoked_at__isnull=False)
        .only("serial_hex", "revoked_at", "revocation_reason_code")
    )
    # Paraf certificates (signing/paraf.py) are issued by the same CA generations.
    rows += list(
        issued_by(ca, model=ParafCredential)
        .filter(status=ParafCredential.Status.REVOKED, revoked_at__isnull=False)
        .only("serial_hex", "revoked_at", "revocation_reason_code")
    )
    return [
        crypto.RevokedEntry(
            serial_number=int(row.serial_hex, 16),
            revoked_at=row.revoked_at,
            reason=x509.ReasonFlags[row.revocation_reason_code or "unspecified"],
        )
        for row in rows
    ]


def crl_regenerate(ca: AnyCa | None = None) -> AnyCa:
    """Sign a new complete CRL listing every revoked certificate and store it on the CA
    row. Call inside the revocation's transaction (it locks the CA row). `ca` may be a
    retired generation (signing/ca_lifecycle.py): each generation signs its own CRL."""
    from signing.backends.local import ca_get_or_create
    from signing.ca_keys import ca_key_for

    ca = ca or ca_get_or_create()
    now = timezone.now()
    hours = float(settings.NASKAH_CRL_VALIDITY_HOURS)
    with transaction.atomic():
        row = type(ca).objects.select_for_update().get(pk=ca.pk)
        number = row.crl_number + 1
        crl = crypto.crl_build(
            ca_key=ca_key_for(row),
            ca_cert=crypto.certificate_load(row.certificate_pem),
            revoked=_revoked_entries(row),
            number=number,
            this_update=now - dt.timedelta(seconds=1),
            next_update=now + dt.timedelta(hours=hours),
        )
        row.crl_der = crl.public_bytes(serialization.Encoding.DER)
        row.crl_number = number
        row.crl_next_update = crl.next_update_utc
        row.save(update_fields=["crl_der", "crl_number", "crl_next_update"])
    return row


def crl_current(ca: AnyCa | None = None) -> bytes:
    """The current CRL (DER), regenerated first if missing or close to its next update."""
    from signing.backends.local import ca_get_or_create

    ca = ca or ca_get_or_create()
    refresh = dt.timedelta(hours=float(settings.NASKAH_CRL_REFRESH_HOURS))
    if (
        not ca.crl_der
        or ca.crl_next_update is None
        or ca.crl_next_update - refresh <= (timezone.now())
    ):
        ca = crl_regenerate(ca)
    assert ca.crl_der is not None  # regenerated above when missing
    return bytes(ca.crl_der)


def crl_refresh_task() -> str:
    """Scheduled (hourly): keep the CRL of every CA generation fresh before its next
    update (idempotent)."""
    from signing.ca_lifecycle import ca_generations

    done = []
    for ca in ca_generations():
        crl_current(ca)
        ca.refresh_from_db()
        done.append(f"CRL {ca.crl_number} until {ca.crl_next_update:%Y-%m-%d %H:%M}")
    return "; ".join(done) or "no CA"


def _status_for_serial(ca, serial: int):
    from signing.ca_lifecycle import issued_by

    row = (
        issued_by(ca)
        .filter(serial_hex=format(serial, "x"))
        .only("status", "revoked_at", "revocation_reason_code")
        .first()
    ) or (
        issued_by(ca, model=ParafCredential)
        .filter(serial_hex=format(serial, "x"))
        .only("status", "revoked_at", "revocation_reason_code")
        .first()
    )
    if row is None:
        return ocsp.OCSPCertStatus.UNKNOWN, None, None
    if row.status == "revoked" and row.revoked_at is not None:
        reason = x509.ReasonFlags[row.revocation_reason_code or "unspecified"]
        return ocsp.OCSPCertStatus.REVOKED, row.revoked_at, reason
    return ocsp.OCSPCertStatus.GOOD, None, None


def _ocsp_sign(
    ca: AnyCa,
    serial: int,
    *,
    nonce: bytes | None = None,
    algorithm=None,
) -> bytes:
    ca_cert = crypto.certificate_load(ca.certificate_pem)
    # RFC 5019 CertIDs use SHA-1 (an identifier, not a signature); requests may pick another.
    algorithm = algorithm or hashes.SHA1()  # noqa: S303
    responder_cert, responder_key = _responder(ca)
    status, revoked_at, reason = _status_for_serial(ca, serial)
    now = timezone.now()
    minutes = float(settings.NASKAH_OCSP_VALIDITY_MINUTES)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=_name_hash(ca_cert, algorithm),
            issuer_key_hash=_key_hash(ca_cert, algorithm),
            serial_number=serial,
            algorithm=algorithm,
            cert_status=status,
            this_update=now - dt.timedelta(seconds=1),
            next_update=now + dt.timedelta(minutes=minutes),
            revocation_time=revoked_at,
            revocation_reason=reason if reason != x509.ReasonFlags.unspecified else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, responder_cert)
        .certificates([responder_cert])
    )
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    response = builder.sign(responder_key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def _name_hash(ca_cert: x509.Certificate, algorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(ca_cert.subject.public_bytes())
    return digest.finalize()


def _key_hash(ca_cert: x509.Certificate, algorithm) -> bytes:
    from asn1crypto import keys as asn1_keys

    spki = asn1_keys.PublicKeyInfo.load(
        ca_cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    digest = hashes.Hash(algorithm)
    digest.update(bytes(spki["public_key"]))
    return digest.finalize()


def _error(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )


def ocsp_respond(request_der: bytes) -> bytes:
    """Answer one DER OCSPRequest (RFC 6960) with a DER OCSPResponse."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return _error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    from signing.ca_lifecycle import ca_generations

    algorithm = request.hash_algorithm
    if not isinstance(algorithm, hashes.SHA1 | hashes.SHA256 | hashes.SHA384 | hashes.SHA512):
        return _error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    ca = None
    for candidate in ca_generations():  # the CA generation named by the CertID
        ca_cert = crypto.certificate_load(candidate.certificate_pem)
        if request.issuer_name_hash == _name_hash(
            ca_cert, algorithm
        ) and request.issuer_key_hash == _key_hash(ca_cert, algorithm):
            ca = candidate
            break
    if ca is None:
        return _error(ocsp.OCSPResponseStatus.UNAUTHORIZED)  # not our CA
    nonce = None
    for ext in request.extensions:
        if isinstance(ext.value, x509.OCSPNonce):
            nonce = ext.value.nonce
    return _ocsp_sign(ca, request.serial_number, nonce=nonce, algorithm=algorithm)


def ocsp_response_for(cert: x509.Certificate) -> bytes | None:
    """An OCSP response for a certificate of any generation of the instance CA (None for
    other issuers)."""
    from signing.ca_lifecycle import ca_for_issuer

    ca = ca_for_issuer(cert)
    if ca is None:
        return None
    return _ocsp_sign(ca, cert.serial_number)


def revocation_material(
    certs: list[x509.Certificate],
) -> tuple[list[asn1_crl.CertificateList], list[asn1_ocsp.OCSPResponse]]:
    """The current CRL and OCSP responses for those of `certs` issued by the instance CA,
    as pyHanko's ValidationContext takes them (`crls=`, `ocsps=`). Every CA generation
    (signing/ca_lifecycle.py) answers for the certificates it issued."""
    from signing.ca_lifecycle import ca_generations

    crls: list[asn1_crl.CertificateList] = []
    ocsps: list[asn1_ocsp.OCSPResponse] = []
    for ca in ca_generations():
        ca_cert = crypto.certificate_load(ca.certificate_pem)
        ours = [c for c in certs if c.issuer == ca_cert.subject and c != ca_cert]
        if not ours:
            continue
        crls.append(asn1_crl.CertificateList.load(crl_current(ca)))
        ocsps.extend(asn1_ocsp.OCSPResponse.load(_ocsp_sign(ca, c.serial_number)) for c in ours)
    return crls, ocsps

"""Generations of the instance CA and their rotation (docs/signing.md "CA rotation").

The current CA is the `CertificateAuthority` row (pk=1): it issues every new certificate.
`ca_rotate` makes a new generation (new key, new self-signed certificate whose common
name carries the generation, e.g. "Naskah CA Pemkot G2") and moves the previous one to a
`CaGeneration` row. A retired generation issues nothing new but

- stays a trust anchor of Naskah's validation (`ca_generations`), so letters signed
  under it keep validating for as long as they are kept;
- keeps signing the CRL and answering OCSP for the certificates it issued (per issuing
  CA: /pki/crl/<its serial>.crl; /pki/ocsp/ finds the CA from the request's CertID);
- keeps its key (sealed, or in the token) for exactly that.

The rotation also issues the two link certificates of RFC 4210 section 4.4 (root CA key
update): **OldWithNew** (the new CA's public key certified by the old CA: a verifier who
trusts only the old root accepts certificates of the new CA through it) and
**NewWithOld** (the old CA's public key certified by the new CA: a verifier who installs
only the new root can still check letters signed under the old one). Both are stored on
the new CA row (`link_certificates_pem`) and served at /pki/ca/<serial>-links.pem.
Signer certificates issued before the rotation stay valid until they expire (they are
not re-issued); renewal (signing/renewal.py) gives the signer a certificate of the new CA.
"""

from __future__ import annotations

import datetime as dt
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.services.audit import audit_record
from signing import ca_keys, crypto
from signing.events import SIGNING_CA_ROTATE
from signing.models import CaGeneration, CertificateAuthority, SignerCertificate

AnyCa = CertificateAuthority | CaGeneration


def ca_generations() -> list[AnyCa]:
    """Every generation of the instance CA, the current one first."""
    current = CertificateAuthority.objects.filter(pk=1).first()
    rows: list[AnyCa] = [current] if current is not None else []
    rows.extend(CaGeneration.objects.order_by("-generation"))
    return rows


def ca_for_serial(serial_hex: str) -> AnyCa | None:
    serial_hex = (serial_hex or "").lower()
    current = CertificateAuthority.objects.filter(pk=1, serial_hex=serial_hex).first()
    return current or CaGeneration.objects.filter(serial_hex=serial_hex).first()


def ca_for_issuer(cert: x509.Certificate) -> AnyCa | None:
    """The generation whose name is `cert`'s issuer (generation names are distinct)."""
    for ca in ca_generations():
        if crypto.certificate_load(ca.certificate_pem).subject == cert.issuer:
            return ca
    return None


def issued_by(ca: AnyCa, *, model=SignerCertificate):
    """The signer (or, with model=ParafCredential, paraf) certificates of this generation.
    Rows issued before issuers were recorded have no issuer serial: they belong to the
    current CA until the first rotation records it."""
    condition = Q(issuer_serial_hex=ca.serial_hex)
    if isinstance(ca, CertificateAuthority):
        condition |= Q(issuer_serial_hex="")
    return model.objects.filter(condition)


def ca_base_name() -> str:
    from signing.backends.local import _organisation

    return settings.NASKAH_SIGNING_CA_NAME or f"Naskah CA {_organisation()}"


def link_certificate_build(
    *, subject_cert: x509.Certificate, issuer_cert: x509.Certificate, issuer_key, now: dt.datetime
) -> x509.Certificate:
    """A link certificate (RFC 4210 4.4): `subject_cert`'s name and public key certified
    by the CA of `issuer_cert` with `issuer_key`, valid while both are."""
    public = subject_cert.public_key()
    not_after = min(subject_cert.not_valid_after_utc, issuer_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject_cert.subject)
        .issuer_name(issuer_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            subject_cert.extensions.get_extension_for_class(x509.KeyUsage).value, critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]  # a CA key signs; cryptography types it wider
            critical=False,
        )
    )
    return crypto.sign_builder(builder, issuer_key)


def new_ca_key():
    """(key, backend, label, sealed-or-None) for a new generation, in the configured
    storage. The sealed envelope is made by the caller once the serial is known."""
    from signing.backends import local

    backend = ca_keys.configured_backend()
    if backend == ca_keys.BACKEND_PKCS11:
        label = f"naskah-ca-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"
        return ca_keys.pkcs11_key_generate(label, local.CA_KEY_BITS), backend, label
    if backend != ca_keys.BACKEND_DATABASE:
        from core.errors import ApplicationError

        raise ApplicationError(
            f"NASKAH_CA_KEY_BACKEND must be one of {', '.join(ca_keys.BACKENDS)}",
            code="ca_backend_unknown",
        )
    return crypto.rsa_generate(local.CA_KEY_BITS), backend, ""


def ca_rotate(*, actor=None, reason: str = "") -> CertificateAuthority:
    """Make a new CA generation and retire the current one (module docstring). Audited
    (`signing.ca_rotate`). Returns the new current CA row."""
    from signing.backends import local

    current = local.ca_get_or_create()
    key, backend, label = new_ca_key()
    now = timezone.now()
    with transaction.atomic():
        old = CertificateAuthority.objects.select_for_update().get(pk=current.pk)
        generation = old.generation + 1
        base = ca_base_name()
        suffix = f" G{generation}"
        new_cert = crypto.ca_certificate_build(
            key,
            common_name=base[: 64 - len(suffix)] + suffix,
            organisation=local._organisation(),
            days=int(settings.NASKAH_SIGNING_CA_VALIDITY_DAYS),
            now=now,
        )
        old_cert = crypto.certificate_load(old.certificate_pem)
        old_key = ca_keys.ca_key_for(old)
        old_with_new = link_certificate_build(
            subject_cert=new_cert, issuer_cert=old_cert, issuer_key=old_key, now=now
        )
        new_with_old = link_certificate_build(
            subject_cert=old_cert, issuer_cert=new_cert, issuer_key=key, now=now
        )
        # Certificates issued before issuers were recorded belong to the generation retiring.
        SignerCertificate.objects.filter(issuer_serial_hex="").update(
            issuer_serial_hex=old.serial_hex
        )
        CaGeneration.objects.create(
            generation=old.generation,
            certificate_pem=old.certificate_pem,
            sealed_key=bytes(old.sealed_key or b""),
            key_backend=old.key_backend,
            key_label=old.key_label,
            subject=old.subject,
            serial_hex=old.serial_hex,
            not_after=old.not_after,
            created_at=old.created_at,
            retired_at=now,
            ocsp_certificate_pem=old.ocsp_certificate_pem,
            ocsp_sealed_key=old.ocsp_sealed_key,
            crl_der=old.crl_der,
            crl_number=old.crl_number,
            crl_next_update=old.crl_next_update,
            link_certificates_pem=old.link_certificates_pem,
        )
        serial_hex = format(new_cert.serial_number, "x")
        old.generation = generation
        old.certificate_pem = crypto.certificate_pem(new_cert)
        old.sealed_key = (
            crypto.private_key_seal(key, secret=local.ca_secret(), aad=local._ca_aad(serial_hex))
            if backend == ca_keys.BACKEND_DATABASE
            else b""
        )
        old.key_backend = backend
        old.key_label = label
        old.subject = new_cert.subject.rfc4514_string()
        old.serial_hex = serial_hex
        old.not_after = new_cert.not_valid_after_utc
        old.created_at = now
        old.ocsp_certificate_pem = ""
        old.ocsp_sealed_key = None
        old.crl_der = None
        old.crl_number = 0
        old.crl_next_update = None
        old.link_certificates_pem = crypto.certificate_pem(old_with_new) + crypto.certificate_pem(
            new_with_old
        )
        old.save()
        audit_record(
            actor=actor,
            action=SIGNING_CA_ROTATE,
            obj=old,
            details={
                "generation": generation,
                "serial": serial_hex,
                "subject": old.subject,
                "key_backend": backend,
                "previous_serial": old_cert.serial_number and format(old_cert.serial_number, "x"),
                "previous_subject": old_cert.subject.rfc4514_string(),
                "link_old_with_new": format(old_with_new.serial_number, "x"),
                "link_new_with_old": format(new_with_old.serial_number, "x"),
                "reason": reason[:500],
            },
        )
    return old


def link_certificates(ca: AnyCa) -> list[x509.Certificate]:
    if not ca.link_certificates_pem:
        return []
    return x509.load_pem_x509_certificates(ca.link_certificates_pem.encode())


def certificate_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)

"""Signing benchmark: `python -m benchmarks.signing` (or main() from `make bench`).

Measures, on a 1-page reportlab PDF with an RSA-2048 signer under an RSA-3072 CA:
- PAdES B-B sign only: Naskah's tuned signer (cached key + bytes_reserved) against
  pyHanko's default SimpleSigner built from the same key;
- B-T sign with an in-process test TSA (pyHanko's DummyTimeStamper), and B-LT / B-LTA
  (validation data in the DSS; B-LTA adds a document timestamp);
- unlock: opening the sealed key (scrypt N=2^15 + AES-GCM) and loading it;
- validation of the signed file (the pyHanko call `pdf_validate` makes per signature).
Needs no database: it uses the same modules (signing.crypto, signing.pades) directly.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
from collections.abc import Callable

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from signing import crypto
from signing.pades import CachedKeySigner, asn1_certificate, pades_sign


def _pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Times-Roman", 12)
    for n, line in enumerate(["PEMERINTAH PROVINSI LAMPUNG", "Nomor: 000.1/1/BENCH/2026"] * 10):
        c.drawString(72, 780 - 16 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _median_ms(fn: Callable[[], object], runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _pkcs8(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def main(runs: int = 15) -> dict[str, float]:
    now = dt.datetime.now(dt.UTC)
    ca_key = crypto.rsa_generate(3072)
    ca = crypto.ca_certificate_build(
        ca_key, common_name="Bench CA", organisation="Bench", days=30, now=now
    )
    key = crypto.rsa_generate(2048)
    cert = crypto.signer_certificate_build(
        ca_key=ca_key,
        ca_cert=ca,
        public_key=key.public_key(),
        common_name="Bench Signer",
        organisation="Bench",
        serial_number=x509.random_serial_number(),
        not_before=now - dt.timedelta(minutes=5),
        not_after=now + dt.timedelta(days=30),
    )
    pdf = _pdf()

    tuned = CachedKeySigner(private_key=key, certificate=cert, chain=[ca])
    default = signers.SimpleSigner(
        signing_cert=asn1_certificate(cert),
        signing_key=_pkcs8(key),
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(ca)]),
    )

    def sign_default() -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name="TTE", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        return (
            signers.PdfSigner(
                meta, signer=default, new_field_spec=fields.SigFieldSpec(sig_field_name="TTE")
            )
            .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
            .getvalue()
        )

    def sign_tuned() -> bytes:
        return pades_sign(pdf, signer=tuned, field_name="TTE")

    tsa_key = crypto.rsa_generate(2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench TSA")]))
        .issuer_name(ca.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(tsa_cert=asn1_certificate(tsa_cert), tsa_key=_pkcs8(tsa_key))

    def sign_tuned_bt() -> bytes:
        return pades_sign(pdf, signer=tuned, field_name="TTE", timestamper=stamper)

    crl_der = crypto.crl_build(
        ca_key=ca_key,
        ca_cert=ca,
        revoked=[],
        number=1,
        this_update=now - dt.timedelta(seconds=1),
        next_update=now + dt.timedelta(days=1),
    ).public_bytes(serialization.Encoding.DER)

    def sign_tuned_long_term(level: str) -> Callable[[], bytes]:
        # As signing.backends.local does: trust the CA, hand pyHanko the CA's CRL made in
        # process (the service also signs an OCSP response: one more RSA-2048 signature).
        def run() -> bytes:
            ctx = ValidationContext(
                trust_roots=[asn1_certificate(ca)],
                crls=[crl_der],
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            return pades_sign(
                pdf,
                signer=tuned,
                field_name="TTE",
                timestamper=stamper,
                level=level,
                validation_context=ctx,
            )

        return run

    sealed = crypto.private_key_seal(key, secret=b"bench-passphrase-1", aad=b"bench")

    def unlock() -> object:
        return crypto.private_key_open(sealed, secret=b"bench-passphrase-1", aad=b"bench")

    def load_with_rsa_check() -> object:
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return serialization.load_der_private_key(der, password=None)

    signed = sign_tuned()
    context_roots = [asn1_certificate(ca)]

    def validate() -> object:
        sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
        ctx = ValidationContext(
            trust_roots=context_roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = validate_pdf_signature(sig, ctx)
        assert status.bottom_line
        return status

    results = {
        "sign B-B, pyHanko default SimpleSigner (ms)": _median_ms(sign_default, runs),
        "sign B-B, Naskah tuned signer (ms)": _median_ms(sign_tuned, runs * 2),
        "sign B-T, tuned, in-process test TSA (ms)": _median_ms(sign_tuned_bt, runs),
        "sign B-LT, tuned, in-process TSA + CRL (ms)": _median_ms(
            sign_tuned_long_term("B-LT"), runs
        ),
        "sign B-LTA, tuned, in-process TSA + CRL (ms)": _median_ms(
            sign_tuned_long_term("B-LTA"), runs
        ),
        "unlock: scrypt + AES-GCM + key load (ms)": _median_ms(unlock, runs),
        "key load with OpenSSL RSA check, for comparison (ms)": _median_ms(
            load_with_rsa_check, runs
        ),
        "validate 1 signature (ms)": _median_ms(validate, runs),
    }
    width = max(len(k) for k in results)
    print(f"Signing benchmark: 1-page PDF ({len(pdf)} bytes), RSA-2048 signer, medians")
    for name, value in results.items():
        print(f"  {name:<{width}}  {value:8.1f}")
    return results


if __name__ == "__main__":
    main()

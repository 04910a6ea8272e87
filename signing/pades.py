"""PAdES signing with pyHanko, tuned as measured in the project's tech notes.

Two costs dominate pyHanko's defaults with an RSA key: `SimpleSigner.sign_raw` re-parses
the private key from DER on every call (OpenSSL 3 validates RSA keys on load, 60-190 ms),
and without `bytes_reserved` pyHanko makes a whole trial signature to size the /Contents
placeholder. `CachedKeySigner` keeps the loaded `cryptography` key and `pades_sign`
always passes a reserve, so one signature costs one RSA operation.

The signature is invisible: the visible QR code and TTE text are drawn into the page by
the renderer before sealing. Each call appends one incremental update, so earlier
signatures keep validating.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

# Hex characters reserved for the CMS blob in /Contents (twice its DER size). A B-B
# signature with a two-certificate chain is ~2.4 KB DER; a TSA token adds 2-6 KB.
BYTES_RESERVED_BB = 16_384
BYTES_RESERVED_BT = 32_768
# B-LT/B-LTA signatures carry no more in the CMS (validation data goes to the DSS), but
# the signature's own timestamp token may carry its chain.
BYTES_RESERVED_LT = 32_768

PADES_LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


class PadesError(Exception):
    """The PDF could not be signed; `message` is safe to show to a user."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class CachedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that signs with an already loaded `cryptography` key.

    The key is never serialised back to DER (`signing_key` stays None); `forget()` drops
    the reference when the caller's unlock scope ends.
    """

    def __init__(
        self,
        *,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        certificate: x509.Certificate,
        chain: list[x509.Certificate],
    ):
        super().__init__(
            signing_cert=asn1_certificate(certificate),
            signing_key=None,  # only sign_raw uses it; overridden
            cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in chain]),
        )
        self._private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = private_key

    def forget(self) -> None:
        self._private_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = self._private_key
        if key is None:
            raise SigningError("The signing key was already released.")
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algo))
        raise SigningError(f"Unsupported signature mechanism {mechanism}.")


def timestamper_from_settings(
    url: str, *, timeout: float = 10, username: str = "", password: str = ""
) -> TimeStamper | None:
    if not url:
        return None
    auth = (username, password) if username else None
    return HTTPTimeStamper(url, timeout=timeout, auth=auth)


@dataclass(frozen=True)
class PdfInfo:
    signature_count: int
    field_names: tuple[str, ...]


def pdf_inspect(pdf: bytes) -> PdfInfo:
    """Open the bytes as a PDF (raising PadesError with a clear message if they are not)."""
    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise PadesError(_("The file is not a PDF document."), code="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise PadesError(
                _("The PDF is encrypted; remove the password before signing or checking it."),
                code="pdf_encrypted",
            )
        sigs = reader.embedded_signatures
    except PadesError:
        raise
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        logger.info("PDF cannot be read: %r", exc)
        raise PadesError(
            _("The PDF file is damaged and cannot be read."), code="pdf_damaged"
        ) from exc
    return PdfInfo(len(sigs), tuple(s.field_name for s in sigs))


def pades_sign(
    pdf: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    reason: str = "",
    location: str = "",
    timestamper: TimeStamper | None = None,
    bytes_reserved: int | None = None,
    level: str | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add one invisible PAdES signature as an incremental update and return the new file.

    `level`: B-B, B-T (needs `timestamper`), B-LT (also embeds certificates, CRLs and OCSP
    responses in the document security store; needs `validation_context`) or B-LTA (also
    adds a document timestamp over the DSS). None: B-T with a timestamper, else B-B."""
    level = level or ("B-T" if timestamper else "B-B")
    if level not in PADES_LEVELS:
        raise PadesError(f"Unknown PAdES level {level!r}.", code="bad_pades_level")
    if level != "B-B" and timestamper is None:
        raise PadesError(
            _("PAdES %(level)s needs a timestamp authority (NASKAH_TSA_URL).") % {"level": level},
            code="tsa_required",
        )
    long_term = level in ("B-LT", "B-LTA")
    if long_term and validation_context is None:
        raise PadesError(f"PAdES {level} needs a validation context.", code="bad_pades_level")
    if level == "B-B":
        timestamper = None
    info = pdf_inspect(pdf)
    if field_name in info.field_names:
        raise PadesError(
            f"The document already has a signature in the field {field_name!r}.",
            code="field_already_signed",
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        embed_validation_info=long_term,
        use_pades_lta=level == "B-LTA",
        validation_context=validation_context if long_term else None,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name),  # no box: invisible
    )
    reserve = bytes_reserved or (BYTES_RESERVED_BT if timestamper else BYTES_RESERVED_BB)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(writer, bytes_reserved=reserve)
    except TimestampRequestError as exc:
        raise PadesError(
            _("The timestamp authority did not answer; the document was not signed."),
            code="tsa_unavailable",
        ) from exc
    except (SigningError, PdfError) as exc:
        logger.warning("PAdES signing failed: %r", exc)
        raise PadesError(_("The PDF could not be signed."), code="signing_failed") from exc
    except (PathBuildingError, PathValidationError, ValidationError) as exc:
        logger.warning("PAdES %s: the signer's certificate does not validate: %r", level, exc)
        raise PadesError(
            _(
                "The validation data for a long-term signature could not be collected: "
                "the certificate does not validate (%(error)s)."
            )
            % {"error": exc},
            code="validation_info_failed",
        ) from exc
    return out.getvalue()


def document_timestamp_add(
    pdf: bytes,
    *,
    timestamper: TimeStamper,
    validation_context: ValidationContext,
) -> bytes:
    """Archive timestamp (PAdES B-LTA renewal): update the DSS with the validation data of
    everything already in the file, then add a document timestamp covering it."""
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    pdf_inspect(pdf)
    stamper = PdfTimeStamper(timestamper)
    try:
        if not _has_document_timestamp(pdf):
            pdf = _signatures_validation_info_add(pdf, validation_context)
        if _has_document_timestamp(pdf):
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            out = stamper.update_archival_timestamp_chain(
                reader, validation_context, in_place=False
            )
        else:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            out = stamper.timestamp_pdf(writer, "sha256", validation_context, in_place=False)
    except TimestampRequestError as exc:
        raise PadesError(
            _("The timestamp authority did not answer; the document was not signed."),
            code="tsa_unavailable",
        ) from exc
    except (SigningError, PdfError, PathBuildingError, PathValidationError) as exc:
        logger.warning("document timestamp failed: %r", exc)
        raise PadesError(_("The PDF could not be timestamped."), code="timestamp_failed") from exc
    return out.getvalue()


def _signatures_validation_info_add(pdf: bytes, validation_context: ValidationContext) -> bytes:
    """B-T -> B-LT: add the validation data of every signature (and its timestamp) to the
    DSS, one incremental update per signature. A signature whose certificate no longer
    validates now (revoked or expired since) is left as it is and logged: its signing-time
    data, if any, is already in the file."""
    from pyhanko.sign.validation import add_validation_info

    count = len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    for index in range(count):
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures[index]
        if embedded.sig_object_type != "/Sig":
            continue
        try:
            pdf = add_validation_info(embedded, validation_context, in_place=False).getvalue()
        except (PathBuildingError, PathValidationError, ValidationError) as exc:
            logger.warning(
                "no validation data added for signature %s: %r", embedded.field_name, exc
            )
    return pdf


def _has_document_timestamp(pdf: bytes) -> bool:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return any(s.sig_object_type == "/DocTimeStamp" for s in reader.embedded_signatures)

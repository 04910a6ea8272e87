"""Checking the signatures in a PDF: `pdf_validate(pdf_bytes) -> ValidationReport`.

Trust: the instance CA plus the PEM files listed in NASKAH_TRUST_ROOTS (for example the
BSrE root and intermediate, and the TSA's root). Nothing is fetched from the network and
the operating system's trust store is not used.

Coverage is reported as pyHanko measures it, honestly: a signature over the whole file
("entire file"), or over an earlier revision followed by later incremental updates whose
kind pyHanko's difference analysis classifies. Note that pyHanko's default policy accepts
an update that only changes document metadata (/Info, XMP) after signing; the report shows
such a signature as valid *with later changes*, so the letter number and date must be
read from the page, never from metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.errors import ApplicationError
from signing.crypto import CertificateInfo, certificate_load
from signing.models import CertificateAuthority, SignerCertificate
from signing.pades import PadesError, pdf_inspect

logger = logging.getLogger(__name__)

MODIFICATION_TEXT = {
    "NONE": _lazy("no changes after signing"),
    "LTA_UPDATES": _lazy("only validation data or document metadata added after signing"),
    "FORM_FILLING": _lazy("form fields filled or signatures added after signing"),
    "ANNOTATIONS": _lazy("annotations added after signing"),
    "OTHER": _lazy("the document content was changed after signing"),
}


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer_name: str
    certificate: CertificateInfo | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    revoked_at: dt.datetime | None
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    timestamp_valid: bool | None
    coverage: str
    modification_level: str
    covers_whole_file: bool
    ok: bool
    problems: tuple[str, ...] = ()
    kind: str = "signature"  # or "document_timestamp" (PAdES B-LTA archive timestamps)

    @property
    def timestamped(self) -> bool:
        return self.timestamp_time is not None

    @property
    def modification_text(self) -> str:
        return str(MODIFICATION_TEXT.get(self.modification_level, self.modification_level))


@dataclass(frozen=True)
class ValidationReport:
    signatures: tuple[SignatureReport, ...]
    sha256: str
    size: int
    checked_at: dt.datetime
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def last_covers_whole_file(self) -> bool:
        return bool(self.signatures) and self.signatures[-1].covers_whole_file


def _load_pem_or_der(path: Path) -> list[asn1_x509.Certificate]:
    data = path.read_bytes()
    if asn1_pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _t, _h, der in asn1_pem.unarmor(data, True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots() -> list[asn1_x509.Certificate]:
    """The instance CA (if created) and every certificate in NASKAH_TRUST_ROOTS."""
    roots: list[asn1_x509.Certificate] = []
    ca = CertificateAuthority.objects.filter(pk=1).first()
    if ca is not None:
        roots.extend(
            asn1_x509.Certificate.load(der)
            for _t, _h, der in asn1_pem.unarmor(ca.certificate_pem.encode(), True)
        )
    for item in getattr(settings, "NASKAH_TRUST_ROOTS", []) or []:
        path = Path(item)
        try:
            roots.extend(_load_pem_or_der(path))
        except (OSError, ValueError) as exc:
            logger.error("NASKAH_TRUST_ROOTS entry %s cannot be read: %s", path, exc)
    return roots


def _revocation(cert: CertificateInfo | None, issuer_is_local: bool):
    if cert is None or not issuer_is_local:
        return False, None
    row = (
        SignerCertificate.objects.filter(serial_hex=cert.serial_hex)
        .only("status", "revoked_at")
        .first()
    )
    if row is not None and row.status == SignerCertificate.Status.REVOKED:
        return True, row.revoked_at
    return False, None


def _document_timestamp_report(embedded, context: ValidationContext) -> SignatureReport:
    status = validate_pdf_timestamp(embedded, context)
    cert_info = CertificateInfo.from_der(status.signing_cert.dump())
    valid = bool(status.intact and status.valid and status.trusted)
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    problems = []
    if not status.intact:
        problems.append(_("The signed bytes were changed after signing."))
    elif not status.trusted:
        problems.append(_("The timestamp is not valid or not from a trusted authority."))
    return SignatureReport(
        field_name=embedded.field_name,
        signer_name=cert_info.common_name,
        certificate=cert_info,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=False,
        revoked_at=None,
        signing_time=None,
        timestamp_time=status.timestamp,
        timestamp_valid=valid,
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        modification_level=level,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        ok=valid and level in {"NONE", "LTA_UPDATES"},
        problems=tuple(problems),
        kind="document_timestamp",
    )


def _signature_report(embedded, context: ValidationContext, local_issuer: str) -> SignatureReport:
    if embedded.sig_object_type == "/DocTimeStamp":
        return _document_timestamp_report(embedded, context)
    problems: list[str] = []
    status: PdfSignatureStatus = validate_pdf_signature(embedded, context)
    cert_info = None
    signer_name = ""
    if status.signing_cert is not None:
        cert_info = CertificateInfo.from_der(status.signing_cert.dump())
        signer_name = cert_info.common_name
    revoked, revoked_at = _revocation(
        cert_info, bool(cert_info and cert_info.issuer == local_issuer)
    )
    ts = status.timestamp_validity
    timestamp_time = ts.timestamp if ts is not None else None
    timestamp_valid = (ts.intact and ts.valid and ts.trusted) if ts is not None else None
    coverage = status.coverage.name if status.coverage is not None else "UNKNOWN"
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    covers_whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not status.intact:
        problems.append(_("The signed bytes were changed after signing."))
    elif not status.valid:
        problems.append(_("The cryptographic signature does not verify."))
    if not status.trusted:
        problems.append(_("The certificate does not chain to a trusted root."))
    if revoked:
        problems.append(_("The signer's certificate has been revoked."))
    if ts is not None and not timestamp_valid:
        problems.append(_("The timestamp is not valid or not from a trusted authority."))
    if status.intact and not status.bottom_line and level == "OTHER":
        problems.append(_("The document content was changed after this signature."))
    ok = bool(status.bottom_line) and not revoked and (ts is None or bool(timestamp_valid))
    return SignatureReport(
        field_name=embedded.field_name,
        signer_name=signer_name,
        certificate=cert_info,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=revoked,
        revoked_at=revoked_at,
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp_time,
        timestamp_valid=timestamp_valid,
        coverage=coverage,
        modification_level=level,
        covers_whole_file=covers_whole,
        ok=ok,
        problems=tuple(problems),
    )


def pdf_validate(pdf: bytes) -> ValidationReport:
    """List and check every signature in `pdf`. Raises ApplicationError (code not_pdf,
    pdf_damaged, pdf_encrypted or unsigned) with a clear message."""
    try:
        info = pdf_inspect(pdf)
    except PadesError as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    if info.signature_count == 0:
        raise ApplicationError(_("The PDF has no electronic signature."), code="unsigned")
    roots = trust_roots()
    ca = CertificateAuthority.objects.filter(pk=1).first()
    local_issuer = ""
    if ca is not None:
        local_issuer = certificate_load(ca.certificate_pem).subject.rfc4514_string()
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reports = []
    for embedded in reader.embedded_signatures:
        try:
            reports.append(_signature_report(embedded, context, local_issuer))
        except Exception as exc:  # pyHanko raises many types for malformed signatures
            logger.warning("signature %s could not be checked: %s", embedded.field_name, exc)
            reports.append(
                SignatureReport(
                    field_name=embedded.field_name,
                    signer_name="",
                    certificate=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    revoked=False,
                    revoked_at=None,
                    signing_time=None,
                    timestamp_time=None,
                    timestamp_valid=None,
                    coverage="UNKNOWN",
                    modification_level="OTHER",
                    covers_whole_file=False,
                    ok=False,
                    problems=(_("The signature is malformed and cannot be checked."),),
                )
            )
    notes = []
    if reports and not reports[-1].covers_whole_file:
        notes.append(
            _(
                "The file was updated after its last signature (%(what)s). Read the letter "
                "number and date from the page, not from the document properties."
            )
            % {"what": reports[-1].modification_text}
        )
    return ValidationReport(
        signatures=tuple(reports),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        checked_at=timezone.now(),
        notes=tuple(notes),
    )

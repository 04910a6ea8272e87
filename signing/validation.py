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
from signing.pades import PadesError, pdf_inspect

logger = logging.getLogger(__name__)

MODIFICATION_TEXT = {
    "NONE": _lazy("no changes after signing"),
    "LTA_UPDATES": _lazy("only validation data or document metadata added after signing"),
    "FORM_FILLING": _lazy("form fields filled or signatures added after signing"),
    "ANNOTATIONS": _lazy("annotations added after signing"),
    "OTHER": _lazy("the document content was changed after signing"),
    # The signed bytes themselves were changed: what changed after signing is not known.
    "UNKNOWN": _lazy("cannot be determined: the signed bytes themselves were changed"),
}

# ETSI EN 319 102-1 clause 5.1.3 main indications and the sub-indications used here.
TOTAL_PASSED = "TOTAL_PASSED"
TOTAL_FAILED = "TOTAL_FAILED"
INDETERMINATE = "INDETERMINATE"

INDICATION_TEXT = {
    TOTAL_PASSED: _lazy("valid (TOTAL-PASSED)"),
    TOTAL_FAILED: _lazy("not valid (TOTAL-FAILED)"),
    INDETERMINATE: _lazy("cannot be confirmed (INDETERMINATE)"),
}

SUB_INDICATION_TEXT = {
    "FORMAT_FAILURE": _lazy("the signature or the document is not in a valid format"),
    "HASH_FAILURE": _lazy("the signed bytes were changed after signing"),
    "SIG_CRYPTO_FAILURE": _lazy("the cryptographic signature does not verify"),
    "REVOKED": _lazy("the certificate was revoked before the signature was made"),
    "REVOKED_NO_POE": _lazy(
        "the certificate is revoked and nothing proves the signature existed before"
    ),
    "EXPIRED": _lazy("the certificate had expired when the signature was made"),
    "OUT_OF_BOUNDS_NO_POE": _lazy(
        "the certificate has expired and nothing proves the signature existed before"
    ),
    "NOT_YET_VALID": _lazy("the certificate was not yet valid when the signature was made"),
    "NO_CERTIFICATE_CHAIN_FOUND": _lazy("the certificate does not chain to a trusted root"),
    "CHAIN_CONSTRAINTS_FAILURE": _lazy("the certificate may not be used for signing"),
    "NO_SIGNING_CERTIFICATE_FOUND": _lazy("the signer's certificate is missing"),
    "NO_POE": _lazy("the timestamp is not valid or not from a trusted authority"),
    "TRY_LATER": _lazy("the revocation status cannot be obtained now; try again later"),
    "MODIFIED_AFTER_SIGNING": _lazy("the document content was changed after signing"),
}

REVOCATION_TEXT = {
    "good": _lazy("not revoked"),
    "revoked": _lazy("revoked"),
    "revoked_later": _lazy("not revoked when signed (revoked later)"),
    "unknown": _lazy("no revocation data (not checked)"),
    "not_checked": _lazy("not checked"),
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
    # ETSI EN 319 102-1 simple report
    indication: str = INDETERMINATE
    sub_indication: str = ""
    chain: tuple[str, ...] = ()  # subjects from the signer up to the trust anchor
    trust_anchor: str = ""
    revocation_status: str = "not_checked"
    pades_level: str = ""
    modified_after: bool | None = None  # None: cannot be determined (hash failure)

    @property
    def timestamped(self) -> bool:
        return self.timestamp_time is not None

    @property
    def modification_text(self) -> str:
        return str(MODIFICATION_TEXT.get(self.modification_level, self.modification_level))

    @property
    def indication_text(self) -> str:
        return str(INDICATION_TEXT.get(self.indication, self.indication))

    @property
    def sub_indication_text(self) -> str:
        return str(SUB_INDICATION_TEXT.get(self.sub_indication, self.sub_indication))

    @property
    def revocation_text(self) -> str:
        return str(REVOCATION_TEXT.get(self.revocation_status, self.revocation_status))


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
    from signing.ca_lifecycle import ca_generations

    roots: list[asn1_x509.Certificate] = []
    for ca in ca_generations():  # every generation: letters signed before a rotation
        roots.extend(
            asn1_x509.Certificate.load(der)
            for _t, _h, der in asn1_pem.unarmor(ca.certificate_pem.encode(), True)
        )
    for item in settings.NASKAH_TRUST_ROOTS or []:
        path = Path(item)
        try:
            roots.extend(_load_pem_or_der(path))
        except (OSError, ValueError) as exc:
            logger.error("NASKAH_TRUST_ROOTS entry %s cannot be read: %s", path, exc)
    return roots


def _local_crls() -> list:
    """The instance CA's current CRL (the one /pki/crl/ serves), for pyHanko's validator."""
    from asn1crypto import crl as asn1_crl

    from signing.ca_lifecycle import ca_generations
    from signing.pki import crl_current

    crls = []
    for ca in ca_generations():
        try:
            der = crl_current(ca)
        except ApplicationError as exc:  # the CA key cannot be opened: use the stored CRL
            logger.error("the CRL cannot be refreshed: %s", exc.message)
            der = bytes(ca.crl_der or b"")
        if der:
            crls.append(asn1_crl.CertificateList.load(der))
    return crls


@dataclass
class _DssInfo:
    certs: list
    crls: list
    ocsps: list

    @property
    def has_revinfo(self) -> bool:
        return bool(self.crls or self.ocsps)


def _dss_read(reader: PdfFileReader) -> _DssInfo:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
        certs = list(dss.load_certs())
        crls = [asn1_crl.CertificateList.load(r.get_object().data) for r in dss.crls]
        ocsps = [asn1_ocsp.OCSPResponse.load(r.get_object().data) for r in dss.ocsps]
    except NoDSSFoundError:
        return _DssInfo([], [], [])
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        logger.info("the document security store cannot be read: %r", exc)
        return _DssInfo([], [], [])
    return _DssInfo(certs, crls, ocsps)


class _Contexts:
    """Validation contexts over the same trust anchors and revocation data: the instance
    CA's current CRL plus whatever the document's DSS holds. Soft-fail: a certificate of
    another CA without revocation data is not rejected for that (reported "unknown");
    nothing is fetched from the network. `retroactive_revinfo`: a CRL issued after the
    validation time still says whether the certificate was revoked before it."""

    def __init__(self, roots, dss: _DssInfo):
        self.roots = roots
        self.dss = dss
        self.crls = _local_crls() + dss.crls
        self._now = self.at(None)

    def at(self, moment: dt.datetime | None) -> ValidationContext:
        return ValidationContext(
            trust_roots=self.roots,
            other_certs=self.dss.certs,
            crls=self.crls,
            ocsps=self.dss.ocsps,
            allow_fetching=False,
            revocation_mode="soft-fail",
            retroactive_revinfo=True,
            moment=moment,
        )

    @property
    def now(self) -> ValidationContext:
        return self._now


def _chain(status) -> tuple[tuple[str, ...], str]:
    path = getattr(status, "validation_path", None)
    if path is None:
        return (), ""
    try:
        certs = [c for c in path.iter_certs(include_root=True)]
    except (AttributeError, TypeError):
        return (), ""
    subjects = tuple(c.subject.human_friendly for c in reversed(certs))
    return subjects, subjects[-1] if subjects else ""


def _indic_name(status) -> str:
    indic = getattr(status, "trust_problem_indic", None)
    return indic.name if indic is not None else ""


def _document_timestamp_report(embedded, contexts: _Contexts) -> SignatureReport:
    status = validate_pdf_timestamp(embedded, contexts.now)
    cert_info = CertificateInfo.from_der(status.signing_cert.dump())
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    chain, anchor = _chain(status)
    problems = []
    if not status.intact:
        indication, sub = TOTAL_FAILED, "HASH_FAILURE"
        level = "UNKNOWN"
    elif not status.valid:
        indication, sub = TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
    elif not status.trusted:
        indication, sub = INDETERMINATE, _indic_name(status) or "NO_CERTIFICATE_CHAIN_FOUND"
    elif level not in {"NONE", "LTA_UPDATES"}:
        indication, sub = TOTAL_FAILED, "FORMAT_FAILURE"
        problems.append(_("The document content was changed after this timestamp."))
    else:
        indication, sub = TOTAL_PASSED, ""
    if sub and sub != "FORMAT_FAILURE":
        problems.append(str(SUB_INDICATION_TEXT.get(sub, sub)).capitalize() + ".")
    valid = bool(status.intact and status.valid and status.trusted)
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
        ok=indication == TOTAL_PASSED,
        problems=tuple(problems),
        kind="document_timestamp",
        indication=indication,
        sub_indication=sub,
        chain=chain,
        trust_anchor=anchor,
        revocation_status="not_checked",
        pades_level="",
        modified_after=None if level == "UNKNOWN" else level not in {"NONE", "LTA_UPDATES"},
    )


def _revocation_date(status) -> dt.datetime | None:
    details = getattr(status, "revocation_details", None)
    return details.revocation_date if details is not None else None


def _signature_report(  # noqa: C901 - maps pyHanko statuses to indications, case by case
    embedded, contexts: _Contexts, local_issuer: frozenset[str]
) -> SignatureReport:
    if embedded.sig_object_type == "/DocTimeStamp":
        return _document_timestamp_report(embedded, contexts)
    status: PdfSignatureStatus = validate_pdf_signature(embedded, contexts.now, contexts.now)
    cert_info = None
    signer_name = ""
    if status.signing_cert is not None:
        cert_info = CertificateInfo.from_der(status.signing_cert.dump())
        signer_name = cert_info.common_name
    ts = status.timestamp_validity
    timestamp_time = ts.timestamp if ts is not None else None
    ts_ok = bool(ts is not None and ts.intact and ts.valid and ts.trusted)
    poe = timestamp_time if ts_ok else None
    level = status.modification_level.name if status.modification_level is not None else "OTHER"
    # The certificate is judged at the proof of existence (the signature's timestamp) when
    # there is one: a certificate revoked or expired after it keeps the signature valid.
    trust_status = status
    if poe is not None and status.intact and status.valid and _indic_name(status):
        trust_status = validate_pdf_signature(embedded, contexts.at(poe), skip_diff=True)
    revoked_now_at = _revocation_date(status)
    revoked_at = _revocation_date(trust_status)
    problems: list[str] = []
    modified_after: bool | None = level not in {"NONE", "FORM_FILLING", "LTA_UPDATES"}
    if level == "ANNOTATIONS":
        modified_after = True
    sub = ""
    if not status.intact:
        indication, sub = TOTAL_FAILED, "HASH_FAILURE"
        level, modified_after = "UNKNOWN", None
    elif not status.valid:
        indication, sub = TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
    elif trust_status.revoked or (
        revoked_now_at is not None and poe is not None and revoked_now_at <= poe
    ):
        # Also decided directly from the revocation time, not only by the validator at
        # `poe`: pyHanko may set aside revocation data newer than the validation time
        # ("too recent"; seen with OCSP responses), which would hide the revocation.
        indication, sub = (TOTAL_FAILED, "REVOKED") if poe else (INDETERMINATE, "REVOKED_NO_POE")
        revoked_at = revoked_at or revoked_now_at
    elif _indic_name(trust_status):
        name = _indic_name(trust_status)
        if name in {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}:
            indication, sub = (
                (TOTAL_FAILED, "EXPIRED")
                if poe
                else (
                    INDETERMINATE,
                    "OUT_OF_BOUNDS_NO_POE",
                )
            )
        else:
            indication, sub = INDETERMINATE, name
    elif status.docmdp_ok is False or level == "OTHER":
        indication, sub = TOTAL_FAILED, "FORMAT_FAILURE"
    elif ts is not None and not ts_ok:
        indication, sub = INDETERMINATE, "NO_POE"
    else:
        indication = TOTAL_PASSED
    if sub == "FORMAT_FAILURE" and level == "OTHER":
        problems.append(_("The document content was changed after this signature."))
    elif sub:
        problems.append(str(SUB_INDICATION_TEXT.get(sub, sub)).capitalize() + ".")
    if sub not in {"", "NO_POE"} and ts is not None and not ts_ok:
        problems.append(str(SUB_INDICATION_TEXT["NO_POE"]).capitalize() + ".")
    if sub in {"REVOKED", "REVOKED_NO_POE"}:
        revocation = "revoked"
    elif revoked_now_at is not None:
        revocation = "revoked_later"
    elif not status.intact or not status.valid or trust_status.validation_path is None:
        revocation = "not_checked"
    elif (cert_info and cert_info.issuer in local_issuer) or contexts.dss.has_revinfo:
        revocation = "good"
    else:
        revocation = "unknown"
    chain, anchor = _chain(trust_status)
    pades = ""
    if indication != TOTAL_FAILED and status.intact and status.valid:
        pades = "B-T" if ts_ok else "B-B"
        signer_der = status.signing_cert.dump() if status.signing_cert is not None else b""
        if (
            ts_ok
            and contexts.dss.has_revinfo
            and any(c.dump() == signer_der for c in contexts.dss.certs)
        ):
            pades = "B-LT"
    return SignatureReport(
        field_name=embedded.field_name,
        signer_name=signer_name,
        certificate=cert_info,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(trust_status.trusted),
        revoked=revoked_now_at is not None,
        revoked_at=revoked_at or revoked_now_at,
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp_time,
        timestamp_valid=ts_ok if ts is not None else None,
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        modification_level=level,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        ok=indication == TOTAL_PASSED,
        problems=tuple(problems),
        indication=indication,
        sub_indication=sub,
        chain=chain,
        trust_anchor=anchor,
        revocation_status=revocation,
        pades_level=pades,
        modified_after=modified_after,
    )


def _malformed(embedded) -> SignatureReport:
    return SignatureReport(
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
        modification_level="UNKNOWN",
        covers_whole_file=False,
        ok=False,
        problems=(_("The signature is malformed and cannot be checked."),),
        indication=TOTAL_FAILED,
        sub_indication="FORMAT_FAILURE",
    )


def _with_lta(reports: list[SignatureReport]) -> list[SignatureReport]:
    """B-LT signatures followed by a valid document timestamp reached B-LTA."""
    from dataclasses import replace

    out = []
    for n, report in enumerate(reports):
        later_ts = any(
            r.kind == "document_timestamp" and r.indication == TOTAL_PASSED
            for r in reports[n + 1 :]
        )
        if report.pades_level == "B-LT" and later_ts:
            report = replace(report, pades_level="B-LTA")
        out.append(report)
    return out


def pdf_validate(pdf: bytes, *, roots: list | None = None) -> ValidationReport:
    """List and check every signature in `pdf`. Raises ApplicationError (code not_pdf,
    pdf_damaged, pdf_encrypted or unsigned) with a clear message. `roots`: validate
    against these trust anchors only (a peer instance's CAs, pertukaran) instead of this
    instance's."""
    try:
        info = pdf_inspect(pdf)
    except PadesError as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    if info.signature_count == 0:
        raise ApplicationError(_("The PDF has no electronic signature."), code="unsigned")
    roots = trust_roots() if roots is None else roots
    from signing.ca_lifecycle import ca_generations

    local_issuer = frozenset(
        certificate_load(ca.certificate_pem).subject.rfc4514_string() for ca in ca_generations()
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    contexts = _Contexts(roots, _dss_read(reader))
    reports = []
    for embedded in reader.embedded_signatures:
        try:
            reports.append(_signature_report(embedded, contexts, local_issuer))
        except Exception as exc:  # pyHanko raises many types for malformed signatures
            logger.warning("signature %s could not be checked: %s", embedded.field_name, exc)
            reports.append(_malformed(embedded))
    reports = _with_lta(reports)
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


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def validation_report_json(report: ValidationReport) -> dict:
    """The report as JSON-ready data, shaped like ETSI EN 319 102-1's simple report: one
    entry per signature with its indication and sub-indication (codes are the standard's;
    the `*_text` fields are in the active language)."""
    signatures = []
    for sig in report.signatures:
        cert = sig.certificate
        signatures.append(
            {
                "id": sig.field_name,
                "type": sig.kind,
                "indication": sig.indication,
                "sub_indication": sig.sub_indication or None,
                "indication_text": sig.indication_text,
                "sub_indication_text": sig.sub_indication_text if sig.sub_indication else None,
                "signed_by": sig.signer_name,
                "certificate": None
                if cert is None
                else {
                    "subject": cert.subject,
                    "issuer": cert.issuer,
                    "serial": cert.serial_hex,
                    "not_before": _iso(cert.not_before),
                    "not_after": _iso(cert.not_after),
                    "sha256": cert.sha256_fingerprint,
                },
                "certificate_chain": list(sig.chain),
                "trust_anchor": sig.trust_anchor or None,
                "signing_time_claimed": _iso(sig.signing_time),
                "timestamp": _iso(sig.timestamp_time),
                "timestamp_valid": sig.timestamp_valid,
                "revocation_status": sig.revocation_status,
                "revocation_status_text": sig.revocation_text,
                "revoked_at": _iso(sig.revoked_at),
                "intact": sig.intact,
                "modified_after_signing": sig.modified_after,
                "modification_level": sig.modification_level,
                "modification_text": sig.modification_text,
                "covers_whole_file": sig.covers_whole_file,
                "signature_level": f"PAdES-BASELINE-{sig.pades_level[2:]}"
                if sig.pades_level
                else None,
                "problems": [str(p) for p in sig.problems],
            }
        )
    return {
        "policy": "ETSI EN 319 102-1 (simple report); PAdES baseline levels per ETSI EN 319 142-1",
        "document": {"sha256": report.sha256, "size": report.size},
        "validation_time": _iso(report.checked_at),
        "valid": report.ok,
        "signatures_count": len(report.signatures),
        "valid_signatures_count": sum(1 for s in report.signatures if s.ok),
        "signatures": signatures,
        "notes": [str(n) for n in report.notes],
    }

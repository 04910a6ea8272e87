"""PAdES B-LT for archived letters when no timestamp authority is configured.

`pdf_archive_validation_info` adds the validation data of every signature (certificates,
the CRL and OCSP answers; for the instance CA made in this process, for other CAs such as
BSrE fetched only with NASKAH_LTV_ALLOW_FETCHING) to the document security store as an
incremental update, without a document timestamp: the letter reaches B-LT. With a TSA
configured, `signing.services.pdf_archive_timestamp` does this and adds the document
timestamp (B-LTA); arsip/services/lta.py picks one or the other and upgrades a B-LT copy
to B-LTA once a TSA is configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.services.audit import audit_record
from signing.events import SIGNING_ARCHIVE_VALIDATION_INFO


@dataclass(frozen=True)
class ArchiveValidationInfo:
    pdf: bytes
    sha256: str


def archive_validation_context(pdf_certs: list):
    """The ValidationContext of archive augmentation: every trust anchor, the instance CA
    generations' current CRL and OCSP answers, others' data fetched only if allowed."""
    from pyhanko_certvalidator import ValidationContext

    from signing import pki
    from signing.validation import trust_roots

    crls, ocsps = pki.revocation_material(pdf_certs)
    return ValidationContext(
        trust_roots=trust_roots(),
        crls=crls,
        ocsps=ocsps,
        allow_fetching=bool(settings.NASKAH_LTV_ALLOW_FETCHING),
        revocation_mode="soft-fail",
    )


def pdf_archive_validation_info(*, pdf: bytes) -> ArchiveValidationInfo:
    """B-T (or B-B) -> B-LT: the DSS with every signature's validation data. Writes the
    audit event `signing.archive_validation_info`."""
    from signing.backends.base import SignedResult
    from signing.pades import PadesError, _signatures_validation_info_add, pdf_inspect
    from signing.services import _document_certificates

    try:
        pdf_inspect(pdf)
        certs = _document_certificates(pdf)
    except PadesError as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc
    except Exception as exc:  # pyHanko raises many types for damaged files
        raise ApplicationError(
            _("The PDF file is damaged and cannot be read."), code="pdf_damaged"
        ) from exc
    if not certs:
        raise ApplicationError(_("The PDF has no electronic signature."), code="unsigned")
    out = _signatures_validation_info_add(pdf, archive_validation_context(certs))
    result = ArchiveValidationInfo(pdf=out, sha256=SignedResult.digest(out))
    with transaction.atomic(savepoint=False):
        audit_record(
            actor=None,
            action=SIGNING_ARCHIVE_VALIDATION_INFO,
            object_type="signing.pdf",
            object_id=result.sha256,
            object_repr="archive validation data",
            details={"sha256_before": SignedResult.digest(pdf), "sha256": result.sha256},
        )
    return result

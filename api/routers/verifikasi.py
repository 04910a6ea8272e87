"""Verification: a PDF in, the validation report out (signing.validation), with whether
the exact file is a letter sealed here. A Rahasia / Sangat Rahasia letter's identity is
not told (as on the public page). Any valid token may verify."""

# No `from __future__ import annotations`: the idempotent decorator wraps these views,
# and django-ninja reads their (real) parameter types through the wrapper.
import hashlib
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from api.errors import ApiProblem
from api.idempotency import idempotent
from api.render import json_response
from api.schemas import ERRORS
from core.vocabulary import CONFIDENTIAL
from naskah.models.signing import DokumenTersegel, PertinggalTersegel
from naskah.views.verification import max_upload_bytes

router = Router()


class VerifyOut(Schema):
    sha256: str
    sealed_in_naskah: bool
    naskah_nomor: str | None
    valid: bool
    report: dict[str, Any] | None
    error: str


@router.post(
    "/verify",
    response={200: VerifyOut, **ERRORS, 413: ERRORS[422]},
    summary="Validate the signatures of a PDF",
)
@idempotent
def verify(request, berkas: File[UploadedFile]):
    from core.errors import ApplicationError
    from signing.validation import pdf_validate, validation_report_json

    if berkas.size is not None and berkas.size > max_upload_bytes():
        raise ApiProblem(413, _("The file is too large."), code="too_large")
    data = berkas.read()
    sha = hashlib.sha256(data).hexdigest()
    match = DokumenTersegel.objects.filter(sha256=sha).select_related("tte__naskah").first()
    if match is None:
        match = PertinggalTersegel.objects.filter(sha256=sha).select_related("tte__naskah").first()
    nomor = None
    if match is not None and match.tte.naskah.klasifikasi_keamanan not in CONFIDENTIAL:
        nomor = match.tte.naskah.nomor
    report, error = None, ""
    try:
        report = pdf_validate(data)
    except ApplicationError as exc:
        error = exc.message
    body = {
        "sha256": sha,
        "sealed_in_naskah": match is not None,
        "naskah_nomor": nomor,
        "valid": bool(report is not None and report.ok),
        "report": validation_report_json(report) if report is not None else None,
        "error": str(error),
    }
    return json_response(request, 200, VerifyOut, body)

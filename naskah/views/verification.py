"""Public verification without login (DESIGN: anyone holding a letter).

`/verifikasi/<token>` is the QR target: number, date, subject, issuing unit, signers,
signing times, SHA-256, and whether the stored document is intact (re-hashed and validated
with signing.pdf_validate). Rahasia / Sangat Rahasia letters show only whether they are
valid. `/verifikasi/` validates an uploaded PDF. Both are rate-limited per client address
(cache counter; settings NASKAH_VERIFIKASI_RATE = (requests, seconds)) and uploads are
size-limited (NASKAH_VERIFIKASI_MAX_BYTES).

Both answer JSON with `?format=json` (or `Accept: application/json`): the report in the
shape of ETSI EN 319 102-1's simple report (`signing.validation.validation_report_json`)."""

from __future__ import annotations

import hashlib
import logging

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ApplicationError
from core.middleware import client_ip
from core.vocabulary import CONFIDENTIAL
from naskah.models import DokumenTersegel, NaskahTTE, PencabutanNaskah, PertinggalTersegel
from naskah.services.signing import sealed_bytes

logger = logging.getLogger(__name__)


def max_upload_bytes() -> int:
    return int(settings.NASKAH_VERIFIKASI_MAX_BYTES)


def _rate_limited(request) -> bool:
    limit, window = settings.NASKAH_VERIFIKASI_RATE
    key = f"naskah:verifikasi:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    return count > int(limit)


def _too_many(request):
    return render(
        request,
        "naskah/verifikasi/limit.html",
        {"message": _("Too many verification requests from your address. Try again later.")},
        status=429,
    )


class UploadForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Signed PDF file"))

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": max_upload_bytes() // (1024 * 1024)}
            )
        data = upload.read()
        if not data.lstrip()[:5] == b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."))
        return data


def _wants_json(request) -> bool:
    return (
        request.GET.get("format") == "json"
        or request.POST.get("format") == "json"
        or (
            "application/json" in request.headers.get("Accept", "")
            and "text/html" not in request.headers.get("Accept", "")
        )
    )


def _json(report, *, error: str = "", status: int = 200, **extra) -> JsonResponse:
    from signing.validation import validation_report_json

    data = validation_report_json(report) if report is not None else {"valid": False}
    if error:
        data["error"] = error
    data.update(extra)
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _paraf_summary(naskah) -> dict:
    """How many signed paraf statements the letter has and how many fail verification
    (names stay on the internal pages; issue 18 item 4)."""
    from naskah.selectors.paraf import naskah_paraf_statements

    states = naskah_paraf_statements(naskah)
    return {
        "count": len(states),
        "failed": sum(1 for s in states if not s.ok),
        "failures": sorted({s.check.code for s in states if not s.ok}),
    }


@require_GET
def verifikasi_token(request, token: str):
    if _rate_limited(request):
        return _too_many(request)
    record = (
        NaskahTTE.objects.select_related("naskah__jenis", "naskah__penandatangan__unit", "nomor")
        .filter(token=token)
        .first()
    )
    if record is None:
        return render(request, "naskah/verifikasi/token.html", {"found": False}, status=404)
    naskah = record.naskah
    dokumen = record.dokumen_terakhir()
    try:
        data = sealed_bytes(dokumen) if dokumen else b""
    except OSError:
        # The record exists but its stored file is gone (restore without media, disk
        # fault): say so plainly instead of a server error; the operator reads the log.
        logger.exception("verifikasi: stored file of %s is missing", dokumen.berkas.name)
        return render(
            request,
            "naskah/verifikasi/token.html",
            {"found": True, "missing": True, "naskah": naskah, "record": record},
        )
    hash_ok = bool(dokumen) and hashlib.sha256(data).hexdigest() == dokumen.sha256
    report, error = None, ""
    if data:
        try:
            from signing.validation import pdf_validate

            report = pdf_validate(data)
        except ApplicationError as exc:
            error = exc.message
    valid = hash_ok and report is not None and report.ok
    paraf = _paraf_summary(naskah)
    if _wants_json(request):
        if naskah.klasifikasi_keamanan in CONFIDENTIAL:  # only whether it is valid
            return _json(None, valid=valid, confidential=True)
        return _json(
            report, error=error, stored_copy_intact=hash_ok, valid=valid, paraf_statements=paraf
        )
    return render(
        request,
        "naskah/verifikasi/token.html",
        {
            "found": True,
            "confidential": naskah.klasifikasi_keamanan in CONFIDENTIAL,
            "naskah": naskah,
            "record": record,
            "dokumen": list(record.dokumen.select_related("penandatangan", "jabatan")),
            "last": dokumen,
            "hash_ok": hash_ok,
            "report": report,
            "error": error,
            "valid": valid,
            "paraf": paraf,
            "pending": not record.selesai,
            "pencabutan": PencabutanNaskah.objects.filter(naskah=naskah)
            .select_related("oleh")
            .first(),
        },
    )


@require_http_methods(["GET", "POST"])
def verifikasi_upload(request):
    context = {"form": UploadForm(), "max_mb": max_upload_bytes() // (1024 * 1024)}
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data["berkas"]
            sha = hashlib.sha256(data).hexdigest()
            match = DokumenTersegel.objects.filter(sha256=sha).select_related("tte__naskah").first()
            if match is None:  # the drafting unit's file copy (pertinggal) is sealed too
                match = (
                    PertinggalTersegel.objects.filter(sha256=sha)
                    .select_related("tte__naskah")
                    .first()
                )
            context.update({"sha256": sha, "match": match})
            if match is not None:
                context["match_confidential"] = (
                    match.tte.naskah.klasifikasi_keamanan in CONFIDENTIAL
                )
                context["pencabutan"] = (
                    PencabutanNaskah.objects.filter(naskah_id=match.tte.naskah_id)
                    .select_related("oleh")
                    .first()
                )
            try:
                from signing.validation import pdf_validate

                context["report"] = pdf_validate(data)
            except ApplicationError as exc:
                context["error"] = exc.message
            if _wants_json(request):
                return _json(
                    context.get("report"),
                    error=context.get("error", ""),
                    status=200 if context.get("report") else 400,
                    sealed_in_naskah=match is not None,
                )
        else:
            if _wants_json(request):
                errors = [str(e) for e in form.errors.get("berkas", [])]
                return _json(None, error=" ".join(errors), status=400)
            return render(request, "naskah/verifikasi/upload.html", context, status=400)
    return render(request, "naskah/verifikasi/upload.html", context)

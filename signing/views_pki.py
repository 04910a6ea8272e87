"""Public PKI endpoints of the instance CA (no login): CRL, OCSP (RFC 6960 / RFC 5019),
the CA certificate. Mounted at /pki/ by core/urls.py; signing/pki.py does the work."""

from __future__ import annotations

import base64
import binascii

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from signing import crypto, pki
from signing.models import CertificateAuthority

MAX_OCSP_REQUEST = 10_000


def _ca(serial: str) -> CertificateAuthority:
    ca = CertificateAuthority.objects.filter(pk=1).first()
    if ca is None or ca.serial_hex != serial.lower():
        raise Http404
    return ca


def crl(request, serial: str):
    ca = _ca(serial)
    response = HttpResponse(pki.crl_current(ca), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=60"
    return response


def ca_certificate(request, serial: str):
    ca = _ca(serial)
    from cryptography.hazmat.primitives import serialization

    der = crypto.certificate_load(ca.certificate_pem).public_bytes(serialization.Encoding.DER)
    response = HttpResponse(der, content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="naskah-ca-{ca.serial_hex}.cer"'
    return response


def _ocsp_answer(der: bytes) -> HttpResponse:
    response = HttpResponse(pki.ocsp_respond(der), content_type="application/ocsp-response")
    response["Cache-Control"] = "no-cache"
    return response


@csrf_exempt
def ocsp(request, encoded: str = ""):
    """POST: the DER request as the body. GET: /pki/ocsp/<base64 of the DER request>."""
    if request.method == "POST":
        body = request.body[: MAX_OCSP_REQUEST + 1]
        if len(body) > MAX_OCSP_REQUEST:
            return HttpResponse(status=413)
        return _ocsp_answer(body)
    if request.method == "GET":
        if not encoded:
            return HttpResponse(status=400)
        try:
            der = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=False)
        except (binascii.Error, ValueError):
            der = b""
        return _ocsp_answer(der)
    return HttpResponseNotAllowed(["GET", "POST"])

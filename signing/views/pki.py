"""Public PKI endpoints of the instance CA (no login): CRL, OCSP (RFC 6960 / RFC 5019),
the CA certificate. Mounted at /pki/ by core/urls.py; signing/pki.py does the work."""

from __future__ import annotations

import base64
import binascii

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from signing import crypto, pki
from signing.models import CaGeneration, CertificateAuthority

MAX_OCSP_REQUEST = 10_000


def _ca(serial: str) -> CertificateAuthority | CaGeneration:
    """The CA generation with this serial: the current one or a retired one, whose CRL
    is still served for the certificates it issued (signing/ca_lifecycle.py)."""
    from signing.ca_lifecycle import ca_for_serial

    ca = ca_for_serial(serial)
    if ca is None:
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


def ca_links(request, serial: str):
    """The link certificates (RFC 4210 4.4) between this generation and the previous one,
    PEM: OldWithNew then NewWithOld."""
    ca = _ca(serial)
    if not ca.link_certificates_pem:
        raise Http404
    response = HttpResponse(ca.link_certificates_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="naskah-ca-{ca.serial_hex}-links.pem"'
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

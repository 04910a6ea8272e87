"""Public PKI endpoints, mounted at /pki/ by core/urls.py (no login)."""

from django.urls import path

from signing.views import pki

app_name = "pki"

urlpatterns = [
    path("crl/<str:serial>.crl", pki.crl, name="crl"),
    path("ca/<str:serial>-links.pem", pki.ca_links, name="ca_links"),
    path("ca/<str:serial>.cer", pki.ca_certificate, name="ca_certificate"),
    path("ocsp/", pki.ocsp, name="ocsp"),
    path("ocsp/<path:encoded>", pki.ocsp, name="ocsp_get"),
]

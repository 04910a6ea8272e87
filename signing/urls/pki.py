"""Public PKI endpoints, mounted at /pki/ by core/urls.py (no login)."""

from django.urls import path

from signing import views_pki

app_name = "pki"

urlpatterns = [
    path("crl/<str:serial>.crl", views_pki.crl, name="crl"),
    path("ca/<str:serial>-links.pem", views_pki.ca_links, name="ca_links"),
    path("ca/<str:serial>.cer", views_pki.ca_certificate, name="ca_certificate"),
    path("ocsp/", views_pki.ocsp, name="ocsp"),
    path("ocsp/<path:encoded>", views_pki.ocsp, name="ocsp_get"),
]

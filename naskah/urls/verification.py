"""Public verification pages, mounted at /verifikasi/ by core/urls.py."""

from django.urls import path

from naskah.views import verification

app_name = "verifikasi"

urlpatterns = [
    path("", verification.verifikasi_upload, name="upload"),
    path("<str:token>", verification.verifikasi_token, name="token"),
]

"""Public verification pages, mounted at /verifikasi/ by core/urls.py."""

from django.urls import path

from naskah import views_verifikasi

app_name = "verifikasi"

urlpatterns = [
    path("", views_verifikasi.verifikasi_upload, name="upload"),
    path("<str:token>", views_verifikasi.verifikasi_token, name="token"),
]

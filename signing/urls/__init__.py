from django.urls import path

from signing import views
from signing.views import paraf

app_name = "signing"

urlpatterns = [
    path("", views.signing_settings, name="settings"),
    path("passphrase/atur/", views.enrol, name="enrol"),
    path("passphrase/ganti/", views.passphrase_change, name="passphrase_change"),
    path("permohonan/", views.request_queue, name="request_queue"),
    path("permohonan/<int:pk>/setujui/", views.request_approve, name="request_approve"),
    path("permohonan/<int:pk>/tolak/", views.request_reject, name="request_reject"),
    path("sertifikat/", views.certificate_list, name="certificate_list"),
    path(
        "sertifikat/<int:pk>/cabut/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "paraf/<int:pk>/cabut/",
        paraf.paraf_credential_revoke,
        name="paraf_credential_revoke",
    ),
]

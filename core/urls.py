from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import observability, oidc, views
from core.views import signin

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", signin.SignOutView.as_view(), name="logout"),
    # OpenID Connect sign-in (404 unless NASKAH_OIDC_* is configured); names as the library
    # expects them
    path("sso/masuk/", oidc.SSOLoginView.as_view(), name="oidc_authentication_init"),
    path("sso/callback/", oidc.SSOCallbackView.as_view(), name="oidc_authentication_callback"),
    path(
        "masuk/faktor-kedua/",
        signin.second_factor_verify,
        name="second_factor_verify",
    ),
    path("akun/faktor-kedua/", signin.second_factor, name="second_factor"),
    path("akun/passkey/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path(
        "akun/kata-sandi/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("organisasi/", views.organisasi, name="organisasi"),
    path("naskah/", include("naskah.urls")),
    path("alur/", include("workflows.urls")),
    path("tte/", include("signing.urls")),
    path("pki/", include("signing.urls.pki")),
    path("arsip/", include("arsip.urls")),
    path("penomoran/", include("penomoran.urls")),
    path("surat-masuk/", include("naskah.masuk.urls")),
    path("pertukaran/", include("pertukaran.urls")),
    path("verifikasi/", include("naskah.urls.verification")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The integration API (issue 17; api/v1.py, docs/api.md).
    path("api/", include("api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]

# No media route, in any mode: stored files are sent only by views that check the object's
# visibility rule (core/files.py; docs/security.md, "Stored files").

"""Sign-in by OpenID Connect against the region's identity provider (docs/security.md,
"OpenID Connect"), built on mozilla-django-oidc.

Off unless NASKAH_OIDC_CLIENT_ID and the provider's endpoints are set. The backend is an
ordinary AUTHENTICATION_BACKENDS entry beside the local password backend, so local
accounts keep working and anything that acts after sign-in (a second-factor gate, the
audit event on user_logged_in) applies to both.

Staff come from the organisation data: a provider account is matched to an existing,
active Pegawai by one claim (NASKAH_OIDC_MATCH: nip, username or email; the claim name is
NASKAH_OIDC_CLAIM). An account that matches no Pegawai, or more than one, is refused;
none is created.

On top of the library's checks (signature against the provider's JWKS, algorithm, nonce,
state), the ID token must name this client in `aud`, carry `exp`, and come from
NASKAH_OIDC_ISSUER.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

MATCH_FIELDS = ("nip", "username", "email")
FAILURE_ATTR = "_naskah_oidc_failure"


def oidc_enabled() -> bool:
    return bool(settings.NASKAH_OIDC_ENABLED)


class NaskahOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Inert (and needing no OIDC_* settings) while sign-in by OIDC is off.
        self.enabled = oidc_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            from django.contrib.auth import get_user_model

            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view signs in through the provider: a password form posted to
        # a URL that happens to carry ?code=&state= must not start a token exchange.
        if not self.enabled or request is None or "nonce" not in kwargs:
            return None
        if request.path != reverse("oidc_authentication_callback"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("OIDC sign-in refused: %s", exc)
            setattr(request, FAILURE_ATTR, "invalid")
            return None

    # --- the ID token --------------------------------------------------------------------

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is None and "nonce" in kwargs:
            raise SuspiciousOperation("no nonce was expected for this sign-in")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is not addressed to this client (aud)")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token azp is not this client")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token has no expiry")
        issuer = settings.NASKAH_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
        return payload

    # --- matching the Pegawai ------------------------------------------------------------

    def _claim_value(self, claims) -> str:
        value = claims.get(settings.NASKAH_OIDC_CLAIM)
        return str(value).strip() if value not in (None, "") else ""

    def verify_claims(self, claims):
        return bool(self._claim_value(claims))

    def describe_user_by_claims(self, claims):
        return f"{settings.NASKAH_OIDC_CLAIM}={self._claim_value(claims)!r}"

    def filter_users_by_claims(self, claims):
        value = self._claim_value(claims)
        field = settings.NASKAH_OIDC_MATCH
        if not value or field not in MATCH_FIELDS:
            return self.UserModel.objects.none()
        lookup = f"{field}__iexact" if field == "email" else field
        return self.UserModel.objects.filter(**{lookup: value}, is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            setattr(self.request, FAILURE_ATTR, "unknown")
        return user

    def create_user(self, claims):  # never called: OIDC_CREATE_USER is False
        raise SuspiciousOperation("accounts are not created from the identity provider")


class SSOLoginView(OIDCAuthenticationRequestView):
    """/sso/masuk/: redirect to the provider (404 while OIDC is off)."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if oidc_enabled():
            super().__init__(*args, **kwargs)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """/sso/callback/: the provider sends the browser back here with code and state."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # a state this session never issued
            logger.warning("OIDC callback refused: %s", exc)
            setattr(request, FAILURE_ATTR, "invalid")
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, FAILURE_ATTR, "")
        if reason == "unknown":
            text = _(
                "Your identity provider account is not linked to a Naskah account. "
                "Ask the administrator to record it in the organisation data."
            )
        else:
            text = _("Sign-in with SSO failed. Try again, or sign in with your password.")
        messages.error(self.request, text)
        return HttpResponseRedirect(reverse("login"))

"""Carries the client's IP and user agent to services (for audit events) without passing
the request through every call."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from csp.middleware import CSPMiddleware
from django.conf import settings


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None
    user_agent: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "naskah_request", default=None
)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT hops from the right of X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR") or None


def current_request_info() -> RequestInfo | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        info = RequestInfo(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        )
        token = _current.set(info)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class OfficeLanguageMiddleware:
    """Indonesian unless the user chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language and show English to
    every official whose browser is set to English; the office language is the default here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        available = {code for code, _ in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        translation.deactivate()
        return response


# --- Security headers (docs/security.md, "Headers and uploads") -----------------------------


def _is_pdf(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "application/pdf"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two adjustments per response.

    frame-ancestors follows X-Frame-Options (set by XFrameOptionsMiddleware, which runs
    before this one on the way out): 'self' for the PDF preview views that opt in with
    SAMEORIGIN, 'none' for every other page. A browser obeys frame-ancestors over
    X-Frame-Options, so one fixed value would loosen one or the other.

    A PDF response carries frame-ancestors only: browsers show PDFs with a built-in
    viewer that a document policy (object-src, default-src) can stop from loading, and a
    PDF runs no page script of ours.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        framing = response.get("X-Frame-Options", "").upper()
        ancestors = "'self'" if framing == "SAMEORIGIN" else "'none'"
        if _is_pdf(response):
            parts.config = {"frame-ancestors": [ancestors]}
            parts.update = parts.replace = None
        else:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [ancestors]}
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the app uses no camera, microphone, location,
    payment or other powerful browser feature, so none is allowed to any frame."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.NASKAH_PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on letter, incoming, archive and verification pages
    (by URL namespace, NASKAH_NO_STORE_NAMESPACES) and on every PDF response, so that a
    browser or proxy keeps no copy of a letter after the session ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        namespaces = set(match.namespaces) if match is not None else set()
        wanted = set(settings.NASKAH_NO_STORE_NAMESPACES)
        cache_control = response.get("Cache-Control", "")
        if (_is_pdf(response) or namespaces & wanted) and "no-store" not in cache_control:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("Last-Modified", None)
            response.headers.pop("ETag", None)
        return response


class SecondFactorMiddleware:
    """A signed-in session that has not passed its second factor sees only the second-factor
    pages (verify, enrol, passkey ceremonies), sign-out and the language switch; every other
    request is sent to the step it owes, with ``next`` kept (core.second_factor)."""

    # URL prefixes reachable before the second factor (besides the two step pages).
    OPEN_PREFIXES = ("/keluar/", "/i18n/", "/akun/passkey/", "/healthz", "/verifikasi/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            redirect_to = self._step_for(request)
            if redirect_to is not None:
                return redirect_to
        return self.get_response(request)

    def _step_for(self, request):
        from urllib.parse import urlencode

        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from core.second_factor import second_factor_pending

        path = request.path
        static = (settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")
        steps = {"verify": reverse("second_factor_verify"), "enrol": reverse("second_factor")}
        if path in steps.values() or path.startswith(self.OPEN_PREFIXES + static):
            return None
        step = second_factor_pending(request)
        if step is None:
            return None
        target = steps[step]
        if request.method == "GET" and path not in ("/", reverse("login")):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)


class PlainNotFoundMiddleware:
    """With DEBUG on (`make run`), Django answers a missing page with its technical 404, which
    lists every URL of the site: a user who may not see a letter must see the normal 404
    page instead. DEBUG keeps its other help (the technical 500 page, template errors).
    NASKAH_DEBUG_TECHNICAL_404=1 brings the technical page back for a developer.

    Sits after CommonMiddleware, so APPEND_SLASH still redirects `/naskah/1` to `/naskah/1/`.
    """

    def __init__(self, get_response):
        from django.core.exceptions import MiddlewareNotUsed

        if not settings.DEBUG or settings.NASKAH_DEBUG_TECHNICAL_404:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import Resolver404, resolve

        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404 as exc:
            return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404):
            return self._not_found(request, exception)
        return None

    @staticmethod
    def _not_found(request, exception):
        from django.views import defaults

        return defaults.page_not_found(request, exception)

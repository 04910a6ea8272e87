"""Carries the client's IP and user agent to services (for audit events) without passing
the request through every call."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

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

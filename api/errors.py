"""Every API error is an RFC 9457 problem details document (`application/problem+json`):
``type``, ``title``, ``status``, ``detail``, plus ``code`` (a stable machine code),
``title_id``/``title_en`` (the title in both languages) and, for invalid input, ``errors``.
``title`` and ``detail`` are in the language asked with ``Accept-Language`` (Indonesian by
default, like the pages)."""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("naskah.api")

PROBLEM_TYPE_BASE = "https://naskah.invalid/problems/"  # identifiers, not fetched
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Bad request"),
    401: _("Authentication required"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Invalid request"),
    429: _("Too many requests"),
    500: _("Server error"),
}

DEFAULT_DETAILS = {
    401: _("Send a valid bearer token in the Authorization header."),
    403: _("This token's scopes do not allow this action."),
    404: _("No such object, or it is not visible to this caller."),
    405: _("This method is not allowed on this resource."),
    429: _("The rate limit of this client was reached; retry after the given time."),
    500: _("Something went wrong on the server; the request was recorded."),
}


class ApiProblem(Exception):
    """Raised in the API layer for an error response."""

    def __init__(
        self,
        status: int,
        detail=None,
        *,
        code: str | None = None,
        errors: list | None = None,
        headers: dict | None = None,
    ):
        super().__init__(str(detail or TITLES.get(status, "")))
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
        self.headers = headers or {}


def negotiated_language(request) -> str:
    """ "id" or "en" from Accept-Language; Indonesian unless English comes first."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request is not None else ""
    best, best_q = "id", -1.0
    for part in header.split(","):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        if primary in ("id", "en") and q > best_q:
            best, best_q = primary, q
    return best


def problem_body(status: int, detail=None, *, code=None, errors=None, language="id") -> dict:
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    detail = detail if detail is not None else DEFAULT_DETAILS.get(status, title)
    with translation.override(language):
        body = {
            "type": PROBLEM_TYPE_BASE + (code or str(status)),
            "title": str(title),
            "status": status,
            "detail": str(detail),
            "code": code or str(status),
        }
    with translation.override("id"):
        body["title_id"] = str(title)
    with translation.override("en"):
        body["title_en"] = str(title)
    if errors:
        body["errors"] = errors
    return body


def problem_response(request, status: int, detail=None, *, code=None, errors=None, headers=None):
    language = negotiated_language(request)
    body = problem_body(status, detail, code=code, errors=errors, language=language)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    response.headers["Content-Language"] = language
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response

"""The API, version 1 (`/api/v1/`): one NinjaAPI, a router per resource in api/routers/.

django-ninja was chosen over Django REST framework + drf-spectacular: schemas are the
type hints (pydantic), the OpenAPI 3.1 document comes from them without a second
description layer, and it adds no serializer/viewset layer on top of the services and
selectors the pages already use (the API layer stays a thin translation)."""

from __future__ import annotations

import logging

from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from api.auth import BearerAuth
from api.errors import CONTENT_TYPE, ApiProblem, problem_response
from core.errors import ApplicationError, ConflictError, PermissionDeniedError

logger = logging.getLogger("naskah.api")

DESCRIPTION = """Naskah integration API (issue 17). Authenticate with a bearer token: an
OAuth2 client-credentials token from `POST /api/v1/oauth/token`, or a personal access
token. Every error is an RFC 9457 problem document (`application/problem+json`); lists use
an opaque `cursor`; every POST accepts an `Idempotency-Key`. See docs/api.md."""


class VendoredSwagger(DocsBase):
    """Swagger UI from static/vendor (no CDN); settings passed in a data attribute and read
    by a static init script, since the CSP allows no inline script."""

    def render_page(self, request, api, **kwargs):
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "openapi_url": self.get_openapi_url(api, kwargs),
                "bundle": static("vendor/swagger-ui-5.35.0/swagger-ui-bundle.js"),
                "css": static("vendor/swagger-ui-5.35.0/swagger-ui.css"),
            },
        )


IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Send the same key to retry safely: the first response is returned again "
    "and nothing is created twice; the same key with a different request is refused (422).",
    "schema": {"type": "string", "maxLength": 255},
}


URI_TOO_LONG = {
    "description": "The request line is longer than the HTTP server accepts (gunicorn's "
    "limit_request_line, 8190 bytes in deploy/gunicorn.conf.py; nginx's header buffers): "
    "answered by the server before the application, so not a problem document. Send "
    "fewer or shorter query parameters."
}


class NaskahAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Error responses are problem documents: say so in the contract.
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if method == "post" and operation.get("security"):
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
                operation.setdefault("responses", {})["414"] = URI_TOO_LONG
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if str(code)[0] in "45" and "application/json" in content:
                        response["content"] = {CONTENT_TYPE: content["application/json"]}
        return schema


api = NaskahAPI(
    title="Naskah API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerAuth(),
    docs=VendoredSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return problem_response(
        request, exc.status, exc.detail, code=exc.code, errors=exc.errors, headers=exc.headers
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {
            "loc": [str(x) for x in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return problem_response(request, 422, code="invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(
        request, 401, code="unauthenticated", headers={"WWW-Authenticate": "Bearer"}
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem_response(request, exc.status_code, code=str(exc.status_code))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, 404, code="not_found")


@api.exception_handler(PermissionDeniedError)
def _forbidden(request, exc: PermissionDeniedError):
    return problem_response(request, 403, exc.message, code=exc.code)


@api.exception_handler(ConflictError)
def _conflict(request, exc: ConflictError):
    return problem_response(request, 409, exc.message, code=exc.code)


@api.exception_handler(ApplicationError)
def _refused(request, exc: ApplicationError):
    return problem_response(request, 422, exc.message, code=exc.code)


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API call failed: %s %s", request.method, request.path)
    return problem_response(request, 500, code="server_error")


def _register_routers() -> None:
    from api.routers import (
        arsip,
        masuk,
        naskah,
        oauth,
        organisasi,
        pertukaran,
        referensi,
        verifikasi,
    )

    api.add_router("/oauth", oauth.router, tags=["oauth"])
    api.add_router("/", organisasi.router, tags=["organisation"])
    api.add_router("/", referensi.router, tags=["reference"])
    api.add_router("/", naskah.router, tags=["letters"])
    api.add_router("/", masuk.router, tags=["incoming"])
    api.add_router("/", arsip.router, tags=["archive"])
    api.add_router("/", verifikasi.router, tags=["verification"])
    api.add_router("/", pertukaran.router, tags=["exchange"])


_register_routers()

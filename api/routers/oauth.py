"""OAuth2 client-credentials grant (RFC 6749 section 4.4): `POST /api/v1/oauth/token`
with `grant_type=client_credentials` and the client's id and secret (HTTP Basic, or
`client_id`/`client_secret` form fields). Returns a short-lived bearer token."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from ninja import Form, Router, Schema

from api.auth import rate_limit_hit
from api.errors import ApiProblem
from api.schemas import Problem
from api.services.clients import apiclient_authenticate, token_issue_client, token_ttl

router = Router(auth=None)

TOKEN_REQUESTS_PER_MINUTE = 10


class TokenOut(Schema):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105
    expires_in: int
    scope: str


def _basic(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in raw:
        return None
    client_id, secret = raw.split(":", 1)
    return client_id, secret


@router.post(
    "/token",
    response={200: TokenOut, 400: Problem, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    summary="Get a client-credentials token",
)
def token(
    request,
    grant_type: Form[str],
    client_id: Form[str] = "",
    client_secret: Form[str] = "",
    scope: Form[str] = "",
):
    if grant_type != "client_credentials":
        raise ApiProblem(
            400,
            _("Only grant_type=client_credentials is supported."),
            code="unsupported_grant_type",
        )
    basic = _basic(request)
    if basic is not None:
        client_id, client_secret = basic
    if not client_id:
        raise ApiProblem(
            401, _("The client is not known or the secret is wrong."), code="invalid_client"
        )
    if rate_limit_hit(f"oauth:{client_id[:64]}", TOKEN_REQUESTS_PER_MINUTE) is not None:
        raise ApiProblem(429, code="rate_limited", headers={"Retry-After": 60})
    client = apiclient_authenticate(client_id, client_secret)
    if client is None:
        raise ApiProblem(
            401, _("The client is not known or the secret is wrong."), code="invalid_client"
        )
    issued = token_issue_client(client=client, scopes=scope.split() if scope else None)
    ttl = int(token_ttl().total_seconds())
    return TokenOut(access_token=issued.value, expires_in=ttl, scope=" ".join(issued.token.scopes))

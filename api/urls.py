"""/api/: version 1 (api/v1.py), its docs and contract; any other path is a problem
document. Every call is logged (logger "naskah.api": method, path, status, client, token
kind, duration). Writes are also audited, one event each (api.idempotency.write_audit);
reads are only logged, since an audit event per read would grow the hash-chained trail by
the polling of every integrated application (docs/api.md, "Audit")."""

import functools
import logging
import time

from django.urls import path, re_path

from api.errors import CONTENT_TYPE, problem_response
from api.v1 import api
from api.views import api_personal_token_revoke, api_personal_tokens, not_found

logger = logging.getLogger("naskah.api")


def _logged(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        start = time.monotonic()
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            # django-ninja answers a wrong method in plain text: a problem document too.
            allowed = response.get("Allow", "")
            response = problem_response(request, 405, code="method_not_allowed")
            response["Allow"] = allowed
        caller = getattr(request, "api_caller", None)
        logger.info(
            "api %s %s %s client=%s token=%s %.0fms",
            request.method,
            request.path,
            response.status_code,
            caller.client.client_id if caller and caller.client else "-",
            f"{caller.token.jenis}:{caller.token.pk}" if caller else "-",
            (time.monotonic() - start) * 1000,
        )
        return response

    return wrapper


def _with_log(urls):
    patterns, app_name, namespace = urls
    for pattern in patterns:
        pattern.callback = _logged(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("v1/", _with_log(api.urls)),
    # A person's own personal access tokens (a page, not part of the API).
    path("token/", api_personal_tokens, name="api_personal_tokens"),
    path("token/<int:pk>/cabut/", api_personal_token_revoke, name="api_personal_token_revoke"),
    # Anything else under /api/ is a problem document too, not the HTML 404 page.
    re_path(r"^.*$", not_found),
]

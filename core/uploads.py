"""Request size limits enforced before and while a body is read (docs/security.md).

`UploadLimitMiddleware` refuses a POST whose Content-Length is over the limit before a byte
of the body is read, and parses multipart bodies through `LimitedUploadHandler`, which
stops as soon as the bytes actually received pass the limit (a body whose length is not
known up front). Either way the answer is a 413 page; nothing is spooled to disk first.

The limit is NASKAH_UPLOAD_MAX_BYTES for the whole request, or the first matching URL
prefix in NASKAH_UPLOAD_LIMITS (the public validator has a lower one).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


REFUSED_ATTR = "_naskah_upload_refused"


def upload_limit(path: str) -> int:
    for prefix, limit in (settings.NASKAH_UPLOAD_LIMITS or {}).items():
        if path.startswith(prefix):
            return int(limit)
    return int(settings.NASKAH_UPLOAD_MAX_BYTES)


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: counts the file bytes streamed through it and stops the
    upload once they pass the request's limit: Django then closes the partial files and
    reads no more of the body (connection_reset). Passes every chunk on unchanged."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_limit(request.path_info) if request is not None else None
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            setattr(self.request, REFUSED_ATTR, self.limit)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_response(request, limit: int):
    from django.http import HttpResponse

    mb = max(1, round(limit / (1024 * 1024)))
    message = _("The upload is larger than %(mb)d MB and was refused before it was read.") % {
        "mb": mb
    }
    html = render_to_string("413.html", {"message": message}, request=None)
    # No "Connection: close" here: it is a hop-by-hop header a WSGI app may not send
    # (wsgiref refuses it); the server decides what to do with the unread rest.
    return HttpResponse(html, status=413)


class UploadLimitMiddleware:
    """Placed before anything that reads request.POST (CSRF, views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS:
            limit = upload_limit(request.path_info)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                logger.warning(
                    "request to %s refused: Content-Length %d over %d", request.path, length, limit
                )
                return too_large_response(request, limit)
            if request.content_type == "multipart/form-data":
                request.POST  # noqa: B018 - parse now, through LimitedUploadHandler
                if getattr(request, REFUSED_ATTR, None) is not None:
                    logger.warning(
                        "upload to %s refused while streaming: over %d bytes", request.path, limit
                    )
                    return too_large_response(request, limit)
        return self.get_response(request)

"""Sending stored files, and unguessable names for new ones (docs/security.md, "Stored files").

There is no public media URL. A view first applies the object's visibility rule (a refusal
is a 404), then returns `stored_file_response(...)`. How the bytes leave depends on
``NASKAH_FILE_SERVING``:

- ``django`` (default): Django streams the file (`FileResponse`);
- ``x-accel-redirect``: an empty response whose ``X-Accel-Redirect`` header names the file
  under ``NASKAH_FILE_ACCEL_REDIRECT_PREFIX``, an nginx ``internal`` location aliased to the
  media folder (docs/deployment.md has the example);
- ``x-sendfile``: an empty response whose ``X-Sendfile`` header carries the absolute path
  (Apache mod_xsendfile, lighttpd).

Every response names its Content-Type and Content-Disposition (inline, or attachment when
asked) and carries ``X-Content-Type-Options: nosniff`` and ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

from core.services.storage import storage_located, storage_new_name

SERVING_MODES = ("django", "x-accel-redirect", "x-sendfile")
ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".zip", ".csv", ".txt", ".xml", ".json"}


@deconstructible
class RandomName:
    """`upload_to` for a FileField: ``<prefix>/<year>/<month>/<random token>.<ext>``. The
    uploaded name only lends its extension (when it is a known one); the original name, if
    worth keeping, belongs in its own column."""

    def __init__(self, prefix: str, ext: str = ""):
        self.prefix = prefix
        self.ext = ext

    def __call__(self, instance, filename: str) -> str:
        ext = self.ext
        if not ext:
            dot = filename.rfind(".")
            guess = filename[dot:].lower() if dot >= 0 else ""
            ext = guess if guess in ALLOWED_EXTENSIONS else ""
        return storage_new_name(self.prefix, ext)

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and (self.prefix, self.ext) == (
            other.prefix,
            other.ext,
        )

    def __hash__(self) -> int:
        return hash((self.prefix, self.ext))


def _disposition(filename: str, attachment: bool) -> str:
    return content_disposition_header(attachment, filename) or (
        "attachment" if attachment else "inline"
    )


def stored_file_response(
    name: str,
    *,
    content_type: str,
    filename: str,
    attachment: bool = False,
) -> HttpResponse | FileResponse:
    """Send the stored file `name` (as recorded on a committed row) to a user whom the
    caller has already checked against the object's visibility rule. A missing file is a
    404. `filename` is what the browser saves it as (safely encoded)."""
    if not name:
        raise Http404("no file")
    located = storage_located(name)
    if located is None:
        raise Http404("stored file missing")
    mode = settings.NASKAH_FILE_SERVING
    response: HttpResponse | FileResponse
    if mode == "x-accel-redirect":
        prefix = settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX.rstrip("/")
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix}/{quote(located)}"
    elif mode == "x-sendfile":
        response = HttpResponse(b"", content_type=content_type)
        response["X-Sendfile"] = default_storage.path(located)
    else:
        response = FileResponse(default_storage.open(located, "rb"), content_type=content_type)
    response["Content-Disposition"] = _disposition(filename, attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = ["SERVING_MODES", "RandomName", "stored_file_response"]

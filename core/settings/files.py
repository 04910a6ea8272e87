"""Static files, stored files (local folder or S3 with Object Lock) and upload handling."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from core.settings.env import BASE_DIR, DATA_DIR, env_bool, env_int, env_secret

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# static/ without the test-only vendored files (axe-core, static/vendor/README.md).
STATICFILES_FINDERS = [
    "core.staticfiles.NaskahFileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "staticfiles"))
with contextlib.suppress(OSError):  # WhiteNoise serves it and warns when it is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise's compressed storage with hashed names (needs `collectstatic`; deploy/ sets it).
# Off (the default, development and tests): plain storage, files found in static/ directly.
NASKAH_STATIC_MANIFEST = env_bool("NASKAH_STATIC_MANIFEST", False)


def _default_storage() -> dict:
    """Where stored files go (docs/deployment.md, "Object storage"): the local MEDIA_ROOT
    (NASKAH_STORAGE=local, the default), an S3-compatible bucket (NASKAH_STORAGE=s3 and the
    NASKAH_S3_* variables), or any Django storage given whole as JSON in
    NASKAH_STORAGE_DEFAULT ({"BACKEND": ..., "OPTIONS": {...}})."""
    import json

    if os.environ.get("NASKAH_STORAGE_DEFAULT"):
        return json.loads(os.environ["NASKAH_STORAGE_DEFAULT"])
    kind = os.environ.get("NASKAH_STORAGE", "local").strip().lower()
    if kind in ("", "local"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"NASKAH_STORAGE is {kind!r}; use local or s3")
    bucket = os.environ.get("NASKAH_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("NASKAH_STORAGE=s3 needs NASKAH_S3_BUCKET")
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("NASKAH_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("NASKAH_S3_REGION") or None,
        "access_key": env_secret("NASKAH_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_secret("NASKAH_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("NASKAH_S3_ADDRESSING_STYLE") or None,
        "location": os.environ.get("NASKAH_S3_PREFIX", "").strip("/"),
        "verify": False if env_bool("NASKAH_S3_INSECURE_TLS") else None,
        # Files leave only through views that check visibility (core/files.py): no ACL,
        # no public URL.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # Retention Naskah sets on every stored file (bucket created with Object Lock).
        "object_lock_mode": os.environ.get("NASKAH_S3_OBJECT_LOCK_MODE", "").strip().upper(),
        "object_lock_days": env_int("NASKAH_S3_OBJECT_LOCK_DAYS", 0),
    }
    if options["object_lock_mode"] not in ("", "GOVERNANCE", "COMPLIANCE"):
        raise ImproperlyConfigured("NASKAH_S3_OBJECT_LOCK_MODE is GOVERNANCE or COMPLIANCE")
    return {"BACKEND": "core.storage_s3.NaskahS3Storage", "OPTIONS": options}


# The bucket applies a default Object Lock retention itself: silences naskah.W034.
NASKAH_S3_BUCKET_RETENTION = env_bool("NASKAH_S3_BUCKET_RETENTION", False)
STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": "core.staticfiles.NaskahStaticFilesStorage"
        if NASKAH_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Far-future caching only for hashed names; the rest revalidates after a minute.
WHITENOISE_MAX_AGE = 60
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Stored files are only sent by views that check the object's visibility rule (core/files.py);
# MEDIA_URL is never served. How the bytes leave: "django", "x-accel-redirect" (nginx, an
# internal location at NASKAH_FILE_ACCEL_REDIRECT_PREFIX aliased to MEDIA_ROOT) or
# "x-sendfile" (Apache mod_xsendfile).
NASKAH_FILE_SERVING = os.environ.get("NASKAH_FILE_SERVING", "django").strip().lower()
NASKAH_FILE_ACCEL_REDIRECT_PREFIX = os.environ.get(
    "NASKAH_FILE_ACCEL_REDIRECT_PREFIX", "/_berkas_internal/"
)
# A pending file (written by a transaction, published on commit) with no committed row after
# this many minutes belongs to a transaction that never committed: storage_sweep deletes it.
NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES = env_int("NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler stops a multipart upload once it passes the request's limit.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

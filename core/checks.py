"""System checks that refuse configuration known to lose data or leak letters."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(Tags.security, deploy=False)
def check_debug_exposure(app_configs, **kwargs):
    public = [h for h in settings.ALLOWED_HOSTS if h not in LOOPBACK]
    if settings.DEBUG and public:
        return [
            Error(
                "DEBUG is on while the site answers for non-local hosts "
                f"({', '.join(public)}): error pages would show letters and settings.",
                hint="Unset DEBUG in production.",
                id="naskah.E001",
            )
        ]
    return []


@register(Tags.database)
def check_task_queue(app_configs, **kwargs):
    errors = []
    q = settings.Q_CLUSTER
    if "redis" in q or q.get("broker_class"):
        errors.append(
            Error(
                "django-q2 must use the ORM broker: the Redis broker loses a task whose worker "
                "dies (at-most-once delivery).",
                hint="Remove 'redis'/'broker_class' from Q_CLUSTER; REDIS_URL is for the cache.",
                id="naskah.E002",
            )
        )
    clusters = {q.get("name", "default"): q}
    for name, alt in (q.get("ALT_CLUSTERS") or {}).items():
        clusters[name] = {**q, **(alt or {})}  # as django-q2 merges them
    for name, conf in clusters.items():
        if conf.get("retry", 0) <= conf.get("timeout", 0):
            errors.append(
                Error(
                    f"Q_CLUSTER retry must be larger than timeout (cluster {name}), or long "
                    "tasks run twice at once.",
                    id="naskah.E003",
                )
            )
    if not q.get("max_attempts"):
        errors.append(
            Error(
                "Q_CLUSTER max_attempts must be finite (0 retries a failing task forever).",
                id="naskah.E004",
            )
        )
    return errors


@register(Tags.database)
def check_sqlite_locking(app_configs, **kwargs):
    db = settings.DATABASES["default"]
    is_sqlite = db["ENGINE"] == "django.db.backends.sqlite3"
    if is_sqlite and db.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
        return [
            Error(
                "SQLite must run with transaction_mode IMMEDIATE: otherwise concurrent "
                "number allocations fail with 'database is locked'.",
                id="naskah.E005",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_production_database(app_configs, **kwargs):
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not settings.DEBUG:
        if settings.NASKAH_ALLOW_SQLITE_IN_PRODUCTION:
            return []
        return [
            Warning(
                "Production runs on SQLite: fine for one small office, but PostgreSQL is needed "
                "for several web hosts, row-locked numbering and Indonesian full-text search.",
                hint="Set DATABASE_URL=postgres://... (or NASKAH_ALLOW_SQLITE_IN_PRODUCTION=1).",
                id="naskah.W001",
            )
        ]
    return []


@register(Tags.compatibility)
def check_time_zone(app_configs, **kwargs):
    if settings.TIME_ZONE == "UTC":
        return [
            Warning(
                "TIME_ZONE is UTC: letter dates and numbering years follow the office's zone.",
                hint="Set TIME_ZONE=Asia/Jakarta (WIB), Asia/Makassar or Asia/Jayapura.",
                id="naskah.W002",
            )
        ]
    return []


@register(Tags.security)
def check_file_serving(app_configs, **kwargs):
    from core.files import SERVING_MODES

    mode = settings.NASKAH_FILE_SERVING
    if mode not in SERVING_MODES:
        return [
            Error(
                f"NASKAH_FILE_SERVING is {mode!r}.",
                hint=f"Use one of: {', '.join(SERVING_MODES)}.",
                id="naskah.E030",
            )
        ]
    prefix = settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX
    if mode == "x-accel-redirect" and not prefix.startswith("/"):
        return [
            Error(
                "NASKAH_FILE_ACCEL_REDIRECT_PREFIX must be an absolute path: the nginx "
                "internal location that aliases MEDIA_ROOT.",
                id="naskah.E031",
            )
        ]
    if mode != "django":
        from django.core.files.storage import default_storage

        try:
            default_storage.path("x")
        except NotImplementedError:
            return [
                Error(
                    f"NASKAH_FILE_SERVING={mode} needs files on a local file system; the "
                    "default storage has no paths.",
                    hint="Use NASKAH_FILE_SERVING=django with object storage.",
                    id="naskah.E032",
                )
            ]
    return []


@register(Tags.security, deploy=True)
def check_object_lock(app_configs, **kwargs):
    """Stored files on S3 without Object Lock retention set by Naskah: whoever holds the
    application's key can delete a sealed letter (docs/deployment.md, "Object storage")."""
    storage = settings.STORAGES.get("default", {})
    if storage.get("BACKEND") != "core.storage_s3.NaskahS3Storage":
        return []
    options = storage.get("OPTIONS", {})
    if options.get("object_lock_mode") and int(options.get("object_lock_days") or 0) > 0:
        return []
    if settings.NASKAH_S3_BUCKET_RETENTION:
        return []  # the bucket's default retention locks every object
    return [
        Warning(
            "Stored files are in an S3 bucket, but NASKAH_S3_OBJECT_LOCK_MODE and "
            "NASKAH_S3_OBJECT_LOCK_DAYS are not set: sealed letters are protected only by "
            "the bucket's own settings.",
            hint="Enable Object Lock on the bucket and set both (docs/deployment.md, "
            '"Object storage"); with a default retention on the bucket instead, silence '
            "naskah.W034.",
            id="naskah.W034",
        )
    ]


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs):
    """QR codes and e-mailed links must reach the site from a phone outside this machine's
    network: NASKAH_PUBLIC_BASE_URL set, and not loopback, private or link-local."""
    from core.baseurl import base_url_problem

    url = settings.NASKAH_PUBLIC_BASE_URL
    configured = settings.NASKAH_PUBLIC_BASE_URL_SET
    problem = base_url_problem(url) if configured else "it is not set"
    if problem:
        return [
            Error(
                f"NASKAH_PUBLIC_BASE_URL cannot be reached by those who scan the QR code on a "
                f"signed letter or open an e-mailed link: {problem} ({url or 'empty'}).",
                hint="Set NASKAH_PUBLIC_BASE_URL=https://<the site's public host name>.",
                id="naskah.E033",
            )
        ]
    if not url.startswith("https://"):
        return [
            Warning(
                "NASKAH_PUBLIC_BASE_URL is not https: verification pages opened from QR codes "
                "travel unencrypted.",
                id="naskah.W030",
            )
        ]
    return []


@register(Tags.security)
def check_oidc(app_configs, **kwargs):
    """Sign-in by OpenID Connect half configured (docs/security.md)."""
    if not settings.NASKAH_OIDC_ENABLED:
        return []
    errors = []
    if not settings.OIDC_RP_CLIENT_SECRET:
        errors.append(
            Error(
                "NASKAH_OIDC_CLIENT_ID is set but the client secret is empty.",
                hint="Set NASKAH_OIDC_CLIENT_SECRET or NASKAH_OIDC_CLIENT_SECRET_FILE.",
                id="naskah.E020",
            )
        )
    if not settings.NASKAH_OIDC_ISSUER:
        errors.append(
            Error(
                "NASKAH_OIDC_ISSUER is empty: ID tokens from any issuer would be accepted.",
                hint="Set it to the 'issuer' of the provider's openid-configuration.",
                id="naskah.E021",
            )
        )
    if settings.NASKAH_OIDC_MATCH not in ("nip", "username", "email"):
        errors.append(
            Error(
                "NASKAH_OIDC_MATCH must be nip, username or email.",
                id="naskah.E022",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_secret_key_source(app_configs, **kwargs):
    """A SECRET_KEY generated into the data folder is fine for one development machine; in
    production every host would make its own, so sessions, signed links and the local CA's
    sealed key differ from host to host without any error."""
    if settings.SECRET_KEY_SOURCE == "generated" and not settings.DEBUG:  # noqa: S105 - where it came from
        return [
            Error(
                "SECRET_KEY was generated into the data folder: each host (and each new data "
                "folder) gets a different key, so sessions and signed values break between "
                "hosts and after a move.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE, the same on every host "
                "(docs/deployment.md).",
                id="naskah.E008",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_audit_key(app_configs, **kwargs):
    """The audit chain's key must live outside the database and its data folder, or
    whoever copies the data folder can rewrite the chain undetected."""
    source = settings.NASKAH_AUDIT_KEY_SOURCE
    if source == "file" and not settings.NASKAH_AUDIT_KEY:
        return [
            Error(
                f"The audit key file {settings.NASKAH_AUDIT_KEY_FILE} is missing or empty: "
                "audit events cannot be sealed.",
                hint="Create it (e.g. `openssl rand -base64 48`), readable only by Naskah.",
                id="naskah.E007",
            )
        ]
    if source == "generated" and not settings.DEBUG:
        return [
            Error(
                "The audit chain's key was generated into the data folder: keep it outside "
                "the database host's data and backups.",
                hint="Set NASKAH_AUDIT_KEY_FILE (docs/deployment.md).",
                id="naskah.E006",
            )
        ]
    return []

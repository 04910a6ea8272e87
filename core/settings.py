"""Django settings for Naskah.

Every setting the code reads is declared here, from an environment variable with a safe
default (docs/deployment.md lists them all; tests/core/test_settings_documented.py keeps
that list whole; .env.example is a template). Structured values are JSON. Every secret also
reads from a file: NAME_FILE=/run/secrets/name (a container or systemd credential).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.baseurl import dev_base_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_json(name: str, default):
    """A structured setting given as JSON (an object or a list); unset or empty: default."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc


def env_secret_source(name: str) -> tuple[str, str]:
    """A secret and where it came from: NAME from the environment ("environment"), else the
    content of the file named by NAME_FILE ("file"; a container or systemd credential),
    stripped of its trailing newline, else "" ("unset"). A NAME_FILE that cannot be read
    stops start-up."""
    if os.environ.get(name):
        return os.environ[name], "environment"
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return "", "unset"
    try:
        return Path(path).read_text().strip(), "file"
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc


def env_secret(name: str, default: str = "") -> str:
    """NAME, else the content of NAME_FILE (env_secret_source), else default."""
    return env_secret_source(name)[0] or default


DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> tuple[str, str]:
    """SECRET_KEY and where it came from: SECRET_KEY or SECRET_KEY_FILE, else generated once
    and kept in the data folder (development; the `naskah.E008` deploy check refuses that
    with DEBUG off: several hosts would each generate their own)."""
    key, source = env_secret_source("SECRET_KEY")
    if source == "file" and not key:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE={os.environ['SECRET_KEY_FILE']} is empty.")
    if key:
        return key, source
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip(), "generated"


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()


def _audit_key() -> tuple[bytes, str]:
    """The audit chain's HMAC key and where it came from: NASKAH_AUDIT_KEY,
    NASKAH_AUDIT_KEY_FILE (kept outside the database and its backups), else a key made once
    in the data folder for development (the `naskah.E006` deploy check refuses that with
    DEBUG off). A configured file that is missing gives an empty key: sealing then refuses
    to run and the check names the file."""
    if os.environ.get("NASKAH_AUDIT_KEY"):
        return os.environ["NASKAH_AUDIT_KEY"].encode(), "environment"
    if os.environ.get("NASKAH_AUDIT_KEY_FILE"):
        path = Path(os.environ["NASKAH_AUDIT_KEY_FILE"])
        return (path.read_bytes().strip() if path.is_file() else b""), "file"
    key_file = DATA_DIR / "audit_key"
    if not key_file.exists():
        # Written whole under a temporary name, then linked into place: a process starting
        # at the same moment either finds the complete file or loses the race harmlessly.
        fd = os.open(tmp := DATA_DIR / f".audit_key.{os.getpid()}", os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return key_file.read_bytes().strip(), "generated"


NASKAH_AUDIT_KEY, NASKAH_AUDIT_KEY_SOURCE = _audit_key()
NASKAH_AUDIT_KEY_FILE = os.environ.get("NASKAH_AUDIT_KEY_FILE", "")
# Checkpoints of the chain head, signed with an Ed25519 key and written outside the
# database (docs/security.md "Audit trail"). The key file is made on first use when absent.
NASKAH_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("NASKAH_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
)
NASKAH_AUDIT_CHECKPOINT_KEY_FILE = Path(
    os.environ.get("NASKAH_AUDIT_CHECKPOINT_KEY_FILE", DATA_DIR / "audit_checkpoint_key.pem")
)
NASKAH_AUDIT_CHECKPOINT_MINUTES = env_int("NASKAH_AUDIT_CHECKPOINT_MINUTES", 60)
# An unsealed event younger than this is a commit whose seal is still on its way.
NASKAH_AUDIT_SEAL_GRACE_SECONDS = env_int("NASKAH_AUDIT_SEAL_GRACE_SECONDS", 300)
DEBUG = env_bool("DEBUG", False)
# With DEBUG on, show Django's technical 404 (every URL of the site) instead of the normal
# 404 page: for a developer only, never for the demo (core.middleware.PlainNotFoundMiddleware).
NASKAH_DEBUG_TECHNICAL_404 = env_bool("NASKAH_DEBUG_TECHNICAL_404", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_q",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "core",
    "workflows",
    "signing",
    "penomoran",
    "naskah",
    "naskah.masuk",
    "arsip",
    "api",
    "pertukaran",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (compressed, hashed names with NASKAH_STATIC_MANIFEST).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request id, JSON log context and request latency by view (core/observability.py).
    "core.observability.ObservabilityMiddleware",
    # Before XFrameOptionsMiddleware in this list, so it sees X-Frame-Options on the way out.
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.OfficeLanguageMiddleware",
    # Before CsrfViewMiddleware: refuses an oversized body before anything reads it.
    "core.uploads.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    # DEBUG only: the normal 404 page instead of Django's technical one (lists every URL).
    "core.middleware.PlainNotFoundMiddleware",
    # The session's unlocked paraf key for this request (signing/paraf.py).
    "signing.paraf.ParafKeyMiddleware",
    # Any signed-in session (password, OIDC or another backend) passes the second factor
    # before it reaches a page (docs/security.md, "Sign-in").
    "core.middleware.SecondFactorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.naskah_site",
                "naskah.context_processors.naskah_nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Default: one SQLite file in the data folder, WAL mode, IMMEDIATE transactions so that
# concurrent writers wait for the lock instead of failing with "database is locked".
# DATABASE_URL_FILE: the URL (with its password) from a file.
DATABASE_URL = env_secret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'naskah.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # The test database is a file in the data folder (one per xdist worker), like
    # production, not Django's default shared-cache in-memory database: in memory, SQLite
    # locks whole tables between connections and fails at once ("database table is locked")
    # instead of waiting, so a page read while a background thread writes (the live-server
    # tests of batch signing) failed where a WAL file lets the reader read.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-naskah.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.Pegawai"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect sign-in (core/oidc.py): inert unless NASKAH_OIDC_* is configured
    "core.oidc.NaskahOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.password_validation.OrganisationWordsValidator"},
    # Not a rule: reseals the person's paraf key with the new password (signing/paraf.py).
    {"NAME": "signing.paraf.ParafKeyRewrap"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Cache: local memory by default, Redis when REDIS_URL is given (cache only) -------------
REDIS_URL = env_secret("REDIS_URL")  # may carry a password: REDIS_URL_FILE
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # A file cache is shared by every process on the host (web server and worker), so a
    # preview rendered by one request can be fetched by the next.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Background jobs: django-q2 with the ORM broker (at-least-once) ----------------------
# The Redis broker loses a task whose worker dies (docs/architecture.md); the ORM broker
# hands it out again after `retry` seconds, so every task is idempotent.
Q_TIMEOUT = env_int("Q_TIMEOUT", 300)
# Three queues, one cluster each (core/services/queue.py; scripts/run_dev.py starts all):
# the main one, OCR (`Q_CLUSTER_NAME=lambat manage.py qcluster`) and what is sent out to
# people and partner offices, e-mail and deliveries (`Q_CLUSTER_NAME=surel`), so a burst of
# OCR never holds up a notice. An empty name puts that work in the main queue.
Q_SLOW_CLUSTER = os.environ.get("Q_SLOW_CLUSTER", "lambat")
Q_MAIL_CLUSTER = os.environ.get("Q_MAIL_CLUSTER", "surel")
# Sending is short (EMAIL_TIMEOUT, NASKAH_PERTUKARAN_TIMEOUT per call): a stuck send is
# stopped, and a dead worker's message handed out again, sooner than an OCR run's.
Q_MAIL_TIMEOUT = env_int("Q_MAIL_TIMEOUT", min(Q_TIMEOUT, 120))
_ALT_CLUSTERS = {}
if Q_SLOW_CLUSTER:
    _ALT_CLUSTERS[Q_SLOW_CLUSTER] = {"workers": env_int("Q_SLOW_WORKERS", 1)}
if Q_MAIL_CLUSTER and Q_MAIL_CLUSTER != Q_SLOW_CLUSTER:
    _ALT_CLUSTERS[Q_MAIL_CLUSTER] = {
        "workers": env_int("Q_MAIL_WORKERS", 1),
        "timeout": Q_MAIL_TIMEOUT,
        "retry": env_int("Q_MAIL_RETRY", Q_MAIL_TIMEOUT + 60),
    }
Q_CLUSTER: dict[str, Any] = {
    "name": "naskah",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": Q_TIMEOUT,
    "retry": env_int("Q_RETRY", Q_TIMEOUT + 60),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "ack_failures": False,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Tugas latar belakang",
    "sync": env_bool("Q_SYNC", False),
    # django-q2 reads ALT_CLUSTERS whenever Q_CLUSTER_NAME names another cluster.
    "ALT_CLUSTERS": _ALT_CLUSTERS,
}
# Attempts recorded on their objects (core.services.attempts): how many tries, and the
# first wait before a retry (doubled after each failed try, at most an hour).
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_BACKOFF = env_int("TASK_RETRY_BACKOFF", 60)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per purpose (core/formats): long dates for documents, "d-m-Y H:i" in lists.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

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

# --- E-mail ---------------------------------------------------------------------------------
# Embedded default: e-mails are written as files into DATA_DIR/mail for inspection.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a hanging mail server counts as a failed attempt (retried later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "naskah@localhost")

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Number of trusted reverse proxies in front of the app; the client IP recorded in audit
# events is taken that many hops from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"  # the PDF preview view opts in with xframe_options_sameorigin
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; docs/security.md). No inline script and no eval:
# every script is a file under /static/. Style attributes are allowed (style-src-attr) for
# the few computed widths in templates; <style> elements and stylesheets only from self.
# frame-ancestors is set per response by core.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("NASKAH_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, {}
NASKAH_PERMISSIONS_POLICY = os.environ.get(
    "NASKAH_PERMISSIONS_POLICY",
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()",
)
# Pages of these URL namespaces, and every PDF, are sent with Cache-Control: no-store.
NASKAH_NO_STORE_NAMESPACES = env_list("NASKAH_NO_STORE_NAMESPACES", "naskah,masuk,arsip,verifikasi")
# --- Sign-in: lockout (django-axes) and the second factor (django-otp) -----------------------
# docs/security.md, "Sign-in". Failures are counted in the database (shared by every host),
# separately by account and by client address; either reaching the limit locks it out.
AXES_FAILURE_LIMIT = env_int("NASKAH_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("NASKAH_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = env_list("NASKAH_LOGIN_LOCKOUT_PARAMETERS", "username,ip_address")
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "core.views.signin.signin_locked_out"
AXES_VERBOSE = False
# Who must have a second factor besides administrators (is_staff/superuser) and signers
# (decided by the signing app through core.hooks): members of these groups.
NASKAH_SECOND_FACTOR_GROUPS = env_list("NASKAH_SECOND_FACTOR_GROUPS", "Petugas Pendaftaran")
OTP_TOTP_ISSUER = os.environ.get("NASKAH_TOTP_ISSUER", "Naskah")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys (django-otp-webauthn) as a second factor only, never a password replacement.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = os.environ.get("NASKAH_WEBAUTHN_RP_NAME", "Naskah")
# Password rules: words of the organisation that a password may not contain (besides the
# region and government names above and the username).
NASKAH_PASSWORD_FORBIDDEN_WORDS = env_list(
    "NASKAH_PASSWORD_FORBIDDEN_WORDS",
    "lampung,pemprov,provinsi,naskah,diskominfo,diskominfotik,pemerintah,lampungprov",
)

# --- Guardian: explicit grants only, never model-wide rights on letters ---------------------
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# --- Naskah: region and office settings (data that differs between regions) -----------------
NASKAH_NAMA_PEMERINTAH = os.environ.get("NASKAH_NAMA_PEMERINTAH", "PEMERINTAH PROVINSI LAMPUNG")
NASKAH_NAMA_DAERAH = os.environ.get("NASKAH_NAMA_DAERAH", "Provinsi Lampung")
NASKAH_JABATAN_KEPALA_DAERAH = os.environ.get("NASKAH_JABATAN_KEPALA_DAERAH", "GUBERNUR LAMPUNG")
NASKAH_KOTA = os.environ.get("NASKAH_KOTA", "Bandar Lampung")
# QR codes and e-mailed links. Unset: the development server's own address (HOST, PORT
# as `make run` passes them; core/baseurl.py). `check --deploy` refuses that.
NASKAH_PUBLIC_BASE_URL = os.environ.get("NASKAH_PUBLIC_BASE_URL") or dev_base_url(
    os.environ.get("HOST"), os.environ.get("PORT")
)
# Plt term limits (BKN SE 2/SE/VII/2019: 3 months, extendable once by 3 months).
NASKAH_PLT_MAX_MONTHS = env_int("NASKAH_PLT_MAX_MONTHS", 3)
NASKAH_PLT_MAX_EXTENSIONS = env_int("NASKAH_PLT_MAX_EXTENSIONS", 1)
# Plh is for temporary absence; the longest a single Plh assignment may run.
NASKAH_PLH_MAX_DAYS = env_int("NASKAH_PLH_MAX_DAYS", 90)
# The legal bureau: initials every letter of a type marked "the legal bureau initials"
# (domain.md 5.2, paraf koordinasi). A unit code.
NASKAH_UNIT_BIRO_HUKUM = os.environ.get("NASKAH_UNIT_BIRO_HUKUM", "BIRO-HUKUM")
# The group of unit administrators (naskah/permissions.py).
NASKAH_ADMIN_UNIT_GROUP = os.environ.get("NASKAH_ADMIN_UNIT_GROUP", "Administrator Unit")

# --- Office calendar and deadlines (workflows/office_calendar.py; docs/workflows.md) ------------
# Office hours as JSON {weekday (0 = Monday): ["HH:MM", "HH:MM"]}; days not listed are not
# working days. Unset: Pergub Lampung 44/2025 (Mon-Thu 07.30-16.00, Fri 07.30-16.30).
NASKAH_JAM_KERJA = env_json("NASKAH_JAM_KERJA", None)
# Processing deadlines by urgency in hours, JSON {urgency: hours} over the defaults of
# core/vocabulary.py (domain.md 4.2; UNVERIFIED), and the urgencies whose hours count as
# working days (JSON list; unset: ["biasa"]).
NASKAH_SLA_JAM = env_json("NASKAH_SLA_JAM", {})
NASKAH_SLA_HARI_KERJA = env_json("NASKAH_SLA_HARI_KERJA", None)
# Reminders: a step is reminded when this share of its time is left; how often the
# reminder schedule runs (workflows/schedules.py).
NASKAH_PENGINGAT_SISA = env_float("NASKAH_PENGINGAT_SISA", 0.25)
NASKAH_PENGINGAT_INTERVAL_MENIT = env_int("NASKAH_PENGINGAT_INTERVAL_MENIT", 15)
# The most sequential initials a proposed route keeps (workflows/proposal.py).
NASKAH_MAX_PARAF = env_int("NASKAH_MAX_PARAF", 3)

# Letters between instances (pertukaran/, docs/api.md): this instance's agency code in the
# packages it sends, the timeout of a delivery call, the largest package accepted, and
# plain http to a loopback address (development and the two-instance test only).
NASKAH_INSTANSI_KODE = os.environ.get("NASKAH_INSTANSI_KODE", "naskah")
NASKAH_PERTUKARAN_TIMEOUT = env_int("NASKAH_PERTUKARAN_TIMEOUT", 30)
NASKAH_PERTUKARAN_MAX_BYTES = env_int("NASKAH_PERTUKARAN_MAX_BYTES", 60 * 1024 * 1024)
NASKAH_PERTUKARAN_ALLOW_LOOPBACK = env_bool("NASKAH_PERTUKARAN_ALLOW_LOOPBACK", False)

# Administrator-installed TrueType fonts for the renderer (naskah/rendering/fonts.py):
# NASKAH_FONT_ARIAL_REGULAR, _BOLD, _ITALIC, _BOLDITALIC (Pasal 32 names Arial) and the same
# for NASKAH_FONT_BOOKMAN_* (Bookman Old Style). Unset: the shipped metric-compatible fonts.
NASKAH_FONTS = {
    family: {
        style: os.environ.get(f"NASKAH_FONT_{family.upper()}_{suffix}", "")
        for style, suffix in (
            ("regular", "REGULAR"),
            ("bold", "BOLD"),
            ("italic", "ITALIC"),
            ("bold_italic", "BOLDITALIC"),
        )
    }
    for family in ("arial", "bookman")
}

# Logs: "plain" lines, or "json" (one object per line with the request id; docs/operations.md).
NASKAH_LOG_FORMAT = os.environ.get("NASKAH_LOG_FORMAT", "plain").strip().lower()
if NASKAH_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("NASKAH_LOG_FORMAT must be 'plain' or 'json'.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": NASKAH_LOG_FORMAT,
            "filters": ["request_id"],
            # `make run` keeps library INFO lines (fontTools, OCR, queue) off the terminal:
            # NASKAH_CONSOLE_LOG_LEVEL=WARNING, with everything in NASKAH_LOG_FILE.
            "level": os.environ.get("NASKAH_CONSOLE_LOG_LEVEL", "NOTSET").upper(),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
# Every log line also goes to this file when set (`make run`: DATA_DIR/logs/naskah.log).
NASKAH_LOG_FILE = os.environ.get("NASKAH_LOG_FILE", "")
if NASKAH_LOG_FILE:
    Path(NASKAH_LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": NASKAH_LOG_FILE,
        "formatter": NASKAH_LOG_FORMAT,
        "filters": ["request_id"],
    }
    LOGGING["root"]["handlers"].append("file")
    # The development server's request lines: in the file; 4xx/5xx also on the console.
    LOGGING["loggers"]["django.server"] = {
        "handlers": ["console", "file"],
        "level": "INFO",
        "propagate": False,
    }

# /metrics (Prometheus): answered to these client addresses or networks, or to anyone with
# `Authorization: Bearer NASKAH_METRICS_TOKEN`. /readyz fails when the oldest task of a
# queue is older than NASKAH_READY_QUEUE_MAX_AGE_SECONDS, of the mail queue (notices,
# e-mail: people wait for them) older than NASKAH_READY_MAIL_QUEUE_MAX_AGE_SECONDS.
NASKAH_METRICS_ALLOWED_IPS = env_list("NASKAH_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
NASKAH_METRICS_TOKEN = env_secret("NASKAH_METRICS_TOKEN")
NASKAH_READY_QUEUE_MAX_AGE_SECONDS = env_int("NASKAH_READY_QUEUE_MAX_AGE_SECONDS", 900)
NASKAH_READY_MAIL_QUEUE_MAX_AGE_SECONDS = env_int("NASKAH_READY_MAIL_QUEUE_MAX_AGE_SECONDS", 300)

# Whether NASKAH_PUBLIC_BASE_URL was configured (the deploy check refuses the derived one).
NASKAH_PUBLIC_BASE_URL_SET = bool(os.environ.get("NASKAH_PUBLIC_BASE_URL"))


def _webauthn_defaults() -> tuple[str, list[str]]:
    """The relying party is the public address's host (an IP address is not a valid one:
    the demo at 127.0.0.1 offers passkeys at http://localhost:PORT instead)."""
    from urllib.parse import urlsplit

    base = urlsplit(NASKAH_PUBLIC_BASE_URL)
    host = base.hostname or "localhost"
    if host.replace(".", "").isdigit() or ":" in host:
        host = "localhost"
    origin = f"{base.scheme}://{host}" + (f":{base.port}" if base.port else "")
    return host, [origin]


OTP_WEBAUTHN_RP_ID = os.environ.get("NASKAH_WEBAUTHN_RP_ID") or _webauthn_defaults()[0]
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("NASKAH_WEBAUTHN_ORIGINS") or _webauthn_defaults()[1]

# Largest emergency block of numbers issued before an outage (penomoran/blok.py).
NASKAH_NOMOR_BLOCK_MAX = env_int("NASKAH_NOMOR_BLOCK_MAX", 100)

NASKAH_ALLOW_SQLITE_IN_PRODUCTION = env_bool("NASKAH_ALLOW_SQLITE_IN_PRODUCTION", False)

# --- Signing (signing/; docs/signing.md) --------------------------------------------------------
NASKAH_SIGNING_BACKEND = os.environ.get("NASKAH_SIGNING_BACKEND", "local")
NASKAH_SIGNING_CA_SECRET = env_secret("NASKAH_SIGNING_CA_SECRET")
NASKAH_SIGNING_CERT_VALIDITY_DAYS = env_int("NASKAH_SIGNING_CERT_VALIDITY_DAYS", 730)
# Batch signing: a run silent this long (no letter claimed) lost its process; the batch is
# shown interrupted and can be continued (naskah/services/signing_batch.py).
NASKAH_TTE_BATCH_LEASE_SECONDS = env_int("NASKAH_TTE_BATCH_LEASE_SECONDS", 60)
# The Django group whose members approve signing-certificate requests: registration officers
# (keep it in NASKAH_SECOND_FACTOR_GROUPS so they pass a second factor).
NASKAH_REGISTRATION_OFFICER_GROUP = os.environ.get(
    "NASKAH_REGISTRATION_OFFICER_GROUP", "Petugas Pendaftaran"
)
NASKAH_TSA_URL = os.environ.get("NASKAH_TSA_URL", "")
# The TSA's HTTP basic credentials, if it asks for them, and the timeout of one request (s).
NASKAH_TSA_USERNAME = os.environ.get("NASKAH_TSA_USERNAME", "")
NASKAH_TSA_PASSWORD = env_secret("NASKAH_TSA_PASSWORD")
NASKAH_TSA_TIMEOUT = env_float("NASKAH_TSA_TIMEOUT", 10)
# The local CA (signing/ca_lifecycle.py): its name (empty: "Naskah CA <government>") and the
# lifetime of its certificate.
NASKAH_SIGNING_CA_NAME = os.environ.get("NASKAH_SIGNING_CA_NAME", "")
NASKAH_SIGNING_CA_VALIDITY_DAYS = env_int("NASKAH_SIGNING_CA_VALIDITY_DAYS", 20 * 365)
# Passphrase guessing (signing/throttle.py): wrong tries before a wait, the wait in seconds;
# the shortest signing passphrase accepted.
NASKAH_SIGNING_MAX_FAILED_ATTEMPTS = env_int("NASKAH_SIGNING_MAX_FAILED_ATTEMPTS", 5)
NASKAH_SIGNING_LOCKOUT_SECONDS = env_int("NASKAH_SIGNING_LOCKOUT_SECONDS", 15 * 60)
NASKAH_SIGNING_PASSPHRASE_MIN_LENGTH = env_int("NASKAH_SIGNING_PASSPHRASE_MIN_LENGTH", 8)
# The signing passphrase of the demo accounts (seed_demo; empty: naskah/demo.py's published one).
NASKAH_DEMO_TTE_PASSPHRASE = env_secret("NASKAH_DEMO_TTE_PASSPHRASE")
# PAdES level of new signatures: B-B, B-T, B-LT or B-LTA (recommended with a TSA). Unset:
# B-T with a TSA, else B-B (docs/signing.md).
NASKAH_PADES_LEVEL = os.environ.get("NASKAH_PADES_LEVEL", "")
# Archive timestamps (arsip/services/lta.py): renew this many days before the last one's
# TSA certificate expires; fetch other CAs' revocation data (BSrE OCSP) over the network.
NASKAH_LTA_RENEW_DAYS = env_int("NASKAH_LTA_RENEW_DAYS", 90)
NASKAH_LTV_ALLOW_FETCHING = env_bool("NASKAH_LTV_ALLOW_FETCHING", False)
# Local CA revocation data (signing/pki.py): CRL lifetime and refresh margin, OCSP lifetime.
NASKAH_CRL_VALIDITY_HOURS = env_int("NASKAH_CRL_VALIDITY_HOURS", 24)
NASKAH_CRL_REFRESH_HOURS = env_int("NASKAH_CRL_REFRESH_HOURS", 6)
NASKAH_OCSP_VALIDITY_MINUTES = env_int("NASKAH_OCSP_VALIDITY_MINUTES", 60)
# Lifetime of the OCSP responder's own certificate (never past the CA's).
NASKAH_OCSP_RESPONDER_VALIDITY_DAYS = env_int("NASKAH_OCSP_RESPONDER_VALIDITY_DAYS", 365)
# Bytes reserved in a PDF for the signature (0: pyHanko's estimate).
NASKAH_SIGNING_BYTES_RESERVED = env_int("NASKAH_SIGNING_BYTES_RESERVED", 0) or None
NASKAH_TRUST_ROOTS = env_list("NASKAH_TRUST_ROOTS")
# CA key lifecycle (signing/ca_keys.py, signing/ca_lifecycle.py, signing/renewal.py): where
# the CA key lives ("database": sealed with the CA secret; "pkcs11": in a token, never
# leaving it), the token, its user PIN (env or *_FILE), and the renewal notice lead time.
NASKAH_CA_KEY_BACKEND = os.environ.get("NASKAH_CA_KEY_BACKEND", "database")
NASKAH_CA_PKCS11_MODULE = os.environ.get("NASKAH_CA_PKCS11_MODULE", "")
NASKAH_CA_PKCS11_TOKEN = os.environ.get("NASKAH_CA_PKCS11_TOKEN", "")
NASKAH_CA_PKCS11_PIN = env_secret("NASKAH_CA_PKCS11_PIN")
NASKAH_SIGNING_RENEWAL_NOTICE_DAYS = env_int("NASKAH_SIGNING_RENEWAL_NOTICE_DAYS", 30)
# Cryptographic paraf (docs/paraf.md): refuse a paraf, return or correction when the
# official's paraf key is not unlocked (no password sign-in in this session); lifetime of
# paraf certificates.
NASKAH_PARAF_STATEMENT_REQUIRED = env_bool("NASKAH_PARAF_STATEMENT_REQUIRED", False)
NASKAH_PARAF_CERT_VALIDITY_DAYS = env_int("NASKAH_PARAF_CERT_VALIDITY_DAYS", 3 * 365)
NASKAH_BSRE_URL = os.environ.get("NASKAH_BSRE_URL", "")
NASKAH_BSRE_USERNAME = os.environ.get("NASKAH_BSRE_USERNAME", "")
NASKAH_BSRE_PASSWORD = env_secret("NASKAH_BSRE_PASSWORD")
NASKAH_BSRE_API_VERSION = os.environ.get("NASKAH_BSRE_API_VERSION", "v2")
NASKAH_BSRE_IDENTITY = os.environ.get("NASKAH_BSRE_IDENTITY", "nik")
# The BSrE client (signing/backends/bsre.py): a CA bundle for its TLS certificate (empty: the
# system's), timeouts in seconds (connect, read, a verification call) and retries of a call.
NASKAH_BSRE_CA_FILE = os.environ.get("NASKAH_BSRE_CA_FILE", "")
NASKAH_BSRE_CONNECT_TIMEOUT = env_float("NASKAH_BSRE_CONNECT_TIMEOUT", 5)
NASKAH_BSRE_READ_TIMEOUT = env_float("NASKAH_BSRE_READ_TIMEOUT", 60)
NASKAH_BSRE_VERIFY_TIMEOUT = env_float("NASKAH_BSRE_VERIFY_TIMEOUT", 120)
NASKAH_BSRE_RETRIES = env_int("NASKAH_BSRE_RETRIES", 2)
# What a BSrE signer types to sign: "passphrase" and/or "totp" (the six-digit code of the
# signer's BSrE authenticator). The local CA always signs with the passphrase.
NASKAH_BSRE_CREDENTIALS = env_list("NASKAH_BSRE_CREDENTIALS", "passphrase,totp")

# --- Drafting (naskah/; docs/drafting.md) ---------------------------------------------------------
NASKAH_LAMPIRAN_MAX_BYTES = env_int("NASKAH_LAMPIRAN_MAX_BYTES", 10 * 1024 * 1024)
NASKAH_LAMPIRAN_MAX_PAGES = env_int("NASKAH_LAMPIRAN_MAX_PAGES", 50)
NASKAH_BODY_MAX_CHARS = env_int("NASKAH_BODY_MAX_CHARS", 100_000)
NASKAH_PREVIEW_TTL_SECONDS = env_int("NASKAH_PREVIEW_TTL_SECONDS", 600)
# A new autosaved revision at most this often; in between the last autosave is updated.
NASKAH_AUTOSAVE_INTERVAL_SECONDS = env_int("NASKAH_AUTOSAVE_INTERVAL_SECONDS", 60)

# --- The signing flow (naskah/services/signing.py; docs/signing-flow.md) ---------------------
# The footer naming the certificate's issuer; must contain {penerbit}, else it is ignored
# (empty: the regulation's sentence).
NASKAH_TTE_FOOTER = os.environ.get("NASKAH_TTE_FOOTER", "")
# Number formats by letter kind, JSON {key: format} over the defaults ("default",
# "surat_edaran"); unknown keys use the default format.
NASKAH_NOMOR_FORMATS = env_json("NASKAH_NOMOR_FORMATS", {})
# Acting capacities that may not sign a subgroup of types without an AturanTTE row, JSON
# {subkelompok: [capacities]} (regional policy, UNVERIFIED).
NASKAH_TTE_PELAKSANA_DILARANG = env_json("NASKAH_TTE_PELAKSANA_DILARANG", {})
# The Setda numbering unit, for signers without a numbering unit up their tree.
NASKAH_UNIT_PENOMORAN_SETDA = os.environ.get("NASKAH_UNIT_PENOMORAN_SETDA", "BIRO-UMUM")
# The public validator's rate limit per client address: JSON [requests, seconds].
NASKAH_VERIFIKASI_RATE = tuple(env_json("NASKAH_VERIFIKASI_RATE", [30, 600]))
# Numbers reserved per book per day (penomoran/services.py), and the {sifat} prefixes by
# security class, JSON {class: prefix} (unset: core/vocabulary.py's; UNVERIFIED).
NASKAH_NOMOR_RESERVE_DAILY_CAP = env_int("NASKAH_NOMOR_RESERVE_DAILY_CAP", 5)
NASKAH_NOMOR_SIFAT_PREFIXES = env_json("NASKAH_NOMOR_SIFAT_PREFIXES", None)

# --- The incoming register (naskah/masuk/; docs/incoming.md) -------------------------------------
# Upload limits: per file and all files together (MB), pages per PDF, number of files; the
# largest image in pixels (a decompression bomb is refused).
NASKAH_MASUK_MAX_FILE_MB = env_int("NASKAH_MASUK_MAX_FILE_MB", 20)
NASKAH_MASUK_MAX_TOTAL_MB = env_int("NASKAH_MASUK_MAX_TOTAL_MB", 60)
NASKAH_MASUK_MAX_PAGES = env_int("NASKAH_MASUK_MAX_PAGES", 200)
NASKAH_MASUK_MAX_FILES = env_int("NASKAH_MASUK_MAX_FILES", 10)
NASKAH_MASUK_MAX_IMAGE_PIXELS = env_int("NASKAH_MASUK_MAX_IMAGE_PIXELS", 80_000_000)
# Unit kinds that keep their own incoming register; an agendaris in a sub-unit (Bagian,
# Sekretariat) registers for the nearest such ancestor.
NASKAH_MASUK_REGISTER_UNIT_JENIS = env_list(
    "NASKAH_MASUK_REGISTER_UNIT_JENIS", "pemda,setda,biro,dinas,badan,inspektorat,uptd"
)
# OCR language(s) for tesseract ("ind", "ind+eng"), and whether OCR runs at all.
NASKAH_MASUK_OCR_LANGUAGE = os.environ.get("NASKAH_MASUK_OCR_LANGUAGE", "ind")
NASKAH_MASUK_OCR_ENABLED = env_bool("NASKAH_MASUK_OCR_ENABLED", True)
# Resolution assumed for images without DPI information when turned into PDF pages.
NASKAH_MASUK_IMAGE_DPI = env_int("NASKAH_MASUK_IMAGE_DPI", 200)
# Hours after the deadline before an overdue branch is escalated to the disposer.
NASKAH_MASUK_ESKALASI_JAM = env_int("NASKAH_MASUK_ESKALASI_JAM", 24)

# --- The archive's search (arsip/search/; docs/archive.md) ---------------------------------------
# Update the search index inside the caller's transaction instead of in a task (tests).
ARSIP_INDEX_SYNC = env_bool("ARSIP_INDEX_SYNC", False)
# Matches ranked (and counted exactly) at most; on PostgreSQL the text matches (planner
# estimate) above which the date index is walked, and the newest rows sampled to estimate
# the share a user may read; on SQLite the FTS5 matches ranked with bm25 at most.
ARSIP_SEARCH_CANDIDATE_CAP = env_int("ARSIP_SEARCH_CANDIDATE_CAP", 1000)
ARSIP_SEARCH_PG_COMMON_ROWS = env_int("ARSIP_SEARCH_PG_COMMON_ROWS", 20000)
ARSIP_SEARCH_PG_SHARE_SAMPLE = env_int("ARSIP_SEARCH_PG_SHARE_SAMPLE", 1000)
ARSIP_SEARCH_SQLITE_RANK_LIMIT = env_int("ARSIP_SEARCH_SQLITE_RANK_LIMIT", 5000)

# --- Numbering series of the kepala daerah's legal products (naskah/services/seri_nomor.py;
# docs/numbering.md). UNVERIFIED for Lampung: the historical Keputusan Gubernur format.
NASKAH_NOMOR_FORMAT_PRODUK_HUKUM = os.environ.get(
    "NASKAH_NOMOR_FORMAT_PRODUK_HUKUM", "G/{nomor}/{unit}/HK/{tahun}"
)
NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM = os.environ.get(
    "NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM", "BIRO-HUKUM"
)

# --- Letterhead artwork uploads (core/lambang.py; docs/rendering.md) ---------------------------
NASKAH_LAMBANG_MAX_BYTES = env_int("NASKAH_LAMBANG_MAX_BYTES", 1024 * 1024)

# --- Active content in PDFs (core/pdfsafe.py; docs/security.md) ---------------------------------
# External links in uploaded PDFs: "remove" drops the link annotation, "text" keeps the
# annotation without its action (the visible text is page content either way).
NASKAH_PDF_URI_LINKS = os.environ.get("NASKAH_PDF_URI_LINKS", "remove").strip().lower()
if NASKAH_PDF_URI_LINKS not in ("remove", "text"):
    raise ImproperlyConfigured("NASKAH_PDF_URI_LINKS must be 'remove' or 'text'.")
# --- Request size (core/uploads.py; docs/security.md) ---------------------------------------------
# A POST larger than this is refused with 413 before its body is read (the incoming
# register takes up to 60 MB of scans in one form).
NASKAH_UPLOAD_MAX_BYTES = env_int("NASKAH_UPLOAD_MAX_BYTES", 64 * 1024 * 1024)
# The public validator takes one PDF of at most NASKAH_VERIFIKASI_MAX_BYTES.
NASKAH_VERIFIKASI_MAX_BYTES = env_int("NASKAH_VERIFIKASI_MAX_BYTES", 20 * 1024 * 1024)
NASKAH_UPLOAD_LIMITS = {"/verifikasi/": NASKAH_VERIFIKASI_MAX_BYTES + 256 * 1024}

# --- Sign-in by OpenID Connect (core/oidc.py; docs/security.md) ------------------------------
# On when the client id and the provider's endpoints are set; local passwords keep working.
NASKAH_OIDC_ISSUER = os.environ.get("NASKAH_OIDC_ISSUER", "")
NASKAH_OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("NASKAH_OIDC_AUTHORIZATION_ENDPOINT", "")
NASKAH_OIDC_TOKEN_ENDPOINT = os.environ.get("NASKAH_OIDC_TOKEN_ENDPOINT", "")
NASKAH_OIDC_USERINFO_ENDPOINT = os.environ.get("NASKAH_OIDC_USERINFO_ENDPOINT", "")
NASKAH_OIDC_JWKS_ENDPOINT = os.environ.get("NASKAH_OIDC_JWKS_ENDPOINT", "")
NASKAH_OIDC_CLIENT_ID = os.environ.get("NASKAH_OIDC_CLIENT_ID", "")
NASKAH_OIDC_CLIENT_SECRET = env_secret("NASKAH_OIDC_CLIENT_SECRET")
NASKAH_OIDC_SIGN_ALGO = os.environ.get("NASKAH_OIDC_SIGN_ALGO", "RS256")
NASKAH_OIDC_SCOPES = os.environ.get("NASKAH_OIDC_SCOPES", "openid email profile")
# Which Pegawai field identifies the person (nip, username or email) and which claim of the
# provider's userinfo carries it. Unknown people are refused: no account is created.
NASKAH_OIDC_MATCH = os.environ.get("NASKAH_OIDC_MATCH", "username")
NASKAH_OIDC_CLAIM = os.environ.get("NASKAH_OIDC_CLAIM", "preferred_username")
NASKAH_OIDC_ENABLED = all(
    (
        NASKAH_OIDC_CLIENT_ID,
        NASKAH_OIDC_AUTHORIZATION_ENDPOINT,
        NASKAH_OIDC_TOKEN_ENDPOINT,
        NASKAH_OIDC_USERINFO_ENDPOINT,
        NASKAH_OIDC_JWKS_ENDPOINT,
    )
)
# mozilla-django-oidc reads these names.
OIDC_RP_CLIENT_ID = NASKAH_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = NASKAH_OIDC_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = NASKAH_OIDC_AUTHORIZATION_ENDPOINT
OIDC_OP_TOKEN_ENDPOINT = NASKAH_OIDC_TOKEN_ENDPOINT
OIDC_OP_USER_ENDPOINT = NASKAH_OIDC_USERINFO_ENDPOINT
OIDC_OP_JWKS_ENDPOINT = NASKAH_OIDC_JWKS_ENDPOINT
OIDC_RP_SIGN_ALGO = NASKAH_OIDC_SIGN_ALGO
OIDC_RP_SCOPES = NASKAH_OIDC_SCOPES
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = env_bool("NASKAH_OIDC_USE_PKCE", True)
OIDC_VERIFY_SSL = env_bool("NASKAH_OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = env_int("NASKAH_OIDC_TIMEOUT", 10)
LOGIN_REDIRECT_URL_FAILURE = "login"

# --- Integration API (api/; docs/api.md) -------------------------------------------------------
# Lifetime of a client-credentials token; how long an old client secret stays valid after a
# rotation; the longest personal access token; the rate limit of personal tokens not tied to a
# client (a client's own limit is set on the client); stored Idempotency-Key responses.
NASKAH_API_TOKEN_TTL_SECONDS = env_int("NASKAH_API_TOKEN_TTL_SECONDS", 900)
NASKAH_API_SECRET_GRACE_HOURS = env_int("NASKAH_API_SECRET_GRACE_HOURS", 24)
NASKAH_API_PERSONAL_TOKEN_MAX_DAYS = env_int("NASKAH_API_PERSONAL_TOKEN_MAX_DAYS", 365)
NASKAH_API_PERSONAL_RATE_PER_MINUTE = env_int("NASKAH_API_PERSONAL_RATE_PER_MINUTE", 60)
NASKAH_API_IDEMPOTENCY_HOURS = env_int("NASKAH_API_IDEMPOTENCY_HOURS", 48)
# Webhooks: give up on a delivery after this many hours of retries; request timeout (s).
NASKAH_WEBHOOK_RETRY_HOURS = env_int("NASKAH_WEBHOOK_RETRY_HOURS", 24)
NASKAH_WEBHOOK_TIMEOUT = env_int("NASKAH_WEBHOOK_TIMEOUT", 10)
NASKAH_WEBHOOK_ALLOW_LOOPBACK = env_bool("NASKAH_WEBHOOK_ALLOW_LOOPBACK", False)

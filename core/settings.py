"""Django settings for Naskah.

Every value that differs between an embedded install and production comes from an
environment variable with a safe default. See docs/deployment.md for the full list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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


DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
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
    "core",
    "workflows",
    "signing",
    "penomoran",
    "naskah",
    "naskah.masuk",
    "arsip",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.OfficeLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
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
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'naskah.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.Pegawai"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Cache: local memory by default, Redis when REDIS_URL is given (cache only) -------------
REDIS_URL = os.environ.get("REDIS_URL", "")
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
Q_CLUSTER = {
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
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
# Embedded default: e-mails are written as files into DATA_DIR/mail for inspection.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
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

# --- Guardian: explicit grants only, never model-wide rights on letters ---------------------
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# --- Naskah: region and office settings (data that differs between regions) -----------------
NASKAH = {
    "NAMA_PEMERINTAH": os.environ.get("NASKAH_NAMA_PEMERINTAH", "PEMERINTAH PROVINSI LAMPUNG"),
    "NAMA_DAERAH": os.environ.get("NASKAH_NAMA_DAERAH", "Provinsi Lampung"),
    "JABATAN_KEPALA_DAERAH": os.environ.get("NASKAH_JABATAN_KEPALA_DAERAH", "GUBERNUR LAMPUNG"),
    "KOTA": os.environ.get("NASKAH_KOTA", "Bandar Lampung"),
    "PUBLIC_BASE_URL": os.environ.get("NASKAH_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # Plt term limits (BKN SE 2/SE/VII/2019: 3 months, extendable once by 3 months).
    "PLT_MAX_MONTHS": env_int("NASKAH_PLT_MAX_MONTHS", 3),
    "PLT_MAX_EXTENSIONS": env_int("NASKAH_PLT_MAX_EXTENSIONS", 1),
    # Plh is for temporary absence; the longest a single Plh assignment may run.
    "PLH_MAX_DAYS": env_int("NASKAH_PLH_MAX_DAYS", 90),
    # Processing deadlines by urgency, in hours (domain.md 4.2; UNVERIFIED -> settings).
    "SLA_JAM": {"amat_segera": 24, "segera": 48, "biasa": 120},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NASKAH_ALLOW_SQLITE_IN_PRODUCTION = env_bool("NASKAH_ALLOW_SQLITE_IN_PRODUCTION", False)

# --- Signing (signing/; docs/signing.md) --------------------------------------------------------
NASKAH_SIGNING_BACKEND = os.environ.get("NASKAH_SIGNING_BACKEND", "local")
NASKAH_SIGNING_CA_SECRET = os.environ.get("NASKAH_SIGNING_CA_SECRET", "")
NASKAH_SIGNING_CERT_VALIDITY_DAYS = env_int("NASKAH_SIGNING_CERT_VALIDITY_DAYS", 730)
NASKAH_TSA_URL = os.environ.get("NASKAH_TSA_URL", "")
NASKAH_TRUST_ROOTS = env_list("NASKAH_TRUST_ROOTS")
NASKAH_BSRE_URL = os.environ.get("NASKAH_BSRE_URL", "")
NASKAH_BSRE_USERNAME = os.environ.get("NASKAH_BSRE_USERNAME", "")
NASKAH_BSRE_PASSWORD = os.environ.get("NASKAH_BSRE_PASSWORD", "")
NASKAH_BSRE_API_VERSION = os.environ.get("NASKAH_BSRE_API_VERSION", "v2")
NASKAH_BSRE_IDENTITY = os.environ.get("NASKAH_BSRE_IDENTITY", "nik")

# --- Drafting (naskah/; docs/drafting.md) ---------------------------------------------------------
NASKAH_LAMPIRAN_MAX_BYTES = env_int("NASKAH_LAMPIRAN_MAX_BYTES", 10 * 1024 * 1024)
NASKAH_LAMPIRAN_MAX_PAGES = env_int("NASKAH_LAMPIRAN_MAX_PAGES", 50)
NASKAH_BODY_MAX_CHARS = env_int("NASKAH_BODY_MAX_CHARS", 100_000)
NASKAH_PREVIEW_TTL_SECONDS = env_int("NASKAH_PREVIEW_TTL_SECONDS", 600)

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

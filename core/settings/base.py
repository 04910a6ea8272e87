"""Django itself: debug and hosts, applications, middleware, templates, the database,
authentication, languages and the object-permission library."""

from __future__ import annotations

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core.settings.env import BASE_DIR, DATA_DIR, env_bool, env_int, env_list, env_secret

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
# SQLite with DEBUG off: refused by the deploy check unless this is set (docs/deployment.md).
NASKAH_ALLOW_SQLITE_IN_PRODUCTION = env_bool("NASKAH_ALLOW_SQLITE_IN_PRODUCTION", False)

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

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per purpose (core/formats): long dates for documents, "d-m-Y H:i" in lists.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Guardian: explicit grants only, never model-wide rights on letters ---------------------
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

"""Keys, HTTP security, sign-in (lockout, second factor, passkeys, OpenID Connect),
active content in PDFs and request sizes."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from core.settings.env import DATA_DIR, env_bool, env_int, env_list, env_secret, env_secret_source
from core.settings.office import NASKAH_PUBLIC_BASE_URL


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

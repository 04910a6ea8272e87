"""Signing (signing/; docs/signing.md): backends, the local CA, timestamps, PAdES levels,
revocation data, paraf certificates, BSrE."""

from __future__ import annotations

import os

from core.settings.env import env_bool, env_float, env_int, env_list, env_secret

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

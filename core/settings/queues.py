"""The cache, the background queues (django-q2) and outgoing e-mail."""

from __future__ import annotations

import os
from typing import Any

from core.settings.env import DATA_DIR, env_bool, env_int, env_secret

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

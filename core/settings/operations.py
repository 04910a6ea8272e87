"""Logs and monitoring (/metrics, /readyz)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from core.settings.env import env_int, env_list, env_secret

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

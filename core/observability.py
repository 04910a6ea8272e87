"""Observability: request ids, JSON logs, Prometheus metrics, `/metrics` and `/readyz`
(docs/operations.md).

Metrics use `prometheus_client`. Under gunicorn every worker is a process of its own, so
deploy/gunicorn.conf.py sets ``PROMETHEUS_MULTIPROC_DIR`` before the app is imported: each
process writes its histograms to memory-mapped files there and `/metrics` adds them up
(prometheus_client's multiprocess mode; django-prometheus would need the same mode and adds
per-model metrics we do not want). Without that variable (runserver, tests) the metrics
live in the process.

What the database knows is read when Prometheus scrapes (`DatabaseCollector`): queue length
and age of the oldest message per queue and task kind, failed tasks per kind, signatures in
the last minute. Nothing is kept in a process that another host would need.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import ipaddress
import json
import logging
import os
import re
import secrets
import time
from collections import defaultdict

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# --- Request id -----------------------------------------------------------------------------

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("naskah_request_id", default="")
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    """The id of the request being served ("" outside a request)."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the exception if any, and any `extra=` fields that are JSON-serialisable."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRS or key.startswith("_") or key in entry:
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                value = repr(value)
            entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# --- Metrics --------------------------------------------------------------------------------

REQUEST_LATENCY = Histogram(
    "naskah_http_request_duration_seconds",
    "Time to answer a request, by view (URL name), method and status class.",
    ["view", "method", "status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
NUMBERING_WAIT = Histogram(
    "naskah_numbering_wait_seconds",
    "Time to take a number from a book's counter (mostly waiting for its lock), by kind.",
    ["kind"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SEARCH_LATENCY = Histogram(
    "naskah_search_duration_seconds",
    "Time of one archive search.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# Audit actions that count as one signature applied to a PDF.
SIGNATURE_ACTIONS = ("signing.pdf_sign",)
_QUEUE_SCAN_CAP = 10_000


def _task_started(task: dict) -> dt.datetime | None:
    started = task.get("started")
    return started if isinstance(started, dt.datetime) else None


def queue_snapshot(*, cap: int = _QUEUE_SCAN_CAP) -> dict[tuple[str, str], dict]:
    """{(queue, task kind): {"length": n, "oldest": seconds}} from django-q2's ORM queue.

    The kind is the task's function path; the age is measured from when it was queued.
    At most `cap` messages of each queue are decoded (oldest first), so a long backlog in
    one queue (OCR) does not hide the others (notices)."""
    from django_q.models import OrmQ

    now = timezone.now()
    result: dict[tuple[str, str], dict] = defaultdict(lambda: {"length": 0, "oldest": 0.0})
    for key in OrmQ.objects.order_by().values_list("key", flat=True).distinct():
        for row in OrmQ.objects.filter(key=key).order_by("id").only("key", "payload")[:cap]:
            task = row.task
            func = task.get("func")
            kind = func if isinstance(func, str) else getattr(func, "__qualname__", str(func))
            entry = result[(row.key, kind or "?")]
            entry["length"] += 1
            started = _task_started(task)
            if started is not None:
                entry["oldest"] = max(entry["oldest"], (now - started).total_seconds())
    return dict(result)


def queue_oldest_ages(*, per_queue: int = 50) -> dict[str, float]:
    """{queue (cluster name): age in seconds of its oldest message} for every queue that has
    messages. Each queue is read on its own, so a long OCR backlog cannot hide an old notice
    behind it (its first `per_queue` messages by id)."""
    from django_q.models import OrmQ

    now = timezone.now()
    ages: dict[str, float] = {}
    for key in OrmQ.objects.order_by().values_list("key", flat=True).distinct():
        oldest = 0.0
        for row in OrmQ.objects.filter(key=key).order_by("id").only("payload")[:per_queue]:
            started = _task_started(row.task)
            if started is not None:
                oldest = max(oldest, (now - started).total_seconds())
        ages[key] = oldest
    return ages


class DatabaseCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from django.db.models import Count
        from django_q.models import Failure

        from core.models import AuditEvent

        length = GaugeMetricFamily(
            "naskah_queue_length",
            "Messages waiting or running, by queue and task kind.",
            labels=["queue", "task"],
        )
        oldest = GaugeMetricFamily(
            "naskah_queue_oldest_age_seconds",
            "Age of the oldest message, by queue and task kind.",
            labels=["queue", "task"],
        )
        for (queue, kind), entry in sorted(queue_snapshot().items()):
            length.add_metric([queue, kind], entry["length"])
            oldest.add_metric([queue, kind], entry["oldest"])
        yield length
        yield oldest

        failed = GaugeMetricFamily(
            "naskah_tasks_failed",
            "Failed tasks kept by django-q2 (its admin lists them), by task kind.",
            labels=["task"],
        )
        for row in Failure.objects.values("func").annotate(n=Count("id")).order_by("func"):
            failed.add_metric([row["func"] or "?"], row["n"])
        yield failed

        since = timezone.now() - dt.timedelta(minutes=1)
        signatures = AuditEvent.objects.filter(
            action__in=SIGNATURE_ACTIONS, created_at__gte=since
        ).count()
        yield GaugeMetricFamily(
            "naskah_signatures_last_minute",
            "Signatures applied to PDFs in the last minute (all hosts).",
            value=signatures,
        )


def metrics_text() -> bytes:
    """The exposition text: this process's (or every gunicorn worker's) metrics, then the
    database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        process_part = generate_latest(registry)
    else:
        process_part = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return process_part + generate_latest(database)


# --- Middleware -----------------------------------------------------------------------------


class ObservabilityMiddleware:
    """Gives each request an id (the proxy's `X-Request-ID` when it is a plausible one, else
    a new one), returns it in `X-Request-ID`, makes it available to log records, and
    records the request's latency by view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_OK.match(incoming) else secrets.token_hex(12)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response.headers.setdefault("X-Request-ID", request_id)
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            view = (match.view_name if match is not None else "") or "unresolved"
            REQUEST_LATENCY.labels(view, request.method, f"{status // 100}xx").observe(
                time.perf_counter() - started
            )
            _request_id.reset(token)


# --- Views ----------------------------------------------------------------------------------


def _metrics_allowed(request) -> bool:
    token = settings.NASKAH_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header[7:].strip(), token)
    from core.middleware import client_ip

    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.NASKAH_METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics(request):
    if not _metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def _check_database() -> tuple[bool, str]:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return False, exc.__class__.__name__
    return True, "ok"


def _check_storage() -> tuple[bool, str]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    reachable = getattr(default_storage, "check_reachable", None)
    if reachable is not None:
        # Object storage (core.storage_s3): the bucket answers with these credentials. No
        # probe object is written: under Object Lock each one would be kept for the whole
        # retention period.
        try:
            reachable()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return False, exc.__class__.__name__
        return True, "ok"
    probe = f"readyz/{secrets.token_hex(8)}"
    payload = secrets.token_bytes(16)
    saved = None
    try:
        saved = default_storage.save(probe, ContentFile(payload))
        with default_storage.open(saved, "rb") as handle:
            if handle.read() != payload:
                return False, "read back differs"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return False, exc.__class__.__name__
    finally:
        if saved:
            with contextlib.suppress(Exception):  # a leftover probe is harmless
                default_storage.delete(saved)
    return True, "ok"


def queue_age_limits() -> dict[str, int]:
    """{queue (cluster name): the oldest message's age /readyz accepts, in seconds}: the
    mail queue's own limit (people wait for notices), the general one for the others."""
    from core.services.queue import MAIL, queue_name

    mail = queue_name(MAIL)
    if not mail:
        return {}
    return {mail: int(settings.NASKAH_READY_MAIL_QUEUE_MAX_AGE_SECONDS)}


def _check_queue() -> tuple[bool, str]:
    general = int(settings.NASKAH_READY_QUEUE_MAX_AGE_SECONDS)
    limits = queue_age_limits()
    try:
        ages = queue_oldest_ages()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return False, exc.__class__.__name__
    late = {q: age for q, age in ages.items() if age > limits.get(q, general)}
    if late:
        return False, ", ".join(
            f"{q}: oldest message {int(age)} s old (limit {limits.get(q, general)} s)"
            for q, age in sorted(late.items())
        )
    return True, f"oldest message {int(max(ages.values(), default=0))} s old"


def readyz(request):
    """200 when the database answers, storage takes and returns a file and each queue's
    oldest message is younger than its limit (`queue_age_limits`); 503 otherwise.
    The body names each check's outcome (no secrets)."""
    checks = {}
    database_ok, checks["database"] = _check_database()
    storage_ok, checks["storage"] = _check_storage()
    queue_ok, checks["queue"] = _check_queue() if database_ok else (False, "no database")
    ready = database_ok and storage_ok and queue_ok
    if not ready:
        logger.warning("not ready: %s", checks)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )

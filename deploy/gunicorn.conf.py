"""gunicorn settings for Naskah (`gunicorn -c deploy/gunicorn.conf.py core.wsgi`).

Every value can be overridden by the environment (the systemd unit sets them) or on the
command line. docs/deployment.md, "Production stack".
"""

import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core is a good start; batch signing runs in a web thread, so use the
# sync or gthread worker with a long graceful timeout (docs/signing-flow.md).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "120"))
keepalive = 5
# A worker is replaced after this many requests (bounded memory growth), with jitter so
# they do not all restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The app checks the upload size before reading a body (core/uploads.py); these limit the
# request line and headers.
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
proc_name = "naskah-web"

# Prometheus multiprocess mode (core/observability.py): every worker writes its metrics to
# files in this folder, and /metrics adds them up. It must be set before the app is
# imported, and emptied when the server starts.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(os.environ.get("RUNTIME_DIRECTORY", tempfile.gettempdir()), "naskah-metrics"),
)


def on_starting(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

"""/metrics, /readyz, request ids and JSON logs (core/observability.py), and the production
stack's settings (WhiteNoise)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from prometheus_client import REGISTRY

from core.observability import JsonFormatter, RequestIdFilter
from core.services.queue import MAIL, SLOW, task_enqueue

TASK = "core.services.audit.audit_seal_pending"


def _sample(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@pytest.mark.django_db
def test_metrics_from_loopback_list_the_families(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    for family in (
        "naskah_http_request_duration_seconds",
        "naskah_numbering_wait_seconds",
        "naskah_search_duration_seconds",
        "naskah_signatures_last_minute 0.0",
        "naskah_queue_length",
        "naskah_tasks_failed",
    ):
        assert family in text


@pytest.mark.django_db
def test_metrics_refused_to_other_addresses_and_wrong_tokens(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.NASKAH_METRICS_TOKEN = "s3cret-token"
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 403
    )
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 200
    settings.NASKAH_METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    settings.NASKAH_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_queue_length_and_age_per_task_kind(client):
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        task_enqueue(TASK, task_name="one")
        task_enqueue(TASK, task_name="two")
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 10, tzinfo=dt.UTC), tick=False):
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert f'naskah_queue_length{{queue="naskah",task="{TASK}"}} 2.0' in text
    assert f'naskah_queue_oldest_age_seconds{{queue="naskah",task="{TASK}"}} 600.0' in text


@pytest.mark.django_db
def test_request_latency_is_recorded_by_view(client):
    labels = {"view": "healthz", "method": "GET", "status": "2xx"}
    before = _sample("naskah_http_request_duration_seconds_count", labels)
    client.get("/healthz")
    assert _sample("naskah_http_request_duration_seconds_count", labels) == before + 1
    unresolved = {"view": "unresolved", "method": "GET", "status": "4xx"}
    before = _sample("naskah_http_request_duration_seconds_count", unresolved)
    client.get("/no-such-page/")
    assert _sample("naskah_http_request_duration_seconds_count", unresolved) == before + 1


def test_numbering_wait_is_observed_after_commit(
    buku_and_actor, django_capture_on_commit_callbacks
):
    from penomoran.services import nomor_allocate

    buku, actor = buku_and_actor
    before = _sample("naskah_numbering_wait_seconds_count", {"kind": "allocate"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        nomor_allocate(
            buku=buku,
            kode_klasifikasi="000.1.2.3",
            object_type="naskah.naskah",
            object_id=1,
            actor=actor,
        )
    # Nothing observed while the counter was held; the callback observes it.
    assert _sample("naskah_numbering_wait_seconds_count", {"kind": "allocate"}) == before
    for callback in callbacks:
        callback()
    assert _sample("naskah_numbering_wait_seconds_count", {"kind": "allocate"}) == before + 1


@pytest.fixture
def buku_and_actor(db):
    from penomoran.models import BukuNomor
    from tests.factories import PegawaiFactory, UnitKerjaFactory

    unit = UnitKerjaFactory(kode="DISKOMINFOTIK", nama="Dinas Kominfotik")
    return BukuNomor.objects.create(unit=unit, jenis="surat", nama="Surat"), PegawaiFactory()


@pytest.mark.django_db
def test_signatures_last_minute_counts_recent_signing_events(client):
    from core.services.audit import audit_record

    audit_record(actor=None, action="signing.pdf_sign", details={})
    audit_record(actor=None, action="naskah.sign", details={})  # not a PDF signature
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "naskah_signatures_last_minute 1.0" in text


@pytest.mark.django_db
def test_readyz_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "storage", "queue"}


@pytest.mark.django_db
def test_readyz_fails_when_the_queue_is_stuck(client, settings):
    settings.NASKAH_READY_QUEUE_MAX_AGE_SECONDS = 300
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        task_enqueue(TASK, task_name="stuck")
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 4, tzinfo=dt.UTC), tick=False):
        assert client.get("/readyz").status_code == 200
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 6, tzinfo=dt.UTC), tick=False):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "limit 300 s" in response.json()["checks"]["queue"]


@pytest.mark.django_db
def test_readyz_holds_each_queue_to_its_own_age_limit(client, settings):
    """The mail queue (notices) has a shorter limit than OCR's; each queue is read on its
    own, so many older OCR messages neither hide the notice nor count against its limit."""
    settings.NASKAH_READY_QUEUE_MAX_AGE_SECONDS = 900
    settings.NASKAH_READY_MAIL_QUEUE_MAX_AGE_SECONDS = 300
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        for i in range(60):  # more than the 50 messages read per queue
            task_enqueue(TASK, i, queue=SLOW)
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 5, tzinfo=dt.UTC), tick=False):
        task_enqueue(TASK, "notice", queue=MAIL)
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 9, tzinfo=dt.UTC), tick=False):
        assert client.get("/readyz").status_code == 200  # OCR 9 min, notice 4 min old
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert f'naskah_queue_length{{queue="lambat",task="{TASK}"}} 60.0' in text
    assert f'naskah_queue_oldest_age_seconds{{queue="surel",task="{TASK}"}} 240.0' in text
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, 11, tzinfo=dt.UTC), tick=False):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "surel: oldest message 360 s old (limit 300 s)"


@pytest.mark.django_db
def test_readyz_fails_when_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] != "ok"


def test_healthz_does_not_touch_the_database(client):
    # No django_db mark: any query would fail the test.
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_request_id_is_returned_and_a_plausible_incoming_one_kept(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 24
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == (
        "abcdef0123456789"
    )
    odd = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert odd != "<script>" and len(odd) == 24


def test_json_log_lines_carry_the_request_id():
    from core import observability

    token = observability._request_id.set("req-12345678")
    try:
        record = logging.LogRecord(
            "naskah.x", logging.WARNING, __file__, 1, "hi %s", ("you",), None
        )
        record.nomor = "B/1/2026"
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        observability._request_id.reset(token)
    assert line["message"] == "hi you" and line["level"] == "WARNING"
    assert line["request_id"] == "req-12345678" and line["nomor"] == "B/1/2026"


def test_whitenoise_serves_static_files_and_tests_use_plain_storage():
    assert settings.MIDDLEWARE[1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_manifest_storage_when_asked(monkeypatch):
    import importlib

    from core.settings import files as module

    monkeypatch.setenv("NASKAH_STATIC_MANIFEST", "1")
    try:
        fresh = importlib.reload(module)
        assert fresh.STORAGES["staticfiles"]["BACKEND"] == (
            "core.staticfiles.NaskahStaticFilesStorage"
        )
    finally:
        monkeypatch.delenv("NASKAH_STATIC_MANIFEST")
        importlib.reload(module)

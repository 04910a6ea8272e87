"""core.files and core.services.storage: no media route, the one helper that sends a
stored file (Django, X-Accel-Redirect, X-Sendfile), random names, the pending area and
its sweeper, and the serving checks."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.urls import clear_url_caches
from django.utils import timezone

from core.checks import check_file_serving
from core.files import RandomName, stored_file_response
from core.models import BerkasTertunda
from core.services.storage import (
    pending_name,
    storage_delete,
    storage_new_name,
    storage_read,
    storage_save_pending,
    storage_sweep,
)


def _reload_urls():
    import core.urls

    importlib.reload(core.urls)
    clear_url_caches()


@pytest.fixture
def debug_urls(settings):
    settings.DEBUG = True
    _reload_urls()
    yield
    settings.DEBUG = False
    _reload_urls()


def test_media_is_not_served_even_with_debug(client, db, debug_urls):
    name = default_storage.save("naskah/tersegel/2026/01/surat.pdf", ContentFile(b"%PDF-1.7 x"))
    assert client.get(f"/media/{name}").status_code == 404


def test_new_names_are_random_and_never_repeat():
    names = {storage_new_name("naskah/lampiran", ".pdf") for _ in range(50)}
    assert len(names) == 50
    name = next(iter(names))
    assert name.startswith(f"naskah/lampiran/{timezone.now():%Y/%m}/") and name.endswith(".pdf")
    assert len(Path(name).stem) == 32
    upload_to = RandomName("masuk/scan")
    assert upload_to(None, "Scan Surat.PNG").endswith(".png")
    assert Path(upload_to(None, "surat.exe")).suffix == ""  # unknown extensions are dropped
    assert "Scan" not in upload_to(None, "Scan Surat.PNG")
    assert RandomName("masuk/pdf", ".pdf")(None, "x.png").endswith(".pdf")
    assert RandomName("a") == RandomName("a") and RandomName("a") != RandomName("b")


@pytest.fixture
def stored():
    return default_storage.save(storage_new_name("uji", ".pdf"), ContentFile(b"%PDF-1.7 isi"))


def test_django_mode_streams_with_safe_headers(settings, stored):
    response = stored_file_response(
        stored, content_type="application/pdf", filename="berita acara 1/2.pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 isi"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    attached = stored_file_response(
        stored, content_type="image/png", filename="Pindaian ü.png", attachment=True
    )
    assert attached["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Pindaian%20%C3%BC.png" in attached["Content-Disposition"]


def test_accel_redirect_and_sendfile_modes_send_no_body(settings, stored):
    settings.NASKAH_FILE_SERVING = "x-accel-redirect"
    settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX = "/_berkas_internal/"
    response = stored_file_response(stored, content_type="application/pdf", filename="a.pdf")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_berkas_internal/{stored}"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    settings.NASKAH_FILE_SERVING = "x-sendfile"
    response = stored_file_response(stored, content_type="application/pdf", filename="a.pdf")
    assert response.content == b""
    assert response["X-Sendfile"] == str(Path(settings.MEDIA_ROOT) / stored)


def test_missing_file_is_404(settings):
    with pytest.raises(Http404):
        stored_file_response("uji/2026/01/tidak-ada.pdf", content_type="x", filename="a")
    with pytest.raises(Http404):
        stored_file_response("", content_type="x", filename="a")


def test_serving_checks(settings):
    assert check_file_serving(None) == []
    settings.NASKAH_FILE_SERVING = "nginx"
    assert [e.id for e in check_file_serving(None)] == ["naskah.E030"]
    settings.NASKAH_FILE_SERVING = "x-accel-redirect"
    settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX = "_berkas_internal"
    assert [e.id for e in check_file_serving(None)] == ["naskah.E031"]
    settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX = "/_berkas_internal/"
    assert check_file_serving(None) == []


@pytest.mark.django_db
def test_pending_file_is_published_on_commit_and_not_before(django_capture_on_commit_callbacks):
    name = storage_new_name("uji", ".pdf")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        storage_save_pending(name, b"%PDF-1.7 tersegel", [])
        assert not default_storage.exists(name)
        assert default_storage.exists(pending_name(name))
        assert storage_read(name) == b"%PDF-1.7 tersegel"  # readable before publication
    assert default_storage.exists(name) and not default_storage.exists(pending_name(name))
    assert not BerkasTertunda.objects.exists()


@pytest.mark.django_db
def test_sweeper_keeps_young_orphans_and_deletes_old_ones(settings):
    name = storage_new_name("uji", ".pdf")
    with pytest.raises(RuntimeError), transaction.atomic():
        storage_save_pending(name, b"%PDF-1.7 yatim", [])
        raise RuntimeError("rollback")
    assert default_storage.exists(pending_name(name)) and not BerkasTertunda.objects.exists()
    assert storage_sweep(max_age_minutes=60)["waiting"] == 1
    later = timezone.now() + dt.timedelta(minutes=61)
    assert storage_sweep(max_age_minutes=60, now=later)["deleted"] == 1
    assert not default_storage.exists(pending_name(name)) and not default_storage.exists(name)


@pytest.mark.django_db
def test_sweep_command_and_schedule():
    from django_q.models import Schedule

    call_command("storage_sweep", "--schedule", "--minutes", "5")
    call_command("storage_sweep", "--schedule", "--minutes", "5")  # idempotent
    schedule = Schedule.objects.get(name="core: storage_sweep")
    assert schedule.func == "core.services.storage.storage_sweep" and schedule.minutes == 5
    call_command("storage_sweep")


@pytest.mark.django_db
def test_storage_delete_removes_a_file_wherever_it_lies():
    published = default_storage.save(storage_new_name("uji", ".pdf"), ContentFile(b"a"))
    unpublished = storage_new_name("uji", ".pdf")
    storage_save_pending(unpublished, b"b", [])
    storage_delete(published)
    storage_delete(unpublished)
    assert not default_storage.exists(published)
    assert not default_storage.exists(pending_name(unpublished))
    assert not BerkasTertunda.objects.exists()
    assert storage_sweep() == {"published": 0, "deleted": 0, "waiting": 0}

"""403, 404 and 500 pages in the site layout and the user's language, with a way back; the
development server (DEBUG on) shows the normal 404 page, never Django's URL listing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _client(user=None, language=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_missing_page_is_the_site_404_in_every_mode(settings, debug):
    settings.DEBUG = debug
    response = _client().get("/tidak-ada-laman-ini/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'id="error-404"' in body
    assert "URLconf" not in body and "naskah/" not in body.split('id="error-404"')[1]
    assert reverse("home") in body  # a way back


@pytest.mark.django_db
def test_a_letter_the_user_may_not_see_is_the_normal_404_with_debug(settings, demo):
    settings.DEBUG = True
    response = _client(demo["stafsma"]).get("/naskah/987654/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'id="error-404"' in body
    assert "Traceback" not in body and "URLconf" not in body
    assert "Sign out" in body  # the site layout, with the person's menu


@pytest.mark.django_db
def test_debug_keeps_append_slash_and_can_show_the_technical_page(settings, demo):
    settings.DEBUG = True
    client = _client(demo["stafsma"])
    response = client.get("/naskah")
    assert response.status_code == 301 and response["Location"].endswith("/naskah/")
    settings.NASKAH_DEBUG_TECHNICAL_404 = True
    technical = _client(demo["stafsma"]).get("/tidak-ada-laman-ini/")
    assert technical.status_code == 404
    assert "URLconf" in technical.content.decode()


@pytest.mark.django_db
def test_404_speaks_the_users_language(settings):
    settings.LANGUAGE_CODE = "id"
    with translation.override("id"):
        body = _client(language="id").get("/tidak-ada/").content.decode()
    assert "Laman tidak ditemukan" in body
    with translation.override("en"):
        body = _client(language="en").get("/tidak-ada/").content.decode()
    assert "Page not found" in body


@pytest.mark.django_db
def test_403_page_in_the_layout_with_a_way_back(demo):
    response = _client(demo["stafsma"]).get(reverse("signing:certificate_list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="error-403"' in body
    assert "You may not do this" in body
    assert reverse("home") in body


def test_500_page_renders_without_a_request_context():
    from django.views.defaults import server_error

    request = RequestFactory().get("/")
    with translation.override("id"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert 'id="error-500"' in body and 'lang="id"' in body
    assert "Kembali ke beranda" in body or "Back to the home page" in body


@pytest.mark.django_db
def test_sign_out_says_so(demo):
    client = _client(demo["stafsma"])
    response = client.post(reverse("logout"), follow=True)
    assert response.status_code == 200
    assert "You have signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_demo_welcome_names_one_login_per_role_and_the_certificate_holders(demo):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo_welcome", url="http://127.0.0.1:8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for role in ("drafter", "reviewer", "signer", "agendaris", "archivist", "administrator"):
        assert role in text
    assert "Signing certificates held by:" in text
    assert "Demo signing passphrase:" in text
    assert len(text.splitlines()) <= 20  # a short block


def test_console_shows_warnings_and_the_log_file_gets_everything(tmp_path):
    """`make run`: library INFO lines go to the log file, not to the terminal."""
    log_file = tmp_path / "logs" / "naskah.log"
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('fontTools.subset').info('subset-info-line');"
        "logging.getLogger('naskah').warning('a-warning-line')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DATA_DIR": str(tmp_path / "data"),
        "NASKAH_LOG_FILE": str(log_file),
        "NASKAH_CONSOLE_LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "subset-info-line" not in result.stderr
    assert "a-warning-line" in result.stderr
    written = log_file.read_text()
    assert "subset-info-line" in written and "a-warning-line" in written

"""Secrets from files (NAME_FILE), structured settings as JSON, and the deploy check that
refuses a generated SECRET_KEY (docs/deployment.md)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import settings as configured
from core.checks import check_secret_key_source
from tests.core.test_seed_and_settings import PRODUCTION, _run


def test_a_secret_is_read_from_its_file(monkeypatch, tmp_path):
    (tmp_path / "pw").write_text("from-the-file\n")
    monkeypatch.delenv("NASKAH_X_PASSWORD", raising=False)
    monkeypatch.setenv("NASKAH_X_PASSWORD_FILE", str(tmp_path / "pw"))
    assert configured.env_secret_source("NASKAH_X_PASSWORD") == ("from-the-file", "file")
    assert configured.env_secret("NASKAH_X_PASSWORD") == "from-the-file"
    monkeypatch.setenv("NASKAH_X_PASSWORD", "direct")
    assert configured.env_secret_source("NASKAH_X_PASSWORD") == ("direct", "environment")


def test_an_unset_secret_is_empty_and_a_missing_file_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.delenv("NASKAH_X_PASSWORD", raising=False)
    monkeypatch.delenv("NASKAH_X_PASSWORD_FILE", raising=False)
    assert configured.env_secret_source("NASKAH_X_PASSWORD") == ("", "unset")
    assert configured.env_secret("NASKAH_X_PASSWORD", "fallback") == "fallback"
    monkeypatch.setenv("NASKAH_X_PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="NASKAH_X_PASSWORD_FILE"):
        configured.env_secret("NASKAH_X_PASSWORD")


def test_structured_settings_are_json(monkeypatch):
    monkeypatch.setenv("NASKAH_X_TABLE", '{"segera": 24}')
    assert configured.env_json("NASKAH_X_TABLE", {}) == {"segera": 24}
    monkeypatch.setenv("NASKAH_X_TABLE", "")
    assert configured.env_json("NASKAH_X_TABLE", None) is None
    monkeypatch.setenv("NASKAH_X_TABLE", "{segera: 24}")
    with pytest.raises(ImproperlyConfigured, match="NASKAH_X_TABLE is not valid JSON"):
        configured.env_json("NASKAH_X_TABLE", {})


@pytest.mark.parametrize(
    ("source", "debug", "refused"),
    [
        ("generated", False, True),
        ("generated", True, False),
        ("environment", False, False),
        ("file", False, False),
    ],
)
def test_a_generated_secret_key_is_refused_without_debug(settings, source, debug, refused):
    settings.SECRET_KEY_SOURCE = source
    settings.DEBUG = debug
    ids = [e.id for e in check_secret_key_source(None)]
    assert ids == (["naskah.E008"] if refused else [])


def test_check_deploy_takes_the_secret_key_from_a_file(tmp_path):
    (tmp_path / "secret_key").write_text(PRODUCTION["SECRET_KEY"] + "\n")
    (tmp_path / "audit_key").write_text("k" * 64)
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DATA_DIR=str(tmp_path / "data"),
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        NASKAH_AUDIT_KEY_FILE=str(tmp_path / "audit_key"),
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()  # nothing generated


def test_check_deploy_refuses_a_generated_secret_key(tmp_path):
    (tmp_path / "audit_key").write_text("k" * 64)
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run(
        ["check", "--deploy"],
        DATA_DIR=str(tmp_path / "data"),
        NASKAH_AUDIT_KEY_FILE=str(tmp_path / "audit_key"),
        **env,
    )
    assert result.returncode != 0 and "naskah.E008" in result.stderr

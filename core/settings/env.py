"""The environment readers every settings module uses (env_bool, env_json, env_secret, ...),
the checkout and the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_json(name: str, default):
    """A structured setting given as JSON (an object or a list); unset or empty: default."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc


def env_secret_source(name: str) -> tuple[str, str]:
    """A secret and where it came from: NAME from the environment ("environment"), else the
    content of the file named by NAME_FILE ("file"; a container or systemd credential),
    stripped of its trailing newline, else "" ("unset"). A NAME_FILE that cannot be read
    stops start-up."""
    if os.environ.get(name):
        return os.environ[name], "environment"
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return "", "unset"
    try:
        return Path(path).read_text().strip(), "file"
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc


def env_secret(name: str, default: str = "") -> str:
    """NAME, else the content of NAME_FILE (env_secret_source), else default."""
    return env_secret_source(name)[0] or default


DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

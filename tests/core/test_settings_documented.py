"""Every setting the code reads is declared in the core/settings/ package and listed in
docs/deployment.md (issue 12.6): the code is parsed, not imported, so a setting read only
through getattr(settings, NAME, default), or an environment variable nobody documented,
fails here."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "core" / "settings"
DOCS = ROOT / "docs" / "deployment.md"
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "build", "data"}
ENV_HELPERS = {"env_bool", "env_list", "env_int", "env_float", "env_json", "env_secret"}
ENV_HELPERS |= {"env_secret_source"}
SECRET_HELPERS = {"env_secret", "env_secret_source"}

# Settings the code reads that are not environment variables themselves but are computed in
# core/settings/ from the ones named here (which must be documented) or fixed there.
DERIVED = {
    "BASE_DIR": (),  # the checkout
    "Q_CLUSTER": ("Q_WORKERS", "Q_TIMEOUT", "Q_RETRY", "Q_MAX_ATTEMPTS", "Q_SYNC"),
    "OIDC_RP_CLIENT_SECRET": ("NASKAH_OIDC_CLIENT_SECRET",),
    "AXES_COOLOFF_TIME": ("NASKAH_LOGIN_LOCKOUT_MINUTES",),
    "SECRET_KEY_SOURCE": ("SECRET_KEY",),
    "NASKAH_AUDIT_KEY_SOURCE": ("NASKAH_AUDIT_KEY", "NASKAH_AUDIT_KEY_FILE"),
    "NASKAH_OIDC_ENABLED": ("NASKAH_OIDC_CLIENT_ID", "NASKAH_OIDC_TOKEN_ENDPOINT"),
    "NASKAH_PUBLIC_BASE_URL_SET": ("NASKAH_PUBLIC_BASE_URL",),
    "NASKAH_UPLOAD_LIMITS": ("NASKAH_VERIFIKASI_MAX_BYTES",),
    "NASKAH_FONTS": (),  # NASKAH_FONT_<FAMILY>_<STYLE>, names built in a loop
}


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRS & set(parts) and SETTINGS not in path.parents:
            yield path


def _is_settings(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "settings"


@cache
def settings_read() -> dict[str, set[str]]:
    """{setting name: files} for `settings.NAME` and `getattr(settings, "NAME", ...)`."""
    found: dict[str, set[str]] = {}
    for path in _python_files():
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            name = None
            if isinstance(node, ast.Attribute) and _is_settings(node.value):
                name = node.attr
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and _is_settings(node.args[0])
                and isinstance(node.args[1], ast.Constant)
            ):
                name = node.args[1].value
            if name and name.isupper():
                found.setdefault(name, set()).add(rel)
    return found


@cache
def _settings_tree() -> ast.Module:
    """Every module of the settings package as one tree (the package's __init__ only
    star-imports them, so their module-level names are the settings)."""
    modules = sorted(SETTINGS.glob("*.py"))
    assert len(modules) > 5, modules  # the package, not a lone file
    return ast.Module(
        body=[n for m in modules for n in ast.parse(m.read_text()).body], type_ignores=[]
    )


@cache
def declared() -> set[str]:
    """Module-level names assigned in the modules of core/settings/."""
    names = set()
    for node in _settings_tree().body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


@cache
def environment_read() -> dict[str, bool]:
    """{variable: is a secret} for every constant name core/settings/ reads from the
    environment (os.environ.get / [] / os.getenv and the env_* helpers)."""
    found: dict[str, bool] = {}
    for node in ast.walk(_settings_tree()):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.setdefault(key.value, False)
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = ast.unparse(node.func)
        if func in ("os.environ.get", "os.getenv") or func in ENV_HELPERS:
            found[first.value] = found.get(first.value, False) or func in SECRET_HELPERS
    return found


@cache
def documented() -> dict[str, str]:
    """{NAME: its table row} for every NAME in backquotes in a table row of the doc."""
    rows: dict[str, str] = {}
    for line in DOCS.read_text().splitlines():
        if not line.startswith("|"):
            continue
        for span in re.findall(r"`([^`]+)`", line):
            for name in re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b", span):
                rows.setdefault(name, line)
    return rows


def test_the_parsers_find_what_they_look_for():
    # A sanity floor, so a broken parser cannot pass the tests below by finding nothing.
    assert {"NASKAH_PUBLIC_BASE_URL", "NASKAH_MASUK_MAX_FILE_MB", "DEBUG"} <= set(settings_read())
    assert {"SECRET_KEY", "DATABASE_URL", "NASKAH_KOTA"} <= set(environment_read())
    assert environment_read()["NASKAH_OIDC_CLIENT_SECRET"] is True
    assert {"DATA_DIR", "NASKAH_KOTA", "Q_WORKERS"} <= set(documented())


def test_every_setting_the_code_reads_is_declared_in_core_settings():
    framework = {name for name in dir(global_settings) if name.isupper()}
    missing = {
        name: sorted(files)
        for name, files in settings_read().items()
        if name not in declared() and name not in framework
    }
    assert not missing, (
        "Read by the code but not declared in core/settings/ (a default hidden in "
        f"getattr): {missing}"
    )


def test_every_setting_the_code_reads_is_listed_in_docs_deployment():
    framework = {name for name in dir(global_settings) if name.isupper()}
    missing = {
        name: sorted(files)
        for name, files in settings_read().items()
        if name not in framework and name not in DERIVED and name not in documented()
    }
    assert not missing, f"Read by the code but not in a table of docs/deployment.md: {missing}"


def test_every_environment_variable_is_listed_in_docs_deployment():
    missing = sorted(set(environment_read()) - set(documented()))
    assert not missing, f"Read by core/settings/ but not in docs/deployment.md: {missing}"


def test_every_secret_documents_its_file_form():
    secrets = [name for name, secret in environment_read().items() if secret]
    assert "SECRET_KEY" in secrets and "EMAIL_HOST_PASSWORD" in secrets
    missing = [name for name in secrets if "_FILE" not in documented().get(name, "")]
    assert not missing, f"Secrets whose row in docs/deployment.md omits NAME_FILE: {missing}"


def test_derived_settings_come_from_documented_variables():
    assert set(DERIVED) <= declared()
    sources = {source for names in DERIVED.values() for source in names}
    assert sources <= set(environment_read()) & set(documented())


def test_env_example_lists_every_environment_variable():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    wanted = set(environment_read())
    wanted |= {f"{name}_FILE" for name, secret in environment_read().items() if secret}
    assert not wanted - listed, f"Missing from .env.example: {sorted(wanted - listed)}"

"""Reads live in selectors, not in services (CONTRIBUTING.md, docs/architecture.md).

The rule: a public function of a services module (``<app>/services.py`` or
``<app>/services/*.py``) changes state: it writes rows or files, enqueues work or writes an
audit event. A function that only reads the database belongs to its app's selectors; one
that reads and is called only inside its service module stays there, private (``_name``).

Whether a function writes cannot be decided from its text in general (it may write through
another function), so this test checks what can be checked honestly:

1. No public function of a services module has a name that says it reads: ``*_for``,
   ``*_list``, ``*_get*`` / ``get_*``, ``report_*``, ``*_check``, ``*_plan``, ``*_open``,
   ``*_many``, ``*_problems``, ``*_due``.
2. The few that carry such a name anyway are listed below with the reason, and the reason is
   checked: a function listed in WRITERS must contain a write in its own body (an ORM write,
   a lock, a transaction, an audit event, a task or another service called), and one listed
   in NOT_DATABASE must not query the database in its own body. A listed name that no
   longer exists fails too, so the lists cannot go stale and cannot hide a read.

A new read named like a read therefore fails here until it moves to selectors.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "naskah", "naskah/masuk", "workflows", "penomoran", "arsip", "signing"]
APPS += ["pertukaran", "api"]
READ_NAME = re.compile(
    r"(_for|_list|_check|_plan|_open|_many|_problems|_due)$|_get(_|$)|^get_|^report_"
)

# Named like a read, but they write (what they write).
WRITERS = {
    "naskah.services.distribusi.distribusi_plan": "creates the letter's Distribusi rows",
    "naskah.services.signing.buku_for": "creates the numbering book on first use",
    "workflows.services.notifikasi.notifikasi_open": "marks the notice read",
    "arsip.services.records.berkas_open": "opens (creates) an archive file, audited",
    "pertukaran.services.pertukaran_plan": "creates the deliveries to partner instances",
}
# Named like a read, but they read no database rows: checks of bytes and files.
NOT_DATABASE = {
    "core.services.storage.storage_open": "opens a stored file (the pending/publish protocol)",
    "naskah.services.drafting.lampiran_pdf_check": "checks uploaded PDF bytes",
    "naskah.services.backup.backup_check": "checks a backup folder against its manifest",
}
WRITES = re.compile(
    r"\.save\(|\.create\(|\.update\(|\.delete\(|bulk_\w+\(|get_or_create\(|update_or_create\("
    r"|select_for_update\(|transaction\.atomic|audit_record\(|async_task\(|task_enqueue\("
    r"|\w+_create\(|\w+_update\("
)
QUERIES = re.compile(r"\.objects\b|\.filter\(|\.exclude\(|select_related\(|\.exists\(\)")


def _service_modules() -> list[Path]:
    paths = []
    for app in APPS:
        base = ROOT / app
        if (base / "services.py").exists():
            paths.append(base / "services.py")
        if (base / "services").is_dir():
            paths += sorted((base / "services").glob("*.py"))
    return paths


def _public_functions() -> dict[str, str]:
    """dotted name -> source of every public top-level function of a services module."""
    out = {}
    for path in _service_modules():
        text = path.read_text()
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                out[f"{module}.{node.name}"] = ast.get_source_segment(text, node) or ""
    return out


def test_service_modules_are_found():
    functions = _public_functions()
    assert len(_service_modules()) > 40
    assert "naskah.services.signing.naskah_sign" in functions


def test_no_read_named_function_in_services():
    functions = _public_functions()
    offenders = sorted(
        name
        for name in functions
        if READ_NAME.search(name.rsplit(".", 1)[1])
        and name not in WRITERS
        and name not in NOT_DATABASE
    )
    assert offenders == [], (
        f"reads belong in the app's selectors (or stay private in the service module): {offenders}"
    )


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_listed_writers_write(name):
    source = _public_functions().get(name)
    assert source is not None, f"{name} is gone: remove it from WRITERS"
    assert WRITES.search(source), f"{name} writes nothing itself: move it to selectors"


@pytest.mark.parametrize("name", sorted(NOT_DATABASE))
def test_listed_non_database_checks_do_not_query(name):
    source = _public_functions().get(name)
    assert source is not None, f"{name} is gone: remove it from NOT_DATABASE"
    assert not QUERIES.search(source), f"{name} queries the database: move it to selectors"


def test_the_name_rule_catches_reads():
    # The pattern itself: the names this test exists for match, writers' verbs do not.
    for name in ("inbox_for", "naskah_list", "naskah_get_for_user", "report_as"):
        assert READ_NAME.search(name), name
    for name in ("naskah_sign_check", "sign_plan", "naskah_route_open", "berkas_due"):
        assert READ_NAME.search(name), name
    for name in ("naskah_sign", "naskah_submit", "nomor_allocate", "berkas_close"):
        assert not READ_NAME.search(name), name

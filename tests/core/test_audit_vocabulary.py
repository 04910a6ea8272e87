"""Every audit action the code writes is a constant of an app's events.py (issue 12 item 7).

The scan reads the source (no database): no string literal, f-string or concatenation is
passed as an action, and no literal spells an action name outside the events modules,
except where the import direction forbids the import (DESIGN.md: core may not import the
apps above it).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import core

ROOT = Path(core.__file__).resolve().parent.parent
# The apps with an events.py and their place in the import direction (lower imports nothing
# above it; naskah and naskah.masuk import each other).
APPS = {
    "core": 0,
    "workflows": 1,
    "signing": 1,
    "penomoran": 1,
    "naskah": 2,
    "naskah/masuk": 2,
    "arsip": 3,
    "pertukaran": 3,
    "api": 4,
}
SKIP = {".venv", "tests", "migrations", "node_modules", "static", "__pycache__"}
WRITERS = {"audit_record", "audit_event_build"}
ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def vocabulary() -> dict[str, str]:
    """Action value -> the app whose events.py defines it."""
    values: dict[str, str] = {}
    for app in APPS:
        module = importlib.import_module(app.replace("/", ".") + ".events")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                assert value not in values, f"{value!r} defined twice"
                values[value] = app
    return values


def app_of(rel: Path) -> str | None:
    parts = rel.parts
    if len(parts) > 2 and "/".join(parts[:2]) in APPS:
        return "/".join(parts[:2])
    if len(parts) > 1 and parts[0] in APPS:
        return parts[0]
    return None


def may_import(module_app: str | None, events_app: str) -> bool:
    if module_app is None or module_app == events_app:
        return True
    if {module_app, events_app} == {"naskah", "naskah/masuk"}:
        return True
    return APPS[events_app] < APPS[module_app]


def _is_literal(node: ast.AST) -> bool:
    """A string spelled out at the call site rather than a name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) or _is_literal(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_literal(node.func.value)
    return False


def offences(source: str, rel: Path, values: dict[str, str]) -> list[str]:
    tree = ast.parse(source)
    app = app_of(rel)
    found = []
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            for keyword in node.keywords:
                if keyword.arg != "action" or not _is_literal(keyword.value):
                    continue
                value = keyword.value
                plain = isinstance(value, ast.Constant) and not ACTION.match(value.value)
                if name in WRITERS or not plain:  # argparse's action="store_true" is no event
                    found.append(f"{rel}:{node.lineno}: {name}(action={ast.unparse(value)})")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in values
            and id(node) not in docstrings
            and may_import(app, values[node.value])
        ):
            found.append(f"{rel}:{node.lineno}: literal {node.value!r}")
    return found


def test_events_modules_name_each_action_once_by_its_value():
    values = vocabulary()
    assert len(values) > 100
    for app in APPS:
        module = importlib.import_module(app.replace("/", ".") + ".events")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                assert ACTION.match(value), value
                assert name == value.upper().replace(".", "_"), (name, value)


def test_no_action_is_spelled_outside_the_events_modules():
    values = vocabulary()
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP & set(rel.parts[:-1]) or (rel.name == "events.py" and app_of(rel)):
            continue
        found += offences(path.read_text(), rel, values)
    assert found == [], "use the events.py constants (/work/tools/audit_codemod.py):\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize(
    "snippet",
    [
        'audit_record(actor=None, action="naskah.sign")',
        'audit_record(actor=None, action=f"naskah.{kind}")',
        'audit_event_build(actor=None, action="naskah." + kind)',
        'audit_record(actor=None, action="naskah.a" if x else NASKAH_SIGN)',
        '_nomor_issue(book, action="penomoran.nomor.allocate")',
        'EVENT_MAP = {"naskah.sign": 1}',
    ],
)
def test_the_scan_finds_a_spelled_out_action(snippet):
    assert offences(snippet, Path("naskah/services/x.py"), vocabulary())


def test_the_scan_accepts_constants_and_the_import_direction():
    values = vocabulary()
    assert (
        offences("audit_record(actor=None, action=NASKAH_SIGN)", Path("naskah/x.py"), values) == []
    )
    assert (
        offences('p.add_argument("--check", action="store_true")', Path("api/x.py"), values) == []
    )
    # core may not import signing: core.observability counts signatures by the value.
    assert offences('SIGNATURE_ACTIONS = ("signing.pdf_sign",)', Path("core/x.py"), values) == []
    assert offences('X = ("signing.pdf_sign",)', Path("naskah/x.py"), values)

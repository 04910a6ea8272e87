"""One vocabulary: urgency, security classes, the confidential set, the printed words, SLA
hours and number prefixes are defined in core/vocabulary.py and nowhere else (issue 12).

The scan reads every production module's syntax tree (tests and migrations aside) and
refuses a class or a collection that spells one of these concepts again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from core import vocabulary
from core.vocabulary import (
    CONFIDENTIAL,
    CONFIDENTIAL_CETAK,
    KLASIFIKASI_CETAK,
    SIFAT_PREFIXES,
    SLA_JAM,
    URGENSI_CETAK,
    KlasifikasiKeamanan,
    Urgensi,
)

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "core" / "vocabulary.py"
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "static", ".git"}

CLASS_NAMES = {"Urgensi", "Urgency", "KlasifikasiKeamanan", "KelasKeamanan"}
URGENCY_KEYS = frozenset(Urgensi.values) | frozenset(Urgensi.names)
CLASS_KEYS = frozenset(KlasifikasiKeamanan.values) | frozenset(KlasifikasiKeamanan.names)
CONFIDENTIAL_SPELLINGS = (
    frozenset({"rahasia", "sangat_rahasia"}),
    frozenset({"RAHASIA", "SANGAT_RAHASIA"}),
    frozenset({"Rahasia", "Sangat Rahasia"}),
)


def _key(node: ast.AST) -> str | None:
    """A string constant's value or an attribute's last name (KlasifikasiKeamanan.BIASA)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _spells(keys: list[str | None], vocabulary_keys: frozenset[str]) -> bool:
    """Whether a collection's keys are one whole vocabulary (all its values or all its names)."""
    if None in keys or len(keys) < 3:
        return False
    found = set(keys)
    return (
        found <= vocabulary_keys
        and len(found) == len(keys)
        and (
            found >= {"amat_segera", "segera", "biasa"}
            or found >= {"AMAT_SEGERA", "SEGERA", "BIASA"}
            or found >= {"biasa", "terbatas", "rahasia", "sangat_rahasia"}
            or found >= {"BIASA", "TERBATAS", "RAHASIA", "SANGAT_RAHASIA"}
        )
    )


def vocabulary_copies(source: str, name: str = "<source>") -> list[str]:
    """Every place in one module that defines the shared vocabulary again."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ClassDef):
            members = [
                _key(stmt.value.elts[0])
                if isinstance(stmt.value, ast.Tuple) and stmt.value.elts
                else _key(stmt.value)
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
            ]
            if node.name in CLASS_NAMES or _spells(members, URGENCY_KEYS | CLASS_KEYS):
                found.append(f"{where} class {node.name}")
        elif isinstance(node, ast.Dict):
            keys = [_key(k) if k is not None else None for k in node.keys]
            if _spells(keys, URGENCY_KEYS) or _spells(keys, CLASS_KEYS):
                found.append(f"{where} a table keyed by urgency or security class")
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            keys = [_key(element) for element in node.elts]
            if len(keys) == 2 and None not in keys and frozenset(keys) in CONFIDENTIAL_SPELLINGS:
                found.append(f"{where} a confidential set")
            elif _spells(keys, URGENCY_KEYS) or _spells(keys, CLASS_KEYS):
                found.append(f"{where} a list of every urgency or security class")
    return found


def _production_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(relative.parts[:-1]) or path == HOME:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_the_vocabulary_is_defined_once_in_the_tree():
    copies = [
        copy
        for relative, source in _production_modules()
        for copy in vocabulary_copies(source, str(relative))
    ]
    assert copies == [], "define these in core/vocabulary.py and import them:\n" + "\n".join(copies)


OLD_COPIES = {
    "a choices class": """
class Urgency(models.TextChoices):
    AMAT_SEGERA = "amat_segera", _("Very urgent")
    SEGERA = "segera", _("Urgent")
    BIASA = "biasa", _("Normal")
""",
    "a renamed choices class": """
class Keamanan(models.TextChoices):
    BIASA = "biasa", _("Ordinary")
    TERBATAS = "terbatas", _("Limited")
    RAHASIA = "rahasia", _("Secret")
    SANGAT_RAHASIA = "sangat_rahasia", _("Top secret")
""",
    "a confidential set": "SECRET_CLASSES = (K.RAHASIA, K.SANGAT_RAHASIA)\n",
    "a printed confidential set": 'SECURITY_RED = ("Rahasia", "Sangat Rahasia")\n',
    "an SLA table": 'DEFAULT_SLA_JAM = {"amat_segera": 24, "segera": 48, "biasa": 120}\n',
    "a prefix table": 'P = {"biasa": "B", "terbatas": "T", "rahasia": "R", "sangat_rahasia": "S"}',
    "a label table": "L = {U.AMAT_SEGERA: 'Amat Segera', U.SEGERA: 'Segera', U.BIASA: 'Biasa'}\n",
}


@pytest.mark.parametrize("source", OLD_COPIES.values(), ids=OLD_COPIES.keys())
def test_the_scan_finds_each_kind_of_copy_that_the_tree_used_to_hold(source):
    assert vocabulary_copies(source)


def test_the_scan_leaves_ordinary_code_alone():
    source = """
allowed = [KlasifikasiKeamanan.BIASA, KlasifikasiKeamanan.TERBATAS]
if kelas in CONFIDENTIAL:
    pass
status = {"biasa": 1}
"""
    assert vocabulary_copies(source) == []


def test_the_home_module_holds_each_concept():
    assert vocabulary_copies(HOME.read_text(encoding="utf-8"))  # the one definition is here
    assert set(CONFIDENTIAL) == {"rahasia", "sangat_rahasia"}
    assert CONFIDENTIAL_CETAK == ("Rahasia", "Sangat Rahasia")
    assert set(URGENSI_CETAK) == set(Urgensi.values)
    assert set(KLASIFIKASI_CETAK) == set(KlasifikasiKeamanan.values)
    assert set(SLA_JAM) == set(Urgensi.values)
    assert set(SIFAT_PREFIXES) == set(KlasifikasiKeamanan.values)
    assert vocabulary.KLASIFIKASI_RANK["biasa"] < vocabulary.KLASIFIKASI_RANK["sangat_rahasia"]


def test_each_label_has_one_wording_per_language():
    with translation.override("id"):
        assert [str(label) for label in KlasifikasiKeamanan.labels] == list(
            KLASIFIKASI_CETAK.values()
        )
        assert [str(label) for label in Urgensi.labels] == list(URGENSI_CETAK.values())
    with translation.override("en"):
        assert [str(label) for label in KlasifikasiKeamanan.labels] == [
            "Ordinary (Biasa)",
            "Restricted (Terbatas)",
            "Secret (Rahasia)",
            "Top secret (Sangat Rahasia)",
        ]
        assert [str(label) for label in Urgensi.labels] == [
            "Very urgent (Amat Segera)",
            "Urgent (Segera)",
            "Normal (Biasa)",
        ]

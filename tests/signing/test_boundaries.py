"""signing/ works on PDF bytes and signer identities only (DESIGN: imports point one way),
and the tuned signer makes exactly one RSA signature per document (no trial signature)."""

from __future__ import annotations

import ast
from pathlib import Path

import signing
from signing.pades import CachedKeySigner, pades_sign
from signing.services import signer_unlock
from tests.signing.conftest import PASSPHRASE, make_pdf

FORBIDDEN = {"naskah", "workflows", "arsip"}


def test_signing_never_imports_letters_workflows_or_archive():
    root = Path(signing.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_tuned_signer_signs_once_per_document(enrolled, monkeypatch):
    calls = []
    original = CachedKeySigner.sign_raw

    def counting(self, data, digest_algorithm):
        calls.append(len(data))
        return original(self, data, digest_algorithm)

    monkeypatch.setattr(CachedKeySigner, "sign_raw", counting)
    with signer_unlock(signer=enrolled, passphrase=PASSPHRASE) as key:
        pades_sign(make_pdf(), signer=key.pyhanko_signer(), field_name="TTE")
    assert len(calls) == 1

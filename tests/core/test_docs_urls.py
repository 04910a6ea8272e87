"""The URLs the user-facing docs name are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", ["incoming.md"])
def test_every_url_in_the_doc_resolves(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    paths = set(re.findall(r"`(/[a-z0-9\-/<>_.]+)`", text))
    assert paths, "the doc names no URL"
    unresolved = []
    for path in sorted(paths):
        concrete = re.sub(r"<[a-z_]+>", "1", path)
        try:
            resolve(concrete)
        except Resolver404:
            unresolved.append(path)
    assert not unresolved, f"{name} names URLs that do not exist: {unresolved}"

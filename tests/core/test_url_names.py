"""Every named URL of the project follows the naming rule of docs/glossary.md ("View and URL
names"): a view is `<entity>_<action>` in English (the regulated noun as entity, no `_view`
suffix), and its URL name is the view's name without a leading `<namespace>_`. The rule is
checked on the live resolver, so a new page that breaks it fails here."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# Names that Django or a library expects (class-based views from django.contrib.auth,
# mozilla-django-oidc) and the admin, the passkey views and the API's generated pages.
LIBRARY_MODULES = ("django.", "django_otp", "ninja.", "functools")
LIBRARY_NAMESPACES = {"admin", "otp_webauthn", "api-v1"}

# Indonesian words for engine actions and pages: the rule wants English there. Regulated
# nouns (naskah, disposisi, berkas, penyusutan, berita_acara, pertinggal, ...) are allowed.
INDONESIAN_ACTIONS = {
    "ajukan", "aksi", "alihkan", "asli", "bagikan", "balasan", "baru", "batal", "buka",
    "cabut", "cadangkan", "cari", "daftar", "dasbor", "dibaca", "dokumen", "ekspor", "gambar",
    "hapus", "impor", "kirim", "koreksi", "lanjut", "lapor", "laporan", "lembar", "pencarian",
    "simpan", "tarik", "terapkan", "teruskan", "tutup", "ubah", "ulang", "unggah",
}  # fmt: skip


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in LIBRARY_NAMESPACES:
                continue
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry


def _project_views():
    rows = []
    for namespace, entry in _patterns():
        view = getattr(entry.callback, "view_class", entry.callback)
        if view.__module__.startswith(LIBRARY_MODULES):
            continue
        rows.append((namespace, entry.name, view))
    return rows


def test_the_resolver_is_walked():
    names = {f"{ns}:{name}" for ns, name, _ in _project_views()}
    assert {"naskah:alur_submit", "masuk:suratmasuk_detail", "arsip:record_detail"} <= names
    assert len(names) > 100


@pytest.mark.parametrize(
    ("namespace", "url_name", "view"),
    [pytest.param(*row, id=f"{row[0]}:{row[1]}") for row in _project_views()],
)
def test_url_and_view_names_follow_the_rule(namespace, url_name, view):
    assert SNAKE.match(url_name), f"{url_name}: URL names are lower-case snake_case"
    words = set(url_name.split("_"))
    assert not words & INDONESIAN_ACTIONS, f"{url_name}: actions and pages are English"
    if isinstance(view, type):
        # Class-based views: `<Entity><Action>View`; their URL names are the ones Django
        # and the sign-in libraries expect (login, logout, oidc_authentication_*).
        assert view.__name__.endswith("View")
        return
    name = view.__name__
    assert SNAKE.match(name), name
    assert not name.endswith("_view"), f"{name}: no _view suffix"
    assert not set(name.split("_")) & INDONESIAN_ACTIONS, f"{name}: actions are English"
    short = name.removeprefix(f"{namespace}_") if namespace else name
    # One view mounted at a second path takes a qualifier (`ocsp_get`, `revision_pdf`).
    assert url_name in {name, short} or re.fullmatch(
        rf"({short}_[a-z0-9]+|[a-z0-9]+_{short})", url_name
    ), f"{namespace}:{url_name} is served by {name}: the URL name is the view's name"

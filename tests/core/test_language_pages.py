"""Every main page in English carries no Indonesian-only interface word, and in Indonesian
no English one. Only what the reader sees or hears is checked (text and the title,
aria-label, placeholder and alt attributes, without scripts), so URLs and class names do not
count; document content (subjects, names) is chosen in the fixtures to hold none of the
words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

# Common interface words of the Indonesian msgstrs (locale/id), never in the demo data.
INDONESIAN_ONLY = [
    "Simpan",
    "Kembali",
    "Batal",
    "Tindak lanjut",
    "Perlu tindakan",
    "Beranda",
    "Keluar",
    "Notifikasi",
    "Pengaturan",
    "Lainnya",
    "Belum ada",
    "Tidak ada",
    "Semua",
    "Ubah",
    "Untuk diketahui",  # a seeded disposition instruction, shown translated
]
ENGLISH_ONLY = [
    "Save",
    "Cancel",
    "Back",
    "Needs action",
    "Notifications",
    "Sign out",
    "Incoming letters",
    "Search",
    "Nothing here",
    "Settings",
    "For information",
]
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts.extend(value or "" for name, value in attrs if name in READ_ATTRIBUTES)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _found(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]


def _pages(demo):
    from arsip.services.intake import arsip_record_from_suratmasuk
    from penomoran.models import BukuNomor
    from tests.core.test_csp_browser import _incoming_letter
    from tests.naskah.alur_helpers import letter, submit, waiting

    surat = _incoming_letter()
    record = arsip_record_from_suratmasuk(surat)
    draft = letter(demo, "prakommuda", hal="Permohonan Data Layanan")
    routed = letter(demo, "prakommuda", hal="Permohonan Data Aplikasi")
    submit(demo, routed)
    step = waiting(routed)[0]
    buku = BukuNomor.objects.order_by("pk").first()
    return [
        ("prakommuda", "/"),
        ("prakommuda", "/naskah/"),
        ("prakommuda", "/naskah/semua/"),
        ("prakommuda", "/naskah/baru/"),
        ("prakommuda", "/naskah/baru/surat_dinas/"),
        ("prakommuda", f"/naskah/{draft.pk}/"),
        ("prakommuda", f"/naskah/{routed.pk}/alur/"),
        ("prakommuda", "/naskah/masuk-internal/"),
        ("prakommuda", "/alur/notifikasi/"),
        ("prakommuda", "/tte/"),
        ("prakommuda", "/organisasi/"),
        (step.assignee.username, "/alur/"),
        (step.assignee.username, f"/alur/{step.route_id}/"),
        (step.assignee.username, "/naskah/tte/batch/"),
        ("agendaris", "/surat-masuk/surat/"),
        ("agendaris", "/surat-masuk/surat/baru/"),
        ("agendaris", f"/surat-masuk/surat/{surat.pk}/"),
        ("agendaris", "/penomoran/"),
        ("agendaris", f"/penomoran/{buku.pk}/"),
        ("karoumum", "/surat-masuk/dasbor/"),
        ("karoumum", f"/surat-masuk/surat/{surat.pk}/"),
        ("arsiparis", "/arsip/"),
        ("arsiparis", "/arsip/?q=Sosialisasi"),
        ("arsiparis", f"/arsip/rekaman/{record.pk}/"),
        ("arsiparis", "/arsip/berkas/"),
        (None, "/masuk/"),
        (None, "/tidak-ada-laman-ini/"),
    ]


def _walk(client, demo, pages, language: str, words: list[str], own: str) -> list[str]:
    problems = []
    for username, path in pages:
        client.logout()
        if username:
            client.force_login(demo[username])
        client.cookies["django_language"] = language
        response = client.get(path, follow=True)
        assert response.status_code in (200, 404), (path, response.status_code)
        text = visible_text(response.content.decode())
        if username:  # the page is in the language asked for (the navigation's first link)
            assert _found(text, [own]), (path, language, text[:200])
        found = _found(text, words)
        if found:
            problems.append(f"{username} {path} ({language}): {found}")
    return problems


def test_main_pages_carry_no_interface_word_of_the_other_language(client, demo, settings):
    pages = _pages(demo)
    problems = _walk(client, demo, pages, "en", INDONESIAN_ONLY, own="Home")
    settings.LANGUAGE_CODE = "id"
    problems += _walk(client, demo, pages, "id", ENGLISH_ONLY, own="Beranda")
    assert not problems, "\n".join(problems)


def test_the_word_check_finds_a_word_in_text_and_labels_but_not_in_urls():
    html = (
        '<a href="/keluar/" class="Kembali">x</a><script>var s = "Simpan";</script>'
        '<button aria-label="Batal">y</button><p>Tindak lanjut</p>'
    )
    assert _found(visible_text(html), INDONESIAN_ONLY) == ["Batal", "Tindak lanjut"]

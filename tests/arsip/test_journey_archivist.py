"""The archivist's journey in headless Chromium at a desktop (1366×768) and a phone
(390×844) size (issue 15 item 10): the search start page (recent records) → a search that
finds one letter held by two units (the issuer's copy marked, a thumbnail per hit) → the
record of the outgoing letter with its sealed PDF drawn in the page → back to the results,
the recipient copy (its holder link) with its delivered PDF → a second search, the scanned
incoming letter with its scan → the berkas, closed after a
confirmation that shows the retention (JRA) that will apply. Every step's page is checked
(tests/a11y.py journey_check): no serious or critical axe-core violation, no sideways
scroll, its PDF viewers drawn, no interface word of the other language (the desktop walk in
English, the phone walk in Indonesian).

Screenshots of every step go to $NASKAH_SCREENSHOT_DIR/<size>/ or
build/screenshots/journey-archive/<size>/ (gitignored), named NN-step.png
(docs/accessibility.md)."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.a11y import journey_check, language_cookie
from tests.browser_login import sign_in

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# The desktop walk reads English, the phone walk Indonesian (the browser's language).
LANGUAGES = {"desktop": ("en", "en-US"), "phone": ("id", "id-ID")}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _shot_dir(size: str) -> Path:
    root = os.environ.get("NASKAH_SCREENSHOT_DIR")
    base = (
        Path(root)
        if root
        else Path(django_settings.BASE_DIR) / "build" / "screenshots" / "journey-archive"
    )
    target = base / size
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return target


class Shots:
    def __init__(self, size: str):
        self.dir = _shot_dir(size)
        self.width = SIZES[size]["viewport"]["width"]
        self.language = LANGUAGES[size][0]
        self.step = 0

    def __call__(self, page, name: str) -> None:
        self.step += 1
        journey_check(page, self.width, name, language=self.language)
        page.screenshot(path=str(self.dir / f"{self.step:02d}-{name}.png"), full_page=True)


def _fetch(page, url: str) -> tuple[int, str, bytes]:
    if url.startswith("/"):
        url = page.url.split("/arsip/")[0] + url
    response = page.request.get(url)
    return response.status, response.headers.get("content-type", ""), response.body()


def _letters(demo):
    """A Surat Dinas signed at DISKOMINFOTIK and delivered to DISDIKBUD (two copies) and
    the demo's scanned incoming letter, archived; the letter's code has a JRA."""
    from arsip.services.intake import arsip_sync_sources
    from naskah.masuk.demo import demo_seed_masuk
    from naskah.services.distribusi import naskah_dispatch
    from tests.arsip.conftest import set_jra
    from tests.naskah.test_tte_flow import _signed

    naskah = _signed(demo, hal="Permohonan Data Layanan Aplikasi")
    set_jra(naskah.kode_klasifikasi.kode, 2, 3, "musnah")
    naskah_dispatch(naskah=naskah)
    demo_seed_masuk(run_ocr=False)
    arsip_sync_sources()
    return naskah


def _letters_in_thread(demo):
    from django.db import connection

    try:
        return _letters(demo)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_archivist_journey(size, live_server, demo, browser, tmp_path, settings):
    from arsip.models import ArsipRecord, Berkas

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ARSIP_INDEX_SYNC = True
    base = live_server.url
    # Signing runs its own asyncio loop (pyHanko); Playwright's loop runs in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        naskah = pool.submit(_letters_in_thread, demo).result()
    issuer = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(naskah.pk))
    shot = Shots(size)
    context = browser.new_context(**SIZES[size], locale=LANGUAGES[size][1])
    language_cookie(context, base, LANGUAGES[size][0])
    page = context.new_page()
    try:
        sign_in(page, base, "arsiparis")

        # 1. The start page: recent records this archivist may read, no saved search yet.
        page.goto(f"{base}/arsip/")
        assert page.locator("#recent .arsip-hit").count() == 2  # two letters, three records
        assert page.locator("#saved").is_visible()
        # Each thumbnail is made on its first request (lazily) and then shown.
        page.wait_for_function(
            "() => [...document.querySelectorAll('#recent img')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        shot(page, "start-page")

        # 2. Search: one result for the letter, held by two units, the issuer's marked.
        page.fill("#id_q", "permohonan data layanan")
        page.click("#search-submit")
        page.wait_for_load_state()
        hits = page.locator("#results .arsip-hit")
        assert hits.count() == 1
        holders = hits.first.locator(".arsip-holders a")
        assert holders.count() == 2
        assert hits.first.locator(".arsip-holders .badge").count() == 1  # the issuer
        assert "DISKOMINFOTIK" not in hits.first.locator(".arsip-holders").inner_text()
        thumb = hits.first.locator("img")
        thumb.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
        )
        assert page.locator("select#id_jenis_kode").count() == 1
        shot(page, "search-one-result-per-letter")

        # 3. The outgoing letter's record: its sealed PDF drawn in the page.
        hits.first.locator("a.fw-semibold").click()
        page.wait_for_load_state()
        page.wait_for_selector("#record-pdf[data-pdf-state=ready] canvas", timeout=30000)
        link = page.locator("#record-links a").first
        assert page.url.endswith(f"/arsip/rekaman/{issuer.pk}/")  # the issuer's record
        assert page.locator("#record-body-text").get_attribute("open") is None  # text folded
        status, ctype, body = _fetch(page, link.get_attribute("href"))
        assert status == 200 and ctype == "application/pdf" and body.startswith(b"%PDF")
        shot(page, "outgoing-letter-record-with-pdf")

        # 4. The recipient copy, from the search: the holder that is not the issuer.
        copy = ArsipRecord.objects.exclude(pk=issuer.pk).get(surat_kunci=issuer.surat_kunci)
        page.go_back()
        page.wait_for_load_state()
        holder = page.locator(f"#results .arsip-holders a[href='/arsip/rekaman/{copy.pk}/']")
        assert holder.inner_text() == copy.unit.nama
        holder.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/arsip/rekaman/{copy.pk}/")
        page.wait_for_selector("#record-pdf[data-pdf-state=ready] canvas", timeout=30000)
        href = page.locator("#record-links a").first.get_attribute("href")
        status, ctype, body = _fetch(page, href)
        assert status == 200 and body.startswith(b"%PDF")
        shot(page, "recipient-copy-record-with-pdf")

        # 5. The scanned incoming letter: found by its subject, its scan shown.
        page.goto(f"{base}/arsip/")
        page.fill("#id_q", "undangan rapat koordinasi")
        page.click("#search-submit")
        page.wait_for_load_state()
        page.locator("#results .arsip-hit a.fw-semibold").first.click()
        page.wait_for_load_state()
        page.wait_for_function(
            "() => { const i = document.querySelector('#record-image img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        href = page.locator("#record-links a").first.get_attribute("href")
        status, ctype, body = _fetch(page, href)
        assert status == 200 and ctype.startswith("image/")
        shot(page, "scanned-letter-record-with-scan")

        # 6. The berkas of the outgoing letter: closing asks first and shows the JRA.
        page.goto(f"{base}/arsip/rekaman/{issuer.pk}/")
        page.locator("dd a[href^='/arsip/berkas/']").click()
        page.wait_for_load_state()
        page.click("#berkas-close")
        page.wait_for_load_state()
        confirm = page.locator("#tutup")
        assert confirm.is_visible()
        assert "2 years active" in confirm.inner_text() or "2 tahun" in confirm.inner_text()
        issuer.refresh_from_db()
        assert issuer.berkas.status == Berkas.Status.TERBUKA  # nothing closed yet
        shot(page, "berkas-close-confirmation")
        page.click("#berkas-close-confirm")
        page.wait_for_load_state()
        issuer.refresh_from_db()
        assert issuer.berkas.status == Berkas.Status.AKTIF
        assert page.locator("#berkas-close").count() == 0
        shot(page, "berkas-closed")
    finally:
        context.close()

"""Drive the drafting page in headless Chromium: type into the form and watch the live
preview refresh with the typed text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop; Django must allow ORM use from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def _preview_text(page, base: str) -> str:
    src = page.locator("#preview [data-pdf-viewer]").get_attribute("data-src")
    response = page.request.get(base + src)
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


@pytest.mark.django_db(transaction=True)
def test_typing_updates_the_live_preview(live_server, demo, browser_page, tmp_path):
    page = browser_page
    sign_in(page, live_server.url, "prakommuda")
    page.goto(f"{live_server.url}/naskah/baru/surat_undangan/")

    page.fill("#id_hal", "Undangan Rapat Uji Peramban")
    page.fill("#id_f_hari_tanggal", "2026-11-30")
    page.fill("#id_f_waktu", "09.00 WIB s.d. selesai")
    page.fill("#id_f_tempat_acara", "Ruang Rapat Way Kanan")
    page.fill("#id_f_acara", "Uji Pratinjau Langsung")
    page.fill(
        "#id_body", "Dengan hormat, kami mengundang Saudara pada:\n\nMohon hadir **tepat waktu**."
    )
    page.fill("#penerima-q", "Pendidikan")
    page.locator("[data-penerima]").first.click()
    page.wait_for_selector("#preview [data-pdf-viewer]", timeout=20000)
    page.wait_for_function(
        "document.querySelector('#preview [data-pdf-viewer]') !== null", timeout=20000
    )
    page.wait_for_timeout(1500)
    first_src = page.locator("#preview [data-pdf-viewer]").get_attribute("data-src")
    text = _preview_text(page, live_server.url)
    assert "Uji Pratinjau Langsung" in text and "Dinas Pendidikan" in text
    page.screenshot(path=str(tmp_path / "drafting-1.png"), full_page=True)

    page.fill("#id_f_acara", "Acara Diubah Saat Mengetik")
    page.wait_for_function(
        "src => document.querySelector('#preview [data-pdf-viewer]')"
        " && document.querySelector('#preview [data-pdf-viewer]').getAttribute('data-src') !== src",
        arg=first_src,
        timeout=20000,
    )
    assert "Acara Diubah Saat Mengetik" in _preview_text(page, live_server.url)
    page.screenshot(path=str(tmp_path / "drafting-2.png"), full_page=True)

    page.click("button[type=submit].btn-primary")
    page.wait_for_url("**/naskah/*/")
    assert "revision 1" in page.content().lower() or "revisi 1" in page.content().lower()

    # A second revision, then the side-by-side comparison.
    page.fill("#id_hal", "Undangan Rapat Uji Peramban (perbaikan)")
    page.fill("#id_body", "Dengan hormat, kami mengundang Saudara pada:\n\nMohon hadir lebih awal.")
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()
    page.click("text=Revision history")
    page.wait_for_selector("table.naskah-diff")
    diff = page.locator("table.naskah-diff").first.inner_text()
    assert "(perbaikan)" in diff
    assert "Mohon hadir lebih awal." in page.locator("table.naskah-diff").nth(1).inner_text()
    page.screenshot(path=str(tmp_path / "drafting-3.png"), full_page=True)

    shots = os.environ.get("NASKAH_SCREENSHOT_DIR")
    if shots:
        for name in ("drafting-1.png", "drafting-2.png", "drafting-3.png"):
            Path(shots, name).write_bytes((tmp_path / name).read_bytes())

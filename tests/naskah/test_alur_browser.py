"""The approval walk in headless Chromium on the demo organisation: a staff member of Dinas
Kominfotik submits a letter, the proposed paraf chain initials it, the Kepala Dinas finds it
in "Perlu tindakan" and returns it with a note, which the drafter then reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from naskah.models import Naskah
from tests.browser_login import sign_in
from tests.naskah.alur_helpers import letter

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
PASSWORD = "demo-pass-123"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop; Django must allow ORM use from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def session(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def paraf_from_inbox(browser, base, username, hal, shots, name):
    page = session(browser, base, username)
    page.goto(f"{base}/alur/?tab=tindakan")
    page.get_by_role("link", name=hal).first.click()
    page.wait_for_selector("form.alur-action")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.locator("form.alur-action button[value=paraf]").first.click()
    page.wait_for_load_state()
    page.context.close()


def test_paraf_chain_to_the_kepala_dinas_and_a_return_with_a_note(
    live_server, demo, browser, tmp_path
):
    shots = Path(os.environ.get("NASKAH_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    hal = "Permohonan Integrasi Aplikasi Layanan"
    naskah = letter(demo, "stafaptika", hal=hal)

    # The drafter sees the proposed route, then submits.
    page = session(browser, base, "stafaptika")
    page.goto(f"{base}/naskah/{naskah.pk}/alur/")
    page.click("#btn-ajukan")
    page.wait_for_selector("#proposed-route")
    route_text = page.inner_text("#proposed-route")
    assert "Kepala Bidang Aplikasi Informatika" in route_text
    assert "Kepala Dinas Komunikasi, Informatika dan Statistik" in route_text
    page.screenshot(path=str(shots / "1-usulan-rute.png"), full_page=True)
    page.click("#btn-submit")
    page.wait_for_selector("#route-stages")
    page.context.close()
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN

    # stafaptika is in the work team: its ketua initials first, then the Kepala Bidang.
    paraf_from_inbox(browser, base, "prakommuda", hal, shots, "2-ketua-tim")
    paraf_from_inbox(browser, base, "kabidaptika", hal, shots, "3-kabid")
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN

    # The signer finds it in "Perlu tindakan" (with its type and a counter) and returns it.
    page = session(browser, base, "kadiskominfo")
    page.goto(f"{base}/alur/?tab=tindakan")
    inbox = page.inner_text("main")
    assert hal in inbox and "Surat Dinas" in inbox
    page.screenshot(path=str(shots / "4-perlu-tindakan-kadis.png"), full_page=True)
    page.get_by_role("link", name=hal).first.click()
    page.wait_for_selector("form.alur-action")
    assert page.locator("[data-counter=perlu_tindakan]").inner_text() == "1"
    page.fill("form.alur-action textarea", "Mohon lengkapi dasar hukum pada paragraf pertama.")
    page.locator("form.alur-action button[value=return]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "5-dikembalikan.png"), full_page=True)
    page.context.close()
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIKEMBALIKAN

    # The drafter reads the note on the letter page.
    page = session(browser, base, "stafaptika")
    page.goto(f"{base}/naskah/{naskah.pk}/alur/")
    timeline = page.inner_text("#timeline")
    assert "Mohon lengkapi dasar hukum pada paragraf pertama." in timeline
    assert page.locator("[data-status=dikembalikan]").count() == 1
    assert page.locator("[data-counter=dikembalikan]").inner_text() == "1"
    page.screenshot(path=str(shots / "6-konseptor-membaca-catatan.png"), full_page=True)
    page.context.close()

"""Headless Chromium: drafted → initialled (approval page) → signed (signing page) →
received (recipient's inbox, read receipt) → verified (public page); batch signing with the
htmx progress bar. Screenshots go to the test's tmp_path (and NASKAH_SCREENSHOT_DIR if set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser_login import sign_in
from tests.letters import make_letter
from tests.naskah.tte_helpers import PASSPHRASE, enroll, jabatan

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
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _shot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    target = os.environ.get("NASKAH_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def _login(browser, base, username):
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    sign_in(page, base, username)
    return page


@pytest.mark.django_db(transaction=True)
def test_drafted_approved_signed_received(live_server, demo, browser, tmp_path, settings):
    from core.models import UnitKerja
    from naskah.markup import blocks_from_markup
    from naskah.models import Distribusi, Naskah
    from naskah.tasks import naskah_dispatch_task

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NASKAH_PUBLIC_BASE_URL = live_server.url
    enroll(demo["kadiskominfo"])
    naskah = make_letter(
        demo,
        "submitted",
        hal="Permohonan Data Uji Peramban",
        body=blocks_from_markup("Dengan hormat, kami mohon data layanan aplikasi."),
        penerima=[
            {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
            {"jenis": "tembusan", "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk},
        ],
    )

    # Approved: the Kepala Bidang initials on the approval page.
    page = _login(browser, live_server.url, "kabidaptika")
    page.goto(f"{live_server.url}/naskah/{naskah.pk}/alur/")
    page.locator("button[value=paraf]").first.click()
    page.wait_for_load_state()
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN

    # Signed: the Kepala Dinas enters the passphrase on the signing page.
    page = _login(browser, live_server.url, "kadiskominfo")
    page.goto(f"{live_server.url}/naskah/{naskah.pk}/tte/")
    page.fill("#id_passphrase", "salah-salah-salah")
    page.click("#btn-sign")
    page.wait_for_selector(".alert-danger")
    _shot(page, tmp_path, "tte-1-wrong-passphrase")
    page.fill("#id_passphrase", PASSPHRASE)
    page.click("#btn-sign")
    page.wait_for_selector(".alert-success")
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI
    assert naskah.nomor in page.content()
    _shot(page, tmp_path, "tte-2-signed")

    # Dispatch (the worker's task), then received: the tembusan's holder sees it.
    naskah_dispatch_task(naskah.pk)
    page = _login(browser, live_server.url, "sekda")
    page.goto(f"{live_server.url}/naskah/masuk-internal/")
    assert naskah.nomor in page.locator("#naskah-masuk").inner_text()
    _shot(page, tmp_path, "tte-3-inbox")
    response = page.request.get(f"{live_server.url}/naskah/{naskah.pk}/tte/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    assert Distribusi.objects.get(naskah=naskah, pegawai=demo["sekda"]).dibaca_pada

    # Verified by anyone, without login, through the QR target.
    anon = browser.new_context().new_page()
    anon.goto(f"{live_server.url}/verifikasi/{naskah.tte.token}")
    assert "alert-success" in anon.locator("#verifikasi-hasil").get_attribute("class")
    assert naskah.nomor in anon.locator("#verifikasi-data").inner_text()
    _shot(anon, tmp_path, "tte-4-verification")


@pytest.mark.django_db(transaction=True)
def test_batch_signing_progress_bar(live_server, demo, browser, tmp_path, settings):
    from naskah.models import Naskah
    from tests.naskah.tte_helpers import ready_letter

    settings.MEDIA_ROOT = str(tmp_path / "media")
    enroll(demo["kadiskominfo"])
    letters = [ready_letter(demo, hal=f"Surat Batch Peramban {i}") for i in range(3)]
    page = _login(browser, live_server.url, "kadiskominfo")
    page.goto(f"{live_server.url}/naskah/tte/batch/")
    for naskah in letters:
        assert naskah.hal in page.content()
    page.fill("#id_passphrase", PASSPHRASE)
    page.click("#btn-batch-sign")
    page.wait_for_selector("#batch-progress")
    # a selector, not wait_for_function: the Content-Security-Policy refuses the string
    # evaluation Playwright uses for an expression
    page.wait_for_selector("#batch-progress:not([hx-get])", state="attached", timeout=60000)
    _shot(page, tmp_path, "tte-5-batch")
    assert page.locator(".badge.text-bg-success").count() == 3
    assert Naskah.objects.filter(status="ditandatangani").count() == 3

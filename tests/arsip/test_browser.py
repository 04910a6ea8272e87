"""The archivist's search and disposal proposal in headless Chromium. Screenshots go to
$ARSIP_SCREENSHOT_DIR (default: the test's tmp folder)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from arsip.permissions import GROUP_PANITIA
from arsip.services.records import arsip_record_set_flags, berkas_close
from tests.arsip.conftest import make_record
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
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
        reason="chromium is not installed at /usr/bin/chromium",
    ),
]


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_archivist_searches_and_proposes_destruction(
    live_server, transactional_db, demo, codes, browser_page, tmp_path
):
    shots = Path(os.environ.get("ARSIP_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    arsiparis = demo["arsiparis"]
    Group.objects.get(name=GROUP_PANITIA).user_set.add(demo["karoumum"])
    make_record(
        hal="Pengaturan jam kerja",
        isi="Jam kerja pegawai diatur dengan keputusan kepala dinas mulai bulan depan.",
        nomor="800.1.11.1/12/DISKOMINFOTIK/2020",
        kode=codes["musnah"],
        tanggal=dt.date(2020, 4, 6),
    )
    due = make_record(
        hal="Permohonan cuti tahunan",
        isi="Pegawai mengajukan cuti tahunan.",
        kode=codes["musnah"],
        unit_kode="DISDIKBUD",
        tanggal=dt.date(2020, 5, 4),
    )
    berkas = berkas_close(actor=arsiparis, berkas=due.berkas, ditutup=dt.date(2020, 12, 31))
    first = make_record(
        hal="Pengaturan jam kerja", kode=codes["musnah"], tanggal=dt.date(2020, 1, 2)
    )
    berkas_close(actor=arsiparis, berkas=first.berkas, ditutup=dt.date(2020, 12, 31))
    held = make_record(
        hal="Kontrak sengketa",
        kode=codes["musnah"],
        unit_kode="BIRO-HUKUM",
        tanggal=dt.date(2019, 2, 1),
    )
    held_berkas = berkas_close(actor=arsiparis, berkas=held.berkas, ditutup=dt.date(2019, 12, 31))
    arsip_record_set_flags(actor=arsiparis, record=held, legal_hold=True, alasan="Perkara 7/2026")

    page = browser_page
    sign_in(page, live_server.url, "arsiparis")
    page.goto(f"{live_server.url}/arsip/")
    page.fill("#id_q", "peraturan")
    page.click("#search-submit")
    page.wait_for_selector("#results li")
    assert "diatur" in page.inner_text("#results")
    assert page.locator("#results mark").count() >= 1
    page.screenshot(path=str(shots / "arsip-search.png"), full_page=True)

    page.goto(f"{live_server.url}/arsip/penyusutan/usul/?jenis=pemusnahan")
    row_text = page.inner_text("#propose-form")
    assert berkas.nomor in row_text and held_berkas.nomor in row_text
    assert page.locator(f"#berkas-{held_berkas.pk}").is_disabled()
    page.check(f"#berkas-{berkas.pk}")
    page.screenshot(path=str(shots / "arsip-propose.png"), full_page=True)
    page.click("#propose-submit")
    page.wait_for_selector("#status")
    assert "BAPM/" in page.inner_text("h1")
    page.screenshot(path=str(shots / "arsip-proposed.png"), full_page=True)

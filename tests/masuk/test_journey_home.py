"""Incoming-letter journeys in headless Chromium, at a desktop (1366×768) and a phone
(390×844) size (issue 15 items 1–4, 10):

the agendaris uploads a born-digital letter → the form fills itself (number, subject,
sender, code) → registers it → corrects the number on the correction page; the unit head
finds it on the home page ("to dispose") → disposes it to a staff member; the staff member
finds the disposition on the home page → reports the follow-up. Every step's page is
checked (tests/a11y.py journey_check): no serious or critical axe-core violation, no
sideways scroll, its PDF viewers drawn, no interface word of the other language (the desktop
walk in English, the phone walk in Indonesian). Screenshots of every step go to
$NASKAH_SCREENSHOT_DIR/<size>/ or build/screenshots/journey-incoming/<size>/ (gitignored),
named NN-step.png (docs/accessibility.md)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from naskah.masuk.models import DisposisiPenerima, SuratMasuk
from tests.a11y import journey_check, language_cookie
from tests.browser_login import sign_in
from tests.naskah.test_journey_outgoing import ARGS, CHROMIUM, SIZES

from .test_unggah import letter_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]

# The desktop walk reads English, the phone walk Indonesian (the browser's language).
LANGUAGES = {"desktop": ("en", "en-US"), "phone": ("id", "id-ID")}

NUMBER_READ = "000.1.2.3/77/D.KOM/2026"
NUMBER_FIXED = "000.1.2.3/78/D.KOM/2026"


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Walk:
    def __init__(self, browser, base: str, size: str):
        self.browser, self.base, self.size = browser, base, size
        root = os.environ.get("NASKAH_SCREENSHOT_DIR")
        base_dir = (
            Path(root)
            if root
            else Path(django_settings.BASE_DIR) / "build" / "screenshots" / "journey-incoming"
        )
        self.dir = base_dir / size
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self.step = 0
        self.contexts = []

    def page(self, username: str):
        context = self.browser.new_context(**SIZES[self.size], locale=LANGUAGES[self.size][1])
        language_cookie(context, self.base, LANGUAGES[self.size][0])
        self.contexts.append(context)
        page = context.new_page()
        sign_in(page, self.base, username)
        return page

    def shot(self, page, name: str) -> None:
        self.step += 1
        width = SIZES[self.size]["viewport"]["width"]
        journey_check(page, width, name, language=LANGUAGES[self.size][0])
        page.screenshot(path=str(self.dir / f"{self.step:02d}-{name}.png"), full_page=True)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_incoming_journey(size, live_server, org, browser, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    walk = Walk(browser, base, size)
    pdf = tmp_path / "surat-metro.pdf"
    pdf.write_bytes(letter_pdf())
    try:
        # Agendaris: upload first, the form fills itself.
        agendaris = walk.page("agendaris")
        walk.shot(agendaris, "agendaris-home")
        agendaris.goto(f"{base}/surat-masuk/surat/baru/")
        agendaris.set_input_files("#berkas", str(pdf))
        walk.shot(agendaris, "agendaris-upload")
        agendaris.click("#unggah-kirim")
        agendaris.wait_for_selector("#bacaan-selesai")
        assert agendaris.input_value("#id_nomor_surat") == NUMBER_READ
        assert agendaris.input_value("#id_hal") == (
            "Permohonan Data Layanan Aplikasi Persuratan Elektronik"
        )
        assert agendaris.input_value("#id_kode_klasifikasi") == "000.1.2.3"
        assert agendaris.input_value("#id_pengirim").startswith("Dinas Komunikasi")
        walk.shot(agendaris, "agendaris-form-prefilled")
        agendaris.click("#daftar-kirim")
        agendaris.wait_for_selector("#ubah-surat")
        surat = SuratMasuk.objects.get()
        assert surat.nomor_surat == NUMBER_READ and surat.berkas.count() == 1
        walk.shot(agendaris, "agendaris-registered")
        # ... and corrects a misread field.
        agendaris.click("#ubah-surat")
        agendaris.fill("#id_nomor_surat", NUMBER_FIXED)
        walk.shot(agendaris, "agendaris-correct")
        agendaris.click("#simpan-ubah")
        agendaris.wait_for_selector("#nomor-surat")
        assert agendaris.inner_text("#nomor-surat") == NUMBER_FIXED
        walk.shot(agendaris, "agendaris-corrected")

        # Unit head: home → dispose.
        head = walk.page("karoumum")
        assert head.locator("#work-dispose").is_visible()
        walk.shot(head, "head-home")
        head.locator("#work-dispose a", has_text="Permohonan Data").first.click()
        form = head.locator("form.disposisi-form").first
        form.locator(f"input[value='p:{org['arsiparis'].pk}']").check()
        form.locator("input[name$='instruksi']").first.check()
        walk.shot(head, "head-dispose-form")
        form.locator("button[type=submit]").click()
        head.wait_for_load_state()
        assert DisposisiPenerima.objects.filter(surat=surat, ke_pegawai=org["arsiparis"]).exists()
        walk.shot(head, "head-disposed")

        # Staff: home → report the follow-up.
        staff = walk.page("arsiparis")
        assert staff.locator("#work-dispositions").is_visible()
        walk.shot(staff, "staff-home")
        staff.locator("#work-dispositions a", has_text="Permohonan Data").first.click()
        report = staff.locator("form.form-laporan").first
        report.locator("textarea").fill("Data layanan sudah dikirim ke Diskominfo Kota Metro.")
        walk.shot(staff, "staff-report-form")
        report.locator("button[type=submit]").last.click()
        staff.wait_for_load_state()
        branch = DisposisiPenerima.objects.get(surat=surat, ke_pegawai=org["arsiparis"])
        assert branch.status == DisposisiPenerima.Status.SELESAI
        walk.shot(staff, "staff-reported")
        staff.goto(f"{base}/")
        assert not staff.locator("#work-dispositions").count()
        walk.shot(staff, "staff-home-after")
    finally:
        walk.close()

"""Headless Chromium walks the pages with the Content-Security-Policy on: the drafting page
with its live preview, the incoming register and a letter with its scan preview, the
archive search and the batch-signing page load with no CSP violation, and the behaviour
moved out of inline handlers (language switch, select all) still works."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || ''));
});
"""


@pytest.fixture
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
        from django.db import connections

        connections.close_all()


class Watched:
    def __init__(self, browser, base: str, username: str):
        self.base = base
        self.console: list[str] = []
        context = browser.new_context(viewport={"width": 1300, "height": 1000})
        context.add_init_script(WATCH)
        self.page = context.new_page()
        self.page.on("console", lambda msg: self.console.append(msg.text))
        self.page.goto(f"{base}/masuk/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "demo-pass-123")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def visit(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in {
            k.lower() for k in response.headers
        }
        return response

    def violations(self) -> list[str]:
        found = [m for m in self.console if "Content Security Policy" in m]
        found += self.page.evaluate("window.__csp || []")
        return found


def _incoming_letter():
    from django.utils import timezone

    from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.services import DataSurat, suratmasuk_register
    from tests.masuk.conftest import make_pdf

    grant_register_permission()
    data = DataSurat(
        pengirim="Badan Siber dan Sandi Negara",
        hal="Sosialisasi Sertifikat Elektronik",
        tanggal_diterima=timezone.localdate(),
        urgensi="segera",
        klasifikasi_keamanan="biasa",
        kode_klasifikasi=KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True),
        jabatan_tujuan=Jabatan.objects.get(nama="Kepala Biro Umum"),
        nomor_surat="B-9/BSSN/2026",
        tanggal_surat=timezone.localdate() - dt.timedelta(days=2),
        jumlah_lampiran=0,
    )
    return suratmasuk_register(
        actor=Pegawai.objects.get(username="agendaris"),
        unit=UnitKerja.objects.get(kode="BIRO-UMUM"),
        data=data,
        files=[("surat.pdf", make_pdf())],
        konfirmasi_duplikat=False,
    )


def test_pages_load_without_csp_violations(live_server, demo, chromium):
    surat = _incoming_letter()

    drafter = Watched(chromium, live_server.url, "prakommuda")
    drafter.visit("/naskah/baru/surat_undangan/")
    page = drafter.page
    page.fill("#id_hal", "Undangan Rapat Uji CSP")
    page.fill("#id_f_hari_tanggal", "2026-11-30")
    page.fill("#id_f_waktu", "09.00 WIB")
    page.fill("#id_f_tempat_acara", "Ruang Rapat")
    page.fill("#id_f_acara", "Uji Kebijakan Keamanan Konten")
    page.fill("#id_body", "Dengan hormat, kami mengundang Saudara.")
    page.fill("#penerima-q", "Pendidikan")
    page.locator("[data-penerima]").first.click()
    page.wait_for_selector("#preview [data-pdf-viewer] canvas", timeout=20000)
    page.wait_for_timeout(1000)
    drafter.visit("/arsip/")
    # the language switch works without its former inline onchange handler
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert drafter.violations() == []

    registrar = Watched(chromium, live_server.url, "agendaris")
    registrar.visit("/surat-masuk/surat/")
    registrar.visit(f"/surat-masuk/surat/{surat.pk}/")
    registrar.page.wait_for_selector("[data-pdf-viewer] canvas", timeout=20000)
    registrar.page.wait_for_timeout(500)
    assert registrar.violations() == []

    signer = Watched(chromium, live_server.url, "kadiskominfo")
    signer.visit("/naskah/tte/batch/")
    assert signer.violations() == []


def test_a_violation_would_be_seen(live_server, demo, chromium):
    """The watch itself works: an inline script injected into a page is reported."""
    watched = Watched(chromium, live_server.url, "prakommuda")
    watched.visit("/arsip/")
    watched.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.body.appendChild(s); }"
    )
    watched.page.wait_for_timeout(300)
    assert watched.violations()

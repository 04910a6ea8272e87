"""Browser walk (headless Chromium through Playwright): the agendaris registers a scanned
letter, the Kepala Biro disposes it, the Kabag TU disposes it further down, the staff
member and the Kabag report, the Kepala Biro closes the letter. Screenshots are written
to $MASUK_SCREENSHOTS (default: the test's tmp dir)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.browser_login import sign_in

from .conftest import make_scan

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
    # the live server needs committed data; restore the migration-loaded codes afterwards
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
        reason="chromium is not installed at /usr/bin/chromium",
    ),
]


@pytest.fixture
def browser(monkeypatch):
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # the test's own ORM calls run while Playwright's event loop is running
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
        # While Playwright's event loop runs, Django keys its connections by that loop's
        # context: close the one the test's ORM calls opened, or it outlives the test DB.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def seeded(transactional_db):
    from core.demo import demo_seed
    from naskah.masuk.demo import grant_register_permission

    demo_seed(password="demo-pass-123")
    grant_register_permission()


def test_register_dispose_twice_report_and_close(live_server, browser, seeded, tmp_path):
    from naskah.masuk.models import DisposisiPenerima, SuratMasuk
    from naskah.masuk.services import suratmasuk_ocr_run

    shots = Path(os.environ.get("MASUK_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    scan = tmp_path / "scan-undangan.png"
    scan.write_bytes(make_scan("PNG"))
    base = live_server.url

    def session(username):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        sign_in(page, base, username)
        return context, page

    # 1. the agendaris registers the scan
    ctx, page = session("agendaris")
    page.goto(f"{base}/surat-masuk/surat/baru/")
    page.set_input_files("#berkas", str(scan))
    page.click("#unggah-kirim")  # upload first; a scan is read in the slow queue
    page.wait_for_selector("#bacaan-proses")  # the progress indicator while it reads
    page.fill("#id_pengirim", "Badan Siber dan Sandi Negara")
    page.fill("#id_hal", "Undangan sosialisasi")
    page.select_option("#id_urgensi", "segera")
    page.fill("#id_kode_klasifikasi", "000.1.2.3")
    page.screenshot(path=str(shots / "1-register-form.png"), full_page=True)
    page.click("#form-register button[type=submit]")
    page.wait_for_url(re.compile(r"/surat-masuk/surat/\d+/$"))
    surat = SuratMasuk.objects.get()
    assert surat.nomor_agenda in page.content()
    # the OCR task (run here instead of a worker) offers suggestions; nothing is applied
    suratmasuk_ocr_run(surat_id=surat.pk)
    page.reload()
    page.screenshot(path=str(shots / "2-registered-ocr.png"), full_page=True)
    surat.refresh_from_db()
    if surat.ocr_status == "selesai":
        assert page.locator("#form-saran").is_visible()
        page.check("#saran-nomor_surat")
        page.click("#form-saran button[type=submit]")
        page.wait_for_load_state()
        assert "B-1234/BSSN/D3/PP.01.01/11/2026" in page.locator("#nomor-surat").inner_text()
    ctx.close()

    # 2. the Kepala Biro Umum disposes to the Kabag TU (lead) and the archivist
    ctx, page = session("karoumum")
    page.goto(f"{base}/surat-masuk/surat/{surat.pk}/")
    form = page.locator("#kartu-disposisi form")
    form.get_by_label("Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian", exact=True).check()
    form.get_by_label(re.compile(r"^Nurul Hidayah")).check()
    form.get_by_label("For follow-up").check()  # shown translated (InstruksiDisposisi.label)
    form.locator("textarea").fill("Hadiri dan laporkan hasilnya.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "3-disposed.png"), full_page=True)
    assert page.locator("#pohon .cabang").count() == 2
    ctx.close()

    # 3. the Kabag TU opens it (read receipt) and disposes further down
    lead = DisposisiPenerima.objects.get(utama=True)
    ctx, page = session("kabagtu")
    page.goto(f"{base}/surat-masuk/surat/{surat.pk}/")
    action = page.locator(f".aksi-cabang[data-cabang='{lead.pk}']")
    forward = action.locator("form.disposisi-form")
    forward.get_by_label(re.compile(r"^Maya Anggraini")).check()
    forward.get_by_label("Prepare a reply").check()
    forward.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "4-redisposed.png"), full_page=True)
    ctx.close()

    # 4. the staff member reports and closes her branch
    child = DisposisiPenerima.objects.get(disposisi__induk=lead)
    ctx, page = session("penelaah")
    page.goto(f"{base}/surat-masuk/surat/{surat.pk}/")
    report = page.locator(f".aksi-cabang[data-cabang='{child.pk}'] form.form-laporan")
    report.locator("textarea").fill("Konfirmasi kehadiran sudah dikirim.")
    report.locator("button[type=submit]:not([form])").click()  # not "Draft a reply letter"
    page.wait_for_load_state()
    ctx.close()

    # 5. the Kabag TU reports; 6. the Kepala Biro closes the letter
    ctx, page = session("kabagtu")
    page.goto(f"{base}/surat-masuk/surat/{surat.pk}/")
    report = page.locator(f".aksi-cabang[data-cabang='{lead.pk}'] form.form-laporan")
    report.locator("textarea").fill("Sudah dihadiri, laporan terlampir.")
    report.locator("button[type=submit]:not([form])").click()  # not "Draft a reply letter"
    page.wait_for_load_state()
    ctx.close()
    ctx, page = session("karoumum")
    page.goto(f"{base}/surat-masuk/surat/{surat.pk}/")
    page.screenshot(path=str(shots / "5-before-close.png"), full_page=True)
    page.fill("#tutup-alasan", "Tindak lanjut cukup.")
    page.click("#form-tutup button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "6-closed.png"), full_page=True)
    page.goto(f"{base}/surat-masuk/surat/?tab=outbox")
    page.screenshot(path=str(shots / "7-given-list.png"), full_page=True)
    page.goto(f"{base}/surat-masuk/dasbor/")
    assert "Bagian Tata Usaha Pimpinan dan Kepegawaian" in page.content()
    page.screenshot(path=str(shots / "8-dashboard.png"), full_page=True)
    ctx.close()

    surat.refresh_from_db()
    assert surat.status == "selesai"
    states = dict(DisposisiPenerima.objects.values_list("pk", "cara_selesai"))
    assert states[lead.pk] == "laporan" and states[child.pk] == "laporan"
    assert sorted(states.values()) == ["ditutup", "laporan", "laporan"]


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}], ids=str
)
def test_the_scan_is_drawn_on_the_detail_page_at_phone_and_desktop_size(
    live_server, browser, biro_umum_tx, tmp_path, viewport
):
    """The incoming letter's PDF is drawn on <canvas> by the vendored PDF.js viewer (an
    <iframe>'d PDF is a black box on a phone), with the link to open or download it."""
    from naskah.masuk.services import suratmasuk_register

    from .conftest import make_pdf

    people, unit, build = biro_umum_tx
    surat = suratmasuk_register(
        actor=people["agendaris"],
        unit=unit,
        data=build(),
        files=[("surat.pdf", make_pdf("Surat dinas untuk dibaca di ponsel", pages=2))],
    )
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, "agendaris")
    page.goto(f"{live_server.url}/surat-masuk/surat/{surat.pk}/")
    assert page.locator("#pratinjau iframe, #pratinjau embed, #pratinjau object").count() == 0
    viewer = page.locator("#pratinjau [data-pdf-viewer]").first
    page.wait_for_selector("#pratinjau [data-pdf-viewer][data-pdf-state=ready] canvas")
    canvas = viewer.locator("canvas").first
    box = canvas.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    assert box["x"] + box["width"] <= viewport["width"]
    # the canvas holds drawn pixels (not an empty or black box): some white, some dark
    shades = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let white = 0, dark = 0;
                  for (let i = 0; i < d.length; i += 4) {
                    const v = d[i] + d[i + 1] + d[i + 2];
                    if (v > 750) white++; else if (v < 300) dark++; }
                  return [white, dark, d.length / 4]; }"""
    )
    white, dark, total = shades
    assert white > total * 0.5 and dark > 0
    link = viewer.locator("[data-pdf-download]")
    assert (
        link.get_attribute("href")
        == f"/surat-masuk/surat/{surat.pk}/berkas/{surat.berkas.get().pk}/"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"detail-{viewport['width']}.png"), full_page=True)
    shots = os.environ.get("MASUK_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / f"detail-{viewport['width']}.png", shots)
    context.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}], ids=str
)
def test_a_failed_reading_is_shown_and_read_again_from_the_page(
    live_server, browser, seeded, tmp_path, viewport, monkeypatch, settings
):
    """The scan's reading failed for good: the form says so in a sentence and offers to
    read it again, keeping what was typed; the page polls again until it is read."""
    from naskah.masuk import ocr as ocr_lib
    from naskah.masuk.models import UnggahanMasuk
    from naskah.masuk.unggah import unggah_ocr_run

    settings.TASK_MAX_ATTEMPTS = 1
    scan = tmp_path / "scan.png"
    scan.write_bytes(make_scan("PNG"))
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, "agendaris")
    page.goto(f"{live_server.url}/surat-masuk/surat/baru/")
    page.set_input_files("#berkas", str(scan))
    page.click("#unggah-kirim")
    page.wait_for_selector("#bacaan-proses")
    staged = UnggahanMasuk.objects.get()

    def broken(files, **kw):
        raise OSError("tesseract crashed")

    monkeypatch.setattr(ocr_lib, "ocr_files", broken)
    assert unggah_ocr_run(pk=staged.pk) == "gagal"
    page.fill("#id_hal", "Diketik sendiri")
    failed = page.wait_for_selector("#bacaan-gagal", timeout=10000)  # the poll shows it
    assert "OSError" not in failed.inner_text() and "tesseract" not in failed.inner_text()
    assert page.input_value("#id_hal") == "Diketik sendiri"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"bacaan-gagal-{viewport['width']}.png"), full_page=True)
    page.click("#bacaan-ulang")
    page.wait_for_selector("#bacaan-proses")
    assert page.input_value("#id_hal") == "Diketik sendiri"
    staged.refresh_from_db()
    assert staged.baca_status == "menunggu" and staged.baca_percobaan == 0
    shots = os.environ.get("MASUK_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / f"bacaan-gagal-{viewport['width']}.png", shots)
    context.close()

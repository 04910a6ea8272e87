"""Drafting that does not lose work, in headless Chromium at desktop and phone sizes: Enter
in the recipient search adds the recipient (the form is not sent), the first autosave
creates the draft and the page continues on its edit URL with the input intact, leaving
with unsaved changes asks first, and an attachment can be added before the first save.
Screenshots go to build/screenshots/drafting/ (gitignored)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser_login import sign_in
from tests.naskah.conftest import pdf_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "drafting"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_enter_adds_recipient_autosave_and_leave_warning(
    live_server, demo, browser, size, settings
):
    from naskah.models import Naskah

    settings.NASKAH_AUTOSAVE_INTERVAL_SECONDS = 5  # the rule itself: test_drafting_no_loss

    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    base = live_server.url
    sign_in(page, base, "prakommuda")
    new_url = f"{base}/naskah/baru/surat_undangan/"
    page.goto(new_url)

    # Enter in the search: the recipient is added, the form is not sent.
    page.fill("#id_hal", "Undangan Rapat Tanpa Kehilangan")
    page.locator("#penerima-q").type("Dinas Pendidikan")
    page.keyboard.press("Enter")
    chip = page.locator(".penerima-chip")
    chip.first.wait_for(timeout=10000)
    assert "Pendidikan" in chip.first.inner_text()
    assert page.locator("#penerima-q").input_value() == ""
    assert page.url == new_url  # nothing was submitted
    _shot(page, f"{size}-1-recipient-enter")

    # Typing: the first autosave creates the draft and the page goes on on its edit URL.
    page.fill("#id_f_acara", "Evaluasi Aplikasi Tanpa Kehilangan")
    status = page.locator("#autosave-status")
    page.wait_for_function(
        "() => /Saved automatically \\d\\d:\\d\\d/.test("
        "document.getElementById('autosave-status').textContent)",
        timeout=20000,
    )
    assert re.fullmatch(r"Saved automatically \d\d:\d\d", status.inner_text().strip())
    naskah = Naskah.objects.get()
    page.wait_for_url(f"**/naskah/{naskah.pk}/", timeout=5000)
    assert page.input_value("#id_f_acara") == "Evaluasi Aplikasi Tanpa Kehilangan"
    revisi = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    assert revisi.fields["acara"] == "Evaluasi Aplikasi Tanpa Kehilangan"
    assert any("Pendidikan" in row["label"] for row in revisi.penerima)
    status.scroll_into_view_if_needed()
    _shot(page, f"{size}-2-autosaved")

    # A change not saved yet: leaving asks first (and staying keeps the text).
    page.fill("#id_f_waktu", "09.00 WIB s.d. selesai")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("a.btn-link", has_text="Back").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.input_value("#id_f_waktu") == "09.00 WIB s.d. selesai"
    # once autosaved, leaving does not ask
    page.wait_for_function(
        "() => /Saved automatically/.test(document.getElementById('autosave-status').textContent)",
        timeout=30000,
    )
    _shot(page, f"{size}-3-saved-again")
    page.locator("a.btn-link", has_text="Back").click()
    page.wait_for_url(f"{base}/naskah/", timeout=10000)
    assert dialogs == ["beforeunload"]
    naskah.refresh_from_db()
    assert naskah.revisi.get(nomor=naskah.revisi_terakhir).fields["waktu"] == (
        "09.00 WIB s.d. selesai"
    )
    page.close()


@pytest.mark.django_db(transaction=True)
def test_an_attachment_before_the_first_save(live_server, demo, browser, tmp_path):
    from naskah.models import Lampiran, Naskah

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    base = live_server.url
    sign_in(page, base, "prakommuda")
    page.goto(f"{base}/naskah/baru/nota_dinas/")
    page.fill("#id_hal", "Nota dengan Lampiran Sebelum Disimpan")
    page.fill("#id_body", "Bersama ini kami sampaikan jadwal terlampir.")
    pdf = tmp_path / "jadwal.pdf"
    pdf.write_bytes(pdf_bytes(2))
    form = page.locator("#lampiran-add-form")
    form.locator("input[name=judul]").fill("Jadwal Kegiatan")
    form.locator("input[name=berkas]").set_input_files(str(pdf))
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/naskah/*/", timeout=20000)
    page.wait_for_selector("#lampiran a:has-text('Jadwal Kegiatan')", timeout=10000)
    _shot(page, "desktop-4-lampiran-before-save")
    naskah = Naskah.objects.get()
    lampiran = Lampiran.objects.get(naskah=naskah)
    latest = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    assert latest.lampiran == [lampiran.pk]
    assert latest.header["hal"] == "Nota dengan Lampiran Sebelum Disimpan"
    assert page.input_value("#id_hal") == "Nota dengan Lampiran Sebelum Disimpan"
    page.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_only_the_body_typed_is_autosaved_and_survives_a_reload(live_server, demo, browser, size):
    """Nothing typed is lost before the subject is written: the first autosave keeps a
    draft with only its body, which a reload shows, listed as "(no subject yet)"."""
    from naskah.models import Naskah

    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    base = live_server.url
    sign_in(page, base, "prakommuda")
    page.goto(f"{base}/naskah/baru/nota_dinas/")
    text = "Menindaklanjuti rapat koordinasi, kami sampaikan hal-hal berikut."
    page.locator("#id_body").type(text)
    page.wait_for_function(
        "() => /Saved automatically \\d\\d:\\d\\d/.test("
        "document.getElementById('autosave-status').textContent)",
        timeout=20000,
    )
    naskah = Naskah.objects.get()
    assert naskah.hal == ""
    page.wait_for_url(f"**/naskah/{naskah.pk}/", timeout=5000)
    page.reload()
    assert page.input_value("#id_body") == text
    assert page.input_value("#id_hal") == ""
    _shot(page, f"{size}-5-body-only-reloaded")
    page.goto(f"{base}/naskah/")
    link = page.locator(f"a[href='/naskah/{naskah.pk}/']", has_text="(no subject yet)")
    link.wait_for(timeout=5000)
    _shot(page, f"{size}-6-draft-list-no-subject")
    page.close()

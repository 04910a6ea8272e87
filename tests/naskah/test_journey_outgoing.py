"""The whole outgoing journey in headless Chromium, at a desktop (1366×768) and a phone
(390×844) size, asserting on what the screen shows (issue 14 item 11):

the drafter drafts a Surat Dinas on the drafting page with no recipient and no
classification code → the submit page lists both with links → the drafter follows the
link, adds the recipients with Enter in the search, fills the code and submits → the
reviewer (a notice in the menu) sees the PDF beside the actions and returns it with a
note → the drafter (notice opened, count cleared) changes it
and resubmits → the reviewer corrects it on the correction page (live preview drawn) and
initials → the signer sees the PDF on the signing page and signs with the passphrase → the
recipient in another unit (unread counts in the menu) opens the letter as sent: the sealed
PDF drawn, no route or draft links → the QR code in the sealed PDF decodes to the served
base URL.

"PDF visible" means the project's PDF.js viewer (static/js/pdf-viewer.mjs) drew a canvas of
non-zero size with dark pixels on it, under the real Content-Security-Policy. Screenshots of
every step go to $NASKAH_SCREENSHOT_DIR/<size>/ or build/screenshots/journey-outgoing/<size>/
(gitignored), named NN-step.png."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.browser_login import sign_in
from tests.naskah.tte_helpers import KADIS, PASSPHRASE, enroll, jabatan

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
        else Path(django_settings.BASE_DIR) / "build" / "screenshots" / "journey-outgoing"
    )
    target = base / size
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return target


class Journey:
    """The browser side of one walk: one signed-in page per person, numbered screenshots,
    and every console message that speaks of the Content-Security-Policy."""

    def __init__(self, browser, base: str, size: str):
        self.browser, self.base, self.size = browser, base, size
        self.dir = _shot_dir(size)
        self.step = 0
        self.pages: dict[str, object] = {}
        self.csp_errors: list[str] = []

    def page(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(**SIZES[self.size])
            page = context.new_page()
            page.on("console", self._console)
            sign_in(page, self.base, username)
            self.pages[username] = page
        return self.pages[username]

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_errors.append(message.text)

    def shot(self, page, name: str) -> None:
        self.step += 1
        # From the top: a sticky PDF column would otherwise show where the page was scrolled.
        page.evaluate("window.scrollTo(0, 0)")
        # Nothing wider than the screen (a phone would scroll the whole page sideways).
        wide = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 1, f"{name}: the page is {wide}px wider than the screen"
        page.screenshot(path=str(self.dir / f"{self.step:02d}-{name}.png"), full_page=True)

    def close(self):
        for page in self.pages.values():
            page.context.close()


def _pdf_drawn(page, selector: str = "#letter-pdf") -> dict:
    """Wait for the viewer's first page, then measure its canvas: size on screen, and the
    share of dark pixels (text) in its upper half."""
    page.wait_for_selector(f"{selector}[data-pdf-state=ready] canvas", timeout=30000)
    page.locator(f"{selector} canvas").first.scroll_into_view_if_needed()
    return page.locator(f"{selector} canvas").first.evaluate(
        """canvas => {
          const box = canvas.getBoundingClientRect();
          const ctx = canvas.getContext("2d");
          const data = ctx.getImageData(0, 0, canvas.width, Math.floor(canvas.height / 2)).data;
          let dark = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i] + data[i + 1] + data[i + 2] < 300 && data[i + 3] > 0) dark += 1;
          }
          return {width: box.width, height: box.height, pixels: canvas.width,
                  dark: dark / (data.length / 4),
                  pages: Number(canvas.closest("[data-pdf-viewer]").dataset.pdfPageCount)};
        }"""
    )


def _assert_visible_pdf(page, selector: str = "#letter-pdf") -> dict:
    drawn = _pdf_drawn(page, selector)
    assert drawn["width"] > 200 and drawn["height"] > 250, drawn
    assert drawn["pages"] >= 1, drawn
    assert 0.001 < drawn["dark"] < 0.5, drawn  # text on white: neither blank nor a black box
    return drawn


def _counter(page, name: str) -> int:
    """A menu counter (0 when the badge is absent); present in the DOM on a phone too,
    inside the collapsed menu."""
    badge = page.locator(f"[data-counter={name}]")
    if badge.count() == 0:
        return 0
    return int(badge.first.text_content().strip())


def _open_notice(page, base: str, user, naskah) -> None:
    """Open the user's newest notice about the letter from the notifications page."""
    from workflows.models import Notifikasi

    notice = (
        Notifikasi.objects.filter(recipient=user, link__contains=f"/{naskah.pk}/")
        .order_by("-pk")
        .first()
    )
    assert notice is not None, "no notice about the letter"
    page.goto(base + reverse("workflows:notifikasi_list"))
    page.locator(f"#notice-{notice.pk} a").click()
    page.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.read_at is not None


def _qr_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    source = tmp_path / "sealed.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    image = next(tmp_path.glob("p*.png"))
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=60
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_outgoing_journey(size, live_server, demo, browser, tmp_path, settings):
    from naskah.models import Distribusi, Naskah
    from naskah.tasks import naskah_dispatch_task
    from workflows.models import StepState

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The served address, as `make run` sets it (issue 14 item 2).
    settings.NASKAH_PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    enroll(demo["kadiskominfo"])
    walk = Journey(browser, base, size)
    try:
        # 1. The drafter drafts a Surat Dinas on the drafting page, without recipients and
        # with the classification code cleared; the submit page lists both, each with a
        # link to its field.
        from core.models import UnitKerja

        drafter = walk.page("prakommuda")
        drafter.goto(f"{base}/naskah/baru/surat_dinas/")
        drafter.fill("#id_hal", "Permohonan Data Layanan Aplikasi Perjalanan")
        drafter.select_option("#id_penandatangan", str(jabatan(KADIS).pk))
        drafter.fill("#id_kode_klasifikasi", "")
        drafter.fill(
            "#id_body",
            "Dengan hormat, bersama ini kami mohon data layanan aplikasi tahun berjalan.",
        )
        # On a phone the preview is below the form: a link next to "Save draft" leads there
        # (pages are drawn as they come near the screen).
        if size == "phone":
            drafter.click("#to-preview")
            assert drafter.url.endswith("#live-preview")
        else:
            assert not drafter.locator("#to-preview").is_visible()
        drafter.wait_for_selector("#preview [data-pdf-viewer][data-pdf-state=ready] canvas")
        with drafter.expect_navigation():
            drafter.locator("#naskah-form button[type=submit].btn-primary").click()
        naskah = Naskah.objects.filter(konseptor=demo["prakommuda"]).order_by("-pk").first()
        assert naskah is not None and naskah.hal.startswith("Permohonan Data Layanan")
        assert Naskah.objects.filter(konseptor=demo["prakommuda"], hal=naskah.hal).count() == 1
        drafter.goto(f"{base}/naskah/{naskah.pk}/ajukan/")
        problems = drafter.locator("#submit-problems")
        assert problems.is_visible()
        codes = problems.locator("li").evaluate_all("items => items.map(i => i.dataset.code)")
        assert {"no_recipient", "no_kode"} <= set(codes), codes
        assert problems.locator("li a").count() == len(codes)  # each with a link to its field
        assert drafter.locator("#btn-submit").is_disabled()
        walk.shot(drafter, "submit-lists-missing-parts")

        # 2. "Fix" leads to the recipients; Enter in the search adds the addressee (and,
        # as a copy, the Sekda) without sending the form; the code is filled; submitted.
        problems.locator("li[data-code=no_recipient] a").click()
        drafter.wait_for_selector("#penerima-q")
        assert drafter.url.endswith("#penerima-picker")
        for kind, term in (
            ("tujuan", UnitKerja.objects.get(kode="DISDIKBUD").nama),
            ("tembusan", "Sekretaris Daerah Provinsi Lampung"),
        ):
            chips = drafter.locator(".penerima-chip").count()
            drafter.select_option("#penerima-jenis", kind)
            drafter.fill("#penerima-q", term)
            drafter.press("#penerima-q", "Enter")
            drafter.wait_for_function(
                "n => document.querySelectorAll('.penerima-chip').length > n", arg=chips
            )
            assert term in drafter.locator(".penerima-chip").last.inner_text()
        assert "/ajukan/" not in drafter.url  # Enter sent nothing
        shown = drafter.locator("#preview [data-pdf-viewer]").get_attribute("data-src")
        drafter.fill("#id_kode_klasifikasi", "000.1.2.3")
        drafter.wait_for_function(
            "src => { const v = document.querySelector('#preview [data-pdf-viewer]');"
            " return v && v.dataset.src !== src; }",
            arg=shown,
            timeout=30000,
        )
        drafter.locator("#preview [data-pdf-viewer]").scroll_into_view_if_needed()
        drafter.wait_for_function(
            "src => { const v = document.querySelector('#preview [data-pdf-viewer]');"
            " return v && v.dataset.src !== src && v.dataset.pdfState === 'ready'"
            " && v.querySelector('canvas'); }",
            arg=shown,
            timeout=30000,
        )
        walk.shot(drafter, "drafting-recipients-added")
        with drafter.expect_navigation():
            drafter.locator("#naskah-form button[type=submit].btn-primary").click()
        drafter.goto(f"{base}/naskah/{naskah.pk}/ajukan/")
        assert drafter.locator("#submit-problems.alert-danger").count() == 0
        drafter.fill("#submit-form [name=note]", "Mohon diperiksa.")
        drafter.click("#btn-submit")
        drafter.wait_for_load_state()
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.DIAJUKAN, naskah.status
        assert {(p.jenis, p.unit_id or p.jabatan_id) for p in naskah.penerima.all()} == {
            ("tujuan", UnitKerja.objects.get(kode="DISDIKBUD").pk),
            ("tembusan", jabatan("Sekretaris Daerah Provinsi Lampung").pk),
        }
        walk.shot(drafter, "submitted")

        # 3. The reviewer: a notice in the menu, the PDF beside the actions, a return.
        first = StepState.objects.filter(status="active", route__object_id=naskah.pk).get()
        reviewer_name = first.assignee.username
        reviewer = walk.page(reviewer_name)
        assert _counter(reviewer, "notifikasi") >= 1
        reviewer.goto(f"{base}/naskah/{naskah.pk}/alur/")
        _assert_visible_pdf(reviewer)
        _assert_pdf_placement(reviewer, size, f"#my-step-{first.pk}")
        walk.shot(reviewer, "paraf-page-with-pdf")
        form = reviewer.locator(f"#my-step-{first.pk}")
        form.locator("textarea").fill("Mohon lengkapi tahun anggaran pada isi surat.")
        form.locator("button[value=return]").click()
        reviewer.wait_for_load_state()
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.DIKEMBALIKAN, naskah.status
        walk.shot(reviewer, "returned")

        # 4. The drafter: the notice arrives and clears; the note is shown; edit, resubmit.
        drafter.goto(f"{base}/naskah/")
        before = _counter(drafter, "notifikasi")
        assert before >= 1
        _open_notice(drafter, base, demo["prakommuda"], naskah)
        assert "Mohon lengkapi tahun anggaran" in drafter.content()
        assert _counter(drafter, "notifikasi") == before - 1
        walk.shot(drafter, "drafter-reads-return-note")
        drafter.goto(f"{base}/naskah/{naskah.pk}/")
        body = drafter.locator("[data-editor=body]")
        body.fill(body.input_value() + "\n\nData yang dimohon untuk tahun anggaran 2026.")
        drafter.locator("#naskah-form button[type=submit].btn-primary").click()
        drafter.wait_for_load_state()
        naskah.refresh_from_db()
        latest = naskah.revisi.get(nomor=naskah.revisi_terakhir)
        assert naskah.revisi_terakhir >= 2 and "anggaran 2026" in str(latest.body)
        drafter.goto(f"{base}/naskah/{naskah.pk}/ajukan/")
        drafter.click("#btn-submit")
        drafter.wait_for_load_state()
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.DIAJUKAN, naskah.status
        walk.shot(drafter, "resubmitted")

        # 5. The reviewer corrects on the correction page (live preview) and initials; any
        # further paraf step initials from the paraf page.
        state = StepState.objects.filter(status="active", route__object_id=naskah.pk).get()
        assert state.assignee.username == reviewer_name
        reviewer.goto(f"{base}/naskah/{naskah.pk}/alur/koreksi/{state.pk}/")
        # One task, one unread notice: the one for the returned step no longer counts.
        assert _counter(reviewer, "notifikasi") == 1
        _assert_visible_pdf(reviewer, "#preview-pdf")
        hal = reviewer.locator("#id_hal")
        hal.fill("Permohonan Data Layanan Aplikasi Tahun 2026")
        reviewer.wait_for_selector(
            "#preview [data-preview-state=ok] #preview-pdf[data-pdf-state=ready] canvas",
            timeout=30000,
        )
        _assert_visible_pdf(reviewer, "#preview-pdf")
        walk.shot(reviewer, "correction-live-preview")
        corrected_from = naskah.revisi_terakhir
        reviewer.locator("#correct-form button[name=approve][value='1']").click()
        reviewer.wait_for_load_state()
        naskah.refresh_from_db()
        assert naskah.revisi_terakhir == corrected_from + 1 and naskah.hal.endswith("2026")
        while naskah.status == Naskah.Status.DIAJUKAN:
            state = StepState.objects.filter(status="active", route__object_id=naskah.pk).get()
            other = walk.page(state.assignee.username)
            other.goto(f"{base}/naskah/{naskah.pk}/alur/")
            _assert_visible_pdf(other)
            other.locator(f"#my-step-{state.pk} button[value=paraf]").click()
            other.wait_for_load_state()
            naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.SIAP_TANDATANGAN, naskah.status

        # 6. The signer: the PDF on the signing page, the passphrase, the sealed PDF.
        signer = walk.page("kadiskominfo")
        signer.goto(f"{base}/naskah/{naskah.pk}/tte/")
        _assert_visible_pdf(signer)
        _assert_pdf_placement(signer, size, "#id_passphrase")
        walk.shot(signer, "sign-page-with-pdf")
        signer.fill("#id_passphrase", PASSPHRASE)
        signer.click("#btn-sign")
        signer.wait_for_selector(".alert-success")
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.DITANDATANGANI
        _assert_visible_pdf(signer)
        assert "/tte/pdf/" in signer.locator("#letter-pdf").get_attribute("data-src")
        walk.shot(signer, "signed")
        # The letter page's main PDF action is now the sealed PDF; drafts are secondary.
        signer.goto(f"{base}/naskah/{naskah.pk}/alur/")
        assert signer.locator("#btn-pdf").get_attribute("href").endswith("/tte/pdf/")

        # 7. Delivered; the recipient in another unit: unread counts, the letter as sent.
        naskah_dispatch_task(naskah.pk)
        recipient = walk.page("sekdisdik")
        assert _counter(recipient, "diterima") >= 1
        unread = _counter(recipient, "notifikasi")
        assert unread >= 1
        _open_notice(recipient, base, demo["sekdisdik"], naskah)
        assert recipient.url.rstrip("/").endswith(f"/naskah/{naskah.pk}/tte")
        _assert_visible_pdf(recipient)
        links = recipient.locator("main a, .container a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        kitchen = [
            href
            for href in links
            if href
            and (
                f"/naskah/{naskah.pk}/alur" in href
                or f"/naskah/{naskah.pk}/revisi" in href
                or href.rstrip("/").endswith(f"/naskah/{naskah.pk}/pdf")
            )
        ]
        assert kitchen == []
        assert naskah.nomor in recipient.content()
        walk.shot(recipient, "recipient-letter-as-sent")
        recipient.goto(f"{base}/naskah/masuk-internal/")
        assert Distribusi.objects.get(naskah=naskah, pegawai=demo["sekdisdik"]).dibaca_pada
        assert _counter(recipient, "notifikasi") == unread - 1
        assert _counter(recipient, "diterima") == 0
        walk.shot(recipient, "recipient-counts-cleared")

        # 8. The QR code of the sealed PDF names the served address.
        assert walk.csp_errors == []
        sealed = recipient.request.get(f"{base}/naskah/{naskah.pk}/tte/pdf/").body()
        if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
            pytest.skip("needs zbarimg (zbar-tools) and pdftoppm (poppler-utils) for the QR")
        texts = _qr_texts(sealed, tmp_path)
        assert any(t.startswith(f"{base}/verifikasi/") for t in texts), texts
        target = next(t for t in texts if t.startswith(f"{base}/verifikasi/"))
        anon = browser.new_context(**SIZES[size]).new_page()
        anon.goto(target)
        assert "alert-success" in anon.locator("#verifikasi-hasil").get_attribute("class")
        walk.shot(anon, "qr-opens-verification")
        anon.context.close()
    finally:
        walk.close()


def _assert_pdf_placement(page, size: str, action: str) -> None:
    """Desktop: the PDF beside the action (side by side). Phone: the PDF above it."""
    pdf = page.locator("#letter-pdf").bounding_box()
    act = page.locator(action).bounding_box()
    assert pdf and act
    if size == "desktop":
        overlap = min(pdf["y"] + pdf["height"], act["y"] + act["height"]) - max(pdf["y"], act["y"])
        assert overlap > 0 and pdf["x"] > act["x"] + act["width"] - 1, (pdf, act)
    else:
        assert pdf["y"] + pdf["height"] <= act["y"] + 1, (pdf, act)
        assert pdf["width"] > 300, pdf

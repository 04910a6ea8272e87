"""The document beside every decision (issue 14 item 1), server side: which PDF each page
puts in its viewer (templates/_pdf_viewer.html), the correction page's live preview, and
the vendored PDF.js the viewer loads. The drawing itself is walked in Chromium by
tests/naskah/test_journey_outgoing.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from naskah.services.distribusi import naskah_dispatch
from naskah.services.signing import naskah_sign
from tests.naskah.alur_helpers import letter, submit, waiting
from tests.naskah.rendering_helpers import full_text
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def viewer_srcs(html: str) -> list[str]:
    return re.findall(r'data-pdf-viewer data-src="([^"]+)"', html)


def test_the_paraf_page_shows_the_current_revision_beside_the_actions(client, demo):
    naskah = letter(demo, "prakommuda")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    client.force_login(state.assignee)
    html = client.get(reverse("naskah:alur_detail", args=[naskah.pk])).content.decode()
    assert viewer_srcs(html) == [reverse("naskah:pdf", args=[naskah.pk])]
    # The viewer comes first in the page (above the actions on a phone).
    assert html.index("data-pdf-viewer") < html.index(f'id="my-step-{state.pk}"')


def test_the_signing_page_shows_the_draft_then_the_sealed_pdf(client, demo):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    client.force_login(demo["kadiskominfo"])
    url = reverse("naskah:tte", args=[naskah.pk])
    html = client.get(url).content.decode()
    assert viewer_srcs(html) == [reverse("naskah:pdf", args=[naskah.pk])]
    assert html.index("data-pdf-viewer") < html.index('id="id_passphrase"')
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    sealed = reverse("naskah:tte_pdf", args=[naskah.pk])
    assert viewer_srcs(client.get(url).content.decode()) == [sealed]
    # The letter page: the sealed PDF is the main PDF action, draft revisions secondary.
    html = client.get(reverse("naskah:alur_detail", args=[naskah.pk])).content.decode()
    assert viewer_srcs(html) == [sealed]
    main = re.search(r'<a class="btn btn-primary btn-sm" id="btn-pdf" href="([^"]+)"', html)
    assert main and main.group(1) == sealed
    assert reverse("naskah:pdf", args=[naskah.pk]) not in html


def test_a_recipient_sees_the_sealed_pdf_never_a_draft(client, demo):
    from core.models import UnitKerja

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(
        demo, penerima=[{"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk}]
    )
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah_dispatch(naskah=naskah)
    client.force_login(demo["sekdisdik"])
    html = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert viewer_srcs(html) == [reverse("naskah:tte_pdf", args=[naskah.pk])]
    assert client.get(reverse("naskah:pdf", args=[naskah.pk])).status_code == 404
    # The received list and the arrival notice open this page, not a bare PDF.
    listing = client.get(reverse("naskah:inbox")).content.decode()
    assert f'href="{reverse("naskah:tte", args=[naskah.pk])}"' in listing


@pytest.fixture
def correcting(demo, client):
    naskah = letter(demo, "prakommuda")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    revisi = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    data = {
        "revisi": naskah.revisi_terakhir,
        "version": state.route.version,
        "penandatangan": naskah.penandatangan_id,
        "mandat": "",
        "hal": "Permohonan Data Layanan Aplikasi Terkoreksi",
        "urgensi": revisi.header["urgensi"],
        "klasifikasi_keamanan": revisi.header["klasifikasi_keamanan"],
        "kode_klasifikasi": "000.1.2.3",
        "tempat": "",
        "body": "Dengan hormat, kami mohon data layanan aplikasi tahun 2026.",
    }
    return naskah, state, data


def test_the_correction_page_has_a_live_preview_with_the_kept_recipients(client, demo, correcting):
    naskah, state, data = correcting
    client.force_login(state.assignee)
    page = client.get(reverse("naskah:alur_correct", args=[naskah.pk, state.pk])).content.decode()
    url = reverse("naskah:alur_correct_preview", args=[naskah.pk, state.pk])
    assert f'hx-post="{url}"' in page
    assert viewer_srcs(page) == [reverse("naskah:pdf", args=[naskah.pk])]  # before typing
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-preview-state="ok"' in html
    (src,) = viewer_srcs(html)
    assert src.startswith(reverse("naskah:preview_file", args=["x"])[:-2])
    pdf = client.get(src)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(full_text(pdf.content).split())
    assert "Terkoreksi" in text and "tahun 2026" in text
    assert "Kepala Dinas Pendidikan Kota Metro" in text  # the recipients a correction keeps
    # Nothing was saved: a preview is not a revision.
    naskah.refresh_from_db()
    assert naskah.revisi_terakhir == 1 and not naskah.hal.endswith("Terkoreksi")


def test_the_correction_preview_reports_problems_and_is_the_reviewers_only(
    client, demo, correcting
):
    naskah, state, data = correcting
    url = reverse("naskah:alur_correct_preview", args=[naskah.pk, state.pk])
    client.force_login(demo["prakommuda"])  # the drafter does not hold the step
    assert client.post(url, data).status_code == 404
    client.force_login(demo["sekdisdik"])  # nobody on the route
    assert client.post(url, data).status_code == 404
    client.force_login(state.assignee)
    assert client.get(url).status_code == 405
    html = client.post(url, {**data, "hal": ""}).content.decode()
    assert 'data-preview-state="error"' in html and "data-pdf-viewer" not in html
    unknown = client.post(url, {**data, "kode_klasifikasi": "999.9.9"}).content.decode()
    assert 'data-preview-state="error"' in unknown and "999.9.9" in unknown


def test_the_vendored_pdfjs_is_served_from_our_origin(client, demo):
    from django.conf import settings

    client.force_login(demo["prakommuda"])
    html = client.get(reverse("naskah:list")).content.decode()
    script = re.search(r'<script type="module" src="([^"]+)" data-pdfjs-lib="([^"]+)"', html)
    assert script, "base.html loads the viewer"
    for name in (
        "js/pdf-viewer.mjs",
        "vendor/pdfjs-6.5.438/pdf.min.mjs",
        "vendor/pdfjs-6.5.438/pdf.worker.min.mjs",
        "vendor/pdfjs-6.5.438/LICENSE",
    ):
        assert finders.find(name), name
    assert script.group(2).startswith(settings.STATIC_URL)  # no CDN
    # The library and its worker are the same release (PDF.js refuses a mismatched worker).
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        with open(finders.find(f"vendor/pdfjs-6.5.438/{name}"), encoding="utf-8") as source:
            assert '"6.5.438"' in source.read(), name

"""Signed PDF details (issue 14 item 10): uploaded lampiran pages carry the "LAMPIRAN …
NOMOR … TANGGAL …" header, and a signed letter's PDF is dated when it was signed (drafts
stay byte-for-byte deterministic)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from naskah.rendering import RenderError, render_naskah
from naskah.rendering.samples import surat

from .rendering_helpers import page_texts, plain_pdf, reader

SIGNED_AT = dt.datetime(2026, 12, 7, 10, 15, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
TTE = {"qr_url": "https://naskah.example/verifikasi/abc", "signed_at": SIGNED_AT}


def _words(text: str) -> str:
    return " ".join(text.split())


def test_uploaded_lampiran_carry_the_lampiran_header_numbered_after_the_letter():
    layout, context = surat(lampiran_pdfs=[plain_pdf(2, "Unggahan A"), plain_pdf(1, "Unggahan B")])
    texts = [_words(t) for t in page_texts(render_naskah(layout, {**context, "tte": TTE}))]
    nomor = context["nomor"]
    assert texts[1].startswith("Unggahan A halaman 1")
    assert "LAMPIRAN I SURAT" in texts[1] and f"NOMOR : {nomor}" in texts[1]
    assert "TANGGAL : 22 November 2026" in texts[1]
    assert "LAMPIRAN" not in texts[2]  # the header opens the lampiran (layout default)
    assert "LAMPIRAN II SURAT" in texts[3]


def test_a_single_uploaded_lampiran_has_no_roman_number_and_every_page_when_configured():
    layout, context = surat(lampiran_pdfs=[plain_pdf(2, "Unggahan A")])
    layout = {**layout, "lampiran_header_every_page": True}
    texts = [_words(t) for t in page_texts(render_naskah(layout, context))]
    assert "LAMPIRAN SURAT" in texts[1] and "LAMPIRAN SURAT" in texts[2]


def test_the_uploaded_page_is_shrunk_under_the_header_not_covered():
    """The lampiran's own content is scaled into the space below the header band."""
    layout, context = surat(lampiran_pdfs=[plain_pdf(1, "Unggahan A")])
    page = reader(render_naskah(layout, context)).pages[1]
    content = page.get_contents().get_data()
    assert b" cm" in content  # the transformation that makes room
    assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.1)  # size unchanged


def test_signed_pdf_is_dated_when_signed_and_drafts_stay_deterministic():
    layout, context = surat(lampiran_pdfs=[plain_pdf(1)])
    signed = reader(render_naskah(layout, {**context, "tte": TTE})).metadata
    assert signed["/CreationDate"] == "D:20261207101530+07'00'"
    assert signed["/ModDate"] == "D:20261207101530+07'00'"
    layout, context = surat()
    assert render_naskah(layout, context) == render_naskah(layout, context)
    assert reader(render_naskah(layout, context)).metadata["/CreationDate"].startswith("D:20000101")
    with pytest.raises(RenderError):
        render_naskah(layout, {**context, "tte": {**TTE, "signed_at": "2026-12-07"}})


@pytest.mark.django_db
def test_the_sealed_letter_is_dated_at_its_signing(demo, settings, tmp_path):
    from django.utils import timezone

    from naskah.services.signing import naskah_sign, sealed_bytes
    from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

    settings.MEDIA_ROOT = str(tmp_path / "media")
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    before = timezone.localtime().replace(microsecond=0)
    dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    created = reader(sealed_bytes(dokumen)).metadata["/CreationDate"]
    assert not created.startswith("D:20000101")
    stamp = dt.datetime.strptime(created[2:16], "%Y%m%d%H%M%S")  # noqa: DTZ007 - compared naive
    assert abs(stamp - before.replace(tzinfo=None)) < dt.timedelta(minutes=5)

"""A letter delivered internally is registered with the signer as sender, its lampiran
count, and read from its text layer (a signed PDF is never OCRed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from naskah.masuk.models import SuratMasuk
from naskah.models import Lampiran
from naskah.services.distribusi import internal_sender, naskah_dispatch
from tests.naskah.test_tte_flow import _media, _signed  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_internal_delivery_registers_signer_lampiran_and_reads_the_text_layer(
    demo, client, monkeypatch
):
    from naskah.masuk import ocr as ocr_lib
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.services import suratmasuk_ocr_run

    naskah = _signed(demo)
    for judul in ("Daftar data", "Jadwal"):
        Lampiran.objects.create(
            naskah=naskah, jenis="halaman", judul=judul, ditambahkan_oleh=demo["prakommuda"]
        )
    naskah_dispatch(naskah=naskah)
    surat = SuratMasuk.objects.get(sumber_type="naskah.naskah", sumber_id=str(naskah.pk))

    signer = naskah.penandatangan
    assert surat.pengirim == internal_sender(naskah)
    assert signer.nama in surat.pengirim
    assert surat.pengirim != naskah.konseptor.nama_lengkap
    assert surat.jumlah_lampiran == 2

    def no_ocr(pdf):
        raise AssertionError("a signed born-digital PDF must not be OCRed")

    monkeypatch.setattr(ocr_lib, "run_ocrmypdf", no_ocr)
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    surat.refresh_from_db()
    assert surat.ocr_saran == {}  # the metadata came from the letter itself
    assert naskah.hal.split()[0] in surat.ocr_teks

    from naskah.masuk.selectors import suratmasuk_visible

    grant_register_permission()
    reader = next(p for p in demo.values() if suratmasuk_visible(p).filter(pk=surat.pk).exists())
    client.force_login(reader)
    html = client.get(reverse("masuk:suratmasuk_ocr_status", args=[surat.pk])).content.decode()
    assert "Error" not in html and "text-danger" not in html


def test_a_signed_pdf_is_recognised():
    from naskah.masuk.ocr import has_signature

    assert has_signature(b"%PDF-1.4 not really") is False


def test_a_stored_exception_name_is_shown_as_a_sentence(demo, client):
    """A row written before errors were sentences (issue 15: "OCR: Gagal —
    DigitalSignatureError …") shows a translated sentence, never the exception."""
    from naskah.masuk.templatetags.masuk_pesan import pesan_pengguna

    raw = "DigitalSignatureError: Input PDF has a digital signature."
    assert "DigitalSignatureError" not in pesan_pengguna(raw)
    assert "ocrmypdf.exceptions.DigitalSignatureError" not in pesan_pengguna(
        "ocrmypdf.exceptions.DigitalSignatureError"
    )
    sentence = "Reading the scans failed (attempt 1 of 5)."
    assert pesan_pengguna(sentence) == sentence

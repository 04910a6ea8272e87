"""Error messages shown to users are sentences, never exception text or object reprs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from naskah.masuk.models import SuratMasuk

from .test_views import form_data

INTERNALS = ("<_io", "BytesIO", "object at 0x", "Error:", "Traceback", "UnidentifiedImageError")


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20, "the image is damaged"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300, "the image is damaged"),
        ("surat.pdf", b"%PDF-1.7\n1 0 obj <<>>\ntrailer <<>>\n%%EOF\n", "the PDF is damaged"),
    ],
)
def test_a_broken_upload_is_refused_with_a_sentence(client, org, name, content, sentence):
    client.force_login(org["agendaris"])
    data = form_data()
    data["berkas"] = [SimpleUploadedFile(name, content, "application/octet-stream")]
    response = client.post("/surat-masuk/surat/baru/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert sentence in html and name in html
    for internal in INTERNALS:
        assert internal not in html, internal
    assert not SuratMasuk.objects.exists()


def test_failed_ocr_shows_a_sentence_not_the_exception(client, register, org, monkeypatch):
    """A failure goes through the attempt record (core.services.attempts): the page shows the
    sentence it stores, never the exception (which goes to the log)."""
    from naskah.masuk import ocr as ocr_lib
    from naskah.masuk.services import suratmasuk_ocr_run

    def crash(files):
        raise RuntimeError("tesseract crashed")

    surat = register()
    monkeypatch.setattr(ocr_lib, "ocr_files", crash)
    suratmasuk_ocr_run(surat_id=surat.pk)
    surat.refresh_from_db()
    assert "tesseract" not in surat.ocr_pesan and surat.ocr_pesan
    client.force_login(org["agendaris"])
    html = client.get(f"/surat-masuk/surat/{surat.pk}/").content.decode()
    assert "Reading the scans failed" in html
    assert "RuntimeError" not in html and "tesseract crashed" not in html

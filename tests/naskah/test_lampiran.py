"""Uploaded lampiran: only real, readable, unencrypted PDFs within the limits; a refused
upload leaves no row, no file, no revision and no audit event."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from core.errors import ApplicationError
from core.models import AuditEvent
from naskah.models import Lampiran
from naskah.services import lampiran_add, lampiran_remove
from tests.naskah.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def _encrypted() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(1))))
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("surat.pdf", b"MZ\x90\x00 this is an exe renamed to pdf" * 10, "not_pdf"),
        ("kosong.pdf", b"", "not_pdf"),
        (
            "rusak.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%garbage",
            "broken",
        ),
        ("terpotong.pdf", pdf_bytes(3)[:400], "broken"),
        ("terkunci.pdf", _encrypted(), "encrypted"),
        ("tebal.pdf", pdf_bytes(6), "too_many_pages"),
        ("besar.pdf", pdf_bytes(1) + b"%" + b"0" * 6000, "too_large"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_saved(make_draft, demo, settings, name, data, code):
    settings.NASKAH_LAMPIRAN_MAX_PAGES = 5
    settings.NASKAH_LAMPIRAN_MAX_BYTES = 5000
    naskah = make_draft()
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        lampiran_add(
            actor=demo["prakommuda"],
            naskah=naskah,
            expected_revisi=1,
            judul="Lampiran",
            berkas=SimpleUploadedFile(name, data),
        )
    assert exc.value.code == code
    assert exc.value.message
    assert not Lampiran.objects.exists()
    assert naskah.revisi.count() == 1
    assert AuditEvent.objects.count() == events
    assert _media_files(settings) == []


def test_good_upload_adds_revision_and_remove_keeps_history(make_draft, demo, settings):
    naskah = make_draft()
    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar Peserta",
        berkas=SimpleUploadedFile("peserta.pdf", pdf_bytes(2)),
    )
    assert lamp.jumlah_halaman == 2 and len(lamp.sha256) == 64
    assert naskah.revisi.get(nomor=2).lampiran == [lamp.pk]
    assert len(_media_files(settings)) == 1
    lampiran_remove(actor=demo["prakommuda"], naskah=naskah, expected_revisi=2, lampiran=lamp)
    assert naskah.revisi.get(nomor=3).lampiran == []
    assert naskah.revisi.get(nomor=2).lampiran == [lamp.pk]
    assert len(_media_files(settings)) == 1  # revision 2 still needs it


def test_typed_lampiran_and_stale_upload(make_draft, demo):
    from naskah.markup import blocks_from_markup

    naskah = make_draft()
    lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="DAFTAR PESERTA",
        body=blocks_from_markup("1. Peserta satu\n2. Peserta dua"),
    )
    from core.errors import ConflictError

    with pytest.raises(ConflictError):
        lampiran_add(
            actor=demo["prakommuda"],
            naskah=naskah,
            expected_revisi=1,
            judul="Terlambat",
            berkas=SimpleUploadedFile("x.pdf", pdf_bytes(1)),
        )
    assert Lampiran.objects.count() == 1


def test_upload_view_shows_the_reason(client, demo, make_draft):
    from django.urls import reverse

    naskah = make_draft()
    client.force_login(demo["prakommuda"])
    response = client.post(
        reverse("naskah:lampiran_add", args=[naskah.pk]),
        {"revisi": 1, "judul": "Bukan PDF", "berkas": SimpleUploadedFile("a.pdf", b"hello")},
        follow=True,
    )
    assert "The file is not a PDF." in response.content.decode()
    assert not Lampiran.objects.exists()

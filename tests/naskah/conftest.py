"""Fixtures for the drafting tests: the demo organisation and helpers to make letters."""

from __future__ import annotations

import io

import pytest

from core.models import Jabatan
from naskah.markup import blocks_from_markup


def jabatan(nama: str) -> Jabatan:
    return Jabatan.objects.get(nama=nama)


@pytest.fixture
def make_draft(demo):
    """Create a Surat Dinas draft by `user` (default prakommuda) signed by the Kepala Dinas,
    with a copy to the Sekda and no classification code yet (tests/letters.py)."""
    from tests.letters import make_letter

    def _make(user="prakommuda", **overrides):
        values = {
            "body": blocks_from_markup(
                "Dengan hormat, bersama ini kami sampaikan permohonan data.\n\n"
                "Demikian atas perhatiannya kami ucapkan terima kasih."
            ),
            "penerima": [
                {"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"},
                {
                    "jenis": "tembusan",
                    "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk,
                },
            ],
            "kode_klasifikasi": None,
        }
        values.update(overrides)
        return make_letter(demo, "draft", user=user, **values)

    return _make


def pdf_bytes(pages: int = 1, *, text: str = "Lampiran uji") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(pages):
        c.drawString(72, 720, f"{text} halaman {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()

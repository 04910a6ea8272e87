"""Fixtures for the incoming-letter tests: the demo organisation with the register
permission granted to the Agendaris group, and generated scans."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas

from core.models import Jabatan, KodeKlasifikasi, UnitKerja

LETTER_LINES = [
    "BADAN SIBER DAN SANDI NEGARA",
    "",
    "Jakarta, 18 November 2026",
    "Nomor : B-1234/BSSN/D3/PP.01.01/11/2026",
    "Sifat : Segera",
    "Lampiran : 1 (satu) berkas",
    "Hal : Sosialisasi Sertifikat Elektronik",
    "",
    "Yth. Kepala Biro Umum",
    "di Bandar Lampung",
    "",
    "Dengan hormat, kami mengundang Saudara untuk menghadiri",
    "sosialisasi penggunaan sertifikat elektronik pemerintah.",
]


def make_pdf(text: str = "Surat dinas contoh untuk pengujian register", pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(72, 720, f"{text} halaman {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def _font(size: int):
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def make_scan(fmt: str = "PNG", lines: list[str] | None = None) -> bytes:
    """An A4 page at 200 dpi with the letter text drawn on it (a 'scan' with no text layer)."""
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = _font(36)
    y = 150
    for line in lines or LETTER_LINES:
        draw.text((150, y), line, font=font, fill=0)
        y += 60
    buf = io.BytesIO()
    if fmt == "PDF":
        image.save(buf, "PDF", resolution=200.0)
    else:
        image.save(buf, fmt, dpi=(200, 200))
    return buf.getvalue()


@pytest.fixture
def org(demo):
    from naskah.masuk.demo import grant_register_permission

    grant_register_permission()
    people = dict(demo)
    for p in people.values():
        # has_perm caches per user object; fresh objects see the new grant
        for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
            if hasattr(p, attr):
                delattr(p, attr)
    return people


@pytest.fixture
def kka(db):
    return KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True)


@pytest.fixture
def biro_umum(db):
    return UnitKerja.objects.get(kode="BIRO-UMUM")


@pytest.fixture
def karo_umum_jabatan(db):
    return Jabatan.objects.get(nama="Kepala Biro Umum")


@pytest.fixture
def data_surat(kka, karo_umum_jabatan):
    from naskah.masuk.services import DataSurat

    def build(**over):
        values = {
            "pengirim": "Badan Siber dan Sandi Negara",
            "hal": "Sosialisasi Sertifikat Elektronik",
            "tanggal_diterima": timezone.localdate(),
            "urgensi": "segera",
            "klasifikasi_keamanan": "biasa",
            "kode_klasifikasi": kka,
            "jabatan_tujuan": karo_umum_jabatan,
            "nomor_surat": "B-1234/BSSN/D3/PP.01.01/11/2026",
            "tanggal_surat": timezone.localdate() - dt.timedelta(days=3),
            "jumlah_lampiran": 1,
        }
        values.update(over)
        return DataSurat(**values)

    return build


@pytest.fixture
def register(org, biro_umum, data_surat, django_capture_on_commit_callbacks):
    """Register a letter at Biro Umum as the demo agendaris (OCR enqueue captured)."""
    from naskah.masuk.services import suratmasuk_register

    def do(files=None, actor=None, confirm=False, **over):
        return suratmasuk_register(
            actor=actor or org["agendaris"],
            unit=biro_umum,
            data=data_surat(**over),
            files=files if files is not None else [("surat.pdf", make_pdf())],
            konfirmasi_duplikat=confirm,
        )

    return do


@pytest.fixture
def biro_umum_tx(transactional_db):
    """The demo org for transaction=True tests (no per-test transaction around it)."""
    from core.demo import demo_seed
    from core.models import Pegawai
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.services import DataSurat

    demo_seed(password="demo-pass-123")
    grant_register_permission()
    people = {p.username: p for p in Pegawai.objects.all()}
    unit = UnitKerja.objects.get(kode="BIRO-UMUM")
    kode = KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True)
    head = Jabatan.objects.get(nama="Kepala Biro Umum")

    def build(**over):
        values = {
            "pengirim": "Instansi Uji",
            "hal": "Uji konkurensi",
            "tanggal_diterima": timezone.localdate(),
            "urgensi": "biasa",
            "klasifikasi_keamanan": "biasa",
            "kode_klasifikasi": kode,
            "jabatan_tujuan": head,
        }
        values.update(over)
        return DataSurat(**values)

    return people, unit, build

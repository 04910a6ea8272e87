"""Demo data for the incoming register, called from `seed_demo` after the organisation:

    from naskah.masuk.demo import demo_seed_masuk
    demo_seed_masuk()

Idempotent: the demo letter is recognised by its sender's number and not registered twice.
It registers a scanned letter (an image generated here) at Biro Umum, runs OCR on it
(when OCR is installed), has the Kepala Biro Umum dispose it to two recipients, and the
Kepala Bagian Tata Usaha re-dispose it once.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.models import Group, Permission
from PIL import Image, ImageDraw, ImageFont

from core.clock import office_today
from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja

AGENDARIS_GROUP = "Agendaris"
DEMO_NOMOR = "005/117/DPMPTSP/XI/2026"
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def grant_register_permission(group_name: str = AGENDARIS_GROUP) -> Group:
    """Give the agendaris group the right to register incoming letters."""
    group, _ = Group.objects.get_or_create(name=group_name)
    perm = Permission.objects.get(content_type__app_label="masuk", codename="register_suratmasuk")
    group.permissions.add(perm)
    return group


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def demo_scan(letter_date: dt.date) -> bytes:
    """A 200 dpi 'scan' (PNG, no text layer) of an invitation letter in Indonesian."""
    from core.indonesian import tanggal_panjang

    lines = [
        "PEMERINTAH KOTA BANDAR LAMPUNG",
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        "",
        f"Bandar Lampung, {tanggal_panjang(letter_date)}",
        f"Nomor : {DEMO_NOMOR}",
        "Sifat : Segera",
        "Lampiran : 1 (satu) berkas",
        "Hal : Undangan Rapat Koordinasi Perizinan Daring",
        "",
        "Yth. Kepala Biro Umum",
        "Sekretariat Daerah Provinsi Lampung",
        "di Bandar Lampung",
        "",
        "Dengan hormat, kami mengundang Saudara untuk hadir pada",
        "rapat koordinasi layanan perizinan daring pada hari Kamis.",
        "",
        "Kepala Dinas,",
        "",
        "Drs. Wahyu Nugroho, M.M.",
    ]
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = _font(34)
    y = 140
    for line in lines:
        draw.text((140, y), line, font=font, fill=0)
        y += 58
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(200, 200))
    return buf.getvalue()


def demo_seed_masuk(*, run_ocr: bool = True) -> dict:
    """Register, OCR and dispose the demo letter (once). Returns what it did."""
    from naskah.masuk.models import InstruksiDisposisi, SuratMasuk
    from naskah.masuk.services import (
        DataSurat,
        Tujuan,
        disposisi_create,
        disposisi_forward,
        suratmasuk_ocr_run,
        suratmasuk_register,
    )

    grant_register_permission()
    unit = UnitKerja.objects.get(kode="BIRO-UMUM")
    existing = SuratMasuk.objects.filter(unit=unit, nomor_surat=DEMO_NOMOR).first()
    if existing is not None:
        return {"created": False, "surat": existing.pk}
    agendaris = Pegawai.objects.get(username="agendaris")
    karo = Pegawai.objects.get(username="karoumum")
    kabag = Pegawai.objects.get(username="kabagtu")
    today = office_today()
    letter_date = today - dt.timedelta(days=2)
    surat = suratmasuk_register(
        actor=agendaris,
        unit=unit,
        data=DataSurat(
            pengirim="Dinas Penanaman Modal dan PTSP Kota Bandar Lampung",
            hal="Undangan Rapat Koordinasi Perizinan Daring",
            tanggal_diterima=today,
            urgensi="segera",
            klasifikasi_keamanan="biasa",
            kode_klasifikasi=KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True),
            jabatan_tujuan=Jabatan.objects.get(nama="Kepala Biro Umum", unit=unit),
            nomor_surat=DEMO_NOMOR,
            tanggal_surat=letter_date,
            jumlah_lampiran=1,
        ),
        files=[("scan-undangan-dpmptsp.png", demo_scan(letter_date))],
    )
    if run_ocr:
        suratmasuk_ocr_run(surat_id=surat.pk)
    instr = {i.kode: i for i in InstruksiDisposisi.objects.all()}
    kabag_jabatan = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    act = disposisi_create(
        surat=surat,
        actor=karo,
        targets=[
            Tujuan(jabatan=kabag_jabatan),
            Tujuan(pegawai=Pegawai.objects.get(username="arsiparis")),
        ],
        utama=0,
        instruksi=[instr["ditindaklanjuti"], instr["wakili"]],
        catatan="Hadiri dan laporkan hasilnya. Arsiparis mencatat bahan rapat.",
    )
    lead = act.penerima.get(utama=True)
    disposisi_forward(
        cabang=lead,
        actor=kabag,
        targets=[Tujuan(pegawai=Pegawai.objects.get(username="penelaah"))],
        instruksi=[instr["siapkan-jawaban"]],
        catatan="Siapkan konfirmasi kehadiran dan bahan paparan.",
    )
    return {"created": True, "surat": surat.pk}

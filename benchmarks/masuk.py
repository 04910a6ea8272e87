"""Incoming register: registration (content checks + agenda number + files + audit),
disposition, the permission-filtered list, the dashboard, the Lembar Disposisi PDF and
OCR of a one-page scan.

Run: ``.venv/bin/python scripts/bench.py masuk``.
"""

from __future__ import annotations

import io
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reportlab.pdfgen import canvas

from benchmarks._util import summary, timed
from core.demo import demo_seed
from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja

LETTERS = 300


def _pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Surat dinas untuk pengukuran register surat masuk")
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> None:
    from naskah.masuk.demo import demo_scan, grant_register_permission
    from naskah.masuk.lembar import lembar_disposisi_pdf
    from naskah.masuk.models import InstruksiDisposisi, SuratMasuk
    from naskah.masuk.ocr import ocr_availability
    from naskah.masuk.selectors import disposisi_dashboard, suratmasuk_visible
    from naskah.masuk.services import (
        DataSurat,
        Tujuan,
        disposisi_create,
        disposisi_forward,
        suratmasuk_ocr_run,
        suratmasuk_register,
    )

    demo_seed(password="bench-only-password")
    grant_register_permission()
    people = {p.username: p for p in Pegawai.objects.all()}
    unit = UnitKerja.objects.get(kode="BIRO-UMUM")
    kode = KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True)
    head = Jabatan.objects.get(nama="Kepala Biro Umum")
    kabag = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    pdf = _pdf()
    counter = iter(range(10**6))
    agendaris = Pegawai.objects.get(pk=people["agendaris"].pk)

    def register():
        n = next(counter)
        return suratmasuk_register(
            actor=agendaris,
            unit=unit,
            data=DataSurat(
                pengirim="Instansi Pengukuran",
                hal=f"Surat ke-{n}",
                tanggal_diterima=timezone.localdate(),
                urgensi="biasa",
                klasifikasi_keamanan="biasa",
                kode_klasifikasi=kode,
                jabatan_tujuan=head,
                nomor_surat=f"B-{n}/UKUR/2026",
            ),
            files=[("surat.pdf", pdf)],
        )

    print(
        "suratmasuk_register (1-page PDF, agenda number, file, audit):",
        summary(timed(register, repeat=LETTERS - 3)),
    )
    instr = list(InstruksiDisposisi.objects.filter(kode__in=["ditindaklanjuti", "pantau"]))
    letters = list(SuratMasuk.objects.all())
    karo, kabagtu = people["karoumum"], people["kabagtu"]
    start = time.perf_counter()
    for surat in letters:
        act = disposisi_create(
            surat=surat,
            actor=karo,
            targets=[Tujuan(jabatan=kabag), Tujuan(pegawai=people["arsiparis"])],
            instruksi=instr,
        )
        disposisi_forward(
            cabang=act.penerima.get(utama=True),
            actor=kabagtu,
            targets=[Tujuan(pegawai=people["penelaah"])],
            instruksi=instr[:1],
        )
    per = (time.perf_counter() - start) * 1000 / len(letters)
    print(f"disposisi_create + disposisi_forward: {per:.2f} ms per letter, n={len(letters)}")

    for name in ("agendaris", "karoumum", "penelaah", "agendakominfo"):
        user = Pegawai.objects.get(username=name)
        with CaptureQueriesContext(connection) as queries:
            count = len(list(suratmasuk_visible(user)[:50]))
        samples = timed(lambda u=user: list(suratmasuk_visible(u)[:50]), repeat=50)
        print(
            f"visible list, first 50 of {len(letters)} ({name}, sees {count}): "
            f"{summary(samples)}, {len(queries)} queries"
        )
    with CaptureQueriesContext(connection) as queries:
        disposisi_dashboard(karo)
    print(
        f"dashboard ({3 * len(letters)} branches):",
        summary(timed(lambda: disposisi_dashboard(karo), repeat=30)),
        f"{len(queries)} queries",
    )
    surat = letters[0]
    print(
        "lembar_disposisi_pdf (2 pages):",
        summary(timed(lambda: lembar_disposisi_pdf(surat), repeat=20)),
    )

    reason = ocr_availability()
    if reason:
        print(f"OCR: skipped ({reason})")
        return
    scan = demo_scan(timezone.localdate())
    samples = []
    for _ in range(3):
        s = suratmasuk_register(
            actor=agendaris,
            unit=unit,
            data=DataSurat(
                pengirim="Instansi Pindai",
                hal="Pindaian",
                tanggal_diterima=timezone.localdate(),
                urgensi="biasa",
                klasifikasi_keamanan="biasa",
                kode_klasifikasi=kode,
                jabatan_tujuan=head,
            ),
            files=[("scan.png", scan)],
        )
        start = time.perf_counter()
        suratmasuk_ocr_run(surat_id=s.pk)
        samples.append((time.perf_counter() - start) * 1000)
    print("OCR of a one-page 200 dpi PNG scan (combine + OCRmyPDF ind + text):", summary(samples))

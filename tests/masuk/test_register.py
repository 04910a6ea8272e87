"""Registration: content-checked uploads, nothing saved on a bad file, agenda numbers,
duplicate warning, internal registration."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from pypdf import PdfReader, PdfWriter

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from naskah.masuk.models import BerkasSuratMasuk, SuratMasuk
from penomoran.models import Nomor

from .conftest import make_pdf, make_scan


def media_files() -> list[str]:
    root = settings.MEDIA_ROOT
    found = []
    for dirpath, _dirs, names in os.walk(root):
        found += [os.path.join(dirpath, n) for n in names]
    return found


def assert_nothing_saved():
    assert SuratMasuk.objects.count() == 0
    assert BerkasSuratMasuk.objects.count() == 0
    assert Nomor.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="masuk.").exists()
    assert media_files() == []


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_register_pdf_and_images_gets_agenda_number_and_files(register):
    surat = register(
        files=[
            ("halaman1.pdf", make_pdf(pages=2)),
            ("halaman2.jpg", make_scan("JPEG")),
            ("halaman3.png", make_scan("PNG")),
        ]
    )
    assert surat.nomor_agenda == f"1/II.07/{surat.agenda_tahun}"  # official code (demo)
    assert surat.agenda_urut == 1
    assert surat.nomor_ref.object_id == str(surat.kunci)
    rows = list(surat.berkas.order_by("urutan"))
    assert [(r.jenis, r.halaman) for r in rows] == [
        ("application/pdf", 2),
        ("image/jpeg", 1),
        ("image/png", 1),
    ]
    assert all(len(r.sha256) == 64 for r in rows)
    assert surat.ocr_status == SuratMasuk.StatusOCR.MENUNGGU
    assert AuditEvent.objects.filter(action="masuk.suratmasuk.register").count() == 1
    second = register(nomor_surat="B-9/X/2026")
    assert second.agenda_urut == 2


def test_ocr_task_is_enqueued_with_the_registration(org, biro_umum, data_surat):
    """The queue row is written in the registration's transaction (core.services.queue):
    workers see it once the registration commits, never if it rolls back."""
    from django_q.models import OrmQ

    from naskah.masuk.services import suratmasuk_register

    surat = suratmasuk_register(
        actor=org["agendaris"],
        unit=biro_umum,
        data=data_surat(),
        files=[("s.pdf", make_pdf())],
    )
    queued = [q.task for q in OrmQ.objects.all()]
    assert queued and queued[0]["func"] == "naskah.masuk.tasks.suratmasuk_ocr_task"
    assert queued[0]["args"] == (surat.pk,)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("palsu.pdf", b"%PDF-1.7\nthis is not really a pdf at all\n%%EOF\n", "cannot be read"),
        ("terpotong.pdf", make_pdf(pages=3)[:-400], "incomplete"),
        ("terkunci.pdf", encrypted_pdf(), "encrypted"),
        ("catatan.png", b"just some text pretending to be an image\n" * 20, "only PDF, JPEG"),
        ("kosong.pdf", b"", "empty"),
        ("terpotong.png", make_scan("PNG")[:3000], "cannot be read"),
        ("bukan-jpeg.jpg", b"\xff\xd8\xff" + b"\x00" * 500, "cannot be read"),
    ],
    ids=[
        "fake-pdf",
        "truncated-pdf",
        "encrypted-pdf",
        "text-as-png",
        "empty",
        "cut-png",
        "fake-jpeg",
    ],
)
def test_bad_file_is_refused_and_nothing_is_saved(register, name, data, message):
    with pytest.raises(ApplicationError) as info:
        register(files=[("baik.pdf", make_pdf()), (name, data)])
    assert info.value.code == "bad_file"
    assert name in info.value.message and message in info.value.message
    assert_nothing_saved()


def test_too_large_file_is_refused(register, settings):
    settings.NASKAH_MASUK_MAX_FILE_MB = 1
    big = make_pdf() + b"%" + b"x" * (1024 * 1024)
    with pytest.raises(ApplicationError, match="larger than 1 MB"):
        register(files=[("besar.pdf", big)])
    assert_nothing_saved()


def test_too_many_pages_is_refused(register, settings):
    settings.NASKAH_MASUK_MAX_PAGES = 3
    with pytest.raises(ApplicationError, match="4 pages; at most 3"):
        register(files=[("tebal.pdf", make_pdf(pages=4))])
    assert_nothing_saved()


def test_failure_after_files_are_written_leaves_no_orphan(register, monkeypatch):
    from naskah.masuk.services import register as services

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        register(files=[("a.pdf", make_pdf()), ("b.png", make_scan("PNG"))])
    assert SuratMasuk.objects.count() == 0
    assert Nomor.objects.count() == 0
    assert media_files() == []


def test_no_file_and_bad_metadata_are_refused(register, karo_umum_jabatan):
    with pytest.raises(ApplicationError, match="at least one scan"):
        register(files=[])
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(ApplicationError, match="cannot be in the future"):
        register(tanggal_diterima=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ApplicationError, match="Give the sender"):
        register(pengirim="  ")
    from core.models import Jabatan

    other = Jabatan.objects.get(nama="Kepala Biro Hukum")
    with pytest.raises(ApplicationError, match="addressed position"):
        register(jabatan_tujuan=other)
    assert SuratMasuk.objects.count() == 0


def test_only_the_units_agendaris_may_register(register, org):
    with pytest.raises(PermissionDeniedError):
        register(actor=org["karoumum"])  # the head, not an agendaris
    with pytest.raises(PermissionDeniedError):
        register(actor=org["agendakominfo"])  # an agendaris of another unit
    assert SuratMasuk.objects.count() == 0


def test_duplicate_warning_requires_confirmation(register):
    first = register()
    with pytest.raises(ConflictError) as info:
        register(
            pengirim="  badan siber DAN sandi negara ",
            nomor_surat="B-1234/BSSN/D3/PP.01.01/11/2026 ",
        )
    assert info.value.code == "duplicate"
    assert info.value.extra["duplikat"] == [first.pk]
    assert SuratMasuk.objects.count() == 1
    again = register(confirm=True)
    assert again.agenda_urut == 2
    event = AuditEvent.objects.filter(action="masuk.suratmasuk.register").order_by("id").last()
    assert event.details["duplikat_dikonfirmasi"] == [first.pk]
    # a different sender with the same number is not a duplicate
    register(pengirim="Dinas Lain")


def test_register_internal_is_idempotent_per_source(org, biro_umum, kka, karo_umum_jabatan):
    from django.utils import timezone

    from naskah.masuk.services import suratmasuk_register_internal

    kwargs = dict(
        unit=biro_umum,
        jabatan_tujuan=karo_umum_jabatan,
        pengirim="Dinas Komunikasi, Informatika dan Statistik",
        nomor_surat="000.1.2.3/15/DISKOMINFOTIK/2026",
        tanggal_surat=timezone.localdate(),
        hal="Undangan rapat",
        urgensi="biasa",
        klasifikasi_keamanan="biasa",
        kode_klasifikasi=kka,
        pdf=make_pdf(),
        nama_berkas="surat.pdf",
        sumber_type="naskah.naskah",
        sumber_id=42,
    )
    first = suratmasuk_register_internal(**kwargs)
    second = suratmasuk_register_internal(**kwargs)
    assert first.pk == second.pk
    assert first.asal == SuratMasuk.Asal.INTERNAL
    assert SuratMasuk.objects.count() == 1
    with pytest.raises(ApplicationError, match="refused"):
        suratmasuk_register_internal(**{**kwargs, "sumber_id": 43, "pdf": b"%PDF-1.4 broken"})
    assert SuratMasuk.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_agenda_numbers_are_unique_and_gap_free_under_concurrency(biro_umum_tx):
    import threading

    from django.db import connection

    from naskah.masuk.services import suratmasuk_register

    org, unit, build = biro_umum_tx
    errors, done = [], []
    barrier = threading.Barrier(8)

    def worker(i):
        try:
            barrier.wait()
            for j in range(3):
                surat = suratmasuk_register(
                    actor=org["agendaris"],
                    unit=unit,
                    data=build(nomor_surat=f"T-{i}-{j}"),
                    files=[("s.pdf", make_pdf())],
                )
                done.append(surat.agenda_urut)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(done) == list(range(1, 25))
    assert sorted(SuratMasuk.objects.values_list("agenda_urut", flat=True)) == list(range(1, 25))

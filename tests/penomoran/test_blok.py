"""Outage fallback (penomoran/blok.py): an emergency block of numbers issued ahead of an
outage, letters signed on paper registered afterwards with their scans, unused numbers
cancelled with a reason; the series stays gap-free and no number is used twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reportlab.pdfgen import canvas

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from core.services.storage import storage_read
from penomoran.blok import blok_cancel_unused, nomor_block_issue, surat_manual_register
from penomoran.models import Nomor, SuratManual
from penomoran.selectors import nomor_ledger_check
from penomoran.services import nomor_cancel, nomor_reserve, nomor_use_reserved
from tests.factories import JabatanFactory, PegawaiFactory, PenugasanFactory

MAY_4 = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB


@pytest.fixture(autouse=True)
def _may_2026():
    with time_machine.travel(MAY_4, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin_user(db):
    return PegawaiFactory(username="admin_blok", is_superuser=True, is_staff=True)


def _pdf(text: str = "Surat ditandatangani di atas kertas") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _issue(buku, actor, count=5):
    return nomor_block_issue(
        buku=buku,
        count=count,
        alasan="Pemeliharaan server 5 Mei",
        actor=actor,
        kode_klasifikasi="000.1.2.3",
    )


def _register(blok, nomor, actor, **overrides):
    values = {
        "tanggal": dt.date(2026, 5, 4),
        "hal": "Undangan rapat darurat",
        "penandatangan": "Kepala Dinas",
        "tujuan": "Para Kepala Bidang",
        "scan": _pdf(),
    }
    values.update(overrides)
    return surat_manual_register(blok=blok, nomor=nomor, actor=actor, **values)


def test_block_is_contiguous_reserved_and_audited(buku, reserver, admin_user):
    nomor_reserve(
        buku=buku,
        tanggal=dt.date(2026, 5, 4),
        alasan="before",
        actor=reserver,
        kode_klasifikasi="000.1.2.3",
    )
    blok = _issue(buku, admin_user, count=4)
    assert (blok.urut_awal, blok.urut_akhir) == (2, 5)
    numbers = list(blok.nomor_qs().order_by("urut"))
    assert [n.urut for n in numbers] == [2, 3, 4, 5]
    assert {n.status for n in numbers} == {Nomor.Status.DICADANGKAN}
    event = AuditEvent.objects.get(action="penomoran.blok.issue")
    assert event.details["urut_awal"] == 2 and event.details["sampai"] == numbers[-1].teks
    assert nomor_ledger_check(buku=buku, tahun=2026).ok


def test_block_needs_the_permission_a_reason_and_a_bounded_size(
    buku, reserver, admin_user, settings
):
    with pytest.raises(PermissionDeniedError):
        _issue(buku, reserver)
    with pytest.raises(ApplicationError, match="reason"):
        nomor_block_issue(buku=buku, count=3, alasan=" ", actor=admin_user, kode_klasifikasi="000")
    settings.NASKAH_NOMOR_BLOCK_MAX = 10
    with pytest.raises(ApplicationError, match="between 1 and 10"):
        _issue(buku, admin_user, count=11)
    granted = PegawaiFactory(username="pengelola_blok")
    granted.user_permissions.add(Permission.objects.get(codename="issue_blokdarurat"))
    granted = type(granted).objects.get(pk=granted.pk)
    assert _issue(buku, granted, count=2).urut_akhir == 2


def test_manual_letters_and_cancelled_rest_keep_the_series_gap_free(buku, reserver, admin_user):
    blok = _issue(buku, admin_user, count=3)
    first, second, third = blok.nomor_qs().order_by("urut")
    surat = _register(blok, second, reserver)
    second.refresh_from_db()
    assert second.status == Nomor.Status.DIGUNAKAN
    assert (second.object_type, second.object_id) == ("penomoran.suratmanual", str(surat.pk))
    assert storage_read(surat.berkas.name).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="penomoran.surat_manual.register").count() == 1

    cancelled = blok_cancel_unused(
        blok=blok, alasan="Tidak terpakai selama gangguan", actor=admin_user
    )
    assert [n.urut for n in cancelled] == [first.urut, third.urut]
    statuses = dict(blok.nomor_qs().values_list("urut", "status"))
    assert statuses == {1: "batal", 2: "digunakan", 3: "batal"}
    check = nomor_ledger_check(buku=buku, tahun=2026)
    assert check.ok and check.highest == 3
    assert AuditEvent.objects.filter(action="penomoran.blok.cancel_unused").exists()


def test_a_block_number_cannot_be_used_twice(buku, reserver, admin_user):
    blok = _issue(buku, admin_user, count=2)
    nomor = blok.nomor_qs().order_by("urut").first()
    _register(blok, nomor, reserver)
    with pytest.raises(ConflictError):
        _register(blok, nomor, reserver, hal="Surat kedua dengan nomor yang sama")
    with pytest.raises(ConflictError):
        nomor_use_reserved(nomor=nomor, object_type="naskah.naskah", object_id=99, actor=reserver)
    assert SuratManual.objects.count() == 1


def test_used_numbers_refuse_cancellation_and_cancelled_ones_registration(
    buku, reserver, admin_user
):
    blok = _issue(buku, admin_user, count=2)
    used, rest = blok.nomor_qs().order_by("urut")
    _register(blok, used, reserver)
    with pytest.raises(ConflictError):
        nomor_cancel(nomor=used, alasan="salah", actor=admin_user)
    with pytest.raises(ApplicationError, match="reason"):
        blok_cancel_unused(blok=blok, alasan="", actor=admin_user)
    blok_cancel_unused(blok=blok, alasan="Tidak terpakai", actor=admin_user)
    rest.refresh_from_db()
    with pytest.raises(ConflictError):
        _register(blok, rest, reserver)
    used.refresh_from_db()
    assert used.status == Nomor.Status.DIGUNAKAN


def test_registration_checks_block_date_fields_and_scan(buku, reserver, admin_user):
    blok = _issue(buku, admin_user, count=1)
    other = _issue(buku, admin_user, count=1)
    nomor = blok.nomor_qs().get()
    with pytest.raises(ApplicationError, match="not in this emergency block"):
        _register(other, nomor, reserver)
    with pytest.raises(ApplicationError):
        _register(blok, nomor, reserver, tanggal=dt.date(2026, 5, 9))  # in the future
    with pytest.raises(ApplicationError):
        _register(blok, nomor, reserver, hal=" ")
    with pytest.raises(ApplicationError):
        _register(blok, nomor, reserver, scan=b"not a pdf")
    with pytest.raises(PermissionDeniedError):
        _register(blok, nomor, PegawaiFactory(username="tamu"))
    nomor.refresh_from_db()
    assert nomor.status == Nomor.Status.DICADANGKAN and not SuratManual.objects.exists()


def test_pages_issue_print_register_and_cancel(client, buku, unit, admin_user):
    PenugasanFactory(
        pegawai=admin_user, jabatan=JabatanFactory(unit=unit), mulai=dt.date(2024, 1, 1)
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("penomoran:blok_list", args=[buku.pk]),
        {"jumlah": 3, "kode_klasifikasi": "000.1.2.3", "sifat": "", "alasan": "Gangguan listrik"},
    )
    blok = buku.blok_set.get()
    assert response.status_code == 302 and response.url == reverse(
        "penomoran:blok_detail", args=[blok.pk]
    )
    sheet = client.get(reverse("penomoran:blok_sheet", args=[blok.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    nomor = blok.nomor_qs().order_by("urut").first()
    client.post(
        reverse("penomoran:blok_register", args=[blok.pk]),
        {
            "nomor": nomor.pk,
            "tanggal": "2026-05-04",
            "hal": "Pemberitahuan",
            "penandatangan": "Sekretaris Dinas",
            "tujuan": "Seluruh pegawai",
            "berkas": SimpleUploadedFile("scan.pdf", _pdf(), content_type="application/pdf"),
        },
    )
    surat = SuratManual.objects.get()
    page = client.get(reverse("penomoran:blok_detail", args=[blok.pk])).content.decode()
    assert "Pemberitahuan" in page and nomor.teks in page
    scan = client.get(reverse("penomoran:surat_manual_scan", args=[surat.pk]))
    assert scan.status_code == 200
    client.post(reverse("penomoran:blok_cancel", args=[blok.pk]), {"alasan": "Sisa blok"})
    assert sorted(blok.nomor_qs().values_list("status", flat=True)) == [
        "batal",
        "batal",
        "digunakan",
    ]


def test_other_units_do_not_see_a_block(client, buku, admin_user):
    blok = _issue(buku, admin_user, count=1)
    outsider = PegawaiFactory(username="luar")
    outsider.user_permissions.add(Permission.objects.get(codename="view_bukunomor"))
    client.force_login(outsider)
    assert client.get(reverse("penomoran:blok_detail", args=[blok.pk])).status_code == 404
    assert client.get(reverse("penomoran:blok_sheet", args=[blok.pk])).status_code == 404

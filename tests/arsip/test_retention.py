import datetime as dt

import pytest

from arsip.models import Berkas
from arsip.selectors.retention import add_years, retention_dates
from arsip.services.records import berkas_close, berkas_open
from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent
from tests.arsip.conftest import unit


def test_retention_dates_count_from_closing_date(codes):
    aktif, inaktif = retention_dates(kode=codes["musnah_lama"], ditutup=dt.date(2020, 6, 30))
    assert aktif == dt.date(2022, 6, 30)
    assert inaktif == dt.date(2030, 6, 30)


def test_code_without_jra_gives_no_dates(codes):
    assert retention_dates(kode=codes["tanpa_jra"], ditutup=dt.date(2020, 1, 1)) == (None, None)


def test_incomplete_jra_is_not_guessed(codes):
    kode = codes["tanpa_jra"]
    kode.retensi_aktif = 2  # inactive years and final fate still missing
    kode.save()
    assert retention_dates(kode=kode, ditutup=dt.date(2020, 1, 1)) == (None, None)


def test_leap_day_moves_to_28_february():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_closing_copies_jra_and_starts_clock(people, codes):
    arsiparis = people["arsiparis"]
    berkas = berkas_open(
        actor=arsiparis,
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=codes["musnah"],
        judul="Cuti pegawai 2020",
        dibuka=dt.date(2020, 1, 1),
    )
    berkas = berkas_close(actor=arsiparis, berkas=berkas, ditutup=dt.date(2020, 12, 31))
    assert berkas.status == Berkas.Status.AKTIF
    assert (berkas.retensi_aktif, berkas.retensi_inaktif, berkas.nasib_akhir) == (1, 2, "musnah")
    assert berkas.aktif_sampai == dt.date(2021, 12, 31)
    assert berkas.inaktif_sampai == dt.date(2023, 12, 31)
    assert AuditEvent.objects.filter(action="arsip.berkas.close", object_id=str(berkas.pk)).exists()
    # A later change of the JRA does not move the clock of a closed file.
    codes["musnah"].retensi_aktif = 9
    codes["musnah"].save()
    berkas.refresh_from_db()
    assert berkas.aktif_sampai == dt.date(2021, 12, 31)


def test_closing_without_jra_marks_jra_not_set(people, codes):
    berkas = berkas_open(
        actor=people["arsiparis"],
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=codes["tanpa_jra"],
        judul="Alih media",
        dibuka=dt.date(2020, 1, 1),
    )
    berkas = berkas_close(actor=people["arsiparis"], berkas=berkas, ditutup=dt.date(2020, 5, 1))
    assert berkas.jra_ditetapkan is False
    assert berkas.aktif_sampai is None and berkas.inaktif_sampai is None
    assert berkas.nasib_akhir == ""


def test_close_rules(people, codes):
    arsiparis = people["arsiparis"]
    berkas = berkas_open(
        actor=arsiparis,
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=codes["musnah"],
        judul="x",
        dibuka=dt.date(2021, 1, 1),
    )
    with pytest.raises(ApplicationError, match="before it was opened"):
        berkas_close(actor=arsiparis, berkas=berkas, ditutup=dt.date(2020, 1, 1))
    with pytest.raises(PermissionDeniedError):
        berkas_close(actor=people["stafaptika"], berkas=berkas, ditutup=dt.date(2021, 2, 1))
    berkas_close(actor=arsiparis, berkas=berkas, ditutup=dt.date(2021, 2, 1))
    with pytest.raises(ApplicationError, match="Only an open file"):
        berkas_close(actor=arsiparis, berkas=berkas, ditutup=dt.date(2021, 3, 1))
    with pytest.raises(ApplicationError, match="already exists"):
        berkas_open(
            actor=arsiparis,
            unit=unit("DISKOMINFOTIK"),
            kode_klasifikasi=codes["musnah"],
            judul="y",
            nomor=berkas.nomor,
        )


@pytest.mark.django_db(transaction=True)
def test_closing_runs_in_its_own_transaction(people, codes):
    """The page calls the service outside any transaction: its row lock needs one (on
    PostgreSQL select_for_update outside a transaction is an error, the page answered 500)."""
    arsiparis = people["arsiparis"]
    berkas = berkas_open(
        actor=arsiparis,
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=codes["musnah"],
        judul="Ditutup dari laman",
        dibuka=dt.date(2020, 1, 1),
    )
    berkas = berkas_close(actor=arsiparis, berkas=berkas, ditutup=dt.date(2020, 12, 31))
    assert Berkas.objects.get(pk=berkas.pk).status == Berkas.Status.AKTIF

"""Running numbers restart on 1 January in the office time zone (Asia/Jakarta, UTC+7)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from penomoran.models import BukuNomorTahun
from penomoran.services import nomor_allocate

UTC = dt.UTC


def allocate(buku, actor, object_id):
    with transaction.atomic():
        return nomor_allocate(
            buku=buku,
            kode_klasifikasi="000.1.2.3",
            object_type="naskah.naskah",
            object_id=object_id,
            actor=actor,
        )


@pytest.fixture
def buku_bulan(buku):
    buku.format = "{kode}/{nomor}/{unit}/{bulan_romawi}/{tahun}"
    buku.save()
    return buku


def test_office_time_zone_is_jakarta(settings):
    assert settings.TIME_ZONE == "Asia/Jakarta"


def test_23_30_wib_on_31_december_belongs_to_that_year(buku_bulan, actor):
    with time_machine.travel(dt.datetime(2026, 12, 31, 10, 0, tzinfo=UTC), tick=False):
        allocate(buku_bulan, actor, 1)
    # 23:30 WIB = 16:30 UTC on the same day
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        nomor = allocate(buku_bulan, actor, 2)
    assert (nomor.tahun, nomor.urut) == (2026, 2)
    assert nomor.tanggal == dt.date(2026, 12, 31)
    assert nomor.teks == "000.1.2.3/2/DISKOMINFOTIK/XII/2026"


def test_00_30_wib_on_1_january_starts_the_new_year_although_utc_is_still_31_december(
    buku_bulan, actor
):
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        allocate(buku_bulan, actor, 1)
        allocate(buku_bulan, actor, 2)
    # 00:30 WIB on 1 January 2027 = 17:30 UTC on 31 December 2026
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC), tick=False):
        nomor = allocate(buku_bulan, actor, 3)
    assert (nomor.tahun, nomor.urut) == (2027, 1)
    assert nomor.tanggal == dt.date(2027, 1, 1)
    assert nomor.teks == "000.1.2.3/1/DISKOMINFOTIK/I/2027"
    counters = dict(BukuNomorTahun.objects.values_list("tahun", "terakhir"))
    assert counters == {2026: 2, 2027: 1}


def test_new_year_counter_row_is_created_once(buku, actor):
    with time_machine.travel(dt.datetime(2027, 1, 1, 3, 0, tzinfo=UTC), tick=False):
        for i in range(3):
            allocate(buku, actor, i)
    assert BukuNomorTahun.objects.filter(buku=buku, tahun=2027).get().terakhir == 3

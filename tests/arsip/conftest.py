"""Archive fixtures: people in the archive roles, classification codes with a JRA, and
a helper that files records (the index is updated synchronously in tests)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group

from arsip.permissions import GROUP_ARSIPARIS, GROUP_PANITIA, GROUP_PEJABAT
from arsip.services.records import arsip_record_upsert
from core.models import KodeKlasifikasi, UnitKerja

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _index_sync(settings):
    settings.ARSIP_INDEX_SYNC = True


@pytest.fixture
def people(demo):
    """arsiparis (Arsiparis), karoumum (Panitia Penilai), kabagtu (Pejabat Kearsipan)."""
    Group.objects.get(name=GROUP_PANITIA).user_set.add(demo["karoumum"], demo["asisten3"])
    Group.objects.get(name=GROUP_PEJABAT).user_set.add(demo["kabagtu"])
    assert demo["arsiparis"].groups.filter(name=GROUP_ARSIPARIS).exists()
    return demo


def set_jra(kode: str, aktif, inaktif, nasib) -> KodeKlasifikasi:
    obj = KodeKlasifikasi.objects.get(skema__aktif=True, kode=kode)
    obj.retensi_aktif, obj.retensi_inaktif, obj.nasib_akhir = aktif, inaktif, nasib
    obj.save()
    return obj


@pytest.fixture
def codes(db):
    """Codes with a demo JRA: short destroy, long destroy (>=10 y), permanent, none."""
    return {
        "musnah": set_jra("800.1.11.1", 1, 2, "musnah"),
        "musnah_lama": set_jra("000.1.5", 2, 8, "musnah"),
        "permanen": set_jra("100.3.3.1", 1, 2, "permanen"),
        "tanpa_jra": set_jra("000.5.7", None, None, ""),
    }


def unit(kode: str) -> UnitKerja:
    return UnitKerja.objects.get(kode=kode)


def make_record(
    *,
    hal: str,
    isi: str = "",
    unit_kode: str = "DISKOMINFOTIK",
    kode: KodeKlasifikasi | None = None,
    tanggal: dt.date = dt.date(2020, 3, 2),
    **extra,
):
    kode = kode or KodeKlasifikasi.objects.get(skema__aktif=True, kode="800.1.11.1")
    return arsip_record_upsert(
        source_type=extra.pop("source_type", "arsip.dokumen"),
        source_id=extra.pop("source_id", f"t-{next(_ids)}"),
        nomor=extra.pop("nomor", ""),
        hal=hal,
        isi_teks=isi,
        unit=unit(unit_kode),
        kode_klasifikasi=kode,
        tanggal=tanggal,
        **extra,
    )

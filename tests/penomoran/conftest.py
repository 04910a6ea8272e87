from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from penomoran.models import BukuNomor
from tests.factories import PegawaiFactory, UnitKerjaFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(kode="DISKOMINFOTIK", nama="Dinas Kominfotik")


@pytest.fixture
def actor(db):
    return PegawaiFactory(username="agendaris_nomor")


@pytest.fixture
def buku(unit):
    return BukuNomor.objects.create(unit=unit, jenis="surat", nama="Surat Dinas Kominfotik")


@pytest.fixture
def reserver(db):
    user = PegawaiFactory(username="tu_nomor")
    user.user_permissions.add(Permission.objects.get(codename="reserve_nomor"))
    return type(user).objects.get(pk=user.pk)  # fresh: permission cache empty

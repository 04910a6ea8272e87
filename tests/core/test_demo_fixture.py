"""The demo organisation is seeded once per worker (tests/conftest.py): each test sees it
whole, its own changes roll back, and a transactional test's flush is followed by a new
seed, whatever order the tests run in (pytest-django runs a module's transactional tests
after its other ones, so the next module's tests come after this module's flush)."""

from __future__ import annotations

import pytest

from core.models import Pegawai, UnitKerja

DEMO_PEOPLE = {"admin", "kadiskominfo", "kabidaptika", "prakommuda", "sekdisdik"}


def _assert_whole_demo(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from naskah.models import PelimpahanWewenang

    assert set(demo) >= DEMO_PEOPLE
    assert UnitKerja.objects.filter(kode="DISKOMINFOTIK").exists()
    assert PelimpahanWewenang.objects.exists()  # naskah's a.n./u.b. delegations
    assert TOTPDevice.objects.filter(user=demo["kadiskominfo"]).exists()
    # Passwords hashed with the tests' fast hasher, as when every test seeded its own.
    assert demo["prakommuda"].check_password("demo-pass-123")
    assert demo["prakommuda"].password.startswith("md5$")


def test_a_change_to_the_demo_is_rolled_back(demo):
    _assert_whole_demo(demo)
    demo["prakommuda"].nama = "Diubah Oleh Uji"
    demo["prakommuda"].save()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=demo["kadiskominfo"]).delete()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_demo_and_flushes_it(demo):
    _assert_whole_demo(demo)
    assert Pegawai.objects.get(username="prakommuda").nama != "Diubah Oleh Uji"
    Pegawai.objects.filter(username="stafaptika").update(nama="Diubah Oleh Uji Transaksi")


def test_the_demo_is_back_after_a_flush(demo):
    """Runs after the transactional test above when that one ran first in this worker."""
    _assert_whole_demo(demo)
    assert not Pegawai.objects.filter(nama__startswith="Diubah Oleh Uji").exists()


def test_a_test_in_another_time_gets_the_acting_officials_of_that_day(request, time_machine):
    import datetime as dt

    from core.clock import office_today
    from core.models import Penugasan

    time_machine.move_to(dt.datetime(2030, 3, 15, 9, tzinfo=dt.UTC))
    request.getfixturevalue("demo")
    today = office_today()
    plh = Penugasan.objects.filter(jenis=Penugasan.Jenis.PLH, pegawai__username="kabidaptika")
    assert plh.filter(mulai__lte=today, selesai__gte=today).exists()

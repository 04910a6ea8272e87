import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import transaction

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from penomoran.models import BukuNomor, BukuNomorTahun, Nomor
from penomoran.services import nomor_allocate, nomor_cancel, nomor_reserve, nomor_use_reserved

UTC = dt.UTC
MAY_4 = dt.datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 10:00 WIB


@pytest.fixture(autouse=True)
def _may_2026():
    with time_machine.travel(MAY_4, tick=False) as traveller:
        yield traveller


def allocate(buku, actor, object_id):
    with transaction.atomic():
        return nomor_allocate(
            buku=buku,
            kode_klasifikasi="000.1.2.3",
            object_type="naskah.naskah",
            object_id=object_id,
            actor=actor,
        )


def reserve(buku, actor, tanggal=dt.date(2026, 5, 1), alasan="Surat darurat saat listrik padam"):
    return nomor_reserve(
        buku=buku, tanggal=tanggal, alasan=alasan, actor=actor, kode_klasifikasi="000.1.2.3"
    )


# --- reserve ---------------------------------------------------------------------------------


def test_reserve_takes_the_next_number_for_the_back_date(buku, actor, reserver):
    allocate(buku, actor, 1)
    nomor = reserve(buku, reserver)
    assert (nomor.urut, nomor.status, nomor.cadangan) == (2, Nomor.Status.DICADANGKAN, True)
    assert nomor.tanggal == dt.date(2026, 5, 1)
    assert nomor.alasan == "Surat darurat saat listrik padam"
    assert nomor.teks == "000.1.2.3/2/DISKOMINFOTIK/2026"
    assert (nomor.object_type, nomor.object_id) == ("", "")
    event = AuditEvent.objects.get(action="penomoran.nomor.reserve")
    assert event.actor == reserver
    assert event.details["alasan"] == "Surat darurat saat listrik padam"
    assert allocate(buku, actor, 3).urut == 3


def test_reserve_requires_the_permission(buku, actor):
    with pytest.raises(PermissionDeniedError):
        reserve(buku, actor)
    assert not Nomor.objects.exists()
    assert not BukuNomorTahun.objects.exists()


def test_reserve_permission_can_come_from_a_group(buku, actor):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name="Agendaris")  # also a demo group
    group.permissions.add(Permission.objects.get(codename="reserve_nomor"))
    actor.groups.add(group)
    actor = type(actor).objects.get(pk=actor.pk)
    assert reserve(buku, actor).status == Nomor.Status.DICADANGKAN


def test_inactive_user_cannot_reserve(buku, reserver):
    reserver.is_active = False
    reserver.save()
    with pytest.raises(PermissionDeniedError):
        reserve(buku, reserver)


@pytest.mark.parametrize("alasan", ["", "   ", None])
def test_reserve_requires_a_reason(buku, reserver, alasan):
    with pytest.raises(ApplicationError, match="reason for reserving"):
        reserve(buku, reserver, alasan=alasan)
    assert not Nomor.objects.exists()


def test_reserve_refuses_a_future_date(buku, reserver):
    with pytest.raises(ApplicationError, match="today or an earlier date"):
        reserve(buku, reserver, tanggal=dt.date(2026, 5, 5))


def test_reserve_for_today_is_an_emergency_number(buku, reserver):
    assert reserve(buku, reserver, tanggal=dt.date(2026, 5, 4)).tanggal == dt.date(2026, 5, 4)


def test_reserve_for_last_year_continues_last_years_book(buku, actor, reserver):
    with time_machine.travel(dt.datetime(2025, 12, 30, 3, 0, tzinfo=UTC), tick=False):
        allocate(buku, actor, 1)
        allocate(buku, actor, 2)
    allocate(buku, actor, 3)  # 2026 no. 1
    nomor = reserve(buku, reserver, tanggal=dt.date(2025, 12, 31))
    assert (nomor.tahun, nomor.urut) == (2025, 3)
    assert nomor.teks == "000.1.2.3/3/DISKOMINFOTIK/2025"
    assert dict(BukuNomorTahun.objects.values_list("tahun", "terakhir")) == {2025: 3, 2026: 1}


def test_daily_cap_defaults_to_five_per_book(buku, reserver, unit):
    for _ in range(5):
        reserve(buku, reserver)
    with pytest.raises(ApplicationError, match="daily limit"):
        reserve(buku, reserver)
    assert Nomor.objects.filter(buku=buku).count() == 5
    other = BukuNomor.objects.create(unit=unit, jenis="nota_dinas", nama="Nota Dinas")
    assert reserve(other, reserver).urut == 1


def test_daily_cap_is_a_setting_and_resets_the_next_office_day(
    buku,
    reserver,
    settings,
    _may_2026,  # noqa: PT019 - used: the test moves this time traveller
):
    settings.NASKAH_NOMOR_RESERVE_DAILY_CAP = 2
    reserve(buku, reserver)
    reserve(buku, reserver)
    with pytest.raises(ApplicationError, match="daily limit"):
        reserve(buku, reserver)
    # 5 May 00:10 WIB (4 May 17:10 UTC) is a new office day
    _may_2026.move_to(dt.datetime(2026, 5, 4, 17, 10, tzinfo=UTC))
    assert reserve(buku, reserver).urut == 3


def test_daily_cap_counts_reservations_later_used_or_cancelled(buku, reserver, settings):
    settings.NASKAH_NOMOR_RESERVE_DAILY_CAP = 2
    first = reserve(buku, reserver)
    second = reserve(buku, reserver)
    nomor_use_reserved(nomor=first, object_type="naskah.naskah", object_id=1, actor=reserver)
    nomor_cancel(nomor=second, alasan="salah tanggal", actor=reserver)
    with pytest.raises(ApplicationError, match="daily limit"):
        reserve(buku, reserver)


def test_zero_cap_disables_reservations(buku, reserver, settings):
    settings.NASKAH_NOMOR_RESERVE_DAILY_CAP = 0
    with pytest.raises(ApplicationError, match="daily limit"):
        reserve(buku, reserver)


# --- use reserved ------------------------------------------------------------------------------


def test_use_reserved_attaches_the_number(buku, reserver):
    nomor = reserve(buku, reserver)
    used = nomor_use_reserved(
        nomor=nomor, object_type="naskah.suratmasuk", object_id=42, actor=reserver
    )
    assert used.status == Nomor.Status.DIGUNAKAN
    assert (used.object_type, used.object_id) == ("naskah.suratmasuk", "42")
    assert used.digunakan_pada is not None
    assert used.cadangan is True
    assert used.teks == nomor.teks
    assert AuditEvent.objects.filter(action="penomoran.nomor.use_reserved").count() == 1


def test_use_reserved_twice_is_refused(buku, reserver):
    nomor = reserve(buku, reserver)
    nomor_use_reserved(nomor=nomor, object_type="naskah.naskah", object_id=1, actor=reserver)
    with pytest.raises(ConflictError, match="is not reserved"):
        nomor_use_reserved(nomor=nomor, object_type="naskah.naskah", object_id=2, actor=reserver)
    nomor.refresh_from_db()
    assert nomor.object_id == "1"


def test_use_reserved_refuses_an_ordinary_number(buku, actor):
    nomor = allocate(buku, actor, 1)
    with pytest.raises(ConflictError, match="is not reserved"):
        nomor_use_reserved(nomor=nomor, object_type="naskah.naskah", object_id=2, actor=actor)


def test_use_reserved_refuses_an_object_that_already_has_a_number(buku, actor, reserver):
    allocate(buku, actor, 1)
    nomor = reserve(buku, reserver)
    with pytest.raises(ConflictError, match="already has the number"):
        nomor_use_reserved(nomor=nomor, object_type="naskah.naskah", object_id=1, actor=reserver)
    nomor.refresh_from_db()
    assert nomor.status == Nomor.Status.DICADANGKAN


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_keeps_the_number_with_its_reason(buku, reserver):
    nomor = reserve(buku, reserver)
    cancelled = nomor_cancel(nomor=nomor, alasan="Tidak jadi dikirim", actor=reserver)
    assert cancelled.status == Nomor.Status.BATAL
    assert cancelled.alasan_batal == "Tidak jadi dikirim"
    assert cancelled.dibatalkan_oleh == reserver
    assert cancelled.dibatalkan_pada is not None
    assert Nomor.objects.filter(pk=nomor.pk, status="batal").exists()
    event = AuditEvent.objects.get(action="penomoran.nomor.cancel")
    assert event.details == {
        "alasan": "Tidak jadi dikirim",
        "status_sebelumnya": "dicadangkan",
        "teks": nomor.teks,
    }


def test_a_used_number_cannot_be_cancelled(buku, actor, reserver):
    nomor = allocate(buku, actor, 1)  # attached to a signed letter
    with pytest.raises(ConflictError, match="cannot be cancelled") as raised:
        nomor_cancel(nomor=nomor, alasan="Naskah ditarik", actor=actor)
    assert raised.value.code == "number_used"
    nomor.refresh_from_db()
    assert (nomor.status, nomor.alasan_batal, nomor.dibatalkan_oleh) == ("digunakan", "", None)
    assert not AuditEvent.objects.filter(action="penomoran.nomor.cancel").exists()
    # Nor a reserved number once a letter was attached to it.
    reserved = reserve(buku, reserver)
    nomor_use_reserved(nomor=reserved, object_type="naskah.naskah", object_id=2, actor=reserver)
    with pytest.raises(ConflictError, match="cannot be cancelled"):
        nomor_cancel(nomor=reserved, alasan="Naskah ditarik", actor=reserver)


def test_cancelled_number_is_never_reused(buku, actor, reserver):
    first = reserve(buku, reserver, tanggal=dt.date(2026, 5, 4))
    nomor_cancel(nomor=first, alasan="Tidak jadi", actor=reserver)
    again = allocate(buku, actor, 1)
    assert again.urut == 2
    assert again.teks != first.teks
    assert list(Nomor.objects.order_by("urut").values_list("urut", "status")) == [
        (1, "batal"),
        (2, "digunakan"),
    ]


def test_cancel_a_reserved_number(buku, reserver, actor):
    nomor = reserve(buku, reserver)
    nomor_cancel(nomor=nomor, alasan="Tidak jadi dikirim", actor=reserver)
    assert allocate(buku, actor, 1).urut == 2


@pytest.mark.parametrize("alasan", ["", "  ", None])
def test_cancel_requires_a_reason(buku, actor, alasan):
    nomor = allocate(buku, actor, 1)
    with pytest.raises(ApplicationError, match="reason for cancelling"):
        nomor_cancel(nomor=nomor, alasan=alasan, actor=actor)
    nomor.refresh_from_db()
    assert nomor.status == Nomor.Status.DIGUNAKAN


def test_cancel_twice_is_refused(buku, reserver):
    actor = reserver
    nomor = reserve(buku, reserver)
    nomor_cancel(nomor=nomor, alasan="Naskah ditarik", actor=actor)
    with pytest.raises(ConflictError, match="already cancelled"):
        nomor_cancel(nomor=nomor, alasan="lagi", actor=actor)
    nomor.refresh_from_db()
    assert nomor.alasan_batal == "Naskah ditarik"

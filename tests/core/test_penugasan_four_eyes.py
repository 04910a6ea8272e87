"""Assignments through the services (DESIGN invariant 12): audited, told to the unit's
head, and an acting one (or one an administrator makes for himself) takes effect only when
a second, different administrator approves it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent, Jabatan, Pegawai, Penugasan
from core.selectors.organisasi import (
    jabatan_holder_on,
    pegawai_jabatan_acting_on,
    unit_head_holder_on,
)
from core.services.audit import audit_verify_chain
from core.services.organisasi import (
    penugasan_approve,
    penugasan_create,
    penugasan_end,
    penugasan_reject,
    penugasan_update,
)
from workflows.models import Notifikasi

KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"
PRAKOM = "Analis Sistem Informasi (uji)"


def jab(nama: str) -> Jabatan:
    if nama.endswith("(uji)") and not Jabatan.objects.filter(nama=nama).exists():
        # A vacant staff position in the Bidang Aplikasi Informatika.
        kabid = Jabatan.objects.get(nama="Kepala Bidang Aplikasi Informatika")
        Jabatan.objects.create(nama=nama, unit=kabid.unit, jenis="pelaksana", atasan=kabid)
    return Jabatan.objects.select_related("unit", "atasan").get(nama=nama)


@pytest.fixture
def admin2(demo):
    return Pegawai.objects.create_superuser("admin2", password=None, nama="Administrator Kedua")


def plh(actor, pegawai, jabatan, days=5):
    today = timezone.localdate()
    return penugasan_create(
        actor=actor,
        pegawai=pegawai,
        jabatan=jabatan,
        jenis=Penugasan.Jenis.PLH,
        mulai=today,
        selesai=today + dt.timedelta(days=days),
        nomor_sk="800/PLH/UJI/2026",
    )


def test_plh_waits_for_a_second_administrator_and_grants_nothing_until_then(demo, admin2):
    admin, kadis = demo["admin"], jab(KADIS)
    before = jabatan_holder_on(kadis).pegawai
    row = plh(admin, admin, kadis)
    assert row.status == Penugasan.Status.MENUNGGU and row.diajukan_oleh == admin
    # Pending: nobody's holder changes, the administrator acts for nothing.
    assert jabatan_holder_on(kadis).pegawai == before
    assert pegawai_jabatan_acting_on(admin) == []
    # The requester cannot approve his own request, nor can the person assigned.
    with pytest.raises(PermissionDeniedError, match="second administrator"):
        penugasan_approve(actor=admin, penugasan=row)
    request2 = plh(admin2, demo["prakompertama"], jab("Kepala Bidang Aplikasi Informatika"))
    with pytest.raises(PermissionDeniedError, match="second administrator"):
        penugasan_approve(actor=admin2, penugasan=request2)
    # Someone without the approval right cannot approve either.
    with pytest.raises(PermissionDeniedError):
        penugasan_approve(actor=demo["kadiskominfo"], penugasan=row)
    row.refresh_from_db()
    assert row.status == Penugasan.Status.MENUNGGU
    # A second administrator approves: effective, audited with both names.
    approved = penugasan_approve(actor=admin2, penugasan=row)
    assert approved.status == Penugasan.Status.BERLAKU and approved.disetujui_oleh == admin2
    assert jabatan_holder_on(kadis).pegawai == admin
    event = AuditEvent.objects.get(action="penugasan.approve", object_id=str(row.pk))
    assert event.actor == admin2 and event.details["requested_by"] == admin.pk
    assert AuditEvent.objects.filter(
        action="penugasan.request", object_id=str(row.pk), actor=admin
    ).exists()
    assert audit_verify_chain().ok
    with pytest.raises(ConflictError):
        penugasan_approve(actor=admin2, penugasan=row)


def test_notices_go_to_the_unit_head_and_the_definitive_holder(demo, admin2):
    kadis = jab(KADIS)
    row = plh(demo["admin"], demo["kabidaptika"], kadis)
    # The Kepala Dinas heads the unit himself: the notice goes to his superior (Sekda)
    # and to him as the definitive holder.
    sekda = jabatan_holder_on(kadis.atasan).pegawai
    for person in (sekda, demo["kadiskominfo"]):
        notice = Notifikasi.objects.get(recipient=person, kind="penugasan")
        assert "awaiting a second administrator" in notice.text
    penugasan_approve(actor=admin2, penugasan=row)
    assert Notifikasi.objects.filter(
        recipient=demo["kadiskominfo"], kind="penugasan", text__startswith="Assignment in effect"
    ).exists()
    # A staff position: the unit's head is told.
    staff = penugasan_create(
        actor=demo["admin"],
        pegawai=demo["stafaptika"],
        jabatan=jab(PRAKOM),
        jenis=Penugasan.Jenis.DEFINITIF,
        mulai=timezone.localdate(),
    )
    head = unit_head_holder_on(jab(PRAKOM).unit).pegawai
    assert Notifikasi.objects.filter(
        recipient=head, kind="penugasan", text__startswith="Assignment in effect"
    ).exists()
    assert staff.status == Penugasan.Status.BERLAKU


def test_definitive_for_someone_else_is_effective_but_for_oneself_waits(demo, admin2):
    today = timezone.localdate()
    other = penugasan_create(
        actor=demo["admin"],
        pegawai=demo["stafaptika"],
        jabatan=jab(PRAKOM),
        jenis=Penugasan.Jenis.DEFINITIF,
        mulai=today,
    )
    assert other.status == Penugasan.Status.BERLAKU and other.disetujui_oleh == demo["admin"]
    assert AuditEvent.objects.filter(action="penugasan.create", object_id=str(other.pk)).exists()
    own = penugasan_create(
        actor=demo["admin"],
        pegawai=demo["admin"],
        jabatan=jab("Analis Data (uji)"),
        jenis=Penugasan.Jenis.DEFINITIF,
        mulai=today,
    )
    assert own.status == Penugasan.Status.MENUNGGU
    assert pegawai_jabatan_acting_on(demo["admin"]) == []
    # A staff member without the right cannot make assignments at all.
    with pytest.raises(PermissionDeniedError):
        plh(demo["kadiskominfo"], demo["kadiskominfo"], jab(PRAKOM))


def test_reject_update_and_end_are_audited_and_told(demo, admin2):
    admin = demo["admin"]
    row = plh(admin, demo["kabidaptika"], jab(KADIS))
    penugasan_reject(actor=admin2, penugasan=row, note="SK belum terbit.")
    row.refresh_from_db()
    assert row.status == Penugasan.Status.DITOLAK
    with pytest.raises(ConflictError):
        penugasan_approve(actor=admin2, penugasan=row)
    # A new request for the same dates is possible once the first was rejected.
    row = plh(admin, demo["kabidaptika"], jab(KADIS))
    penugasan_approve(actor=admin2, penugasan=row)
    # Only decree data changes in place; who and when do not.
    with pytest.raises(ApplicationError, match="End this assignment"):
        penugasan_update(actor=admin, penugasan=row, pegawai=admin)
    penugasan_update(actor=admin, penugasan=row, nomor_sk="800/PLH/UJI-2/2026")
    event = AuditEvent.objects.get(action="penugasan.update", object_id=str(row.pk))
    assert event.details["changed"]["nomor_sk"] == ["800/PLH/UJI/2026", "800/PLH/UJI-2/2026"]
    ended = penugasan_end(actor=admin, penugasan=row, selesai=timezone.localdate())
    assert ended.selesai == timezone.localdate() and ended.diakhiri_oleh == admin
    assert AuditEvent.objects.filter(action="penugasan.end", object_id=str(row.pk)).exists()
    assert Notifikasi.objects.filter(
        recipient=demo["kadiskominfo"], text__startswith="Assignment ended"
    ).exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert jabatan_holder_on(jab(KADIS), tomorrow).pegawai == demo["kadiskominfo"]


def test_approval_right_is_a_permission_not_only_superuser(demo, admin2):
    row = plh(demo["admin"], demo["kabidaptika"], jab(KADIS))
    clerk = demo["agendakominfo"]
    with pytest.raises(PermissionDeniedError):
        penugasan_approve(actor=clerk, penugasan=row)
    clerk.user_permissions.add(Permission.objects.get(codename="approve_penugasan"))
    clerk = Pegawai.objects.get(pk=clerk.pk)
    assert penugasan_approve(actor=clerk, penugasan=row).status == Penugasan.Status.BERLAKU


def test_demo_acting_officials_are_effective(demo):
    acting = Penugasan.objects.exclude(jenis=Penugasan.Jenis.DEFINITIF)
    assert acting.exists()
    assert set(acting.values_list("status", flat=True)) == {Penugasan.Status.BERLAKU}

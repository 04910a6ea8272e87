"""An administrator does not give himself a reading role; access changes are audited
(DESIGN invariant 12)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditEvent, Pegawai


def change_data(pegawai: Pegawai, groups: list[int]) -> dict:
    return {
        "username": pegawai.username,
        "nama": pegawai.nama,
        "gelar_depan": "",
        "gelar_belakang": "",
        "nip": "",
        "nik": "",
        "pangkat": "",
        "golongan": "",
        "email": "",
        "telepon": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": groups,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
        "last_login_0": "",
        "last_login_1": "",
        "penugasan-TOTAL_FORMS": "0",
        "penugasan-INITIAL_FORMS": "0",
        "penugasan-MIN_NUM_FORMS": "0",
        "penugasan-MAX_NUM_FORMS": "1000",
    }


def test_admin_cannot_give_himself_a_role_and_access_changes_are_audited(client, demo):
    admin = demo["admin"]
    arsiparis = Group.objects.get(name="Arsiparis")
    client.force_login(admin)
    own = reverse("admin:core_pegawai_change", args=[admin.pk])
    assert 'name="groups"' not in client.get(own).content.decode()
    client.post(own, change_data(admin, [arsiparis.pk]))
    assert not admin.groups.filter(name="Arsiparis").exists()

    other = Pegawai.objects.create_user("operator2", nama="Operator Dua", is_staff=True)
    url = reverse("admin:core_pegawai_change", args=[other.pk])
    assert 'name="groups"' in client.get(url).content.decode()
    response = client.post(url, change_data(other, [arsiparis.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert other.groups.filter(name="Arsiparis").exists()
    event = AuditEvent.objects.get(action="pegawai.access", object_id=str(other.pk))
    assert event.actor == admin
    assert event.details["before"]["groups"] == [] and event.details["after"]["groups"] == [
        "Arsiparis"
    ]
    assert event.details["after"]["is_superuser"] is True


def team_data(tim, extra_member=None) -> dict:
    rows = list(tim.keanggotaan.order_by("pk"))
    data = {
        "nama": tim.nama,
        "unit": tim.unit_id,
        "ketua": tim.ketua_id,
        "jabatan_pembina": tim.jabatan_pembina_id or "",
        "nomor_sk": tim.nomor_sk,
        "mulai": tim.mulai.isoformat(),
        "selesai": "",
        "aktif": "on",
        "keanggotaan-TOTAL_FORMS": str(len(rows) + 1),
        "keanggotaan-INITIAL_FORMS": str(len(rows)),
        "keanggotaan-MIN_NUM_FORMS": "0",
        "keanggotaan-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"keanggotaan-{i}-id": row.pk,
                f"keanggotaan-{i}-tim": tim.pk,
                f"keanggotaan-{i}-pegawai": row.pegawai_id,
                f"keanggotaan-{i}-peran": row.peran,
            }
        )
    i = len(rows)
    data.update(
        {
            f"keanggotaan-{i}-tim": tim.pk,
            f"keanggotaan-{i}-pegawai": extra_member.pk if extra_member else "",
            f"keanggotaan-{i}-peran": "anggota",
        }
    )
    return data


def test_admin_cannot_put_himself_in_a_work_team_and_changes_are_audited(client, demo):
    from core.models import TimKerja

    admin = demo["admin"]
    tim = TimKerja.objects.get()
    url = reverse("admin:core_timkerja_change", args=[tim.pk])
    client.force_login(admin)
    response = client.post(url, team_data(tim, extra_member=admin))
    assert response.status_code == 200 and "does not put himself" in response.content.decode()
    assert not tim.keanggotaan.filter(pegawai=admin).exists()
    lead = team_data(tim)
    lead["ketua"] = admin.pk
    response = client.post(url, lead)
    assert response.status_code == 200 and "does not put himself" in response.content.decode()
    tim.refresh_from_db()
    assert tim.ketua != admin
    # Another person is added by the administrator: allowed, on the audit trail.
    response = client.post(url, team_data(tim, extra_member=demo["statistisi"]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="timkerja.members", object_id=str(tim.pk))
    added = {pk for pk, _ in event.details["after"]["anggota"]} - {
        pk for pk, _ in event.details["before"]["anggota"]
    }
    assert added == {demo["statistisi"].pk} and event.actor == admin

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

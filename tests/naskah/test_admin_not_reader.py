"""Administrators are not readers (DESIGN invariant 12): a superuser cannot read a Sangat
Rahasia letter by reassigning a step to himself nor by giving himself a Plh; the admin
lists and the audit trail show the classification instead of the subject."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.errors import PermissionDeniedError
from core.models import AuditEvent, Pegawai, Penugasan
from core.services.organisasi import penugasan_approve, penugasan_create
from naskah.masuk.models import SuratMasuk
from naskah.models import Naskah
from naskah.permissions import naskah_visible_to
from naskah.services import lampiran_add
from naskah.services.approval import naskah_reassign
from tests.naskah.alur_helpers import KADIS_KOMINFO, jabatan, letter, submit, waiting
from tests.naskah.conftest import pdf_bytes

SUBJECT = "Rencana Pengamanan Sandi Pilkada Serentak"


@pytest.fixture
def secret(demo):
    """A Sangat Rahasia letter with an attachment, submitted: waiting for the Kabid."""
    naskah = letter(demo, "prakommuda", hal=SUBJECT, klasifikasi_keamanan="sangat_rahasia")
    lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar Titik Rawan Sandi",
        berkas=SimpleUploadedFile("titik.pdf", pdf_bytes(1)),
    )
    submit(demo, naskah)
    naskah.refresh_from_db()
    return naskah


def letter_urls(naskah: Naskah) -> list[str]:
    lampiran = naskah.lampiran.first()
    return [
        reverse("naskah:alur_detail", args=[naskah.pk]),
        reverse("naskah:pdf", args=[naskah.pk]),
        reverse("naskah:revision_history", args=[naskah.pk]),
        reverse("naskah:revision_pdf", args=[naskah.pk, 1]),
        reverse("naskah:lampiran_file", args=[naskah.pk, lampiran.pk]),
    ]


def assert_cannot_read(client, user, naskah):
    assert not naskah_visible_to(user).filter(pk=naskah.pk).exists()
    client.force_login(user)
    for url in letter_urls(naskah):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SUBJECT not in response.content.decode(errors="ignore")


def test_superuser_cannot_read_by_reassigning_a_step_to_himself(client, demo, secret):
    admin = demo["admin"]
    assert_cannot_read(client, admin, secret)
    state = waiting(secret)[0]
    with pytest.raises(PermissionDeniedError, match="cannot be handed"):
        naskah_reassign(
            actor=admin, naskah=secret, step_state=state, to=admin, note="Saya ambil alih."
        )
    # Through the page too (the step stays where it was; the admin still reads nothing).
    client.force_login(admin)
    response = client.post(
        reverse("workflows:step_reassign", args=[state.route_id]),
        {"step_state": state.pk, "version": state.route.version, "to": admin.pk, "note": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert SUBJECT not in response.content.decode()
    assert waiting(secret)[0].assignee == state.assignee
    assert_cannot_read(client, admin, secret)
    # The route page an administrator gets to reassign shows no timeline and no subject,
    # and offers only the people the step's organisation names.
    page = client.get(reverse("workflows:route_detail", args=[state.route_id])).content.decode()
    assert SUBJECT not in page and "Timeline" not in page
    assert f'value="{admin.pk}"' not in page


def test_superuser_cannot_read_by_giving_himself_a_plh(client, demo, secret):
    admin = demo["admin"]
    today = timezone.localdate()
    # A Plh for the position the letter waits on (the Kepala Bidang's paraf).
    kabid = waiting(secret)[0].jabatan
    request = penugasan_create(
        actor=admin,
        pegawai=admin,
        jabatan=kabid,
        jenis=Penugasan.Jenis.PLH,
        mulai=today,
        selesai=today + dt.timedelta(days=3),
        nomor_sk="800/PLH/ADMIN/2026",
    )
    assert request.status == Penugasan.Status.MENUNGGU
    assert_cannot_read(client, admin, secret)
    with pytest.raises(PermissionDeniedError):
        penugasan_approve(actor=admin, penugasan=request)
    assert_cannot_read(client, admin, secret)
    # Through the admin page's "Approve" action as well.
    client.force_login(admin)
    client.post(
        reverse("admin:core_penugasan_changelist"),
        {"action": "approve_selected", "_selected_action": [request.pk]},
    )
    request.refresh_from_db()
    assert request.status == Penugasan.Status.MENUNGGU
    # Only a second administrator makes it effective, and that is on the audit trail.
    admin2 = Pegawai.objects.create_superuser("admin2", password=None, nama="Admin Dua")
    client.force_login(admin2)
    client.post(
        reverse("admin:core_penugasan_changelist"),
        {"action": "approve_selected", "_selected_action": [request.pk]},
    )
    request.refresh_from_db()
    assert request.status == Penugasan.Status.BERLAKU and request.disetujui_oleh == admin2
    event = AuditEvent.objects.get(action="penugasan.approve", object_id=str(request.pk))
    assert event.actor == admin2 and kabid.nama in event.object_repr
    # Approved by a second administrator, he now acts for the position and reads what it
    # reads: that is the grant two people made, on the audit trail.
    assert naskah_visible_to(admin).filter(pk=secret.pk).exists()


def test_admin_page_saves_an_acting_assignment_as_a_request(client, demo):
    admin = demo["admin"]
    today = timezone.localdate()
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_penugasan_add"),
        {
            "pegawai": admin.pk,
            "jabatan": jabatan(KADIS_KOMINFO).pk,
            "jenis": "plh",
            "mulai": today.isoformat(),
            "selesai": (today + dt.timedelta(days=3)).isoformat(),
            "nomor_sk": "800/PLH/ADMIN/2026",
            "tanggal_sk": "",
            "perpanjangan_dari": "",
            "keterangan": "",
        },
    )
    assert response.status_code == 302
    row = Penugasan.objects.get(nomor_sk="800/PLH/ADMIN/2026")
    assert row.status == Penugasan.Status.MENUNGGU and row.diajukan_oleh == admin
    assert AuditEvent.objects.filter(action="penugasan.request", object_id=str(row.pk)).exists()
    # The status and the people are not editable in the admin; deleting is not offered.
    page = client.get(reverse("admin:core_penugasan_change", args=[row.pk])).content.decode()
    assert 'name="status"' not in page and 'name="pegawai"' not in page
    assert client.get(reverse("admin:core_penugasan_delete", args=[row.pk])).status_code == 403


def test_admin_lists_show_the_classification_not_the_subject(client, demo, secret):
    admin = demo["admin"]
    client.force_login(admin)
    page = client.get(reverse("admin:naskah_naskah_changelist")).content.decode()
    assert "[SANGAT RAHASIA]" in page and SUBJECT not in page
    # No search oracle: the subject does not match for a non-reader.
    found = client.get(reverse("admin:naskah_naskah_changelist"), {"q": "Pilkada"})
    assert "0 official letters" in found.content.decode() or SUBJECT not in found.content.decode()
    assert f"/admin/naskah/naskah/{secret.pk}/change/" not in found.content.decode()
    lampiran = client.get(reverse("admin:naskah_lampiran_changelist")).content.decode()
    assert "Daftar Titik Rawan Sandi" not in lampiran and "[SANGAT RAHASIA]" in lampiran
    # The letter's own page, and its route events (notes), are refused to a non-reader.
    change = reverse("admin:naskah_naskah_change", args=[secret.pk])
    assert client.get(change).status_code == 403
    from workflows.models import RouteEvent

    event = RouteEvent.objects.filter(route=waiting(secret)[0].route).first()
    event_url = reverse("admin:workflows_routeevent_change", args=[event.pk])
    assert client.get(event_url).status_code == 403
    # A named reader (the drafter, given admin access) sees the subject and the page.
    drafter = demo["prakommuda"]
    Pegawai.objects.filter(pk=drafter.pk).update(is_staff=True, is_superuser=True)
    client.force_login(Pegawai.objects.get(pk=drafter.pk))
    page = client.get(reverse("admin:naskah_naskah_changelist")).content.decode()
    assert SUBJECT in page
    assert client.get(change).status_code == 200


def test_audit_and_admin_log_never_carry_a_confidential_subject(demo, secret):
    events = AuditEvent.objects.filter(object_type="naskah.naskah", object_id=str(secret.pk))
    assert events.exists()
    for event in events:
        assert SUBJECT not in event.object_repr
    assert "[SANGAT RAHASIA]" in str(secret)
    assert not LogEntry.objects.filter(object_repr__contains=SUBJECT).exists()
    lampiran = secret.lampiran.first()
    assert str(lampiran) == "[SANGAT RAHASIA]"
    surat = SuratMasuk(nomor_agenda="17", hal=SUBJECT, klasifikasi_keamanan="rahasia")
    assert str(surat) == "17 — [RAHASIA]"
    from arsip.models import ArsipRecord

    record = ArsipRecord(nomor="005/1", hal=SUBJECT, klasifikasi_keamanan="sangat_rahasia")
    assert SUBJECT not in str(record) and "[SANGAT RAHASIA]" in str(record)
    # An ordinary letter keeps its subject.
    assert str(SuratMasuk(nomor_agenda="18", hal="Undangan", klasifikasi_keamanan="biasa")) == (
        "18 — Undangan"
    )

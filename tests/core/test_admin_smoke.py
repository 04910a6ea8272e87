"""Every registered admin page opens for a superuser: the change list, and the change
page of one object where the demo has one (200; 403 where the object is a letter the
superuser may not read, DESIGN invariant 12)."""

from __future__ import annotations

from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from core.models import Pegawai


def test_every_admin_changelist_and_change_page_opens(client, demo):
    from naskah.services import lampiran_add
    from tests.naskah.alur_helpers import letter, submit
    from tests.naskah.conftest import pdf_bytes

    # A submitted letter with revisions and an attachment whose drafter is the superuser,
    # so the letter's own admin page (recipients and revisions inlines) opens for him.
    Pegawai.objects.filter(username="prakommuda").update(is_staff=True, is_superuser=True)
    user = Pegawai.objects.get(username="prakommuda")
    naskah = letter(demo, "prakommuda")
    lampiran_add(
        actor=user,
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar Peserta",
        berkas=SimpleUploadedFile("peserta.pdf", pdf_bytes(1)),
    )
    submit(demo, naskah)
    # One the superuser does not read: its page is refused, the list still opens.
    letter(demo, "stafaptika", hal="Surat Lain", klasifikasi_keamanan="rahasia")

    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    failures, opened = [], 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        status = client.get(url).status_code
        if status != 200:
            failures.append((url, status))
        obj = model_admin.get_queryset(request).first()
        if obj is None:
            continue
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        expected = 200 if model_admin.has_view_or_change_permission(request, obj) else 403
        status = client.get(url).status_code
        opened += status == 200
        if status != expected:
            failures.append((url, status))
    assert failures == []
    assert opened >= 10
    # The letter page that used to fail (RevisiInline `dibuat_pada`) is among them.
    page = client.get(reverse("admin:naskah_naskah_change", args=[naskah.pk]))
    assert page.status_code == 200
    assert "Permohonan Data Layanan Aplikasi" in page.content.decode()

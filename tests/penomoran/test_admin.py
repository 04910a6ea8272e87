import pytest
from django.urls import reverse

from core.models import AuditEvent, Pegawai
from penomoran.models import BukuNomor


@pytest.fixture
def admin_client(client, db):
    user = Pegawai.objects.create_superuser("admin-nomor", password="x-123456", nama="Admin")
    client.force_login(user)
    return client


def test_admin_creates_a_book_through_the_service(admin_client, unit):
    response = admin_client.post(
        reverse("admin:penomoran_bukunomor_add"),
        {
            "unit": unit.pk,
            "jenis": "nota_dinas",
            "nama": "Nota Dinas",
            "format": "{kode}/{nomor}/{unit}/{bulan_romawi}/{tahun}",
            "lebar_nomor": 3,
            "kode_unit": "",
            "aktif": "on",
            "tahun_set-TOTAL_FORMS": 0,
            "tahun_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    buku = BukuNomor.objects.get(jenis="nota_dinas")
    assert buku.lebar_nomor == 3
    assert AuditEvent.objects.filter(
        action="penomoran.buku.create", object_id=str(buku.pk)
    ).exists()


def test_admin_rejects_an_unknown_part(admin_client, unit):
    response = admin_client.post(
        reverse("admin:penomoran_bukunomor_add"),
        {
            "unit": unit.pk,
            "jenis": "surat",
            "nama": "Surat",
            "format": "{kode}/{nomor}/{bulan}",
            "lebar_nomor": 0,
            "tahun_set-TOTAL_FORMS": 0,
            "tahun_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Unknown part {bulan}" in response.content.decode()
    assert not BukuNomor.objects.exists()


def test_admin_edits_the_format_with_an_audit_event(admin_client, buku):
    response = admin_client.post(
        reverse("admin:penomoran_bukunomor_change", args=[buku.pk]),
        {
            "nama": buku.nama,
            "format": "{nomor}/{unit}/{tahun}",
            "lebar_nomor": 0,
            "kode_unit": "",
            "aktif": "on",
            "tahun_set-TOTAL_FORMS": 0,
            "tahun_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    buku.refresh_from_db()
    assert buku.format == "{nomor}/{unit}/{tahun}"
    event = AuditEvent.objects.get(action="penomoran.buku.update")
    assert event.details["after"] == {"format": "{nomor}/{unit}/{tahun}"}


def test_issued_numbers_are_read_only_in_admin(admin_client, buku):
    assert admin_client.get(reverse("admin:penomoran_nomor_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:penomoran_nomor_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:penomoran_bukunomor_delete", args=[buku.pk])).status_code
        == 403
    )

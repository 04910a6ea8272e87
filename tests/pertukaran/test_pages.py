"""Pages: the package from the letter page, the deliveries on it, and the agendaris's
import of a package (schema checked, idempotent per sender and number)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from core.models import Pegawai
from naskah.masuk.models import SuratMasuk
from pertukaran.models import InstansiMitra, PenerimaanMitra, PengirimanMitra
from pertukaran.paket import paket_build, paket_read

pytestmark = pytest.mark.django_db


def test_letter_page_package_and_deliveries(client, signed, demo):
    client.force_login(demo["kadiskominfo"])
    response = client.get(f"/pertukaran/naskah/{signed.pk}/paket/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    paket = paket_read(response.content)  # valid against the schema, hashes match
    assert paket.meta["nomor"] == signed.nomor
    assert paket.meta["retensi"]["aktif_tahun"] == signed.kode_klasifikasi.retensi_aktif
    assert paket.meta["penerima"][0]["label"]

    mitra = InstansiMitra.objects.create(nama="Kota Metro", kode="metro", url_dasar="https://x")
    now = timezone.now()
    PengirimanMitra.objects.create(
        naskah=signed,
        mitra=mitra,
        kunci="k",
        status=PengirimanMitra.Status.DITERIMA,
        diterima_pada=now,
        nomor_agenda="7/DISDIK/2026",
        tanda_terima_sah=True,
    )
    page = client.get(f"/naskah/{signed.pk}/tte/").content.decode()
    assert 'id="pengiriman-mitra"' in page and "7/DISDIK/2026" in page and "Received" in page
    assert f"/pertukaran/naskah/{signed.pk}/paket/" in page

    client.force_login(demo["agendaris"])  # not a reader of this letter
    assert client.get(f"/pertukaran/naskah/{signed.pk}/paket/").status_code == 404


def test_agendaris_imports_a_package_once(client, signed, demo):
    from naskah.masuk.demo import grant_register_permission

    grant_register_permission()
    from naskah.masuk.permissions import register_units

    agendaris = Pegawai.objects.get(username="agendaris")
    unit = register_units(agendaris)[0]
    package = paket_build(signed)
    client.force_login(agendaris)
    assert client.get("/pertukaran/impor/").status_code == 200

    # A package that does not follow the schema: the errors are listed, nothing registered.
    src = zipfile.ZipFile(io.BytesIO(package))
    meta = json.loads(src.read("surat.json"))
    meta["tanggal"] = "7 Desember"
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("surat.json", json.dumps(meta))
        zf.writestr("surat.pdf", src.read("surat.pdf"))
    upload = io.BytesIO(broken.getvalue())
    upload.name = "paket.zip"
    response = client.post("/pertukaran/impor/", {"paket": upload, "unit": unit.pk})
    assert response.status_code == 200
    assert "does not follow the package schema" in response.content.decode()
    assert "tanggal" in response.content.decode()
    assert not SuratMasuk.objects.filter(nomor_surat=signed.nomor).exists()

    for _ in range(2):
        upload = io.BytesIO(package)
        upload.name = "paket.zip"
        response = client.post(
            "/pertukaran/impor/", {"paket": upload, "unit": unit.pk}, follow=True
        )
        assert response.status_code == 200
    surat = SuratMasuk.objects.get(nomor_surat=signed.nomor)
    assert surat.hal == signed.hal and surat.asal == SuratMasuk.Asal.EKSTERNAL
    assert surat.unit == unit
    assert PenerimaanMitra.objects.get().cara == PenerimaanMitra.Cara.IMPOR
    assert "already received" in response.content.decode()


def test_admin_lists_failed_deliveries_and_retries_them(client, signed, demo):
    mitra = InstansiMitra.objects.create(nama="Kota Metro", kode="metro", url_dasar="https://x")
    row = PengirimanMitra.objects.create(
        naskah=signed,
        mitra=mitra,
        kunci="k",
        status=PengirimanMitra.Status.GAGAL,
        percobaan=5,
        kesalahan="The peer did not answer.",
    )
    client.force_login(Pegawai.objects.get(username="admin"))
    page = client.get("/admin/pertukaran/pengirimanmitra/?status__exact=gagal").content.decode()
    assert signed.nomor in page and "The peer did not answer." in page
    assert signed.hal not in page  # administrators are not readers (invariant 12)
    response = client.post(
        "/admin/pertukaran/pengirimanmitra/",
        {"action": "retry", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == PengirimanMitra.Status.MENUNGGU and row.percobaan == 0
    assert client.get("/admin/pertukaran/instansimitra/add/").status_code == 200

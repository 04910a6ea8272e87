"""Pages: wiring and permissions (the rules themselves are tested on the services)."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse

from arsip.models import Penyusutan
from arsip.services.records import arsip_record_set_flags, berkas_close
from tests.arsip.conftest import make_record


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_search_page_shows_only_readable_results(people, client_for):
    make_record(hal="Rapat aplikasi daerah", unit_kode="DISKOMINFOTIK-APTIKA")
    secret = make_record(
        hal="Rapat rahasia aplikasi",
        unit_kode="DISKOMINFOTIK-APTIKA",
        klasifikasi_keamanan="rahasia",
    )
    client = client_for(people["stafaptika"])
    page = client.get(reverse("arsip:search"), {"q": "rapat"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "aplikasi daerah" in body
    assert "rahasia aplikasi" not in body
    assert page.context["result"].total == 1  # the count excludes the secret record
    assert client.get(reverse("arsip:record_detail", args=[secret.pk])).status_code == 404


def test_search_form_rejects_reversed_dates(people, client_for):
    client = client_for(people["arsiparis"])
    page = client.get(
        reverse("arsip:search"),
        {"q": "x", "tanggal_dari": "2024-02-01", "tanggal_sampai": "2024-01-01"},
    )
    assert page.status_code == 200
    assert page.context["result"] is None


def test_archive_pages_need_archive_roles(people, client_for):
    client = client_for(people["stafaptika"])
    for name in (
        "arsip:berkas_list",
        "arsip:penyusutan_list",
        "arsip:penyusutan_propose",
        "arsip:report",
    ):
        assert client.get(reverse(name)).status_code == 403


def test_flags_form_places_hold(people, client_for):
    record = make_record(hal="Kontrak pengadaan")
    client = client_for(people["arsiparis"])
    url = reverse("arsip:record_detail", args=[record.pk])
    response = client.post(url, {"legal_hold": "on", "alasan": "Audit BPK"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.legal_hold
    # Without a reason nothing changes and the page explains why.
    response = client.post(url, {"alasan": ""})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.legal_hold


@time_machine.travel(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC), tick=False)
def test_disposal_through_the_pages(people, codes, client_for):
    record = make_record(hal="Cuti pegawai", kode=codes["musnah"], tanggal=dt.date(2020, 3, 1))
    berkas = berkas_close(
        actor=people["arsiparis"], berkas=record.berkas, ditutup=dt.date(2020, 12, 31)
    )
    held = make_record(
        hal="Cuti sengketa",
        kode=codes["musnah"],
        tanggal=dt.date(2019, 3, 1),
        unit_kode="DISDIKBUD",
    )
    held_berkas = berkas_close(
        actor=people["arsiparis"], berkas=held.berkas, ditutup=dt.date(2019, 12, 31)
    )
    arsip_record_set_flags(
        actor=people["arsiparis"], record=held, legal_hold=True, alasan="Perkara"
    )

    client = client_for(people["arsiparis"])
    page = client.get(reverse("arsip:penyusutan_propose"), {"jenis": "pemusnahan"})
    body = page.content.decode()
    assert berkas.nomor in body and held_berkas.nomor in body
    assert "legal hold" in body.lower()  # the reason is shown beside the refused file
    # A forbidden file posted anyway is refused by the form (not offered) and the service.
    response = client.post(
        reverse("arsip:penyusutan_propose"), {"jenis": "pemusnahan", "berkas": [held_berkas.pk]}
    )
    assert response.status_code == 200 and not Penyusutan.objects.exists()
    response = client.post(
        reverse("arsip:penyusutan_propose"), {"jenis": "pemusnahan", "berkas": [berkas.pk]}
    )
    p = Penyusutan.objects.get()
    assert response.url == reverse("arsip:penyusutan_detail", args=[p.pk])

    client = client_for(people["karoumum"])
    client.post(
        reverse("arsip:penyusutan_step", args=[p.pk, "nilai"]),
        {"setuju": "1", "sk_panitia": "SK 1", "hasil": "Tidak bernilai guna"},
    )
    client = client_for(people["kabagtu"])
    client.post(
        reverse("arsip:penyusutan_step", args=[p.pk, "setujui"]),
        {
            "setuju": "1",
            "otoritas": "kepala_daerah",
            "persetujuan_nomor": "000.5.6/1/2026",
            "persetujuan_tanggal": "2026-11-20",
            "persetujuan_pejabat": "Gubernur Lampung",
        },
    )
    client = client_for(people["arsiparis"])
    client.post(reverse("arsip:penyusutan_step", args=[p.pk, "laksanakan"]))
    p.refresh_from_db()
    assert p.status == Penyusutan.Status.DILAKSANAKAN
    pdf = client.get(reverse("arsip:berita_acara", args=[p.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["X-Content-Type-Options"] == "nosniff" and "no-store" in pdf["Cache-Control"]
    # Only through the view: no media URL, and other people are refused.
    assert client.get(f"/media/{p.berita_acara_pdf}").status_code == 404
    assert client_for(people["stafsma"]).get(
        reverse("arsip:berita_acara", args=[p.pk])
    ).status_code in (403, 404)


def test_reports_and_export_downloads(people, codes, client_for):
    record = make_record(hal="Surat edaran", kode=codes["musnah"])
    client = client_for(people["arsiparis"])
    response = client.get(reverse("arsip:report"), {"jenis": "aktif", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert record.berkas.nomor in response.content.decode("utf-8-sig")
    response = client.get(reverse("arsip:berkas_export", args=[record.berkas.pk]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "manifest-sha256.txt" in names and f"data/records/{record.pk}/metadata.json" in names

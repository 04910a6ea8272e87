"""Incoming-letter files (scans, searchable PDF): only through views that apply the
letter's visibility rule; unguessable stored names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.masuk.conftest import make_pdf, make_scan

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def surat(register, org):
    from core.models import Jabatan
    from naskah.masuk.models import InstruksiDisposisi
    from naskah.masuk.services import Tujuan, disposisi_create, disposisi_report

    surat = register(files=[("halaman-1.png", make_scan()), ("surat.pdf", make_pdf())])
    surat.berkas_pdf.save("ignored-name.pdf", ContentFile(make_pdf("hasil OCR")), save=True)
    act = disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[
            Tujuan(
                jabatan=Jabatan.objects.get(
                    nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"
                )
            )
        ],
        instruksi=[InstruksiDisposisi.objects.get(kode="pantau")],
    )
    disposisi_report(
        cabang=act.penerima.get(),
        actor=org["kabagtu"],
        teks="Sudah dipantau.",
        files=[("laporan.pdf", make_pdf("Laporan tindak lanjut"))],
    )
    return surat


def _urls(surat) -> list[str]:
    from naskah.masuk.models import BerkasTindakLanjut

    laporan = BerkasTindakLanjut.objects.filter(laporan__cabang__surat=surat)
    return [
        *(
            reverse("masuk:suratmasuk_file", args=[surat.pk, item.pk])
            for item in surat.berkas.all()
        ),
        reverse("masuk:suratmasuk_pdf", args=[surat.pk]),
        *(reverse("masuk:tindaklanjut_file", args=[surat.pk, item.pk]) for item in laporan),
    ]


def test_scans_are_refused_to_anonymous_and_other_units(client, org, surat):
    urls = _urls(surat)
    assert len(urls) == 4  # two scans, the searchable PDF, a follow-up report file
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/masuk/" in anonymous["Location"], url
    client.force_login(org["stafsma"])  # Disdikbud: nothing to do with this letter
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(org["agendaris"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _body(response)[:4] in (b"%PDF", b"\x89PNG")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    for name in [item.berkas.name for item in surat.berkas.all()] + [surat.berkas_pdf.name]:
        assert client.get(f"/media/{name}").status_code == 404


def test_stored_names_are_random_and_keep_only_a_known_extension(register, surat):
    names = [item.berkas.name for item in surat.berkas.all()] + [surat.berkas_pdf.name]
    token = re.compile(r"^[A-Za-z0-9_-]{32}\.(png|pdf)$")
    for name in names:
        assert token.match(Path(name).name), name
        assert "halaman" not in name and "surat-masuk" not in name
    again = register(
        files=[("halaman-1.png", make_scan())],
        nomor_surat="B-9/LAIN/2026",
        confirm=True,
    )
    assert again.berkas.get().berkas.name not in names
    assert Path(again.berkas.get().berkas.name).suffix == ".png"

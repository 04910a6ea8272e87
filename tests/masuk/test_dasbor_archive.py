"""The disposition dashboard lists each person once and links each count to its letters
(issue 15 item 6)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Jabatan
from naskah.masuk.models import InstruksiDisposisi

pytestmark = pytest.mark.django_db


def _dispose(client, surat, targets, lead):
    instr = InstruksiDisposisi.objects.get(kode="ditindaklanjuti")
    response = client.post(
        f"/surat-masuk/surat/{surat.pk}/disposisi/",
        {
            "root-penerima": targets,
            "root-utama": lead,
            "root-instruksi": [str(instr.pk)],
            "root-catatan": "Mohon ditindaklanjuti",
            "root-batas_waktu": "",
        },
    )
    assert response.status_code == 302


def test_person_once_and_counts_link_to_their_letters(client, register, org):
    kabag = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    first = register(hal="Undangan rapat pertama")
    second = register(hal="Undangan rapat kedua", nomor_surat="005/2/2026")
    client.force_login(org["karoumum"])
    # One letter to the position, the other to its holder by name.
    _dispose(client, first, [f"j:{kabag.pk}"], f"j:{kabag.pk}")
    _dispose(client, second, [f"p:{org['kabagtu'].pk}"], f"p:{org['kabagtu'].pk}")
    board = client.get("/surat-masuk/dasbor/").content.decode()
    name = org["kabagtu"].nama_lengkap
    assert board.count(f">{name}<") == 1  # listed once, with both letters counted
    key = f"p{org['kabagtu'].pk}"
    assert f'href="?siapa={key}&amp;kolom=terbuka#daftar"' in board
    listing = client.get("/surat-masuk/dasbor/", {"siapa": key, "kolom": "terbuka"})
    page = listing.content.decode()
    for surat in (first, second):
        assert f'href="/surat-masuk/surat/{surat.pk}/"' in page
    # Nothing completed: the completed list is empty; an unknown key shows no list.
    done = client.get("/surat-masuk/dasbor/", {"siapa": key, "kolom": "selesai"})
    assert "No letters." in done.content.decode()
    other = client.get("/surat-masuk/dasbor/", {"siapa": "p999999", "kolom": "terbuka"})
    assert 'id="daftar"' not in other.content.decode()


def test_dashboard_queries_do_not_grow_with_letters(client, register, org):
    kabag = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    client.force_login(org["karoumum"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(
                "/surat-masuk/dasbor/", {"siapa": f"p{org['kabagtu'].pk}", "kolom": "terbuka"}
            )
        assert 'id="daftar"' in page.content.decode()
        return len(ctx.captured_queries)

    surat = register(hal="Surat satu")
    _dispose(client, surat, [f"j:{kabag.pk}", f"p:{org['arsiparis'].pk}"], f"j:{kabag.pk}")
    few = count()
    for n in range(2, 7):
        surat = register(hal=f"Surat {n}", nomor_surat=f"005/{n}/2026")
        _dispose(client, surat, [f"j:{kabag.pk}", f"p:{org['penelaah'].pk}"], f"j:{kabag.pk}")
    assert count() == few

"""The search page's statements do not grow with the number of results or of copies per
letter (grouping, holders and the letter-type select included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.arsip.conftest import make_record

pytestmark = pytest.mark.django_db


def _letter(n: int, copies: int) -> None:
    key = f"naskah.naskah:q{n}"
    units = ["DISKOMINFOTIK", "DISDIKBUD", "BIRO-UMUM", "BIRO-HUKUM"]
    make_record(
        hal=f"Laporan kegiatan bulanan {n}",
        isi="Laporan kegiatan bulanan dinas.",
        tanggal=dt.date(2020, 1, 1) + dt.timedelta(days=n),
        source_type="naskah.naskah",
        source_id=f"q{n}",
        surat_kunci=key,
    )
    for c in range(copies):
        make_record(
            hal=f"Laporan kegiatan bulanan {n}",
            isi="Laporan kegiatan bulanan dinas.",
            unit_kode=units[1 + c % 3],
            tanggal=dt.date(2020, 1, 1) + dt.timedelta(days=n),
            source_type="masuk.suratmasuk",
            source_id=f"q{n}-{c}",
            surat_kunci=key,
        )


def _count(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("arsip:search"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    "params", [{"q": "laporan kegiatan"}, {"sort": "terbaru", "tahun": "2020"}]
)
def test_search_queries_stay_flat_as_results_and_copies_grow(people, client, params):
    client.force_login(people["arsiparis"])
    _letter(0, 1)
    few, page = _count(client, **params)
    assert page.count('class="arsip-hit') == 1
    for n in range(1, 25):
        _letter(n, 3)
    many, page = _count(client, **params)
    assert page.count('class="arsip-hit') == 20  # a full page of letters, not of copies
    assert "25 results" in page
    assert "Held by 4 units" in page
    assert many == few, (few, many)

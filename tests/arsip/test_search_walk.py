"""Paging by letter without reading more than the page needs (issue 16, the 1M
regression): the walk asks for the letters still wanted, continues after the last row
read (keyset), and a search without words sorts its matches in Python when they all fit
under the row limit, on both engines."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.search.query import pages as search_pages
from tests.arsip.conftest import make_record


def _fetcher(rows):
    asked: list[tuple[int, int]] = []

    def fetch(start, n):
        asked.append((start, n))
        return rows[start : start + n]

    return fetch, asked


def test_walk_asks_for_the_wanted_letters_first():
    rows = [(pk, "") for pk in range(1, 101)]  # a letter each
    fetch, asked = _fetcher(rows)
    ids, has_next = search_pages._walk_letters(fetch, 0, 20, 1000)
    assert ids == list(range(1, 21))
    assert has_next
    assert asked == [(0, 21)]  # 20 letters and one more, not a chunk of 200


def test_walk_reads_on_until_the_page_of_letters_is_whole():
    # Three copies of each letter, side by side as in date order.
    rows = [(pk, f"k{(pk - 1) // 3}") for pk in range(1, 301)]
    fetch, asked = _fetcher(rows)
    ids, has_next = search_pages._walk_letters(fetch, 20, 20, 1000)
    assert ids == [1 + 3 * n for n in range(20, 40)]
    assert has_next
    assert asked[0] == (0, 41)
    assert len(asked) > 1
    # Every later step starts where the last one ended.
    assert all(start == prev[0] + prev[1] for prev, (start, _) in itertools.pairwise(asked))


def _letters(count: int, copies: int) -> None:
    """`count` letters with `copies` recipient copies each; two letters share each date
    (ties in the date order)."""
    units = ["DISDIKBUD", "BIRO-UMUM", "BIRO-HUKUM"]
    for n in range(count):
        key = f"naskah.naskah:w{n}"
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n // 2)
        make_record(
            hal=f"Laporan kegiatan {n}",
            tanggal=day,
            source_type="naskah.naskah",
            source_id=f"w{n}",
            surat_kunci=key,
        )
        for c in range(copies):
            make_record(
                hal=f"Laporan kegiatan {n}",
                unit_kode=units[c % 3],
                tanggal=day,
                source_type="masuk.suratmasuk",
                source_id=f"w{n}-{c}",
                surat_kunci=key,
            )


def _pages(user, sort: str, **params) -> list[list[int]]:
    out = []
    for page in (1, 2, 3):
        result = arsip_search(
            user=user, params=ArsipSearchParams(sort=sort, page=page, per_page=5, **params)
        )
        out.append([hit.record.pk for hit in result.hits])
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["terbaru", "terlama"])
def test_plain_search_pages_are_the_same_sorted_here_or_walked(people, settings, sort):
    user = people["arsiparis"]
    _letters(16, 2)
    with CaptureQueriesContext(connection) as ctx:
        sorted_here = _pages(user, sort, tahun=2020)
    # All 48 rows fit under the row limit: sorted in Python, no walk of the date order.
    walks = [
        q["sql"]
        for q in ctx.captured_queries
        if "arsip_arsipindeks" in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert walks == []
    first = arsip_search(user=user, params=ArsipSearchParams(sort=sort, tahun=2020))
    assert (first.total, first.total_capped) == (16, False)
    # Over the row limit (cap 10 letters, 10 rows): the date index is walked instead.
    settings.ARSIP_SEARCH_CANDIDATE_CAP = 10
    search_pages_limit = search_pages.PLAIN_ROWS_PER_CAP
    try:
        search_pages.PLAIN_ROWS_PER_CAP = 1
        walked = _pages(user, sort, tahun=2020)
        capped = arsip_search(user=user, params=ArsipSearchParams(sort=sort, tahun=2020))
    finally:
        search_pages.PLAIN_ROWS_PER_CAP = search_pages_limit
    assert walked[:2] == sorted_here[:2]
    assert len({pk for page in sorted_here for pk in page}) == 15  # one hit per letter
    assert (capped.total, capped.total_capped) == (10, True)

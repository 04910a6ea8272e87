"""The search's SQLite paths of issue 16 item 4 (p95 at 100,000 records), and the
engine-neutral pieces they rely on: the covering indexes of migration 0013 and the
planner's use of them, bm25 computed in the join, the search without words reading
`cap` + 1 rows first, the letter holders found through their ids, and the snippet's
one-pass test. Plans, never timings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.search.query.parse import parse_query
from arsip.search.query.snippets import _snippet_in
from arsip.search.query.sqlite import _FTS_NEWEST
from arsip.search.query.text import _BM25, fts5_match
from tests.arsip.conftest import make_record

sqlite_only = pytest.mark.skipif(
    django_settings.IS_POSTGRES, reason="SQLite's own structures (FTS5, covering indexes)"
)

COVERING = {"arsip_sq_rekaman", "arsip_sq_nomor_unit", "arsip_sq_nomor_kode", "arsip_sq_tanggal"}


def search(user, **kw):
    return arsip_search(user=user, params=ArsipSearchParams(**kw))


@sqlite_only
@pytest.mark.django_db
def test_covering_indexes_exist():
    """Django does not know these indexes: a migration that makes SQLite rebuild the
    search-row table drops them, and must create them again (migration 0013)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'arsip_arsipindeks'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names >= COVERING


@sqlite_only
@pytest.mark.django_db
def test_fts_join_reads_the_search_row_from_its_covering_index():
    where = (
        "(arsip_arsipindeks.unit_id IN (1, 2) AND arsip_arsipindeks.klasifikasi_keamanan = 'biasa')"
    )
    sql = _FTS_NEWEST.format(where=where, score=f", -{_BM25}").replace("%s", "?")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "'x'"))
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX arsip_sq_rekaman" in plan, plan


@sqlite_only
def test_ranked_scores_are_each_permitted_matchs_bm25(people):
    """bm25 comes from the joined statement now; its values are those of a statement
    scoring every match, for the rows the user may read."""
    for n in range(6):
        make_record(hal=f"Laporan kegiatan {n}", isi="laporan " * (n + 1))
    make_record(hal="Laporan rahasia", klasifikasi_keamanan="rahasia")
    user = people["arsiparis"]
    result = search(user, q="laporan")
    assert result.total == 6
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, -{_BM25} FROM arsip_fts WHERE arsip_fts MATCH %s",  # noqa: S608
            [fts5_match(parse_query("laporan"))],
        )
        every = {pk: float(score) for pk, score in cursor.fetchall()}
    assert len(every) == 7  # the secret record matches too, but is not shown
    assert {hit.record.pk: hit.score for hit in result.hits} == {
        hit.record.pk: every[hit.record.pk] for hit in result.hits
    }
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)


def _single_letters(count: int) -> None:
    for n in range(count):
        make_record(
            hal=f"Nota dinas {n}",
            tanggal=dt.date(2021, 1, 1) + dt.timedelta(days=n // 2),
            source_type="naskah.naskah",
            source_id=f"s{n}",
            surat_kunci=f"naskah.naskah:s{n}",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["terbaru", "terlama"])
def test_plain_search_over_the_cap_gives_the_pages_of_the_whole_sort(people, settings, sort):
    """More letters than the cap among the first cap + 1 rows: on SQLite the other rows
    are not read; the pages and the "more than" total are those of sorting every row."""
    user = people["arsiparis"]
    _single_letters(16)
    everything = [
        [h.record.pk for h in search(user, tahun=2021, sort=sort, page=p, per_page=3).hits]
        for p in (1, 2, 3)
    ]
    settings.ARSIP_SEARCH_CANDIDATE_CAP = 10
    with CaptureQueriesContext(connection) as ctx:
        pages = [
            [h.record.pk for h in search(user, tahun=2021, sort=sort, page=p, per_page=3).hits]
            for p in (1, 2, 3)
        ]
    result = search(user, tahun=2021, sort=sort, per_page=3)
    assert pages == everything
    assert (result.total, result.total_capped, result.has_next) == (10, True, True)
    unordered = [
        q["sql"]
        for q in ctx.captured_queries
        if "arsip_arsipindeks" in q["sql"] and "ORDER BY" not in q["sql"]
    ]
    limit = 11 if connection.vendor == "sqlite" else 41  # cap + 1, or 4 × cap + 1
    assert unordered and all(sql.endswith(f"LIMIT {limit}") for sql in unordered)


@pytest.mark.django_db
def test_plain_search_with_copies_over_the_cap_rows_counts_its_letters(people, settings):
    """cap + 1 rows but at most cap letters (recipient copies): the rows up to the row
    limit are read after all, and the total is exact."""
    user = people["arsiparis"]
    for n in range(4):
        key = f"naskah.naskah:c{n}"
        make_record(
            hal=f"Undangan {n}",
            tanggal=dt.date(2022, 5, 1 + n),
            surat_kunci=key,
            source_type="naskah.naskah",
            source_id=f"c{n}",
        )
        for unit_kode in ("DISDIKBUD", "BIRO-UMUM"):
            make_record(
                hal=f"Undangan {n}",
                tanggal=dt.date(2022, 5, 1 + n),
                surat_kunci=key,
                unit_kode=unit_kode,
                source_type="masuk.suratmasuk",
                source_id=f"c{n}-{unit_kode}",
            )
    settings.ARSIP_SEARCH_CANDIDATE_CAP = 5  # 12 rows, 4 letters
    result = search(user, tahun=2022)
    assert (result.total, result.total_capped) == (4, False)
    assert [hit.record.source_type for hit in result.hits] == ["naskah.naskah"] * 4


@pytest.mark.django_db
def test_holders_of_a_letter_among_many_records_without_a_key(people):
    """The letter's holders are found by their key whatever the statistics say about
    records without one (on SQLite: their ids first, then the visibility filter)."""
    key = "naskah.naskah:h1"
    issuer = make_record(
        hal="Surat edaran banjir", surat_kunci=key, source_type="naskah.naskah", source_id="h1"
    )
    copy = make_record(
        hal="Surat edaran banjir",
        surat_kunci=key,
        unit_kode="DISDIKBUD",
        source_type="masuk.suratmasuk",
        source_id="h1-c",
    )
    for n in range(5):
        make_record(hal=f"Surat edaran banjir lain {n}")
    result = search(people["arsiparis"], q="edaran banjir")
    hit = next(h for h in result.hits if h.record.surat_kunci == key)
    assert [h.record_id for h in hit.holders] == [issuer.pk, copy.pk]
    assert hit.record.pk == issuer.pk


def test_snippet_is_found_where_a_word_is_broken_by_punctuation_or_stemmed():
    exact, stems = {"laporan"}, {"lapor"}
    # The word with its punctuation taken out matches: the piece around it is the
    # snippet (the highlighting marks whole runs of letters only, as before).
    assert _snippet_in("Sudah ada lap-oran bulan ini.", exact, stems) is not None
    assert "<mark>melaporkan</mark>" in _snippet_in("Kami melaporkan hasil.", set(), stems)
    assert _snippet_in("Undangan rapat koordinasi.", exact, stems) is None
    assert _snippet_in("", exact, stems) is None


def test_unranked_match_joins_the_layers_only_where_the_tokens_are_the_same():
    parsed = parse_query('dan laporan "untuk dan" "laporan keuangan"')
    unranked = fts5_match(parsed, ranked=False)
    assert unranked.startswith('"dan" AND ({hal isi lain} : "laporan" OR')
    assert '"untuk dan"' in unranked and '{hal_s isi_s lain_s} : "lapor uang"' in unranked
    assert fts5_match(parsed).count("{hal isi lain}") == 4  # bm25 sees every phrase apart


@sqlite_only
def test_unranked_match_finds_the_same_rows(people):
    """One phrase over every column finds what the two column-filtered ones find; that
    holds while `arsip_fts` has exactly its six columns."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA table_info(arsip_fts)")
        columns = [row[1] for row in cursor.fetchall()]
    assert columns == ["hal", "isi", "lain", "hal_s", "isi_s", "lain_s"]
    make_record(hal="Laporan dan untuk", isi="surat untuk dan yang lain")
    make_record(hal="Melaporkan keuangan", isi="dan pelaporan keuangan daerah")
    make_record(hal="Nota dinas", lampiran_teks="laporan keuangan untuk dan")
    make_record(hal="Undangan", isi="dan untuk")
    for text in ("dan", "untuk dan", '"untuk dan"', '"laporan keuangan"', "laporan dan", "nota"):
        parsed = parse_query(text)
        found = []
        for ranked in (True, False):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid FROM arsip_fts WHERE arsip_fts MATCH %s ORDER BY rowid",
                    [fts5_match(parsed, ranked=ranked)],
                )
                found.append([row[0] for row in cursor.fetchall()])
        assert found[0] == found[1] and found[0], text


def _trigram_ids(fragment: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM arsip_nomor_trgm WHERE arsip_nomor_trgm MATCH %s",
            ['"' + fragment + '"'],
        )
        return {row[0] for row in cursor.fetchall()}


@sqlite_only
@pytest.mark.django_db
def test_number_trigram_index_follows_the_records(demo):
    """Kept by triggers (migration 0014) on every insert, change of number and delete,
    whoever makes them; a migration that rebuilds the record table drops them."""
    from arsip.models import ArsipRecord

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers >= {"arsip_nomor_trgm_ins", "arsip_nomor_trgm_del", "arsip_nomor_trgm_upd"}
    record = make_record(hal="Surat", nomor="000.1/0042/DISKOMINFOTIK/2024")
    assert record.pk in _trigram_ids("0042/diskominfotik")
    ArsipRecord.objects.filter(pk=record.pk).update(nomor="000.1/0043/BIRO-UMUM/2024")
    assert record.pk not in _trigram_ids("0042/DISKOMINFOTIK")
    assert record.pk in _trigram_ids("0043/BIRO")
    ArsipRecord.objects.filter(pk=record.pk).delete()
    assert _trigram_ids("0043/BIRO") == set()


@pytest.mark.django_db
def test_number_fragment_finds_what_like_finds(people):
    """The trigram index on SQLite, LIKE for fragments it cannot serve (shorter than
    three characters, not ASCII), the trigram GIN index on PostgreSQL: the same records,
    whatever the case typed."""
    numbers = [
        "000.1/0042/DISKOMINFOTIK/2024",
        "000.1/0420/DISKOMINFOTIK-APTIKA/2025",
        "800/1042/BIRO-UMUM/2024",
        "B-17/ÜBER/2024",
        "ND-7/X/2023",
    ]
    for n, nomor in enumerate(numbers):
        make_record(hal=f"Surat {n}", nomor=nomor)
    user = people["arsiparis"]

    def found(text: str) -> set[str]:
        return {hit.record.nomor for hit in search(user, q=text, per_page=50).hits}

    assert found("042/DISKOMINFOTIK") == set(numbers[:1])
    assert found("042/diskominfotik") == set(numbers[:1])
    assert found("/2024") == {numbers[0], numbers[2], numbers[3]}
    assert found("1042/BIRO") == {numbers[2]}
    assert found("7/X") == {numbers[4]}

    def numbered(nomor: str) -> set[str]:  # the number field of the search form
        return {hit.record.nomor for hit in search(user, nomor=nomor, per_page=50).hits}

    assert numbered("17/über") == {numbers[3]}  # not ASCII: LIKE
    assert numbered("/x") == {numbers[4]}  # two characters: LIKE
    assert numbered("0042/diskominfotik") == {numbers[0]}


@pytest.mark.parametrize("sort", ["relevansi", "terbaru", "terlama"])
def test_rows_sorted_by_sqlite_give_the_page_python_gives(sort):
    """`_page_from_sorted` (rows sorted by SQLite: ISO dates as text, the same keys)
    makes the page, total and next-page flag `_page_from_rows` makes from the same rows."""
    import random

    from arsip.search.query.pages import _page_from_rows
    from arsip.search.query.sqlite import _page_from_sorted

    rng = random.Random(5)
    rows = []
    for pk in range(1, 400):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(60))
        key = f"naskah.naskah:{rng.randrange(150)}" if rng.random() < 0.6 else ""
        rows.append((pk, day, key, round(rng.random() * 5, 1)))  # ties in score and date
    reverse = sort != "terlama"
    if sort == "relevansi":
        ordered = sorted(rows, key=lambda r: (r[3], r[1].isoformat(), r[0]), reverse=True)
    else:
        ordered = sorted(rows, key=lambda r: (r[1].isoformat(), r[0]), reverse=reverse)
    ranked = sort == "relevansi"
    for offset in (0, 20, 180, 400):
        expected = _page_from_rows(
            [r[:3] for r in rows], sort, {r[0]: r[3] for r in rows}, offset, 20
        )
        got = _page_from_sorted(
            [(r[0], r[1].isoformat(), r[2], r[3]) for r in ordered], sort, offset, 20, ranked
        )
        assert (got.ids, got.total, got.has_next) == (
            expected.ids,
            expected.total,
            expected.has_next,
        )
        if ranked:
            assert got.scores == {pk: expected.scores[pk] for pk in got.ids}


@pytest.mark.django_db
def test_named_records_of_other_units_are_found_without_words(people):
    """The named-reader condition on the search rows (SQLite: `record_id IN (SELECT …)`,
    which lets the planner take the union of the unit and named-record indexes;
    PostgreSQL: `= ANY(ARRAY(…))`; records: EXISTS) finds the same records."""
    from arsip.models import ArsipIndeks, ArsipRecord
    from arsip.permissions import arsip_visibility_q

    staff = people["stafsma"]
    named = make_record(hal="Surat", nomor="000.1/0001/DISKOMINFOTIK/2024", pembaca=[staff])
    make_record(hal="Surat", nomor="000.1/0002/DISKOMINFOTIK/2024")
    result = search(staff, q="/DISKOMINFOTIK/")
    assert [hit.record.pk for hit in result.hits] == [named.pk]
    rows = ArsipIndeks.objects.filter(arsip_visibility_q(staff, id_field="record_id"))
    records = ArsipRecord.objects.filter(arsip_visibility_q(staff))
    assert set(rows.values_list("record_id", flat=True)) == set(
        records.values_list("pk", flat=True)
    )
    if connection.vendor == "sqlite":
        assert "EXISTS" not in str(rows.query) and "EXISTS" in str(records.query)

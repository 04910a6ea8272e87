"""Phrases through the word-pair table (issue 16, item 3): on PostgreSQL a phrase's
candidates are the records holding its word pairs (`ArsipFrasa`), then the phrase itself
is tested on the search row. The answers must be those of the phrase, on both engines:
pairs standing apart, pairs across two fields and pairs made of stems all count right."""

import datetime as dt

import pytest
from django.db import connection

from arsip.models import ArsipFrasa, ArsipIndeks
from arsip.search.index import arsip_index_records
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.search.stemmer import pair_token, word_pairs
from tests.arsip.conftest import make_record


def search(user, **kw):
    return arsip_search(user=user, params=ArsipSearchParams(**kw))


def hals(result):
    return sorted(hit.record.hal for hit in result.hits)


def test_word_pairs_stay_inside_a_field():
    t = pair_token
    assert word_pairs([["rapat", "kerja"], ["kerja", "sama"]]) == {
        t("rapat", "kerja"),
        t("kerja", "sama"),
    }
    assert word_pairs([["a"], [], ["b", "c", "b", "c"]]) == {t("b", "c"), t("c", "b")}
    assert t("rapat", "kerja") != t("kerja", "rapat")


@pytest.fixture
def phrases(demo):
    day = dt.date(2022, 5, 1)
    make_record(hal="Rapat kerja daerah", isi="Undangan.", tanggal=day)
    make_record(hal="Kerja rapat", isi="Bukan frasa yang dicari.", tanggal=day)
    # Both pairs of "rapat kerja daerah" occur, but apart: not the phrase.
    make_record(hal="Catatan", isi="Rapat kerja pusat dan kerja daerah.", tanggal=day)
    # The phrase across two fields (subject end, body start) is not a phrase.
    make_record(hal="Agenda rapat", isi="Kerja daerah dimulai.", tanggal=day)
    # Stems: "merapatkan pekerjaan" is not "rapat kerja" as words, but as stems it is.
    make_record(hal="Lampiran", isi="Akan merapatkan pekerjaan daerah.", tanggal=day)
    make_record(hal="Pindaian", ocr_teks="Hasil rapat kerja daerah tahun lalu.", tanggal=day)
    return demo


def test_phrase_answers_through_the_pairs(phrases):
    user = phrases["arsiparis"]
    assert hals(search(user, q='"rapat kerja daerah"')) == [
        "Lampiran",
        "Pindaian",
        "Rapat kerja daerah",
    ]
    assert hals(search(user, q='"kerja rapat"')) == ["Kerja rapat"]
    assert hals(search(user, q='"rapat kerja"')) == [
        "Catatan",
        "Lampiran",
        "Pindaian",
        "Rapat kerja daerah",
    ]
    assert search(user, q='"daerah rapat"').total == 0


def test_every_search_row_has_its_pairs_and_a_reindex_keeps_them(phrases):
    if connection.vendor != "postgresql":
        assert not ArsipFrasa.objects.exists()  # FTS5 answers phrases on SQLite
        return
    ids = set(ArsipIndeks.objects.values_list("record_id", flat=True))
    assert set(ArsipFrasa.objects.values_list("record_id", flat=True)) == ids
    arsip_index_records(record_ids=ids, force=True)
    assert ArsipFrasa.objects.count() == len(ids)
    pairs = ArsipFrasa.objects.get(record__hal="Rapat kerja daerah").pasangan
    assert f"'{pair_token('rapat', 'kerja')}'" in pairs
    assert f"'{pair_token('kerja', 'daerah')}'" in pairs


@pytest.mark.postgres
def test_a_rare_phrase_reads_only_the_records_holding_its_pairs(phrases):
    """The candidates come from the pair table: the statement that fetches them holds
    the pairs' tsquery on `arsip_arsipfrasa`."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arsip_arsipfrasa")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = search(phrases["arsiparis"], q='"kerja rapat"')
    assert hals(result) == ["Kerja rapat"] and result.total == 1
    assert any("arsip_arsipfrasa" in q["sql"] and "@@" in q["sql"] for q in ctx.captured_queries)


def _colliding_pairs():
    """Two different word pairs whose lexemes share a bucket (found by trying words)."""
    from arsip.search.stemmer import pair_token, stem

    words = [f"kata{chr(97 + i)}{chr(97 + j)}" for i in range(26) for j in range(26)]
    seen = {}
    for a in words:
        for b in ("rapat", "surat", "dinas"):
            token = pair_token(stem(a), stem(b))
            if token in seen and seen[token] != (a, b):
                return seen[token], (a, b)
            seen[token] = (a, b)
    raise AssertionError("no collision found")


def test_a_pair_sharing_its_bucket_with_another_is_not_taken_for_it(demo):
    """Pairs are hashed into buckets, so a record holding another pair of the same bucket
    is a candidate; the phrase test on the search row leaves it out."""
    (a1, b1), (a2, b2) = _colliding_pairs()
    make_record(hal=f"{a1} {b1}", tanggal=dt.date(2022, 1, 3))
    make_record(hal=f"{a2} {b2}", tanggal=dt.date(2022, 1, 4))
    make_record(hal=f"{b2} {a2}", tanggal=dt.date(2022, 1, 5))
    user = demo["arsiparis"]
    assert hals(search(user, q=f'"{a2} {b2}"')) == [f"{a2} {b2}"]
    assert hals(search(user, q=f'"{a1} {b1}"')) == [f"{a1} {b1}"]


def test_a_one_unit_reader_finds_the_phrase_in_their_unit_and_where_named(demo):
    """The pair lookup is narrowed to the reader's units (their units' lexemes in the
    pair index); records they are named on elsewhere still count, and the security class
    still holds."""
    from arsip.models import ArsipPembaca

    reader = demo["stafaptika"]  # staff of DISKOMINFOTIK-APTIKA: Biasa records of it
    make_record(hal="Rapat kerja aptika", unit_kode="DISKOMINFOTIK-APTIKA")
    make_record(
        hal="Rapat kerja terbatas",
        unit_kode="DISKOMINFOTIK-APTIKA",
        klasifikasi_keamanan="terbatas",
    )
    make_record(hal="Rapat kerja sekolah", unit_kode="DISDIKBUD")
    named = make_record(hal="Rapat kerja dikirim", unit_kode="DISDIKBUD")
    ArsipPembaca.objects.create(record=named, pegawai=reader)
    assert hals(search(reader, q='"rapat kerja"')) == ["Rapat kerja aptika", "Rapat kerja dikirim"]
    everyone = hals(search(demo["arsiparis"], q='"rapat kerja"'))
    assert everyone == [
        "Rapat kerja aptika",
        "Rapat kerja dikirim",
        "Rapat kerja sekolah",
        "Rapat kerja terbatas",
    ]


def test_the_unit_lexemes_cannot_be_typed(demo):
    """The stem vector and the pair rows hold the record's unit as a lexeme; whatever is
    typed, it never matches them."""
    record = make_record(hal="Laporan bulanan")
    unit_id = record.unit_id
    user = demo["arsiparis"]
    for typed in (f"u{unit_id}", f"_u{unit_id}", f'"laporan u{unit_id}"', f"'_u{unit_id}'"):
        assert search(user, q=typed).total == 0, typed
    assert search(user, q="laporan").total == 1


@pytest.mark.postgres
def test_a_one_unit_readers_phrase_reads_only_pair_rows_of_their_unit(demo):
    """The pair rows read for a one-unit reader's phrase are those of their unit (and the
    records they are named on), not every record holding the pair: the unit's lexeme is
    part of the pair index lookup (issue 16, item 3)."""
    from django.test.utils import CaptureQueriesContext

    from arsip.models import ArsipPembaca
    from tests.arsip.test_search_numbers import plan_rows_read

    for i in range(20):
        make_record(hal=f"Rapat kerja sekolah {i}", unit_kode="DISDIKBUD-SMA")
    for i in range(200):
        make_record(hal=f"Rapat kerja lain {i}", unit_kode="DISKOMINFOTIK")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arsip_arsipfrasa")
    user = demo["stafsma"]
    with CaptureQueriesContext(connection) as ctx:
        result = search(user, q='"rapat kerja"')
    assert result.total == 20
    pair_sql = [q["sql"] for q in ctx.captured_queries if "arsip_arsipfrasa" in q["sql"]]
    pair_sql = [sql for sql in pair_sql if sql.startswith("SELECT")]
    assert pair_sql
    unit_rows = ArsipFrasa.objects.filter(unit__kode="DISDIKBUD-SMA").count()
    named = ArsipPembaca.objects.filter(pegawai=user).count()
    for sql in pair_sql:
        read = plan_rows_read(sql, "arsip_arsipfrasa")
        assert read <= unit_rows + named, read


@pytest.mark.postgres
def test_a_one_unit_readers_newest_pages_merge_their_unit_and_named_records(demo, settings):
    """Over the cap a one-unit reader's newest page is their unit's own walk merged with
    the records they are named on (UNION ALL of keyset walks): the pages come in date
    order across both, with nothing skipped or repeated from one page to the next."""
    from arsip.models import ArsipPembaca

    settings.ARSIP_SEARCH_CANDIDATE_CAP = 6
    reader = demo["stafaptika"]
    for i in range(8):
        make_record(
            hal=f"Laporan aptika {i}",
            unit_kode="DISKOMINFOTIK-APTIKA",
            tanggal=dt.date(2022, 1, 1 + 2 * i),
        )
    for i in range(3):
        named = make_record(
            hal=f"Laporan kiriman {i}", unit_kode="DISDIKBUD", tanggal=dt.date(2022, 1, 2 + 4 * i)
        )
        ArsipPembaca.objects.create(record=named, pegawai=reader)
    make_record(hal="Laporan sekolah", unit_kode="DISDIKBUD", tanggal=dt.date(2022, 2, 1))
    seen = []
    for page in (1, 2, 3):  # the cap allows three pages of two
        result = search(reader, q="laporan", sort="terbaru", per_page=2, page=page)
        seen += [hit.record.tanggal.day for hit in result.hits]
    assert seen == [15, 13, 11, 10, 9, 7]  # units' and named records merged by date

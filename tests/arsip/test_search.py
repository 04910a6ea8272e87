"""Search: relevance, filters and permission filtering. Runs on SQLite (FTS5) by default
and on PostgreSQL (tsvector) with DATABASE_URL; the same expectations hold on both."""

import datetime as dt

import pytest
from django.db import connection

from arsip.models import ArsipIndeks, ArsipRecord
from arsip.search.index import arsip_index_records, arsip_reindex_all
from arsip.search.query import ArsipSearchParams, arsip_search, parse_query
from core.models import KodeKlasifikasi, UnitKerja
from tests.arsip.conftest import make_record


def search(user, **kw):
    return arsip_search(user=user, params=ArsipSearchParams(**kw))


def hals(result):
    return [hit.record.hal for hit in result.hits]


def test_parse_query_separates_words_phrases_and_numbers():
    parsed = parse_query('Rapat "tanda tangan" 3470/BAPPEDA elektronik')
    assert parsed.words == ("rapat", "elektronik")
    assert parsed.phrases == (("tanda", "tangan"),)
    assert parsed.number_fragments == ("3470/BAPPEDA",)


def test_stemmed_word_finds_other_forms(demo):
    make_record(hal="Jadwal piket", isi="Jam kerja diatur dalam keputusan kepala dinas.")
    make_record(hal="Laporan cuaca", isi="Hujan turun sepanjang hari.")
    result = search(demo["arsiparis"], q="peraturan")
    assert hals(result) == ["Jadwal piket"]
    assert "<mark>diatur</mark>" in result.hits[0].snippet_html


def test_exact_words_outrank_other_forms_of_the_stem(demo):
    make_record(
        hal="Guru mendidik murid",
        isi="Guru mendidik murid di daerah terpencil.",
        tanggal=dt.date(2024, 5, 1),
    )
    make_record(
        hal="Evaluasi pendidikan daerah",
        isi="Penilaian kinerja pendidikan daerah tahun ini.",
        tanggal=dt.date(2020, 5, 1),
    )
    result = search(demo["arsiparis"], q="pendidikan daerah")
    assert hals(result)[0] == "Evaluasi pendidikan daerah"
    assert len(result.hits) == 2  # the other form of the stem is still found (recall)
    assert result.hits[0].score > result.hits[1].score


def test_no_over_stemming(demo):
    """The dictionary stemmer keeps *perangkat* (the old stripper made it *angkat*)."""
    make_record(hal="Pengangkatan pejabat", isi="Surat tentang angkat jabatan.")
    make_record(hal="Evaluasi perangkat daerah", isi="Penilaian perangkat daerah.")
    assert hals(search(demo["arsiparis"], q="perangkat")) == ["Evaluasi perangkat daerah"]
    assert hals(search(demo["arsiparis"], q="angkat")) == ["Pengangkatan pejabat"]


def test_phrase_needs_adjacent_words(demo):
    make_record(hal="A", isi="Dokumen sudah tanda tangan elektronik.")
    make_record(hal="B", isi="Tangan kanan memberi tanda.")
    assert hals(search(demo["arsiparis"], q='"tanda tangan"')) == ["A"]


@pytest.mark.postgres
def test_phrase_of_words_common_apart_but_rare_together_is_found_exactly(demo, settings):
    """The planner counts a phrase like its words ANDed; the search samples the phrase
    itself and, when it is rare, collects candidates instead of walking the date order:
    the result is exact, ranked, and not an estimate."""
    settings.ARSIP_SEARCH_PG_COMMON_ROWS = 0  # every word counts as common here
    make_record(hal="A", isi="Dokumen sudah tanda tangan elektronik.")
    for i in range(6):
        make_record(hal=f"B{i}", isi="Tangan kanan memberi tanda.")
    result = search(demo["arsiparis"], q='"tanda tangan"')
    assert hals(result) == ["A"]
    assert (result.total, result.total_capped, result.total_estimated) == (1, False, False)
    assert result.sort_applied == "relevansi"


def test_filters(demo):
    kode = KodeKlasifikasi.objects.get(skema__aktif=True, kode="000.1.5")
    make_record(hal="Rapat anggaran 2021", tanggal=dt.date(2021, 2, 1), jenis_kode="UND")
    make_record(
        hal="Rapat anggaran 2024",
        tanggal=dt.date(2024, 2, 1),
        kode=kode,
        urgensi="segera",
        pengirim="Badan Pusat Statistik",
        nomor="000.1.5/77/DISKOMINFOTIK/2024",
    )
    make_record(hal="Rapat anggaran Disdik", unit_kode="DISDIKBUD", tanggal=dt.date(2024, 3, 1))
    user = demo["arsiparis"]
    assert hals(search(user, q="rapat", tahun=2021)) == ["Rapat anggaran 2021"]
    assert hals(search(user, q="rapat", jenis_kode="UND")) == ["Rapat anggaran 2021"]
    assert hals(search(user, q="rapat", kode_klasifikasi="000.1")) == ["Rapat anggaran 2024"]
    assert hals(search(user, q="rapat", urgensi="segera")) == ["Rapat anggaran 2024"]
    assert hals(search(user, q="rapat", pihak="statistik")) == ["Rapat anggaran 2024"]
    assert hals(search(user, q="77/DISKOMINFOTIK")) == ["Rapat anggaran 2024"]
    assert hals(search(user, nomor="000.1.5/*/2024")) == ["Rapat anggaran 2024"]
    disdik = UnitKerja.objects.get(kode="DISDIKBUD")
    assert hals(search(user, q="anggaran", unit_id=disdik.pk)) == ["Rapat anggaran Disdik"]
    dated = search(
        user, q="rapat", tanggal_dari=dt.date(2024, 1, 1), tanggal_sampai=dt.date(2024, 2, 28)
    )
    assert hals(dated) == ["Rapat anggaran 2024"]
    newest = search(user, q="rapat", sort="terbaru")
    assert hals(newest) == ["Rapat anggaran Disdik", "Rapat anggaran 2024", "Rapat anggaran 2021"]
    assert search(user, q="rapat", sort="terlama").hits[0].record.hal == "Rapat anggaran 2021"


def test_user_never_sees_or_counts_what_they_cannot_open(demo):
    make_record(hal="Rapat internal aptika", unit_kode="DISKOMINFOTIK-APTIKA")
    make_record(
        hal="Rapat terbatas aptika",
        unit_kode="DISKOMINFOTIK-APTIKA",
        klasifikasi_keamanan="terbatas",
    )
    make_record(
        hal="Rapat rahasia aptika",
        unit_kode="DISKOMINFOTIK-APTIKA",
        klasifikasi_keamanan="rahasia",
        pembaca=[demo["kadiskominfo"]],
    )
    make_record(hal="Rapat sekolah", unit_kode="DISDIKBUD-SMA")
    # Staff of Aptika: ordinary records of their own unit only.
    staff = search(demo["stafaptika"], q="rapat")
    assert hals(staff) == ["Rapat internal aptika"] and staff.total == 1
    # Head of the Dinas: whole subtree incl. Terbatas, plus the secret one he is named on.
    head = search(demo["kadiskominfo"], q="rapat", sort="terlama")
    assert sorted(hals(head)) == [
        "Rapat internal aptika",
        "Rapat rahasia aptika",
        "Rapat terbatas aptika",
    ]
    assert head.total == 3
    # The archivist sees every non-secret record but not the secret one.
    arsiparis = search(demo["arsiparis"], q="rapat")
    assert "Rapat rahasia aptika" not in hals(arsiparis) and arsiparis.total == 3
    # Someone from another agency sees nothing of Diskominfotik.
    assert search(demo["stafsma"], q="aptika").total == 0
    assert search(demo["stafsma"], q="rapat").total == 1


def test_many_matches_fall_back_to_newest_with_capped_count(demo, settings):
    settings.ARSIP_SEARCH_CANDIDATE_CAP = 5
    settings.ARSIP_SEARCH_SQLITE_RANK_LIMIT = 5
    for i in range(8):
        make_record(hal=f"Undangan rapat {i}", tanggal=dt.date(2020, 1, 1 + i))
    result = search(demo["arsiparis"], q="rapat", per_page=3)
    assert result.total_capped is True
    assert result.sort_applied == "terbaru"
    assert hals(result) == ["Undangan rapat 7", "Undangan rapat 6", "Undangan rapat 5"]
    assert result.has_next


def test_reindex_rebuilds_in_batches(demo):
    for i in range(5):
        make_record(hal=f"Surat edaran {i}")
    ArsipIndeks.objects.all().delete()
    assert search(demo["arsiparis"], q="edaran").total == 0
    assert arsip_reindex_all(batch_size=2, force=True) == 5
    assert search(demo["arsiparis"], q="edaran").total == 5
    assert arsip_reindex_all(batch_size=2) == 0  # nothing changed: nothing redone


def test_destroyed_content_leaves_the_text_index(demo):
    record = make_record(hal="Nota dinas", isi="Isi tentang pengadaan komputer.")
    assert search(demo["arsiparis"], q="komputer").total == 1
    ArsipRecord.objects.filter(pk=record.pk).update(isi_teks="")
    arsip_index_records(record_ids=[record.pk])
    assert search(demo["arsiparis"], q="komputer").total == 0
    assert search(demo["arsiparis"], q="nota").total == 1


@pytest.mark.postgres
def test_postgres_structures_exist(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('arsip_arsiprecord', 'arsip_arsipindeks') "
            "AND indexname IN ('arsip_idx_tsv_gin', 'arsip_idx_tsv_exact_gin', "
            "'arsip_rec_nomor_trgm', 'arsip_rec_nomor_unit')"
        )
        assert len(cursor.fetchall()) == 4
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'arsip_kata_trgm'")
        assert cursor.fetchone() is not None


def test_reindex_command(demo):
    from django.core.management import call_command

    make_record(hal="Surat keputusan")
    ArsipIndeks.objects.all().delete()
    call_command("arsip_reindex", "--batch", "1")
    assert search(demo["arsiparis"], q="keputusan").total == 1
    call_command("arsip_reindex", "--force")
    assert search(demo["arsiparis"], q="keputusan").total == 1

"""Issue 16, item 3: number fragments on the search row's structured parts (prefix ranges,
not a trigram scan), visibility in the index path on PostgreSQL, and the statements a
search costs. Runs on SQLite by default and on PostgreSQL with DATABASE_URL; tests marked
postgres need PostgreSQL."""

import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from arsip.models import ArsipIndeks, ArsipPembaca, ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.query import ArsipSearchParams, arsip_search
from core.models import KodeKlasifikasi
from core.services.skkaad import skkaad_import
from tests.arsip.conftest import make_record


def search(user, **kw):
    return arsip_search(user=user, params=ArsipSearchParams(per_page=100, **kw))


def ids(result):
    return sorted(hit.record.pk for hit in result.hits)


def _code(kode):
    return KodeKlasifikasi.objects.get(skema__aktif=True, kode=kode)


@pytest.fixture
def numbers(demo):
    """Structured numbers of two codes (one a prefix of the other's text: 800.1 and
    800.1.11.1) in two units, and other organisations' numbers, which have no parts."""
    codes = ["800.1.11.1", "000.1.2.3"]
    for i, kode in enumerate(codes * 3):
        unit = "DISKOMINFOTIK" if i % 2 else "DISDIKBUD-SMA"
        make_record(
            hal=f"Surat bernomor {i}",
            unit_kode=unit,
            kode=_code(kode),
            nomor=f"{kode}/{i + 10}/{unit}/2024",
        )
    make_record(hal="Surat luar satu", nomor="B/800.1.11/PEMPROV/2024")
    make_record(hal="Surat luar dua", nomor="005/123/DISHUB/2025", unit_kode="DISDIKBUD-SMA")
    return demo


# Fragments whose answer is the same as a search anywhere in the number (the former
# trigram scan): the head of a classification part, the part closed by its slash, and
# fragments that are not a code's head (still searched anywhere in the number).
FRAGMENTS = ["800.1", "800.1.11", "800.1.11.1/", "000.1", "000.1.2.3/", "005/123", "/11/"]


@pytest.mark.parametrize("user_name", ["arsiparis", "stafsma", "kadiskominfo"])
def test_number_fragments_find_what_a_search_anywhere_in_the_number_finds(numbers, user_name):
    user = numbers[user_name]
    for fragment in FRAGMENTS:
        expected = sorted(
            ArsipRecord.objects.filter(
                arsip_visibility_q(user), nomor__icontains=fragment
            ).values_list("pk", flat=True)
        )
        assert ids(search(user, q=fragment)) == expected, fragment
    assert search(numbers["arsiparis"], q="800.1").total == 4  # 3 structured + 1 other


def test_code_fragment_is_the_head_of_the_code_part(numbers):
    """A fragment is matched from the start of the classification part: `0.1.2` is no
    longer found inside `000.1.2.3` (nor `1.11.1/` inside `800.1.11.1/`); other
    organisations' numbers are still searched anywhere."""
    user = numbers["arsiparis"]
    assert search(user, q="0.1.2").total == 0
    assert [h.record.hal for h in search(user, q="0.1.11").hits] == ["Surat luar satu"]


def test_search_row_copies_the_number_parts(numbers):
    record = ArsipRecord.objects.get(hal="Surat bernomor 1")
    row = ArsipIndeks.objects.get(record=record)
    assert (row.nomor_kode, row.nomor_unit) == ("000.1.2.3", "DISKOMINFOTIK")
    other = ArsipIndeks.objects.get(record__hal="Surat luar satu")
    assert (other.nomor_kode, other.nomor_unit) == ("", "")


def test_number_fragment_reads_no_trigram_scan_for_a_code_head(numbers):
    """The code head is a range on the search row: no statement searches the record
    table's number for it (only the numbers without parts, by their own index)."""
    with CaptureQueriesContext(connection) as ctx:
        search(numbers["stafsma"], q="800.1")
    number_sql = [
        q["sql"] for q in ctx.captured_queries if re.search(r'"nomor"(::text\))? LIKE', q["sql"])
    ]
    assert number_sql, "the unstructured numbers are still searched"
    assert all("\"nomor_kode\" = ''" in sql for sql in number_sql), number_sql


# --- statements -----------------------------------------------------------------------------

# The statements one search costs for a user object fresh from the request, besides the
# search's own: SKKAAD flag, groups (+ the positions acted for, assignment and holder, for
# staff: arsiparis reads by group), a head's subtree. The positions are read once even
# when SKKAAD needs their levels too.
FIXED_MAX = 5


@pytest.mark.parametrize(
    ("user_name", "skkaad", "fixed"),
    [
        ("arsiparis", False, 2),
        ("arsiparis", True, 4),  # the positions, for the levels only
        ("stafsma", False, 4),
        ("stafsma", True, 4),
        ("kadiskominfo", False, 5),
        ("kadiskominfo", True, 5),
    ],
)
def test_fixed_statements_per_search(demo, user_name, skkaad, fixed):
    """The same count when SKKAAD restricts a series: its levels come from the positions
    already looked up for the unit scopes (before: two more statements)."""
    if skkaad:
        skkaad_import(text="kode,kelas_keamanan,tingkat_akses\n800,biasa,eselon_ii;arsiparis\n")
    for i in range(3):
        make_record(hal=f"Surat edaran {i}", unit_kode="DISDIKBUD-SMA")
    fresh = type(demo[user_name]).objects.get(pk=demo[user_name].pk)
    with CaptureQueriesContext(connection) as ctx:
        search(fresh, q="edaran")
    with CaptureQueriesContext(connection) as again:
        search(fresh, q="edaran")  # the same user object: look-ups cached on it
    assert len(ctx.captured_queries) - len(again.captured_queries) == fixed <= FIXED_MAX


# --- PostgreSQL: the narrow reader's plan -------------------------------------------------


def _rows_read(plan: dict, table: str) -> int:
    """Rows the plan read from `table`'s heap: returned plus removed by filters and
    rechecks, times loops, over every node scanning it."""
    total = 0
    if plan.get("Relation Name") == table:
        per_loop = (
            plan.get("Actual Rows", 0)
            + plan.get("Rows Removed by Filter", 0)
            + plan.get("Rows Removed by Index Recheck", 0)
        )
        total += per_loop * plan.get("Actual Loops", 1)
    for child in plan.get("Plans", []):
        total += _rows_read(child, table)
    return total


def plan_rows_read(sql: str, table: str) -> int:
    """Rows of `table`'s heap that running `sql` reads (EXPLAIN ANALYZE, as the search
    runs it: sequential scans off)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return _rows_read(plan[0]["Plan"], table)


@pytest.mark.postgres
def test_narrow_reader_common_word_reads_only_rows_of_their_units(demo):
    """Staff of one unit search a word every letter holds: the plan reads the rows of
    their unit (and the records they are named on), not the other units' rows (the
    visibility condition is an index condition: unit index OR the named ids)."""
    for i in range(30):
        make_record(hal=f"Surat dinas sekolah {i}", unit_kode="DISDIKBUD-SMA")
    for i in range(300):
        make_record(hal=f"Surat dinas lain {i}", unit_kode="DISKOMINFOTIK")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arsip_arsipindeks")
    user = demo["stafsma"]
    with CaptureQueriesContext(connection) as ctx:
        result = search(user, q="dinas")
    assert result.total == 30
    text_sql = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and "@@" in q["sql"] and "arsip_arsipindeks" in q["sql"]
    ]
    assert text_sql
    unit_rows = ArsipIndeks.objects.filter(unit__kode="DISDIKBUD-SMA").count()
    named = ArsipPembaca.objects.filter(pegawai=user).count()
    for sql in text_sql:
        read = plan_rows_read(sql, "arsip_arsipindeks")
        assert read <= unit_rows + named, (read, re.sub(r"\s+", " ", sql)[:300])

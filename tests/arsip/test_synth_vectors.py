"""The bulk load's search rows (`arsip_synth`: tsvector literals made in Python, COPY)
are the rows `arsip_index_records` makes (PostgreSQL's `to_tsvector` through
`PG_UPSERT`, and `PG_PAIRS_UPSERT`): the same words, stems, weights, positions, unit
lexeme and word pairs."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from arsip.models import ArsipFrasa, ArsipIndeks, ArsipRecord
from arsip.search.copytext import copy_lines, copy_value
from arsip.search.index import (
    SOURCE_FIELDS,
    arsip_index_copy_prepared,
    arsip_index_prepare,
    arsip_index_records,
)
from arsip.search.tsvector import tsvector_text
from tests.arsip.conftest import make_record


def test_literal_positions_weights_and_the_gap_between_fields():
    # Subject at 1-2; the body starts after a gap (4) even when empty; the rest after
    # another (the body's last position, 3, + gap + 1).
    assert tsvector_text(["dan", "rapat"], [], ["dan"]) == "dan:1A,5C rapat:2A"
    assert tsvector_text(["a"], ["b", "a"], []) == "a:1A,4B b:3B"
    assert tsvector_text([], [], []) == ""


def test_no_literal_where_postgres_would_read_the_tokens_otherwise():
    assert tsvector_text(["1e5abc"], [], []) is None  # the parser splits it
    assert tsvector_text(["café"], [], []) is None
    assert tsvector_text(["x" * 256], [], []) is None
    assert tsvector_text(["dan"] * 256, [], []) is None  # to_tsvector keeps 255
    assert tsvector_text(["kata"] * 16383, [], []) is None  # positions are clamped
    assert tsvector_text(["2024", "rapat"], [], []) == "2024:1A rapat:2A"


def test_copy_text_escapes():
    assert copy_value("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert copy_lines([(1, None, True, "x")]) == b"1\t\\N\tt\tx\n"
    assert copy_lines([(1, True, "a b"), (2, False, "a\tb")]) == b"1\tTrue\ta b\n2\tf\ta\\tb\n"


def _vectors() -> dict[int, tuple]:
    """Per record: the search row's hash and vectors, and its word pairs' row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.record_id, i.sumber_hash, i.tsv::text, i.tsv_exact::text, f.unit_id, "
            "f.kode_klasifikasi_id, f.klasifikasi_keamanan, f.pasangan::text "
            "FROM arsip_arsipindeks i LEFT JOIN arsip_arsipfrasa f USING (record_id)"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.postgres
def test_synth_vectors_equal_the_index_tasks(demo):
    call_command("arsip_synth", count=3000, batch=1000, codes=5, stdout=io.StringIO())
    bulk = _vectors()
    assert len(bulk) == 3000
    ids = list(ArsipRecord.objects.values_list("pk", flat=True))
    assert arsip_index_records(record_ids=ids, force=True) == 3000
    assert _vectors() == bulk


@pytest.mark.postgres
def test_copied_rows_equal_the_index_tasks_for_any_text(demo):
    texts = [
        ("Undangan Rapat", "Rapat koordinasi dan rapat lanjutan.", ""),
        ("-", "", ""),
        ("Nota 1e5abc", "Café, naïve façade: 2024 tahun 12e dan x1y2.", "lampiran"),
        ("Dan", "dan " * 300, "dan"),  # more than 255 positions of one word
        ("Perizinan", "", "Pengiriman berkas perizinan " * 3),
    ]
    records = [make_record(hal=h, isi=i, lampiran_teks=lain) for h, i, lain in texts]
    arsip_index_records(record_ids=[record.pk for record in records], force=True)
    by_sql = _vectors()
    assert len(by_sql) == len(texts)
    assert all(row[-1] for row in by_sql.values())  # every record has its pairs' row
    ArsipFrasa.objects.all().delete()
    ArsipIndeks.objects.all().delete()
    ids = [record.pk for record in records]
    rows = list(ArsipRecord.objects.filter(pk__in=ids).order_by("pk").values(*SOURCE_FIELDS))
    prepared = arsip_index_prepare(rows, sorted(ids))
    assert len(prepared.sql) == 2  # 1e5abc / café, and the 300 "dan": built by PostgreSQL
    arsip_index_copy_prepared(prepared)
    assert _vectors() == by_sql

"""Keeping the search index current.

Every record has one narrow search row (`ArsipIndeks`: date, unit, code, letter type,
urgency, security class, status) so searches filter and sort without reading the
record's wide row.

Words and stems are made in Python, in one place for both engines
(`arsip.search.stemmer`: the `tokenize` tokens and their PySastrawi stems), so the same
query finds the same records on SQLite and PostgreSQL.

PostgreSQL: the search row also holds two tsvectors weighted A (subject), B (body),
C (OCR and attachment text), with a gap of one position between the fields (a phrase
does not run from one field into the next, as on SQLite), both built with the `simple`
configuration from text made here: `tsv` from the stems (recall) and `tsv_exact` from
the exact words (ranked higher). PostgreSQL's own `indonesian` stemmer is not used.
Letter numbers are left out of both; they are structured columns. One INSERT ... SELECT
FROM unnest(...) ... ON CONFLICT does a batch. Bulk loads of new records
(`arsip_index_prepare`, `arsip_index_copy_prepared`) write the same vectors and word
pairs as text made in Python (`arsip.search.tsvector`) with COPY instead.

SQLite: FTS5 table `arsip_fts` whose external content is `ArsipIndeksTeks` (exact words
and the stems per field). The old entry is deleted from FTS5 with the values it was
indexed with, then the new one is written.

The vocabulary (`ArsipKata`: every exact word of four or more letters ever indexed; on
SQLite also its trigrams, `arsip_kata_trgm`) feeds the "did you mean" suggestions; a
suggestion is only offered after checking that it finds a record the user may open.

Both are idempotent: a record whose source hash (text, filter columns and
`INDEX_VERSION`) is unchanged is skipped. Bumping `INDEX_VERSION` makes a plain
`manage.py arsip_reindex` redo every record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from arsip.models import ArsipIndeks, ArsipIndeksTeks, ArsipKata, ArsipRecord
from arsip.search.copytext import copy_lines
from arsip.search.stemmer import (
    stem_list,
    text_unit_token,
    tokenize,
    unit_token,
    word_pairs,
)
from arsip.search.tsvector import tsvector_text

# Version of the words and stems in the index: part of the source hash. 5: the word
# pairs for phrases (`ArsipFrasa`) and the unit lexeme in the stem vector (migration
# 0012 fills both); 4: the
# number's classification and unit parts on the search row (migration 0011 fills them;
# `arsip_reindex` then refreshes the hashes); 3: a gap between
# the fields of the PostgreSQL vectors, so that a phrase never runs from one field into
# the next (as FTS5 columns never do); 2: PySastrawi stems made in Python for both
# engines (1: a rule-based stripper on SQLite and PostgreSQL's `indonesian`
# configuration).
INDEX_VERSION = "5"
_TEXT = ("hal", "isi_teks", "ocr_teks", "lampiran_teks")
_FILTERS = (
    "tanggal",
    "unit_id",
    "kode_klasifikasi_id",
    "jenis_kode",
    "urgensi",
    "klasifikasi_keamanan",
    "status",
    "surat_kunci",  # not a filter: search groups the copies of one letter by it
    "nomor_kode",  # number fragments (prefix ranges)
    "nomor_unit",  # unit-code fragments
)
# Every value of a record the index reads (the source hash covers them all).
SOURCE_FIELDS = (*_TEXT, *_FILTERS)
_FIELDS = ("pk", *SOURCE_FIELDS)
VOCAB_MIN, VOCAB_MAX = 4, 40


# A lexeme `tokenize` never makes: put between the fields, then deleted, it leaves a gap of
# one position (`||` offsets the right vector by the left one's last position), so the
# subject's last word and the body's first are not adjacent for `a <-> b`.
_GAP = "'_:1'::tsvector"


# The stem vector also holds the record's unit as a lexeme `tokenize` never makes
# (`_u` and the unit's id, without a position: `text_unit_token`), so a reader's units and
# the words are one GIN lookup: `tsv @@ (words && '_u3 | _u4')`.
_UNIT_LEXEME = "array_to_tsvector(ARRAY['_u' || r.unit_id])"


def _vector(column: str) -> str:
    return (
        f"ts_delete(setweight(to_tsvector('simple', t.{column}_hal), 'A') || {_GAP} "
        f"|| setweight(to_tsvector('simple', t.{column}_isi), 'B') || {_GAP} "
        f"|| setweight(to_tsvector('simple', t.{column}_lain), 'C'), '_')"
    )


PG_UPSERT = (  # fixed SQL only; every value is a bound array parameter
    "INSERT INTO arsip_arsipindeks (record_id, tanggal, unit_id, kode_klasifikasi_id, "  # noqa: S608
    "jenis_kode, urgensi, klasifikasi_keamanan, status, sumber_hash, surat_kunci, "
    "nomor_kode, nomor_unit, tsv, tsv_exact) "
    "SELECT r.id, r.tanggal, r.unit_id, r.kode_klasifikasi_id, r.jenis_kode, r.urgensi, "
    "r.klasifikasi_keamanan, r.status, t.hash, r.surat_kunci, r.nomor_kode, r.nomor_unit, "
    f"{_vector('s')} || {_UNIT_LEXEME}, {_vector('e')} "
    "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::text[], %s::text[], %s::text[]) "
    "AS t(id, hash, e_hal, e_isi, e_lain, s_hal, s_isi, s_lain) "
    "JOIN arsip_arsiprecord r ON r.id = t.id "
    "ON CONFLICT (record_id) DO UPDATE SET tanggal = EXCLUDED.tanggal, "
    "unit_id = EXCLUDED.unit_id, kode_klasifikasi_id = EXCLUDED.kode_klasifikasi_id, "
    "jenis_kode = EXCLUDED.jenis_kode, urgensi = EXCLUDED.urgensi, "
    "klasifikasi_keamanan = EXCLUDED.klasifikasi_keamanan, status = EXCLUDED.status, "
    "sumber_hash = EXCLUDED.sumber_hash, surat_kunci = EXCLUDED.surat_kunci, "
    "nomor_kode = EXCLUDED.nomor_kode, nomor_unit = EXCLUDED.nomor_unit, "
    "tsv = EXCLUDED.tsv, tsv_exact = EXCLUDED.tsv_exact"
)


# The word pairs beside the search row (same ids, same transaction), with the search
# row's visibility columns and its unit's lexeme (`u` and the unit's id: `unit_token`).
# The lexemes are tokens made here (`p` and hex digits), so the text is a valid tsvector
# literal as it is.
PG_PAIRS_UPSERT = (
    "INSERT INTO arsip_arsipfrasa (record_id, unit_id, kode_klasifikasi_id, "
    "klasifikasi_keamanan, pasangan) "
    "SELECT t.id, i.unit_id, i.kode_klasifikasi_id, i.klasifikasi_keamanan, "
    "(t.pairs || ' u' || i.unit_id)::tsvector "
    "FROM unnest(%s::bigint[], %s::text[]) AS t(id, pairs) "
    "JOIN arsip_arsipindeks i ON i.record_id = t.id "
    "ON CONFLICT (record_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, "
    "kode_klasifikasi_id = EXCLUDED.kode_klasifikasi_id, "
    "klasifikasi_keamanan = EXCLUDED.klasifikasi_keamanan, pasangan = EXCLUDED.pasangan"
)


def _hash(values: dict) -> str:
    parts = [values[f] for f in SOURCE_FIELDS]
    joined = "\x1f".join("" if p is None else str(p) for p in parts) + "\x1f" + INDEX_VERSION
    return hashlib.md5(joined.encode(), usedforsecurity=False).hexdigest()


def source_hash(record: ArsipRecord) -> str:
    """A hash of what the index holds for a record: its text, filter columns and
    `INDEX_VERSION`."""
    return _hash({f: getattr(record, f) for f in SOURCE_FIELDS})


class _Doc:
    """The indexed text of one record: exact tokens and stems per field."""

    __slots__ = ("hal", "hal_s", "isi", "isi_s", "lain", "lain_s", "pairs", "words")

    def __init__(self, hal: str, isi: str, lain: str):
        tokens = [tokenize(hal), tokenize(isi), tokenize(lain)]
        self.hal, self.isi, self.lain = (" ".join(t) for t in tokens)
        # Stems are cached per word: after a warm-up nearly every one is a cache hit.
        stems = [stem_list(t) for t in tokens]
        self.hal_s, self.isi_s, self.lain_s = (" ".join(t) for t in stems)
        self.pairs = " ".join(word_pairs(stems))
        self.words = set().union(*tokens)


def _lain(values: dict) -> str:
    return f"{values['ocr_teks'] or ''}\n{values['lampiran_teks'] or ''}".strip()


def trigrams(word: str) -> set[str]:
    """The trigrams of one lower-case word as pg_trgm makes them (two spaces before, one
    after)."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def vocabulary_trigram_rows(words: Iterable[str]) -> list[tuple[str, str, int]]:
    """(trigram, word, the word's trigram count) rows of SQLite's `arsip_kata_trgm`."""
    rows = []
    for word in words:
        grams = trigrams(word)
        rows += [(gram, word, len(grams)) for gram in sorted(grams)]
    return rows


def _vocabulary_add(words: set[str]) -> None:
    kata = sorted(
        w for w in words if VOCAB_MIN <= len(w) <= VOCAB_MAX and w.isalpha() and w.isascii()
    )
    if connection.vendor == "sqlite" and kata:
        # The trigram table (migration 0009) of the words not yet in the vocabulary.
        known: set[str] = set()
        for i in range(0, len(kata), 500):
            chunk = kata[i : i + 500]
            known |= set(ArsipKata.objects.filter(kata__in=chunk).values_list("kata", flat=True))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR IGNORE INTO arsip_kata_trgm (trigram, kata, n) VALUES (%s, %s, %s)",
                vocabulary_trigram_rows(w for w in kata if w not in known),
            )
    ArsipKata.objects.bulk_create(
        [ArsipKata(kata=w) for w in kata], ignore_conflicts=True, batch_size=2000
    )


def _rows(ids: list[int]) -> list[dict]:
    return list(ArsipRecord.objects.filter(pk__in=ids).values(*_FIELDS))


def _changed(rows: list[dict], force: bool) -> tuple[list[dict], dict[int, str]]:
    hashes = {row["pk"]: _hash(row) for row in rows}
    if not force:
        current = dict(
            ArsipIndeks.objects.filter(record_id__in=list(hashes)).values_list(
                "record_id", "sumber_hash"
            )
        )
        rows = [row for row in rows if current.get(row["pk"]) != hashes[row["pk"]]]
    return rows, hashes


@dataclass
class PreparedRows:
    """Search-row values made in Python for a batch (everything but the record ids)."""

    columns: list[list]  # hash, exact hal/isi/lain, stem hal/isi/lain
    pairs: list[str]  # the word pairs (`ArsipFrasa.pasangan`), space-separated
    words: set[str]


def _prepare(rows: list[dict], hashes: list[str]) -> PreparedRows:
    columns: list[list] = [[] for _ in range(7)]
    pairs: list[str] = []
    words: set[str] = set()
    for row, digest in zip(rows, hashes, strict=True):
        doc = _Doc(row["hal"], row["isi_teks"], _lain(row))
        words |= doc.words
        pairs.append(doc.pairs)
        values = (digest, doc.hal, doc.isi, doc.lain, doc.hal_s, doc.isi_s, doc.lain_s)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    return PreparedRows(columns, pairs, words)


def _pg_write(ids: list[int], prepared: PreparedRows) -> int:
    with connection.cursor() as cursor:
        cursor.execute(PG_UPSERT, [ids, *prepared.columns])
        count = cursor.rowcount
        cursor.execute(PG_PAIRS_UPSERT, [ids, prepared.pairs])
    _vocabulary_add(prepared.words)
    return count


def _pg_index(rows: list[dict], hashes: dict[int, str]) -> int:
    prepared = _prepare(rows, [hashes[row["pk"]] for row in rows])
    return _pg_write([row["pk"] for row in rows], prepared)


# The search row's columns as a bulk load writes them (COPY), in this order.
COPY_COLUMNS = (
    "record_id",
    "tanggal",
    "unit_id",
    "kode_klasifikasi_id",
    "jenis_kode",
    "urgensi",
    "klasifikasi_keamanan",
    "status",
    "sumber_hash",
    "surat_kunci",
    "nomor_kode",
    "nomor_unit",
    "tsv",
    "tsv_exact",
)
_COPIED = COPY_COLUMNS[1:8]  # the record's filter columns
_STRUCTURED = COPY_COLUMNS[9:12]  # letter key and number parts
PAIR_COLUMNS = ("record_id", "unit_id", "kode_klasifikasi_id", "klasifikasi_keamanan", "pasangan")


@dataclass
class BulkRows:
    """The search rows and word pairs of a batch of new records, made in Python: their
    COPY text (COPY_COLUMNS, PAIR_COLUMNS; the vectors as tsvector literals,
    `arsip.search.tsvector`). Where a record's text cannot be written as a literal its
    vectors are NULL and `sql` holds the record's `PG_UPSERT` values (id → hash, exact
    and stem text per field)."""

    search: bytes
    pairs: bytes
    sql: dict[int, tuple[str, ...]]
    words: set[str]


def arsip_index_prepare(rows: list[dict], ids: list[int]) -> BulkRows:
    """PostgreSQL bulk loads (`arsip_synth`), step 1: the search rows of records the
    caller holds in memory (keys: the text fields and the filter columns, with the values
    the records `ids` will have), made without the database (a worker process may make
    them). The same hash, words, stems, weights, positions, unit lexeme and word pairs as
    `arsip_index_records` makes, so a later reindex finds nothing to redo."""
    lines, pair_lines, sql, words = [], [], {}, set()
    for pk, row in zip(ids, rows, strict=True):
        hal, isi, lain = tokenize(row["hal"]), tokenize(row["isi_teks"]), tokenize(_lain(row))
        s_hal, s_isi, s_lain = stem_list(hal), stem_list(isi), stem_list(lain)
        words.update(hal, isi, lain)
        digest = _hash(row)
        tsv = tsvector_text(s_hal, s_isi, s_lain)
        tsv_exact = tsvector_text(hal, isi, lain)
        if tsv is None or tsv_exact is None:
            tsv = tsv_exact = None
            texts = (hal, isi, lain, s_hal, s_isi, s_lain)
            sql[pk] = (digest, *(" ".join(tokens) for tokens in texts))
        else:  # the unit's lexeme, without a position (as `_UNIT_LEXEME`)
            tsv = f"{tsv} {text_unit_token(row['unit_id'])}"
        copied, structured = (row[f] for f in _COPIED), (row[f] for f in _STRUCTURED)
        lines.append((pk, *copied, digest, *structured, tsv, tsv_exact))
        pairs = " ".join(word_pairs((s_hal, s_isi, s_lain)))
        pair_lines.append(
            (
                pk,
                row["unit_id"],
                row["kode_klasifikasi_id"],
                row["klasifikasi_keamanan"],
                f"{pairs} {unit_token(row['unit_id'])}",  # as `PG_PAIRS_UPSERT`
            )
        )
    return BulkRows(copy_lines(lines), copy_lines(pair_lines), sql, words)


def arsip_index_copy_prepared(prepared: BulkRows) -> None:
    """Step 2, once the records exist and have no search row yet: one COPY of the search
    rows and one of the word pairs, `PG_UPSERT` for the records whose vectors PostgreSQL
    builds, the vocabulary."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's has no COPY
        for table, columns, data in (
            ("arsip_arsipindeks", COPY_COLUMNS, prepared.search),
            ("arsip_arsipfrasa", PAIR_COLUMNS, prepared.pairs),
        ):
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(data)
        if prepared.sql:
            values = [list(prepared.sql), *map(list, zip(*prepared.sql.values(), strict=True))]
            cursor.execute(PG_UPSERT, values)
    _vocabulary_add(prepared.words)


def _fts_values(row: ArsipIndeksTeks) -> list:
    return [row.record_id, row.hal, row.isi, row.lain, row.hal_s, row.isi_s, row.lain_s]


def _sqlite_index(rows: list[dict], hashes: dict[int, str]) -> int:
    """Replace the FTS5 entries and search rows of changed records in bulk: remove the
    old FTS5 entries with the exact values they were indexed with, then write new ones."""
    ids = [row["pk"] for row in rows]
    old_rows = list(ArsipIndeksTeks.objects.filter(record_id__in=ids))
    new_rows, words = [], set()
    for row in rows:
        doc = _Doc(row["hal"], row["isi_teks"], _lain(row))
        words |= doc.words
        new_rows.append(
            ArsipIndeksTeks(
                record_id=row["pk"],
                hal=doc.hal,
                isi=doc.isi,
                lain=doc.lain,
                hal_s=doc.hal_s,
                isi_s=doc.isi_s,
                lain_s=doc.lain_s,
            )
        )
    with connection.cursor() as cursor:
        if old_rows:
            cursor.executemany(
                "INSERT INTO arsip_fts(arsip_fts, rowid, hal, isi, lain, hal_s, isi_s, lain_s) "
                "VALUES ('delete', %s, %s, %s, %s, %s, %s, %s)",
                [_fts_values(row) for row in old_rows],
            )
            ArsipIndeksTeks.objects.filter(record_id__in=ids).delete()
        ArsipIndeksTeks.objects.bulk_create(new_rows, batch_size=500)
        cursor.executemany(
            "INSERT INTO arsip_fts(rowid, hal, isi, lain, hal_s, isi_s, lain_s) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [_fts_values(row) for row in new_rows],
        )
    ArsipIndeks.objects.filter(record_id__in=ids).delete()
    ArsipIndeks.objects.bulk_create(
        [
            ArsipIndeks(
                record_id=row["pk"],
                sumber_hash=hashes[row["pk"]],
                **{f: row[f] for f in _FILTERS},
            )
            for row in rows
        ],
        batch_size=1000,
    )
    _vocabulary_add(words)
    return len(rows)


def arsip_index_records(*, record_ids: Iterable[int], force: bool = False) -> int:
    """Bring the index up to date for these records; returns how many were (re)indexed.
    Safe to run twice (unchanged records are skipped unless `force`)."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    with transaction.atomic():
        rows, hashes = _changed(_rows(ids), force)
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            return _pg_index(rows, hashes)
        return _sqlite_index(rows, hashes)


def arsip_reindex_all(*, batch_size: int = 2000, force: bool = False, progress=None) -> int:
    """Rebuild the whole index in bounded memory: walks records by id in batches, one
    transaction per batch. With `force` on SQLite the FTS5 table is emptied first, and on
    both engines the vocabulary is rebuilt from scratch (dropping the words only
    destroyed or changed records had)."""
    if force:
        ArsipKata.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM arsip_kata_trgm")
    if force and connection.vendor == "sqlite":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO arsip_fts(arsip_fts) VALUES ('delete-all')")
            ArsipIndeksTeks.objects.all().delete()
            ArsipIndeks.objects.all().delete()
        force = False
    last, total = 0, 0
    while True:
        ids = list(
            ArsipRecord.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        total += arsip_index_records(record_ids=ids, force=force)
        last = ids[-1]
        if progress is not None:
            progress(last, total)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO arsip_fts(arsip_fts) VALUES ('optimize')")
    return total

"""Keeping the search index current.

Every record has one narrow search row (`ArsipIndeks`: date, unit, code, letter type,
urgency, security class, status) so searches filter and sort without reading the
record's wide row.

PostgreSQL: the search row also holds two tsvectors weighted A (subject), B (body),
C (OCR and attachment text): `tsv` with the `indonesian` configuration (recall: stems)
and `tsv_exact` with `simple` (exact words, ranked higher). Letter numbers are left out
of both; they are structured columns with a trigram index. One INSERT ... SELECT ...
ON CONFLICT does a batch.

SQLite: FTS5 table `arsip_fts` whose external content is `ArsipIndeksTeks` (exact words
and the stems from `arsip.search.stemmer` per field). The old entry is deleted from FTS5
with the values it was indexed with, then the new one is written.

Both are idempotent: a record whose source hash (text and filter columns) is unchanged
is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection, transaction

from arsip.models import ArsipIndeks, ArsipIndeksTeks, ArsipRecord
from arsip.search.stemmer import stem_text

_TEXT = ("hal", "isi_teks", "ocr_teks", "lampiran_teks")
_FILTERS = (
    "tanggal",
    "unit_id",
    "kode_klasifikasi_id",
    "jenis_kode",
    "urgensi",
    "klasifikasi_keamanan",
    "status",
)


def _pg_vector(config: str) -> str:
    return (
        f"setweight(to_tsvector('{config}', coalesce(r.hal, '')), 'A') "
        f"|| setweight(to_tsvector('{config}', coalesce(r.isi_teks, '')), 'B') "
        f"|| setweight(to_tsvector('{config}', coalesce(r.ocr_teks, '') || ' ' "
        "|| coalesce(r.lampiran_teks, '')), 'C')"
    )


# SQL expressions over a record row aliased `r`, shared by the index task and arsip_synth.
PG_TSV_SQL = _pg_vector("indonesian")
PG_TSV_EXACT_SQL = _pg_vector("simple")
PG_HASH_SQL = (
    "md5(concat_ws(chr(31), r.hal, r.isi_teks, r.ocr_teks, r.lampiran_teks, r.tanggal, "
    "r.unit_id, r.kode_klasifikasi_id, r.jenis_kode, r.urgensi, r.klasifikasi_keamanan, "
    "r.status))"
)
PG_UPSERT = (  # fixed SQL fragments only; the ids are a bound parameter
    "INSERT INTO arsip_arsipindeks (record_id, tanggal, unit_id, kode_klasifikasi_id, "  # noqa: S608
    "jenis_kode, urgensi, klasifikasi_keamanan, status, sumber_hash, tsv, tsv_exact) "
    "SELECT r.id, r.tanggal, r.unit_id, r.kode_klasifikasi_id, r.jenis_kode, r.urgensi, "
    f"r.klasifikasi_keamanan, r.status, {PG_HASH_SQL}, {PG_TSV_SQL}, {PG_TSV_EXACT_SQL} "
    "FROM arsip_arsiprecord r LEFT JOIN arsip_arsipindeks i ON i.record_id = r.id "
    "WHERE r.id = ANY(%s) AND (%s OR i.record_id IS NULL OR i.sumber_hash <> "
    f"{PG_HASH_SQL}) "
    "ON CONFLICT (record_id) DO UPDATE SET tanggal = EXCLUDED.tanggal, "
    "unit_id = EXCLUDED.unit_id, kode_klasifikasi_id = EXCLUDED.kode_klasifikasi_id, "
    "jenis_kode = EXCLUDED.jenis_kode, urgensi = EXCLUDED.urgensi, "
    "klasifikasi_keamanan = EXCLUDED.klasifikasi_keamanan, status = EXCLUDED.status, "
    "sumber_hash = EXCLUDED.sumber_hash, tsv = EXCLUDED.tsv, tsv_exact = EXCLUDED.tsv_exact"
)


def source_hash(record: ArsipRecord) -> str:
    """Same value as PG_HASH_SQL (concat_ws skips NULLs; none of these columns is NULL)."""
    parts = [getattr(record, f) for f in (*_TEXT, *_FILTERS)]
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.md5(joined.encode(), usedforsecurity=False).hexdigest()


def _fts_values(row: ArsipIndeksTeks) -> list:
    return [row.record_id, row.hal, row.isi, row.lain, row.hal_s, row.isi_s, row.lain_s]


def _sqlite_index(records: list[ArsipRecord], force: bool) -> int:
    """Replace the FTS5 entries and search rows of changed records in bulk: remove the
    old FTS5 entries with the exact values they were indexed with, then write new ones."""
    hashes = {r.pk: source_hash(r) for r in records}
    if not force:
        current = dict(
            ArsipIndeks.objects.filter(record_id__in=list(hashes)).values_list(
                "record_id", "sumber_hash"
            )
        )
        records = [r for r in records if current.get(r.pk) != hashes[r.pk]]
    if not records:
        return 0
    ids = [r.pk for r in records]
    old_rows = list(ArsipIndeksTeks.objects.filter(record_id__in=ids))
    new_rows = []
    for record in records:
        lain = f"{record.ocr_teks}\n{record.lampiran_teks}".strip()
        new_rows.append(
            ArsipIndeksTeks(
                record_id=record.pk,
                hal=record.hal,
                isi=record.isi_teks,
                lain=lain,
                hal_s=stem_text(record.hal),
                isi_s=stem_text(record.isi_teks),
                lain_s=stem_text(lain),
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
                record_id=r.pk,
                sumber_hash=hashes[r.pk],
                **{f: getattr(r, f) for f in _FILTERS},
            )
            for r in records
        ],
        batch_size=1000,
    )
    return len(records)


def arsip_index_records(*, record_ids: Iterable[int], force: bool = False) -> int:
    """Bring the index up to date for these records; returns how many were (re)indexed.
    Safe to run twice (unchanged records are skipped unless `force`)."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(PG_UPSERT, [ids, force])
                return cursor.rowcount
        records = list(ArsipRecord.objects.filter(pk__in=ids).only("pk", *_TEXT, *_FILTERS))
        return _sqlite_index(records, force)


def arsip_reindex_all(*, batch_size: int = 2000, force: bool = False, progress=None) -> int:
    """Rebuild the whole index in bounded memory: walks records by id in batches, one
    transaction per batch. With `force` on SQLite the FTS5 table is emptied first."""
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

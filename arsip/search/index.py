"""Keeping the full-text index current.

PostgreSQL: two stored tsvector columns on the record, weighted A (subject), B (body),
C (OCR and attachment text): `tsv` with the `indonesian` configuration (recall: stems)
and `tsv_exact` with `simple` (exact words, ranked higher). Letter numbers are left out
of both; they are structured columns with a trigram index.

SQLite: FTS5 table `arsip_fts` whose external content is `ArsipIndeksTeks` (exact words
and the stems from `arsip.search.stemmer` per field). The old entry is deleted from FTS5
with the values it was indexed with, then the new one is written.

Both are idempotent: a record whose searchable text hash is unchanged is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection, transaction

from arsip.models import ArsipIndeksTeks, ArsipRecord
from arsip.search.stemmer import stem_text

_FIELDS = ("hal", "isi_teks", "ocr_teks", "lampiran_teks")


def _pg_vector(config: str) -> str:
    return (
        f"setweight(to_tsvector('{config}', coalesce(hal, '')), 'A') "
        f"|| setweight(to_tsvector('{config}', coalesce(isi_teks, '')), 'B') "
        f"|| setweight(to_tsvector('{config}', coalesce(ocr_teks, '') || ' ' "
        "|| coalesce(lampiran_teks, '')), 'C')"
    )


# SQL expressions over a row's own columns, shared by the index task and arsip_synth.
PG_TSV_SQL = _pg_vector("indonesian")
PG_TSV_EXACT_SQL = _pg_vector("simple")
PG_HASH_SQL = (
    "md5(coalesce(hal, '') || chr(31) || coalesce(isi_teks, '') || chr(31) "
    "|| coalesce(ocr_teks, '') || chr(31) || coalesce(lampiran_teks, ''))"
)
PG_UPDATE = (  # fixed SQL fragments only; the ids are a bound parameter
    f"UPDATE arsip_arsiprecord SET tsv = {PG_TSV_SQL}, tsv_exact = {PG_TSV_EXACT_SQL}, "  # noqa: S608
    f"indeks_hash = {PG_HASH_SQL} WHERE id = ANY(%s)"
)


def text_hash(hal: str, isi: str, ocr: str, lampiran: str) -> str:
    """Same value as the md5 PostgreSQL computes in PG_UPDATE."""
    joined = "\x1f".join((hal or "", isi or "", ocr or "", lampiran or ""))
    return hashlib.md5(joined.encode(), usedforsecurity=False).hexdigest()


def _fts_values(row: ArsipIndeksTeks) -> list:
    return [row.record_id, row.hal, row.isi, row.lain, row.hal_s, row.isi_s, row.lain_s]


def _sqlite_index(records: list[ArsipRecord]) -> int:
    """Replace the FTS5 entries of these records in bulk: remove the old entries with
    the exact values they were indexed with, then write the new text and stems."""
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
        cursor.executemany(
            "UPDATE arsip_arsiprecord SET indeks_hash = %s WHERE id = %s",
            [(text_hash(*(getattr(r, f) for f in _FIELDS)), r.pk) for r in records],
        )
    return len(records)


def arsip_index_records(*, record_ids: Iterable[int], force: bool = False) -> int:
    """Bring the index up to date for these records; returns how many were (re)indexed.
    Safe to run twice (unchanged text is skipped unless `force`)."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    with transaction.atomic():
        records = list(ArsipRecord.objects.filter(pk__in=ids).only("pk", "indeks_hash", *_FIELDS))
        if not force:
            records = [
                r for r in records if r.indeks_hash != text_hash(*(getattr(r, f) for f in _FIELDS))
            ]
        if not records:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(PG_UPDATE, [[r.pk for r in records]])
            return len(records)
        return _sqlite_index(records)


def arsip_reindex_all(*, batch_size: int = 2000, force: bool = False, progress=None) -> int:
    """Rebuild the whole index in bounded memory: walks records by id in batches, one
    transaction per batch. With `force` on SQLite the FTS5 table is emptied first."""
    if force and connection.vendor == "sqlite":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO arsip_fts(arsip_fts) VALUES ('delete-all')")
            ArsipIndeksTeks.objects.all().delete()
            ArsipRecord.objects.update(indeks_hash="")
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

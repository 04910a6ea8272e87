"""Generate realistic synthetic archive records for load tests.

    python manage.py arsip_synth --count 1000000 [--seed 83] [--batch 50000]

Records spread over the existing units (run seed_demo first), some 120 classification
codes and the years 2019-2026, with Indonesian subjects and bodies drawn from a Zipf
distribution over a morphologically built vocabulary (arsip.synth). Bulk paths: on
PostgreSQL the records (ids taken from the table's sequence) and then their search rows,
both by COPY of text made in two worker processes, the search vectors as tsvector
literals (arsip.search.index.arsip_index_prepare, arsip.search.tsvector: the vectors the
index task makes, without PostgreSQL re-parsing the text); the search indexes are
dropped during the load and rebuilt after, two at a time. On SQLite executemany and then
the batched reindex. Memory stays bounded by the batch size (at most four batches in
memory on PostgreSQL: one generated, two being made into text, one being written).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from arsip.models import ArsipPembaca, ArsipRecord, Berkas
from arsip.search.copytext import copy_lines
from arsip.search.index import (
    SOURCE_FIELDS,
    BulkRows,
    arsip_index_copy_prepared,
    arsip_index_prepare,
    arsip_reindex_all,
)
from arsip.search.stemmer import stem
from arsip.selectors.retention import retention_dates
from arsip.synth import EXTERNAL, JENIS_KODE, Generator
from core.clock import office_today
from core.models import KodeKlasifikasi, Pegawai, UnitKerja

COLUMNS = (
    "source_type",
    "source_id",
    "berkas_id",
    "nomor",
    "nomor_kode",
    "nomor_urut",
    "nomor_unit",
    "nomor_tahun",
    "hal",
    "isi_teks",
    "ocr_teks",
    "lampiran_teks",
    "jenis_kode",
    "unit_id",
    "kode_klasifikasi_id",
    "urgensi",
    "klasifikasi_keamanan",
    "tanggal",
    "created_at",
    "updated_at",
    "pengirim",
    "penerima",
    "status",
    "berkas_pdf",
    "berkas_pdf_sha256",
    "berkas_pindai",
    "berkas_pindai_sha256",
    "vital",
    "legal_hold",
    "legal_hold_alasan",
)
PG_SEARCH_INDEXES = {
    # Built in this order, two at a time: the longest first (the word pairs: 77 s at 1M,
    # against 20-23 s for each text index), so the others are built beside it.
    "arsip_frasa_gin": "CREATE INDEX arsip_frasa_gin ON arsip_arsipfrasa USING gin (pasangan)",
    "arsip_idx_tsv_gin": "CREATE INDEX arsip_idx_tsv_gin ON arsip_arsipindeks USING gin (tsv)",
    "arsip_idx_tsv_exact_gin": (
        "CREATE INDEX arsip_idx_tsv_exact_gin ON arsip_arsipindeks USING gin (tsv_exact)"
    ),
    # The number parts of the search rows (migration 0011; same definitions as the
    # model's): built after the load rather than kept during it.
    "arsip_idx_nomor_kode": (
        "CREATE INDEX arsip_idx_nomor_kode ON arsip_arsipindeks (nomor_kode varchar_pattern_ops)"
    ),
    "arsip_idx_nomor_unit": "CREATE INDEX arsip_idx_nomor_unit ON arsip_arsipindeks (nomor_unit)",
    "arsip_rec_nomor_trgm": (
        "CREATE INDEX arsip_rec_nomor_trgm ON arsip_arsiprecord "
        "USING gin ((UPPER(nomor::text)) gin_trgm_ops)"
    ),
}
# Positions in a generated row of what the search index needs (arsip.search.index).
_INDEXED = tuple(
    # The letter key is not a record column here: bulk-made records have none.
    (field, COLUMNS.index(field))
    for field in SOURCE_FIELDS
    if field != "surat_kunci"
)
YEARS = list(range(2019, 2027))
SECURITY = (("biasa", 0.90), ("terbatas", 0.07), ("rahasia", 0.02), ("sangat_rahasia", 0.01))
URGENCY = (("biasa", 0.8), ("segera", 0.15), ("amat_segera", 0.05))
# (multiplier, offset) of the three readers picked per record: reader = people[(id * m + o) % N]
READER_PICKS = ((7919, 0), (104729, 7), (1299709, 13))
WORKERS = 2  # processes making the COPY text (PostgreSQL only)


@dataclass
class CopyBatch:
    records: bytes  # COPY text of the records (id, *COLUMNS)
    search: BulkRows  # their search rows and word pairs


def copy_batch(rows: list[tuple], ids: list[int]) -> CopyBatch:
    """The COPY text of a batch of generated rows that get these ids (run in a worker
    process: no database)."""
    search = arsip_index_prepare(
        # Synthetic records have no letter key (each is its own letter).
        [{**{f: row[i] for f, i in _INDEXED}, "surat_kunci": ""} for row in rows],
        ids,
    )
    return CopyBatch(copy_lines((pk, *row) for pk, row in zip(ids, rows, strict=True)), search)


def _close() -> None:
    connection.close()  # this thread's connection (`connection` is per thread)


def _pick(rng, table):
    x, acc = rng.random(), 0.0
    for value, weight in table:
        acc += weight
        if x < acc:
            return value
    return table[-1][0]


class Command(BaseCommand):
    help = "Generate N synthetic archive records (bulk load) for search load tests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=83)
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument("--codes", type=int, default=120)
        parser.add_argument(
            "--readers-pool",
            type=int,
            default=3000,
            help="Size of the organisation whose people are named as readers (default 3000, "
            "a province's correspondents). Only the people in the database are named, so "
            "each is a reader of about 3/POOL of the records, as in a real office.",
        )

    def handle(self, *args, count, seed, batch, codes, readers_pool=3000, **options):
        if count <= 0:
            raise CommandError("--count must be positive")
        units = list(UnitKerja.objects.filter(aktif=True).order_by("path"))
        if not units:
            raise CommandError("No units: run `python manage.py seed_demo` first.")
        kode_list = list(
            KodeKlasifikasi.objects.filter(skema__aktif=True, level__gte=3, aktif=True).order_by(
                "kode"
            )
        )
        if not kode_list:
            raise CommandError("No classification codes (core migration 0002 missing?).")
        gen = Generator(seed)
        step = max(1, len(kode_list) // codes)
        kode_list = kode_list[::step][:codes]
        started = time.perf_counter()
        berkas_ids = self._berkas(units, kode_list)
        offset = ArsipRecord.objects.filter(source_type="arsip.dokumen").count()
        first_id = ArsipRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        is_pg = connection.vendor == "postgresql"
        # Drop the search indexes, the tables' other secondary indexes and their foreign
        # keys around a bulk load and rebuild them after, unless running inside a
        # caller's transaction (tests), where CREATE INDEX meets pending FK triggers.
        rebuild = is_pg and not connection.in_atomic_block
        restore: tuple[dict[str, str], list[str]] = ({}, [])
        if rebuild:
            restore = self._drop_for_load()
        batches = self._generate(gen, count, batch, units, kode_list, berkas_ids, offset)
        try:
            self._store(batches, is_pg, started)
        except BaseException:
            if rebuild:  # the batches stored so far keep their indexes and constraints
                self.stderr.write("load failed: building the dropped indexes and keys again")
                self._create_search_indexes(restore[0])
                self._add_foreign_keys(restore[1])
            raise
        self.stdout.write(f"records stored ({time.perf_counter() - started:.0f} s)")
        if rebuild:  # the readers are named by a third job beside the two index builds
            indexes, foreign_keys = restore
            self._create_search_indexes(
                indexes, lambda: self._named_readers(first_id, readers_pool)
            )
            self._add_foreign_keys(foreign_keys)
        else:
            arsip_reindex_all(batch_size=5000)
            self.stdout.write(f"indexed ({time.perf_counter() - started:.0f} s)")
            self._named_readers(first_id, readers_pool)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"{count} records in {time.perf_counter() - started:.1f} s")
        )

    def _generate(self, gen, count, batch, units, kode_list, berkas_ids, offset):
        """The records' column values (COLUMNS), a batch at a time, from one random
        stream: the same seed gives the same records, however they are stored."""
        rng = gen.rng
        now = timezone.now()
        counters: dict[tuple[int, int], int] = {}
        start_day = dt.date(YEARS[0], 1, 2)
        span = (dt.date(YEARS[-1], 11, 20) - start_day).days
        done = 0
        while done < count:
            size = min(batch, count - done)
            days = sorted(rng.randrange(span) for _ in range(size))
            rows = []
            for i, day_offset in enumerate(days):
                tanggal = start_day + dt.timedelta(days=day_offset)
                unit = units[rng.randrange(len(units))]
                kode = kode_list[rng.randrange(len(kode_list))]
                key = (unit.pk, tanggal.year)
                counters[key] = counters.get(key, 0) + 1
                urut = counters[key]
                outgoing = rng.random() < 0.55
                external = rng.choice(EXTERNAL)
                rows.append(
                    (
                        "arsip.dokumen",
                        f"synth-{offset + done + i + 1}",
                        berkas_ids[(unit.pk, kode.pk, tanggal.year)],
                        f"{kode.kode}/{urut}/{unit.kode}/{tanggal.year}",
                        kode.kode,
                        urut,
                        unit.kode,
                        tanggal.year,
                        gen.subject(),
                        gen.body(),
                        "" if outgoing else gen.body(),
                        gen.attachment(),
                        rng.choice(JENIS_KODE),
                        unit.pk,
                        kode.pk,
                        _pick(rng, URGENCY),
                        _pick(rng, SECURITY),
                        tanggal,
                        now,
                        now,
                        unit.nama if outgoing else external,
                        external if outgoing else unit.nama,
                        "aktif",
                        "",
                        "",
                        "",
                        "",
                        rng.random() < 0.01,
                        False,
                        "",
                    )
                )
            yield rows
            done += size

    def _store(self, batches, is_pg: bool, started: float) -> None:
        """PostgreSQL: this process generates batch N+2 (one random stream) while two
        worker processes make the COPY text of the records, search rows and word pairs
        of batch N+1, half each (words, stems, vectors and pairs are most of the Python
        work), and a writer thread with its own connection sends batch N to PostgreSQL,
        a half at a time: on two cores the generation, the text and the database
        overlap, and the first and last batches wait for half a batch's text. Inside a
        caller's transaction (tests) everything runs here; SQLite has one writer and the
        GIL: nothing to overlap."""
        workers = self._workers() if is_pg and not connection.in_atomic_block else None
        writer = ThreadPoolExecutor(max_workers=1)
        formatting: deque = deque()
        writing = None
        done = 0
        try:
            for rows in batches:
                if workers is not None:
                    ids = self._ids(len(rows))
                    half = (len(rows) + 1) // 2
                    for part in (slice(None, half), slice(half, None)):
                        job = (rows[part], ids[part])
                        formatting.append(workers.apply_async(copy_batch, job))
                    while len(formatting) > WORKERS:
                        writing = self._hand_over(formatting.popleft(), writer, writing)
                elif is_pg:
                    self._copy_pg(copy_batch(rows, self._ids(len(rows))))
                else:
                    self._insert_sqlite(rows)
                done += len(rows)
                self.stdout.write(
                    f"{done} records generated ({time.perf_counter() - started:.0f} s)"
                )
            while formatting:
                writing = self._hand_over(formatting.popleft(), writer, writing)
            if writing is not None:
                writing.result()
        except BaseException:
            if workers is not None:
                workers.terminate()
            raise
        finally:
            writer.submit(_close).result()  # the writer thread's own connection
            writer.shutdown()
        if workers is not None:
            workers.close()
            workers.join()

    def _hand_over(self, formatted, writer, writing):
        """Wait for a half batch's text and for the one before it to be written; write it."""
        batch = formatted.get()
        if writing is not None:
            writing.result()
        return writer.submit(self._copy_pg, batch)

    def _workers(self):
        """Two worker processes, forked before any thread or open connection (the
        children never use the parent's), with the stemmer loaded once for both."""
        stem("membaca")
        connection.close()
        return multiprocessing.get_context("fork").Pool(WORKERS)

    def _ids(self, size: int) -> list[int]:
        """Ids for the next records, from the table's own sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('arsip_arsiprecord', 'id')) "
                "FROM generate_series(1, %s)",
                [size],
            )
            return sorted(pk for (pk,) in cursor.fetchall())

    def _berkas(self, units, kode_list) -> dict[tuple[int, int, int], int]:
        today = office_today()
        existing = {
            (b.unit_id, b.kode_klasifikasi_id, b.dibuka.year): b.pk
            for b in Berkas.objects.filter(nomor__startswith="SYN/")
        }
        new = []
        for unit in units:
            for kode in kode_list:
                for year in YEARS:
                    if (unit.pk, kode.pk, year) in existing:
                        continue
                    berkas = Berkas(
                        nomor=f"SYN/{kode.kode}/{year}",
                        judul=f"{kode.nama[:250]} {year}",
                        unit=unit,
                        kode_klasifikasi=kode,
                        dibuka=dt.date(year, 1, 1),
                    )
                    if dt.date(year, 12, 31) < today:
                        berkas.status = Berkas.Status.AKTIF
                        berkas.ditutup = dt.date(year, 12, 31)
                        berkas.aktif_sampai, berkas.inaktif_sampai = retention_dates(
                            kode=kode, ditutup=berkas.ditutup
                        )
                        if berkas.aktif_sampai:
                            berkas.retensi_aktif = kode.retensi_aktif
                            berkas.retensi_inaktif = kode.retensi_inaktif
                            berkas.nasib_akhir = kode.nasib_akhir
                    new.append(berkas)
        Berkas.objects.bulk_create(new, batch_size=2000)
        return {
            (b.unit_id, b.kode_klasifikasi_id, b.dibuka.year): b.pk
            for b in Berkas.objects.filter(nomor__startswith="SYN/")
        }

    def _drop_for_load(self) -> tuple[dict[str, str], list[str]]:
        """Drop the indexes of PG_SEARCH_INDEXES, the other secondary indexes of the
        records, search rows and word pairs (not the primary keys nor unique ones) and
        their foreign keys; return the SQL that makes the others and the foreign keys
        again, read from the database's own definitions, so the load ends with the
        indexes and constraints it started with. Maintaining a dozen btree indexes and
        checking three foreign keys per row cost more than building them once: at
        100,000 rows 8.5 s against 4.3 s without both (INSERT ... SELECT of the same
        rows, load 4)."""
        tables = (
            "('arsip_arsiprecord'::regclass, 'arsip_arsipindeks'::regclass, "
            "'arsip_arsipfrasa'::regclass)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "  # noqa: S608
                f"JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid IN {tables} "
                "AND NOT x.indisprimary AND NOT x.indisunique AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
                "ORDER BY c.relname"
            )
            indexes = {n: sql for n, sql in cursor.fetchall() if n not in PG_SEARCH_INDEXES}
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "  # noqa: S608
                f"FROM pg_constraint WHERE contype = 'f' AND conrelid IN {tables} "
                "ORDER BY conrelid, conname"
            )
            foreign_keys = cursor.fetchall()
            for name in (*PG_SEARCH_INDEXES, *indexes):
                cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
            for table, name, _definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
        add = [
            f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            for table, name, definition in foreign_keys
        ]
        return indexes, add

    def _add_foreign_keys(self, statements: list[str]) -> None:
        """The foreign keys again, one after another (each checks every row once)."""
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        self.stdout.write(f"foreign keys: {time.perf_counter() - start:.1f} s")

    def _create_search_indexes(self, others: dict[str, str], *jobs) -> None:
        """Build the indexes of PG_SEARCH_INDEXES in its order, then `others`, then run
        `jobs`, two at a time on two connections (PostgreSQL 15 builds an index in one
        process: two builds use both cores). Each session sets maintenance_work_mem to
        256 MB."""

        def build(name: str, sql: str) -> None:
            start = time.perf_counter()
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    cursor.execute(sql)
            finally:
                connection.close()  # this thread's own connection
            self.stdout.write(f"index {name}: {time.perf_counter() - start:.1f} s")

        def run(job) -> None:
            try:
                job()
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(build, name, sql)
                for name, sql in (*PG_SEARCH_INDEXES.items(), *others.items())
            ]
            futures += [pool.submit(run, job) for job in jobs]
            for future in futures:
                future.result()

    def _copy_pg(self, batch: CopyBatch) -> None:
        """One batch in one transaction: the records, then their search rows, by COPY."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                statement = f"COPY arsip_arsiprecord (id, {', '.join(COLUMNS)}) FROM STDIN"
                with cursor.cursor.copy(statement) as copy:
                    copy.write(batch.records)
            arsip_index_copy_prepared(batch.search)

    def _insert_sqlite(self, rows):
        cols = ", ".join(COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO arsip_arsiprecord ({cols}) VALUES ({marks})",  # noqa: S608
                rows,
            )

    def _named_readers(self, first_id: int, pool: int) -> None:
        """Name up to three readers on the records of this load, as every letter record
        names its drafter, route, signer and recipients. One INSERT ... SELECT: three
        people are picked arithmetically from the record id among `pool` places, of which
        the active people in the database hold the first ones; a pick beyond them names
        nobody. So each person is a reader of about 3/pool of the records (the demo's
        27 people are not made readers of a third of a million records each), and with a
        pool no larger than the people every record has two or three readers."""
        started = time.perf_counter()
        people = list(
            Pegawai.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        if not people:
            return
        table = ArsipPembaca._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS arsip_synth_people")
            cursor.execute(
                "CREATE TEMP TABLE arsip_synth_people (n integer PRIMARY KEY, pegawai_id bigint)"
            )
            cursor.executemany(
                "INSERT INTO arsip_synth_people (n, pegawai_id) VALUES (%s, %s)",
                list(enumerate(people)),
            )
            picks = " UNION ALL ".join(
                f"SELECT {mul} AS mul, {add} AS ad" for mul, add in READER_PICKS
            )
            cursor.execute(
                f"INSERT INTO {table} (record_id, pegawai_id) "  # noqa: S608
                "SELECT r.id, p.pegawai_id FROM arsip_arsiprecord r "
                f"CROSS JOIN ({picks}) k "
                "JOIN arsip_synth_people p "
                f"ON p.n = (CAST(r.id AS BIGINT) * k.mul + k.ad) %% {max(pool, len(people))} "
                "WHERE r.source_type = 'arsip.dokumen' AND r.id > %s "
                "ON CONFLICT DO NOTHING",
                [first_id],
            )
            cursor.execute("DROP TABLE arsip_synth_people")
        self.stdout.write(f"named readers: {time.perf_counter() - started:.1f} s")

"""Numbering load test: N operating-system processes allocate from one book at once.

Used by `manage.py bench_numbering` and `benchmarks/numbering.py`. Each worker process
sets Django up itself and opens its own database connection; every allocation runs in
its own transaction, and about one transaction in ten is rolled back after taking its
number (as when rendering or signing fails), to show that no number is lost.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field

KODE = "000.1.2.3"
OBJECT_TYPE = "bench.numbering"


class _Rollback(Exception):
    pass


def _worker(
    index: int,
    db_name: str,
    buku_id: int,
    actor_id: int,
    count: int,
    rollback_rate: float,
    seed: int,
    barrier,
    results,
) -> None:
    """Runs in a spawned process: commit `count` numbers, rolling back about
    `rollback_rate` of the attempts after allocating."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from core.models import Pegawai
    from penomoran.models import BukuNomor
    from penomoran.services import nomor_allocate

    connection.settings_dict["NAME"] = db_name
    buku = BukuNomor.objects.get(pk=buku_id)
    actor = Pegawai.objects.get(pk=actor_id)
    rng = random.Random(seed)
    committed: list[int] = []
    rolled_back: list[int] = []
    latencies: list[float] = []
    errors: list[str] = []
    attempt = 0
    barrier.wait()
    while len(committed) < count and len(errors) <= count:
        attempt += 1
        roll_back = rng.random() < rollback_rate
        started = time.perf_counter()
        try:
            with transaction.atomic():
                nomor = nomor_allocate(
                    buku=buku,
                    kode_klasifikasi=KODE,
                    object_type=OBJECT_TYPE,
                    object_id=f"{index}-{attempt}",
                    actor=actor,
                )
                if roll_back:
                    raise _Rollback(nomor.urut)
        except _Rollback as rollback:
            rolled_back.append(rollback.args[0])
            continue
        except Exception as error:  # noqa: BLE001 - counted and reported, not hidden
            errors.append(f"{type(error).__name__}: {error}")
            continue
        latencies.append(time.perf_counter() - started)
        committed.append(nomor.urut)
    connection.close()
    results.put(
        {
            "index": index,
            "committed": committed,
            "rolled_back": rolled_back,
            "latencies": latencies,
            "errors": errors,
        }
    )


@dataclass
class BenchResult:
    database: str
    processes: int
    count: int
    allocated: int = 0
    duplicates: int = 0
    gaps: int = 0
    rolled_back: int = 0
    errors: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    counter: int = 0
    commit_ms: float = 0.0
    first_error: str = ""
    ok: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data.pop("notes")
        if not data["first_error"]:
            data.pop("first_error")
        return data


def _setup_book():
    from core.models import Pegawai, UnitKerja
    from penomoran.services import bukunomor_create

    unit, _ = UnitKerja.objects.get_or_create(
        kode="BENCH-PENOMORAN",
        defaults={"nama": "Unit uji beban penomoran", "jenis": UnitKerja.Jenis.BIDANG},
    )
    actor, created = Pegawai.objects.get_or_create(
        username="bench-penomoran", defaults={"nama": "Uji beban penomoran"}
    )
    if created:
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    buku = bukunomor_create(
        unit=unit,
        jenis=f"bench-{uuid.uuid4().hex[:12]}",
        nama="Uji beban penomoran",
        actor=actor,
    )
    return buku, actor


def _cleanup(buku) -> None:
    from django.db import transaction

    from penomoran.models import BukuNomor, BukuNomorTahun, Nomor

    with transaction.atomic():
        Nomor.objects.filter(buku=buku).delete()
        BukuNomorTahun.objects.filter(buku=buku).delete()
        BukuNomor.objects.filter(pk=buku.pk).delete()


def _commit_probe(buku, rounds: int = 20) -> float:
    """Median wall time of a one-row UPDATE transaction on this database: the floor under
    the time every allocation holds the counter (its commit waits for the WAL flush)."""
    from django.db import transaction

    from penomoran.models import BukuNomor

    times = []
    for i in range(rounds):
        started = time.perf_counter()
        with transaction.atomic():
            BukuNomor.objects.filter(pk=buku.pk).update(lebar_nomor=i % 2)
        times.append(time.perf_counter() - started)
    BukuNomor.objects.filter(pk=buku.pk).update(lebar_nomor=0)
    return round(statistics.median(times) * 1000, 2)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_run(
    *, processes: int, count: int, rollback_rate: float = 0.1, keep: bool = False, seed: int = 1
) -> BenchResult:
    """Run the load test against the configured (or current test) database."""
    from django.db import connection
    from django.db.models import Count

    from penomoran.models import BukuNomorTahun, Nomor

    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's wrapper has it
        raise RuntimeError("bench_numbering needs a database file or server, not in-memory SQLite")
    result = BenchResult(database=connection.vendor, processes=processes, count=count)
    buku, actor = _setup_book()
    result.commit_ms = _commit_probe(buku)
    db_name = str(connection.settings_dict["NAME"])
    # Close before spawning so no child ever shares this process's connection.
    connection.close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes + 1)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_worker,
            args=(
                i,
                db_name,
                buku.pk,
                actor.pk,
                count,
                rollback_rate,
                seed * 1000 + i,
                barrier,
                results,
            ),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=120)
        started = time.perf_counter()
        reports = [results.get(timeout=600) for _ in workers]
        result.seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()

    committed = [n for r in reports for n in r["committed"]]
    latencies = [t for r in reports for t in r["latencies"]]
    errors = [e for r in reports for e in r["errors"]]
    result.rolled_back = sum(len(r["rolled_back"]) for r in reports)
    result.errors = len(errors)
    result.first_error = errors[0] if errors else ""
    result.allocated = len(committed)
    result.per_second = round(result.allocated / result.seconds, 1) if result.seconds else 0.0
    result.p50_ms = round(statistics.median(latencies) * 1000, 1) if latencies else 0.0
    result.p95_ms = round(_percentile(latencies, 0.95) * 1000, 1)
    result.max_ms = round(max(latencies, default=0.0) * 1000, 1)
    result.seconds = round(result.seconds, 2)

    # The ledger, not the workers' word: every year of the book must hold 1..n once each.
    rows = Nomor.objects.filter(buku=buku)
    per_year = rows.values("tahun").annotate(
        n=Count("pk"), urut=Count("urut", distinct=True), teks=Count("teks", distinct=True)
    )
    counters = dict(BukuNomorTahun.objects.filter(buku=buku).values_list("tahun", "terakhir"))
    for year in per_year:
        top = counters.get(year["tahun"], 0)
        result.duplicates += (year["n"] - year["urut"]) + (year["n"] - year["teks"])
        result.gaps += top - year["urut"]
    result.counter = sum(counters.values())
    # What the workers saw committed must be exactly what the ledger holds.
    result.duplicates += len(committed) - len(set(committed)) if len(counters) == 1 else 0
    if rows.count() != result.allocated:
        result.notes.append(
            f"ledger holds {rows.count()} numbers, workers committed {result.allocated}"
        )
    result.ok = (
        result.duplicates == 0
        and result.gaps == 0
        and result.errors == 0
        and result.allocated == processes * count
        and rows.count() == result.allocated
        and result.counter == result.allocated
    )
    if keep:
        result.notes.append(f"kept book #{buku.pk} ({buku.jenis})")
    else:
        _cleanup(buku)
        result.notes.append(
            "bench book removed; its audit events stay (the audit trail is append-only)"
        )
    return result

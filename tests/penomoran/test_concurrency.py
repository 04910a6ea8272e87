"""Real concurrent connections: PostgreSQL with threads (each thread has its own
connection), SQLite (WAL + IMMEDIATE) and PostgreSQL with separate OS processes through
the bench command."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from core.clock import office_today
from core.services.audit import audit_verify_chain
from penomoran.models import BukuNomorTahun, Nomor
from penomoran.selectors import nomor_ledger_check
from penomoran.services import nomor_allocate

ROOT = Path(__file__).resolve().parents[2]


class Rollback(Exception):
    pass


def _allocate(buku, actor, object_id):
    return nomor_allocate(
        buku=buku,
        kode_klasifikasi="000.1.2.3",
        object_type="naskah.naskah",
        object_id=object_id,
        actor=actor,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_are_distinct_consecutive_and_gap_free(buku, actor):
    # No counter row yet: the racing first allocations also create the year's row.
    assert not BukuNomorTahun.objects.filter(buku=buku).exists()
    threads, per_thread = 8, 15
    barrier = threading.Barrier(threads)
    committed, rolled_back, errors = [], [], []
    lock = threading.Lock()

    def work(index):
        try:
            barrier.wait()
            for attempt in range(per_thread):
                try:
                    with transaction.atomic():
                        nomor = _allocate(buku, actor, f"{index}-{attempt}")
                        if (index + attempt) % 7 == 0:
                            raise Rollback(nomor.urut)
                    with lock:
                        committed.append(nomor.urut)
                except Rollback as rollback:
                    with lock:
                        rolled_back.append(rollback.args[0])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert rolled_back, "the test must roll some transactions back"
    assert len(committed) == threads * per_thread - len(rolled_back)
    assert sorted(committed) == list(range(1, len(committed) + 1))
    tahun = office_today().year
    check = nomor_ledger_check(buku=buku, tahun=tahun)
    assert (check.count, check.duplicates, check.gaps, check.counter) == (
        len(committed),
        0,
        0,
        len(committed),
    )
    assert BukuNomorTahun.objects.filter(buku=buku).count() == 1
    assert audit_verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_waiting_allocation_takes_the_number_a_rolled_back_one_gave_back(buku, actor):
    _allocate_committed = []
    with transaction.atomic():
        _allocate_committed.append(_allocate(buku, actor, "first").urut)  # creates the counter
    holding, results = threading.Event(), {}

    def holder():
        try:
            with transaction.atomic():
                results["holder"] = _allocate(buku, actor, "holder").urut
                holding.set()
                time.sleep(0.5)  # the other connection is now waiting on the counter row
                raise Rollback
        except Rollback:
            pass
        finally:
            connection.close()

    def waiter():
        holding.wait(5)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                results["waiter"] = _allocate(buku, actor, "waiter").urut
            results["waited"] = time.perf_counter() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["holder"] == 2
    assert results["waiter"] == 2
    assert results["waited"] > 0.3  # it really queued behind the holder's lock
    assert not Nomor.objects.filter(object_id="holder").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bench_command_in_separate_processes_on_postgres(capsys):
    call_command("bench_numbering", processes=3, count=20)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["database"] == "postgresql"
    assert (result["allocated"], result["duplicates"], result["gaps"]) == (60, 0, 0)
    assert result["errors"] == 0
    assert result["ok"] is True
    assert not Nomor.objects.exists()  # the bench book was cleaned up


@pytest.mark.slow
def test_sqlite_file_database_with_concurrent_processes(tmp_path):
    """WAL + IMMEDIATE transactions: writers queue on the database lock, none fails."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=600)
    done = subprocess.run(
        [*manage, "bench_numbering", "--processes", "4", "--count", "25"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["database"] == "sqlite"
    assert (result["allocated"], result["duplicates"], result["gaps"]) == (100, 0, 0)
    assert result["errors"] == 0
    assert result["rolled_back"] > 0
    assert result["ok"] is True


def test_bench_command_refuses_in_memory_sqlite(db, monkeypatch):
    from django.core.management.base import CommandError

    if connection.vendor != "sqlite":
        pytest.skip("in-memory SQLite only")
    # The test database is a file (core/settings/base.py); the command must refuse a database
    # that lives in one process's memory, where its worker processes would see nothing.
    monkeypatch.setattr(type(connections["default"]), "is_in_memory_db", lambda self: True)
    with pytest.raises(CommandError, match="not in-memory SQLite"):
        call_command("bench_numbering", processes=1, count=1)

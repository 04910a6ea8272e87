"""The one-statement issue path (PostgreSQL, penomoran.audit_sql) writes exactly the audit
event, and the number, that the ORM path writes for the same issue: every column of both
rows, the insertion tag and the seal (seq, prev_hash, hash) included, and it emits the same
AUDIT_RECORDED hook.

Each path runs in a savepoint that is rolled back, with the id sequences set back, so both
start from the same state (same counter, same ids, same chain head) at the same frozen
time with the same tag nonce. The raw path exists only on PostgreSQL: these tests skip on
SQLite, where the ORM path is the only one.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction

from core import hooks
from core.models import AuditEvent
from core.services import audit
from penomoran import services
from penomoran.models import Nomor
from penomoran.services import nomor_allocate, nomor_reserve

pytestmark = pytest.mark.postgres

MAY_4 = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB


class _Rollback(Exception):
    pass


def _sequences():
    tables = [AuditEvent._meta.db_table, Nomor._meta.db_table]
    with connection.cursor() as cursor:
        names = []
        for table in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            names.append(cursor.fetchone()[0])
        state = {}
        for name in names:
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 - a name
            state[name] = cursor.fetchone()
    return state


def _restore(state):
    with connection.cursor() as cursor:
        for name, (last_value, is_called) in state.items():
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])


def _fields(event):
    return {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}


def _row(model, pk):
    return model.objects.filter(pk=pk).values().get()


def _issue(issue, *, one_statement: bool, monkeypatch, nonce: str = "5a"):
    """Issue one number by the chosen path, seal its event, and return the number's row,
    the event's row (sealed) and the event the hook received; then roll it all back."""
    vendors = frozenset({"postgresql"}) if one_statement else frozenset()
    monkeypatch.setattr(services, "ONE_STATEMENT_VENDORS", vendors)
    monkeypatch.setattr(audit.secrets, "token_hex", lambda n: nonce * n)
    emitted = []
    hooks.register(hooks.AUDIT_RECORDED, emitted.append)
    before = _sequences()
    result = {}
    try:
        with transaction.atomic():
            nomor = issue()
            event = AuditEvent.objects.get(object_type="penomoran.nomor", object_id=str(nomor.pk))
            assert event.seq is None  # not sealed before its transaction commits
            audit.audit_seal_pending(event_ids=[event.pk])
            result = {
                "nomor": _row(Nomor, nomor.pk),
                "event": _row(AuditEvent, event.pk),
                "emitted": [_fields(e) for e in emitted],
                "unsealed": _row(AuditEvent, event.pk) | {"seq": None, "prev_hash": "", "hash": ""},
            }
            raise _Rollback
    except _Rollback:
        pass
    finally:
        hooks.unregister(hooks.AUDIT_RECORDED, emitted.append)
        _restore(before)
    return result


@pytest.fixture
def frozen():
    with time_machine.travel(MAY_4, tick=False):
        yield


def _issues(buku, actor, reserver, object_id="41"):
    def allocate():
        return nomor_allocate(
            buku=buku,
            kode_klasifikasi="000.1.2.3",
            object_type="naskah.naskah",
            object_id=object_id,
            actor=actor,
        )

    def reserve():
        return nomor_reserve(
            buku=buku,
            tanggal=dt.date(2026, 4, 30),
            alasan="Surat darurat",
            actor=reserver,
            kode_klasifikasi="000.1.2.3",
        )

    return {"allocate": allocate, "reserve": reserve}


@pytest.mark.parametrize("kind", ["allocate", "reserve"])
def test_one_statement_path_writes_the_rows_the_orm_path_writes(
    kind, buku, actor, reserver, frozen, monkeypatch
):
    assert connection.vendor == "postgresql"
    issue = _issues(buku, actor, reserver)[kind]
    _issues(buku, actor, reserver, object_id="40")[kind]()  # a chain head to link to
    orm = _issue(issue, one_statement=False, monkeypatch=monkeypatch)
    raw = _issue(issue, one_statement=True, monkeypatch=monkeypatch)

    assert raw["nomor"] == orm["nomor"]
    assert raw["event"] == orm["event"]  # every column: ids, tag, details, seq, hashes
    event = raw["event"]
    assert event["action"] == f"penomoran.nomor.{kind}"
    assert event["seq"] is not None and event["hash"]
    assert event["object_id"] == str(raw["nomor"]["id"])
    assert event["details"]["teks"] == raw["nomor"]["teks"]
    # The hook received the event as written (before sealing), on both paths.
    assert raw["emitted"] == orm["emitted"]
    assert len(raw["emitted"]) == 1
    emitted = raw["emitted"][0]
    assert {k: emitted[k] for k in ("id", "object_id", "object_repr", "details", "tag")} == {
        k: raw["unsealed"][k] for k in ("id", "object_id", "object_repr", "details", "tag")
    }


def test_the_comparison_sees_a_difference(buku, actor, reserver, frozen, monkeypatch):
    """The comparison is not vacuous: a different nonce gives a different row."""
    issue = _issues(buku, actor, reserver)["allocate"]
    _issues(buku, actor, reserver, object_id="40")["allocate"]()
    orm = _issue(issue, one_statement=False, monkeypatch=monkeypatch)
    raw = _issue(issue, one_statement=True, monkeypatch=monkeypatch, nonce="a5")
    assert raw["nomor"] == orm["nomor"]
    assert raw["event"]["tag"] != orm["event"]["tag"]
    assert raw["event"]["hash"] != orm["event"]["hash"]

"""The numbering book's audit event written in SQL, for the one-statement issue path.

On PostgreSQL `penomoran.services` takes the counter, inserts the number and inserts its
audit event in one statement (data-modifying CTEs), so the counter's row lock is held for
one round trip. The audit event is the only row of core's audit table written without
`audit_record`; this module is the one place that writes it, and
tests/penomoran/test_audit_sql.py proves that it writes exactly the row `audit_record`
writes for the same number (every column, insertion tag and seal included) and emits the
same `AUDIT_RECORDED` hook.

The event is built by `audit_event_build` (request address and agent, labels, insertion
tag), as `audit_record` does; the columns that depend on the number's row (its id, its text
and the details' `urut` and `teks`) are filled in SQL from the CTE that inserted it. The
event is sealed when the caller's transaction commits, like any other.
"""

from __future__ import annotations

import json

from django.db import connection

from core import hooks
from core.models import AuditEvent, Pegawai
from core.services.audit import audit_event_build, audit_schedule_seal


def insert_columns(instance, overrides: dict[str, tuple[str, list]]) -> tuple[str, str, list]:
    """Column list, value expressions and parameters to insert `instance` (primary key
    left to the database), with some values given as SQL expressions instead."""
    columns, values, params = [], [], []
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in overrides:
            sql, extra = overrides[field.attname]
            values.append(sql)
            params.extend(extra)
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return ", ".join(columns), ", ".join(values), params


def nomor_event_insert(
    *, actor: Pegawai | None, action: str, details: dict, object_type: str, source: str
) -> tuple[AuditEvent, str, list]:
    """The event (unsaved) and the `INSERT INTO <audit table> (...) SELECT ... FROM <source>`
    statement with its parameters, `source` being the CTE that inserted the number and
    returns its `id`, `urut` and `teks`. The details are completed with `urut` and `teks`,
    as `audit_record(obj=nomor, details={**details, "urut": ..., "teks": ...})` does."""
    event = audit_event_build(actor=actor, action=action, details=details, object_type=object_type)
    columns, values, params = insert_columns(
        event,
        {
            "object_id": (f"{source}.id::text", []),
            "object_repr": (f"left({source}.teks, 255)", []),
            "details": (
                f"%s::jsonb || jsonb_build_object('urut', {source}.urut, 'teks', {source}.teks)",
                [json.dumps(event.details)],
            ),
        },
    )
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source}"  # noqa: S608
    return event, sql, params


def nomor_event_written(event: AuditEvent, *, event_id: int, nomor) -> AuditEvent:
    """After the statement ran: complete the in-memory event as the row was written,
    schedule its seal and emit `AUDIT_RECORDED`, as `audit_record` does."""
    event.pk = event_id
    event.object_id = str(nomor.pk)
    event.object_repr = nomor.teks[:255]
    event.details = {**event.details, "urut": nomor.urut, "teks": nomor.teks}
    event._state.adding = False
    event._state.db = connection.alias
    audit_schedule_seal(event_id)
    hooks.emit(hooks.AUDIT_RECORDED, event)
    return event

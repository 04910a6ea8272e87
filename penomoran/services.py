"""Numbering services. Every state change goes through here and writes its audit event.

Gap-free numbering (tech-notes 4): the counter of a book's year is one row, taken with a
single ``UPDATE … SET terakhir = terakhir + 1 … RETURNING terakhir`` inside the caller's
transaction. Concurrent callers queue on that row lock; if a caller rolls back, its
increment rolls back with it and the next caller takes the same number. On SQLite the
IMMEDIATE transaction mode serialises writers on the database lock instead.

Lock order, to keep deadlocks impossible: book row (reservations only) → counter row.
Audit events take no lock in the transaction (they are sealed after commit). Call
`nomor_allocate` as late as you can: everything after the allocation holds the book's
counter until commit (render and sign outside the lock where possible). On PostgreSQL the
increment, the number's row and its audit event are one statement (the event's SQL is in
penomoran.audit_sql).
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.clock import office_day_bounds, office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai, UnitKerja
from core.observability import NUMBERING_WAIT
from core.services.audit import audit_record
from penomoran import audit_sql, permissions
from penomoran.events import (
    PENOMORAN_BUKU_CREATE,
    PENOMORAN_BUKU_UPDATE,
    PENOMORAN_NOMOR_ALLOCATE,
    PENOMORAN_NOMOR_CANCEL,
    PENOMORAN_NOMOR_RESERVE,
    PENOMORAN_NOMOR_USE_RESERVED,
)
from penomoran.formats import (
    DEFAULT_FORMAT,
    format_parts,
    format_running,
    format_split,
    sifat_prefixes,
)
from penomoran.formats import validate_kode as _validate_kode
from penomoran.models import BukuNomor, BukuNomorTahun, Nomor

# Databases where a number and its audit event are issued in one statement (data-modifying
# CTEs); elsewhere the ORM writes them.
ONE_STATEMENT_VENDORS = frozenset({"postgresql"})


def reserve_daily_cap() -> int:
    return int(settings.NASKAH_NOMOR_RESERVE_DAILY_CAP)


# --- Books ---------------------------------------------------------------------------------


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _clean_book(buku: BukuNomor) -> None:
    try:
        buku.full_clean()
    except ValidationError as error:
        raise ApplicationError(_message(error), code="invalid_book") from error


def bukunomor_create(
    *,
    unit: UnitKerja,
    jenis: str,
    nama: str,
    actor: Pegawai | None,
    format: str = DEFAULT_FORMAT,  # noqa: A002 - the field's name
    lebar_nomor: int = 0,
    kode_unit: str = "",
    aktif: bool = True,
) -> BukuNomor:
    """Open a numbering book for a unit and letter family."""
    buku = BukuNomor(
        unit=unit,
        jenis=jenis,
        nama=nama,
        format=format,
        lebar_nomor=lebar_nomor,
        kode_unit=kode_unit,
        aktif=aktif,
    )
    _clean_book(buku)
    with transaction.atomic():
        buku.save()
        audit_record(
            actor=actor,
            action=PENOMORAN_BUKU_CREATE,
            obj=buku,
            details={"unit": unit.kode, "jenis": jenis, "format": format, "lebar": lebar_nomor},
        )
    return buku


_EDITABLE = {"nama", "format", "lebar_nomor", "kode_unit", "aktif"}


def bukunomor_update(*, buku: BukuNomor, actor: Pegawai | None, **changes) -> BukuNomor:
    """Change a book's name, format, padding, unit code or whether it is in use. Numbers
    already issued keep their text; the new format applies to the next number."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ApplicationError(
            _("These book fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    with transaction.atomic():
        current = BukuNomor.objects.select_for_update().get(pk=buku.pk)
        before = {name: getattr(current, name) for name in changes}
        for name, value in changes.items():
            setattr(current, name, value)
        _clean_book(current)
        current.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action=PENOMORAN_BUKU_UPDATE,
            obj=current,
            details={
                "before": before,
                "after": {name: getattr(current, name) for name in changes},
            },
        )
    for name in changes:
        setattr(buku, name, getattr(current, name))
    return current


# --- Counter -------------------------------------------------------------------------------


def _counter_ensure(buku_id: int, tahun: int) -> None:
    """Create the year's counter row if missing: INSERT … ON CONFLICT DO NOTHING (INSERT OR
    IGNORE on SQLite) under the unique (buku, tahun) constraint, so racing creators are safe."""
    BukuNomorTahun.objects.bulk_create(
        [BukuNomorTahun(buku_id=buku_id, tahun=tahun, terakhir=0)], ignore_conflicts=True
    )


def _with_counter(buku_id: int, tahun: int, take):
    """Run `take()`, which returns None when the year's counter row does not exist yet;
    then create the row and run it once more."""
    for _attempt in range(2):
        row = take()
        if row is not None:
            return row
        _counter_ensure(buku_id, tahun)
    raise RuntimeError(f"numbering counter for book {buku_id} year {tahun} could not be created")


def _counter_take(buku_id: int, tahun: int) -> int:
    """Increment the year's counter and return the new value, holding the row lock until the
    caller's transaction ends. One statement in the common case."""
    qn = connection.ops.quote_name
    table = qn(BukuNomorTahun._meta.db_table)
    sql = (
        f"UPDATE {table} SET {qn('terakhir')} = {qn('terakhir')} + 1 "  # noqa: S608 - names only
        f"WHERE {qn('buku_id')} = %s AND {qn('tahun')} = %s"
    )
    returning = connection.features.can_return_columns_from_insert

    def take():
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(sql + f" RETURNING {qn('terakhir')}", [buku_id, tahun])
                return cursor.fetchone()
            cursor.execute(sql, [buku_id, tahun])
            if not cursor.rowcount:
                return None
            cursor.execute(
                f"SELECT {qn('terakhir')} FROM {table} "  # noqa: S608 - names only
                f"WHERE {qn('buku_id')} = %s AND {qn('tahun')} = %s",
                [buku_id, tahun],
            )
            return cursor.fetchone()

    return int(_with_counter(buku_id, tahun, take)[0])


# --- Numbers -------------------------------------------------------------------------------


def _check_parts(buku: BukuNomor, *, kode_klasifikasi: str, sifat: str) -> tuple[str, str]:
    parts = format_parts(buku.format)
    kode = (kode_klasifikasi or "").strip()
    if kode:
        try:
            _validate_kode(kode)
        except ValidationError as error:
            raise ApplicationError(_message(error), code="bad_kode") from error
    elif "kode" in parts:
        raise ApplicationError(
            _("The book “%(buku)s” numbers with a classification code; give one.")
            % {"buku": buku.nama},
            code="kode_required",
        )
    sifat = (sifat or "").strip()
    allowed = sorted(set(sifat_prefixes().values()))
    if sifat and sifat not in allowed:
        raise ApplicationError(
            _("“%(sifat)s” is not a security prefix; use one of %(allowed)s.")
            % {"sifat": sifat, "allowed": ", ".join(allowed)},
            code="bad_sifat",
        )
    if "sifat" in parts and not sifat:
        raise ApplicationError(
            _("The book “%(buku)s” prints a security prefix; give one (%(allowed)s).")
            % {"buku": buku.nama, "allowed": ", ".join(allowed)},
            code="sifat_required",
        )
    return kode, sifat


def _check_object(object_type: str, object_id: str) -> tuple[str, str]:
    object_type, object_id = (object_type or "").strip(), str(object_id or "").strip()
    if not object_type or not object_id:
        raise ApplicationError(
            _("A number must be issued for an object: give its type and id."),
            code="object_required",
        )
    if len(object_type) > 100 or len(object_id) > 64:
        raise ApplicationError(_("The object type or id is too long."), code="object_too_long")
    rows = (
        Nomor.objects.filter(
            object_type=object_type, object_id=object_id, status=Nomor.Status.DIGUNAKAN
        )
        .order_by()
        .values_list("teks", flat=True)[:1]
    )
    taken = rows[0] if rows else None
    if taken is not None:
        raise ConflictError(
            _("%(object)s already has the number %(teks)s.")
            % {"object": f"{object_type} #{object_id}", "teks": taken},
            code="already_numbered",
        )
    return object_type, object_id


def _check_kode_unit(kode_unit: str) -> str:
    kode_unit = (kode_unit or "").strip()
    if len(kode_unit) > 40 or any(ch in kode_unit for ch in "{}\r\n"):
        raise ApplicationError(_("The unit code for the number is not valid."), code="invalid")
    return kode_unit


def _active_book(buku: BukuNomor) -> BukuNomor:
    fresh = (
        BukuNomor.objects.select_related("unit")
        .only(
            "nama",
            "jenis",
            "format",
            "lebar_nomor",
            "kode_unit",
            "aktif",
            "unit__kode",
            "unit__kode_resmi",
        )
        .filter(pk=buku.pk)
        .first()
    )
    if fresh is None:
        raise ApplicationError(_("The numbering book no longer exists."), code="no_book")
    if not fresh.aktif:
        raise ApplicationError(
            _("The numbering book “%(buku)s” is closed.") % {"buku": fresh.nama},
            code="book_closed",
        )
    return fresh


def _nomor_issue(
    book,
    *,
    tanggal,
    kode: str,
    sifat: str,
    actor,
    action: str,
    details: dict,
    kode_unit: str = "",
    **fields,
) -> Nomor:
    """Take the next running number of the book's year, record it with its full text and
    write the audit event `action` (its details completed with the number). Runs under the
    counter lock until the caller's transaction ends, so the work under the lock is kept to
    one statement on PostgreSQL and three elsewhere."""
    before, after = format_split(
        book.format,
        kode=kode,
        unit=kode_unit or book.kode_unit_tampil,
        tanggal=tanggal,
        sifat=sifat,
    )
    nomor = Nomor(
        buku=book,
        tahun=tanggal.year,
        urut=0,
        teks="",
        tanggal=tanggal,
        kode_klasifikasi=kode,
        sifat=sifat,
        dibuat_oleh=actor,
        dibuat_pada=timezone.now(),
        **fields,
    )
    details = {"buku": book.pk, "tahun": nomor.tahun, **details}
    if connection.vendor in ONE_STATEMENT_VENDORS:
        return _nomor_issue_one_statement(
            nomor,
            before=before,
            after=after,
            width=book.lebar_nomor,
            action=action,
            details=details,
            actor=actor,
        )
    nomor.urut = _counter_take(book.pk, nomor.tahun)
    nomor.teks = before + format_running(nomor.urut, book.lebar_nomor) + after
    nomor.save(force_insert=True)
    audit_record(
        actor=actor,
        action=action,
        obj=nomor,
        details={**details, "urut": nomor.urut, "teks": nomor.teks},
    )
    return nomor


def _nomor_issue_one_statement(
    nomor: Nomor, *, before: str, after: str, width: int, action: str, details: dict, actor
) -> Nomor:
    """PostgreSQL: the counter UPDATE, the number's INSERT and its audit event's INSERT
    (penomoran.audit_sql) as one statement (data-modifying CTEs), so the lock is held for
    one round trip plus the commit."""
    qn = connection.ops.quote_name
    teks = (
        "%s || lpad(c.terakhir::text, greatest(%s, length(c.terakhir::text)), '0') || %s",
        [before, width, after],
    )
    nomor_cols, nomor_vals, nomor_params = audit_sql.insert_columns(
        nomor, {"urut": ("c.terakhir", []), "teks": teks}
    )
    event, event_insert, event_params = audit_sql.nomor_event_insert(
        actor=actor,
        action=action,
        details=details,
        object_type=Nomor._meta.label_lower,
        source="n",
    )
    counter = qn(BukuNomorTahun._meta.db_table)
    sql = (
        f"WITH c AS (UPDATE {counter} SET terakhir = terakhir + 1 "  # noqa: S608 - names only
        f"WHERE buku_id = %s AND tahun = %s RETURNING terakhir), "
        f"n AS (INSERT INTO {qn(Nomor._meta.db_table)} ({nomor_cols}) "
        f"SELECT {nomor_vals} FROM c RETURNING id, urut, teks), "
        f"a AS ({event_insert} RETURNING id) "
        f"SELECT n.id, n.urut, n.teks, a.id FROM n, a"
    )
    params = [nomor.buku_id, nomor.tahun, *nomor_params, *event_params]

    def take():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    nomor.pk, nomor.urut, nomor.teks, event_id = _with_counter(nomor.buku_id, nomor.tahun, take)
    nomor._state.adding = False
    nomor._state.db = connection.alias
    audit_sql.nomor_event_written(event, event_id=event_id, nomor=nomor)
    return nomor


def nomor_allocate(
    *,
    buku: BukuNomor,
    kode_klasifikasi: str,
    tanggal: dt.date | None = None,
    sifat: str = "",
    object_type: str,
    object_id: str | int,
    actor: Pegawai | None,
    kode_unit: str = "",
) -> Nomor:
    """Issue the next number of `buku` to the object, for the letter date `tanggal` (default
    today in the office time zone; never earlier: back-dated letters use `nomor_reserve`).
    `kode_unit`, when given, is printed by {unit} instead of the book's unit code (a series
    numbered by one book for many units, e.g. the legal bureau's decrees).

    Must run inside the caller's transaction, which should end soon after: the counter
    stays locked until it commits. If it rolls back, the number is not consumed.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "nomor_allocate must run inside the caller's transaction.atomic() block, so "
            "that a rollback gives the number back."
        )
    today = office_today()
    tanggal = tanggal or today
    if tanggal < today:
        raise ApplicationError(
            _(
                "The letter date %(tanggal)s is in the past; a back-dated letter needs a "
                "reserved number."
            )
            % {"tanggal": tanggal.isoformat()},
            code="backdated",
        )
    if tanggal.year != today.year:
        raise ApplicationError(
            _("A number for %(tahun)d cannot be issued before that year starts.")
            % {"tahun": tanggal.year},
            code="future_year",
        )
    book = _active_book(buku)
    kode, sifat = _check_parts(book, kode_klasifikasi=kode_klasifikasi, sifat=sifat)
    kode_unit = _check_kode_unit(kode_unit)
    object_type, object_id = _check_object(object_type, str(object_id))

    # The locked section: from the counter UPDATE to the caller's commit. No savepoint of
    # our own (fewer round trips under the lock): if anything below fails, the caller's
    # whole transaction must roll back, so an increment can never outlive its row.
    started = time.perf_counter()
    with transaction.atomic(savepoint=False):
        nomor = _nomor_issue(
            book,
            tanggal=tanggal,
            kode=kode,
            sifat=sifat,
            actor=actor,
            action=PENOMORAN_NOMOR_ALLOCATE,
            details={"object_type": object_type, "object_id": object_id},
            kode_unit=kode_unit,
            status=Nomor.Status.DIGUNAKAN,
            object_type=object_type,
            object_id=object_id,
        )
    # Observed after the commit, so the metric costs nothing while the counter is locked.
    waited = time.perf_counter() - started
    transaction.on_commit(lambda: NUMBERING_WAIT.labels("allocate").observe(waited))
    return nomor


def nomor_reserve(
    *,
    buku: BukuNomor,
    tanggal: dt.date,
    alasan: str,
    actor: Pegawai,
    kode_klasifikasi: str = "",
    sifat: str = "",
) -> Nomor:
    """Reserve the next number of the book for a back-dated or emergency (paper) letter
    dated `tanggal` (today or earlier). Only for users with `penomoran.reserve_nomor`, with
    a reason, and at most NASKAH_NOMOR_RESERVE_DAILY_CAP reservations per book per day."""
    if not permissions.can_reserve(actor):
        raise PermissionDeniedError(_("You may not reserve numbers."), code="reserve_forbidden")
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(_("Give the reason for reserving a number."), code="reason_required")
    today = office_today()
    if tanggal > today:
        raise ApplicationError(
            _("A number can be reserved only for today or an earlier date."),
            code="future_date",
        )
    cap = reserve_daily_cap()
    with transaction.atomic():
        # Locking the book serialises reservations, so the daily cap holds under concurrency.
        locked = BukuNomor.objects.select_for_update().filter(pk=buku.pk).first()
        if locked is None:
            raise ApplicationError(_("The numbering book no longer exists."), code="no_book")
        book = _active_book(locked)
        kode, sifat = _check_parts(book, kode_klasifikasi=kode_klasifikasi, sifat=sifat)
        start, end = office_day_bounds(today)
        made_today = Nomor.objects.filter(
            buku=book, cadangan=True, dibuat_pada__gte=start, dibuat_pada__lt=end
        ).count()
        if made_today >= cap:
            raise ApplicationError(
                _(
                    "The book “%(buku)s” already has %(count)d reserved numbers today, the "
                    "daily limit."
                )
                % {"buku": book.nama, "count": made_today},
                code="reserve_cap",
            )
        nomor = _nomor_issue(
            book,
            tanggal=tanggal,
            kode=kode,
            sifat=sifat,
            actor=actor,
            action=PENOMORAN_NOMOR_RESERVE,
            details={"tanggal": tanggal.isoformat(), "alasan": alasan},
            status=Nomor.Status.DICADANGKAN,
            cadangan=True,
            alasan=alasan,
        )
    return nomor


def nomor_use_reserved(
    *, nomor: Nomor, object_type: str, object_id: str | int, actor: Pegawai | None
) -> Nomor:
    """Attach a reserved number to the object it was reserved for (the caller decides who
    may do this for that object)."""
    object_type, object_id = _check_object(object_type, str(object_id))
    with transaction.atomic():
        row = Nomor.objects.select_for_update().filter(pk=nomor.pk).first()
        if row is None:
            raise ApplicationError(_("The number no longer exists."), code="no_number")
        if row.status != Nomor.Status.DICADANGKAN:
            raise ConflictError(
                _("The number %(teks)s is not reserved (it is %(status)s).")
                % {"teks": row.teks, "status": row.get_status_display()},
                code="not_reserved",
            )
        row.status = Nomor.Status.DIGUNAKAN
        row.object_type, row.object_id = object_type, object_id
        row.digunakan_pada = timezone.now()
        row.save(update_fields=["status", "object_type", "object_id", "digunakan_pada"])
        audit_record(
            actor=actor,
            action=PENOMORAN_NOMOR_USE_RESERVED,
            obj=row,
            details={"teks": row.teks, "object_type": object_type, "object_id": object_id},
        )
    return row


def nomor_cancel(*, nomor: Nomor, alasan: str, actor: Pegawai | None) -> Nomor:
    """Cancel a reserved number not used yet. It stays in the register as cancelled, with
    the reason, and is never issued again. A number attached to what it numbers (a signed
    letter, a registered incoming letter) is refused: the letter stays valid until a later
    letter withdraws it (docs/numbering.md, "Numbers and withdrawal")."""
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(
            _("Give the reason for cancelling the number."), code="reason_required"
        )
    with transaction.atomic():
        row = Nomor.objects.select_for_update().filter(pk=nomor.pk).first()
        if row is None:
            raise ApplicationError(_("The number no longer exists."), code="no_number")
        if row.status == Nomor.Status.BATAL:
            raise ConflictError(
                _("The number %(teks)s is already cancelled.") % {"teks": row.teks},
                code="already_cancelled",
            )
        if row.terpakai:
            raise ConflictError(
                _(
                    "The number %(teks)s belongs to a signed or registered letter and cannot "
                    "be cancelled. A signed letter is withdrawn by a later letter that "
                    "references it."
                )
                % {"teks": row.teks},
                code="number_used",
            )
        previous = row.status
        row.status = Nomor.Status.BATAL
        row.dibatalkan_oleh = actor
        row.dibatalkan_pada = timezone.now()
        row.alasan_batal = alasan
        row.save(update_fields=["status", "dibatalkan_oleh", "dibatalkan_pada", "alasan_batal"])
        audit_record(
            actor=actor,
            action=PENOMORAN_NOMOR_CANCEL,
            obj=row,
            details={"teks": row.teks, "status_sebelumnya": previous, "alasan": alasan},
        )
    return row

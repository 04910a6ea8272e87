"""Organisation services: tree maintenance, assignment rules and the assignment services.

Creating, approving, rejecting, changing and ending an assignment (Penugasan) goes through
the `penugasan_*` services: each writes a hash-chained audit event and sends a notice to
the head of the position's unit (through `core.hooks`; the notices live in workflows).
An assignment that lets someone act for a position in another's stead (Plt, Plh, Pj), and
any assignment an administrator makes for himself, is created awaiting approval and takes
effect only when a second, different administrator approves it (DESIGN invariant 12)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.events import (
    PENUGASAN_APPROVE,
    PENUGASAN_CREATE,
    PENUGASAN_END,
    PENUGASAN_REJECT,
    PENUGASAN_REQUEST,
    PENUGASAN_UPDATE,
)

if TYPE_CHECKING:
    from core.models import Pegawai, Penugasan, UnitKerja

ADMINISTER_PERM = "core.add_penugasan"
CHANGE_PERM = "core.change_penugasan"
APPROVE_PERM = "core.approve_penugasan"
# Fields an administrator may change on an existing assignment. Who, which position, the
# kind and the dates are not changed in place: end the assignment and create a new one
# (which, for an acting one, needs a second administrator again).
PENUGASAN_EDITABLE_FIELDS = ("nomor_sk", "tanggal_sk", "keterangan")


def _segment(pk: int) -> str:
    return f"{pk:06d}."


def unitkerja_refresh_paths(*, unit: UnitKerja, old_path: str | None) -> None:
    """Keep the materialised path (`000001.000004.`) of a unit and its subtree current."""
    from core.models import UnitKerja

    parent_path = ""
    depth = 0
    if unit.induk_id:
        parent = UnitKerja.objects.only("path", "kedalaman").get(pk=unit.induk_id)
        parent_path, depth = parent.path, parent.kedalaman + 1
    new_path = parent_path + _segment(unit.pk)
    if new_path == unit.path and old_path == new_path:
        return
    with transaction.atomic():
        UnitKerja.objects.filter(pk=unit.pk).update(path=new_path, kedalaman=depth)
        unit.path, unit.kedalaman = new_path, depth
        if old_path and old_path != new_path:
            shift = depth - old_path.count(".") + 1
            for child in UnitKerja.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child_path = new_path + child.path[len(old_path) :]
                UnitKerja.objects.filter(pk=child.pk).update(
                    path=child_path, kedalaman=child.kedalaman + shift
                )


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def penugasan_validate(*, penugasan: Penugasan) -> None:
    """Rules for acting officials (domain.md 5.1; limits are settings).

    - Plt and Plh need an end date. A Plt term is at most PLT_MAX_MONTHS and may be
      extended (a new assignment pointing at the previous one) at most PLT_MAX_EXTENSIONS
      times; a Plh runs at most PLH_MAX_DAYS.
    - A position has at most one definitive holder and one acting official of each kind
      at any date.
    """
    from core.models import Penugasan

    kind = penugasan.jenis
    errors: dict[str, list[str]] = {}
    if kind in (Penugasan.Jenis.PLT, Penugasan.Jenis.PLH) and not penugasan.selesai:
        errors.setdefault("selesai", []).append(_("An acting assignment needs an end date."))
    if penugasan.selesai and penugasan.mulai and penugasan.selesai < penugasan.mulai:
        errors.setdefault("selesai", []).append(_("The end date is before the start date."))
    if errors:
        raise ValidationError(errors)

    if kind == Penugasan.Jenis.PLT:
        assert penugasan.selesai is not None  # required above for an acting assignment
        limit = add_months(penugasan.mulai, settings.NASKAH_PLT_MAX_MONTHS) - dt.timedelta(days=1)
        if penugasan.selesai > limit:
            raise ValidationError(
                {
                    "selesai": _("A Plt term may last at most %(months)s months (until %(day)s).")
                    % {"months": settings.NASKAH_PLT_MAX_MONTHS, "day": limit.isoformat()}
                }
            )
        extensions, previous = 0, penugasan.perpanjangan_dari
        while previous is not None:
            extensions += 1
            if previous.jenis != Penugasan.Jenis.PLT or previous.jabatan_id != penugasan.jabatan_id:
                raise ValidationError(
                    {
                        "perpanjangan_dari": _(
                            "Only a Plt term for the same position can be extended."
                        )
                    }
                )
            previous = previous.perpanjangan_dari
        if extensions > settings.NASKAH_PLT_MAX_EXTENSIONS:
            raise ValidationError(
                {
                    "perpanjangan_dari": _("A Plt term may be extended at most %(n)s time(s).")
                    % {"n": settings.NASKAH_PLT_MAX_EXTENSIONS}
                }
            )
    elif penugasan.perpanjangan_dari_id:
        raise ValidationError({"perpanjangan_dari": _("Only Plt terms are extended.")})

    if kind == Penugasan.Jenis.PLH:
        assert penugasan.selesai is not None  # required above for an acting assignment
        days = (penugasan.selesai - penugasan.mulai).days + 1
        if days > settings.NASKAH_PLH_MAX_DAYS:
            raise ValidationError(
                {
                    "selesai": _("A Plh assignment may last at most %(days)s days.")
                    % {"days": settings.NASKAH_PLH_MAX_DAYS}
                }
            )

    if penugasan.jabatan_id:
        overlapping = (
            Penugasan.objects.filter(jabatan_id=penugasan.jabatan_id, jenis=kind)
            .exclude(pk=penugasan.pk)
            .exclude(status=Penugasan.Status.DITOLAK)
        )
        if penugasan.selesai:
            overlapping = overlapping.filter(mulai__lte=penugasan.selesai)
        overlapping = overlapping.exclude(selesai__lt=penugasan.mulai)
        if overlapping.exists():
            raise ValidationError(
                _("Another %(kind)s assignment for this position overlaps these dates.")
                % {"kind": penugasan.get_jenis_display()}
            )


# --- Assignment services (four-eyes for acting officials) ----------------------------------


def penugasan_needs_approval(*, penugasan: Penugasan, actor: Pegawai) -> bool:
    """Acting assignments (Plt, Plh, Pj) grant signing authority in another's stead; an
    administrator's assignment of himself grants him whatever the position reads. Both
    need a second administrator."""
    from core.models import Penugasan

    return penugasan.jenis != Penugasan.Jenis.DEFINITIF or penugasan.pegawai_id == actor.pk


def _require_admin(actor: Pegawai, perm: str) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.has_perm(perm)):
        raise PermissionDeniedError(_("Only an administrator may manage assignments."))


def _penugasan_details(penugasan: Penugasan) -> dict:
    return {
        "pegawai": penugasan.pegawai_id,
        "jabatan": penugasan.jabatan_id,
        "jenis": penugasan.jenis,
        "mulai": penugasan.mulai,
        "selesai": penugasan.selesai,
        "nomor_sk": penugasan.nomor_sk,
        "status": penugasan.status,
    }


def _validated(penugasan: Penugasan) -> None:
    try:
        penugasan.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="invalid") from exc


def _lock(penugasan: Penugasan) -> Penugasan:
    from core.models import Penugasan

    return (
        Penugasan.objects.select_for_update()
        .select_related("pegawai", "jabatan__unit")
        .get(pk=penugasan.pk)
    )


def _record(actor: Pegawai, action: str, penugasan: Penugasan, event: str, **extra) -> None:
    from core.services.audit import audit_record

    audit_record(
        actor=actor,
        action=action,
        obj=penugasan,
        details={**_penugasan_details(penugasan), **extra},
    )
    hooks.notify(event, penugasan)


def penugasan_create(
    *,
    actor: Pegawai,
    pegawai: Pegawai,
    jabatan,
    jenis: str,
    mulai: dt.date,
    selesai: dt.date | None = None,
    nomor_sk: str = "",
    tanggal_sk: dt.date | None = None,
    perpanjangan_dari: Penugasan | None = None,
    keterangan: str = "",
) -> Penugasan:
    """An administrator records an assignment. A definitive assignment of someone else is
    effective at once; an acting one (or one of the administrator himself) awaits a second
    administrator's approval (`penugasan_approve`) and grants nothing until then."""
    from core.models import Penugasan

    _require_admin(actor, ADMINISTER_PERM)
    penugasan = Penugasan(
        pegawai=pegawai,
        jabatan=jabatan,
        jenis=jenis,
        mulai=mulai,
        selesai=selesai,
        nomor_sk=nomor_sk,
        tanggal_sk=tanggal_sk,
        perpanjangan_dari=perpanjangan_dari,
        keterangan=keterangan,
        diajukan_oleh=actor,
    )
    pending = penugasan_needs_approval(penugasan=penugasan, actor=actor)
    if pending:
        penugasan.status = Penugasan.Status.MENUNGGU
    else:
        penugasan.status = Penugasan.Status.BERLAKU
        penugasan.disetujui_oleh = actor
        penugasan.disetujui_pada = timezone.now()
    _validated(penugasan)
    with transaction.atomic():
        penugasan.save(force_insert=True)
        _record(
            actor,
            PENUGASAN_REQUEST if pending else PENUGASAN_CREATE,
            penugasan,
            hooks.PENUGASAN_REQUESTED if pending else hooks.PENUGASAN_EFFECTIVE,
        )
    return penugasan


def penugasan_approve(*, actor: Pegawai, penugasan: Penugasan) -> Penugasan:
    """A second administrator makes a requested assignment effective. Never the one who
    requested it, never the person assigned."""
    from core.models import Penugasan

    _require_admin(actor, APPROVE_PERM)
    with transaction.atomic():
        locked = _lock(penugasan)
        if locked.status != Penugasan.Status.MENUNGGU:
            raise ConflictError(_("This assignment is not awaiting approval."))
        if actor.pk in (locked.diajukan_oleh_id, locked.pegawai_id):
            raise PermissionDeniedError(
                _(
                    "A second administrator must approve: not the one who requested the "
                    "assignment, nor the person assigned."
                )
            )
        locked.status = Penugasan.Status.BERLAKU
        locked.disetujui_oleh = actor
        locked.disetujui_pada = timezone.now()
        _validated(locked)
        locked.save(update_fields=["status", "disetujui_oleh", "disetujui_pada", "updated_at"])
        _record(
            actor,
            PENUGASAN_APPROVE,
            locked,
            hooks.PENUGASAN_EFFECTIVE,
            requested_by=locked.diajukan_oleh_id,
        )
    return locked


def penugasan_reject(*, actor: Pegawai, penugasan: Penugasan, note: str = "") -> Penugasan:
    """An administrator turns a requested assignment down (the requester may withdraw his
    own request the same way). It stays recorded as rejected."""
    from core.models import Penugasan

    _require_admin(actor, CHANGE_PERM)
    with transaction.atomic():
        locked = _lock(penugasan)
        if locked.status != Penugasan.Status.MENUNGGU:
            raise ConflictError(_("This assignment is not awaiting approval."))
        locked.status = Penugasan.Status.DITOLAK
        locked.diakhiri_oleh = actor
        locked.diakhiri_pada = timezone.now()
        locked.save(update_fields=["status", "diakhiri_oleh", "diakhiri_pada", "updated_at"])
        _record(actor, PENUGASAN_REJECT, locked, hooks.PENUGASAN_REJECTED, note=note)
    return locked


def penugasan_update(*, actor: Pegawai, penugasan: Penugasan, **changes) -> Penugasan:
    """Change the decree data or notes of an assignment (PENUGASAN_EDITABLE_FIELDS). Who,
    where, which kind and when are never changed in place."""
    _require_admin(actor, CHANGE_PERM)
    unknown = set(changes) - set(PENUGASAN_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("End this assignment and record a new one to change %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid",
        )
    with transaction.atomic():
        locked = _lock(penugasan)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        changed = [name for name in changes if before[name] != getattr(locked, name)]
        if not changed:
            return locked
        _validated(locked)
        locked.save(update_fields=[*changed, "updated_at"])
        _record(
            actor,
            PENUGASAN_UPDATE,
            locked,
            hooks.PENUGASAN_CHANGED,
            changed={name: [before[name], getattr(locked, name)] for name in changed},
        )
    return locked


def penugasan_end(
    *, actor: Pegawai, penugasan: Penugasan, selesai: dt.date | None = None, note: str = ""
) -> Penugasan:
    """End an assignment on `selesai` (its last day, inclusive; today by default). An
    assignment that has not started yet ends before it starts: it is withdrawn."""
    from core.models import Penugasan

    _require_admin(actor, CHANGE_PERM)
    last_day = selesai or office_today()
    with transaction.atomic():
        locked = _lock(penugasan)
        if locked.status == Penugasan.Status.DITOLAK:
            raise ConflictError(_("This assignment was rejected; there is nothing to end."))
        if locked.status == Penugasan.Status.MENUNGGU:
            raise ConflictError(_("Reject a request instead of ending it."))
        if locked.selesai is not None and locked.selesai <= last_day:
            raise ConflictError(
                _("This assignment already ends on %(day)s.") % {"day": locked.selesai}
            )
        previous_end = locked.selesai
        locked.diakhiri_oleh = actor
        locked.diakhiri_pada = timezone.now()
        fields = ["diakhiri_oleh", "diakhiri_pada", "updated_at"]
        if last_day < locked.mulai:
            locked.status = Penugasan.Status.DITOLAK
            fields.append("status")
        else:
            locked.selesai = last_day
            fields.append("selesai")
        locked.save(update_fields=fields)
        _record(
            actor,
            PENUGASAN_END,
            locked,
            hooks.PENUGASAN_ENDED,
            previous_end=previous_end,
            note=note,
        )
    return locked

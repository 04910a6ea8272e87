"""Who may do what with numbering books. The one place these rules live.

- Reserving a number (back-dated or emergency letter): Django permission
  ``penomoran.reserve_nomor``, given to roles by groups (the demo gives it to the
  Administrator Unit group, core.demo.GROUP_PERMISSIONS; e.g. the TU/agenda officer).
- Cancelling a number from the register: ``penomoran.cancel_nomor``.
- Seeing a book's register: ``penomoran.view_bukunomor`` AND being staff of the book's
  unit (holding a position today in the unit or one of its sub-units, where the unit's
  secretariat/TU usually sits) or of one of its ancestors (e.g. the Setda above a Biro).
  Superusers see every book. Others get 404 for a book outside their units (its existence
  is not revealed) and 403 when they lack the permission altogether.
"""

from __future__ import annotations

from django.db.models import Q

from core.clock import office_today
from core.models import Penugasan

REGISTER_PERMISSION = "penomoran.view_bukunomor"
RESERVE_PERMISSION = "penomoran.reserve_nomor"
CANCEL_PERMISSION = "penomoran.cancel_nomor"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_reserve(user) -> bool:
    return _active(user) and user.has_perm(RESERVE_PERMISSION)


def can_cancel(user) -> bool:
    return _active(user) and user.has_perm(CANCEL_PERMISSION)


def can_use_registers(user) -> bool:
    """Has the register permission at all (whatever the unit)."""
    return _active(user) and (user.is_superuser or user.has_perm(REGISTER_PERMISSION))


def _unit_paths(user) -> list[str]:
    today = office_today()
    return list(
        Penugasan.objects.filter(
            Q(selesai__isnull=True) | Q(selesai__gte=today),
            pegawai=user,
            status=Penugasan.Status.BERLAKU,
            mulai__lte=today,
            jabatan__unit__aktif=True,
        )
        .values_list("jabatan__unit__path", flat=True)
        .distinct()
    )


def _prefixes(path: str) -> list[str]:
    """ "000001.000004.000009." -> ["000001.", "000001.000004.", "000001.000004.000009."]"""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def register_scope(user) -> Q:
    """Filter on BukuNomor for the books whose register `user` may see."""
    if not can_use_registers(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    scope = Q(pk__in=[])
    for path in _unit_paths(user):
        # The book's unit is the user's unit or an ancestor of it (user is its staff) ...
        scope |= Q(unit__path__in=_prefixes(path))
        # ... or a descendant of it (user is staff of an ancestor).
        scope |= Q(unit__path__startswith=path)
    return scope


BLOCK_PERMISSION = "penomoran.issue_blokdarurat"


def can_issue_block(user) -> bool:
    """Issue an emergency block of numbers before an outage: administrators (superusers)
    and holders of ``penomoran.issue_blokdarurat``."""
    return _active(user) and (user.is_superuser or user.has_perm(BLOCK_PERMISSION))


def can_register_manual(user) -> bool:
    """Register a letter signed on paper with a block number: whoever may reserve numbers
    (the TU/agenda officer) or issue blocks."""
    return can_reserve(user) or can_issue_block(user)

"""What a caller may see through the API (issue 17 item 2).

- A personal access token sees exactly what its person sees on the pages: the same
  permission functions (`naskah.permissions`, `naskah.masuk.permissions`,
  `arsip.permissions`).
- A client-credentials token sees by unit, like a unit administrator and never more
  (DESIGN invariant 12: administrators are not readers): letters issued by or delivered
  to a unit it serves (or a unit below one), once submitted, and incoming letters
  registered in those units, but never a Rahasia or Sangat Rahasia one; plus what its
  service account may see by name (its own drafts and registrations).
- Everything else is a 404, never a 403 that would confirm the object exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from api.auth import Caller
from core.vocabulary import CONFIDENTIAL
from naskah.masuk import permissions as masuk_perms
from naskah.masuk.models import SuratMasuk
from naskah.models import Naskah
from naskah.models.signing import Distribusi
from naskah.permissions import naskah_internal_q, naskah_visible_q


def _paths_q(field: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def naskah_for_caller(caller: Caller, *, internal: bool = False) -> QuerySet[Naskah]:
    """Letters the caller may read (as sent), or with `internal` their internal history
    (route, events)."""
    if caller.personal:
        user = caller.pegawai
        q = naskah_internal_q(user) if internal else naskah_visible_q(user)
        return Naskah.objects.filter(q)
    submitted = ~Q(status=Naskah.Status.KONSEP) & ~Q(klasifikasi_keamanan__in=CONFIDENTIAL)
    issued = _paths_q("unit__path", caller.unit_paths)
    by_unit = issued
    if not internal:
        delivered = Distribusi.objects.filter(
            _paths_q("jabatan__unit__path", caller.unit_paths)
        ).values("naskah_id")
        by_unit = issued | Q(pk__in=delivered)
    q = submitted & by_unit
    if caller.pegawai is not None:  # the service account's own letters, by name
        own = naskah_internal_q(caller.pegawai) if internal else naskah_visible_q(caller.pegawai)
        q |= own
    return Naskah.objects.filter(q)


def naskah_get(caller: Caller, pk: int, *, internal: bool = False) -> Naskah:
    found = (
        naskah_for_caller(caller, internal=internal)
        .select_related("jenis", "penandatangan__unit", "unit", "kode_klasifikasi")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("letter")
    return found


def suratmasuk_for_caller(caller: Caller) -> QuerySet[SuratMasuk]:
    if caller.personal:
        return SuratMasuk.objects.filter(masuk_perms.visible_q(caller.pegawai))
    q = _paths_q("unit__path", caller.unit_paths) & ~Q(klasifikasi_keamanan__in=CONFIDENTIAL)
    if caller.pegawai is not None:
        q |= masuk_perms.visible_q(caller.pegawai)
    return SuratMasuk.objects.filter(q)


def suratmasuk_get(caller: Caller, pk: int) -> SuratMasuk:
    found = (
        suratmasuk_for_caller(caller)
        .select_related("unit", "jabatan_tujuan", "kode_klasifikasi")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("incoming letter")
    return found


def unit_served(caller: Caller, unit) -> bool:
    """A client writes only for the units it serves (its service account's rights apply
    on top); a personal token has no unit limit beyond its person's rights."""
    if caller.personal:
        return True
    return any(unit.path.startswith(p) for p in caller.unit_paths)

"""Who may see and do what in the archive. Pure functions over domain data.

Reading (`arsip_visibility_q`):
- Rahasia and Sangat Rahasia records: only the readers named on the record.
- Arsiparis group (never superusers as such): every other record.
- A head of unit (a position with `kepala_unit`, acting or definitive): Biasa and
  Terbatas records of their unit and every unit below it.
- Other staff: Biasa records of the units they are assigned to.
- Anyone: records they are named on.
- SKKAAD (a region's security and access table, core.services.skkaad): where it sets the
  position levels that may read a classification code's series, the unit and archivist
  rules above give no record of that series to a reader none of whose levels (positions
  acted for today; the Arsiparis group counts as the `arsiparis` level) is listed. It only
  narrows: named readers keep the records that were sent to them.
The same filter is used for result lists and for counts, so counts never reveal records
a user cannot open.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Subquery

from arsip.models import ArsipPembaca
from core.models import Pegawai, TingkatAkses, UnitKerja
from core.selectors.organisasi import pegawai_jabatan_acting_on
from core.selectors.skkaad import (
    jabatan_tingkat_akses,
    skkaad_any_restriction,
    skkaad_denied_codes,
)
from core.vocabulary import CONFIDENTIAL, KlasifikasiKeamanan

GROUP_ARSIPARIS = "Arsiparis"
GROUP_PANITIA = "Panitia Penilai Arsip"
GROUP_PEJABAT = "Pejabat Kearsipan"


def _in_group(user: Pegawai, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_arsip_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._arsip_groups = cache
    return name in cache


def is_arsiparis(user: Pegawai) -> bool:
    """A member of the Arsiparis group. Being a superuser is not being an archivist: an
    administrator reads no record by administering (DESIGN invariant 12)."""
    return _in_group(user, GROUP_ARSIPARIS)


def is_panitia_penilai(user: Pegawai) -> bool:
    return _in_group(user, GROUP_PANITIA)


def is_pejabat_kearsipan(user: Pegawai) -> bool:
    return _in_group(user, GROUP_PEJABAT)


def _acting(user: Pegawai) -> list:
    """The positions the user acts for today, looked up once per user object (request):
    both the unit scopes and the SKKAAD levels need them."""
    cached = getattr(user, "_arsip_acting", None)
    if cached is None:
        cached = pegawai_jabatan_acting_on(user)
        user._arsip_acting = cached
    return cached


def _unit_scopes(user: Pegawai) -> tuple[set[int], set[int]]:
    """(units where the user reads as head: whole subtrees, units where as staff)."""
    head_paths, staff_units = [], set()
    for pemangku in _acting(user):
        unit = pemangku.jabatan.unit
        if pemangku.jabatan.kepala_unit:
            head_paths.append(unit.path)
        else:
            staff_units.add(unit.pk)
    head_units: set[int] = set()
    if head_paths:
        q = Q()
        for path in head_paths:
            q |= Q(path__startswith=path)
        head_units = set(UnitKerja.objects.filter(q).values_list("pk", flat=True))
    return head_units, staff_units - head_units


def arsip_visibility_q(user: Pegawai, *, id_field: str = "pk") -> Q:
    """A filter for ArsipRecord querysets: exactly the records `user` may read. With
    `id_field="record_id"` the same filter applies to the search rows (ArsipIndeks),
    which carry the same unit and security-class columns."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{id_field}__in": []})
    named = _named_q(user, id_field)
    level_q = _skkaad_q(user)
    if is_arsiparis(user):
        return (~Q(klasifikasi_keamanan__in=CONFIDENTIAL) & level_q) | named
    cached = getattr(user, "_arsip_scopes", None)
    if cached is None:
        cached = _unit_scopes(user)
        user._arsip_scopes = cached
    head_units, staff_units = cached
    scoped = Q()
    if head_units:
        scoped |= Q(
            unit_id__in=sorted(head_units),
            klasifikasi_keamanan__in=[KlasifikasiKeamanan.BIASA, KlasifikasiKeamanan.TERBATAS],
        )
    if staff_units:
        scoped |= Q(unit_id__in=sorted(staff_units), klasifikasi_keamanan=KlasifikasiKeamanan.BIASA)
    if not scoped:
        return named
    return (scoped & level_q) | named


class AnyOf(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the subquery runs once, as an
    InitPlan, and its ids are an index condition on the primary key, so the planner can
    OR them with the unit index (a BitmapOr) instead of testing every row it walks."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def _named_q(user: Pegawai, id_field: str) -> Q:
    """The records `user` is named on. On the search rows on PostgreSQL: the ids as an
    index condition (`AnyOf`), so a reader of one unit is served from the unit and
    primary-key indexes rather than by a date walk that filters every row (issue 16,
    item 3: `/DISKOMINFOTIK/` for one-unit staff at 100k rows, 365 → 38 ms); on SQLite
    `record_id IN (SELECT …)` (below). On the records a
    correlated EXISTS, which probes the (record, pegawai) unique index per candidate row
    (the former `id IN (SELECT ...)` built the whole named set per statement and was
    tested row by row; docs/archive.md, "Named readers")."""
    own = ArsipPembaca.objects.filter(pegawai=user)
    if id_field == "record_id" and connection.vendor == "postgresql":
        return Q(AnyOf(F(id_field), Subquery(own.values("record_id"))))
    if id_field == "record_id" and connection.vendor == "sqlite":
        # `record_id IN (SELECT …)`: the named set is read once per statement, and with
        # the unit condition indexable too SQLite takes the union of both indexes
        # (MULTI-INDEX OR) instead of testing every row of a filter's index: one-unit
        # staff's `/DISKOMINFOTIK/` at 100k rows 8.5 → 0.2 ms (issue 16, item 4).
        return Q(record_id__in=own.values("record_id"))
    return Q(Exists(own.filter(record_id=OuterRef(id_field))))


def _skkaad_q(user: Pegawai) -> Q:
    """Q() when SKKAAD restricts no code; otherwise `kode_klasifikasi NOT IN (codes whose
    access levels include none of the user's)`. The codes come from a subquery on the
    code table's `akses_mask` (one hashed set per statement), so the record and search
    queries keep their index paths; ArsipRecord and ArsipIndeks share the column name."""
    cached = getattr(user, "_arsip_skkaad", None)
    if cached is None:
        if not skkaad_any_restriction():
            cached = Q()
        else:
            # The levels of the positions acted for today (`pegawai_tingkat_akses`),
            # from the positions already looked up for the unit scopes.
            levels = {jabatan_tingkat_akses(p.jabatan) for p in _acting(user)} - {None, ""}
            if is_arsiparis(user):
                levels.add(TingkatAkses.ARSIPARIS)
            cached = ~Q(kode_klasifikasi__in=skkaad_denied_codes(levels).values("pk"))
        user._arsip_skkaad = cached
    return cached


def can_manage_archive(user: Pegawai) -> bool:
    """Files, closes, proposes and carries out disposal actions; sees the reports."""
    return is_arsiparis(user)

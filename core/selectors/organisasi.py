"""Organisation queries: who holds a position on a date, chains of superiors, unit heads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.clock import office_today
from core.models import Jabatan, Pegawai, Penugasan, UnitKerja

# Who acts for a position when several assignments are active on the same day: a Plh
# stands in for a definitive holder who is temporarily absent; a Plt fills a vacancy (or a
# holder who cannot serve); a Pj is an appointed acting head of region.
_PRECEDENCE: dict[str, int] = {
    Penugasan.Jenis.PLH: 0,
    Penugasan.Jenis.PJ: 1,
    Penugasan.Jenis.PLT: 2,
    Penugasan.Jenis.DEFINITIF: 3,
}


@dataclass(frozen=True)
class Pemangku:
    """The person acting for a position on a date, and in which capacity."""

    pegawai: Pegawai
    jabatan: Jabatan
    jenis: str
    penugasan: Penugasan

    @property
    def is_acting(self) -> bool:
        return self.jenis != Penugasan.Jenis.DEFINITIF

    @property
    def prefix(self) -> str:
        """ "Plt. ", "Plh. ", "Pj. " or "" for the signature block."""
        return {"plt": "Plt. ", "plh": "Plh. ", "pj": "Pj. "}.get(self.jenis, "")


def _on(tanggal: dt.date | None) -> dt.date:
    return tanggal or office_today()


def penugasan_active_on(tanggal: dt.date | None = None) -> Q:
    """Assignments in force on the date. An assignment awaiting a second administrator's
    approval (or rejected) is never in force: it grants nothing (DESIGN invariant 12)."""
    day = _on(tanggal)
    return (
        Q(status=Penugasan.Status.BERLAKU)
        & Q(mulai__lte=day)
        & (Q(selesai__isnull=True) | Q(selesai__gte=day))
    )


def jabatan_assignments_on(jabatan: Jabatan, tanggal: dt.date | None = None) -> list[Penugasan]:
    """All assignments to a position active on the date, the one who acts first."""
    rows = list(
        Penugasan.objects.filter(
            penugasan_active_on(tanggal), jabatan=jabatan, pegawai__is_active=True
        )
        .select_related("pegawai", "jabatan")
        .order_by("mulai")
    )
    return sorted(rows, key=lambda p: _PRECEDENCE[p.jenis])


def jabatan_holder_on(jabatan: Jabatan, tanggal: dt.date | None = None) -> Pemangku | None:
    """Who acts for the position on the date: Plh > Pj > Plt > definitive. None if vacant."""
    rows = jabatan_assignments_on(jabatan, tanggal)
    if not rows:
        return None
    first = rows[0]
    return Pemangku(pegawai=first.pegawai, jabatan=jabatan, jenis=first.jenis, penugasan=first)


def jabatan_definitive_holder_on(
    jabatan: Jabatan, tanggal: dt.date | None = None
) -> Pegawai | None:
    row = (
        Penugasan.objects.filter(
            penugasan_active_on(tanggal), jabatan=jabatan, jenis=Penugasan.Jenis.DEFINITIF
        )
        .select_related("pegawai")
        .first()
    )
    return row.pegawai if row else None


def jabatan_superior_chain(jabatan: Jabatan) -> list[Jabatan]:
    """The superiors of a position, nearest first, up to the top (loop-safe)."""
    chain: list[Jabatan] = []
    seen = {jabatan.pk}
    node = jabatan.atasan
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.atasan
    return chain


def unit_head(unit: UnitKerja) -> Jabatan | None:
    """The position heading the unit (its kepala), or None when none is defined."""
    return Jabatan.objects.filter(unit=unit, kepala_unit=True, aktif=True).first()


def unit_head_holder_on(unit: UnitKerja, tanggal: dt.date | None = None) -> Pemangku | None:
    head = unit_head(unit)
    return jabatan_holder_on(head, tanggal) if head else None


def unit_ancestors(unit: UnitKerja) -> QuerySet[UnitKerja]:
    """The unit's ancestors from the root down (excluding the unit)."""
    prefixes = []
    parts = unit.path.split(".")[:-1]
    for i in range(1, len(parts)):
        prefixes.append(".".join(parts[:i]) + ".")
    return UnitKerja.objects.filter(path__in=prefixes).order_by("kedalaman")


def unit_descendants(unit: UnitKerja, *, include_self: bool = False) -> QuerySet[UnitKerja]:
    qs = UnitKerja.objects.filter(path__startswith=unit.path)
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    return qs.order_by("path")


def pegawai_assignments_on(pegawai: Pegawai, tanggal: dt.date | None = None) -> list[Penugasan]:
    """A person's positions on the date (definitive and acting), definitive first."""
    rows = Penugasan.objects.filter(penugasan_active_on(tanggal), pegawai=pegawai).select_related(
        "jabatan", "jabatan__unit"
    )
    return sorted(rows, key=lambda p: (p.jenis != Penugasan.Jenis.DEFINITIF, p.jabatan.nama))


def pegawai_jabatan_acting_on(pegawai: Pegawai, tanggal: dt.date | None = None) -> list[Pemangku]:
    """Positions the person actually acts for on the date: their own unless a Plh or Plt
    covers it, plus every position they hold as Plt/Plh/Pj."""
    result = []
    for row in pegawai_assignments_on(pegawai, tanggal):
        holder = jabatan_holder_on(row.jabatan, tanggal)
        if holder and holder.pegawai.pk == pegawai.pk:
            result.append(holder)
    return result


def pegawai_primary_unit(pegawai: Pegawai, tanggal: dt.date | None = None) -> UnitKerja | None:
    rows = pegawai_assignments_on(pegawai, tanggal)
    return rows[0].jabatan.unit if rows else None


@dataclass(frozen=True)
class UnitNode:
    unit: UnitKerja
    kepala: Jabatan | None
    pemangku: Pemangku | None


def organisasi_tree(tanggal: dt.date | None = None) -> list[UnitNode]:
    """Every active unit in tree order with its head position and who acts for it today.
    A fixed number of queries whatever the size of the organisation."""
    units = list(UnitKerja.objects.filter(aktif=True).order_by("path"))
    heads = {
        j.unit_id: j
        for j in Jabatan.objects.filter(kepala_unit=True, aktif=True).select_related("unit")
    }
    by_position: dict[int, list[Penugasan]] = {}
    for row in Penugasan.objects.filter(
        penugasan_active_on(tanggal), jabatan__in=heads.values(), pegawai__is_active=True
    ).select_related("pegawai", "jabatan"):
        by_position.setdefault(row.jabatan_id, []).append(row)
    nodes = []
    for unit in units:
        head = heads.get(unit.pk)
        holder = None
        if head is not None and by_position.get(head.pk):
            first = sorted(by_position[head.pk], key=lambda p: _PRECEDENCE[p.jenis])[0]
            holder = Pemangku(
                pegawai=first.pegawai, jabatan=head, jenis=first.jenis, penugasan=first
            )
        nodes.append(UnitNode(unit=unit, kepala=head, pemangku=holder))
    return nodes


def jabatan_holders_on(jabatan_ids, tanggal: dt.date | None = None) -> dict[int, Pemangku]:
    """Who acts today for each of these positions (the same precedence as
    `jabatan_holder_on`: Plh, Pj, Plt, definitive), in one query."""
    found: dict[int, list[Penugasan]] = {}
    for row in Penugasan.objects.filter(
        penugasan_active_on(tanggal), jabatan_id__in=list(jabatan_ids), pegawai__is_active=True
    ).select_related("pegawai", "jabatan"):
        found.setdefault(row.jabatan_id, []).append(row)
    holders = {}
    for jabatan_id, rows in found.items():
        first = sorted(rows, key=lambda p: (_PRECEDENCE[p.jenis], p.mulai, p.pk))[0]
        holders[jabatan_id] = Pemangku(
            pegawai=first.pegawai, jabatan=first.jabatan, jenis=first.jenis, penugasan=first
        )
    return holders

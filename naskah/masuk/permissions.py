"""Who may register, see and act on incoming letters. The one place for these rules.

- Register: users granted `masuk.register_suratmasuk` directly or through a group (the
  "Agendaris" group in the demo; being a superuser grants nothing here),
  for the register unit of a position they hold today (their unit, or the nearest
  ancestor that keeps a register: Biro, Dinas, ...).
- See: the register unit's agendaris (not for Rahasia/Sangat Rahasia), the registrar,
  whoever holds (or acts for) the addressed position, and everyone in the disposition
  tree: holders of positions disposed to, named people, members of teams disposed to,
  and people who disposed or reported. Rahasia/Sangat Rahasia: only these named parties.
- Dispose: the current holder (or Plt/Plh) of the addressed position at the root; the
  holder of a branch's position, the named person, or the team lead for re-disposing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from core.clock import office_today
from core.models import Jabatan, Pegawai, Penugasan, TimKerja, UnitKerja
from core.permissions import has_role_perm
from core.selectors.organisasi import (
    jabatan_holder_on,
    jabatan_superior_chain,
    penugasan_active_on,
)
from core.vocabulary import CONFIDENTIAL
from naskah.masuk.models import (
    Disposisi,
    DisposisiPenerima,
    SuratMasuk,
    TindakLanjut,
)

REGISTER_PERM = "masuk.register_suratmasuk"


def register_unit_of(unit: UnitKerja) -> UnitKerja:
    """The unit whose register a sub-unit's agendaris keeps (nearest ancestor-or-self of a
    register kind; the unit itself when none is)."""
    kinds = set(settings.NASKAH_MASUK_REGISTER_UNIT_JENIS)
    node = unit
    while node is not None:
        if node.jenis in kinds:
            return node
        node = node.induk
    return unit


def register_units(pegawai: Pegawai, tanggal: dt.date | None = None) -> list[UnitKerja]:
    """Register units the person keeps as agendaris today (empty without the permission)."""
    if not pegawai.is_authenticated or not pegawai.is_active:
        return []
    if not has_role_perm(pegawai, REGISTER_PERM):  # never by being a superuser
        return []
    units: dict[int, UnitKerja] = {}
    for row in Penugasan.objects.filter(
        penugasan_active_on(tanggal), pegawai=pegawai
    ).select_related("jabatan__unit__induk__induk"):
        unit = register_unit_of(row.jabatan.unit)
        units[unit.pk] = unit
    return list(units.values())


def can_register(pegawai: Pegawai, unit: UnitKerja) -> bool:
    return any(u.pk == unit.pk for u in register_units(pegawai))


def held_jabatan_ids(pegawai: Pegawai, tanggal: dt.date | None = None) -> list[int]:
    """Positions the person holds today in any capacity (definitive, Plt, Plh, Pj)."""
    return list(
        Penugasan.objects.filter(penugasan_active_on(tanggal), pegawai=pegawai).values_list(
            "jabatan_id", flat=True
        )
    )


def team_ids(pegawai: Pegawai) -> list[int]:
    return list(
        TimKerja.objects.filter(Q(ketua=pegawai) | Q(anggota=pegawai), aktif=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def visible_q(pegawai: Pegawai) -> Q:
    """Filter for SuratMasuk querysets: the letters this person may see. A few small
    queries to learn who the person is, then one Exists-based filter (no per-row checks)."""
    if not pegawai.is_authenticated or not pegawai.is_active:
        return Q(pk__in=[])
    jabatan_ids = held_jabatan_ids(pegawai)
    teams = team_ids(pegawai)
    in_tree = Exists(
        DisposisiPenerima.objects.filter(surat=OuterRef("pk")).filter(
            Q(ke_jabatan_id__in=jabatan_ids)
            | Q(ke_pegawai=pegawai)
            | Q(ke_tim_id__in=teams)
            | Q(dibaca_oleh=pegawai)
            | Q(selesai_oleh=pegawai)
        )
    )
    disposed = Exists(
        Disposisi.objects.filter(surat=OuterRef("pk")).filter(
            Q(dari_pegawai=pegawai) | Q(dari_jabatan_id__in=jabatan_ids)
        )
    )
    reported = Exists(TindakLanjut.objects.filter(cabang__surat=OuterRef("pk"), pelapor=pegawai))
    named = (
        Q(dibuat_oleh=pegawai)
        | Q(jabatan_tujuan_id__in=jabatan_ids)
        | in_tree
        | disposed
        | reported
    )
    units = [u.pk for u in register_units(pegawai)]
    unit_admin = Q(unit_id__in=units) & ~Q(klasifikasi_keamanan__in=CONFIDENTIAL)
    return named | unit_admin


def suratmasuk_reader_ids(surat: SuratMasuk, tanggal: dt.date | None = None) -> set[int]:
    """The people `visible_q` names for this letter on the date, listed (its inverse, for
    apps that keep a copy of who may read it: the archive): the registrar; everyone who
    holds the addressed position in any capacity; in the disposition tree the holders of
    the positions disposed to and from, the people named, disposing, reading, completing
    or reporting, and the lead and members of active teams disposed to. Not the register
    unit's agendaris: they read by role, not by name."""
    ids = {surat.dibuat_oleh_id}
    jabatan_ids = {surat.jabatan_tujuan_id}
    team_ids = set()
    for row in DisposisiPenerima.objects.filter(surat=surat).values(
        "ke_jabatan_id", "ke_pegawai_id", "ke_tim_id", "dibaca_oleh_id", "selesai_oleh_id"
    ):
        jabatan_ids.add(row["ke_jabatan_id"])
        team_ids.add(row["ke_tim_id"])
        ids.update((row["ke_pegawai_id"], row["dibaca_oleh_id"], row["selesai_oleh_id"]))
    for dari_pegawai, dari_jabatan in Disposisi.objects.filter(surat=surat).values_list(
        "dari_pegawai_id", "dari_jabatan_id"
    ):
        ids.add(dari_pegawai)
        jabatan_ids.add(dari_jabatan)
    ids.update(
        TindakLanjut.objects.filter(cabang__surat=surat).values_list("pelapor_id", flat=True)
    )
    jabatan_ids.discard(None)
    team_ids.discard(None)
    ids.update(
        Penugasan.objects.filter(
            penugasan_active_on(tanggal), jabatan_id__in=jabatan_ids
        ).values_list("pegawai_id", flat=True)
    )
    if team_ids:
        teams = TimKerja.objects.filter(pk__in=team_ids, aktif=True)
        ids.update(teams.values_list("ketua_id", flat=True))
        ids.update(teams.values_list("anggota", flat=True))
    ids.discard(None)
    return ids


def can_manage_register(pegawai: Pegawai, surat: SuratMasuk) -> bool:
    """Agendaris of the letter's register unit (apply OCR suggestions, see the register)."""
    if surat.dibuat_oleh_id == pegawai.pk and has_role_perm(pegawai, REGISTER_PERM):
        return True
    if surat.rahasia:
        return False
    return can_register(pegawai, surat.unit)


def can_edit_register_entry(pegawai: Pegawai, surat: SuratMasuk) -> bool:
    """Correct a registered letter's metadata: the agendaris (secretariat) of the unit
    whose register holds it, with the same reach as managing the register."""
    return can_manage_register(pegawai, surat)


# --- Acting on the tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Kapasitas:
    """On behalf of which position a person acts, and how (definitif/plt/plh/pj)."""

    jabatan: Jabatan
    jenis: str


def root_capacity(pegawai: Pegawai, surat: SuratMasuk) -> Kapasitas | None:
    """The addressed position's holder today (Plh/Plt when one acts) may dispose."""
    holder = jabatan_holder_on(surat.jabatan_tujuan, office_today())
    if holder is None or holder.pegawai.pk != pegawai.pk:
        return None
    return Kapasitas(jabatan=surat.jabatan_tujuan, jenis=holder.jenis)


def branch_capacity(pegawai: Pegawai, cabang: DisposisiPenerima) -> Kapasitas | None:
    """Who acts for a branch: the position's holder today, the named person, or the team
    lead; None for anyone else."""
    today = office_today()
    if cabang.ke_jabatan_id:
        holder = jabatan_holder_on(cabang.ke_jabatan, today)
        if holder is None or holder.pegawai.pk != pegawai.pk:
            return None
        return Kapasitas(jabatan=cabang.ke_jabatan, jenis=holder.jenis)
    if cabang.ke_pegawai_id:
        if cabang.ke_pegawai_id != pegawai.pk:
            return None
    elif cabang.ke_tim.ketua_id != pegawai.pk:
        return None
    own = own_position(pegawai, today)
    return Kapasitas(jabatan=own.jabatan, jenis=own.jenis) if own else None


def own_position(pegawai: Pegawai, tanggal: dt.date) -> Penugasan | None:
    return (
        Penugasan.objects.filter(penugasan_active_on(tanggal), pegawai=pegawai)
        .select_related("jabatan__unit")
        .order_by("jenis")  # "definitif" sorts before "plh"/"plt"/"pj"
        .first()
    )


def is_below(superior: Jabatan, jabatan: Jabatan) -> bool:
    """True when `superior` is in the chain of superiors of `jabatan` (strictly above)."""
    return any(j.pk == superior.pk for j in jabatan_superior_chain(jabatan))


def pegawai_below(superior: Jabatan, pegawai: Pegawai) -> bool:
    today = office_today()
    rows = Penugasan.objects.filter(penugasan_active_on(today), pegawai=pegawai).select_related(
        "jabatan"
    )
    return any(is_below(superior, row.jabatan) for row in rows)


def tim_below(superior: Jabatan, tim: TimKerja) -> bool:
    if tim.jabatan_pembina_id:
        return tim.jabatan_pembina_id == superior.pk or is_below(superior, tim.jabatan_pembina)
    return tim.unit.path.startswith(superior.unit.path)


def can_close_branch(pegawai: Pegawai, cabang: DisposisiPenerima) -> bool:
    """The disposer of a branch: whoever holds the position that disposed it today."""
    holder = jabatan_holder_on(cabang.disposisi.dari_jabatan, office_today())
    return holder is not None and holder.pegawai.pk == pegawai.pk

"""The disposition dashboard (/surat-masuk/dasbor/): counts of the branches in the units
a head oversees, by unit and by person, each count a link to the letters it counts.

A branch goes to a position, a person or a team. By person, a branch to a position counts
for the person who holds it today, so someone who receives dispositions both by name and
by position is listed once; a vacant position is listed as itself. A few queries whatever
the number of branches (stated in tests/masuk/test_dasbor_archive.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core.clock import office_today
from core.models import Pegawai, Penugasan, TimKerja
from core.selectors.organisasi import penugasan_active_on
from naskah.masuk.models import DisposisiPenerima, SuratMasuk
from naskah.masuk.permissions import visible_q
from naskah.masuk.selectors import Rekap, _counts, dashboard_units

COLUMNS = ("terbuka", "terlambat", "selesai")
LIST_LIMIT = 200


@dataclass
class Baris(Rekap):
    """One dashboard row: its counts and the key its links filter by."""

    key: str = ""
    detail: str = ""


@dataclass
class Daftar:
    """The letters behind one count."""

    label: str
    kolom: str
    rows: list = field(default_factory=list)
    more: bool = False


def _column_q(kolom: str, now: dt.datetime) -> Q:
    done = Q(status=DisposisiPenerima.Status.SELESAI)
    if kolom == "terbuka":
        return ~done
    if kolom == "terlambat":
        return ~done & Q(batas_waktu__lt=now)
    return done


def _holders(jabatan_ids: set[int]) -> dict[int, tuple[int, str]]:
    """Today's holder of each position (definitive first): {jabatan: (pegawai, name)}."""
    found: dict[int, tuple[int, str]] = {}
    rows = (
        Penugasan.objects.filter(penugasan_active_on(office_today()))
        .filter(jabatan_id__in=sorted(jabatan_ids))
        .select_related("pegawai")
        .order_by("jabatan_id", "-jenis", "pk")  # "plt"/"plh"/"pj" after "definitif"
    )
    for row in rows:
        if row.jenis == Penugasan.Jenis.DEFINITIF or row.jabatan_id not in found:
            found.setdefault(row.jabatan_id, (row.pegawai_id, row.pegawai.nama_lengkap))
    return found


def _people(base, now) -> tuple[list[Baris], dict[str, Q]]:
    """Rows by person (module docstring) and, per key, the branch filter of that row."""
    grouped = list(
        base.values("ke_jabatan_id", "ke_jabatan__nama", "ke_pegawai_id", "ke_tim_id")
        .annotate(**_counts(now))
        .order_by()
    )
    holders = _holders({r["ke_jabatan_id"] for r in grouped if r["ke_jabatan_id"]})
    people = sorted({r["ke_pegawai_id"] for r in grouped if r["ke_pegawai_id"]})
    names = {
        p.pk: p.nama_lengkap
        for p in Pegawai.objects.filter(pk__in=people).only("gelar_depan", "nama", "gelar_belakang")
    }
    team_ids = sorted({r["ke_tim_id"] for r in grouped if r["ke_tim_id"]})
    teams = dict(TimKerja.objects.filter(pk__in=team_ids).values_list("pk", "nama"))
    rows: dict[str, Baris] = {}
    filters: dict[str, Q] = {}
    positions: dict[str, list[str]] = {}
    for r in grouped:
        if r["ke_jabatan_id"] and r["ke_jabatan_id"] in holders:
            pk, name = holders[r["ke_jabatan_id"]]
            key, label = f"p{pk}", name
            q = Q(ke_jabatan_id=r["ke_jabatan_id"])
            positions.setdefault(key, []).append(r["ke_jabatan__nama"])
        elif r["ke_jabatan_id"]:
            key, label = f"j{r['ke_jabatan_id']}", r["ke_jabatan__nama"]
            q = Q(ke_jabatan_id=r["ke_jabatan_id"])
        elif r["ke_pegawai_id"]:
            key = f"p{r['ke_pegawai_id']}"
            label = names.get(r["ke_pegawai_id"], "-")
            q = Q(ke_pegawai_id=r["ke_pegawai_id"])
        else:
            key, label = f"t{r['ke_tim_id']}", teams.get(r["ke_tim_id"], "-")
            q = Q(ke_tim_id=r["ke_tim_id"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = Baris(label=label, terbuka=0, terlambat=0, selesai=0, tepat_waktu=0)
            row.key = key
            filters[key] = q
        else:
            filters[key] |= q
        for name in ("terbuka", "terlambat", "selesai", "tepat_waktu"):
            setattr(row, name, getattr(row, name) + r[name])
    for key, names_ in positions.items():
        rows[key].detail = ", ".join(sorted(set(names_)))
    return sorted(rows.values(), key=lambda b: (b.label.lower(), b.key)), filters


def disposisi_dashboard_linked(pegawai: Pegawai, *, key: str = "", kolom: str = "") -> dict:
    """The dashboard's rows, each with the key its count links use, and (when `key` and
    `kolom` are given) the letters behind that count, linked when the viewer may open them."""
    units = dashboard_units(pegawai)
    if not units:
        return {"units": [], "per_unit": [], "per_penerima": [], "daftar": None}
    scope = Q()
    for u in units:
        scope |= Q(ke_unit__path__startswith=u.path)
    now = timezone.now()
    base = DisposisiPenerima.objects.filter(scope)
    per_unit = []
    for row in (
        base.values("ke_unit_id", "ke_unit__nama", "ke_unit__path")
        .annotate(**_counts(now))
        .order_by("ke_unit__path")
    ):
        item = Baris(
            label=row["ke_unit__nama"] or "-",
            **{k: row[k] for k in ("terbuka", "terlambat", "selesai", "tepat_waktu")},
        )
        item.key = f"u{row['ke_unit_id']}"
        per_unit.append(item)
    per_penerima, filters = _people(base, now)
    for item in per_unit:
        filters[item.key] = Q(ke_unit_id=int(item.key[1:]))
    daftar = None
    if key in filters and kolom in COLUMNS:
        label = next((b.label for b in (*per_unit, *per_penerima) if b.key == key), "")
        branches = list(
            base.filter(filters[key] & _column_q(kolom, now))
            .select_related("surat", "ke_jabatan", "ke_pegawai", "ke_tim")
            .order_by("batas_waktu", "pk")[: LIST_LIMIT + 1]
        )
        ids = {b.surat_id for b in branches}
        may_open = set(
            SuratMasuk.objects.filter(visible_q(pegawai), pk__in=sorted(ids)).values_list(
                "pk", flat=True
            )
        )
        daftar = Daftar(
            label=label,
            kolom=kolom,
            rows=[(b, b.surat_id in may_open) for b in branches[:LIST_LIMIT]],
            more=len(branches) > LIST_LIMIT,
        )
    return {
        "units": units,
        "per_unit": per_unit,
        "per_penerima": per_penerima,
        "daftar": daftar,
        "now": now,
    }

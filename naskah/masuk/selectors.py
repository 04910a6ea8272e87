"""Reads of the incoming register: permission-filtered lists, the tree, the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.clock import office_today
from core.models import Pegawai, Penugasan, UnitKerja
from core.selectors.organisasi import pegawai_jabatan_acting_on, penugasan_active_on
from naskah.masuk import permissions as perms
from naskah.masuk.models import (
    Disposisi,
    DisposisiPenerima,
    SuratMasuk,
    TindakLanjut,
)


def suratmasuk_visible(pegawai: Pegawai) -> QuerySet[SuratMasuk]:
    return SuratMasuk.objects.filter(perms.visible_q(pegawai))


def suratmasuk_get_for_user(*, user: Pegawai, pk: int) -> SuratMasuk:
    """The letter if this person may see it; Http404 otherwise (outsiders learn nothing)."""
    surat = (
        suratmasuk_visible(user)
        .select_related("unit", "jabatan_tujuan", "kode_klasifikasi", "dibuat_oleh")
        .filter(pk=pk)
        .first()
    )
    if surat is None:
        raise Http404("incoming letter not found")
    return surat


def disposisipenerima_get_for_user(*, user: Pegawai, pk: int) -> DisposisiPenerima:
    """A branch of a disposition tree, with its letter, when the user may see the letter;
    Http404 otherwise. What the user may do with the branch is checked by the service."""
    cabang = DisposisiPenerima.objects.select_related("surat").filter(pk=pk).first()
    if cabang is None:
        raise Http404("disposition branch not found")
    suratmasuk_get_for_user(user=user, pk=cabang.surat_id)  # 404 for outsiders
    return cabang


def suratmasuk_register_list(
    pegawai: Pegawai, *, tahun: int | None = None, q: str = ""
) -> QuerySet[SuratMasuk]:
    """The registers this person keeps (agendaris), newest first."""
    units = [u.pk for u in perms.register_units(pegawai)]
    qs = suratmasuk_visible(pegawai).filter(unit_id__in=units)
    if tahun:
        qs = qs.filter(agenda_tahun=tahun)
    if q:
        qs = qs.filter(
            Q(hal__icontains=q)
            | Q(pengirim__icontains=q)
            | Q(nomor_surat__icontains=q)
            | Q(nomor_agenda__icontains=q)
            | Q(ocr_teks__icontains=q)
        )
    return qs.select_related("unit", "jabatan_tujuan").order_by("-agenda_tahun", "-agenda_urut")


def suratmasuk_to_dispose(pegawai: Pegawai) -> QuerySet[SuratMasuk]:
    """Letters addressed to a position this person acts for today, not yet disposed."""
    jabatan_ids = _acting_ids(pegawai)
    return (
        SuratMasuk.objects.filter(
            jabatan_tujuan_id__in=jabatan_ids, status=SuratMasuk.Status.TERDAFTAR
        )
        .select_related("jabatan_tujuan")
        .order_by("dibuat_pada")
    )


def _acting_ids(pegawai: Pegawai) -> list[int]:
    """Positions the person acts for today (a holder on leave covered by a Plh does not)."""
    return [p.jabatan.pk for p in pegawai_jabatan_acting_on(pegawai, office_today())]


def _my_branch_q(pegawai: Pegawai) -> Q:
    return (
        Q(ke_jabatan_id__in=_acting_ids(pegawai)) | Q(ke_pegawai=pegawai) | Q(ke_tim__ketua=pegawai)
    )


def disposisi_inbox(pegawai: Pegawai, *, open_only: bool = True) -> QuerySet[DisposisiPenerima]:
    """Branches addressed to me (my positions today, me by name, teams I lead)."""
    qs = DisposisiPenerima.objects.filter(_my_branch_q(pegawai))
    if open_only:
        qs = qs.exclude(status=DisposisiPenerima.Status.SELESAI)
    return qs.select_related(
        "surat", "disposisi__dari_jabatan", "ke_jabatan", "ke_pegawai", "ke_tim"
    ).order_by("batas_waktu")


def disposisi_outbox(pegawai: Pegawai, *, open_only: bool = True) -> QuerySet[DisposisiPenerima]:
    """Branches I disposed (from my positions today, or by me in person)."""
    jabatan_ids = perms.held_jabatan_ids(pegawai)
    qs = DisposisiPenerima.objects.filter(
        Q(disposisi__dari_jabatan_id__in=jabatan_ids) | Q(disposisi__dari_pegawai=pegawai)
    )
    if open_only:
        qs = qs.exclude(status=DisposisiPenerima.Status.SELESAI)
    return qs.select_related(
        "surat", "disposisi__dari_jabatan", "ke_jabatan", "ke_pegawai", "ke_tim"
    ).order_by("batas_waktu")


def my_open_branch(pegawai: Pegawai, surat: SuratMasuk) -> list[DisposisiPenerima]:
    """My branches on this letter (any state), for the action forms."""
    return list(
        DisposisiPenerima.objects.filter(_my_branch_q(pegawai), surat=surat).select_related(
            "ke_jabatan", "ke_pegawai", "ke_tim__ketua", "disposisi__dari_jabatan"
        )
    )


@dataclass
class Node:
    """A branch with its re-dispositions below it (for the tree view and the PDF)."""

    cabang: DisposisiPenerima
    disposisi: Disposisi
    anak: list[tuple[Disposisi, list[Node]]] = field(default_factory=list)
    laporan: list[TindakLanjut] = field(default_factory=list)
    terlambat: bool = False


def disposisi_tree(surat: SuratMasuk) -> list[tuple[Disposisi, list[Node]]]:
    """The whole tree in a fixed number of queries: [(root act, [branch nodes])]."""
    now = timezone.now()
    acts = list(
        Disposisi.objects.filter(surat=surat)
        .select_related("dari_jabatan", "dari_pegawai")
        .prefetch_related("instruksi")
        .order_by("dibuat_pada", "pk")
    )
    branches = list(
        DisposisiPenerima.objects.filter(surat=surat)
        .select_related("ke_jabatan", "ke_pegawai", "ke_tim", "dibaca_oleh", "selesai_oleh")
        .prefetch_related(
            Prefetch(
                "laporan",
                queryset=TindakLanjut.objects.select_related(
                    "pelapor", "balasan__jenis"
                ).prefetch_related("berkas"),
            )
        )
        .order_by("-utama", "pk")
    )
    by_act: dict[int, list[Node]] = {}
    nodes: dict[int, Node] = {}
    act_by_id = {a.pk: a for a in acts}
    for b in branches:
        node = Node(
            cabang=b,
            disposisi=act_by_id[b.disposisi_id],
            laporan=list(b.laporan.all()),
            terlambat=b.terlambat_pada(now),
        )
        nodes[b.pk] = node
        by_act.setdefault(b.disposisi_id, []).append(node)
    roots = []
    for act in acts:
        entry = (act, by_act.get(act.pk, []))
        if act.induk_id is None:
            roots.append(entry)
        else:
            nodes[act.induk_id].anak.append(entry)
    return roots


def flatten_tree(roots) -> list[tuple[int, Disposisi, Node]]:
    """Depth-first rows (depth, act, node) for tables."""
    rows = []

    def walk(entries, depth):
        for act, items in entries:
            for node in items:
                rows.append((depth, act, node))
                walk(node.anak, depth + 1)

    walk(roots, 0)
    return rows


# --- Dashboard -----------------------------------------------------------------------------


@dataclass
class Rekap:
    label: str
    terbuka: int
    terlambat: int
    selesai: int
    tepat_waktu: int

    @property
    def persen_tepat_waktu(self) -> int | None:
        return round(100 * self.tepat_waktu / self.selesai) if self.selesai else None


def _counts(now: dt.datetime):
    open_ = ~Q(status=DisposisiPenerima.Status.SELESAI)
    done = Q(status=DisposisiPenerima.Status.SELESAI)
    return {
        "terbuka": Count("pk", filter=open_),
        "terlambat": Count("pk", filter=open_ & Q(batas_waktu__lt=now)),
        "selesai": Count("pk", filter=done),
        "tepat_waktu": Count("pk", filter=done & Q(selesai_pada__lte=F("batas_waktu"))),
    }


def dashboard_units(pegawai: Pegawai) -> list[UnitKerja]:
    """Units whose dispositions this person oversees: the units they head today."""
    rows = Penugasan.objects.filter(
        penugasan_active_on(office_today()), pegawai=pegawai, jabatan__kepala_unit=True
    ).select_related("jabatan__unit")
    return [r.jabatan.unit for r in rows]


def disposisi_dashboard(pegawai: Pegawai) -> dict:
    """Open, overdue and completed-on-time counts of branches in the units this person
    heads (and their sub-units), by unit and by recipient. Four queries whatever the size."""
    units = dashboard_units(pegawai)
    if not units:
        return {"units": [], "per_unit": [], "per_penerima": []}
    scope = Q()
    for u in units:
        scope |= Q(ke_unit__path__startswith=u.path)
    now = timezone.now()
    base = DisposisiPenerima.objects.filter(scope)
    per_unit = [
        Rekap(
            label=row["ke_unit__nama"] or "-",
            **{k: row[k] for k in ("terbuka", "terlambat", "selesai", "tepat_waktu")},
        )
        for row in base.values("ke_unit__nama", "ke_unit__path")
        .annotate(**_counts(now))
        .order_by("ke_unit__path")
    ]
    per_penerima = []
    for row in (
        base.values("ke_jabatan__nama", "ke_pegawai__nama", "ke_tim__nama")
        .annotate(**_counts(now))
        .order_by("ke_jabatan__nama", "ke_pegawai__nama", "ke_tim__nama")
    ):
        label = row["ke_jabatan__nama"] or row["ke_pegawai__nama"] or row["ke_tim__nama"]
        per_penerima.append(
            Rekap(
                label=label,
                **{k: row[k] for k in ("terbuka", "terlambat", "selesai", "tepat_waktu")},
            )
        )
    return {"units": units, "per_unit": per_unit, "per_penerima": per_penerima}


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).casefold()


def _norm_nomor(value: str) -> str:
    return re.sub(r"\s+", "", (value or "")).casefold()


def suratmasuk_find_duplicates(
    *, unit: UnitKerja, pengirim: str, nomor_surat: str, exclude_pk: int | None = None
) -> list[SuratMasuk]:
    """Letters of the same register with the same sender and sender's number."""
    if not _norm_nomor(nomor_surat):
        return []
    qs = SuratMasuk.objects.filter(
        unit=unit, pengirim_norm=_norm(pengirim), nomor_surat_norm=_norm_nomor(nomor_surat)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("dibuat_pada"))

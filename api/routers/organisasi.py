"""Organisation (read): units, positions with who acts for them today (incl. Plt/Plh),
work teams. Any valid token may read the organisation; it is the address book every
letter is written against."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from api.pagination import keyset_page
from api.schemas import ERRORS, DbId
from core.clock import office_today
from core.models import Jabatan, TimKerja, UnitKerja
from core.selectors.organisasi import jabatan_holders_on

router = Router()


class UnitOut(Schema):
    id: int
    nama: str
    singkatan: str
    kode: str
    jenis: str
    induk_id: int | None
    path: str
    aktif: bool


class PegawaiRef(Schema):
    id: int
    nama: str
    nip: str


class HolderOut(Schema):
    pegawai: PegawaiRef
    jenis: str  # definitif, plt, plh, pj
    prefix: str
    mulai: dt.date
    selesai: dt.date | None


class JabatanOut(Schema):
    id: int
    nama: str
    unit_id: int
    jenis: str
    eselon: str
    kepala_unit: bool
    atasan_id: int | None
    aktif: bool
    pemangku: HolderOut | None


class TimOut(Schema):
    id: int
    nama: str
    unit_id: int
    ketua: PegawaiRef | None
    anggota: list[PegawaiRef]
    mulai: dt.date
    selesai: dt.date | None
    aktif: bool


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


class JabatanPage(Schema):
    items: list[JabatanOut]
    next_cursor: str | None


class TimPage(Schema):
    items: list[TimOut]
    next_cursor: str | None


def _unit(u: UnitKerja) -> dict:
    return {
        "id": u.pk,
        "nama": u.nama,
        "singkatan": u.singkatan,
        "kode": u.kode,
        "jenis": u.jenis,
        "induk_id": u.induk_id,
        "path": u.path,
        "aktif": u.aktif,
    }


def _person(p) -> dict:
    return {"id": p.pk, "nama": p.nama_lengkap, "nip": p.nip or ""}


def _positions(rows: list[Jabatan]) -> list[dict]:
    holders = jabatan_holders_on([j.pk for j in rows], office_today())
    out = []
    for j in rows:
        h = holders.get(j.pk)
        out.append(
            {
                "id": j.pk,
                "nama": j.nama,
                "unit_id": j.unit_id,
                "jenis": j.jenis,
                "eselon": j.eselon,
                "kepala_unit": j.kepala_unit,
                "atasan_id": j.atasan_id,
                "aktif": j.aktif,
                "pemangku": h
                and {
                    "pegawai": _person(h.pegawai),
                    "jenis": h.jenis,
                    "prefix": h.prefix.strip(),
                    "mulai": h.penugasan.mulai,
                    "selesai": h.penugasan.selesai,
                },
            }
        )
    return out


class UnitFilter(Schema):
    induk: DbId | None = None
    aktif: bool | None = None
    cursor: str | None = None
    limit: int = 50


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="List units")
def units(request, filters: Query[UnitFilter]):
    qs = UnitKerja.objects.all()
    if filters.induk is not None:
        qs = qs.filter(induk_id=filters.induk)
    if filters.aktif is not None:
        qs = qs.filter(aktif=filters.aktif)
    rows, nxt = keyset_page(
        qs, cursor=filters.cursor, limit=filters.limit, kind="units", descending=False
    )
    return {"items": [_unit(u) for u in rows], "next_cursor": nxt}


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="One unit")
def unit_detail(request, unit_id: int):
    return _unit(get_object_or_404(UnitKerja, pk=unit_id))


class JabatanFilter(Schema):
    unit: DbId | None = None
    aktif: bool | None = None
    cursor: str | None = None
    limit: int = 50


@router.get(
    "/positions",
    response={200: JabatanPage, **ERRORS},
    summary="List positions with who acts for them today",
)
def positions(request, filters: Query[JabatanFilter]):
    qs = Jabatan.objects.all()
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.aktif is not None:
        qs = qs.filter(aktif=filters.aktif)
    rows, nxt = keyset_page(
        qs, cursor=filters.cursor, limit=filters.limit, kind="positions", descending=False
    )
    return {"items": _positions(rows), "next_cursor": nxt}


@router.get("/positions/{jabatan_id}", response={200: JabatanOut, **ERRORS}, summary="One position")
def position_detail(request, jabatan_id: int):
    return _positions([get_object_or_404(Jabatan, pk=jabatan_id)])[0]


class TimFilter(Schema):
    unit: DbId | None = None
    cursor: str | None = None
    limit: int = 50


@router.get("/teams", response={200: TimPage, **ERRORS}, summary="List work teams")
def teams(request, filters: Query[TimFilter]):
    qs = TimKerja.objects.select_related("ketua").prefetch_related("anggota")
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    rows, nxt = keyset_page(
        qs, cursor=filters.cursor, limit=filters.limit, kind="teams", descending=False
    )
    items = [
        {
            "id": t.pk,
            "nama": t.nama,
            "unit_id": t.unit_id,
            "ketua": t.ketua and _person(t.ketua),
            "anggota": [_person(p) for p in t.anggota.all()],
            "mulai": t.mulai,
            "selesai": t.selesai,
            "aktif": t.aktif,
        }
        for t in rows
    ]
    return {"items": items, "next_cursor": nxt}

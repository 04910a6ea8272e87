"""Reference data (read): archive classification codes and letter types with the schema
of their typed fields. Any valid token may read them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from api.pagination import keyset_page
from api.schemas import ERRORS, DbId
from core.models import KodeKlasifikasi
from naskah.models import JenisNaskah
from naskah.selectors.drafting import jenis_naskah_active

router = Router()


class KodeOut(Schema):
    id: int
    kode: str
    nama: str
    level: int
    induk_id: int | None
    retensi_aktif: int | None
    retensi_inaktif: int | None
    nasib_akhir: str
    kelas_keamanan: str
    aktif: bool


class KodePage(Schema):
    items: list[KodeOut]
    next_cursor: str | None


class KodeFilter(Schema):
    q: str | None = Field(None, description="code prefix or words of the name")
    induk: DbId | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=100)


def _kode(k: KodeKlasifikasi) -> dict:
    return {
        "id": k.pk,
        "kode": k.kode,
        "nama": k.nama,
        "level": k.level,
        "induk_id": k.induk_id,
        "retensi_aktif": k.retensi_aktif,
        "retensi_inaktif": k.retensi_inaktif,
        "nasib_akhir": k.nasib_akhir,
        "kelas_keamanan": k.kelas_keamanan_efektif or k.kelas_keamanan,
        "aktif": k.aktif,
    }


@router.get(
    "/classification-codes",
    response={200: KodePage, **ERRORS},
    summary="Archive classification codes of the scheme in use",
)
def classification_codes(request, filters: Query[KodeFilter]):
    qs = KodeKlasifikasi.objects.filter(skema__aktif=True)
    if filters.q:
        qs = qs.filter(Q(kode__startswith=filters.q) | Q(nama__icontains=filters.q))
    if filters.induk is not None:
        qs = qs.filter(induk_id=filters.induk)
    rows, nxt = keyset_page(
        qs, cursor=filters.cursor, limit=filters.limit, kind="codes", descending=False
    )
    return {"items": [_kode(k) for k in rows], "next_cursor": nxt}


@router.get(
    "/classification-codes/{kode_id}", response={200: KodeOut, **ERRORS}, summary="One code"
)
def classification_code(request, kode_id: int):
    found = KodeKlasifikasi.objects.filter(pk=kode_id, skema__aktif=True).first()
    if found is None:
        raise Http404("code")
    return _kode(found)


class JenisOut(Schema):
    id: int
    kode: str
    nama: str
    kelompok: str
    lingkup: str
    layout_kind: str
    kode_klasifikasi_default: str | None
    fields_schema: list[dict[str, Any]]


def _jenis(j: JenisNaskah) -> dict:
    return {
        "id": j.pk,
        "kode": j.kode,
        "nama": j.nama,
        "kelompok": j.kelompok,
        "lingkup": j.lingkup,
        "layout_kind": j.layout_kind,
        "kode_klasifikasi_default": (
            j.kode_klasifikasi_default.kode if j.kode_klasifikasi_default_id else None
        ),
        "fields_schema": list(j.fields_schema or []),
    }


@router.get(
    "/letter-types",
    response={200: list[JenisOut], **ERRORS},
    summary="Letter types in use, with the schema of their typed fields",
)
def letter_types(request):
    return [_jenis(j) for j in jenis_naskah_active().select_related("kode_klasifikasi_default")]


@router.get("/letter-types/{kode}", response={200: JenisOut, **ERRORS}, summary="One letter type")
def letter_type(request, kode: str):
    found = (
        JenisNaskah.objects.select_related("kode_klasifikasi_default")
        .filter(kode=kode, aktif=True)
        .first()
    )
    if found is None:
        raise Http404("type")
    return _jenis(found)

"""Archive search: the page's search (arsip.search.query.arsip_search) with the same
visibility and ranking, for the caller's person (a personal token) or the client's
service account. A client without one cannot search: the archive's visibility is a
person's, and a unit scope alone must not open records (DESIGN invariant 12)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from api.auth import require_actor
from api.errors import ApiProblem
from api.models import Scope
from api.pagination import decode_cursor, encode_cursor
from api.schemas import ERRORS, DbId
from arsip.search.query import SORTS, ArsipSearchParams, arsip_search

router = Router()


class HitOut(Schema):
    id: int
    source_type: str
    source_id: str
    nomor: str
    hal: str
    tanggal: dt.date
    jenis_kode: str
    unit_id: int | None
    kode_klasifikasi: str | None
    klasifikasi_keamanan: str
    status: str
    pengirim: str
    penerima: str
    score: float | None
    snippet_html: str


class SearchPage(Schema):
    items: list[HitOut]
    total: int
    total_capped: bool
    total_estimated: bool
    suggestions: list[str]
    next_cursor: str | None


class SearchFilter(Schema):
    q: str = ""
    tanggal_dari: dt.date | None = None
    tanggal_sampai: dt.date | None = None
    tahun: int | None = Field(None, ge=1900, le=2200)
    jenis: str = Field("", description="letter type code")
    unit: DbId | None = None
    kode_klasifikasi: str = ""
    urgensi: str = ""
    klasifikasi_keamanan: str = ""
    status: str = ""
    sort: str = Field("relevansi", description=" / ".join(SORTS))
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/archive/search",
    response={200: SearchPage, **ERRORS},
    summary="Search the archive (same visibility and ranking as the page)",
)
def archive_search(request, filters: Query[SearchFilter]):
    _caller, person = require_actor(request, Scope.ARCHIVE_READ)
    key = filters.dict(exclude={"cursor", "limit"})
    key = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in key.items()}
    state = decode_cursor(filters.cursor, "archive") or {"p": 1, "x": key}
    if state.get("x") != key or state.get("n") not in (None, filters.limit):
        raise ApiProblem(422, code="invalid_cursor")
    page = int(state.get("p", 1))
    result = arsip_search(
        user=person,
        params=ArsipSearchParams(
            q=filters.q,
            tanggal_dari=filters.tanggal_dari,
            tanggal_sampai=filters.tanggal_sampai,
            tahun=filters.tahun,
            jenis_kode=filters.jenis,
            unit_id=filters.unit,
            kode_klasifikasi=filters.kode_klasifikasi,
            urgensi=filters.urgensi,
            klasifikasi_keamanan=filters.klasifikasi_keamanan,
            status=filters.status,
            sort=filters.sort if filters.sort in SORTS else "relevansi",
            page=page,
            per_page=filters.limit,
        ),
    )
    items = []
    for hit in result.hits:
        r = hit.record
        items.append(
            {
                "id": r.pk,
                "source_type": r.source_type,
                "source_id": r.source_id,
                "nomor": r.nomor,
                "hal": r.hal,
                "tanggal": r.tanggal,
                "jenis_kode": r.jenis_kode,
                "unit_id": r.unit_id,
                "kode_klasifikasi": r.kode_klasifikasi.kode if r.kode_klasifikasi_id else None,
                "klasifikasi_keamanan": r.klasifikasi_keamanan,
                "status": r.status,
                "pengirim": r.pengirim,
                "penerima": r.penerima,
                "score": hit.score,
                "snippet_html": str(hit.snippet_html),
            }
        )
    following = None
    if result.has_next and result.page == page:
        following = encode_cursor({"k": "archive", "p": page + 1, "x": key, "n": filters.limit})
    return {
        "items": items,
        "total": result.total,
        "total_capped": result.total_capped,
        "total_estimated": result.total_estimated,
        "suggestions": list(result.suggestions),
        "next_cursor": following,
    }

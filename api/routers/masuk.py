"""Incoming letters (surat masuk): register with file and metadata (idempotent per sender
and sender's number: registering the same letter again returns the existing
registration), list and read them, read their dispositions and the states of each
branch. Registration goes through naskah.masuk.services with the caller's account (a
personal token's person, or the client's service account), whose register rights apply."""

# No `from __future__ import annotations`: the idempotent decorator wraps these views,
# and django-ninja reads their (real) parameter types through the wrapper.
import datetime as dt

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from api.auth import require_actor, require_scope
from api.errors import ApiProblem
from api.idempotency import idempotent
from api.models import Scope
from api.pagination import keyset_page
from api.permissions import suratmasuk_for_caller, suratmasuk_get, unit_served
from api.render import json_response
from api.schemas import ERRORS, DbId
from core.errors import ConflictError
from core.models import Jabatan, KodeKlasifikasi, UnitKerja
from naskah.masuk.models import SuratMasuk
from naskah.masuk.selectors import disposisi_tree, flatten_tree
from naskah.masuk.services import DataSurat, suratmasuk_register

router = Router()


class SuratMasukOut(Schema):
    id: int
    unit_id: int
    nomor_agenda: str
    asal: str
    pengirim: str
    nomor_surat: str
    tanggal_surat: dt.date | None
    tanggal_diterima: dt.date
    hal: str
    urgensi: str
    klasifikasi_keamanan: str
    kode_klasifikasi: str | None
    jabatan_tujuan_id: int | None
    jumlah_lampiran: int
    status: str
    ocr_status: str
    dibuat_pada: dt.datetime


class SuratMasukPage(Schema):
    items: list[SuratMasukOut]
    next_cursor: str | None


def surat_out(s: SuratMasuk) -> dict:
    return {
        "id": s.pk,
        "unit_id": s.unit_id,
        "nomor_agenda": s.nomor_agenda,
        "asal": s.asal,
        "pengirim": s.pengirim,
        "nomor_surat": s.nomor_surat,
        "tanggal_surat": s.tanggal_surat,
        "tanggal_diterima": s.tanggal_diterima,
        "hal": s.hal,
        "urgensi": s.urgensi,
        "klasifikasi_keamanan": s.klasifikasi_keamanan,
        "kode_klasifikasi": s.kode_klasifikasi.kode if s.kode_klasifikasi_id else None,
        "jabatan_tujuan_id": s.jabatan_tujuan_id,
        "jumlah_lampiran": s.jumlah_lampiran,
        "status": s.status,
        "ocr_status": s.ocr_status,
        "dibuat_pada": s.dibuat_pada,
    }


class SuratMasukFilter(Schema):
    status: SuratMasuk.Status | None = None
    unit: DbId | None = None
    urgensi: str | None = None
    tanggal_dari: dt.date | None = Field(None, description="date received from (inclusive)")
    tanggal_sampai: dt.date | None = Field(None, description="date received until (inclusive)")
    cursor: str | None = None
    limit: int = Field(25, ge=1, le=100)


@router.get("/incoming", response={200: SuratMasukPage, **ERRORS}, summary="List incoming letters")
def incoming(request, filters: Query[SuratMasukFilter]):
    caller = require_scope(request, Scope.LETTERS_READ)
    qs = suratmasuk_for_caller(caller).select_related("kode_klasifikasi")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.urgensi:
        qs = qs.filter(urgensi=filters.urgensi)
    if filters.tanggal_dari:
        qs = qs.filter(tanggal_diterima__gte=filters.tanggal_dari)
    if filters.tanggal_sampai:
        qs = qs.filter(tanggal_diterima__lte=filters.tanggal_sampai)
    rows, nxt = keyset_page(qs, cursor=filters.cursor, limit=filters.limit, kind="incoming")
    return {"items": [surat_out(s) for s in rows], "next_cursor": nxt}


@router.get(
    "/incoming/{surat_id}", response={200: SuratMasukOut, **ERRORS}, summary="One incoming letter"
)
def incoming_detail(request, surat_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    return surat_out(suratmasuk_get(caller, surat_id))


@router.post(
    "/incoming",
    response={201: SuratMasukOut, 200: SuratMasukOut, **ERRORS, 409: ERRORS[422]},
    summary="Register an incoming letter (200 with the existing one if already registered)",
)
@idempotent
def incoming_register(
    request,
    unit_id: Form[DbId],
    jabatan_tujuan_id: Form[DbId],
    pengirim: Form[str],
    hal: Form[str],
    tanggal_diterima: Form[dt.date],
    kode_klasifikasi: Form[str],
    berkas: File[UploadedFile],
    nomor_surat: Form[str] = "",
    tanggal_surat: Form[dt.date | None] = None,
    urgensi: Form[str] = "biasa",
    klasifikasi_keamanan: Form[str] = "biasa",
    jumlah_lampiran: Form[int] = 0,
):
    caller, actor = require_actor(request, Scope.INCOMING_WRITE)
    unit = UnitKerja.objects.filter(pk=unit_id).first()
    if unit is None or not unit_served(caller, unit):
        raise Http404("unit")
    jabatan = Jabatan.objects.select_related("unit").filter(pk=jabatan_tujuan_id).first()
    kode = KodeKlasifikasi.objects.select_related("skema").filter(kode=kode_klasifikasi).first()
    if jabatan is None or kode is None:
        raise ApiProblem(
            422, _("Unknown addressed position or classification code."), code="invalid"
        )
    if jumlah_lampiran < 0:
        raise ApiProblem(422, _("The number of attachments cannot be negative."), code="invalid")
    data = DataSurat(
        pengirim=pengirim,
        hal=hal,
        tanggal_diterima=tanggal_diterima,
        urgensi=urgensi,
        klasifikasi_keamanan=klasifikasi_keamanan,
        kode_klasifikasi=kode,
        jabatan_tujuan=jabatan,
        nomor_surat=nomor_surat,
        tanggal_surat=tanggal_surat,
        jumlah_lampiran=jumlah_lampiran,
    )
    try:
        surat = suratmasuk_register(
            actor=actor, unit=unit, data=data, files=[(berkas.name or "surat.pdf", berkas.read())]
        )
    except ConflictError as exc:
        if exc.code != "duplicate":
            raise
        existing = suratmasuk_for_caller(caller).filter(pk__in=exc.extra.get("duplikat", []))
        found = existing.select_related("kode_klasifikasi").order_by("pk").first()
        if found is None:
            raise
        return json_response(request, 200, SuratMasukOut, surat_out(found))
    surat = SuratMasuk.objects.select_related("kode_klasifikasi").get(pk=surat.pk)
    return json_response(request, 201, SuratMasukOut, surat_out(surat))


class CabangOut(Schema):
    id: int
    depth: int
    disposisi_id: int
    dari_jabatan_id: int | None
    dari_pegawai_id: int | None
    ke_jabatan_id: int | None
    ke_pegawai_id: int | None
    ke_tim_id: int | None
    ke_unit_id: int | None
    utama: bool
    status: str
    instruksi: list[str]
    catatan: str
    batas_waktu: dt.datetime
    dibuat_pada: dt.datetime
    dibaca_pada: dt.datetime | None
    selesai_pada: dt.datetime | None
    cara_selesai: str


@router.get(
    "/incoming/{surat_id}/dispositions",
    response={200: list[CabangOut], **ERRORS},
    summary="The disposition tree, depth-first, with each branch's state",
)
def incoming_dispositions(request, surat_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    surat = suratmasuk_get(caller, surat_id)
    rows = []
    for depth, act, node in flatten_tree(disposisi_tree(surat)):
        c = node.cabang
        rows.append(
            {
                "id": c.pk,
                "depth": depth,
                "disposisi_id": act.pk,
                "dari_jabatan_id": act.dari_jabatan_id,
                "dari_pegawai_id": act.dari_pegawai_id,
                "ke_jabatan_id": c.ke_jabatan_id,
                "ke_pegawai_id": c.ke_pegawai_id,
                "ke_tim_id": c.ke_tim_id,
                "ke_unit_id": c.ke_unit_id,
                "utama": c.utama,
                "status": c.status,
                "instruksi": [str(i) for i in act.instruksi.all()],
                "catatan": act.catatan,
                "batas_waktu": act.batas_waktu,
                "dibuat_pada": act.dibuat_pada,
                "dibaca_pada": c.dibaca_pada,
                "selesai_pada": c.selesai_pada,
                "cara_selesai": c.cara_selesai,
            }
        )
    return rows

"""Letters (naskah): list and read with status, route and events; create a draft with
body blocks, recipients and lampiran; submit it; fetch the sealed PDF and its
verification data; sign with the signer's own personal token and, in that request, the
passphrase or BSrE TOTP code (never stored).

Thin: every read goes through api.permissions (the pages' permission functions), every
write through naskah's services."""

# No `from __future__ import annotations`: the idempotent decorator wraps these views,
# and django-ninja reads their (real) parameter types through the wrapper.
import datetime as dt
import hashlib
from typing import Any, Literal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from api.auth import require_actor, require_scope
from api.errors import ApiProblem
from api.idempotency import idempotent
from api.models import Scope
from api.pagination import keyset_page
from api.permissions import naskah_for_caller, naskah_get, unit_served
from api.render import json_response
from api.schemas import ERRORS, DbId
from core.models import Jabatan, KodeKlasifikasi
from core.selectors.organisasi import pegawai_primary_unit
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, Naskah
from naskah.models.signing import NaskahTTE
from naskah.selectors.approval import naskah_route_latest
from naskah.selectors.signing import verification_url
from naskah.services.approval import naskah_submit
from naskah.services.drafting import lampiran_add, naskah_create
from naskah.services.signing import naskah_sign, sealed_bytes
from signing.selectors import signing_method
from workflows.selectors import route_stages, route_timeline

router = Router()


class NaskahOut(Schema):
    id: int
    status: str
    status_label: str
    jenis: str
    unit_id: int
    penandatangan_id: int
    mandat: str
    hal: str
    urgensi: str
    klasifikasi_keamanan: str
    kode_klasifikasi: str | None
    nomor: str | None
    tanggal: dt.date | None
    revisi: int
    dibuat_pada: dt.datetime
    diubah_pada: dt.datetime


class NaskahPage(Schema):
    items: list[NaskahOut]
    next_cursor: str | None


def naskah_out(n: Naskah) -> dict:
    return {
        "id": n.pk,
        "status": n.status,
        "status_label": str(n.get_status_display()),
        "jenis": n.jenis.kode,
        "unit_id": n.unit_id,
        "penandatangan_id": n.penandatangan_id,
        "mandat": n.mandat,
        "hal": n.hal,
        "urgensi": n.urgensi,
        "klasifikasi_keamanan": n.klasifikasi_keamanan,
        "kode_klasifikasi": n.kode_klasifikasi.kode if n.kode_klasifikasi_id else None,
        "nomor": n.nomor,
        "tanggal": n.tanggal,
        "revisi": n.revisi_terakhir,
        "dibuat_pada": n.created_at,
        "diubah_pada": n.updated_at,
    }


class NaskahFilter(Schema):
    status: Naskah.Status | None = None
    jenis: str | None = Field(None, description="letter type code, e.g. surat-dinas")
    unit: DbId | None = Field(None, description="the drafting unit's id")
    tanggal_dari: dt.date | None = Field(None, description="letter date from (inclusive)")
    tanggal_sampai: dt.date | None = Field(None, description="letter date until (inclusive)")
    cursor: str | None = None
    limit: int = Field(25, ge=1, le=100)


@router.get("/letters", response={200: NaskahPage, **ERRORS}, summary="List letters")
def letters(request, filters: Query[NaskahFilter]):
    caller = require_scope(request, Scope.LETTERS_READ)
    qs = naskah_for_caller(caller).select_related("jenis", "kode_klasifikasi")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.jenis:
        qs = qs.filter(jenis__kode=filters.jenis)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.tanggal_dari:
        qs = qs.filter(tanggal__gte=filters.tanggal_dari)
    if filters.tanggal_sampai:
        qs = qs.filter(tanggal__lte=filters.tanggal_sampai)
    rows, nxt = keyset_page(qs, cursor=filters.cursor, limit=filters.limit, kind="letters")
    return {"items": [naskah_out(n) for n in rows], "next_cursor": nxt}


@router.get("/letters/{naskah_id}", response={200: NaskahOut, **ERRORS}, summary="One letter")
def letter(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    return naskah_out(naskah_get(caller, naskah_id))


# --- Drafting ---------------------------------------------------------------------------


class PenerimaIn(Schema):
    jenis: str = Field("tujuan", description='"tujuan" (addressee) or "tembusan" (copy)')
    unit_id: DbId | None = None
    jabatan_id: DbId | None = None
    pegawai_id: DbId | None = None
    nama: str | None = Field(None, description="an outside addressee by name")
    alamat: str | None = None
    email: str | None = None
    keterangan: str | None = None


class DraftIn(Schema):
    jenis: str = Field(..., description="letter type code (GET /letter-types)")
    penandatangan_id: DbId = Field(..., description="the signing position's id")
    mandat: str = Field("", description='"", "an" or "ub"')
    hal: str = Field(..., max_length=500)
    body: list[dict[str, Any]] = Field(
        default_factory=list, description="body blocks, as the editor stores them"
    )
    body_markup: str | None = Field(
        None,
        description="instead of `body`: the drafting editor's plain-text markup "
        "(naskah.markup; paragraphs separated by a blank line)",
    )
    fields: dict[str, Any] = Field(default_factory=dict, description="the type's own fields")
    penerima: list[PenerimaIn] = Field(default_factory=list)
    urgensi: str = "biasa"
    klasifikasi_keamanan: str = "biasa"
    kode_klasifikasi: str | None = Field(None, description="classification code, e.g. 000.1")
    tempat: str = ""


@router.post(
    "/letters",
    response={201: NaskahOut, **ERRORS, 409: ERRORS[422]},
    summary="Create a draft",
)
@idempotent
def letter_create(request, data: DraftIn):
    caller, actor = require_actor(request, Scope.DRAFTS_WRITE)
    unit = pegawai_primary_unit(actor)
    if unit is not None and not unit_served(caller, unit):
        raise ApiProblem(403, _("This client does not serve the drafter's unit."), code="unit")
    jenis = JenisNaskah.objects.filter(kode=data.jenis, aktif=True).first()
    if jenis is None:
        raise ApiProblem(422, _("Unknown letter type."), code="invalid")
    penandatangan = Jabatan.objects.filter(pk=data.penandatangan_id, aktif=True).first()
    if penandatangan is None:
        raise ApiProblem(422, _("Unknown signing position."), code="invalid")
    kode = None
    if data.kode_klasifikasi:
        kode = KodeKlasifikasi.objects.filter(kode=data.kode_klasifikasi, aktif=True).first()
        if kode is None:
            raise ApiProblem(422, _("Unknown classification code."), code="invalid")
    penerima = [{k: v for k, v in p.dict().items() if v not in (None, "")} for p in data.penerima]
    naskah = naskah_create(
        actor=actor,
        jenis=jenis,
        penandatangan=penandatangan,
        hal=data.hal,
        body=blocks_from_markup(data.body_markup) if data.body_markup else data.body,
        fields=data.fields,
        penerima=penerima,
        mandat=data.mandat,
        urgensi=data.urgensi,
        klasifikasi_keamanan=data.klasifikasi_keamanan,
        kode_klasifikasi=kode,
        tempat=data.tempat,
    )
    naskah = Naskah.objects.select_related("jenis", "kode_klasifikasi").get(pk=naskah.pk)
    return json_response(request, 201, NaskahOut, naskah_out(naskah))


class LampiranOut(Schema):
    id: int
    judul: str
    jumlah_halaman: int
    ukuran: int
    revisi: int


def _own_draft(caller, actor, naskah_id: int) -> Naskah:
    naskah = naskah_get(caller, naskah_id, internal=True)
    if naskah.konseptor_id != actor.pk:
        raise Http404("letter")
    return naskah


@router.post(
    "/letters/{naskah_id}/lampiran",
    response={201: LampiranOut, **ERRORS, 409: ERRORS[422]},
    summary="Attach a PDF lampiran to a draft",
)
@idempotent
def letter_lampiran(
    request, naskah_id: int, judul: Form[str], berkas: File[UploadedFile], revisi: Form[int] = 0
):
    caller, actor = require_actor(request, Scope.DRAFTS_WRITE)
    naskah = _own_draft(caller, actor, naskah_id)
    item = lampiran_add(
        actor=actor,
        naskah=naskah,
        expected_revisi=revisi or naskah.revisi_terakhir,
        judul=judul,
        berkas=berkas,
    )
    naskah.refresh_from_db(fields=["revisi_terakhir"])
    return json_response(
        request,
        201,
        LampiranOut,
        {
            "id": item.pk,
            "judul": item.judul,
            "jumlah_halaman": item.jumlah_halaman,
            "ukuran": item.ukuran,
            "revisi": naskah.revisi_terakhir,
        },
    )


class SubmitIn(Schema):
    revisi: int | None = Field(None, description="the revision seen (default: the latest)")
    catatan: str = Field("", max_length=1000)


@router.post(
    "/letters/{naskah_id}/submit",
    response={200: NaskahOut, **ERRORS, 409: ERRORS[422]},
    summary="Submit a draft into approval (the default route)",
)
@idempotent
def letter_submit(request, naskah_id: int, data: SubmitIn):
    caller, actor = require_actor(request, Scope.DRAFTS_WRITE)
    naskah = _own_draft(caller, actor, naskah_id)
    naskah_submit(
        actor=actor,
        naskah=naskah,
        expected_revisi=data.revisi or naskah.revisi_terakhir,
        note=data.catatan,
    )
    naskah = Naskah.objects.select_related("jenis", "kode_klasifikasi").get(pk=naskah.pk)
    return json_response(request, 200, NaskahOut, naskah_out(naskah))


# --- Route and events ---------------------------------------------------------------------


class StepOut(Schema):
    id: int
    kind: str
    label: str
    jabatan_id: int | None
    tim_kerja_id: int | None
    status: str | None
    acted_by_id: int | None
    acted_at: dt.datetime | None


class StageOut(Schema):
    index: int
    kind: str
    steps: list[StepOut]


class EventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    actor_id: int | None
    actor: str
    capacity: str
    acting_for: str
    step: str
    note: str
    revision: str


class RouteOut(Schema):
    naskah_id: int
    status: str
    route_status: str | None
    stages: list[StageOut]
    events: list[EventOut]


def _events(route) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "label": str(e.label),
            "at": e.at,
            "actor_id": e.actor.pk if e.actor else None,
            "actor": e.actor.nama_lengkap if e.actor else "",
            "capacity": e.capacity,
            "acting_for": e.acting_for,
            "step": e.step,
            "note": e.note,
            "revision": e.revision,
        }
        for e in route_timeline(route)
    ]


@router.get(
    "/letters/{naskah_id}/route",
    response={200: RouteOut, **ERRORS},
    summary="The letter's approval route and its events",
)
def letter_route(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    naskah = naskah_get(caller, naskah_id, internal=True)
    route = naskah_route_latest(naskah)
    stages, events = [], []
    if route is not None:
        for stage in route_stages(route):
            steps = []
            for step in stage.steps.all():
                last = step.history[-1] if step.history else None
                steps.append(
                    {
                        "id": step.pk,
                        "kind": step.kind,
                        "label": step.label,
                        "jabatan_id": step.jabatan_id,
                        "tim_kerja_id": step.tim_kerja_id,
                        "status": last.status if last else None,
                        "acted_by_id": last.acted_by_id if last else None,
                        "acted_at": getattr(last, "acted_at", None) if last else None,
                    }
                )
            stages.append({"index": stage.index, "kind": stage.kind, "steps": steps})
        events = _events(route)
    return {
        "naskah_id": naskah.pk,
        "status": naskah.status,
        "route_status": route.status if route else None,
        "stages": stages,
        "events": events,
    }


@router.get(
    "/letters/{naskah_id}/events",
    response={200: list[EventOut], **ERRORS},
    summary="The letter's route events, oldest first",
)
def letter_events(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    naskah = naskah_get(caller, naskah_id, internal=True)
    route = naskah_route_latest(naskah)
    return _events(route) if route is not None else []


# --- The sealed letter ---------------------------------------------------------------------


def _signed_record(naskah: Naskah) -> NaskahTTE:
    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).select_related("nomor").first()
    if record is None or record.dokumen_terakhir() is None:
        raise ApiProblem(404, _("The letter is not signed yet."), code="not_signed")
    return record


@router.get(
    "/letters/{naskah_id}/pdf",
    response={200: None, **ERRORS},
    summary="The sealed PDF (as sent)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The sealed PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def letter_pdf(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    naskah = naskah_get(caller, naskah_id)
    dokumen = _signed_record(naskah).dokumen_terakhir()
    data = sealed_bytes(dokumen)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="naskah-{naskah.pk}.pdf"'
    response["Digest"] = "sha-256=" + hashlib.sha256(data).hexdigest()
    response["Cache-Control"] = "private, no-store"
    return response


class SignatureOut(Schema):
    urutan: int
    penandatangan: str
    jabatan_id: int
    kapasitas: str
    signed_at: dt.datetime
    timestamped: bool
    sertifikat_serial: str
    sertifikat_subjek: str


class VerificationOut(Schema):
    naskah_id: int
    nomor: str | None
    tanggal: dt.date | None
    token: str
    verification_url: str
    sha256: str
    ukuran: int
    signatures: list[SignatureOut]


@router.get(
    "/letters/{naskah_id}/verification",
    response={200: VerificationOut, **ERRORS},
    summary="Verification data of the sealed letter",
)
def letter_verification(request, naskah_id: int):
    caller = require_scope(request, Scope.LETTERS_READ)
    naskah = naskah_get(caller, naskah_id)
    record = _signed_record(naskah)
    last = record.dokumen_terakhir()
    return {
        "naskah_id": naskah.pk,
        "nomor": naskah.nomor,
        "tanggal": naskah.tanggal,
        "token": record.token,
        "verification_url": verification_url(record.token),
        "sha256": last.sha256,
        "ukuran": last.ukuran,
        "signatures": [
            {
                "urutan": d.urutan,
                "penandatangan": d.penandatangan.nama_lengkap,
                "jabatan_id": d.jabatan_id,
                "kapasitas": d.kapasitas,
                "signed_at": d.signed_at,
                "timestamped": d.timestamped,
                "sertifikat_serial": d.sertifikat_serial,
                "sertifikat_subjek": d.sertifikat_subjek,
            }
            for d in record.dokumen.select_related("penandatangan").order_by("urutan")
        ],
    }


# --- Signing: only the signer, with the passphrase or BSrE TOTP in this request ------------


class SignIn(Schema):
    passphrase: str | None = Field(
        None,
        min_length=1,
        description="the signing passphrase; used for this request only, never stored",
    )
    totp: str | None = Field(
        None,
        pattern=r"^[0-9]{6,8}$",
        description=(
            "the TOTP code of the signer's BSrE authenticator, where the signer signs "
            "through BSrE with TOTP (see GET /signing-method); used for this request only"
        ),
    )


class SigningMethodOut(Schema):
    backend: Literal["local", "bsre"] = Field(
        ..., description='"local" (the instance\'s CA) or "bsre"'
    )
    credentials: list[Literal["passphrase", "totp"]] = Field(
        ..., description='what a sign request may carry: "passphrase" and/or "totp"'
    )


def _signer(request):
    caller = require_scope(request, Scope.SIGN)
    if not caller.personal:  # a client can never sign in someone's name
        raise ApiProblem(403, _("Only the signer's personal token can sign."), code="personal_only")
    return caller


@router.get(
    "/signing-method",
    response={200: SigningMethodOut, **ERRORS},
    summary="How the token's owner signs: the backend and the credential a sign request takes",
)
def signing_method_get(request):
    caller = _signer(request)
    method = signing_method(signer=caller.pegawai)
    return {"backend": method.backend, "credentials": list(method.credentials)}


@router.post(
    "/letters/{naskah_id}/sign",
    response={200: NaskahOut, **ERRORS, 409: ERRORS[422]},
    summary="Sign the letter (personal token of the signer, with the passphrase or BSrE TOTP)",
)
@idempotent(atomic=False)
@sensitive_variables("data")
def letter_sign(request, naskah_id: int, data: SignIn):
    caller = _signer(request)
    naskah = naskah_get(caller, naskah_id, internal=True)
    naskah_sign(naskah=naskah, signer=caller.pegawai, passphrase=data.passphrase, totp=data.totp)
    naskah = get_object_or_404(
        Naskah.objects.select_related("jenis", "kode_klasifikasi"), pk=naskah.pk
    )
    return json_response(request, 200, NaskahOut, naskah_out(naskah))
